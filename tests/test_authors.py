"""Authors as real papers have them (issue #16): a footnote in a name, affiliations numbered in order of first
mention, ORCID and the corresponding author's explained mark, in the PDF, HTML and DOCX alike."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from conftest import make_project, normalize, parse_html, pdf_text

from paperbuild.cli import main

META = """\
title: Tides
affiliations:
  - id: north
    name: North University
  - id: south
    name: South Institute
authors:
  - name: "Jane Doe^[Now at West Lab.]"
    affiliations: [south]
  - name: Bo Li
    affiliations: [north, south]
    email: bo@example.org
    orcid: 0000-0002-1825-0097
    corresponding: true
"""
CHAPTER = "# Introduction\n\nThe sea rises.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(
        tmp_path_factory.mktemp("authors"),
        {"manuscript/metadata.yaml": META, "manuscript/01-introduction.md": CHAPTER},
    )
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def _text(element: object) -> str:
    return normalize("".join(element.itertext()))  # type: ignore[attr-defined]


def test_html_byline(built: Path) -> None:
    page = parse_html(built / "paper.html")
    byline = page.find(".//p[@class='authors']")
    assert byline is not None
    assert "^[" not in _text(byline)
    assert _text(byline) == "Jane Doe1,1, Bo Li2,1* ORCID 0000-0002-1825-0097"
    note_ref = byline.find(".//a[@class='footnote-ref']")
    assert note_ref is not None
    note = page.find(f".//*[@id='{note_ref.get('href', '').lstrip('#')}']")
    assert note is not None and "Now at West Lab." in _text(note)
    assert [_text(p) for p in page.iter("p") if p.get("class") == "affiliation"] == [
        "1South Institute",
        "2North University",
    ]
    assert [_text(p) for p in page.iter("p") if p.get("class") == "correspondence"] == [
        "*Corresponding author: Bo Li, bo@example.org"
    ]
    assert [m.get("content") for m in page.iter("meta") if m.get("name") == "author"] == ["Jane Doe", "Bo Li"]


def test_docx_byline(built: Path) -> None:
    document = docx.Document(str(built / "paper.docx"))
    paragraphs = [normalize(p.text) for p in document.paragraphs]
    styles = [par.style.name if par.style is not None else "" for par in document.paragraphs]
    authors = [p for p, style in zip(paragraphs, styles, strict=True) if style == "Author"]
    assert authors == ["Jane Doe1,", "Bo Li2,1* ORCID 0000-0002-1825-0097"]
    assert "1South Institute" in paragraphs and "2North University" in paragraphs
    assert paragraphs.index("1South Institute") < paragraphs.index("2North University")
    assert "*Corresponding author: Bo Li, bo@example.org" in paragraphs
    with zipfile.ZipFile(built / "paper.docx") as archive:
        notes = archive.read("word/footnotes.xml").decode("utf-8")
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "Now at West Lab." in notes
    assert "https://orcid.org/0000-0002-1825-0097" in rels
    assert "<dc:creator>Jane Doe; Bo Li</dc:creator>" in core


def test_pdf_byline(built: Path) -> None:
    flow = normalize(pdf_text(built / "paper.pdf"))
    assert "^[" not in flow
    assert "Now at West Lab." in flow
    assert "ORCID 0000-0002-1825-0097" in flow
    assert flow.index("South Institute") < flow.index("North University")
    assert "*Corresponding author: Bo Li, bo@example.org" in flow


def test_single_corresponding_author_is_explained_everywhere(tmp_path: Path) -> None:
    meta = "title: Alone\nauthors:\n  - name: Ada Lovelace\n    corresponding: true\n    email: ada@example.org\n"
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-introduction.md": CHAPTER})
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    out = root / "build"
    line = "*Corresponding author: Ada Lovelace, ada@example.org"
    page = parse_html(out / "paper.html")
    byline = page.find(".//p[@class='authors']")
    assert byline is not None and _text(byline) == "Ada Lovelace*"
    assert line in normalize(pdf_text(out / "paper.pdf"))
    paragraphs = [normalize(p.text) for p in docx.Document(str(out / "paper.docx")).paragraphs]
    assert "Ada Lovelace*" in paragraphs and line in paragraphs


def test_a_footnote_in_an_affiliation_is_a_footnote_in_every_output(tmp_path: Path) -> None:
    meta = META.replace("name: North University", 'name: "North University^[Formerly North College.]"')
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-introduction.md": CHAPTER})
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    page = parse_html(root / "build/paper.html")
    line = next(p for p in page.iter("p") if p.get("class") == "affiliation" and "North" in _text(p))
    assert _text(line) == "2North University2" and line.find(".//a[@class='footnote-ref']") is not None
    assert "Formerly North College." in _text(page)
    with zipfile.ZipFile(root / "build/paper.docx") as docx_zip:
        assert "Formerly North College." in docx_zip.read("word/footnotes.xml").decode()
        assert "^[" not in docx_zip.read("word/document.xml").decode()
    pdf = normalize(pdf_text(root / "build/paper.pdf"))
    assert "Formerly North College." in pdf and "^[" not in pdf
