"""Citation styles by name from the packaged CSL collection, offline, including journals' dependent styles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, normalize

from paperbuild.cli import main
from paperbuild.csl import collection_dir, resolve
from paperbuild.render.html import page_text


@pytest.mark.parametrize(
    "name", ["apa", "ieee", "chicago-author-date", "china-national-standard-gb-t-7714-2015-numeric"]
)
def test_names_resolve_to_the_collection(name: str, tmp_path: Path) -> None:
    assert resolve(name, tmp_path, "m.yaml", 1) == (collection_dir() / f"{name}.csl", [])


def test_a_dependent_style_resolves_to_its_parent_so_pandoc_never_fetches_it(tmp_path: Path) -> None:
    path, problems = resolve("vancouver-nlm", tmp_path, "m.yaml", 1)
    assert (path, problems) == (collection_dir() / "nlm-citation-sequence.csl", [])
    local = tmp_path / "journal.csl"
    shutil.copy(collection_dir() / "dependent" / "vancouver-nlm.csl", local)
    assert resolve("journal.csl", tmp_path, "m.yaml", 1) == (collection_dir() / "nlm-citation-sequence.csl", [])


def test_unknown_names_and_paths_are_diagnostics(tmp_path: Path) -> None:
    [unknown] = resolve("chicago-autor-date", tmp_path, "manuscript/metadata.yaml", 7)[1]
    assert unknown.format() == (
        "manuscript/metadata.yaml:7: error[csl]: unknown citation style 'chicago-autor-date'; "
        "did you mean 'chicago-author-date'?"
    )
    [outside] = resolve("../elsewhere.csl", tmp_path, "m.yaml", 2)[1]
    assert outside.format() == (
        "m.yaml:2: error[csl]: CSL file '../elsewhere.csl' lies outside the project; copy it into the project, "
        "e.g. bibliography/"
    )


@pytest.mark.slow
def test_switching_the_style_on_the_command_line_changes_what_the_reader_sees(tmp_path: Path) -> None:
    root = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", root)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    apa = normalize(page_text((root / "build/paper.html").read_text()))
    assert main(["html", "--project", str(root), "--quiet", "--csl", "ieee"]) == 0
    ieee = normalize(page_text((root / "build/paper.html").read_text()))
    assert "(Marlow, 1998)" in apa and "(Marlow, 1998)" not in ieee
    assert "[1]" in ieee and "[1]" not in apa
