"""One path policy for every file paperbuild reads: inside the allowed folders, a regular file, not too large.

Takes a path, the folders it may lie in (the project; for reading, also paperbuild's shipped styles or the CSL
collection) and the kind of file; gives its bytes, read without reading past the kind's limit, or a `Refused`
saying why not. A link inside the project that points inside it is followed; one that leads outside, a FIFO, a
device or a socket is refused, and opening never blocks (O_NONBLOCK, O_NOFOLLOW, then fstat). Files paperbuild
keeps for itself (caches, outputs) are never followed through a link at all. Folders are walked to a bounded depth
and number of entries, without following links to folders.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from paperbuild.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Limit:
    """How much paperbuild reads of one kind of file."""

    kind: str
    """The kind, as messages name it: "a chapter"."""
    max_bytes: int
    """The largest file of this kind paperbuild reads."""


CHAPTER = Limit("a chapter", 5_000_000)
"""5 MB (830,000 words): five times a 150,000-word book; an HTML build of it peaks at 1.5 GB."""
CHAPTERS_IN_ALL = 5_000_000
"""The chapters together: what the build holds in memory grows with the whole text."""
METADATA = Limit("a metadata file", 1_000_000)
"""metadata.yaml and journal.yaml."""
BIBLIOGRAPHY = Limit("a .bib file", 20_000_000)
"""20 MB: some 40,000 entries of 500 bytes."""
STYLE_FILE = Limit("a style's file", 32_000_000)
"""Stylesheets, templates, reference.docx, fonts (a CJK font is some 20 MB)."""
CSL = Limit("a CSL style", 2_000_000)
"""The largest style of the collection is 0.25 MB."""
IMAGE = Limit("an image", 50_000_000)
CACHE = Limit("a cache file", 64_000_000)
"""The build cache and the kept citations."""

MAX_DEPTH = 32
"""Folders nested deeper than this below manuscript/ or a style's folder are refused."""
MAX_ENTRIES = 10_000
"""Files and folders a walk looks at, at most (manuscript/, a style's folder)."""

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Refused:
    """Why a path is not read."""

    path: Path
    """The path as it was asked for."""
    problem: str
    """The kind of refusal: "missing", "outside" (leads outside the allowed folders), "special" (not a regular
    file), "large", "deep" or "many"."""
    message: str
    """What is wrong, naming the file: "'x.md' is a link to /etc/passwd, outside the project"."""
    hint: str = ""
    """How to fix it."""

    def diagnostic(self, rel: str) -> Diagnostic:
        """The refusal as an error located at `rel` (the path relative to the project)."""
        return Diagnostic(rel, 0, 0, Severity.ERROR, "unsafe-resource", self.message, self.hint)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path` (already resolved) lies in one of `roots` (resolved)."""
    return any(path.is_relative_to(root) for root in roots)


def check(path: Path, roots: Sequence[Path] | None, limit: Limit | None) -> Refused | None:
    """Why `path` may not be read (None when it may), from its metadata alone: it must resolve inside `roots` and
    be a regular file of at most `limit` bytes (any size when None). With `roots` None, `path` itself must not be
    a link (a file paperbuild keeps in its output folder)."""
    if roots is None:
        real = path
        try:
            info = os.lstat(path)
        except OSError:
            return Refused(path, "missing", f"'{path.name}' does not exist")
        if stat.S_ISLNK(info.st_mode):
            return Refused(path, "special", f"'{path.name}' is a link; paperbuild follows none here")
    else:
        real = Path(os.path.realpath(path))
        if not inside(real, roots):
            return Refused(
                path,
                "outside",
                f"'{path.name}' is a link to {real}, outside the project"
                if real != Path(os.path.abspath(path))
                else f"'{path.name}' lies outside the project",
                "copy the file into the project instead of linking to it",
            )
        try:
            info = os.stat(real)
        except OSError:
            return Refused(path, "missing", f"'{path.name}' does not exist")
    if not stat.S_ISREG(info.st_mode):
        return Refused(path, "special", f"'{path.name}' is {_kind_of(info.st_mode)}, not a regular file")
    if limit is not None and info.st_size > limit.max_bytes:
        return _too_large(path, info.st_size, limit)
    return None


def _too_large(path: Path, size: int, limit: Limit) -> Refused:
    return Refused(
        path,
        "large",
        f"'{path.name}' is {size:,} bytes; paperbuild reads at most {limit.max_bytes:,} bytes of {limit.kind}",
        "split it, or make it smaller",
    )


def _open(path: Path, roots: Sequence[Path] | None, limit: Limit | None) -> int | Refused:
    """A read-only descriptor on the regular file `path`, or why not; never blocks, never follows a last link."""
    refused = check(path, roots, limit)
    if refused is not None:
        return refused
    real = path if roots is None else Path(os.path.realpath(path))
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:  # swapped for a link or removed since the check
        return Refused(path, "missing", f"'{path.name}' cannot be opened: {exc.strerror}")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return Refused(path, "special", f"'{path.name}' is {_kind_of(info.st_mode)}, not a regular file")
    return fd


def read(path: Path, roots: Sequence[Path] | None, limit: Limit) -> bytes | Refused:
    """The bytes of `path` when `check` allows it, reading at most `limit` bytes (a file that grew meanwhile is
    refused, not read on)."""
    fd = _open(path, roots, limit)
    if isinstance(fd, Refused):
        return fd
    chunks: list[bytes] = []
    size = 0
    with os.fdopen(fd, "rb", buffering=0) as handle:
        while size <= limit.max_bytes:
            chunk = handle.read(min(_CHUNK, limit.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    if size > limit.max_bytes:
        return _too_large(path, size, limit)
    return b"".join(chunks)


def sha256(path: Path) -> str:
    """SHA-256 of a file paperbuild wrote (an output), read chunk by chunk; "" when it is missing, a link or not a
    regular file."""
    fd = _open(path, None, None)
    if isinstance(fd, Refused):
        return ""
    hasher = hashlib.sha256()
    with os.fdopen(fd, "rb", buffering=0) as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def is_regular(path: Path) -> bool:
    """Whether `path` itself (not what a link points to) is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def walk(folder: Path) -> tuple[list[Path], Refused | None]:
    """The files under `folder` (links to files included, to be checked when read), in sorted order, without
    descending into links to folders; stops with a refusal past MAX_DEPTH levels or MAX_ENTRIES entries."""
    files: list[Path] = []
    seen = 0
    pending: list[tuple[Path, int]] = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            with os.scandir(current) as scan:
                entries = sorted(scan, key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        seen += len(entries)
        if seen > MAX_ENTRIES:
            return files, Refused(
                current,
                "many",
                f"more than {MAX_ENTRIES:,} files and folders; paperbuild looks at no more",
                "keep only the paper's own files here",
            )
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_DEPTH:
                    return files, Refused(
                        Path(entry.path),
                        "deep",
                        f"folders nested more than {MAX_DEPTH} levels deep; paperbuild looks no deeper",
                        "flatten the folders",
                    )
                pending.append((Path(entry.path), depth + 1))
            elif not entry.is_dir():
                files.append(Path(entry.path))
    return sorted(files), None
