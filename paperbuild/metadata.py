"""Read `manuscript/metadata.yaml` into a typed Metadata, with a Diagnostic for every bad or unknown key.

Takes the YAML text and its project-relative path, and the YAML blocks at the top of chapters; gives
`(Metadata, list[Diagnostic])`. A chapter's block sets the keys metadata.yaml leaves unset (metadata.yaml wins, then
the earlier chapter, as pandoc's first source wins), with a warning at the chapter's line for a key set twice. The
author schemas of JOSS (`affiliation: "1, 2"`, `affiliations: [{name, index}]`), Quarto (`affiliations: [{ref}]`)
and Manubot (affiliations as names) are mapped by author_schemas.py. YAML is read with the safe loader only,
nested at most yaml_safe.MAX_DEPTH deep; line numbers come from the composed node tree so every diagnostic points
into its file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from paperbuild.author_schemas import map_authors
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.yaml_safe import BoundedLoader, TooDeep

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
AUTHOR_KEYS = ("name", "affiliations", "affiliation", "email", "orcid", "corresponding")
AFFILIATION_KEYS = ("id", "name", "department", "city", "country")
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")


@dataclass(frozen=True)
class Affiliation:
    """An institution an author belongs to."""

    id: str
    """Key the authors refer to."""
    name: str
    """Institution, e.g. "Dalian University of Technology"."""
    department: str = ""
    """Department or institute within it."""
    city: str = ""
    """City."""
    country: str = ""
    """Country."""

    @property
    def text(self) -> str:
        """The affiliation as printed: department, institution, city, country."""
        return ", ".join(p for p in (self.department, self.name, self.city, self.country) if p)


@dataclass(frozen=True)
class Author:
    """One author of the paper."""

    name: str
    """Full name as printed."""
    affiliations: tuple[str, ...] = ()
    """Ids of the author's affiliations, in order."""
    email: str = ""
    """E-mail address, printed for the corresponding author."""
    orcid: str = ""
    """ORCID iD (0000-0000-0000-0000)."""
    corresponding: bool = False
    """Whether this author is the corresponding author."""


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


class _Reader:
    """Walks the composed YAML tree, converting values and collecting diagnostics."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def report(
        self, node: yaml.Node, code: str, message: str, hint: str = "", severity: Severity = Severity.ERROR
    ) -> None:
        mark = node.start_mark
        self.diagnostics.append(Diagnostic(self.path, mark.line + 1, mark.column + 1, severity, code, message, hint))

    def string(self, node: yaml.Node, key: str, *, item: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode):
            if node.tag in STANDARD_TAGS:
                self.report(node, "metadata", f"'{key}' must be text, not a {_kind(node)}")
            return ""
        if node.tag == "tag:yaml.org,2002:null" or node.tag not in STANDARD_TAGS:
            return ""  # a foreign tag is reported once, by _check_tags
        plain_date = key == "date" and node.tag == "tag:yaml.org,2002:timestamp"
        if node.tag != "tag:yaml.org,2002:str" and node.style is None and not plain_date:
            kind = node.tag.rsplit(":", 1)[-1]
            quoted = f'"{node.value}"' if item else f'{key}: "{node.value}"'
            self.report(
                node,
                "metadata",
                f"'{key}' must be text, but YAML reads {node.value!r} as {kind}",
                f"quote it: {quoted}",
            )
        return str(node.value)

    def boolean(self, node: yaml.Node, key: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return bool(yaml.safe_load(node.value))
        self.report(node, "metadata", f"'{key}' must be true or false")
        return False

    def strings(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if isinstance(node, yaml.SequenceNode):
            return tuple(self.string(entry, key, item=True) for entry in node.value)
        if isinstance(node, yaml.ScalarNode):
            return (self.string(node, key),)
        self.report(node, "metadata", f"'{key}' must be a list of text items")
        return ()

    def mapping(self, node: yaml.Node, what: str, known: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.report(node, "metadata", f"each entry of '{what}' must be a mapping of keys to values")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "(a list or mapping as a key)"
            if key in result:
                first = result[key].start_mark.line + 1
                self.report(key_node, "metadata", f"'{key}' is given twice (first at line {first})", "keep one of them")
            elif key not in known:
                self.report(
                    key_node, "metadata", f"unknown key '{key}' in '{what}'", did_you_mean(key, known), Severity.WARNING
                )
            result[key] = value_node
        return result

    def sequence(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.report(node, "metadata", f"'{key}' must be a list")
        return []


def _kind(node: yaml.Node) -> str:
    return "list" if isinstance(node, yaml.SequenceNode) else "mapping"


def read_metadata(
    text: str, path: str, front_matter: Sequence[tuple[str, str]] = ()
) -> tuple[Metadata, list[Diagnostic]]:
    """Parse metadata.yaml text (already decoded), merged with the chapters' YAML blocks `(path, yaml text)`, into
    Metadata and the diagnostics found on the way."""
    reader = _Reader(path)
    root = _compose(reader, text)
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
        _merge_chapter(_Reader(chapter), block, values, lines, diagnostics)
    title = values.pop("title", "")
    metadata = Metadata(title=title, lines=lines, **{k: v for k, v in values.items() if v})
    if not metadata.title:
        where = top.get("title", root)
        reader.report(where, "metadata", "the paper has no title", "add 'title: ...' to metadata.yaml")
    return metadata, diagnostics


def _compose(reader: _Reader, text: str) -> yaml.Node | None:
    """The node tree of `text`, its foreign tags reported; None, with a diagnostic unless empty, when unreadable."""
    try:
        root = yaml.compose(text, Loader=BoundedLoader)
    except TooDeep as exc:
        line, col = exc.mark.line + 1, exc.mark.column + 1
        hint = "metadata holds text, and lists and mappings a few levels deep"
        reader.diagnostics.append(
            Diagnostic(reader.path, line, col, Severity.ERROR, "input-limit", str(exc.problem), hint)
        )
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc)
        reader.diagnostics.append(
            Diagnostic(reader.path, line, col, Severity.ERROR, "yaml-syntax", f"invalid YAML: {problem}")
        )
        return None
    if root is not None:
        _check_tags(reader, root)
    return root


def _values(reader: _Reader, top: dict[str, yaml.Node]) -> dict[str, Any]:
    """The Metadata fields (by attribute name) that the top-level keys `top` set."""
    values: dict[str, Any] = {}
    for key in TEXT_KEYS:
        if key in top:
            values[key.replace("-", "_")] = reader.string(top[key], key).strip()
    for key in ("keywords", "nocite"):
        if key in top:
            values[key] = tuple(s.strip() for s in reader.strings(top[key], key))
    author_node = top.get("authors", top.get("author"))
    if _foreign_schema(author_node, top.get("affiliations")):
        people = map_authors(author_node, top.get("affiliations"))
        for found in people.problems:
            reader.diagnostics.append(
                Diagnostic(reader.path, found.line, found.col, Severity.WARNING, "metadata", found.message, found.hint)
            )
        values["affiliations"] = tuple(Affiliation(**aff) for aff in people.affiliations)
        values["authors"] = tuple(_mapped_author(author) for author in people.authors)
        return values
    if author_node is not None:
        values["authors"] = tuple(_read_author(reader, n) for n in reader.sequence(author_node, "authors"))
    if "affiliations" in top:
        values["affiliations"] = tuple(
            _read_affiliation(reader, n) for n in reader.sequence(top["affiliations"], "affiliations")
        )
    if author_node is not None or "affiliations" in top:
        _check_affiliation_ids(reader, values.get("authors", ()), values.get("affiliations", ()), author_node)
    return values


def _merge_chapter(
    reader: _Reader, block: str, values: dict[str, Any], lines: dict[str, int], diagnostics: list[Diagnostic]
) -> None:
    """Add the keys a chapter's YAML block sets to `values`, unless metadata.yaml or an earlier chapter set them."""
    root = _compose(reader, block)
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


def _foreign_schema(author_node: yaml.Node | None, affiliations_node: yaml.Node | None) -> bool:
    """Whether the authors follow JOSS (affiliations with an `index`), Quarto (an author's affiliation given as a
    mapping, `{ref: id}` or inline) or Manubot (affiliations named, with spaces, and none listed at the top)."""
    affiliations = affiliations_node.value if isinstance(affiliations_node, yaml.SequenceNode) else []
    if any(_keys(aff) & {"index"} for aff in affiliations):
        return True
    for author in author_node.value if isinstance(author_node, yaml.SequenceNode) else []:
        fields = dict(_entries(author))
        given = fields.get("affiliations", fields.get("affiliation"))
        refs = given.value if isinstance(given, yaml.SequenceNode) else [given] if given is not None else []
        if any(isinstance(ref, yaml.MappingNode) for ref in refs):
            return True
        if affiliations_node is None and any(" " in str(ref.value).strip() for ref in refs):
            return True
    return False


def _entries(node: yaml.Node) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(k.value), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _keys(node: yaml.Node) -> set[str]:
    return {key for key, _ in _entries(node)}


def _mapped_author(author: dict[str, object]) -> Author:
    """An Author from author_schemas.py's plain data."""
    affiliations = author.get("affiliations", [])
    return Author(
        name=str(author["name"]),
        affiliations=tuple(str(a) for a in affiliations) if isinstance(affiliations, list) else (),
        email=str(author.get("email", "")),
        orcid=str(author.get("orcid", "")),
        corresponding=bool(author.get("corresponding", False)),
    )


def _check_tags(reader: _Reader, root: yaml.Node) -> None:
    """Report every YAML tag that would construct something other than text, numbers, lists and mappings
    (`!!python/object/apply:...`): the safe loader never runs them, and the user should know they are ignored."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, key = stack.pop()
        if id(node) in seen:  # aliases share nodes: visit each once, so an alias bomb costs nothing
            continue
        seen.add(id(node))
        if node.tag not in STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            where = f" on '{key}'" if key else ""
            hint = "remove the tag; metadata holds only text, numbers, lists and mappings"
            reader.report(node, "metadata", f"YAML tag '{tag}'{where} is not allowed in metadata", hint)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, key) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.extend([(key_node, key), (value_node, str(key_node.value))])


def _read_author(reader: _Reader, node: yaml.Node) -> Author:
    if isinstance(node, yaml.ScalarNode):
        return Author(name=reader.string(node, "authors"))
    fields = reader.mapping(node, "authors", AUTHOR_KEYS)
    affs = fields.get("affiliations", fields.get("affiliation"))
    author = Author(
        name=reader.string(fields["name"], "name") if "name" in fields else "",
        affiliations=reader.strings(affs, "affiliations") if affs is not None else (),
        email=reader.string(fields["email"], "email") if "email" in fields else "",
        orcid=reader.string(fields["orcid"], "orcid") if "orcid" in fields else "",
        corresponding=reader.boolean(fields["corresponding"], "corresponding") if "corresponding" in fields else False,
    )
    if author.orcid and not orcid_is_valid(author.orcid):
        reader.report(
            fields["orcid"],
            "metadata",
            f"ORCID '{author.orcid}' of '{author.name}' is not valid",
            "an ORCID iD reads 0000-0002-1825-0097 and ends in a check digit; copy it from orcid.org",
        )
    if author.corresponding and not author.email:
        reader.report(
            node,
            "metadata",
            f"corresponding author '{author.name}' has no e-mail",
            "add 'email: ...'",
            Severity.WARNING,
        )
    return author


def _read_affiliation(reader: _Reader, node: yaml.Node) -> Affiliation:
    fields = reader.mapping(node, "affiliations", AFFILIATION_KEYS)
    text = {key: reader.string(value, key) for key, value in fields.items() if key in AFFILIATION_KEYS}
    if not text.get("id"):
        reader.report(node, "metadata", "an affiliation has no 'id'", "give it one, e.g. 'id: uni1'")
    return Affiliation(**{key: text.get(key, "") for key in AFFILIATION_KEYS})


def _check_affiliation_ids(
    reader: _Reader,
    authors: tuple[Author, ...],
    affiliations: tuple[Affiliation, ...],
    author_node: yaml.Node | None,
) -> None:
    known = [a.id for a in affiliations]
    author_nodes = author_node.value if isinstance(author_node, yaml.SequenceNode) else []
    for author, node in zip(authors, author_nodes, strict=False):
        if not author.name:
            reader.report(node, "metadata", "an author has no 'name'")
        for aff in author.affiliations:
            if aff not in known:
                reader.report(
                    node,
                    "metadata",
                    f"author '{author.name}' names affiliation '{aff}', which is not in 'affiliations'",
                    did_you_mean(aff, known),
                )


def orcid_is_valid(orcid: str) -> bool:
    """Whether `orcid` has the form 0000-0000-0000-000X and a correct ISO 7064 11,2 check digit."""
    match = ORCID.match(orcid.strip())
    if match is None:
        return False
    digits = match.group(1).replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check_digit = (12 - total % 11) % 11
    return digits[-1] == ("X" if check_digit == 10 else str(check_digit))
