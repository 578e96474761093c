"""Run the pandoc binary shipped by pypandoc-binary: bytes in, bytes out, with a timeout and a readable failure.

Takes pandoc arguments and standard input; gives pandoc's standard output. A missing or too old pandoc is a
MissingDependencyError (exit 3); a pandoc failure is an InputError carrying pandoc's own message. Every run has a
time limit and a heap cap, so pathological input ends in an error, not a hang or an out-of-memory kill.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from typing import Any

from paperbuild.errors import InputError, MissingDependencyError


class PandocFailed(InputError):
    """pandoc refused the input; `stderr` holds its message, which callers may turn into a diagnostic."""

    def __init__(self, stderr: str) -> None:
        super().__init__(f"pandoc failed: {stderr}")
        self.stderr = stderr


TIMEOUT_SECONDS = 300
MEMORY_LIMIT = "+RTS -M4G -RTS"  # pandoc's own heap cap (its manual's advice for untrusted input)
MINIMUM_VERSION = (3, 1)


@cache
def pandoc_path() -> str:
    """Path of the pandoc executable that pypandoc finds (the wheel's own binary first)."""
    try:
        import pypandoc

        path = str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise MissingDependencyError(
            "pandoc not found; install it with: python -m pip install pypandoc-binary"
        ) from exc
    version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=False).stdout
    match = re.match(r"pandoc\S* (\d+)\.(\d+)", version)
    if match is None or (int(match.group(1)), int(match.group(2))) < MINIMUM_VERSION:
        found = version.splitlines()[0] if version else "no version"
        raise MissingDependencyError(
            f"{path} ({found}) is too old or broken; paperbuild needs pandoc "
            f"{'.'.join(map(str, MINIMUM_VERSION))} or newer: "
            "python -m pip install -U pypandoc-binary"
        )
    return path


def run(args: list[str], stdin: bytes = b"") -> bytes:
    """Run pandoc with `args`, feeding `stdin`; return its standard output."""
    try:
        done = subprocess.run(
            [pandoc_path(), *MEMORY_LIMIT.split(), *args],
            input=stdin,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"pandoc took longer than {TIMEOUT_SECONDS} s and was stopped") from exc
    except OSError as exc:
        raise MissingDependencyError(f"pandoc could not be started ({exc}); reinstall pypandoc-binary") from exc
    if done.returncode != 0:
        raise PandocFailed(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def run_json(args: list[str], document: dict[str, Any]) -> bytes:
    """Run pandoc reading a JSON AST (`-f json`) and return its output."""
    return run(["-f", "json", *args], json.dumps(document).encode())
