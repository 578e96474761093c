"""The `review` house style: the real paper built for double-blind review, read back as a reviewer sees it.

`styles/review` extends `default` and is anonymous: no author, affiliation or acknowledgement anywhere (text, PDF
metadata, HTML meta tags, DOCX paragraphs and core properties), an anonymised byline instead; double spacing; and
line numbers, continuous through the paper, in the PDF's left margin (render/line_numbers.py; tests/test_line_numbers.py
checks them in detail) and in the DOCX (Word's line numbering). Last, a project's own style can extend `review` in
turn.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
import pypdf
import pytest
from conftest import MINIMAL_BIB, REPO, make_project, normalize
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from test_html_valid import vnu_errors
from test_line_numbers import pages_of, rows
from test_paper_outputs import AFFILIATION, AUTHOR, TITLE, assert_in_order, missing_sentences, read_seed

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # each build runs pandoc and WeasyPrint

BYLINE = "Anonymous author(s) — manuscript submitted for double-blind review"
SHORT_TITLE = "Liaoning in Northeast Asia Regional Cooperation"
NAMED = (AUTHOR, "Dalian", AFFILIATION, "Fund Project", "Acknowledgements")  # what must not reach a reviewer
MARGIN_NUMBER = re.compile(r"^ {0,2}(\d{1,3})(?: {2,}(\S.*))?$")  # pdftotext -layout: "12   text of the line"
REVIEW_DOCX = REPO / "styles" / "review" / "reference.docx"
DEFAULT_DOCX = REPO / "styles" / "default" / "reference.docx"


@pytest.fixture(scope="module")
def review_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real paper built in all formats with `--style review`; the output folder."""
    out = tmp_path_factory.mktemp("review-build")
    assert main(["all", "--project", str(REPO), "--out", str(out), "--style", "review", "--quiet"]) == 0
    return out


# ------------------------------------------------------------------------------------------------------- PDF


def layout_pages(pdf: Path, first: int | None = None, last: int | None = None) -> list[str]:
    """pdftotext -layout's text of the pages `first`..`last` (all by default), one string per page."""
    pages = ["-f", str(first)] if first else []
    pages += ["-l", str(last)] if last else []
    done = subprocess.run(["pdftotext", *pages, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [page for page in done.stdout.split("\f") if page.strip()]


def numbered_rows(page: str, furniture: set[str]) -> list[tuple[int, str]]:
    """(margin number, text beside it) for every row of a page's layout text, the page furniture (running head,
    page number) left out. A row of text without a number in front fails: its line is off the numbers' grid."""
    rows: list[tuple[int, str]] = []
    for row in page.splitlines():
        if not row.strip() or row.strip() in furniture:
            continue
        match = MARGIN_NUMBER.match(row)
        assert match, f"a line of text without a line number beside it: {row!r}"
        rows.append((int(match.group(1)), (match.group(2) or "").strip()))
    return rows


def reader_flow(pdf: Path) -> str:
    """The PDF's text as a reviewer reads it: margin numbers, running heads and page numbers left out."""
    lines: list[str] = []
    for number, page in enumerate(layout_pages(pdf), 1):
        lines += [text for _, text in numbered_rows(page, {SHORT_TITLE, str(number)}) if text]
    return normalize("\n".join(lines))


@pytest.fixture(scope="module")
def review_pdf(review_build: Path) -> Path:
    return review_build / "paper.pdf"


@pytest.fixture(scope="module")
def review_flow(review_pdf: Path) -> str:
    return reader_flow(review_pdf)


def test_pdf_names_no_author(review_pdf: Path, review_flow: str) -> None:
    everything = normalize("".join(layout_pages(review_pdf)))  # margins and furniture included
    for named in NAMED:
        assert named not in everything, f"the review PDF names {named!r}"
    assert_in_order(review_flow, [TITLE, BYLINE, "Abstract:", "Keywords:", "1. Introduction"], "review PDF")


def test_pdf_keeps_the_paper_but_the_acknowledgements(review_flow: str) -> None:
    seed = read_seed()
    assert_in_order(review_flow, [h for h in seed.headings if h != "Acknowledgements"], "review PDF")
    acknowledgements = seed.paragraphs[-1]
    assert acknowledgements.startswith("Fund Project:")
    missing = missing_sentences(review_flow, hyphens_may_vanish=True)
    assert missing and all(sentence in acknowledgements for sentence in missing), missing[:3]
    assert "References" in review_flow and "[4] Lin Quan." in review_flow


def test_pdf_metadata_names_no_author(review_pdf: Path) -> None:
    reader = pypdf.PdfReader(review_pdf)
    assert reader.metadata is not None and reader.metadata.title == TITLE
    assert not reader.metadata.author
    xmp = reader.xmp_metadata
    assert xmp is None or not xmp.dc_creator


def test_pdf_numbers_every_line_in_the_margin(review_pdf: Path) -> None:
    """Pages 1-3 (title block, abstract, section headings, paragraphs): every line of text has a number beside it,
    no number stands alone (on blank space), and the numbers run on from page to page, never restarting."""
    numbers: list[int] = []
    for number, page in enumerate(layout_pages(review_pdf, 1, 3), 1):
        rows = numbered_rows(page, {SHORT_TITLE, str(number)})
        assert all(text for _, text in rows), f"page {number}: a number beside no text: {rows}"
        numbers += [n for n, _ in rows]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    page_two = numbered_rows(layout_pages(review_pdf, 2, 2)[0], {SHORT_TITLE, "2"})
    at = next(i for i, (_, text) in enumerate(page_two) if text.startswith("2. Analysis of the current situation"))
    (first, _), (second, rest), (third, paragraph) = page_two[at : at + 3]  # the heading's two lines, a paragraph
    assert first > 1 and (second, third) == (first + 1, first + 2), page_two[at : at + 3]
    assert rest == "Northeast Asia" and paragraph.startswith("The regional cooperation in Northeast Asia presents")


def test_pdf_lines_sit_exactly_beside_their_numbers(review_pdf: Path) -> None:
    """On every page, each row of text has its number on its baseline (to a point), and each number a row."""
    for index, (numbers, lines) in enumerate(pages_of(review_pdf), 1):
        baselines = rows(lines)
        assert len(numbers) == len(baselines), f"page {index}: {len(numbers)} numbers for {len(baselines)} rows"
        for (number_at, number), row_at in zip(numbers, baselines, strict=True):
            assert abs(number_at - row_at) <= 1, f"page {index}: line {number} at {number_at:.1f}pt, text {row_at:.1f}"


def test_pdf_keeps_running_head_and_page_numbers(review_pdf: Path) -> None:
    pages = layout_pages(review_pdf)
    assert len(pages) > 3
    for number, page in enumerate(pages[1:], 2):
        rows = [row.strip() for row in page.splitlines() if row.strip()]
        assert rows[0] == SHORT_TITLE and rows[-1] == str(number), (number, rows[0], rows[-1])


# ------------------------------------------------------------------------------------------------------ DOCX


def line_numbering(document: Any) -> dict[str, str]:
    """The attributes of the w:lnNumType of the document's (last) section; {} when lines are not numbered."""
    element = document.sections[-1]._sectPr.find(qn("w:lnNumType"))
    return {} if element is None else {key.split("}")[1]: value for key, value in element.attrib.items()}


def paragraph_style(document: Any, name: str) -> Any:
    return next(s for s in document.styles if s.name == name)


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_reference_docx", REPO / "tools" / "make_reference_docx.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def review_docx(review_build: Path) -> Any:
    return docx.Document(str(review_build / "paper.docx"))


def test_docx_names_no_author(review_docx: Any) -> None:
    texts = [(p.style.name, p.text) for p in review_docx.paragraphs]
    for named in NAMED:
        assert not [t for _, t in texts if named in t], f"the review DOCX names {named!r}"
    assert [t for style, t in texts if style in ("Author", "Affiliation")] == [BYLINE]  # in the Author style
    assert texts[:2] == [("Title", TITLE), ("Author", BYLINE)]  # where the authors stand, as in the PDF and HTML
    assert review_docx.core_properties.author == ""
    assert review_docx.core_properties.last_modified_by == ""


def test_docx_is_double_spaced_with_line_numbers(review_docx: Any) -> None:
    assert line_numbering(review_docx) == {"countBy": "1", "restart": "continuous"}
    for name in ("Body Text", "First Paragraph", "Compact", "Abstract", "Bibliography"):
        assert paragraph_style(review_docx, name).paragraph_format.line_spacing == 2.0, name
    used = {p.style.name for p in review_docx.paragraphs if p.text.strip()}
    assert {"First Paragraph", "Body Text"} <= used


def test_review_reference_docx_is_the_default_one_double_spaced_and_numbered() -> None:
    """The review reference document changes the default's only where REVIEW_STYLES says, and numbers lines."""
    review, default = docx.Document(str(REVIEW_DOCX)), docx.Document(str(DEFAULT_DOCX))
    assert line_numbering(review) == {"countBy": "1", "restart": "continuous"}
    assert line_numbering(default) == {}
    double = set(load_generator().REVIEW_STYLES)
    assert {"Body Text", "First Paragraph", "Compact"} <= double

    def look(style: Any) -> tuple[object, ...]:
        fmt, font = style.paragraph_format, style.font
        spacing = (fmt.space_before, fmt.space_after, fmt.left_indent, fmt.first_line_indent, fmt.alignment)
        return (*spacing, font.size, font.bold, font.italic, font.name)

    for style in default.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        counterpart = paragraph_style(review, style.name)
        assert look(counterpart) == look(style), style.name
        expected = 2.0 if style.name in double else style.paragraph_format.line_spacing
        assert counterpart.paragraph_format.line_spacing == expected, style.name
    section, default_section = review.sections[0], default.sections[0]
    assert (section.page_width, section.page_height, section.left_margin) == (
        default_section.page_width,
        default_section.page_height,
        default_section.left_margin,
    )


# ------------------------------------------------------------------------------------------------------ HTML


class _Page(HTMLParser):
    """The meta tags and the byline paragraph's text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.byline: list[str] = []
        self._in_byline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name"):
            self.meta[str(values["name"])] = str(values.get("content"))
        self._in_byline = self._in_byline or (tag == "p" and "authors" in str(values.get("class", "")).split())

    def handle_endtag(self, tag: str) -> None:
        self._in_byline = self._in_byline and tag != "p"

    def handle_data(self, data: str) -> None:
        if self._in_byline:
            self.byline.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def test_html_is_anonymous(review_build: Path) -> None:
    html = (review_build / "paper.html").read_text(encoding="utf-8")
    for named in NAMED:
        assert named not in html, f"the review HTML names {named!r}"
    page = read_page(review_build / "paper.html")
    assert "author" not in page.meta
    assert page.meta["keywords"] == "Northeast Asia, regional cooperation, Liaoning region"
    assert normalize("".join(page.byline)) == BYLINE


def test_html_is_valid(review_build: Path) -> None:
    assert vnu_errors(review_build / "paper.html") == []


# ----------------------------------------------------------------------------- a project's style extends review


def test_a_project_style_can_extend_review(tmp_path: Path) -> None:
    """styles/mystyle extends review, which extends default: the template, anonymity and line numbers come from
    review, fonts and the page from default, and mystyle's paper.css cascades last."""
    root = make_project(
        tmp_path / "paper",
        {
            "manuscript/metadata.yaml": "title: A Small Paper\nauthors:\n  - name: Ada Lovelace\nstyle: mystyle\n",
            "manuscript/01-introduction.md": "# Introduction\n\nThe engine weaves patterns [@knuth1984].\n",
            "bibliography/references.bib": MINIMAL_BIB,
            "styles/mystyle/style.yaml": "extends: review\n",
            "styles/mystyle/paper.css": '/* mystyle */\n.title::after { content: " (mystyle draft)"; }\n',
        },
    )
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    out = root / "build"

    pdf = layout_pages(out / "paper.pdf")
    rows = numbered_rows(pdf[0], set())
    assert [n for n, _ in rows] == list(range(1, len(rows) + 1))
    flow = normalize(" ".join(text for _, text in rows))
    assert_in_order(flow, ["A Small Paper (mystyle draft)", BYLINE, "1. Introduction", "The engine weaves"], "PDF")
    assert "Ada Lovelace" not in flow
    assert not pypdf.PdfReader(out / "paper.pdf").metadata.author

    html = (out / "paper.html").read_text(encoding="utf-8")
    layers = [html.find(marker) for marker in ("default house style", "review house style", "/* mystyle */")]
    assert -1 not in layers and layers == sorted(layers), f"paper.css layers out of order: {layers}"
    page = read_page(out / "paper.html")
    assert "author" not in page.meta and normalize("".join(page.byline)) == BYLINE
    assert "Ada Lovelace" not in html

    document = docx.Document(str(out / "paper.docx"))
    assert line_numbering(document) == {"countBy": "1", "restart": "continuous"}
    assert not [p.text for p in document.paragraphs if "Ada Lovelace" in p.text]
    assert document.core_properties.author == ""
