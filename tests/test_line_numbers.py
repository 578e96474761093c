"""Review line numbers (issue #17): continuous through the paper, one on each line of text, as LaTeX's lineno gives.

A small review-style paper of three pages (a heading, paragraphs, a figure, a numbered formula, a table) is built
once; the PDF is read back with `pdftotext -bbox-layout` (where each number and each line of text sits) and pypdf
(which text is marked as an artifact), the DOCX through its section properties and through LibreOffice's PDF of it.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import REPO, make_project, normalize, png
from fontTools.ttLib import TTFont
from test_docx_style import converted_by_libreoffice
from test_paper_outputs import assert_in_order

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # each build runs pandoc and WeasyPrint

TEXT_LEFT = 22 / 25.4 * 72
"""The review page's text block starts 22 mm from the left edge; the numbers end 10pt before it."""
PAGE_AREA = (25 / 25.4 * 72, (297 - 25) / 25.4 * 72)
"""The page area of A4 with 25 mm top and bottom margins: running head above, page number below."""
SAME_ROW = 1.5
"""Baselines closer than this (pt) are one row: the cells of a table row."""
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima")


def paragraph(name: str, words: int = 120) -> str:
    """A paragraph of `words` words without a digit, opening with its `name` so its place can be found."""
    return " ".join([name, *(WORDS[i % len(WORDS)] for i in range(words))])


CHAPTER = "\n\n".join(
    [
        "# Opening section",
        paragraph("Firstpara"),
        paragraph("Secondpara"),
        "![Caption of the figure, a wide red band.](figures/band.png){#fig:band}",
        paragraph("Afterfigure", 60) + " as @eq:sum shows.",
        "$$a + b = c$$ {#eq:sum}",
        "| Term | Meaning |\n|------|---------|\n| quebec | romeo sierra |\n| tango | uniform victor |\n\n"
        ": Caption of the table. {#tbl:terms}",
        paragraph("Thirdpara"),
        paragraph("Fourthpara"),
        paragraph("Lastpara", 40),
    ]
)


def review_project(root: Path, style_yaml: str | None = None) -> Path:
    """The small paper in the review style, or in a project style `mine` with `style_yaml` when given."""
    style = "review" if style_yaml is None else "mine"
    files = {
        "manuscript/metadata.yaml": f"title: Numbered lines\nauthors:\n  - name: Ada Lovelace\nstyle: {style}\n",
        "manuscript/01-opening.md": CHAPTER,
    }
    if style_yaml is not None:
        files["styles/mine/style.yaml"] = style_yaml
    make_project(root, files)
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "band.png").write_bytes(png(1961, 500))  # 300 ppi across 166 mm
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small paper's PDF and DOCX in the review style; the output folder."""
    root = review_project(tmp_path_factory.mktemp("numbered"))
    for fmt in ("pdf", "docx"):
        assert main([fmt, "--project", str(root), "--quiet"]) == 0
    return root / "build"


# ------------------------------------------------------------------------------------------------------- PDF

BBOX_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
WORD = re.compile(r">([^<]*)</word>")


def descent_share() -> float:
    """How far below the baseline poppler's word boxes reach, as a share of their height: the style's face's
    descent over its ascent and descent (the numbers and the text share the face)."""
    hhea = TTFont(REPO / "styles" / "default" / "fonts" / "NotoSerif-Regular.ttf")["hhea"]
    return float(-hhea.descent / (hhea.ascent - hhea.descent))


def pages_of(pdf: Path) -> list[tuple[list[tuple[float, int]], list[tuple[float, str]]]]:
    """For each page: the margin numbers as (baseline, number), and the lines of text in the page area as
    (baseline, text), each top to bottom (baselines in pt from the top of the page)."""
    done = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    share = descent_share()
    pages = []
    for page in done.stdout.split("<page ")[1:]:
        numbers, lines = [], []
        for match in BBOX_LINE.finditer(page):
            _, y_min, x_max, y_max = (float(v) for v in match.groups()[:4])
            words = " ".join(WORD.findall(match.group(5)))
            baseline = y_max - share * (y_max - y_min)
            if y_max - y_min < 1:  # a formula's text layer, transparent and 0.1px high: no line a reader sees
                continue
            if x_max < TEXT_LEFT:
                assert words.isdigit(), f"something other than a line number in the margin: {words!r}"
                numbers.append((baseline, int(words)))
            elif PAGE_AREA[0] < baseline < PAGE_AREA[1]:
                lines.append((baseline, words))
        pages.append((sorted(numbers), sorted(lines)))
    return pages


def rows(lines: list[tuple[float, str]]) -> list[float]:
    """The distinct baselines of a page's lines (cells of one table row share one)."""
    found: list[float] = []
    for baseline, _ in lines:
        if not found or baseline - found[-1] >= SAME_ROW:
            found.append(baseline)
    return found


@pytest.fixture(scope="module")
def pages(built: Path) -> list[tuple[list[tuple[float, int]], list[tuple[float, str]]]]:
    return pages_of(built / "paper.pdf")


def test_numbers_run_on_across_pages(pages: list[tuple[list[tuple[float, int]], list[tuple[float, str]]]]) -> None:
    """1, 2, 3 ... from the title to the last line: page 2 starts at the last number of page 1 plus one."""
    assert len(pages) >= 2
    numbers = [[n for _, n in page_numbers] for page_numbers, _ in pages]
    assert numbers[1][0] == numbers[0][-1] + 1, (numbers[0][-3:], numbers[1][:3])
    assert [n for page in numbers for n in page] == list(range(1, sum(map(len, numbers)) + 1)), numbers


def test_each_number_is_on_the_baseline_of_a_line_of_text(
    pages: list[tuple[list[tuple[float, int]], list[tuple[float, str]]]],
) -> None:
    """Every row of text has a number on its baseline (to a point), and every number has a row of text: none on
    blank space, the figure's image, which holds no text, gets none, and the formula one, on its number's baseline
    (not a second one for the formula's transparent text layer)."""
    for index, (numbers, lines) in enumerate(pages, 1):
        baselines = rows(lines)
        assert len(numbers) == len(baselines), f"page {index}: {len(numbers)} numbers for {len(baselines)} rows"
        for (number_at, number), row_at in zip(numbers, baselines, strict=True):
            assert abs(number_at - row_at) <= 1, f"page {index}: line {number} at {number_at:.1f}pt, text {row_at:.1f}"


def test_no_number_beside_the_figure(pages: list[tuple[list[tuple[float, int]], list[tuple[float, str]]]]) -> None:
    """The band printed above its caption (below a line of text, or at the top of a page) takes more than 100pt,
    and no number stands in that space; nor below the last line of the paper."""
    for numbers, lines in pages:
        caption = next((at for at, text in lines if text.startswith("Figure 1")), None)
        if caption is None:
            continue
        before = max((at for at, _ in lines if at < caption), default=PAGE_AREA[0])  # a line, or the page's top
        assert caption - before > 100, "the figure is not where the test expects it"
        assert not [n for at, n in numbers if before + 1 < at < caption - 1], numbers
        break
    else:
        raise AssertionError("no page has the figure's caption")
    last_numbers, last_lines = pages[-1]
    assert last_numbers[-1][0] == pytest.approx(last_lines[-1][0], abs=1), "numbers below the last line of text"


class _MarkedText:
    """pypdf's visitors for one page: the text shown, and whether it was inside /Artifact marked content."""

    def __init__(self) -> None:
        self.marks: list[str] = []
        self.pieces: list[tuple[str, str]] = []

    def before(self, operator: bytes, operands: list[object], *_: object) -> None:
        if operator in (b"BMC", b"BDC"):
            self.marks.append(str(operands[0]))
        elif operator == b"EMC":
            self.marks.pop()

    def shown(self, text: str, *_: object) -> None:
        if text.strip():
            self.pieces.append((text.strip(), "artifact" if "/Artifact" in self.marks else "content"))


def marked_text(pdf: Path) -> list[tuple[str, str]]:
    """(the text, "artifact" or "content") for each piece of text of the PDF's pages, in the order drawn."""
    pieces: list[tuple[str, str]] = []
    for page in pypdf.PdfReader(pdf).pages:
        visitor = _MarkedText()
        page.extract_text(visitor_operand_before=visitor.before, visitor_text=visitor.shown)
        pieces += visitor.pieces
    return pieces


def test_numbers_are_artifacts_and_the_text_reads_without_them(built: Path) -> None:
    """The numbers are marked content /Artifact (a screen reader and tagged text skip them, as lineno's numbers
    are no part of the paper); what is not an artifact is the paper, in reading order, without them."""
    pieces = marked_text(built / "paper.pdf")
    numbers = [text for text, kind in pieces if kind == "artifact"]
    count = len([n for page, _ in pages_of(built / "paper.pdf") for n in page])
    assert numbers == [str(n) for n in range(1, count + 1)]
    content = normalize("\n".join(text for text, kind in pieces if kind == "content"))
    for name in ("Firstpara", "Secondpara", "Thirdpara"):  # whole, over their pages: no number between lines
        assert normalize(paragraph(name)) in content, name
    expected = ["Numbered lines", "Opening section", "Firstpara", "Secondpara", "Caption of the figure"]
    assert_in_order(content, [*expected, "Afterfigure", "Caption of the table", "Thirdpara", "Lastpara"], "PDF")
    tree = subprocess.run(
        ["pdfinfo", "-struct-text", str(built / "paper.pdf")], capture_output=True, text=True, check=True
    ).stdout
    read_aloud = normalize("\n".join(re.findall(r'^\s*"(.*)"$', tree, re.M)))  # the tagged text, in its order
    for name in ("Firstpara", "Secondpara", "Thirdpara"):
        assert normalize(paragraph(name)) in read_aloud, name


# ------------------------------------------------------------------------------------------------------ DOCX


def test_docx_numbers_lines_continuously(built: Path) -> None:
    with zipfile.ZipFile(built / "paper.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", document, re.S)
    assert sections and all(
        re.search(r'<w:lnNumType w:countBy="1" w:restart="continuous" ?/>', section) for section in sections
    ), sections


def test_libreoffice_draws_the_docx_line_numbers_across_pages(
    built: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """LibreOffice's PDF of the DOCX: each row of page 2 starts with a number, the first one past page 1's last."""
    pdf = converted_by_libreoffice(built / "paper.docx", tmp_path_factory.mktemp("libreoffice"))
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = [page for page in layout.stdout.split("\f") if page.strip()]
    assert len(pages) >= 2
    numbered = [[int(m.group(1)) for m in re.finditer(r"^ *(\d+) +\S", page, re.M)] for page in pages[:2]]
    assert len(numbered[0]) > 10 and len(numbered[1]) > 10, numbered
    assert numbered[1][0] == numbered[0][-1] + 1, numbered
    assert numbered[0] + numbered[1] == list(range(1, len(numbered[0]) + len(numbered[1]) + 1)), numbered


# ------------------------------------------------------------------------------------------------ the switch


def test_a_style_extending_review_can_turn_the_numbers_off(tmp_path: Path) -> None:
    """`line-numbers: false` in a style extending review: no number in the PDF's margin, no Word line numbering."""
    root = review_project(tmp_path, "extends: review\nline-numbers: false\n")
    for fmt in ("pdf", "docx"):
        assert main([fmt, "--project", str(root), "--quiet"]) == 0
    pages = pages_of(root / "build" / "paper.pdf")
    assert len(pages) > 1 and all(lines for _, lines in pages[:-1]), "the text of full pages is read"
    assert [numbers for numbers, _ in pages] == [[]] * len(pages)
    with zipfile.ZipFile(root / "build" / "paper.docx") as docx:
        assert b"lnNumType" not in docx.read("word/document.xml")


def test_numbers_need_the_margin_box_that_gives_their_look(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A style that numbers lines but gives no @left-top margin box is told what to add, without a traceback."""
    root = review_project(tmp_path, "extends: default\nline-numbers: true\n")
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert (
        "style 'mine' numbers lines (line-numbers: true in style.yaml), but its print.css gives the page no @left-top "
        'margin box for their look: add `@page { @left-top { content: ""; font-size: 9pt; } }`'
    ) in err
    assert "Traceback" not in err
