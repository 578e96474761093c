"""The paper's parts: an author's own "References" heading leaves one reference list under one heading."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from conftest import MINIMAL_BIB, make_project, parse_html, pdf_text

from paperbuild.cli import main

JOSS_ENDING = "# Summary\n\nTeX is a typesetting system [@knuth1984].\n\n# References\n"
OWN_REFS_DIV = (
    "# Summary\n\nTeX is a typesetting system [@knuth1984].\n\n# Bibliography\n\n::: {#refs}\n:::\n\n"
    "# Appendix\n\nMore text.\n"
)


def built(tmp_path: Path, chapter: str) -> Path:
    root = make_project(tmp_path, {"manuscript/01-paper.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def headings(out: Path) -> list[str]:
    html = parse_html(out / "paper.html")
    return ["".join(h.itertext()).strip() for h in html.iter() if h.tag in ("h1", "h2", "h3")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("chapter", "expected"),
    [
        (JOSS_ENDING, ["1. Summary", "References"]),
        (OWN_REFS_DIV, ["1. Summary", "2. Appendix", "References"]),
    ],
)
def test_an_own_references_heading_gives_one_references_heading(
    tmp_path: Path, chapter: str, expected: list[str]
) -> None:
    out = built(tmp_path, chapter)
    assert [h for h in headings(out) if h != "A Small Paper"] == expected
    document = docx.Document(str(out / "paper.docx"))
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading")] == expected
    assert pdf_text(out / "paper.pdf").count("References") == 1
    assert "Bibliography" not in pdf_text(out / "paper.pdf")
