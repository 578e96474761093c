"""What a cold build's speed rests on, counted: work done once, or not at all, where it used to cost time.

Speed itself is measured by bench/bench.py, never by a timed test; these tests count the calls the benchmark's
numbers depend on, so a change that brings the work back fails here first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, make_project

from paperbuild import glyphs
from paperbuild.cli import main


def test_the_glyph_check_asks_fontconfig_per_character_without_reading_its_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every paper with references holds the back-link arrow (U+21A9, U+FE0E), which the style's Noto Serif lacks;
    # reading fontconfig's whole listing for it cost 0.5 s of CPU on every PDF build with the Noto faces installed.
    listings: list[int] = []
    listing = glyphs.system_coverage

    def counted_listing() -> glyphs.CodePointRanges | None:
        listings.append(1)
        return listing()

    monkeypatch.setattr(glyphs, "system_coverage", counted_listing)
    # Thai is drawn by a system face (Noto Sans Thai), U+1E290 by none: the build stops before typesetting
    chapter = "# Intro\n\nText [@knuth1984], in Thai ภาษา.\n\nToto: \U0001e290 here.\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(
        "manuscript/01-a.md:5: error[missing-glyph]: no available font has '\U0001e290' (U+1E290); "
    )
    assert listings == []
