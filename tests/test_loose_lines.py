"""Justified lines whose word spaces are not stretched loose (issue #17 follow-up): the default style breaks a
justified paragraph whole, choosing its breaks together as TeX does (render/justify.py), with a word space of a third
of an em. Read back from the PDF with `pdftotext -bbox-layout`, as bench/typography.py measures them."""

from __future__ import annotations

import itertools
import statistics
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, make_project

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # builds with pandoc and WeasyPrint

XHTML = "{http://www.w3.org/1999/xhtml}"
HYPHEN = "\u2010"


def word_spaces(pdf: Path) -> tuple[list[float], int, int]:
    """The mean word space of each justified line (three words or more, reaching the text block's right edge) in
    normal spaces (the median space of the ragged lines: a paragraph's last line), the lines of text, and how many
    of them end in a hyphen WeasyPrint added."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    lines = []
    for page in ET.fromstring(xml).iter(f"{XHTML}page"):
        for line in page.iter(f"{XHTML}line"):
            words = [
                (float(w.get("xMin", "0")), float(w.get("xMax", "0")), w.text or "") for w in line.iter(f"{XHTML}word")
            ]
            if len(words) > 2:
                lines.append(words)
    left, right = min(ln[0][0] for ln in lines), max(ln[-1][1] for ln in lines)

    def gaps(line: list[tuple[float, float, str]]) -> list[float]:
        return [b[0] - a[1] for a, b in itertools.pairwise(line)]

    justified = [ln for ln in lines if ln[-1][1] >= right - 1]
    ragged = [gap for ln in lines if abs(ln[0][0] - left) < 1 and ln[-1][1] < right - 10 for gap in gaps(ln)]
    normal = statistics.median(ragged)
    hyphenated = sum(ln[-1][2].endswith(HYPHEN) for ln in lines)
    return [statistics.mean(gaps(ln)) / normal for ln in justified], len(lines), hyphenated


def test_justified_paragraphs_of_proper_nouns_and_long_words_are_seldom_loose(tmp_path: Path) -> None:
    # this repository's paper's first two chapters: proper nouns that are never hyphenated, long words
    files = {str(path.relative_to(REPO)): path.read_text() for path in (REPO / "bibliography").glob("*.bib")}
    files |= {f"manuscript/{path.name}": path.read_text() for path in (REPO / "manuscript").glob("0[12]-*.md")}
    meta = "title: Loose\nauthors:\n  - name: Ada Lovelace\nlang: en\n"
    make_project(tmp_path, {**files, "manuscript/metadata.yaml": meta})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    spaces, lines, hyphenated = word_spaces(tmp_path / "build" / "paper.pdf")
    assert len(spaces) >= 40
    loose = sum(space > 1.5 for space in spaces) / len(spaces)
    # line by line (before this change): 31 % loose, widest 2.8 spaces; now 20 %, 2.1
    assert loose <= 0.25, (loose, max(spaces))
    assert max(spaces) < 2.5
    assert hyphenated <= 0.1 * lines
