"""Ask git about the project: the commit it is at, and its files as they were at a revision.

Takes the project folder (and a revision); gives a `Revision` (commit, subject, date) or the project's files at that
revision unpacked into a folder. git runs as a subprocess with a time limit; outside a repository, with an unknown
revision, or without git, the caller gets an error carrying git's own words.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from paperbuild.errors import InputError, MissingDependencyError, UsageError
from paperbuild.output import write_all

TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Revision:
    """A commit, as `diff` names it."""

    commit: str
    """Full commit hash."""
    short: str
    """Abbreviated hash, as git prints it."""
    subject: str
    """First line of the commit message."""
    date: str
    """Committer date, YYYY-MM-DD."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise MissingDependencyError("git not found; install git (Debian/Ubuntu: apt-get install git)")
    try:
        return subprocess.run([git, "-C", str(root), *args], capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"git {args[0]} took longer than {TIMEOUT_SECONDS} s and was stopped") from exc


def _message(done: subprocess.CompletedProcess[bytes]) -> str:
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return (lines[0] if lines else f"git exited with status {done.returncode}").removeprefix("fatal: ")


def prefix(root: Path) -> str:
    """The project folder's path inside its repository ("" at the top, else "sub/dir/"); InputError outside one."""
    done = _git(root, "rev-parse", "--show-prefix")
    if done.returncode != 0:
        message = _message(done)
        if "not a git repository" in message:
            raise InputError(f"not a git repository: {root}; diff compares the manuscript with a git revision")
        raise InputError(f"git: {message}")
    return done.stdout.decode().strip()


def head(root: Path, out_dir: Path | None = None) -> tuple[str, bool] | None:
    """The commit checked out in the project's repository and whether the project has changes not committed
    (new files included, the output folder `out_dir` left out); None outside a repository, before the first
    commit, or without git."""
    if shutil.which("git") is None:
        return None
    done = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    if done.returncode != 0:
        return None
    pathspec = ["."]
    if out_dir is not None and out_dir.resolve().is_relative_to(root.resolve()) and out_dir.resolve() != root.resolve():
        pathspec.append(f":(exclude){out_dir.resolve().relative_to(root.resolve()).as_posix()}")
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *pathspec)
    return done.stdout.decode().strip(), bool(status.stdout.strip())


def resolve(root: Path, rev: str) -> Revision:
    """The commit `rev` names (a hash, branch, tag, HEAD~2, ...); InputError with git's message when none."""
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    prefix(root)
    done = _git(root, "log", "-1", "--format=%H%x00%h%x00%s%x00%cs", "--end-of-options", rev, "--")
    if done.returncode != 0:
        raise InputError(f"unknown revision '{rev}' (git: {_message(done)})")
    commit, short, subject, date = done.stdout.decode("utf-8", "replace").strip().split("\0")
    return Revision(commit, short, subject, date)


def export(root: Path, revision: Revision, dest: Path) -> Path:
    """Unpack the project folder as it was at `revision` into `dest`; the unpacked project folder. Only regular
    files are written, and only inside `dest` (links and odd paths in the archive are skipped)."""
    where = prefix(root)
    top = _git(root, "rev-parse", "--show-toplevel").stdout.decode().strip()
    done = _git(Path(top), "archive", "--format=tar", f"{revision.commit}:{where}")
    if done.returncode != 0:
        raise InputError(f"{where.rstrip('/') or 'the project'} did not exist at {revision.short}: {_message(done)}")
    files: dict[Path, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(done.stdout), mode="r:") as archive:
        for member in archive:
            name = PurePosixPath(member.name)
            source = archive.extractfile(member) if member.isfile() else None
            if source is not None and not name.is_absolute() and ".." not in name.parts:
                files[dest.joinpath(*name.parts)] = source.read()
    dest.mkdir(parents=True, exist_ok=True)
    write_all(files)
    return dest
