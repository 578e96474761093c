"""paperbuild installed from a wheel, not run from this checkout, builds a paper with the styles it ships."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import MINIMAL_BIB, REPO, make_project, normalize, pdf_text

STYLES = REPO / "styles"


def shipped_styles() -> set[str]:
    """Every file of the top-level styles/ under version control, relative to it."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "styles"], capture_output=True, text=True, check=True)
    return {line.removeprefix("styles/") for line in listed.stdout.splitlines()}


def build_wheel(tmp_path: Path) -> Path:
    """A wheel built from a copy of the sources (an in-tree build would write into this checkout's build/)."""
    source = tmp_path / "source"
    shutil.copytree(REPO / "paperbuild", source / "paperbuild", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(STYLES, source / "styles")  # as it is, with whatever else lies there: the wheel must leave it out
    (source / "styles" / "default" / "paper.css~").write_text("an editor's backup")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("paperbuild-*.whl")
    return wheel


@pytest.mark.slow
def test_an_installed_wheel_builds_a_paper_with_the_styles_it_ships(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    styles = {n.removeprefix("paperbuild/styles/") for n in names if n.startswith("paperbuild/styles/")}
    assert styles == shipped_styles()  # all of them, and nothing else
    modules = {str(path.relative_to(REPO)) for path in (REPO / "paperbuild").rglob("*.py")}
    assert modules - set(names) == set()  # every subpackage is listed in pyproject.toml
    journals = {str(path.relative_to(REPO)) for path in (REPO / "paperbuild" / "journals").glob("*.yaml")}
    assert journals and journals - set(names) == set()  # every journal profile, as `journal: NAME` finds them

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of this checkout's editable install
    where = subprocess.run(
        [sys.executable, "-c", "import paperbuild; print(paperbuild.__file__)"],
        env=env,
        cwd=tmp_path,  # not this checkout, whose paperbuild/ Python would find first
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout + where.stderr

    chapter = "# Introduction\n\nShipped styles set this [@knuth1984].\n"
    files = {"manuscript/01-intro.md": chapter, "bibliography/refs.bib": MINIMAL_BIB}
    project = make_project(tmp_path / "paper", files)
    assert not (project / "styles").exists()
    proc = subprocess.run(
        [sys.executable, "-m", "paperbuild", "all", "--project", str(project), "--quiet"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    build = project / "build"
    assert (STYLES / "default" / "paper.css").read_text(encoding="utf-8") in (build / "paper.html").read_text("utf-8")
    assert "Shipped styles set this (Knuth" in normalize(pdf_text(build / "paper.pdf"))
    fonts = subprocess.run(["pdffonts", str(build / "paper.pdf")], capture_output=True, text=True, check=True).stdout
    # the default style's own Noto Serif, from styles/default/fonts in the wheel (the system has only Noto Serif CJK)
    assert any("Noto-Serif" in line and "CJK" not in line for line in fonts.splitlines()), fonts
    paragraphs = [p.text for p in docx.Document(str(build / "paper.docx")).paragraphs]
    assert any("Shipped styles set this" in text for text in paragraphs)
