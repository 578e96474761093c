"""The HTML pages are valid: zero errors from the Nu HTML Checker (vnu-jar, installed by .ci/setup, on Java)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from paperbuild.cli import main

VNU = REPO / ".ci" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(page: Path) -> list[str]:
    assert VNU.is_file(), f"{VNU} is missing: run .ci/setup (it installs the Nu HTML Checker)"
    java = shutil.which("java")
    assert java, "java is missing: run .ci/setup (it installs a Java runtime)"
    done = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or "{}").get("messages", [])
    return [f"{m.get('lastLine')}:{m.get('lastColumn')}: {m['message']}" for m in messages]


@pytest.mark.slow
def test_the_papers_html_has_no_errors(paper_build: Path) -> None:
    assert vnu_errors(paper_build / "paper.html") == []


@pytest.mark.slow
def test_a_paper_with_figures_tables_notes_and_math_has_no_errors(tmp_path: Path) -> None:
    root = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", root)
    figures = root / "manuscript" / "figures"
    figures.mkdir()
    (figures / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="15"/></svg>'
    )
    chapter = root / "manuscript" / "03-conclusions.md"
    chapter.write_text(chapter.read_text() + "\n![A dot](figures/dot.svg){#fig:dot}\n\nAs @fig:dot shows, $x^2$.\n")
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert vnu_errors(root / "build" / "paper.html") == []
