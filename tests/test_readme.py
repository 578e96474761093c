"""README.md's promise: its install-and-build command builds the paper from a clean copy, and its test command is
exactly what CI (`.ci/run`) runs last."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, normalize, pdf_text

TITLE = "Research on the Development of Liaoning Province from the Perspective of Northeast Asia Regional Cooperation"


def sh_blocks() -> list[str]:
    """The ```sh code blocks of README.md, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE)]


def install_command() -> str:
    return sh_blocks()[0]


def readme_test_command() -> str:
    return sh_blocks()[1]


def ci_commands() -> list[str]:
    """The commands of .ci/run: its lines without blank lines, comments and shell options."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_readme_has_an_install_and_a_test_command() -> None:
    blocks = sh_blocks()
    assert len(blocks) >= 2
    assert "\n" not in blocks[0], "the install-and-build command is one line a reader can paste"
    assert "\n" not in blocks[1], "the test command is one line a reader can paste"


def test_ci_runs_the_readme_test_command_verbatim_and_last() -> None:
    command = readme_test_command()
    raw_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in raw_lines
    assert ci_commands()[-1] == command


def test_ci_sets_up_the_machine_the_readme_way() -> None:
    assert "bash .ci/setup" in ci_commands()
    setup = (REPO / ".ci" / "setup").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in setup
    assert re.search(r"\.venv/bin/pip install (?:-\S+ )*-e '\.\[test\]'", setup), setup


def test_install_command_sets_up_and_builds_the_pdf() -> None:
    command = install_command()
    assert command.startswith("bash .ci/setup && ")
    assert command.endswith("build.py pdf")


def build_part() -> list[str]:
    """The build step of the install command, as argv, with the fresh venv's python replaced by this one."""
    last = install_command().split(" && ")[-1]
    argv = shlex.split(last)
    assert argv[0] == ".venv/bin/python", last
    return [sys.executable, *argv[1:]]


def repository_files() -> list[str]:
    """Files a fresh clone (plus not-yet-committed, not-ignored work) holds."""

    def git(*args: str) -> list[str]:
        proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True)
        return proc.stdout.splitlines()

    return sorted(set(git("ls-files") + git("ls-files", "--others", "--exclude-standard")))


@pytest.mark.slow
def test_install_command_builds_the_paper_pdf_in_a_clean_copy(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the repository's files")
    copy = tmp_path / "repo"
    for rel in repository_files():
        source = REPO / rel
        if not source.is_file():  # deleted in the working tree but not yet in the index
            continue
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    assert not (copy / "build").exists()

    proc = subprocess.run(build_part(), cwd=copy, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    pdf = copy / "build" / "paper.pdf"
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert TITLE in normalize(pdf_text(pdf))


def test_readme_lists_every_diagnostic_code() -> None:
    import paperbuild.checks  # noqa: F401  (registers the journal profile's codes too)
    from paperbuild.diagnostics import CODES

    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"| `{code}` |" not in text] == []
