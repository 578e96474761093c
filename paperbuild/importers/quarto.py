"""Read a Quarto manuscript or article — a `.qmd` (or `.md`) file, with `_quarto.yml` when present — as a project.

Takes a .qmd file or a Quarto project folder; gives a layout Plan. The article is `manuscript: article:` of
`_quarto.yml`, else `index.qmd`, else the folder's one .qmd; the book chapters of `book: chapters:` become chapters
in their order. Metadata of `_quarto.yml` is overridden by the article's front matter. Quarto's author schema
(`author`/`affiliations` with refs, CRediT `roles` with their degree) is mapped by authorship/schemas.py. Executable
code cells (```` ```{python} ````, `{r}`, `{julia}`, `{ojs}`...) are kept as code, as fences pandoc reads
(```` ```python ````), their `#|` cell options dropped, and reported: paperbuild does not run them. Shortcodes
(`{{< pagebreak >}}`, `{{< meta x >}}`, read with the front matter, `_quarto.yml` and `_variables.yml`) and figure
divs (`::: {#fig-x}`) are written as paperbuild reads them (quarto_text.py); conditional content (`.content-visible
when-format="html"`) is resolved as Quarto's PDF prints it (quarto_conditional.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from paperbuild import safe_paths
from paperbuild.importers import quarto_conditional, quarto_text
from paperbuild.importers.frontmatter import Mapped
from paperbuild.importers.layout import Plan, add_chapter, add_metadata
from paperbuild.importers.pandoc_file import read_block
from paperbuild.yaml_nodes import compose, field, split_front_matter, text, texts
from paperbuild.yaml_safe import BoundedLoader

KIND = "Quarto manuscript"
CODE_CELL = re.compile(rb"^([ \t]*)(```+|~~~+)[ \t]*\{[ \t]*([A-Za-z][\w-]*)[^}\n]*\}[ \t\r]*$", re.MULTILINE)
"""The opening of an executable cell, ```` ```{python} ```` or knitr's ```` ```{r, echo=FALSE} ````."""
CELL_OPTION = re.compile(rb"[ \t]*(?:#|//|--|%)\|[^\n]*\n?")
"""A cell option line at the top of a cell, `#| label: fig-polar` (`//|` in ojs)."""
AN = re.compile(r"[aeiouAEIOU]|[FHLMNRSX](?![a-z])")
"""A word read with "an" before it: a vowel, or a capital read as its letter's name (an R code cell)."""
PROJECT_FILES = ("_quarto.yml", "_quarto.yaml")
VARIABLES = "_variables.yml"  # what {{< var x >}} reads
PROJECT_KEYS = frozenset({"project", "manuscript", "book"})  # where the text is: read here, not metadata


def read(src: Path) -> Plan | None:
    """A Plan for a Quarto project folder or .qmd file; None when `src` is neither."""
    folder = src if src.is_dir() else src.parent
    project = next((folder / name for name in PROJECT_FILES if (folder / name).is_file()), None)
    if src.is_file() and src.suffix.lower() != ".qmd" and project is None:
        return None
    if src.is_dir() and project is None and len(list(src.glob("*.qmd"))) != 1:
        return None
    plan = Plan(root=folder, kind=KIND)
    extra: list[tuple[Path, Mapped]] = []
    chapters = [src] if src.is_file() else []
    settings = ""
    if project is not None:
        settings = plan.read(project).decode("utf-8", "replace")
        extra.append((project, read_block(plan, project, settings, PROJECT_KEYS)))
        try:
            root = compose(settings)
        except yaml.YAMLError:  # reported by read_block
            root = None
        article = text(field(field(root, "manuscript"), "article"))
        book = texts(field(field(root, "book"), "chapters"))
        if not chapters:
            chapters = [folder / name for name in book] if book else [folder / article] if article else []
    if not chapters:
        found = sorted(folder.glob("*.qmd"))
        chapters = [folder / "index.qmd"] if (folder / "index.qmd").is_file() else found[:1] if len(found) == 1 else []
    if not chapters:
        return None
    mapped = list(extra)
    variables = _variables(plan, folder)
    for number, path in enumerate(chapters, start=1):
        data = plan.read(path)
        block, body = split_front_matter(data)
        if block:
            mapped.append((path, read_block(plan, path, block)))
        first_line = data[: len(data) - len(body)].count(b"\n") + 1
        values = {"meta": {**_yaml(settings), **_yaml(block)}, "var": variables}
        body = quarto_conditional.convert(plan, path, body, first_line, values["meta"])
        body = quarto_text.convert(plan, path, body, first_line, values)
        add_chapter(plan, number, path, code_cells(plan, path, body, first_line), first_line, [path.parent, folder])
    add_metadata(plan, mapped, [])
    return plan


def _yaml(text: str) -> dict[str, object]:
    """YAML `text` as data; {} when it is invalid (reported by read_block) or not a mapping."""
    try:
        data = yaml.load(text, Loader=BoundedLoader) if text.strip() else None
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _variables(plan: Plan, folder: Path) -> dict[str, object]:
    """The project's `_variables.yml`, as data."""
    path = folder / VARIABLES
    return _yaml(plan.read(path, safe_paths.METADATA).decode("utf-8", "replace")) if path.is_file() else {}


def code_cells(plan: Plan, path: Path, body: bytes, first_line: int, tool: str = "Quarto") -> bytes:
    """`body` with each executable cell's fence made one pandoc reads as code (```` ```{python} ```` ->
    ```` ```python ````: pandoc reads the braces as no fence, and the cell as prose), its cell options dropped; a
    warning for each at its line, saying to run it with `tool` (Quarto, knitr)."""
    out: list[bytes] = []
    position = 0
    for match in CODE_CELL.finditer(body):
        line = first_line + body.count(b"\n", 0, match.start())
        language = "R" if match.group(3) == b"r" else match.group(3).decode()
        article = "an" if AN.match(language) else "a"
        end = match.end() + 1 if body[match.end() : match.end() + 1] == b"\n" else match.end()
        options = end
        while found := CELL_OPTION.match(body, options):
            options = found.end()
        out += [body[position : match.start()], match.group(1) + match.group(2) + match.group(3), b"\n"]
        position = options
        dropped = [o.strip().decode(errors="replace") for o in body[end:options].splitlines()]
        plan.warn(
            path,
            line,
            0,
            "not-imported",
            f"{article} {language} code cell is kept as code; paperbuild does not run it"
            + (f"; its cell options are dropped ({', '.join(repr(o) for o in dropped)})" if dropped else ""),
            f"run it with {tool} once and put its output (a figure, a table) in the text",
        )
    return b"".join([*out, body[position:]])
