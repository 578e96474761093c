"""The conventions pyproject.toml configures hold for the whole tree: ruff's lint rules, ruff's formatting and
mypy --strict over the package. CI runs the README's one test command, so this is where they are enforced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_tool(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "RUFF_CACHE_DIR": str(cache / "ruff"), "HOME": str(cache)},
    )


def test_ruff_lint_passes(tmp_path: Path) -> None:
    result = run_tool("ruff", "check", "--no-fix", ".", cache=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_passes(tmp_path: Path) -> None:
    result = run_tool("ruff", "format", "--check", ".", cache=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes(tmp_path: Path) -> None:
    result = run_tool("mypy", "--cache-dir", str(tmp_path / "mypy"), cache=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
