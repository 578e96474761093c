"""Read an R Markdown paper or a bookdown book — a `.Rmd` file, or a folder with `_bookdown.yml` or `index.Rmd` — as
a project.

Takes a .Rmd file or a bookdown folder; gives a layout Plan. A book's chapters are the `rmd_files` of
`_bookdown.yml` (a list, or its `latex:` list, else its `html:` list), else the folder's .Rmd files by name with
index.Rmd first and those starting with `_` left out, as bookdown orders them; `index.Rmd` named alone in a book
folder reads the book. The first chapter's YAML front matter (index.Rmd's) is the metadata, with rticles' spellings
read: `address: [{code, address}]` as the affiliations an author's `affiliation: code` names, an author's
`corresponding: e-mail` as their e-mail and a corresponding author. knitr chunks (```` ```{r} ````) are kept as code
with a warning (quarto.code_cells); inline R code, bookdown's `\\@ref()` and text references are read by
rmd_text.py, in the text and in the metadata's values.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from paperbuild.diagnostics import line_index
from paperbuild.importers import rmd_text
from paperbuild.importers.frontmatter import Mapped, map_metadata
from paperbuild.importers.layout import Plan, add_chapter, add_metadata
from paperbuild.importers.quarto import code_cells
from paperbuild.yaml_nodes import compose, entries, field, flag, items, split_front_matter, text, texts

KIND = "paper in R Markdown"
BOOK_KIND = "bookdown book"
SETTINGS = "_bookdown.yml"
INDEX = "index.Rmd"
NUMBERED = re.compile(r"^\d+[-_.]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STRING = "tag:yaml.org,2002:str"


def read(src: Path) -> Plan | None:
    """A Plan for a .Rmd file or a bookdown folder; None when `src` is neither."""
    folder = src if src.is_dir() else src.parent
    if src.is_file() and src.suffix.lower() != ".rmd":
        return None
    book = (folder / SETTINGS).is_file() or (
        (folder / INDEX).is_file() and any(NUMBERED.match(p.name) for p in _rmd_files(folder))
    )
    if src.is_dir() and not book:
        return None
    if src.is_file() and src.name != INDEX:
        book = False
    plan = Plan(root=folder, kind=BOOK_KIND if book else KIND)
    chapters = _chapters(plan, folder) if book else [src]
    if not chapters:
        return None
    bodies, mapped = [], []
    for path in chapters:
        data = plan.read(path)
        block, body = split_front_matter(data)
        first_line = data[: len(data) - len(body)].count(b"\n") + 1
        if block:
            mapped.append((path, _front_matter(plan, path, block, data.decode("utf-8", "replace"))))
        body = code_cells(plan, path, body, first_line, "knitr")
        bodies.append((path, rmd_text.convert_inline(plan, path, body, first_line), first_line))
    sections = rmd_text.section_refs([body for _, body, _ in bodies])
    for number, (path, body, first_line) in enumerate(bodies, start=1):
        body = rmd_text.convert_bookdown(plan, path, body, first_line, sections)
        add_chapter(plan, number, path, body, first_line, [path.parent, folder])
    add_metadata(plan, mapped, [])
    return plan


def _rmd_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".rmd")


def _chapters(plan: Plan, folder: Path) -> list[Path]:
    """A book's chapter files in bookdown's order."""
    settings = folder / SETTINGS
    root = None
    if settings.is_file():
        try:
            root = compose(plan.read(settings).decode("utf-8", "replace"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            plan.warn(settings, mark.line + 1 if mark else 0, 0, "not-imported", "the YAML is invalid; not read")
    listed = field(root, "rmd_files")
    names = texts(field(listed, "latex", "html") if isinstance(listed, yaml.MappingNode) else listed)
    if names:
        missing = [name for name in names if not (folder / name).is_file()]
        for name in missing:
            plan.warn(settings, 0, 0, "not-imported", f"chapter '{name}' of rmd_files is not in the source; left out")
        return [folder / name for name in names if name not in missing]
    found = [p for p in _rmd_files(folder) if not p.name.startswith("_")]
    return sorted(found, key=lambda p: (p.name.lower() != INDEX.lower(), p.name))


def _front_matter(plan: Plan, path: Path, block: str, source: str) -> Mapped:
    """The mapped metadata of a front matter block, rticles' keys and inline R code read first."""
    try:
        root = compose(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        plan.warn(path, line, col, "not-imported", "the YAML is invalid; its metadata is left out")
        return Mapped()
    if root is None:
        return Mapped()
    _inline_values(plan, path, root, source)
    _rticles(plan, path, root)
    return map_metadata(root)


def _inline_values(plan: Plan, path: Path, node: yaml.Node, source: str) -> None:
    """Read the inline R code of every text value under `node`, located by where it is in `source`."""
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and "`r" in node.value:
        start = sum(len(line) for line in source.splitlines(keepends=True)[: node.start_mark.line])

        def locate(match: re.Match[str]) -> tuple[int, int]:
            offset = source.find(match.group(0), start)
            return line_index(source).position(offset if offset >= 0 else start)

        node.value = rmd_text.inline_r(plan, path, node.value, locate)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _inline_values(plan, path, item, source)
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:
            _inline_values(plan, path, value, source)


def _rticles(plan: Plan, path: Path, root: yaml.Node) -> None:
    """rticles' `address: [{code, address}]` written as `affiliations: [{id, name}]`, an author's `affiliation:
    "a, b"` as the list of codes, and `corresponding: e-mail` as the author's e-mail and `corresponding: true` (any
    other text there is left out, with a warning)."""
    keys = [key for key, _, _ in entries(root)]
    address = field(root, "address")
    if isinstance(address, yaml.SequenceNode) and "affiliations" not in keys:
        codes = set()
        for item in address.value:
            if isinstance(item, yaml.MappingNode):
                for key_node, _ in item.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key_node.value = {"code": "id", "address": "name"}.get(str(key_node.value), key_node.value)
                codes.add(text(field(item, "id")))
        for key_node, _ in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "address":
                key_node.value = "affiliations"
        for author in items(field(root, "author", "authors")):
            affiliation = field(author, "affiliation")
            if isinstance(affiliation, yaml.ScalarNode) and set(_split(affiliation)) <= codes:
                parts = [_scalar(part, affiliation) for part in _split(affiliation)]
                _set(author, "affiliation", yaml.SequenceNode("tag:yaml.org,2002:seq", parts))
    for author in items(field(root, "author", "authors")):
        corresponding = field(author, "corresponding")
        if corresponding is not None and not flag(corresponding) and EMAIL.match(text(corresponding)):
            if field(author, "email") is None:
                author.value.append((_scalar("email", corresponding), _scalar(text(corresponding), corresponding)))
            _set(author, "corresponding", yaml.ScalarNode("tag:yaml.org,2002:bool", "true"))
        elif isinstance(corresponding, yaml.ScalarNode) and corresponding.tag == STRING and text(corresponding):
            plan.warn(
                path,
                corresponding.start_mark.line + 1,
                corresponding.start_mark.column + 1,
                "not-imported",
                f"'corresponding: {text(corresponding)}' is neither true nor an e-mail address; left out",
                "write 'corresponding: true' and the author's 'email'",
            )


def _split(node: yaml.ScalarNode) -> list[str]:
    return [part.strip() for part in str(node.value).split(",") if part.strip()]


def _scalar(value: str, at: yaml.Node) -> yaml.ScalarNode:
    return yaml.ScalarNode(STRING, value, at.start_mark, at.end_mark)


def _set(mapping: yaml.Node, key: str, value: yaml.Node) -> None:
    """Replace the value of `key` in a mapping node, keeping its position."""
    if isinstance(mapping, yaml.MappingNode):
        for index, (key_node, old) in enumerate(mapping.value):
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                value.start_mark, value.end_mark = old.start_mark, old.end_mark
                mapping.value[index] = (key_node, value)
