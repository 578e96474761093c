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
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"init: {folder} is a file; name a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"init: {folder} already exists and is not empty; name a new folder")
    files = {folder / rel: text.replace("{version}", __version__).encode("utf-8") for rel, text in FILES.items()}
    try:
        write_all(files)
    except OSError as exc:
        raise PaperbuildError(f"init: cannot write into {folder}: {exc.strerror}") from exc
    return list(FILES)
