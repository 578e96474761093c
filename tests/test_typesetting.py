"""The PDF as a journal would receive it: page furniture, standards, metadata, outline and landscape pages."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import FIXTURES, REPO

from paperbuild.cli import main

TITLE = "Research on the Development of Liaoning Province from the Perspective of Northeast Asia Regional Cooperation"


def outline_titles(outline: list[Any]) -> list[str]:
    """Every bookmark's title, depth first."""
    titles: list[str] = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def xmp(reader: pypdf.PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


@pytest.mark.slow
def test_page_furniture_metadata_and_outline_of_the_paper(paper_build: Path) -> None:
    reader = pypdf.PdfReader(paper_build / "paper.pdf")
    first, second = reader.pages[0].extract_text(), reader.pages[1].extract_text()
    assert "Liaoning in Northeast Asia Regional Cooperation" not in first  # no running head on page 1
    assert not first.rstrip().endswith("\n1")  # and no page number
    assert "Liaoning in Northeast Asia Regional Cooperation" in second  # the short title as running head
    assert second.rstrip().splitlines()[-1] == "2"
    info = reader.metadata
    assert info is not None and info.title == TITLE and info.author == "Yuan Yue"
    assert info.subject is not None and info.subject.startswith("Northeast Asia is one of the regions")
    assert info["/Keywords"] == "Northeast Asia, regional cooperation, Liaoning region"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert 'pdfuaid:part="1"' in xmp(reader)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    titles = outline_titles(reader.outline)
    assert titles[0] == TITLE
    assert "1. Introduction" in titles and "5.1. Adjustment and upgrading of industrial structure" in titles


@pytest.mark.slow
# WeasyPrint 70 leaves its sRGB profile file open when it writes PDF/A (a ResourceWarning at garbage collection)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pdf_a_on_request(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["pdf", "--project", str(REPO), "--out", str(out), "--pdf-standard", "pdf/a-3b", "--quiet"]) == 0
    text = xmp(pypdf.PdfReader(out / "paper.pdf"))
    assert 'pdfaid:part="3"' in text and 'pdfaid:conformance="B"' in text


@pytest.mark.slow
def test_a_landscape_table_gets_a_turned_page_and_the_text_returns_to_portrait(tmp_path: Path) -> None:
    root = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", root)
    chapter = root / "manuscript/02-measurements.md"
    wide = "| " + " | ".join("abcdefghij") + " |\n|" + "---|" * 10 + "\n| " + " | ".join("1234567890") + " |\n"
    chapter.write_text(
        chapter.read_text() + f"\n{wide}\n: A wide table {{#tbl:wide .landscape}}\n\n"
        "After @tbl:wide the text goes on upright.\n"
    )
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    pages = pypdf.PdfReader(root / "build/paper.pdf").pages
    shapes = [("landscape" if p.mediabox.width > p.mediabox.height else "portrait", p.extract_text()) for p in pages]
    turned = [i for i, (shape, _) in enumerate(shapes) if shape == "landscape"]
    assert len(turned) == 1 and "A wide table" in shapes[turned[0]][1]
    after = next(text for shape, text in shapes[turned[0] + 1 :] if "goes on upright" in text)
    assert after and shapes[turned[0] + 1][0] == "portrait"
