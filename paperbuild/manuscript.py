"""Parse the chapters once: one pandoc run turns metadata + chapters into a Pandoc AST with citations resolved.

Takes a Project; gives a `Manuscript`: the Pandoc JSON AST (citeproc already applied with the project's .bib files
and CSL style). Where a marker was written is found by scanning each chapter (markers.py), since pandoc keeps no
source positions for Markdown. pandoc runs with `--sandbox`, so Markdown cannot make it read any file but the ones
named here.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paperbuild import pandoc
from paperbuild.diagnostics import Diagnostic, Severity
from paperbuild.pandoc import PandocFailed
from paperbuild.project import Project

# Chapters may not carry YAML metadata blocks of their own: a `---` line in a chapter is a rule, never a way to
# set pandoc options such as `bibliography:` or `csl:`. The paper's metadata reaches pandoc as a metadata file.
# A line break between two Chinese, Japanese or Korean characters joins them, as it would in print, instead of
# turning into a space (east_asian_line_breaks); between words of other scripts it stays a space.
READER = "markdown-yaml_metadata_block+east_asian_line_breaks"


@dataclass(frozen=True)
class Manuscript:
    """The whole paper as one Pandoc AST, plus the map back to the chapter files."""

    ast: dict[str, Any]
    """Pandoc JSON: `meta` holds title, abstract, keywords...; `blocks` the chapters and the reference list."""


def metadata_yaml(project: Project) -> str:
    """The metadata pandoc reads with the chapters (`--metadata-file`): the Markdown-valued fields and citeproc
    settings."""
    meta = project.metadata
    fields: dict[str, Any] = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "abstract": meta.abstract,
        "acknowledgements": meta.acknowledgements,
        "funding": meta.funding,
        "keywords": list(meta.keywords),
        "lang": meta.lang,
        "date": meta.date,
        "link-citations": True,
        "link-bibliography": True,
        "nocite": ", ".join(f"@{key}" for key in meta.nocite),
    }
    fields = {key: value for key, value in fields.items() if value not in ("", [], None)}
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=True)


def merge(project: Project) -> str:
    """All chapters as one Markdown text, each ending in a blank line so no block runs into the next chapter."""
    return "".join((c.text if c.text.endswith("\n") else c.text + "\n") + "\n" for c in project.chapters)


def citeproc_args(project: Project) -> list[str]:
    """The options that make pandoc resolve citations with the project's .bib files and CSL style."""
    args = ["--citeproc"]
    for bib in project.bib_files:
        args += ["--bibliography", str(bib.path)]
    if project.csl_file is not None:
        args += ["--csl", str(project.csl_file)]
    return args


def parse(project: Project, *, citeproc: bool = True) -> Manuscript:
    """Run pandoc once on the merged text and return the AST, with citations and the reference list resolved
    unless `citeproc` is false (when the bibliography is broken, the checks still need the AST)."""
    text = merge(project)
    with tempfile.TemporaryDirectory(prefix="paperbuild-") as scratch:
        metadata_file = Path(scratch) / "metadata.yaml"
        metadata_file.write_text(metadata_yaml(project), encoding="utf-8")
        args = ["-f", READER, "-t", "json", "--sandbox", "--metadata-file", str(metadata_file)]
        ast = json.loads(pandoc.run(args + (citeproc_args(project) if citeproc else []), text.encode()))
    return Manuscript(ast=ast)


def add_citations(parsed: Manuscript, project: Project) -> Manuscript:
    """The AST of a parse without citeproc, with citations and the reference list resolved (the same AST as a
    parse with citeproc, without reading the Markdown again)."""
    ast = json.loads(pandoc.run_json(["-t", "json", "--sandbox", *citeproc_args(project)], parsed.ast))
    return Manuscript(ast=ast)


BIB_ERROR = re.compile(
    r"Error reading bibliography file (?P<path>[^\n]+?):\s*\(line (?P<line>\d+), column (?P<col>\d+)\):"
    r"\s*(?P<message>.*)",
    re.DOTALL,
)
CSL_ERROR = re.compile(r"Citeproc\w*Error\b:?\s*(?P<message>.*)", re.DOTALL)


def citeproc_problem(failure: PandocFailed, project: Project) -> Diagnostic | None:
    """The diagnostic for a pandoc failure caused by a .bib file or the CSL style, at its place; None when the
    failure is something else."""
    match = BIB_ERROR.search(failure.stderr)
    if match:
        path = Path(match.group("path"))
        rel = next((bib.rel for bib in project.bib_files if bib.path == path), path.name)
        message = " ".join(match.group("message").split())
        return Diagnostic(
            rel,
            int(match.group("line")),
            int(match.group("col")),
            Severity.ERROR,
            "bib-syntax",
            f"pandoc cannot read this: {message}",
        )
    match = CSL_ERROR.search(failure.stderr)
    if match and project.csl_file is not None:
        message = " ".join(match.group("message").split())
        return Diagnostic(
            project.metadata_file,
            project.metadata.lines.get("csl", 0),
            0,
            Severity.ERROR,
            "csl",
            f"'{project.metadata.csl}' is not a usable CSL style: {message}",
        )
    return None
