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

import pytest
from conftest import MINIMAL_BIB, make_project, normalize, png

from paperbuild import pandoc
from paperbuild.cli import main
from paperbuild.figure_placement import WIDE, wide_floats
from paperbuild.pandoc_ast import walk

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

As @fig:map shows, the harbour lies north of the town [@knuth1984].^[The town kept its own port records.]

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

Traffic in @tbl:traffic rose, and @fig:coast shows the coast.

# Methods

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}
"""
META = (
    "title: Harbours of the North\nauthors:\n  - name: Ada Lovelace\nstyle: two-column\n"
    "abstract: We study harbours and the traffic that passed through them.\nkeywords: [harbours, shipping]\n"
)
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
    files = {"manuscript/metadata.yaml": META, "manuscript/01-harbour.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB}
    make_project(root, files)
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "map.png").write_bytes(png(2400, 1200))
    (root / "manuscript" / "figures" / "coast.png").write_bytes(png(3000, 1000))
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def test_a_wide_figure_spans_both_columns_where_the_text_has_it(built: Path) -> None:
    lines = page_lines(built / "paper.pdf", 1)
    middle = PAGE_WIDTH / 2
    caption = next(line for line in lines if line.words.startswith("Figure 2."))
    assert caption.words == f"Figure 2. {COAST}"  # on one line, wider than a column
    assert caption.left < middle < caption.right and caption.right - caption.left > COLUMN
    narrow = next(line for line in lines if line.words.startswith("Figure 1."))
    assert narrow.right < middle or narrow.left > middle  # a figure not marked wide stays in its column
    below = [line for line in lines if line.top > caption.bottom and line.words and line.top < 700]
    assert any(line.right < middle for line in below) and any(line.left > middle for line in below)
    body = [line for line in page_lines(built / "paper.pdf", 2) if 50 < line.top < 700]  # no running head, folio
    assert min(line.left for line in body if line.right < middle) == pytest.approx(SIDE_MARGIN, abs=1)
    assert min(line.left for line in body if line.left > middle) == pytest.approx(SIDE_MARGIN + COLUMN + GAP, abs=1)
    text = normalize(subprocess.run(["pdftotext", str(built / "paper.pdf"), "-"], capture_output=True, text=True).stdout)
    before = text.index("Gulls nested on the breakwater before the panorama.")
    assert before < text.index("Figure 2. A panorama") < text.index("Herons nested on the pier after the panorama.")
    assert text.count("Figure 2. A panorama") == 1


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
    above = max(line.bottom for line in lines if line.bottom < note.top)
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
    assert wide == f"Figure 2. {COAST}"
    assert rest.startswith("Herons nested on the pier") and "References" in rest
    with zipfile.ZipFile(built / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count('<w:type w:val="continuous"/>') == 4  # every section starts on the page of the one before


def test_the_docx_figures_and_tables_fit_their_column(built: Path) -> None:
    with zipfile.ZipFile(built / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    widths = [int(cx) / 914400 * POINTS_PER_INCH for cx in re.findall(r'<wp:extent cx="(\d+)"', xml)]
    assert widths == [pytest.approx(COLUMN, abs=1), pytest.approx(PAGE_WIDTH - 2 * SIDE_MARGIN, abs=1)]
    grid = [int(w) / 20 for w in re.findall(r'<w:gridCol w:w="(\d+)"', xml)]
    assert grid and sum(grid) <= COLUMN


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
