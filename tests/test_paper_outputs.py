"""End-to-end: the real paper of this repository, built once, read back as a reader sees it.

The expected text comes from the seed (`tests/fixtures/seed/paper.txt`), the paper as it was published: every sentence,
heading and reference of the seed must be in the PDF, the DOCX and the HTML page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from conftest import REPO, SEED, normalize, parse_html, pdf_text

pytestmark = pytest.mark.slow  # every test reads the outputs of the session's build of the whole paper

TITLE = "Research on the Development of Liaoning Province from the Perspective of Northeast Asia Regional Cooperation"
AUTHOR = "Yuan Yue"
AFFILIATION = "City Institute, Dalian University of Technology, Dalian, China"
KEYWORDS = ("Northeast Asia", "regional cooperation", "Liaoning region")
CITATION_KEYS = ("diao2011swot", "cui2010interaction", "zhang2019hunchun", "lin2007path")  # [1]..[4]
REFERENCES = (
    "[1] Diao Xiuhua, Zhang Tingting. SWOT analysis and strategic positioning of Liaoning's participation in "
    "Northeast Asia regional cooperation[J]. Journal of Northeast University of Finance and Economics, 2011.",
    "[2] Cui Riming, Bao Yan, Zhang Nan. Research on the Interaction between Northeast Asia Regional Cooperation "
    "and the Revitalization of Liaoning's Old Industrial Base[M]. Beijing: Economic Science Press, 2010.",
    "[3] Zhang Xuenan. Northeast Asia regional cooperation ushers in new opportunities, and domestic and foreign "
    "investors have confidence in investing in Hunchun[N]. Tumenjiang News, 2019.",
    "[4] Lin Quan. Path and strategic choices for Liaoning's participation in Northeast Asia regional "
    "cooperation[J]. Liaoning Economy, 2007(03).",
)

MARKER = re.compile(r"\[\d+\]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
SECTION = re.compile(r"^\d+\. \S")  # "1. Introduction"
SUBSECTION = re.compile(r"^\d+\.\d+\. \S")  # "5.1. Adjustment and upgrading of industrial structure"
SWOT = re.compile(r"^\d\) \S")  # "1) Liaoning's advantages in participating in ..."


# --------------------------------------------------------------------------------------------------- the seed


@dataclass(frozen=True)
class Seed:
    """What the published paper says, read from the seed text."""

    title: str
    author: str
    affiliation: str
    keywords: tuple[str, ...]
    abstract: str
    paragraphs: tuple[str, ...]
    """Body paragraphs from "1. Introduction" up to "References", split paragraphs rejoined, headings excluded."""
    headings: tuple[str, ...]
    """Every heading of the body, in order ("1. Introduction", "1) ...", "5.1. ...", "Acknowledgements")."""

    @property
    def sections(self) -> list[str]:
        return [h for h in self.headings if SECTION.match(h)]

    @property
    def subsections(self) -> list[str]:
        return [h for h in self.headings if SUBSECTION.match(h)]

    @property
    def swot_headings(self) -> list[str]:
        return [h for h in self.headings if SWOT.match(h)]

    @property
    def sentences(self) -> list[str]:
        """Every sentence of the abstract and the body, citation markers removed."""
        found: list[str] = []
        for paragraph in (self.abstract, *self.paragraphs):
            found += [s for s in (strip_markers(s) for s in SENTENCE_END.split(paragraph)) if s]
        return found

    @property
    def cited_snippets(self) -> list[str]:
        """Each citation marker of the body with the six words before it: 'among the top in the country[1]'."""
        body = " ".join(self.paragraphs)
        return [m.group(0) for m in re.finditer(r"(?:\S+\s+){5}\S+?\[\d+\]", body)]


def strip_markers(text: str) -> str:
    """Text without numeric citation markers, for comparing sentences."""
    return normalize(MARKER.sub("", text))


def _is_heading(paragraph: str) -> bool:
    return paragraph == "Acknowledgements" or bool(
        (SECTION.match(paragraph) or SUBSECTION.match(paragraph) or SWOT.match(paragraph))
        and not paragraph.endswith((".", ":", "?", "!"))
    )


@cache
def read_seed() -> Seed:
    """Parse the seed: front matter by its labels, then the body paragraph by paragraph."""
    text = SEED.read_text(encoding="utf-8")
    blocks = [normalize(b) for b in re.split(r"\n\s*\n", text) if b.strip()]
    title, author, affiliation = blocks[0], blocks[1], blocks[2]
    keywords = next(b for b in blocks if b.startswith("Keywords: ")).removeprefix("Keywords: ")
    abstract = next(b for b in blocks if b.startswith("Abstract: ")).removeprefix("Abstract: ")
    body = blocks[blocks.index("1. Introduction") : blocks.index("References")]
    # A page break of the seed splits some paragraphs mid-sentence: no final punctuation, the rest starts lower-case.
    joined: list[str] = []
    for block in body:
        previous = joined[-1] if joined else ""
        unfinished = previous and not _is_heading(previous) and not previous.endswith((".", ":", "?", "!"))
        if unfinished and block[0].islower():
            joined[-1] = f"{previous} {block}"
        else:
            joined.append(block)
    return Seed(
        title=title,
        author=author,
        affiliation=affiliation,
        keywords=tuple(k.strip() for k in keywords.split(",")),
        abstract=abstract,
        paragraphs=tuple(p for p in joined if not _is_heading(p)),
        headings=tuple(p for p in joined if _is_heading(p)),
    )


def test_seed_is_read_as_expected() -> None:
    """The helper itself: the seed's known shape, so a parsing slip cannot make the other tests vacuous."""
    seed = read_seed()
    assert (seed.title, seed.author, seed.affiliation) == (TITLE, AUTHOR, AFFILIATION)
    assert seed.keywords == KEYWORDS
    assert seed.abstract.startswith("Northeast Asia is one of the regions")
    assert len(seed.sections) == 6 and seed.sections[0] == "1. Introduction" and seed.sections[-1] == "6. Conclusions"
    assert [h[:4] for h in seed.subsections] == ["5.1.", "5.2.", "5.3.", "5.4.", "5.5.", "5.6."]
    assert [h[:2] for h in seed.swot_headings] == ["1)", "2)", "3)", "4)"]
    rejoined = next(p for p in seed.paragraphs if "finished product market is relatively small" in p)
    assert "relatively small, which limits the depth of regional cooperation." in rejoined
    assert not any(p[0].islower() for p in seed.paragraphs), "a paragraph split by a page break was not rejoined"
    assert seed.paragraphs[-1].startswith("Fund Project: 2022 Liaoning Provincial Department of Education")
    assert len(seed.sentences) > 100
    assert not any(MARKER.search(s) for s in seed.sentences)
    assert seed.cited_snippets == [
        "among the top in the country[1]",
        "providing convenient conditions for economic cooperation[2]",
        "affects the progress of regional cooperation[3]",
        "of regional cooperation in Northeast Asia[4]",
    ]


# --------------------------------------------------------------------------------------------- shared checks


def missing_sentences(text: str, hyphens_may_vanish: bool = False) -> list[str]:
    """The seed's sentences not found in `text` (a reader's normalized text; citation markers are ignored).

    pdftotext joins a word broken at a line end after a hyphen of the text and drops that hyphen ("energy-" +
    "saving" -> "energysaving"); with `hyphens_may_vanish` a sentence matches with any of its hyphens missing."""
    haystack = strip_markers(text)
    missing = [s for s in read_seed().sentences if s not in haystack]
    if hyphens_may_vanish:
        missing = [s for s in missing if not re.search(re.escape(s).replace(r"\-", "-?"), haystack)]
    return missing


def assert_all_sentences(text: str, fmt: str) -> None:
    missing = missing_sentences(text, hyphens_may_vanish=fmt == "PDF")
    assert not missing, f"{len(missing)} seed sentence(s) missing from the {fmt}; the first: {missing[0]!r}"


def assert_in_order(text: str, expected: list[str] | tuple[str, ...], fmt: str, start: int = 0) -> None:
    """Every string of `expected` occurs in `text`, after `start`, in this order."""
    position = start
    for item in expected:
        found = text.find(item, position)
        if found < 0:
            where = "at all" if item not in text else "in order (it occurs, but before the previous one)"
            raise AssertionError(f"the {fmt} does not contain {item!r} {where}")
        position = found + len(item)


def assert_citation_markers(text: str, fmt: str) -> None:
    missing = [s for s in read_seed().cited_snippets if s not in text]
    assert not missing, f"in-text citation(s) not where the seed has them in the {fmt}: {missing}"


# ------------------------------------------------------------------------------------------------------- PDF


def running_heads() -> set[str]:
    meta = yaml.safe_load((REPO / "manuscript" / "metadata.yaml").read_text(encoding="utf-8"))
    return {str(meta.get("short-title") or ""), str(meta.get("title") or "")} - {""}


def pdf_pages(path: Path) -> list[str]:
    """pdftotext's text of each page (form feeds separate pages; the text ends with one)."""
    pages = pdf_text(path).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def reader_text(pages: list[str], heads: set[str]) -> str:
    """The pages' text as one flow, without page furniture: the page number at the foot, a running head at the top.

    A URL broken at a line end after a slash reads as one word."""
    flow: list[str] = []
    for page in pages:
        lines = page.rstrip().splitlines()
        if lines and lines[-1].strip().isdigit():
            lines.pop()
        while lines and (not lines[0].strip() or lines[0].strip() in heads):
            lines.pop(0)
        flow.append("\n".join(lines))
    raw = "\n".join(flow)
    raw = re.sub(r"(?<=\w/)\n\s*(?=\w)", "", raw)
    return normalize(raw)


@pytest.fixture(scope="module")
def pdf_path(paper_build: Path) -> Path:
    return paper_build / "paper.pdf"


@pytest.fixture(scope="module")
def pdf_flow(pdf_path: Path) -> str:
    return reader_text(pdf_pages(pdf_path), running_heads())


def test_pdf_has_every_seed_sentence(pdf_flow: str) -> None:
    assert_all_sentences(pdf_flow, "PDF")


def test_pdf_front_matter(pdf_flow: str) -> None:
    seed = read_seed()
    assert pdf_flow.startswith(seed.title), f"the PDF does not begin with the title: {pdf_flow[:150]!r}"
    assert_in_order(pdf_flow, [seed.title, f"{seed.author} {seed.affiliation}", "Abstract:", seed.abstract], "PDF")
    assert "Keywords:" in pdf_flow
    keywords = pdf_flow[pdf_flow.index("Keywords:") :]
    assert_in_order(keywords, seed.keywords, "PDF's keywords line")
    assert pdf_flow.index("Keywords:") < pdf_flow.index("1. Introduction")


def test_pdf_headings(pdf_flow: str) -> None:
    seed = read_seed()
    assert_in_order(pdf_flow, seed.sections, "PDF")
    assert_in_order(pdf_flow, seed.subsections, "PDF")
    assert_in_order(pdf_flow, seed.swot_headings, "PDF")
    # each heading is followed by the first words of its own text, so none is left out of its place
    body = pdf_flow[pdf_flow.index("1. Introduction") :]
    assert_in_order(body, seed.headings, "PDF")


def test_pdf_references(pdf_flow: str) -> None:
    assert "References" in pdf_flow
    assert_in_order(pdf_flow, REFERENCES, "PDF reference list", start=pdf_flow.rindex("References"))


def test_pdf_citation_markers(pdf_flow: str) -> None:
    assert_citation_markers(pdf_flow, "PDF")


def test_pdf_pages_are_a4_and_numbered(pdf_path: Path) -> None:
    reader = pypdf.PdfReader(pdf_path)
    assert len(reader.pages) > 1
    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1, f"page {number} is {width}x{height} pt, not A4"
    page_two = [line.strip() for line in pdf_pages(pdf_path)[1].splitlines()]
    assert "2" in page_two, f"no page number '2' on page 2: its last lines are {page_two[-3:]}"


def _fonts(resources: object, seen: set[int]) -> list[dict]:
    """Font dictionaries of a resource dictionary, including those of its form XObjects."""
    if resources is None:
        return []
    resources = resources.get_object()  # type: ignore[attr-defined]
    fonts = [f.get_object() for f in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            fonts += _fonts(xobject.get("/Resources"), seen)
    return fonts


def test_pdf_fonts_are_embedded(pdf_path: Path) -> None:
    reader = pypdf.PdfReader(pdf_path)
    fonts = {}
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), set()):
            fonts[str(font.get("/BaseFont"))] = font
    assert fonts, "no fonts found in the PDF"
    not_embedded = []
    for name, font in fonts.items():
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs drawn by the PDF itself
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            not_embedded.append(name)
    assert not not_embedded, f"fonts not embedded in the PDF: {not_embedded}"


def test_pdf_metadata(pdf_path: Path) -> None:
    metadata = pypdf.PdfReader(pdf_path).metadata
    assert metadata is not None
    assert metadata.title == TITLE
    assert metadata.author == AUTHOR


def test_pdf_running_head_on_later_pages(pdf_path: Path) -> None:
    short_title = yaml.safe_load((REPO / "manuscript" / "metadata.yaml").read_text(encoding="utf-8"))["short-title"]
    pages = pdf_pages(pdf_path)
    first_lines = [next((line.strip() for line in page.splitlines() if line.strip()), "") for page in pages]
    assert short_title not in pages[0], "the first page carries a running head"
    assert all(line == short_title for line in first_lines[1:]), f"first lines of pages 2+: {first_lines[1:]}"


# ------------------------------------------------------------------------------------------------------ DOCX


@pytest.fixture(scope="module")
def docx_document(paper_build: Path) -> docx.document.Document:
    return docx.Document(str(paper_build / "paper.docx"))


@pytest.fixture(scope="module")
def docx_paragraphs(docx_document: docx.document.Document) -> list[tuple[str, str]]:
    """(style name, normalized text) of every paragraph."""
    return [(p.style.name, normalize(p.text)) for p in docx_document.paragraphs]


def test_docx_has_every_seed_sentence(docx_paragraphs: list[tuple[str, str]]) -> None:
    assert_all_sentences(" ".join(text for _, text in docx_paragraphs), "DOCX")


def test_docx_citation_markers(docx_paragraphs: list[tuple[str, str]]) -> None:
    assert_citation_markers(" ".join(text for _, text in docx_paragraphs), "DOCX")


def test_docx_front_matter(docx_paragraphs: list[tuple[str, str]]) -> None:
    seed = read_seed()
    assert docx_paragraphs[0] == ("Title", seed.title)
    assert ("Author", seed.author) in docx_paragraphs, f"no Author paragraph; front: {docx_paragraphs[:5]}"
    assert ("Affiliation", seed.affiliation) in docx_paragraphs, f"no Affiliation paragraph: {docx_paragraphs[:5]}"
    abstract = [text for style, text in docx_paragraphs if style == "Abstract"]
    assert abstract == [f"Abstract: {seed.abstract}"]
    keywords = [text for style, text in docx_paragraphs if style == "Keywords"]
    assert keywords and keywords[0].startswith("Keywords:"), keywords
    assert_in_order(keywords[0], seed.keywords, "DOCX keywords paragraph")


def test_docx_headings(docx_paragraphs: list[tuple[str, str]]) -> None:
    seed = read_seed()
    heading1 = [text for style, text in docx_paragraphs if style == "Heading 1"]
    heading2 = [text for style, text in docx_paragraphs if style == "Heading 2"]
    assert [h for h in heading1 if SECTION.match(h)] == seed.sections
    assert [h for h in heading2 if SUBSECTION.match(h)] == seed.subsections
    assert [h for h in heading2 if SWOT.match(h)] == seed.swot_headings
    assert "References" in heading1


def test_docx_references(docx_paragraphs: list[tuple[str, str]]) -> None:
    styles_texts = list(docx_paragraphs)
    start = styles_texts.index(("Heading 1", "References"))
    after = [text for _, text in styles_texts[start + 1 :] if text]
    assert after == list(REFERENCES)


def test_docx_core_properties(docx_document: docx.document.Document) -> None:
    properties = docx_document.core_properties
    assert properties.title == TITLE
    assert properties.author == AUTHOR


# ------------------------------------------------------------------------------------------------------ HTML


def text_of(element: ET.Element) -> str:
    return normalize("".join(element.itertext()))


def has_class(element: ET.Element, name: str) -> bool:
    return name in element.get("class", "").split()


@pytest.fixture(scope="module")
def html_root(paper_build: Path) -> ET.Element:
    return parse_html(paper_build / "paper.html")


@pytest.fixture(scope="module")
def html_body_text(html_root: ET.Element) -> str:
    body = html_root.find(".//body")
    assert body is not None
    return text_of(body)


def test_html_head(html_root: ET.Element) -> None:
    html = html_root.find("html")
    assert html is not None and html.get("lang") == "en"
    title = html_root.find(".//head/title")
    assert title is not None and text_of(title) == TITLE


def test_html_title_heading(html_root: ET.Element) -> None:
    h1 = list(html_root.iter("h1"))
    assert [text_of(h) for h in h1] == [TITLE]


def test_html_front_matter(html_root: ET.Element, html_body_text: str) -> None:
    seed = read_seed()
    authors = [text_of(e) for e in html_root.iter("span") if has_class(e, "author")]
    assert authors == [seed.author]
    affiliations = [text_of(e) for e in html_root.iter("p") if has_class(e, "affiliation")]
    assert affiliations == [seed.affiliation]
    keywords = [text_of(e) for e in html_root.iter("span") if has_class(e, "keyword")]
    assert keywords == list(seed.keywords)
    assert_in_order(html_body_text, ["Abstract", seed.abstract, "Keywords:"], "HTML")


def test_html_headings(html_root: ET.Element) -> None:
    seed = read_seed()
    h2 = [text_of(h) for h in html_root.iter("h2")]
    h3 = [text_of(h) for h in html_root.iter("h3")]
    assert [h for h in h2 if SECTION.match(h)] == seed.sections
    assert [h for h in h3 if SUBSECTION.match(h)] == seed.subsections
    assert [h for h in h3 if SWOT.match(h)] == seed.swot_headings


def test_html_has_every_seed_sentence(html_body_text: str) -> None:
    assert_all_sentences(html_body_text, "HTML")


def test_html_citation_markers(html_body_text: str) -> None:
    assert_citation_markers(html_body_text, "HTML")


def test_html_citations_link_to_their_references(html_root: ET.Element) -> None:
    main = html_root.find(".//main")
    assert main is not None
    links = [a for a in main.iter("a") if a.get("href", "").startswith("#ref-")]
    assert [(a.get("href"), text_of(a)) for a in links] == [
        (f"#ref-{key}", str(number)) for number, key in enumerate(CITATION_KEYS, 1)
    ]
    ids = {e.get("id") for e in html_root.iter() if e.get("id")}
    dangling = [a.get("href") for a in links if a.get("href", "")[1:] not in ids]
    assert not dangling, f"citation links without a target: {dangling}"


def test_html_references(html_root: ET.Element) -> None:
    section = next((e for e in html_root.iter("section") if has_class(e, "references")), None)
    assert section is not None, "no references section"
    heading = section.find("h2")
    assert heading is not None and text_of(heading) == "References"
    entries = [text_of(e) for e in section.iter("div") if has_class(e, "csl-entry")]
    assert entries == [f"{reference} \u21a9\ufe0e" for reference in REFERENCES]  # each with its link back
    assert [e.get("id") for e in section.iter("div") if has_class(e, "csl-entry")] == [
        f"ref-{key}" for key in CITATION_KEYS
    ]
