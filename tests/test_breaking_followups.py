"""Follow-ups of the PDF's paragraph breaking (render/justify.py, paragraph.py): stray breaks testers saw, break
opportunities inside URLs as LaTeX's url package has them. Read back from the PDF with pdftotext."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import make_project

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # builds with pandoc and WeasyPrint


def pdf_lines(root: Path) -> list[str]:
    """The lines of text of the project's PDF, as pdftotext reads them (blank ones left out)."""
    pdf = root / "build" / "paper.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_paragraph_with_inline_math_leaves_no_word_alone_on_a_line(tmp_path: Path) -> None:
    # /work/repro2/inline-math-break: line by line (a paragraph holding a formula is not planned), the line before
    # the formula was made wider than the block; WeasyPrint, finding the image past it, broke after its first word
    chapter = (
        "# Weights\n\nNow, well-formed weight functions must be chosen or interpreted from the set of rules. So, we "
        "define these functions in terms of the non-empty set of A: $f_{A}(x)=g_{A}(x)=x+1$ for all. These weight "
        "function can now be applied to the rules:\n"
    )
    make_project(tmp_path, {"manuscript/01-brk.md": chapter, "bibliography/references.bib": ""})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    lines = pdf_lines(tmp_path)
    start = next(i for i, line in enumerate(lines) if line.startswith("Now, well-formed"))
    paragraph = lines[start : start + 4]
    assert all(len(line.split()) > 3 for line in paragraph[:2]), paragraph  # was "... from the" / "set" / "of rules"
    assert paragraph[1].startswith("set of rules. So, we define"), paragraph


def test_a_paragraph_ending_in_a_cross_reference_group_starts_with_a_full_line(tmp_path: Path) -> None:
    # /work/repro3/lonely-in: the first line held only "In" (the plan's line ended at a space before a span,
    # which WeasyPrint counts: fixed on main by e6b76be, which gives such a line that space; kept here)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50"/></svg>'
    chapter = (
        "# Intro\n\n![One](one.svg){#fig:one}\n\n![Two](one.svg){#fig:two}\n\nIn case of multiple references, "
        "capitalization is determined by first reference. [@Fig:one; @fig:two].\n"
    )
    files = {"manuscript/01-intro.md": chapter, "manuscript/one.svg": svg, "bibliography/references.bib": ""}
    make_project(tmp_path, files)
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    lines = pdf_lines(tmp_path)
    assert "In case of multiple references, capitalization is determined by first reference." in lines, lines
    assert "In" not in lines
