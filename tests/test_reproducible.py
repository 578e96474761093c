"""Reproducible builds: the same inputs and SOURCE_DATE_EPOCH give byte-identical PDF, HTML and DOCX, whatever the
clock, time zone, locale, hash seed or the order in which the file system lists the chapters."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

OUTPUTS = ("paper.html", "paper.pdf", "paper.docx")


def build(project: Path, out: Path, *, clock: str | None, tz: str, seed: str, lang: str) -> dict[str, bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "TZ": tz, "PYTHONHASHSEED": seed, "LC_ALL": lang}
    command = [sys.executable, "build.py", "all", "--project", str(project), "--out", str(out), "--quiet"]
    if clock:
        faketime = shutil.which("faketime")
        assert faketime, "faketime is missing: run .ci/setup (it installs it)"
        command = [faketime, clock, *command]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["this paper", "small-paper"])
def test_two_builds_under_different_clocks_zones_seeds_and_locales_are_identical(tmp_path: Path, paper: str) -> None:
    source = REPO if paper == "this paper" else FIXTURES / "small-paper"
    first = tmp_path / "first"
    second = tmp_path / "second"
    for name in ("manuscript", "bibliography"):
        shutil.copytree(source / name, first / name)
    # the second copy is written in reverse order, so directory listing order differs too
    for path in sorted((first).rglob("*"), reverse=True):
        target = second / path.relative_to(first)
        if path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    a = build(first, tmp_path / "out-a", clock=None, tz="UTC", seed="1", lang="C.UTF-8")
    b = build(
        second, tmp_path / "out-b", clock="2031-07-04 23:59:59", tz="Asia/Shanghai", seed="4242", lang="en_US.UTF-8"
    )
    for name in OUTPUTS:
        assert a[name] == b[name], f"{name} differs between the two builds"
