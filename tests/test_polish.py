"""Small defects seen by readers: the DOCX's footnote numbers, the title's note in running heads and document titles;
and the manuscript read once when citeproc fails."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, normalize, parse_html
from test_docx_style import converted_by_libreoffice
from test_paper_outputs import pdf_pages

from paperbuild import manuscript
from paperbuild.cli import main
from paperbuild.project import Project

NOTED_META = """\
title: A Small *Paper^[Funded by X.]*
authors:
  - name: Ada Lovelace^[Now at Y.]
"""
FILLER = " ".join(["The analysis engine weaves algebraical patterns as the loom weaves flowers."] * 8)
CHAPTERS = {
    "manuscript/01-intro.md": "# Intro\n\nSome text.[^a]\n\n[^a]: A body note.\n",
    "manuscript/02-more.md": "# More\n\n" + "\n\n".join([FILLER] * 8) + "\n\nMore text.[^b]\n\n[^b]: A later note.\n",
}
TITLE = "A Small Paper"
NOTES = ["Funded by X.", "Now at Y.", "A body note.", "A later note."]
"""The footnotes in document order: the title's, the author's, then the chapters'."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page paper whose title and author carry footnotes, built in every format; its output folder."""
    root = make_project(tmp_path_factory.mktemp("noted"), {"manuscript/metadata.yaml": NOTED_META, **CHAPTERS})
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def test_docx_footnotes_number_through_the_paper_from_the_title(built: Path, tmp_path: Path) -> None:
    docx = built / "paper.docx"
    document, footnotes = docx_part(docx, "word/document.xml"), docx_part(docx, "word/footnotes.xml")
    texts = {
        int(number): "".join(re.findall(r"<w:t\b[^>]*>([^<]*)</w:t>", body)).strip()
        for number, body in re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', footnotes, re.DOTALL)
    }
    called = [texts[int(number)] for number in re.findall(r'<w:footnoteReference w:id="(\d+)"', document)]
    assert called == NOTES
    restarts = re.findall(r'<w:numRestart w:val="(\w+)"', document + docx_part(docx, "word/settings.xml"))
    assert set(restarts) <= {"continuous"}, "Word numbers the notes 1, 2, 3, 4 only if no section restarts them"
    seen = normalize(pdf_reader(converted_by_libreoffice(docx, tmp_path)))
    assert "Some text.3" in seen and "More text.4" in seen, seen
    for number, note in enumerate(NOTES, start=1):
        assert f"{number} {note}" in seen, f"LibreOffice does not print note {number} as '{number} {note}': {seen}"


def pdf_reader(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_running_head_is_the_title_without_its_note(built: Path) -> None:
    pages = pdf_pages(built / "paper.pdf")
    assert len(pages) >= 2, "the paper must run onto a page with a running head"
    heads = [page.strip().splitlines()[0].strip() for page in pages[1:]]
    assert heads == [TITLE] * len(heads)


def test_document_titles_are_the_title_without_its_note(built: Path) -> None:
    [title] = parse_html(built / "paper.html").iter("title")
    assert title.text == TITLE
    assert pypdf.PdfReader(built / "paper.pdf").metadata.title == TITLE
    assert re.findall(r"<dc:title>(.*?)</dc:title>", docx_part(built / "paper.docx", "docProps/core.xml")) == [TITLE]


def test_a_broken_csl_reads_the_manuscript_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Citations in TeX are turned into citations before citeproc runs on the parsed manuscript; when citeproc
    then fails on the CSL file, that parse is checked, not a second one."""
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": "title: A Small Paper\ncsl: bad.csl\n",
            "bad.csl": "<style>not a style</style>\n",
            "bibliography/references.bib": MINIMAL_BIB,
            "manuscript/01-intro.md": "# Intro\n\nAs \\cite{knuth1984} shows.\n",
        },
    )
    parses: list[dict[str, Any]] = []
    real_parse = manuscript.parse

    def counted(project: Project, **options: Any) -> manuscript.Manuscript:
        parses.append(options)
        return real_parse(project, **options)

    monkeypatch.setattr(manuscript, "parse", counted)
    assert check_lines(root) == [
        "manuscript/metadata.yaml:2: error[csl]: 'bad.csl' is not a usable CSL style: No citation element present"
    ]
    assert parses == [{}]  # one parse, citeproc run on it
