"""Map a source's YAML metadata (pandoc, JOSS, Quarto, Manubot) to paperbuild's metadata.yaml keys.

Takes the composed YAML node of one metadata block; gives `Mapped`: the paperbuild metadata as plain data (the keys of
DESIGN.md §1, in their usual order), the bibliography files and CSL style the block names (with their lines, for the
importer to copy), and a Problem for every key that has no place in paperbuild's metadata. Pure: no files read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from paperbuild.authorship.schemas import map_authors
from paperbuild.yaml_nodes import Problem, empty, entries, items, problem, text, texts

CROSSREF_KEYS = frozenset(
    {
        "figPrefix",
        "eqnPrefix",
        "tblPrefix",
        "secPrefix",
        "lstPrefix",
        "codeBlockCaptions",
        "figureTitle",
        "tableTitle",
        "listingTitle",
        "chapters",
        "chaptersDepth",
        "autoSectionLabels",
        "linkReferences",
        "cref",
        "nameInLink",
        "crossref",
    }
)
OUTPUT_KEYS = frozenset(
    {
        "format",
        "output",
        "documentclass",
        "classoption",
        "fontsize",
        "papersize",
        "geometry",
        "header-includes",
        "include-before",
        "include-after",
        "mainfont",
        "sansfont",
        "monofont",
        "linestretch",
        "toc",
        "toc-title",
        "toc-depth",
        "lof",
        "lot",
        "number-sections",
        "numbersections",
        "link-citations",
        "link-bibliography",
        "colorlinks",
        "linkcolor",
        "urlcolor",
        "pagetitle",
        "execute",
        "jupyter",
        "engine",
        "knitr",
        "editor",
        "filters",
        "reference-section-title",
        "suppress-bibliography",
        "citation-style",
        "citation",
        "keep-tex",
        "fig-cap-location",
        "tbl-cap-location",
        "pdf-engine",
        "template",
        "css",
    }
)
AUTHOR_KEYS = ("authors", "author", "author_info", "author_name")  # Manubot's older name; theses' templates
QUARTO_DATES = frozenset({"today", "now", "last-modified"})
CITEKEY = re.compile(r"@(\*|[\w](?:[\w]|[:.#$%&\-+?<>~/]+(?=[\w]))*)")


@dataclass
class Mapped:
    """One metadata block, mapped."""

    metadata: dict[str, object] = field(default_factory=dict)
    """paperbuild metadata: title, subtitle, short-title, authors, affiliations, keywords, abstract, ..."""
    bibliography: list[tuple[str, int]] = field(default_factory=list)
    """Paths the block's `bibliography` names, with the line of each."""
    csl: tuple[str, int] | None = None
    """The `csl` the block names, with its line."""
    problems: list[Problem] = field(default_factory=list)
    """Keys and values left out."""


def map_metadata(root: yaml.Node | None, read_elsewhere: frozenset[str] = frozenset()) -> Mapped:
    """The paperbuild metadata that a source's metadata block says; keys in `read_elsewhere` (those the importer
    reads itself, such as _quarto.yml's `manuscript`) are not reported."""
    mapped = Mapped()
    if root is None:
        return mapped
    if not isinstance(root, yaml.MappingNode):
        mapped.problems.append(problem(root, "the metadata block is not a mapping of keys to values; left out"))
        return mapped
    values = {key: value for key, _, value in entries(root)}
    meta = mapped.metadata
    for target, names in (
        ("title", ("title",)),
        ("subtitle", ("subtitle",)),
        ("short-title", ("short-title", "shorttitle", "running-title", "runninghead")),
    ):
        _scalar(mapped, values, target, names)
    author_node = next((values[k] for k in AUTHOR_KEYS if k in values), None)
    people = map_authors(author_node, values.get("affiliations"))
    if people.authors:
        meta["authors"] = people.authors
    if people.affiliations:
        meta["affiliations"] = people.affiliations
    funded, funders_at = _funders(author_node)
    mapped.problems += [p for p in people.problems if (p.line, p.col) not in funders_at]
    keywords = [
        word.strip()
        for key in ("keywords", "tags")
        for item in texts(values.get(key))
        for word in (item.split(",") if len(items(values.get(key))) == 1 else [item])
    ]
    if keywords:
        meta["keywords"] = list(dict.fromkeys(w for w in keywords if w))
    _scalar(mapped, values, "abstract", ("abstract",))
    _scalar(mapped, values, "acknowledgements", ("acknowledgements", "acknowledgments"))
    _scalar(mapped, values, "funding", ("funding",))
    if funded and "funding" not in meta:
        meta["funding"] = " ".join(funded)
    _date(mapped, values.get("date"))
    _scalar(mapped, values, "lang", ("lang",))
    if "nocite" in values:
        keys = CITEKEY.findall(" ".join(texts(values["nocite"])))
        if keys:
            meta["nocite"] = keys
    for item in items(values.get("bibliography")):
        if text(item):
            mapped.bibliography.append((text(item), item.start_mark.line + 1))
    if text(values.get("csl")):
        mapped.csl = (text(values["csl"]), values["csl"].start_mark.line + 1)
    handled = {"title", "subtitle", "short-title", "shorttitle", "running-title", "runninghead", *AUTHOR_KEYS}
    handled |= {"affiliations", "keywords", "tags", "abstract", "acknowledgements", "acknowledgments", "funding"}
    handled |= {"date", "lang", "nocite", "bibliography", "csl", *read_elsewhere}
    for key, key_node, value in entries(root):
        if key not in handled and not empty(value):
            mapped.problems.append(
                problem(key_node, f"'{key}' has no place in paperbuild's metadata; left out", _hint(key))
            )
    return mapped


def _funders(author_node: yaml.Node | None) -> tuple[list[str], set[tuple[int, int]]]:
    """Manubot's `funders` of each author as sentences of a funding statement ("A. Author was funded by Grant
    X."), and the positions of those keys (map_authors reports them as left out)."""
    sentences, positions = [], set()
    for author in items(author_node):
        fields = {key: (key_node, value) for key, key_node, value in entries(author)}
        if "funders" not in fields:
            continue
        key_node, value = fields["funders"]
        positions.add((key_node.start_mark.line + 1, key_node.start_mark.column + 1))
        names = [name for name in texts(value) if name]
        who = text(fields["name"][1]) if "name" in fields else ""
        if names and who:
            grants = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            sentences.append(f"{who} was funded by {grants.rstrip('.')}.")
    return sentences, positions


def _scalar(mapped: Mapped, values: dict[str, yaml.Node], target: str, names: tuple[str, ...]) -> None:
    node = next((values[name] for name in names if name in values), None)
    if node is None or empty(node):
        return
    if isinstance(node, yaml.ScalarNode):
        mapped.metadata[target] = text(node)
    else:
        mapped.problems.append(
            problem(node, f"'{target}' is a list or mapping here; left out", f"write it as text: '{target}: ...'")
        )


def _date(mapped: Mapped, node: yaml.Node | None) -> None:
    value = text(node)
    if node is None or not value:
        return
    if value in QUARTO_DATES:
        mapped.problems.append(
            problem(
                node,
                f"'date: {value}' is computed by Quarto when it renders; left out",
                "write the date, e.g. 'date: 2024-05-01'",
            )
        )
    else:
        mapped.metadata["date"] = value


def _hint(key: str) -> str:
    if key in CROSSREF_KEYS:
        return "paperbuild numbers sections, figures, tables and equations itself, in the paper's language"
    if key in OUTPUT_KEYS:
        return "how the outputs look is set by the house style (styles/) and paperbuild's options"
    return ""
