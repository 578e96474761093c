"""Read `manuscript/metadata.yaml` into a typed Metadata, with a Diagnostic for every bad or unknown key.

Takes the YAML text and its project-relative path; gives `(Metadata, list[Diagnostic])`. YAML is read with the safe
loader only, nested at most yaml_safe.MAX_DEPTH deep; line numbers come from the composed node tree so every
diagnostic points into the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

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
        """Affiliation id -> the number printed as a superscript mark, in order of first use in the byline."""
        marks: dict[str, int] = {}
        for author in self.authors:
            for aff in author.affiliations:
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


def read_metadata(text: str, path: str) -> tuple[Metadata, list[Diagnostic]]:
    """Parse metadata.yaml text (already decoded) into Metadata and the diagnostics found on the way."""
    reader = _Reader(path)
    try:
        root = yaml.compose(text, Loader=BoundedLoader)
    except TooDeep as exc:
        line, col = exc.mark.line + 1, exc.mark.column + 1
        hint = "metadata holds text, and lists and mappings a few levels deep"
        return Metadata(title=""), [Diagnostic(path, line, col, Severity.ERROR, "input-limit", str(exc.problem), hint)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc)
        return Metadata(title=""), [
            Diagnostic(path, line, col, Severity.ERROR, "yaml-syntax", f"invalid YAML: {problem}")
        ]
    if root is None:
        return Metadata(title=""), [
            Diagnostic(
                path,
                1,
                1,
                Severity.ERROR,
                "metadata",
                "metadata.yaml is empty",
                "give at least a title: 'title: My paper'",
            )
        ]
    _check_tags(reader, root)
    if not isinstance(root, yaml.MappingNode):
        reader.report(root, "metadata", "metadata.yaml must be a mapping of keys to values", "start with 'title: ...'")
        return Metadata(title=""), reader.diagnostics
    top = reader.mapping(root, "metadata.yaml", KNOWN_KEYS)
    lines = {key: node.start_mark.line + 1 for key, node in top.items()}
    values: dict[str, Any] = {}
    for key in (
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
    ):
        if key in top:
            values[key.replace("-", "_")] = reader.string(top[key], key).strip()
    for key in ("keywords", "nocite"):
        if key in top:
            values[key] = tuple(s.strip() for s in reader.strings(top[key], key))
    author_node = top.get("authors", top.get("author"))
    if author_node is not None:
        values["authors"] = tuple(_read_author(reader, n) for n in reader.sequence(author_node, "authors"))
    if "affiliations" in top:
        values["affiliations"] = tuple(
            _read_affiliation(reader, n) for n in reader.sequence(top["affiliations"], "affiliations")
        )
    title = values.pop("title", "")
    metadata = Metadata(title=title, lines=lines, **{k: v for k, v in values.items() if v})
    if not metadata.title:
        where = top.get("title", root)
        reader.report(where, "metadata", "the paper has no title", "add 'title: ...' to metadata.yaml")
    _check_affiliation_ids(reader, metadata, author_node)
    return metadata, reader.diagnostics


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


def _check_affiliation_ids(reader: _Reader, metadata: Metadata, author_node: yaml.Node | None) -> None:
    known = [a.id for a in metadata.affiliations]
    author_nodes = reader.sequence(author_node, "authors") if isinstance(author_node, yaml.SequenceNode) else []
    for author, node in zip(metadata.authors, author_nodes, strict=False):
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
