"""Read a single pandoc Markdown file with a YAML block (`title`, `author`, `bibliography`, ...) as a project.

Takes the file's path (or a folder holding exactly one Markdown file); gives a layout Plan: the text after the YAML
block as chapter 01, the block mapped to metadata.yaml, the .bib files it names and the images the text names.
joss.py and quarto.py read their single files with `read_file` too.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from paperbuild.importers.frontmatter import Mapped, map_metadata
from paperbuild.importers.layout import Plan, add_chapter, add_metadata
from paperbuild.yaml_nodes import compose, split_front_matter

KIND = "pandoc Markdown file"
SUFFIXES = (".md", ".markdown", ".qmd", ".rmd")


def read_block(plan: Plan, path: Path, text: str, read_elsewhere: frozenset[str] = frozenset()) -> Mapped:
    """The mapped metadata of YAML `text` from `path`; invalid YAML is reported and maps to nothing."""
    try:
        return map_metadata(compose(text), read_elsewhere)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        plan.warn(path, line, col, "not-imported", f"the YAML is invalid ({problem}); its metadata is left out")
        return Mapped()


def read_file(plan: Plan, path: Path, extra: list[tuple[Path, Mapped]] | None = None, default_bib: str = "") -> None:
    """Lay out the Markdown file at `path` into `plan`; `extra` metadata (a project file) is overridden by the
    file's own block; `default_bib` is looked for beside the file when no block names a bibliography."""
    data = plan.read(path)
    block, body = split_front_matter(data)
    first_line = data[: len(data) - len(body)].count(b"\n") + 1
    mapped = [*(extra or []), (path, read_block(plan, path, block))] if block else list(extra or [])
    add_chapter(plan, 1, path, body, first_line, [path.parent, plan.root])
    add_metadata(plan, mapped, [path.parent / default_bib] if default_bib else [])


def markdown_files(folder: Path) -> list[Path]:
    """The Markdown files directly in `folder`, by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def read(src: Path) -> Plan | None:
    """A Plan for `src` when it is a Markdown file, or a folder holding exactly one; None otherwise."""
    if src.is_dir():
        found = markdown_files(src)
        if len(found) != 1:
            return None
        src = found[0]
    if src.suffix.lower() not in SUFFIXES:
        return None
    plan = Plan(root=src.parent, kind=KIND)
    read_file(plan, src)
    return plan
