"""Write an output file atomically: a temporary file in the same folder, then `os.replace` into place.

Takes a path and bytes; gives nothing back. A build that fails half-way never leaves a broken output behind.
`clean` removes what builds wrote, and nothing else.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers only ever see the old or the new file, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


OUTPUT_NAMES = {"html": "paper.html", "pdf": "paper.pdf", "docx": "paper.docx"}
CACHE_FILE = ".paperbuild-cache.json"


def clean(out_dir: Path) -> list[Path]:
    """Remove the files builds write into `out_dir` (and the folder, once empty); the paths removed."""
    removed = []
    for name in (*OUTPUT_NAMES.values(), CACHE_FILE):
        path = out_dir / name
        if path.is_file():
            path.unlink()
            removed.append(path)
    for leftover in out_dir.glob(".paper.*.tmp") if out_dir.is_dir() else []:
        leftover.unlink()
        removed.append(leftover)
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()
    return removed
