"""End-to-end: a second, different paper (tests/fixtures/small-paper) built with the styles shipped in the package.

Two authors at two institutions, APA author-date citations of an article (with DOI), a book and a conference
paper, a footnote, a table, subsections and cross-references; each output is read back as a reader sees it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, REPO, normalize, parse_html, pdf_text

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # each build runs pandoc and WeasyPrint

FIXTURE = FIXTURES / "small-paper"
TITLE = "Tidal Rhythms of Small Harbours"
SHORT_TITLE = "Tidal Rhythms"
AUTHORS = (("Maren Holt", "1"), ("Tomas Varga", "2"))
AFFILIATIONS = (
    ("1", "Institute of Coastal Research, Northern Sea Academy, Kiel, Germany"),
    ("2", "Department of Hydrology, Lowland Water Institute, Szeged, Hungary"),
)
KEYWORDS = ("tides", "harbour gauges", "sea level")
ABSTRACT = (
    "Small harbours keep tide gauges that few people read. We compare three years of gauge records from two "
    "harbours and find that their tidal rhythms drift apart by a few minutes each decade."
)
SECTIONS = ("1. Introduction", "2. Measurements", "3. Conclusions")
SUBSECTIONS = ("1.1. Why small harbours", "2.1. Drift of the lag")
# APA 7th: (Author, year); two authors joined by '&'; in the order the text cites them
CITATIONS = (
    ("marlow1998tides", "(Marlow, 1998)"),
    ("okafor2015lag", "(Okafor & Lindqvist, 2015)"),
    ("brandt2019drift", "(Brandt & Sato, 2019)"),
)
CITING_SENTENCES = (
    "the classic handbook of tidal analysis shows how much they hold (Marlow, 1998).",
    "Earlier work measured this lag for a single harbour (Okafor & Lindqvist, 2015); Section 2.1 returns to it.",
    "The lag between the harbours follows the method of the conference study (Brandt & Sato, 2019).",
)
CROSS_REFERENCES = (("sec:drift", "Section 2.1"), ("tbl:records", "Table 1"))
# APA reference list: alphabetical by first author; book titles in sentence case; page ranges with an en dash;
# the DOI as a URL
REFERENCES = (
    "Brandt, J., & Sato, K. (2019). Measuring the drift of tidal rhythms. Proceedings of the Coastal Measurement "
    "Conference, 101\u2013110.",
    "Marlow, E. (1998). Tides and their analysis. Harbour Press.",
    "Okafor, N., & Lindqvist, P. (2015). Tidal lag in a small harbour. Journal of Coastal Gauges, 12(3), 45\u201367. "
    "https://doi.org/10.5555/jcg.2015.045",
)
FOOTNOTE = "The oldest gauge in our sample was set up in 1871 and still writes on paper."
TABLE_CAPTION = "Table 1. Gauge records and their mean lag."
TABLE = (("Harbour", "Years", "Mean lag (min)"), ("Eastport", "3", "12.5"), ("Westhaven", "3", "14.0"))


def assert_in_order(text: str, expected: tuple[str, ...] | list[str], what: str, start: int = 0) -> None:
    """Every string of `expected` occurs in `text`, after `start`, in this order."""
    position = start
    for item in expected:
        found = text.find(item, position)
        if found < 0:
            where = "at all" if item not in text else "in order (it occurs, but before the previous one)"
            raise AssertionError(f"the {what} does not contain {item!r} {where}")
        position = found + len(item)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture paper, copied and built in all formats through the CLI; the output folder."""
    project = shutil.copytree(FIXTURE, tmp_path_factory.mktemp("small-paper") / "project")
    out = tmp_path_factory.mktemp("small-paper-build")
    assert main(["all", "--project", str(project), "--out", str(out)]) == 0
    return out


def test_fixture_uses_the_packaged_styles() -> None:
    assert not (FIXTURE / "styles").exists()
    assert not (FIXTURE / "build").exists()


def test_build_writes_four_outputs(built: Path) -> None:
    visible = sorted(p.name for p in built.iterdir() if not p.name.startswith("."))  # a hidden cache may sit there
    assert visible == ["paper.docx", "paper.html", "paper.pdf", "paper.xml"]  # what is in them: the tests below


# ------------------------------------------------------------------------------------------------------ HTML


def text_of(element: ET.Element) -> str:
    return normalize("".join(element.itertext()))


def with_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(tag) if name in e.get("class", "").split()]


@pytest.fixture(scope="module")
def html(built: Path) -> ET.Element:
    return parse_html(built / "paper.html")


@pytest.fixture(scope="module")
def html_text(html: ET.Element) -> str:
    body = html.find(".//body")
    assert body is not None
    return text_of(body)


def test_html_title(html: ET.Element) -> None:
    root = html.find("html")
    assert root is not None and root.get("lang") == "en"
    title = html.find(".//head/title")
    assert title is not None and text_of(title) == TITLE
    assert [text_of(h) for h in html.iter("h1")] == [TITLE]


def test_html_authors_carry_affiliation_marks(html: ET.Element) -> None:
    authors = with_class(html, "span", "author")
    marks = [[text_of(s) for s in with_class(a, "sup", "affiliation-mark")] for a in authors]
    names = [normalize(a.text or "") for a in authors]
    assert list(zip(names, marks, strict=True)) == [(name, [mark]) for name, mark in AUTHORS]
    affiliations = with_class(html, "p", "affiliation")
    shown = [([text_of(s) for s in a.iter("sup")], text_of(a)) for a in affiliations]
    assert shown == [([mark], f"{mark}{text}") for mark, text in AFFILIATIONS]


def test_byline_has_no_space_before_comma(html: ET.Element, pdf: str) -> None:
    byline = with_class(html, "p", "authors")
    assert [text_of(p) for p in byline] == ["Maren Holt1, Tomas Varga2"]
    assert "Maren Holt1, Tomas Varga2" in pdf


def test_html_front_matter(html: ET.Element, html_text: str) -> None:
    assert [text_of(k) for k in with_class(html, "span", "keyword")] == list(KEYWORDS)
    assert_in_order(html_text, [TITLE, "Abstract", ABSTRACT, "Keywords:", SECTIONS[0]], "HTML page")


def test_html_section_numbers(html: ET.Element) -> None:
    assert [text_of(h) for h in html.iter("h2") if re.match(r"\d", text_of(h))] == list(SECTIONS)
    assert [text_of(h) for h in html.iter("h3")] == list(SUBSECTIONS)


def test_html_citations_are_author_date_links(html: ET.Element, html_text: str) -> None:
    for sentence in CITING_SENTENCES:
        assert sentence in html_text
    main_element = html.find(".//main")
    assert main_element is not None
    citations = [(c.get("data-cites"), text_of(c)) for c in with_class(main_element, "span", "citation")]
    assert citations == list(CITATIONS)
    links = [a.get("href", "") for a in main_element.iter("a") if a.get("href", "").startswith("#ref-")]
    assert links == [f"#ref-{key}" for key, _ in CITATIONS]
    ids = {e.get("id") for e in html.iter() if e.get("id")}
    assert not [href for href in links if href[1:] not in ids], "citation links without a target"


def test_html_references(html: ET.Element) -> None:
    sections = with_class(html, "section", "references")
    assert len(sections) == 1
    heading = sections[0].find("h2")
    assert heading is not None and text_of(heading) == "References"
    entries = with_class(sections[0], "div", "csl-entry")
    assert [text_of(e).removesuffix(" \u21a9\ufe0e") for e in entries] == list(REFERENCES)
    doi = [a.get("href") for a in entries[2].iter("a") if "backlink" not in a.get("class", "")]
    assert doi == ["https://doi.org/10.5555/jcg.2015.045"]


def test_html_references_link_back_to_their_first_citation(html: ET.Element) -> None:
    by_id = {e.get("id"): e for e in html.iter() if e.get("id")}
    entries = with_class(with_class(html, "section", "references")[0], "div", "csl-entry")
    for entry in entries:
        [back] = with_class(entry, "a", "backlink")
        citation = by_id[back.get("href", "")[1:]]
        assert f"#{entry.get('id')}" in [a.get("href") for a in citation.iter("a")]


def test_html_footnote(html: ET.Element) -> None:
    refs = with_class(html, "a", "footnote-ref")
    assert len(refs) == 1 and text_of(refs[0]) == "1"
    targets = [e for e in html.iter() if e.get("id") == refs[0].get("href", "")[1:]]
    assert len(targets) == 1 and FOOTNOTE in text_of(targets[0])
    header = html.find(".//header")
    assert header is not None and FOOTNOTE not in text_of(header), "the footnote is printed in the title block"


def test_html_table_and_cross_references(html: ET.Element, html_text: str) -> None:
    tables = list(html.iter("table"))
    assert len(tables) == 1
    caption = tables[0].find("caption")
    assert caption is not None and text_of(caption) == TABLE_CAPTION
    rows = [tuple(text_of(cell) for cell in row if cell.tag in ("th", "td")) for row in tables[0].iter("tr")]
    assert rows == list(TABLE)
    ids = {e.get("id") for e in html.iter() if e.get("id")}
    for label, shown in CROSS_REFERENCES:
        links = [a for a in html.iter("a") if a.get("href") == f"#{label}"]
        assert [text_of(a) for a in links] == [shown], f"cross-reference to {label}"
        assert label in ids, f"cross-reference target {label} missing"
    assert "Table 1 lists them." in html_text


# ------------------------------------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf(built: Path) -> str:
    """The PDF's text as one flow, without the page number at each foot and the running head at each top."""
    pages = pdf_text(built / "paper.pdf").split("\f")
    flow: list[str] = []
    for page in pages:
        lines = page.rstrip().splitlines()
        if lines and lines[-1].strip().isdigit():
            lines.pop()
        while lines and lines[0].strip() in ("", SHORT_TITLE):
            lines.pop(0)
        flow.append("\n".join(lines))
    return normalize(re.sub(r"(?<=\w/)\n\s*(?=\w)", "", "\n".join(flow)))  # a URL broken after a slash


def test_pdf_front_matter(pdf: str) -> None:
    assert pdf.startswith(TITLE)
    assert_in_order(pdf, [TITLE, "Maren Holt1", "Tomas Varga2"], "PDF byline")
    assert_in_order(pdf, [f"{mark}{text}" for mark, text in AFFILIATIONS], "PDF affiliations")
    assert_in_order(pdf, [f"Abstract: {ABSTRACT}", "Keywords: " + "; ".join(KEYWORDS), SECTIONS[0]], "PDF")


def test_pdf_section_numbers(pdf: str) -> None:
    assert_in_order(pdf, [SECTIONS[0], SUBSECTIONS[0], SECTIONS[1], SUBSECTIONS[1], SECTIONS[2]], "PDF")


def test_pdf_citations_and_references(pdf: str) -> None:
    for sentence in CITING_SENTENCES:
        assert sentence in pdf, f"PDF lacks {sentence!r}"
    assert "References" in pdf
    assert_in_order(pdf, REFERENCES, "PDF reference list", start=pdf.rindex("References"))


def test_pdf_footnote_table_and_cross_references(pdf: str) -> None:
    assert pdf.count(FOOTNOTE) == 1
    assert pdf.index(FOOTNOTE) > pdf.index(SECTIONS[0]), "the footnote is printed before the text that cites it"
    assert "for pilots, not for science.1 Their records" in pdf
    assert TABLE_CAPTION in pdf
    assert " ".join(cell for row in TABLE for cell in row) in pdf
    assert "Table 1 lists them." in pdf


# ------------------------------------------------------------------------------------------------------ DOCX


@pytest.fixture(scope="module")
def docx_path(built: Path) -> Path:
    return built / "paper.docx"


@pytest.fixture(scope="module")
def paragraphs(docx_path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, normalize(p.text)) for p in docx.Document(str(docx_path)).paragraphs]


def test_docx_front_matter(docx_path: Path, paragraphs: list[tuple[str, str]]) -> None:
    assert paragraphs[0] == ("Title", TITLE)
    assert [text for style, text in paragraphs if style == "Author"] == [f"{name}{mark}" for name, mark in AUTHORS]
    document = docx.Document(str(docx_path))
    affiliations = [p for p in document.paragraphs if p.style.name == "Affiliation"]
    assert [normalize(p.text) for p in affiliations] == [f"{mark}{text}" for mark, text in AFFILIATIONS]
    assert [[r.text for r in p.runs if r.font.superscript] for p in affiliations] == [["1"], ["2"]]
    assert [text for style, text in paragraphs if style == "Abstract"] == [f"Abstract: {ABSTRACT}"]
    assert [text for style, text in paragraphs if style == "Keywords"] == ["Keywords: " + "; ".join(KEYWORDS)]
    properties = document.core_properties
    assert properties.title == TITLE
    assert properties.author == "; ".join(name for name, _ in AUTHORS)


def test_docx_authors_carry_affiliation_marks(docx_path: Path) -> None:
    document = docx.Document(str(docx_path))
    authors = [p for p in document.paragraphs if p.style.name == "Author"]
    shown = [(normalize(p.text), [r.text for r in p.runs if r.font.superscript]) for p in authors]
    assert shown == [(f"{name}{mark}", [mark]) for name, mark in AUTHORS]


def test_docx_section_numbers(paragraphs: list[tuple[str, str]]) -> None:
    headings = [(style, text) for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", SECTIONS[0]),
        ("Heading 2", SUBSECTIONS[0]),
        ("Heading 1", SECTIONS[1]),
        ("Heading 2", SUBSECTIONS[1]),
        ("Heading 1", SECTIONS[2]),
        ("Heading 1", "References"),
    ]


def test_docx_citations_and_references(paragraphs: list[tuple[str, str]]) -> None:
    text = " ".join(t for _, t in paragraphs)
    for sentence in CITING_SENTENCES:
        assert sentence in text, f"DOCX lacks {sentence!r}"
    assert [t for style, t in paragraphs if style == "Bibliography"] == list(REFERENCES)


def test_docx_footnote_table_and_cross_references(docx_path: Path, paragraphs: list[tuple[str, str]]) -> None:
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        notes = archive.read("word/footnotes.xml").decode("utf-8")
    assert body.count("<w:footnoteReference ") == 1
    assert FOOTNOTE in normalize(re.sub(r"<[^>]+>", "", notes))
    tables = docx.Document(str(docx_path)).tables
    assert len(tables) == 1
    assert [tuple(normalize(c.text) for c in row.cells) for row in tables[0].rows] == list(TABLE)
    assert ("Table Caption", TABLE_CAPTION) in paragraphs
    assert "Table 1 lists them." in " ".join(t for _, t in paragraphs)


# ------------------------------------------------------------------------------------------------ build.py


def test_build_py_writes_into_the_projects_build_folder(tmp_path: Path) -> None:
    project = shutil.copytree(FIXTURE, tmp_path / "small-paper")
    result = subprocess.run(
        [sys.executable, "build.py", "all", "--project", str(project)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    outputs = sorted(p.name for p in (project / "build").iterdir() if not p.name.startswith("."))
    assert outputs == ["paper.docx", "paper.html", "paper.pdf", "paper.xml"]
    assert TITLE in (project / "build" / "paper.html").read_text(encoding="utf-8")
    assert TITLE in normalize(pdf_text(project / "build" / "paper.pdf"))
