"""Hostile input the importers read (a Quarto _variables.yml nested thousands deep) ends no `import` in a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbuild.cli import main


def test_a_quarto_variables_file_nested_too_deep_is_no_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "paper.qmd").write_text("---\ntitle: T\n---\n\nVersion {{< var v >}}.\n", encoding="utf-8")
    (src / "_variables.yml").write_text("v: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code = main(["import", str(src / "paper.qmd"), str(tmp_path / "paper")])
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert code == 0, err
