"""Run the pandoc binary shipped by pypandoc-binary: bytes in, bytes out, with a timeout and a readable failure.

Takes pandoc arguments and standard input; gives pandoc's standard output. A missing pandoc is a
MissingDependencyError (exit 3); a pandoc failure is an InputError carrying pandoc's own message.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from typing import Any

from paperbuild.errors import InputError, MissingDependencyError

TIMEOUT_SECONDS = 300


@cache
def pandoc_path() -> str:
    """Path of the pandoc executable that pypandoc finds (the wheel's own binary first)."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise MissingDependencyError(
            "pandoc not found; install it with: python -m pip install pypandoc-binary"
        ) from exc


def run(args: list[str], stdin: bytes = b"") -> bytes:
    """Run pandoc with `args`, feeding `stdin`; return its standard output."""
    try:
        done = subprocess.run(
            [pandoc_path(), *args], input=stdin, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"pandoc took longer than {TIMEOUT_SECONDS} s and was stopped") from exc
    except OSError as exc:
        raise MissingDependencyError(f"pandoc could not be started ({exc}); reinstall pypandoc-binary") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise InputError(f"pandoc failed: {message}")
    return done.stdout


def run_json(args: list[str], document: dict[str, Any]) -> bytes:
    """Run pandoc reading a JSON AST (`-f json`) and return its output."""
    return run(["-f", "json", *args], json.dumps(document).encode())
