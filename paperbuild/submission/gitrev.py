"""Ask git about the project: the commit it is at, and its files as they were at a revision.

Takes the project folder (and a revision); gives a `Revision` (commit, subject, date) or the paper's files at that
revision written into a folder. The repository may be a stranger's, so git never runs anything its config names:
every call goes through `_git`, which ignores the system and user config, overrides what could start a program
(fsmonitor, hooks, pager, signature checks, the filter drivers `status` would run) and forbids every network
protocol. Files are read as git stores them (`ls-tree`, then `cat-file --batch`: no smudge filter, no checkout), each
size checked before its bytes are read. git has a time limit; outside a repository, with an unknown revision or
without git, the caller gets an error carrying git's own words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from paperbuild.errors import InputError, MissingDependencyError, UsageError

TIMEOUT_SECONDS = 120
MAX_FILE_BYTES = 100_000_000
"""The largest file read at a revision: twice the largest chapter or image a build accepts, room for a CJK font."""
MAX_TOTAL_BYTES = 1_000_000_000
"""The most bytes read at a revision, all files together."""
PAPER_FOLDERS = ("manuscript", "bibliography", "styles")
"""The folders a paper is read from; with the files at the top of the project folder, all `export` reads."""
CHUNK_BYTES = 1 << 20
SAFE_CONFIG = {
    "core.fsmonitor": "false",
    "core.hooksPath": os.devnull,
    "core.pager": "cat",
    "log.showSignature": "false",
    "protocol.allow": "never",
    "credential.helper": "",
    "submodule.recurse": "false",
    "gc.auto": "0",
    "maintenance.auto": "false",
}
"""Settings that win over the repository's own: none of them can start a program or reach the network."""
SAFE_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ALLOW_PROTOCOL": "",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
}


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


def _command(root: Path, args: tuple[str, ...], config: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a git call that runs nothing the repository's config names. The
    caller's GIT_* variables are dropped (a hook's GIT_DIR must not redirect us); settings go in as
    GIT_CONFIG_KEY_n/VALUE_n pairs, which take any key as it is."""
    git = shutil.which("git")
    if git is None:
        raise MissingDependencyError("git not found; install git (Debian/Ubuntu: apt-get install git)")
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    settings = {**SAFE_CONFIG, **config}
    env.update(SAFE_ENV, GIT_CONFIG_COUNT=str(len(settings)))
    for number, (key, value) in enumerate(settings.items()):
        env[f"GIT_CONFIG_KEY_{number}"], env[f"GIT_CONFIG_VALUE_{number}"] = key, value
    return [git, "-C", str(root), *args], env


def _git(root: Path, *args: str, config: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    command, env = _command(root, args, config or {})
    try:
        return subprocess.run(
            command, capture_output=True, stdin=subprocess.DEVNULL, env=env, timeout=TIMEOUT_SECONDS, check=False
        )
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


def _no_filters(root: Path) -> dict[str, str]:
    """Settings that empty every filter driver the repository's config defines: `status` would otherwise run a
    driver's clean command on each file whose time changed."""
    listed = _git(root, "config", "--null", "--name-only", "--get-regexp", r"^filter\.")
    drivers = {key.rsplit(".", 1)[0] for key in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if key}
    settings: dict[str, str] = {}
    for driver in drivers:
        settings.update({f"{driver}.clean": "", f"{driver}.smudge": "", f"{driver}.process": ""})
        settings[f"{driver}.required"] = "false"
    return settings


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
    arguments = ("status", "--porcelain", "--untracked-files=all", "--ignore-submodules=all", "--", *pathspec)
    status = _git(root, *arguments, config=_no_filters(root))
    return done.stdout.decode().strip(), bool(status.stdout.strip())


def resolve(root: Path, rev: str) -> Revision:
    """The commit `rev` names (a hash, branch, tag, HEAD~2, ...); UsageError for an option, InputError with git's
    words when it names nothing, or something other than a commit (a tree, a file)."""
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    prefix(root)
    done = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if done.returncode != 0:
        named = _git(root, "log", "-1", "--no-show-signature", "--format=%H", "--end-of-options", rev, "--")
        if named.returncode != 0:
            raise InputError(f"unknown revision '{rev}' (git: {_message(named)})")
        kind = _git(root, "cat-file", "-t", "--end-of-options", rev).stdout.decode().strip()
        kind = {"blob": "file (blob)", "tree": "folder (tree)"}.get(kind, kind or "object")
        raise InputError(f"'{rev}' names a {kind}, not a commit; diff compares with a commit (hash, branch, tag)")
    commit = done.stdout.decode().strip()
    done = _git(root, "log", "-1", "--no-show-signature", "--format=%H%x00%h%x00%s%x00%cs", commit, "--")
    if done.returncode != 0:
        raise InputError(f"cannot read commit {commit} (git: {_message(done)})")
    commit, short, *subject, date = done.stdout.decode("utf-8", "replace").strip().split("\0")
    return Revision(commit, short, " ".join(subject), date)


@dataclass(frozen=True)
class _Blob:
    """A file of the tree at a revision."""

    path: PurePosixPath
    object_id: str
    size: int


def _listing(root: Path, revision: Revision, *paths: str) -> list[_Blob]:
    """The regular files of the project folder at `revision` (the top level alone without `paths`; else everything
    under them), links, submodules and odd names left out."""
    where = prefix(root)
    recursive = ("-r",) if paths else ()
    tree = f"{revision.commit}:{where}"
    done = _git(root, "ls-tree", "--full-tree", "-z", "-l", *recursive, "--end-of-options", tree, "--", *paths)
    if done.returncode != 0:
        raise InputError(f"{where.rstrip('/') or 'the project'} did not exist at {revision.short}: {_message(done)}")
    blobs = []
    for record in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        info, _, name = record.partition("\t")
        fields = info.split()
        odd = name.startswith("/") or any(part in ("", ".", "..") for part in name.split("/"))
        if len(fields) == 4 and fields[0] in ("100644", "100755") and fields[1] == "blob" and not odd:
            blobs.append(_Blob(PurePosixPath(name), fields[2], int(fields[3])))
    return blobs


def _copy(source: IO[bytes], size: int, dest: Path) -> None:
    """Copy `size` bytes of the batch output into `dest`, a chunk at a time."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as file:
        while size > 0:
            chunk = source.read(min(size, CHUNK_BYTES))
            if not chunk:
                raise InputError("git cat-file stopped before the end of a file")
            file.write(chunk)
            size -= len(chunk)


def _read_blobs(root: Path, blobs: list[_Blob], dest: Path, short: str) -> None:
    """Write each blob's bytes, as stored (no filter), under `dest`, one `cat-file --batch` answer at a time."""
    command, env = _command(root, ("cat-file", "--batch"), {})
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    ) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        watchdog = threading.Timer(TIMEOUT_SECONDS, batch.kill)
        watchdog.start()
        try:
            for blob in blobs:
                batch.stdin.write(f"{blob.object_id}\n".encode())
                batch.stdin.flush()
                header = batch.stdout.readline().split()
                if header[1:] != [b"blob", str(blob.size).encode()]:
                    said = b" ".join(header).decode("utf-8", "replace") or f"no answer within {TIMEOUT_SECONDS} s"
                    raise InputError(f"git cannot read {blob.path} at {short}: {said}")
                _copy(batch.stdout, blob.size, dest.joinpath(*blob.path.parts))
                batch.stdout.read(1)  # the newline after the contents
        except BrokenPipeError as exc:
            raise InputError(f"git cat-file stopped while reading the paper at {short}") from exc
        finally:
            watchdog.cancel()
            batch.stdin.close()
            batch.kill()


def export(root: Path, revision: Revision, dest: Path) -> Path:
    """Write the paper's files as they were at `revision` (PAPER_FOLDERS and the files at the top of the project
    folder) into `dest`; that folder. Only regular files are written, and only inside `dest`. A file larger than
    MAX_FILE_BYTES, or more than MAX_TOTAL_BYTES in all, is an error naming the file, before anything is read."""
    nested = [blob for blob in _listing(root, revision, *PAPER_FOLDERS) if blob.path.parts[0] in PAPER_FOLDERS]
    blobs = _listing(root, revision) + [blob for blob in nested if len(blob.path.parts) > 1]
    for blob in blobs:
        if blob.size > MAX_FILE_BYTES:
            raise InputError(
                f"{blob.path} at {revision.short} has {blob.size:,} bytes, more than the {MAX_FILE_BYTES:,} a file "
                "of a paper may have"
            )
    total = sum(blob.size for blob in blobs)
    if total > MAX_TOTAL_BYTES:
        raise InputError(f"the paper at {revision.short} has {total:,} bytes, more than {MAX_TOTAL_BYTES:,}")
    dest.mkdir(parents=True, exist_ok=True)
    _read_blobs(root, blobs, dest, revision.short)
    return dest
