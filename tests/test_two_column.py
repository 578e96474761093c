"""The two-column style as a copy editor reads its pages: figures across both columns, the footnote rule, the DOCX's
columns.

A figure or table marked to span (`{.wide}`, Quarto's `.column-page`, `fig-env="figure*"`, LaTeX's `table*`)
prints across both columns where the text has it, in the PDF (lifted out of its section, render/columns.py) and in
the DOCX (a section of one column between two in columns, render/docx_columns.py); other figures are as wide as a
column. The footnote rule is as wide as a column. The DOCX's title block runs across the page, its body in the two
columns the style's reference document gives.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, normalize, parse_html, png

from paperbuild import pandoc
from paperbuild.cli import main
from paperbuild.figure_placement import WIDE, wide_floats
from paperbuild.numbering import numeral
from paperbuild.pandoc_ast import walk
from paperbuild.render.columns import MAX_AROUND, lift_wide_floats

pytestmark = pytest.mark.slow  # the paper is built with pandoc and WeasyPrint

POINTS_PER_INCH = 72
PAGE_WIDTH = 8.5 * POINTS_PER_INCH
SIDE_MARGIN = 0.625 * POINTS_PER_INCH
GAP = 0.2 * POINTS_PER_INCH
COLUMN = (PAGE_WIDTH - 2 * SIDE_MARGIN - GAP) / 2  # 253.8 pt
PARAGRAPH = (
    "The harbour grew with the trade that passed through it, and its quays were rebuilt twice as ships became "
    "larger and the river silted up. "
) * 3
COAST = "A panorama of the whole coast, from the harbour mouth to the lighthouse on the cape."
CHAPTER = f"""# Introduction

@fig:map shows, the harbour lies north of the town [@knuth1984].^[The town kept its own port records.]

{PARAGRAPH}

![A map of the harbour.](figures/map.png){{#fig:map}}

{PARAGRAPH}

Gulls nested on the breakwater before the panorama.

![{COAST}](figures/coast.png){{#fig:coast .wide}}

Herons nested on the pier after the panorama.

| Year | Ships |
|------|-------|
| 1900 | 12    |
| 1950 | 40    |

: Harbour traffic by year. {{#tbl:traffic}}

| Decade | Wrecks |
|--------|--------|
| 1900s  | 3      |

: Wrecks by decade. {{#tbl:wrecks}}

Traffic in @tbl:traffic rose, and @fig:coast shows the coast; [@fig:map; @fig:coast] name both and @eq:rise
is the rise.

$$ s = 12 + 0.56 t $$ {{#eq:rise}}

# Methods

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}
"""
META = (
    "title: Harbours of the North\nauthors:\n  - name: Ada Lovelace\nstyle: two-column\n"
    "abstract: We study harbours and the traffic that passed through them.\nkeywords: [harbours, shipping]\n"
)
"""The paper's metadata: its style is two-column."""
BBOX_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
WORD = re.compile(r"<word[^>]*>([^<]*)</word>")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Line:
    """A line of a PDF page as pdftotext lays it out, in points from the top left corner."""

    left: float
    top: float
    right: float
    bottom: float
    words: str


def page_lines(pdf: Path, page: int) -> list[Line]:
    """The lines of page `page` (1-based), from `pdftotext -bbox-layout`."""
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        Line(*(float(m.group(i)) for i in range(1, 5)), " ".join(WORD.findall(m.group(5))))
        for m in BBOX_LINE.finditer(done.stdout)
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two-column")
    files = {"manuscript/metadata.yaml": META, "manuscript/01-harbour.md": CHAPTER}
    make_project(root, {**files, "bibliography/refs.bib": MINIMAL_BIB})
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "map.png").write_bytes(png(2400, 1200))
    (root / "manuscript" / "figures" / "coast.png").write_bytes(png(3000, 1000))
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert main(["jats", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def test_a_wide_figure_spans_both_columns_where_the_text_has_it(built: Path) -> None:
    lines = page_lines(built / "paper.pdf", 1)
    middle = PAGE_WIDTH / 2
    caption = next(line for line in lines if line.words.startswith("Fig. 2."))
    assert caption.words == f"Fig. 2. {COAST}"  # on one line, wider than a column
    assert caption.left < middle < caption.right and caption.right - caption.left > COLUMN
    narrow = next(line for line in lines if line.words.startswith("Fig. 1."))
    assert narrow.right < middle or narrow.left > middle  # a figure not marked wide stays in its column
    keywords = next(line for line in lines if line.words.startswith("Index Terms"))
    above = [line for line in lines if keywords.bottom < line.top < caption.top]
    assert any(line.right < middle for line in above) and any(line.left > middle for line in above)
    body = [line for line in page_lines(built / "paper.pdf", 2) if 50 < line.top < 700]  # no running head, folio
    assert min(line.left for line in body if line.right < middle) == pytest.approx(SIDE_MARGIN, abs=1)
    assert min(line.left for line in body if line.left > middle) == pytest.approx(SIDE_MARGIN + COLUMN + GAP, abs=1)
    text = normalize(subprocess.run(["pdftotext", str(built / "paper.pdf"), "-"], capture_output=True).stdout.decode())
    before = text.index("Gulls nested on the breakwater before the panorama.")
    assert before < text.index("Fig. 2. A panorama") < text.index("Herons nested on the pier after the panorama.")
    assert text.count("Fig. 2. A panorama") == 1


def _longest_dark_run(pdf: Path, top: float, bottom: float) -> float:
    """The longest horizontal run of dark pixels on page 1 between `top` and `bottom` (points), in points: the
    page drawn in grey at 72 pixels an inch, one pixel a point."""
    done = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "72", "-gray", str(pdf)], capture_output=True)
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", done.stdout)
    assert header, "pdftoppm gave no greymap"
    width, data = int(header.group(1)), done.stdout[header.end() :]
    longest = 0
    for row in range(int(top), int(bottom)):
        pixels = data[row * width : (row + 1) * width]
        runs = re.findall(rb"[\x00-\xc8]+", pixels)  # darker than 200 of 255
        longest = max([longest, *(len(run) for run in runs)])
    return float(longest)


def test_the_footnote_rule_is_as_wide_as_a_column(built: Path) -> None:
    lines = page_lines(built / "paper.pdf", 1)
    note = next(line for line in lines if "The town kept its own port records." in line.words)
    above = max(line.bottom for line in lines if line.bottom < note.top and line.left < note.right)
    assert note.right < PAGE_WIDTH / 2  # the note sits under the left column
    rule = _longest_dark_run(built / "paper.pdf", above + 1, note.top)
    assert rule == pytest.approx(COLUMN, abs=3)  # 522 pt, the page's text block, before


def _sections(docx: Path) -> list[tuple[str, str]]:
    """Each section of the DOCX as (its columns' w:num, the text of its paragraphs)."""
    with zipfile.ZipFile(docx) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    found: list[tuple[str, str]] = []
    for part in re.split(r"(?<=</w:sectPr>)", xml)[:-1]:
        columns = re.findall(r'<w:cols\b[^>]*\bw:num="(\d+)"', part)
        paragraphs = ["".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)) for p in part.split("</w:p>")]
        found.append((columns[-1] if columns else "1", normalize(" ".join(paragraphs))))
    return found


def test_the_docx_sets_the_title_block_across_and_the_body_in_two_columns(built: Path) -> None:
    sections = _sections(built / "paper.docx")
    assert [columns for columns, _ in sections] == ["1", "2", "1", "2"]
    title, body, wide, rest = (words for _, words in sections)
    assert title.startswith("Harbours of the North") and title.endswith("Index Terms—harbours; shipping")
    assert body.startswith("1. Introduction") and body.endswith("Gulls nested on the breakwater before the panorama.")
    assert wide == f"Fig. 2. {COAST}"
    assert rest.startswith("Herons nested on the pier") and "References" in rest
    with zipfile.ZipFile(built / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count('<w:type w:val="continuous"/>') == 4  # every section starts on the page of the one before


def test_the_docx_figures_and_tables_fit_their_column(built: Path) -> None:
    with zipfile.ZipFile(built / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    widths = [int(cx) / 914400 * POINTS_PER_INCH for cx in re.findall(r'<wp:extent cx="(\d+)"', xml)]
    assert widths == [pytest.approx(COLUMN, abs=1), pytest.approx(PAGE_WIDTH - 2 * SIDE_MARGIN, abs=1)]
    grids = [
        [int(w) / 20 for w in re.findall(r'w:w="(\d+)"', g)] for g in re.findall(r"<w:tblGrid>.*?</w:tblGrid>", xml)
    ]
    assert len(grids) == 2 and all(sum(grid) <= COLUMN for grid in grids)


@pytest.mark.parametrize(
    ("reader", "source", "wide"),
    [
        ("markdown", "![A coast.](c.png){#fig:c .wide}", True),
        ("markdown", '![A coast.](c.png){#fig:c fig-env="figure*"}', True),
        ("markdown", "::: {.column-page}\n![A coast.](c.png){#fig:c}\n:::", True),
        ("markdown", "::: {.column-screen-inset-right}\n![A coast.](c.png){#fig-c}\n:::", True),
        ("markdown", "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Traffic. {#tbl:t .wide}", True),
        ("latex", "\\begin{table*}\\caption{Traffic.}\\begin{tabular}{ll}a & b\\end{tabular}\\end{table*}", True),
        ("markdown", "![A coast.](c.png){#fig:c width=100%}", False),
        ("markdown", "::: {.column-body}\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Traffic. {#tbl:t}\n:::", False),
    ],
)
def test_the_usual_spellings_of_a_float_across_the_columns_mark_it_wide(reader: str, source: str, wide: bool) -> None:
    blocks = json.loads(pandoc.run(["-f", reader, "-t", "json"], source.encode()))["blocks"]
    floats = [node for node in walk(wide_floats(blocks)) if node["t"] in ("Figure", "Table")]
    assert len(floats) == 1 and (WIDE in floats[0]["c"][0][1]) == wide


# ------------------------------------------------------------------------------------------- IEEE's labels

IEEE_TEXT = (
    "Fig. 1 shows, the harbour lies north of the town",
    "Traffic in Table I rose, and Fig. 2 shows the coast; Figs. 1 and 2 name both and (1) is the rise.",
)


def test_the_pdf_names_figures_and_tables_as_ieee_does(built: Path) -> None:
    text = normalize(subprocess.run(["pdftotext", str(built / "paper.pdf"), "-"], capture_output=True).stdout.decode())
    assert "Fig. 1. A map of the harbour." in text and f"Fig. 2. {COAST}" in text
    assert all(words in text for words in IEEE_TEXT)
    assert "Figure" not in text and "Table 1" not in text and "Eq." not in text
    lines = page_lines(built / "paper.pdf", 1) + page_lines(built / "paper.pdf", 2)
    for label, caption, first_row in (
        ("TABLE I", "HARBOUR TRAFFIC BY YEAR.", "Year"),
        ("TABLE II", "WRECKS", "Decade"),
    ):
        at = next(index for index, line in enumerate(lines) if line.words == label)  # a line of its own,
        assert lines[at + 1].words.startswith(caption) and lines[at + 2].words.startswith(first_row)
        assert lines[at].bottom < lines[at + 1].top < lines[at + 2].top  # above its caption, above the table


def test_the_html_docx_and_jats_name_them_alike(built: Path) -> None:
    page = parse_html(built / "paper.html")
    captions = [normalize("".join(e.itertext())) for e in page.iter() if e.tag in ("figcaption", "caption")]
    assert captions == ["Fig. 1. A map of the harbour.", f"Fig. 2. {COAST}", *TABLE_CAPTIONS]
    body = normalize("".join(next(e for e in page.iter() if e.get("class") == "body").itertext()))
    assert all(words in body for words in IEEE_TEXT)
    paragraphs = [normalize(p.text) for p in docx.Document(str(built / "paper.docx")).paragraphs]
    assert {"Fig. 1. A map of the harbour.", f"Fig. 2. {COAST}", *TABLE_CAPTIONS} <= set(paragraphs)
    assert all(any(words in p for p in paragraphs) for words in IEEE_TEXT)
    with zipfile.ZipFile(built / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count("SEQ Table \\* ROMAN") == 2 and xml.count("SEQ Figure \\* ARABIC") == 2  # Word renumbers so
    jats = (built / "paper.xml").read_text(encoding="utf-8")
    assert re.findall(r"<label>((?:Fig|TABLE)[^<]*)</label>", jats) == ["Fig. 1", "Fig. 2", "TABLE I", "TABLE II"]
    assert '<xref alt="Table I" rid="tbl-traffic" ref-type="table">Table I</xref>' in jats.replace("\u00a0", " ")


TABLE_CAPTIONS = ("TABLE I Harbour traffic by year.", "TABLE II Wrecks by decade.")


def test_a_styles_numbering_is_checked_at_its_line(tmp_path: Path) -> None:
    settings = "extends: two-column\nnumbering:\n  fig: {caption: Fig.}\n  tbl: {numerals: greek}\n  chart: {}\n"
    files = {"styles/house/style.yaml": settings, "manuscript/01-a.md": "# A\n\nText.\n"}
    make_project(tmp_path, {**files, "manuscript/metadata.yaml": META.replace("two-column", "house")})
    problems = [line for line in check_lines(tmp_path) if "numbering" in line]
    assert problems == [
        "styles/house/style.yaml:3:18: error[style]: numbering: fig: caption: 'Fig.' needs one {} where the number "
        "goes",
        "styles/house/style.yaml:4:19: error[style]: numbering: tbl: numerals 'greek' is none of arabic, upper-roman, "
        "lower-roman",
        "styles/house/style.yaml:5:3: error[style]: numbering: 'chart' is not a kind paperbuild numbers",
    ]


@pytest.mark.parametrize(
    ("number", "roman"), [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (1994, "MCMXCIV")]
)
def test_roman_numerals(number: int, roman: str) -> None:
    assert numeral(number, "upper-roman") == roman and numeral(number, "lower-roman") == roman.lower()


def test_a_wide_float_is_lifted_out_of_sections_and_divs_only() -> None:
    figure = '<figure class="wide"><figcaption>F</figcaption></figure>'
    page = f'<article class="paper"><div class="body"><section id="s" class="level2"><p>a</p>{figure}<p>b</p>'
    lifted = lift_wide_floats(page + "</section></div></article>")
    assert lifted == (
        '<article class="paper"><div class="body"><section id="s" class="level2"><p>a</p></section></div></article>'
        f'{figure}<article class="paper continued"><div class="body continued"><section class="level2 continued">'
        "<p>b</p></section></div></article>"
    )
    in_list = f'<article class="paper"><ul><li>{figure}</li></ul></article>'
    assert lift_wide_floats(in_list) == in_list  # a list's numbering would restart
    deep = '<article class="paper">' + "<div>" * 50 + figure + "</div>" * 50 + "</article>"
    assert lift_wide_floats(deep) == deep  # so a page of many floats grows by MAX_AROUND tags each at most
    assert MAX_AROUND < 50


def test_a_heading_right_before_a_wide_figure_may_end_a_page(tmp_path: Path) -> None:
    """Its keep-with-next passed to the box of columns it ends, and WeasyPrint 70 failed (AttributeError) looking
    for an earlier break among the title block's boxes when the figure did not fit on the page."""
    chapter = (
        "# Summary\n\n" + f"{PARAGRAPH}\n\n" * 9 + "# Figures\n\n![A coast.](figures/coast.png){#fig:coast .wide}\n"
    )
    files = {"manuscript/metadata.yaml": META, "manuscript/01-a.md": chapter}
    make_project(tmp_path, {**files, "bibliography/refs.bib": "", "manuscript/figures/.keep": ""})
    (tmp_path / "manuscript" / "figures" / "coast.png").write_bytes(png(2000, 1400))
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    pages = subprocess.run(["pdftotext", str(tmp_path / "build" / "paper.pdf"), "-"], capture_output=True).stdout
    first, second = (normalize(page) for page in pages.decode().split("\f")[:2])
    assert "2. FIGURES" not in first  # the heading moves after the figure (columns.py)
    assert second == "Harbours of the North Fig. 1. A coast. 2. FIGURES 2"  # running head, folio
