"""`init DIR`: a new project that passes `check` and builds at once; the CI workflows (this repository's and the one
`init` writes) install, check, build and upload; the README documents every command."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from paperbuild.cli import main

CREATED = [
    "manuscript/metadata.yaml",
    "manuscript/01-introduction.md",
    "manuscript/02-method.md",
    "bibliography/references.bib",
    ".gitignore",
    ".github/workflows/build.yml",
    "build.py",
    "README.md",
]


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_a_project_that_checks_clean_and_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "new-paper"
    assert main(["init", str(root)]) == 0
    err = capsys.readouterr().err
    assert files(root) == sorted(CREATED)
    assert [f"created {root / rel}" for rel in CREATED] == err.splitlines()[: len(CREATED)]
    next_step = err.splitlines()[-1].removeprefix("next: ").split(" && ")[-1]  # the build command it suggests
    proc = subprocess.run([*shlex.split(next_step), "check"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, (next_step, proc.stderr)

    assert main(["check", "--project", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"diagnostics": []}

    assert main(["all", "--project", str(root), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert sorted(p.name for p in (root / "build").iterdir() if not p.name.startswith(".")) == [
        "paper.docx",
        "paper.html",
        "paper.pdf",
        "paper.xml",
    ]
    html = (root / "build" / "paper.html").read_text(encoding="utf-8")
    assert "Title of the Paper" in html
    assert "Section&nbsp;2" in html and "Table&nbsp;1" in html  # the placeholders show cross-references at work


def test_the_new_project_has_its_one_entry_cited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    assert main(["init", str(root), "--quiet"]) == 0
    bib = (root / "bibliography" / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE)
    assert keys == ["knuth1984"]
    assert "[@knuth1984]" in (root / "manuscript" / "01-introduction.md").read_text(encoding="utf-8")
    assert "build/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert main(["stats", "--project", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stats"]["references"] == 1


def test_init_into_an_empty_folder_works_and_into_a_used_one_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["init", str(empty), "--quiet"]) == 0
    assert main(["init", str(empty)]) == 2
    assert capsys.readouterr().err == (
        f"paperbuild: error: init: {empty} already exists and is not empty; name a new folder\n"
    )
    assert main(["init"]) == 2
    assert "init needs DIR" in capsys.readouterr().err


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return list(job["steps"])


def runs(workflow: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uploaded(workflow: dict[str, Any]) -> list[str]:
    (upload,) = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")]
    return str(upload["with"]["path"]).split()


def load(path: Path) -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return workflow


@pytest.mark.parametrize("which", ["this repository", "init"])
def test_the_workflow_installs_checks_builds_and_uploads_on_push(tmp_path: Path, which: str) -> None:
    if which == "init":
        assert main(["init", str(tmp_path / "p"), "--quiet"]) == 0
        workflow = load(tmp_path / "p" / ".github" / "workflows" / "build.yml")
    else:
        workflow = load(REPO / ".github" / "workflows" / "build.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers
    commands = runs(workflow)
    assert commands.index("build.py check") < commands.index("build.py all")
    assert uploaded(workflow) == ["build/paper.pdf", "build/paper.html", "build/paper.docx"]
    if which == "init":
        assert '.venv/bin/pip install -q "$PAPERBUILD"' in commands
    else:
        assert "bash .ci/setup" in commands  # the README's install command


def test_the_readme_documents_each_new_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in (
        "python build.py stats",
        "python build.py stats --format json",
        "python build.py bundle",
        "python build.py bundle --review",
        "python build.py diff ",
        "paperbuild init ",
        "journal.yaml",
        ".github/workflows/build.yml",
    ):
        assert command in readme, command
