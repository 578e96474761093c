"""The bundle lists figures and sources from the manuscript the build read: pandoc's reader runs once."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES

from paperbuild import manuscript
from paperbuild.cli import main
from paperbuild.manuscript import Manuscript
from paperbuild.project import Project


def test_bundle_and_meca_parse_the_manuscript_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(shutil.copytree(FIXTURES / "counted-paper", tmp_path / "counted"))
    parses: list[str] = []
    parse = manuscript.parse

    def counted_parse(project: Project) -> Manuscript:
        parses.append(project.root.name)
        return parse(project)

    monkeypatch.setattr(manuscript, "parse", counted_parse)
    counts = []
    for extra, name in (([], "paper-submission.zip"), (["--meca"], "paper-meca.zip")):
        parses.clear()
        assert main(["bundle", *extra, "--project", str(root)]) == 0
        counts.append(len(parses))
        with zipfile.ZipFile(root / "build" / name) as archive:
            figure = (root / "manuscript" / "figures" / "plot.png").read_bytes()
            assert archive.read("figures/figure-1.png") == figure
    assert counts == [1, 1]
