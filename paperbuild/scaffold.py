"""Start a paper project: metadata with placeholders, two chapters, a bibliography, .gitignore and a CI workflow.

Takes the folder to create; gives the paths written (relative to it). The folder must not exist yet or be empty;
the files (scaffold_templates.py) are written all or nothing, and the project they make builds and passes `check`
as it is.
"""

from __future__ import annotations

from pathlib import Path

from paperbuild import __version__
from paperbuild.errors import PaperbuildError, UsageError
from paperbuild.output import write_all
from paperbuild.scaffold_templates import FILES


def init(folder: Path) -> list[str]:
    """Write a new paper project into `folder`; the files written, relative to it."""
    files = {rel: text.replace("{version}", __version__).encode("utf-8") for rel, text in FILES.items()}
    return write_new_project(folder, files, "init")


def write_new_project(folder: Path, files: dict[str, bytes], command: str) -> list[str]:
    """Write `files` (path in the project -> contents) into `folder`, which must not exist yet or be empty, all or
    nothing; the paths written. `command` names the command in messages."""
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{command}: {folder} is a file; name a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{command}: {folder} already exists and is not empty; name a new folder")
    try:
        write_all({folder / rel: data for rel, data in files.items()})
    except OSError as exc:
        raise PaperbuildError(f"{command}: cannot write into {folder}: {exc.strerror}") from exc
    return list(files)
