"""Parse the chapters once: one pandoc run turns metadata + chapters into a Pandoc AST with citations resolved.

Takes a Project; gives a `Manuscript`: the Pandoc JSON AST (citeproc already applied with the project's .bib files
and CSL style) and a `SourceMap` that turns an offset in the merged text back into chapter file, line and column.
pandoc runs with `--sandbox`, so Markdown cannot make it read any file but the ones named here.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Any

import yaml

from paperbuild import pandoc
from paperbuild.diagnostics import LineIndex
from paperbuild.project import Project, SourceFile

READER = "markdown"


@dataclass(frozen=True)
class SourceMap:
    """Where each chapter starts in the merged text that pandoc reads."""

    starts: tuple[int, ...]
    """Offset of each chapter's first character in the merged text."""
    chapters: tuple[SourceFile, ...]
    """The chapters, in the same order."""

    def locate(self, offset: int) -> tuple[SourceFile, int, int]:
        """Chapter, line and column of the merged text's character at `offset`."""
        index = bisect.bisect_right(self.starts, offset) - 1
        chapter = self.chapters[max(index, 0)]
        line, col = LineIndex(chapter.text).position(offset - self.starts[max(index, 0)])
        return chapter, line, col


@dataclass(frozen=True)
class Manuscript:
    """The whole paper as one Pandoc AST, plus the map back to the chapter files."""

    ast: dict[str, Any]
    """Pandoc JSON: `meta` holds title, abstract, keywords...; `blocks` the chapters and the reference list."""
    source_map: SourceMap
    """Offsets of the chapters in the merged text."""


def metadata_block(project: Project) -> str:
    """The YAML block pandoc reads before the chapters: the Markdown-valued metadata and citeproc settings."""
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
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=True) + "...\n\n"


def merge(project: Project) -> tuple[str, SourceMap]:
    """The metadata block and all chapters as one Markdown text, and where each chapter begins in it."""
    parts = [metadata_block(project)]
    starts = []
    offset = len(parts[0])
    for chapter in project.chapters:
        starts.append(offset)
        text = chapter.text if chapter.text.endswith("\n") else chapter.text + "\n"
        parts.append(text + "\n")
        offset += len(text) + 1
    return "".join(parts), SourceMap(tuple(starts), project.chapters)


def parse(project: Project, *, citeproc: bool = True) -> Manuscript:
    """Run pandoc once on the merged text and return the AST, with citations and the reference list resolved
    unless `citeproc` is false (when the bibliography is broken, the checks still need the AST)."""
    text, source_map = merge(project)
    args = ["-f", READER, "-t", "json", "--sandbox"]
    if not citeproc:
        return Manuscript(ast=json.loads(pandoc.run(args, text.encode())), source_map=source_map)
    args.append("--citeproc")
    for bib in project.bib_files:
        args += ["--bibliography", str(bib.path)]
    if project.csl_file is not None:
        args += ["--csl", str(project.csl_file)]
    ast = json.loads(pandoc.run(args, text.encode()))
    return Manuscript(ast=ast, source_map=source_map)
