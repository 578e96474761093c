"""Typography a copy editor checks (issue #17): footnotes at the foot of their page, booktabs tables whose numbers stay
whole and whose header runs on over pages, no line ending between "Figure" and its number, equation numbers on the
formula's baseline. Each on a tiny document, read back from the PDF's laid-out words (`pdftotext -bbox-layout`),
its pixels, the HTML and the DOCX XML."""

from __future__ import annotations

import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from paperbuild.cli import main
from paperbuild.render.html import page_text
from tests.conftest import make_project

FILLER = (
    "Tidal gauges along the coast record the height of the sea every few minutes, and their long series show how "
    "slowly the mean level rises against the land while storms and seasons make it swing by far more."
)


@dataclass(frozen=True)
class Word:
    """A word laid out on a PDF page, in points from the page's top left corner."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def pdf_words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its page (from 1) and box, as poppler lays them out."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml).replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    return [
        Word(number, word.text or "", *(float(word.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")))
        for number, page in enumerate(root.iter("page"), start=1)
        for word in page.iter("word")
    ]


def build(tmp_path: Path, chapter: str, fmt: str = "all") -> Path:
    """Build a one-chapter project in `fmt`; the output folder."""
    root = make_project(tmp_path, {"manuscript/01-text.md": chapter})
    assert main([fmt, "--project", str(root), "--quiet"]) == 0
    return root / "build"


# ----------------------------------------------------------------------------------------------------- footnotes


def test_a_footnote_prints_at_the_foot_of_the_page_that_calls_it(tmp_path: Path) -> None:
    paragraphs = [FILLER] * 30
    paragraphs[14] = "The gauge at Brest was moved in 1711.[^moved] " + FILLER
    chapter = "# Gauges\n\n" + "\n\n".join(paragraphs) + "\n\n[^moved]: Zanzibarnote, sixty metres quaywards.\n"
    words = pdf_words(build(tmp_path, chapter, "pdf") / "paper.pdf")
    call = next(w for w in words if w.text.startswith("1711"))
    note = next(w for w in words if w.text.startswith("Zanzibarnote"))
    last_page = max(w.page for w in words)
    assert 1 < call.page < last_page, "the call is meant to fall on a middle page"
    assert note.page == call.page, f"the note is on page {note.page}, its call on page {call.page}"
    body = [w for w in words if w.page == call.page and w.text in FILLER.split()]
    assert note.y_min > max(w.y_max for w in body), "the note is not below the page's text"


def test_a_note_of_paragraphs_and_a_list_prints_whole_at_the_page_foot(tmp_path: Path) -> None:
    chapter = (
        "# Gauges\n\nOne short paragraph.[^long]\n\n"
        "[^long]: Quayside first.\n\n    Harbourmaster second.\n\n    - Listitem one\n    - Listitem two\n"
    )
    words = pdf_words(build(tmp_path, chapter, "pdf") / "paper.pdf")
    body = next(w for w in words if w.text.startswith("paragraph."))
    lines = [next(w for w in words if w.text == t) for t in ("Quayside", "Harbourmaster", "Listitem", "two")]
    assert all(w.page == 1 for w in lines)
    assert lines[0].y_min > body.y_max + 400, "the note is not at the foot of the page (A4 is 842pt tall)"
    assert all(a.y_min < b.y_min for a, b in itertools.pairwise(lines)), "the note's lines are out of order"


# -------------------------------------------------------------------------------------------------------- tables

TABLE = """
# Results

| Site | Gauge | Rise |
|------|-------|------|
| Brest | tide staff | 1.2 |
| Cuxhaven | float well | 2.5 |
| Sheerness | float well | 1.9 |
| Stockholm | radar | -3.8 |

: Sea level rise per decade. {#tbl:rise}

After the table.
"""


def dark_rules(png: Path, left: int, right: int, top: int, bottom: int) -> int:
    """How many horizontal rules cross the box (pixels of a greyscale PNG): runs of rows whose pixels are dark
    over three quarters of the box's width at least."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        rows = []
        for y in range(top, bottom):
            dark = sum(grey.getpixel((x, y)) < 160 for x in range(left, right))  # type: ignore[operator]
            rows.append(dark > 0.75 * (right - left))
    return sum(1 for i, row in enumerate(rows) if row and (i == 0 or not rows[i - 1]))


def test_a_table_has_the_three_booktabs_rules_and_none_between_rows(tmp_path: Path) -> None:
    out = build(tmp_path, TABLE)
    css = (out / "paper.html").read_text(encoding="utf-8")
    table_rule = re.search(r"\ntable \{[^}]*\}", css)
    assert (
        table_rule
        and "border-top: 1pt solid" in table_rule.group()
        and "border-bottom: 1pt solid" in table_rule.group()
    )
    assert re.search(r"\nthead th \{ border-bottom: 0.5pt solid", css)
    assert re.search(r"\nth, td \{[^}]*border: none", css)

    words = [w for w in pdf_words(out / "paper.pdf") if w.page == 1]
    scale = 100 / 72  # pdftoppm -r 100: pixels per point
    cells = [w for w in words if w.text in ("Site", "Gauge", "Rise", "Stockholm", "-3.8")]
    left, right = min(w.x_min for w in cells), max(w.x_max for w in cells)
    top = next(w for w in words if w.text == "Sea").y_max  # the caption's last line, above the top rule
    bottom = next(w for w in words if w.text == "After").y_min
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-singlefile",
            "-gray",
            str(out / "paper.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    box = [round(v * scale) for v in (left, right, top, bottom)]
    assert dark_rules(tmp_path / "page.png", *box) == 3


def test_a_long_table_starts_under_its_caption_and_repeats_its_header_on_the_next_page(tmp_path: Path) -> None:
    rows = "\n".join(f"| Station {i} | {1000 + 37 * i} | {i / 4:.2f} |" for i in range(1, 41))
    chapter = (
        "# Records\n\nThe stations.\n\n| Place | Count | Mean |\n|---|---|---|\n" + rows + "\n\n: Stations. {#tbl:s}\n"
    )
    out = build(tmp_path, chapter)
    words = pdf_words(out / "paper.pdf")
    caption = next(w for w in words if w.text == "Stations.")
    first = next(w for w in words if w.text == "1037")
    last = next(w for w in words if w.text == "2480")
    assert caption.page == first.page, "the caption is on another page than its table"
    assert last.page == first.page + 1, "the table is meant to run on over two pages"
    for page in (first.page, last.page):
        assert {"Place", "Count", "Mean"} <= {w.text for w in words if w.page == page}, f"no header on page {page}"
    with zipfile.ZipFile(out / "paper.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    header_row = document[document.index("<w:tbl>") :].split("</w:tr>")[0]
    assert "<w:tblHeader" in header_row and "Place" in header_row


def test_a_number_is_never_broken_across_lines_in_a_narrow_column(tmp_path: Path) -> None:
    header = "| " + " | ".join(f"Column {c}" for c in "ABCDEFGH") + " |\n|" + "---|" * 8 + "\n"
    row = "| " + " | ".join(["word"] * 7 + ["1234567890123"]) + " |\n"
    out = build(tmp_path, "# Counts\n\n" + header + row + "\n: Counts. {#tbl:c}\n")
    assert "1234567890123" in [w.text for w in pdf_words(out / "paper.pdf")]
    cell = re.search(r"<td[^>]*>1234567890123</td>", (out / "paper.html").read_text(encoding="utf-8"))
    assert cell and 'class="numeric"' in cell.group() and re.search(r"text-align: ?right", cell.group())


# ---------------------------------------------------------------------------------------------- cross-references


def test_a_reference_word_and_its_number_never_part_at_a_line_end(tmp_path: Path) -> None:
    # the reference moves one letter along the line from paragraph to paragraph: one of them would end a line
    # between "Figure" and "1" if the space between them could break
    paragraphs = [f"Shown {'x' * n} in @fig:map for sure and more words follow it here." for n in range(1, 60)]
    figure = "![The map.](figures/map.png){#fig:map}"
    root = make_project(tmp_path, {"manuscript/01-text.md": "# Maps\n\n" + figure + "\n\n" + "\n\n".join(paragraphs)})
    from tests.conftest import png

    (root / "manuscript/figures").mkdir()
    (root / "manuscript/figures/map.png").write_bytes(png(1800, 600))
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    out = root / "build"
    text = subprocess.run(["pdftotext", str(out / "paper.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.count("Figure") >= 59
    assert not re.search(r"Figure\s*\n", text), "a line ends between 'Figure' and its number"
    assert "Figure\u00a01" in page_text((out / "paper.html").read_text(encoding="utf-8"))
    with zipfile.ZipFile(out / "paper.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "Figure\u00a0</w:t>" in document or "Figure\u00a01" in document


# ---------------------------------------------------------------------------------------------------------- math


def baselines(pdf: Path) -> dict[str, float]:
    """The baseline (points up from the page's foot) of each run of text on the PDF's first page."""
    found: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.setdefault(text.strip(), cm[5] + tm[5] * cm[3])

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def test_an_equation_number_sits_on_the_formula_baseline(tmp_path: Path) -> None:
    chapter = (
        "# Sums\n\nThe total is\n\n$$\\sum_{i=1}^{n} x_i = \\int_0^1 f(t)\\,dt$$ {#eq:total}\n\nas @eq:total says.\n"
    )
    found = baselines(build(tmp_path, chapter, "pdf") / "paper.pdf")
    formula = next(y for text, y in found.items() if text.startswith("∑"))  # the formula's text layer
    assert abs(found["(1)"] - formula) <= 1.0, (found["(1)"], formula)


def test_docx_table_columns_are_as_wide_as_their_content(tmp_path: Path) -> None:
    chapter = (
        "# Notes\n\n| Site | Remark | Rise |\n|---|---|---|\n"
        "| Brest | moved twice along the quay before the war, and once after it | 1.2 |\n"
        "| Cuxhaven | none | 2.5 |\n\n: Remarks. {#tbl:r}\n\nSee @tbl:r.\n"
    )
    with zipfile.ZipFile(build(tmp_path, chapter, "docx") / "paper.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    site, remark, rise = (int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', document))
    assert remark > 2 * site > 2 * rise, (site, remark, rise)


def test_numeric_columns_are_found_by_their_cells() -> None:
    from paperbuild.tables import numeric_columns

    def cell(value: str) -> list[object]:
        return [["", [], []], {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": [{"t": "Str", "c": value}]}]]

    numbers = ["1,234,567", "\u22120.52", "12.5%", "3.1\u00b10.2", "(0.03)", "<0.001", "1.2e-3", "0.05**", "\u2014"]
    words = ["Brest", "12", "n/a", "2019-05-01", "1.2", "x", "4", "5", "6"]
    widths = [{"t": "ColWidth", "c": 0.5}, {"t": "ColWidth", "c": 0.5}]
    specs = [[{"t": "AlignDefault"}, width] for width in widths]
    rows = [[["", [], []], [cell(n), cell(w)]] for n, w in zip(numbers, words, strict=True)]
    table = {
        "t": "Table",
        "c": [["", [], []], [None, []], specs, [["", [], []], []], [[["", [], []], 0, [], rows]], [["", [], []], []]],
    }
    marked = numeric_columns(table)["c"]
    assert [spec[0]["t"] for spec in marked[2]] == ["AlignRight", "AlignDefault"]
    assert [spec[1]["t"] for spec in marked[2]] == ["ColWidthDefault", "ColWidthDefault"]  # equal widths: none given
    body = marked[4][0][3]
    assert {tuple(row[1][0][0][1]) for row in body} == {("numeric",)}
    assert {tuple(row[1][1][0][1]) for row in body} == {()}
