"""Small defects: control characters in a chapter, a short title written in Markdown, notes in tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbuild.cli import main
from tests.conftest import check_lines, make_project

HINT = "delete it, or type a space"


@pytest.mark.parametrize(("char", "name"), [("\x0b", "U+000B"), ("\ufffe", "U+FFFE"), ("\x0c", "U+000C")])
def test_a_control_character_in_a_chapter_is_an_error_at_its_place(
    tmp_path: Path, char: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": f"# A\n\n| x |\n|---|\n| one{char}two |\n\nMore{char}.\n"})
    expected = (
        f"manuscript/01-a.md:5:6: error[control-character]: a control character, {name}, that no output can carry "
        f"(the file's first); {HINT}"
    )
    assert check_lines(root) == [expected]
    assert main(["docx", "--project", str(root)]) == 1
    assert expected in capsys.readouterr().err
    assert not (root / "build" / "paper.docx").exists()


def test_a_control_character_in_a_bib_file_is_an_error_at_its_place(tmp_path: Path) -> None:
    bib = "@book{k,\n  title = {A\x0bB},\n  author = {Doe, Jo},\n  year = {2000},\n  publisher = {P},\n}\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": "# A\n\nAs [@k].\n", "bibliography/references.bib": bib})
    assert check_lines(root) == [
        f"bibliography/references.bib:2:13: error[control-character]: a control character, U+000B, that no output "
        f"can carry (the file's first); {HINT}"
    ]
