"""Journals' house styles: where figures and tables go, and the `manuscript` and `two-column` styles, read back
from the outputs as a reader (or an editor) sees them.

A style's `figures:` and `tables:` (style.yaml) take figures and tables out of the text and print them after the
references, under their own headings, numbered and cross-referenced as before, in the PDF, the HTML and the DOCX;
`end-one-per-page` gives each a page of its own; `placeholders: true` leaves "[Figure 1 about here]" in the text.
`manuscript` is the generic submission manuscript (Times, double spacing, line numbers, authors named, figures at
the end one a page); `two-column` sets the body in two columns under a title block across the page.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections import Counter
from pathlib import Path

import docx
import pypdf
import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, normalize, parse_html, pdf_text, png
from docx.oxml.ns import qn
from test_html_valid import vnu_errors

from paperbuild.cli import main
from paperbuild.style import load_style

pytestmark = pytest.mark.slow  # each build runs pandoc and WeasyPrint

PARAGRAPH = (
    "The harbour grew with the trade that passed through it, and its quays were rebuilt twice as ships became "
    "larger and the river silted up. "
) * 3
CHAPTER = f"""# Introduction

As @fig:map shows, the harbour lies north of the town [@knuth1984].

{PARAGRAPH}

![A map of the harbour.](figures/map.png){{#fig:map}}

{PARAGRAPH}

| Year | Ships |
|------|-------|
| 1900 | 12    |
| 1950 | 40    |

: Harbour traffic by year. {{#tbl:traffic}}

Traffic in @tbl:traffic rose; @fig:chart plots it.

# Methods

{PARAGRAPH}

![A chart of the traffic.](figures/chart.png){{#fig:chart}}

{PARAGRAPH}
"""
META = (
    "title: Harbours of the North\nauthors:\n  - name: Ada Lovelace\n"
    "abstract: We study harbours and the traffic that passed through them over two centuries of port records, "
    "from the first quays to the container terminal.\nkeywords: [harbours, shipping]\n"
)
REFERENCE = "Knuth, Donald E. 1984. The TeXbook. Addison-Wesley."
MAP_CAPTION = "Figure 1. A map of the harbour."
CHART_CAPTION = "Figure 2. A chart of the traffic."
TABLE_CAPTION = "Table 1. Harbour traffic by year."
BBOX_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
WORD = re.compile(r"<word[^>]*>([^<]*)</word>")


def build_paper(
    root: Path, settings: str = "", *, style: str = "house", chapter: str = CHAPTER, fmt: str = "all"
) -> Path:
    """The fixture paper in `style` (a project style extending default with `settings`, unless `style` names a
    shipped one), built in `fmt` (every format by default); the output folder."""
    files = {"manuscript/metadata.yaml": META + f"style: {style}\n", "manuscript/01-harbour.md": chapter}
    files["bibliography/refs.bib"] = MINIMAL_BIB
    if settings:
        files[f"styles/{style}/style.yaml"] = "extends: default\n" + settings
    make_project(root, files)
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "map.png").write_bytes(png(2400, 1200))
    (root / "manuscript" / "figures" / "chart.png").write_bytes(png(2400, 1600))
    assert main([fmt, "--project", str(root), "--quiet"]) == 0
    return root / "build"


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, normalized."""
    return [normalize(page) for page in pdf_text(pdf).split("\f") if page.strip()]


def docx_paragraphs(path: Path) -> list[str]:
    """Each paragraph's text, no-break spaces ("Figure 1") read as spaces."""
    return [p.text.replace("\u00a0", " ") for p in docx.Document(str(path)).paragraphs]


def html_order(root: Path) -> list[str]:
    """The ids and classes of the HTML page's elements, in document order: "#fig:map", ".references"."""
    order: list[str] = []
    for element in parse_html(root).iter():
        order += [f"#{element.get('id')}"] if element.get("id") else []
        order += [f".{name}" for name in (element.get("class") or "").split()]
    return order


# ------------------------------------------------------------------------------------------------- figures: end


@pytest.fixture(scope="module")
def at_the_end(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_paper(tmp_path_factory.mktemp("end"), "figures: end\nplaceholders: true\n")


def test_end_puts_the_figures_after_the_references_in_the_pdf(at_the_end: Path) -> None:
    text = normalize(pdf_text(at_the_end / "paper.pdf"))
    assert text.count(MAP_CAPTION) == 1 and text.count(CHART_CAPTION) == 1
    order = [
        "As Figure 1 shows",
        "[Figure 1 about here]",
        TABLE_CAPTION,  # tables stay in the text: `tables:` is inline unless set
        "Traffic in Table 1 rose; Figure 2 plots it.",
        "[Figure 2 about here]",
        REFERENCE,
        "Figures",
        MAP_CAPTION,
        CHART_CAPTION,
    ]
    places = [text.find(words) for words in order]
    assert -1 not in places and places == sorted(places), list(zip(order, places, strict=True))


def test_end_puts_the_figures_after_the_references_in_the_html(at_the_end: Path) -> None:
    page = at_the_end / "paper.html"
    order = html_order(page)
    assert order.index(".references") < order.index(".floats") < order.index("#fig:map") < order.index("#fig:chart")
    assert order.index(".body") < order.index("#tbl:traffic") < order.index(".references")
    tree = parse_html(page)
    links = {"".join(a.itertext()): a.get("href") for a in tree.iter("a") if "cross-reference" in a.get("class", "")}
    assert links == {"Figure\u00a01": "#fig:map", "Figure\u00a02": "#fig:chart", "Table\u00a01": "#tbl:traffic"}
    captions = [normalize("".join(c.itertext())) for c in tree.iter("figcaption")]
    assert captions == [MAP_CAPTION, CHART_CAPTION]
    placeholders = [normalize("".join(d.itertext())) for d in tree.iter("div") if d.get("class") == "float-placeholder"]
    assert placeholders == ["[Figure 1 about here]", "[Figure 2 about here]"]


def test_end_puts_the_figures_after_the_references_in_the_docx(at_the_end: Path) -> None:
    paragraphs = docx_paragraphs(at_the_end / "paper.docx")
    order = [
        "As Figure 1 shows, the harbour lies north of the town (Knuth 1984).",
        "[Figure 1 about here]",
        TABLE_CAPTION,
        "[Figure 2 about here]",
        REFERENCE,
        "Figures",
        MAP_CAPTION,
        CHART_CAPTION,
    ]
    assert [p for p in paragraphs if p in order] == order
    # the numbers are still Word's: a SEQ field in each caption, a REF field to its bookmark in the text
    document = docx.Document(str(at_the_end / "paper.docx")).element.xml
    assert document.count("SEQ Figure") == 2 and "REF _Ref_fig_map" in document


def test_the_page_with_figures_at_the_end_is_valid_html(at_the_end: Path) -> None:
    assert vnu_errors(at_the_end / "paper.html") == []


# ---------------------------------------------------------------------------------------- end-one-per-page


@pytest.fixture(scope="module")
def one_per_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = "figures: end-one-per-page\ntables: end-one-per-page\n"
    return build_paper(tmp_path_factory.mktemp("one-per-page"), settings)


def test_one_per_page_gives_each_figure_and_table_a_pdf_page(one_per_page: Path) -> None:
    pages = pdf_pages(one_per_page / "paper.pdf")
    floats = [TABLE_CAPTION, MAP_CAPTION, CHART_CAPTION]
    holding = [[number for number, page in enumerate(pages) if caption in page] for caption in floats]
    assert all(len(found) == 1 for found in holding), holding
    numbers = [found[0] for found in holding]
    references = next(number for number, page in enumerate(pages) if REFERENCE in page)
    assert references < numbers[0] < numbers[1] < numbers[2] == len(pages) - 1  # tables first, then figures
    for number in numbers:  # nothing of the text, nor another float, shares the page
        assert "The harbour grew" not in pages[number] and REFERENCE not in pages[number]
        assert sum(caption in pages[number] for caption in floats) == 1
    assert "Tables" in pages[numbers[0]] and "Figures" in pages[numbers[1]]


def test_one_per_page_starts_a_docx_page_before_each_figure_and_table(one_per_page: Path) -> None:
    body = docx.Document(str(one_per_page / "paper.docx")).element.body
    kinds: list[str] = []  # a line per paragraph and table: break, picture, table, text
    for element in body.iterchildren():
        if element.tag == qn("w:tbl"):
            kinds.append("table")
        elif element.tag == qn("w:p"):
            words = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if any(br.get(qn("w:type")) == "page" for br in element.iter(qn("w:br"))):
                kinds.append("break")
            elif next(element.iter(qn("pic:pic")), None) is not None:
                kinds.append("picture")
            elif words in ("Tables", "Figures"):
                kinds.append("heading")
    assert kinds == ["break", "heading", "table", "break", "heading", "picture", "break", "picture"]


# --------------------------------------------------------------------------------------------- bad settings


def test_a_bad_placement_is_an_error_at_its_value(tmp_path: Path) -> None:
    files = {
        "manuscript/metadata.yaml": META + "style: house\n",
        "manuscript/01-a.md": "# A\n\nText.\n",
        "styles/house/style.yaml": "extends: default\nfigures: end-one-page\ntables:   bottom\nplaceholders: maybe\n"
        "labels:\n  keywrods: Index Terms\n  placeholder: See figure\n  abstract: [Summary]\n",
    }
    assert check_lines(make_project(tmp_path, files)) == [
        "styles/house/style.yaml:2:10: error[style]: figures: 'end-one-page' is not a placement; it is one of inline, "
        "end, end-one-per-page; did you mean 'end-one-per-page'?",
        "styles/house/style.yaml:3:11: error[style]: tables: 'bottom' is not a placement; it is one of inline, end, "
        "end-one-per-page",
        "styles/house/style.yaml:4:15: error[style]: placeholders: 'maybe' is neither true nor false",
        "styles/house/style.yaml:6:3: error[style]: labels: 'keywrods' is not a part paperbuild labels; did you mean "
        "'keywords'?",
        "styles/house/style.yaml:7:16: error[style]: labels: placeholder: the label has no {} for the figure's name, "
        "as in '[{} about here]'",
        "styles/house/style.yaml:8:13: error[style]: labels: abstract: the label is not text",
    ]


# ------------------------------------------------------------------------------------------------ manuscript


@pytest.fixture(scope="module")
def manuscript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_paper(tmp_path_factory.mktemp("manuscript"), style="manuscript")


def body_size_and_pitch(pdf: Path) -> tuple[float, float]:
    """The commonest font size of page 1's text (pypdf: the text matrix's size times the page's scale) and the
    commonest distance between the tops of its consecutive lines of text (pdftotext -bbox-layout), in points."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[round(size * cm[0], 1)] += len(text)

    pypdf.PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    tops = sorted(float(m.group(2)) for m in BBOX_LINE.finditer(done.stdout) if float(m.group(1)) > 70)  # not numbers
    pitches = Counter(round(b - a, 1) for a, b in itertools.pairwise(tops))
    return sizes.most_common(1)[0][0], pitches.most_common(1)[0][0]


def test_manuscript_pdf_is_double_spaced_times_with_line_numbers(manuscript: Path) -> None:
    pdf = manuscript / "paper.pdf"
    size, pitch = body_size_and_pitch(pdf)
    assert size == 12.0 and pitch == 24.0  # double spacing: a line pitch of twice the font size
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Liberation-Serif" in fonts and "Noto" not in fonts
    first = pdf_text(pdf).split("\f")[0]
    assert re.search(r"^ *1 +Harbours of the North$", first, re.M)  # line numbers in the margin, as review's
    assert "Ada Lovelace" in first  # a manuscript names its authors; review's anonymity is undone


def test_manuscript_puts_each_figure_on_its_own_page_after_the_references(manuscript: Path) -> None:
    pages = pdf_pages(manuscript / "paper.pdf")
    assert TABLE_CAPTION in pages[0] and "[Figure 1 about here]" in pages[0]
    assert REFERENCE in pages[-3] and MAP_CAPTION in pages[-2] and CHART_CAPTION in pages[-1]
    assert "Ada Lovelace" in docx_paragraphs(manuscript / "paper.docx")[1]


# ------------------------------------------------------------------------------------------------ two-column


@pytest.fixture(scope="module")
def two_column(tmp_path_factory: pytest.TempPathFactory) -> Path:
    more = "\n\n".join([PARAGRAPH * 2] * 6)
    return build_paper(tmp_path_factory.mktemp("two-column"), style="two-column", chapter=CHAPTER + more)


def test_two_column_pdf_sets_the_body_in_two_columns_under_a_title_across(two_column: Path) -> None:
    pdf = two_column / "paper.pdf"
    width = float(pypdf.PdfReader(pdf).pages[0].mediabox.width)
    assert width == 612  # US Letter
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    lines = [
        (float(m.group(1)), float(m.group(2)), float(m.group(3)), " ".join(WORD.findall(m.group(5))))
        for m in BBOX_LINE.finditer(done.stdout)
    ]
    middle = width / 2
    keywords = next(top for _, top, _, words in lines if words.startswith("Index Terms"))
    above = [(left, right, words) for left, top, right, words in lines if top <= keywords]
    below = [(left, right, words) for left, top, right, words in lines if top > keywords]
    assert any(words == "Harbours of the North" and left < middle < right for left, right, words in above)
    assert any(words.startswith("Abstract") and right - left > middle for left, right, words in above)
    left_column = [words for left, right, words in below if right < middle]
    right_column = [words for left, right, words in below if left > middle]
    assert len(left_column) > 20 and len(right_column) > 20
    assert len(left_column) + len(right_column) == len(below)  # no line of the body crosses the middle


def test_two_column_labels_the_keywords_index_terms_as_ieee_does(two_column: Path) -> None:
    first_page = normalize(pdf_text(two_column / "paper.pdf").split("\f")[0])
    assert "Index Terms—harbours; shipping" in first_page and "Keywords" not in first_page
    assert "Index Terms—harbours; shipping" in docx_paragraphs(two_column / "paper.docx")


def test_a_changed_placement_rebuilds_the_docx(tmp_path: Path) -> None:
    """style.yaml is an input of the DOCX too: where figures go (and whether the authors show) is set there."""
    out = build_paper(tmp_path, "figures: inline\n", fmt="docx")
    assert docx_paragraphs(out / "paper.docx")[-1] == REFERENCE
    (tmp_path / "styles" / "house" / "style.yaml").write_text("extends: default\nfigures: end\n", encoding="utf-8")
    assert main(["docx", "--project", str(tmp_path), "--quiet"]) == 0
    assert docx_paragraphs(out / "paper.docx")[-1] == CHART_CAPTION


def test_settings_are_the_nearest_styles_that_give_them(tmp_path: Path) -> None:
    """manuscript-tables-end -> manuscript -> review -> default: each setting from the nearest style giving it."""
    style = load_style(tmp_path, "manuscript-tables-end")
    assert [folder.name for folder in style.folders] == ["manuscript-tables-end", "manuscript", "review", "default"]
    assert (style.tables, style.figures, style.placeholders, style.anonymous) == (
        "end-one-per-page",  # its own
        "end-one-per-page",  # manuscript's
        True,  # manuscript's
        False,  # manuscript's, over review's true
    )
    assert load_style(tmp_path, "review").anonymous and load_style(tmp_path, "default").figures == "inline"
    assert dict(load_style(tmp_path, "two-column").labels)["keywords"] == "Index Terms"
