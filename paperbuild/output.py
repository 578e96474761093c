"""Write an output file atomically: a temporary file in the same folder, then `os.replace` into place.

Takes a path and bytes; gives nothing back. A build that fails half-way never leaves a broken output behind.
`clean` removes what builds wrote, and nothing else. Every command finds its output folder through
`output_folder`, which refuses a folder where writing or cleaning could reach files that are not outputs.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from paperbuild.errors import InputError, UsageError
from paperbuild.safe_paths import is_regular

SOURCE_FOLDERS = ("manuscript", "bibliography", "styles")
"""The project's folders of sources: no output folder lies in one."""


def output_folder(root: Path, out_dir: Path | None) -> Path:
    """Where a build of the project at `root` writes: the --out folder, else PROJECT/build; resolved.

    Refused (a UsageError for --out, an InputError for the project's build/) when it is a link, when a link inside
    the project leads to it (a `build` committed as a link would let `all` overwrite and `clean` delete files where
    it points), when it is the project folder or holds it, or when it lies in one of the project's source folders."""
    fault = UsageError if out_dir is not None else InputError
    named = f"--out {out_dir}" if out_dir is not None else "build"
    wanted = Path(os.path.abspath(out_dir if out_dir is not None else root / "build"))
    real_root = root.resolve()
    real = Path(wanted.anchor)
    parts = wanted.parts[1:]
    for index, part in enumerate(parts):
        step = real / part
        if step.is_symlink():
            if real.is_relative_to(real_root) or index == len(parts) - 1:
                raise fault(
                    f"{named}: {step} is a link to {step.resolve()}; paperbuild writes and cleans only a folder of "
                    "its own: make it a plain folder, or choose another with --out"
                )
            real = step.resolve()
        else:
            real = step
    if real_root.is_relative_to(real):
        raise fault(f"{named}: {real} is the project folder or holds it; outputs go in a folder of their own")
    for source in SOURCE_FOLDERS:
        if real.is_relative_to(real_root / source):
            raise fault(f"{named}: {real} lies in the project's {source}/; outputs go in a folder of their own")
    return real


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


def _open_lock(path: Path) -> int:
    """A descriptor on the lock file, created when missing; never a link, a FIFO or a device (O_NOFOLLOW,
    O_NONBLOCK, fstat)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        what = "a link" if exc.errno == errno.ELOOP else exc.strerror
        raise InputError(f"{path}: cannot be paperbuild's lock ({what}); delete it") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(f"{path}: not a regular file, so not paperbuild's lock; delete it")
    return fd


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock: two builds writing into one folder take turns."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = _open_lock(out_dir / LOCK_FILE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


OUTPUT_NAMES = {"html": "paper.html", "pdf": "paper.pdf", "docx": "paper.docx", "jats": "paper.xml"}
FORMATS = tuple(OUTPUT_NAMES)  # the output formats, in the order they are reported
OTHER_OUTPUTS = {
    "bundle": "paper-submission.zip",
    "review bundle": "paper-review-submission.zip",
    "meca": "paper-meca.zip",
    "review meca": "paper-review-meca.zip",
    "diff html": "paper-diff.html",
    "diff pdf": "paper-diff.pdf",
}
"""What the submission commands write: `bundle` (submission/bundle.py), `bundle --meca` (submission/meca.py) and
`diff` (submission/revision_diff.py)."""
CACHE_FILE = ".paperbuild-cache.json"
CITATIONS_FILE = ".paperbuild-citations.json"
LOCK_FILE = ".paperbuild.lock"
FIGURES_FOLDER = ".paperbuild-figures"
"""Where figure_formats.py keeps the figures it converted, one JSON file each, named by the hash of their bytes."""


def clean(out_dir: Path) -> list[Path]:
    """Remove the files builds write into `out_dir` (and the folder, once empty); the paths removed. Only regular
    files are removed: a link, a FIFO or a folder named like an output is left alone."""
    removed = []
    # not the lock: others may hold it
    for name in (*OUTPUT_NAMES.values(), *OTHER_OUTPUTS.values(), CACHE_FILE, CITATIONS_FILE):
        path = out_dir / name
        if is_regular(path):
            path.unlink()
            removed.append(path)
    figures = out_dir / FIGURES_FOLDER  # PDF and EPS figures converted to SVG (figure_formats.py)
    for converted in sorted(figures.glob("*.json")) if figures.is_dir() else []:
        converted.unlink()
        removed.append(converted)
    if figures.is_dir() and not any(figures.iterdir()):
        figures.rmdir()
    for leftover in [*out_dir.glob(".paper.*.tmp"), *out_dir.glob(".paper-*.tmp")] if out_dir.is_dir() else []:
        if is_regular(leftover):
            leftover.unlink()
            removed.append(leftover)
    lock = out_dir / LOCK_FILE
    if is_regular(lock):
        fd = _open_lock(lock)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            lock.unlink()
        except BlockingIOError:  # a build is writing: leave its lock (and the folder) alone
            return removed
        finally:
            os.close(fd)
    if out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()
    return removed
