"""Read `manuscript/metadata.yaml` into a typed Metadata, with a Diagnostic for every bad or unknown key.

Takes the YAML text and its project-relative path, and the YAML blocks at the top of chapters; gives
`(Metadata, list[Diagnostic])`. A chapter's block sets the keys metadata.yaml leaves unset (metadata.yaml wins, then
the earlier chapter, as pandoc's first source wins), with a warning at the chapter's line for a key set twice. The
authors and affiliations are read by authorship/ (in paperbuild's schema or JOSS's, Quarto's and Manubot's), the
licence and history dates by publication.py, the YAML tree is walked by metadata_reader.py: safe loader only,
nested at most yaml_safe.MAX_DEPTH deep, line numbers from the composed node tree so every diagnostic points into
its file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from paperbuild.authorship.authors import Affiliation as Affiliation  # the later stages take the author types from here
from paperbuild.authorship.authors import Author as Author
from paperbuild.authorship.authors import read_people
from paperbuild.diagnostics import Diagnostic, Severity
from paperbuild.metadata_reader import MetadataReader, compose_metadata
from paperbuild.publication import Funder, License, read_funders, read_history, read_license

KNOWN_KEYS = (
    "title",
    "subtitle",
    "short-title",
    "authors",
    "author",
    "affiliations",
    "keywords",
    "abstract",
    "acknowledgements",
    "funding",
    "date",
    "lang",
    "csl",
    "style",
    "nocite",
    "journal",
    "license",
    "history",
)
TEXT_KEYS = (
    "title",
    "subtitle",
    "short-title",
    "abstract",
    "acknowledgements",
    "funding",
    "date",
    "lang",
    "csl",
    "style",
)


@dataclass(frozen=True)
class Metadata:
    """Everything `metadata.yaml` says about the paper."""

    title: str
    """Title (Markdown inlines)."""
    subtitle: str = ""
    """Optional subtitle."""
    short_title: str = ""
    """Running head; the title when empty."""
    authors: tuple[Author, ...] = ()
    """Authors in byline order."""
    affiliations: tuple[Affiliation, ...] = ()
    """Affiliations, referenced by id from the authors."""
    keywords: tuple[str, ...] = ()
    """Keywords."""
    abstract: str = ""
    """Abstract (Markdown)."""
    acknowledgements: str = ""
    """Acknowledgements (Markdown), printed before the references."""
    funding: str = ""
    """Funding statement (Markdown), printed before the references."""
    funders: tuple[Funder, ...] = ()
    """The funders `funding` lists instead of a statement (the statement is then printed from them)."""
    date: str = ""
    """Publication date as printed; nothing is printed when empty."""
    lang: str = "en"
    """BCP 47 language tag of the paper."""
    csl: str = ""
    """Citation style: a CSL collection name or a path to a .csl file; pandoc's default when empty."""
    style: str = "default"
    """House style folder under styles/."""
    nocite: tuple[str, ...] = field(default=())
    """Bibliography keys listed although never cited."""
    license: License | None = None
    """The licence the paper is published under, when given."""
    history: tuple[tuple[str, datetime.date], ...] = ()
    """The paper's history: (received, revised or accepted, its date), in that order."""
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    """Line of each top-level key in metadata.yaml, for diagnostics that later stages raise."""

    def affiliation_marks(self) -> dict[str, int]:
        """Affiliation id -> the number printed as a superscript mark: numbered in order of first mention by the
        authors (not in the order `affiliations` lists them), an id missing from `affiliations` skipped."""
        known = {affiliation.id for affiliation in self.affiliations}
        marks: dict[str, int] = {}
        for author in self.authors:
            for aff in author.affiliations:
                if aff in known:
                    marks.setdefault(aff, len(marks) + 1)
        return marks


def read_metadata(
    text: str, path: str, front_matter: Sequence[tuple[str, str]] = ()
) -> tuple[Metadata, list[Diagnostic]]:
    """Parse metadata.yaml text (already decoded), merged with the chapters' YAML blocks `(path, yaml text)`, into
    Metadata and the diagnostics found on the way."""
    reader = MetadataReader(path)
    root = compose_metadata(reader, text)
    if root is None:
        if not reader.diagnostics:
            hint = "give at least a title: 'title: My paper'"
            reader.diagnostics.append(
                Diagnostic(path, 1, 1, Severity.ERROR, "metadata", "metadata.yaml is empty", hint)
            )
        return Metadata(title=""), reader.diagnostics
    if not isinstance(root, yaml.MappingNode):
        reader.report(root, "metadata", "metadata.yaml must be a mapping of keys to values", "start with 'title: ...'")
        return Metadata(title=""), reader.diagnostics
    top = reader.mapping(root, "metadata.yaml", KNOWN_KEYS)
    lines = {key: node.start_mark.line + 1 for key, node in top.items()}
    values = _values(reader, top)
    diagnostics = reader.diagnostics
    for chapter, block in front_matter:
        _merge_chapter(MetadataReader(chapter), block, values, lines, diagnostics)
    title = values.pop("title", "")
    metadata = Metadata(title=title, lines=lines, **{k: v for k, v in values.items() if v})
    if not metadata.title:
        where = top.get("title", root)
        reader.report(where, "metadata", "the paper has no title", "add 'title: ...' to metadata.yaml")
    return metadata, diagnostics


def _values(reader: MetadataReader, top: dict[str, yaml.Node]) -> dict[str, Any]:
    """The Metadata fields (by attribute name) that the top-level keys `top` set."""
    values: dict[str, Any] = {}
    if isinstance(top.get("funding"), yaml.SequenceNode):
        values["funders"] = read_funders(reader, top["funding"])
    for key in TEXT_KEYS:
        if key in top and not (key == "funding" and "funders" in values):
            values[key.replace("-", "_")] = reader.string(top[key], key).strip()
    if "keywords" in top:
        values["keywords"] = tuple(s.strip() for s in reader.strings(top["keywords"], "keywords"))
    if "nocite" in top:
        values["nocite"] = tuple(key for s in reader.strings(top["nocite"], "nocite") for key in _nocite_keys(s))
    if "license" in top:
        values["license"] = read_license(reader, top["license"])
    if "history" in top:
        values["history"] = read_history(reader, top["history"])
    author_node = top.get("authors", top.get("author"))
    if author_node is not None or "affiliations" in top:
        values.update(read_people(reader, author_node, top.get("affiliations")))
    return values


NOCITE_KEY = re.compile(r"@\{?([^\s,;\[\]{}]+)")
"""A key of nocite as pandoc spells it (`"@a, @b"`, `"[@*]"`, `| @*`): `*` is every entry."""


def _nocite_keys(item: str) -> list[str]:
    """The keys one item of nocite lists: bare (`[a, "*"]`), or as pandoc writes them, each after an `@`."""
    return NOCITE_KEY.findall(item) if "@" in item else [item.strip()]


def _merge_chapter(
    reader: MetadataReader, block: str, values: dict[str, Any], lines: dict[str, int], diagnostics: list[Diagnostic]
) -> None:
    """Add the keys a chapter's YAML block sets to `values`, unless metadata.yaml or an earlier chapter set them."""
    root = compose_metadata(reader, block)
    if root is not None and not isinstance(root, yaml.MappingNode):
        reader.report(root, "metadata", "a chapter's YAML block must be a mapping of keys to values")
    elif root is not None:
        top = reader.mapping(root, "front matter", KNOWN_KEYS)
        taken = {_field(key) for key in lines} | set(values)
        for key, node in list(top.items()):
            if _field(key) in taken:
                hint = "metadata.yaml, then the earlier chapter, wins; set it in one place"
                reader.report(
                    node,
                    "metadata",
                    f"'{key}' is also set in metadata.yaml or an earlier chapter",
                    hint,
                    Severity.WARNING,
                )
                del top[key]
        chapter_values = _values(reader, top)
        values.update({k: v for k, v in chapter_values.items() if v})
    diagnostics += reader.diagnostics


def _field(key: str) -> str:
    """The Metadata attribute a top-level key sets."""
    return "authors" if key == "author" else key.replace("-", "_")
