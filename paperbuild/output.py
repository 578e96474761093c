"""Write an output file atomically: a temporary file in the same folder, then `os.replace` into place.

Takes a path and bytes; gives nothing back. A build that fails half-way never leaves a broken output behind.
`clean` removes what builds wrote, and nothing else.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def output_folder(root: Path, out_dir: Path | None) -> Path:
    """Where a build of the project at `root` writes: the --out folder, else PROJECT/build."""
    return (out_dir or root / "build").resolve()


def _temporary(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # created like any file (0666 less the umask), unlike mkstemp's 0600; O_EXCL: never an existing file
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers only ever see the old or the new file, never a partial one."""
    write_all({path: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write several files all or nothing: every one goes to a temporary file first (a full disk or Ctrl-C then
    leaves all the old files as they were and no litter), and only then are they renamed into place."""
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            written.append((_temporary(path, data), path))
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in written:
        os.replace(tmp, path)


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock: two builds writing into one folder take turns."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


OUTPUT_NAMES = {"html": "paper.html", "pdf": "paper.pdf", "docx": "paper.docx"}
FORMATS = tuple(OUTPUT_NAMES)  # the output formats, in the order they are reported
OTHER_OUTPUTS = {
    "bundle": "paper-submission.zip",
    "review bundle": "paper-review-submission.zip",
    "diff html": "paper-diff.html",
    "diff pdf": "paper-diff.pdf",
}
"""What the submission commands write: `bundle` (bundle.py) and `diff` (revision_diff.py)."""
CACHE_FILE = ".paperbuild-cache.json"
CITATIONS_FILE = ".paperbuild-citations.json"
LOCK_FILE = ".paperbuild.lock"


def clean(out_dir: Path) -> list[Path]:
    """Remove the files builds write into `out_dir` (and the folder, once empty); the paths removed."""
    removed = []
    # not the lock: others may hold it
    for name in (*OUTPUT_NAMES.values(), *OTHER_OUTPUTS.values(), CACHE_FILE, CITATIONS_FILE):
        path = out_dir / name
        if path.is_file():
            path.unlink()
            removed.append(path)
    for leftover in [*out_dir.glob(".paper.*.tmp"), *out_dir.glob(".paper-*.tmp")] if out_dir.is_dir() else []:
        leftover.unlink()
        removed.append(leftover)
    lock = out_dir / LOCK_FILE
    if lock.is_file():
        with open(lock, "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a build is writing: leave its lock (and the folder) alone
                return removed
            lock.unlink()
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()
    return removed
