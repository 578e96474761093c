"""Map the author schemas of JOSS, Quarto, Manubot and pandoc to paperbuild's `authors` and `affiliations`.

Takes the composed YAML nodes of a source's author list and affiliation list (`yaml_nodes.compose`); gives plain
data in paperbuild's schema (DESIGN.md §1) — authors `{name (text, or {given, family, literal}), affiliations:
[id], email, orcid, corresponding, equal-contributor, roles}`, affiliations `{id, name, department, city,
country}` — and a Problem, at its node, for each field that has no place there. Pure functions: no files, no
printing. Schemas read:

- JOSS: `affiliation: "1, 2"` (or `1`) naming the `index` of `affiliations: [{name, index}]`;
- Quarto: `author`/`authors` with `affiliations: [{ref: id}]`, inline `{id, name, department, city, ...}` or plain
  names, top-level `affiliations: [{id, name, ...}]`, `corresponding`, `attributes: {corresponding, ...}`, names as
  `{given, family}` or `{literal}`;
- roles (Quarto's and pandoc's `roles`/`role`): CRediT's roles, read by credit.py, written as CRediT spells them,
  `{role, degree}` when a degree is given;
- Manubot: `affiliations: [strings]` (a known country at a string's end is its `country`), `corresponding` (older
  manuscripts: `correspondence`);
- pandoc: `author: Name` or a list of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import yaml

from paperbuild.authorship.credit import read_roles
from paperbuild.yaml_nodes import Problem, empty, entries, flag, items, problem, text

AUTHOR_KEYS = (
    "name",
    "email",
    "orcid",
    "corresponding",
    "correspondence",
    "affiliation",
    "affiliations",
    "roles",
    "role",
    "equal-contributor",
    "equal-contrib",  # JOSS's (Open Journals') name
)
AFFILIATION_KEYS = ("id", "index", "name", "department", "city", "state", "region", "country")
COUNTRY_CODES = {
    "australia": "AU", "austria": "AT", "belgium": "BE", "brazil": "BR", "canada": "CA", "china": "CN",
    "p. r. china": "CN", "p.r. china": "CN", "people's republic of china": "CN", "pr china": "CN", "中国": "CN",
    "denmark": "DK", "finland": "FI", "france": "FR", "germany": "DE", "hong kong": "HK", "india": "IN",
    "ireland": "IE", "israel": "IL", "italy": "IT", "japan": "JP", "日本": "JP", "korea": "KR", "south korea": "KR",
    "republic of korea": "KR", "mexico": "MX", "mongolia": "MN", "netherlands": "NL", "the netherlands": "NL",
    "new zealand": "NZ", "norway": "NO", "poland": "PL", "portugal": "PT", "russia": "RU",
    "russian federation": "RU", "singapore": "SG", "south africa": "ZA", "spain": "ES", "sweden": "SE",
    "switzerland": "CH", "taiwan": "TW", "turkey": "TR", "türkiye": "TR", "united kingdom": "GB", "uk": "GB",
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.a.": "US",
}  # fmt: skip
"""The ISO 3166-1 alpha-2 code of the countries affiliations most often name, by name as written (casefolded):
JATS4R's `country="CN"` when an affiliation gives no `country-code`."""
INDEXES = re.compile(r"^\s*\d+(?:\s*,\s*\d+)*\s*$")
AUTHOR_HINT = "paperbuild's authors have name, affiliations, email, orcid, corresponding, equal-contributor and roles"
AFFILIATION_HINT = "paperbuild's affiliations have name, department, city and country"


@dataclass
class People:
    """Authors and affiliations in paperbuild's schema, and what could not be carried over."""

    authors: list[dict[str, object]] = field(default_factory=list)
    """Authors in byline order: name, then affiliations, email, orcid, corresponding where given."""
    affiliations: list[dict[str, str]] = field(default_factory=list)
    """Affiliations in order of definition, each with an id."""
    problems: list[Problem] = field(default_factory=list)
    """Fields left out, one per field name, at its first occurrence; each role left out, at its node."""
    role_problems: list[Problem] = field(default_factory=list)
    """The problems (also in `problems`) of roles: metadata.py reports them itself, as errors."""


class _Book:
    """The affiliations defined so far, by id and by name, and the author fields left out."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.by_name: dict[str, str] = {}
        self.left_out: dict[str, tuple[yaml.Node, list[str], str]] = {}

    def ids(self) -> list[str]:
        return [aff["id"] for aff in self.people.affiliations]

    def new_id(self) -> str:
        taken = set(self.ids())
        number = len(taken) + 1
        while f"aff{number}" in taken:
            number += 1
        return f"aff{number}"

    def leave_out(self, key_node: yaml.Node, what: str, owner: str, hint: str) -> None:
        if what not in self.left_out:
            self.left_out[what] = (key_node, [], hint)
        if owner and owner not in self.left_out[what][1]:
            self.left_out[what][1].append(owner)

    def define(self, node: yaml.Node) -> str:
        """Add an affiliation given as a mapping or a plain name; its id."""
        if isinstance(node, yaml.ScalarNode):
            return self.named(text(node))
        values: dict[str, str] = {}
        for key, key_node, value in entries(node):
            if key in AFFILIATION_KEYS and isinstance(value, yaml.ScalarNode):
                values[key] = text(value)
            elif not empty(value):
                self.leave_out(key_node, f"affiliation field '{key}'", values.get("name", ""), AFFILIATION_HINT)
        name = values.get("name", "")
        given = values.get("id") or values.get("index")
        if not given and name in self.by_name:
            return self.by_name[name]
        if given and given in self.ids():
            return given
        city = ", ".join(v for v in (values.get("city"), values.get("state") or values.get("region")) if v)
        affiliation = {"id": given or self.new_id(), "name": name}
        for key, part in (
            ("department", values.get("department", "")),
            ("city", city),
            ("country", values.get("country", "")),
        ):
            if part:
                affiliation[key] = part
        self.people.affiliations.append(affiliation)
        if name:
            self.by_name.setdefault(name, affiliation["id"])
        return affiliation["id"]

    def named(self, name: str) -> str:
        """The id of an affiliation given as its name (Manubot's "Department, University, City, Country"; a known
        country at its end is its `country`, as paperbuild's schema gives it)."""
        if name in self.ids():
            return name
        if name not in self.by_name:
            identifier = self.new_id()
            place, _, country = name.rpartition(",")
            known = place.strip() and country.strip().casefold() in COUNTRY_CODES
            parts = {"name": place.strip(), "country": country.strip()} if known else {"name": name}
            self.people.affiliations.append({"id": identifier, **parts})
            self.by_name[name] = identifier
        return self.by_name[name]

    def refs(self, node: yaml.Node | None) -> list[str]:
        """The ids an author's `affiliation(s)` value names, defining the affiliations given inline."""
        if isinstance(node, yaml.ScalarNode) and INDEXES.match(str(node.value)):
            return [part.strip() for part in str(node.value).split(",")]  # JOSS: "1, 2" names indexes
        ids = []
        for item in {id(item): item for item in items(node)}.values():  # an alias repeats a node: read it once
            ref = text(item.value[0][1]) if _only_key(item, "ref") else ""
            if ref:
                ids.append(ref)
            elif isinstance(item, yaml.ScalarNode) and INDEXES.match(str(item.value)):
                ids.append(text(item))
            elif text(item) or isinstance(item, yaml.MappingNode):
                ids.append(self.define(item))
        return list(dict.fromkeys(ids))


def _only_key(node: yaml.Node, key: str) -> bool:
    return isinstance(node, yaml.MappingNode) and len(node.value) == 1 and str(node.value[0][0].value) == key


def person_name(node: yaml.Node | None) -> str:
    """An author's name as printed: a plain string, `{literal}`, or `{given, family}` with particles."""
    if not isinstance(node, yaml.MappingNode):
        return text(node)
    parts = {key: text(value) for key, _, value in entries(node)}
    if parts.get("literal"):
        return parts["literal"]
    order = ("given", "given-names", "first", "dropping-particle", "non-dropping-particle", "family", "surname", "last")
    return " ".join(parts[key] for key in order if parts.get(key))


def name_parts(node: yaml.Node | None) -> dict[str, str]:
    """`{given, family}` of a name given in parts (Quarto's and CSL's keys, or JATS's `given-names`, `surname`), the
    family name with its particles ("van Doe"); {} for a name given as text or with no family name."""
    parts = {key: text(value) for key, _, value in entries(node)} if isinstance(node, yaml.MappingNode) else {}
    family = " ".join(parts[key] for key in ("non-dropping-particle", "family", "surname", "last") if parts.get(key))
    given = " ".join(parts[key] for key in ("given", "given-names", "first", "dropping-particle") if parts.get(key))
    return {"given": given, "family": family} if family and given else {}


def map_authors(author_node: yaml.Node | None, affiliations_node: yaml.Node | None) -> People:
    """The authors and affiliations that `author`/`authors` and `affiliations` describe, in paperbuild's schema."""
    people = People()
    book = _Book(people)
    for node in items(affiliations_node):
        book.define(node)
    read: dict[int, dict[str, object]] = {}  # by node: an aliased author is read once, however often it is named
    for node in items(author_node):
        if id(node) not in read:
            read[id(node)] = _author(node, book)
        people.authors.append(dict(read[id(node)]))
    for what, (key_node, owners, hint) in book.left_out.items():
        whose = (
            f" (of {', '.join(owners)})" if 0 < len(owners) <= 3 else f" (of {len(owners)} authors)" if owners else ""
        )
        people.problems.append(
            problem(key_node, f"{what}{whose} has no place in paperbuild's metadata; left out", hint)
        )
    return people


def _author(node: yaml.Node, book: _Book) -> dict[str, object]:
    if not isinstance(node, yaml.MappingNode):
        return {"name": text(node)}
    values = {key: value for key, _, value in entries(node)}
    name = person_name(values.get("name"))
    parts = name_parts(values.get("name"))
    author: dict[str, object] = {"name": {**parts, "literal": name} if parts else name}
    refs = book.refs(values.get("affiliations", values.get("affiliation")))
    if refs:
        author["affiliations"] = refs
    for key in ("email", "orcid"):
        if text(values.get(key)):
            author[key] = text(values[key])
    attributes = {key: value for key, _, value in entries(values.get("attributes"))}
    if any(
        flag(n) for n in (values.get("corresponding"), values.get("correspondence"), attributes.get("corresponding"))
    ):
        author["corresponding"] = True
    if any(
        flag(n)
        for n in (values.get("equal-contributor"), values.get("equal-contrib"), attributes.get("equal-contributor"))
    ):
        author["equal-contributor"] = True
    roles = read_roles(values.get("roles", values.get("role")), name)
    if roles.roles:
        author["roles"] = [{"role": r.name, "degree": r.degree} if r.degree else r.name for r in roles.roles]
    left_out = [replace(p, message=f"{p.message}; left out") for p in roles.unknown + roles.invalid]
    book.people.problems += left_out
    book.people.role_problems += left_out
    for key, key_node, value in entries(node):
        if key == "attributes":
            for attribute, attribute_node, setting in entries(values["attributes"]):
                if attribute not in ("corresponding", "equal-contributor") and not empty(setting):
                    book.leave_out(attribute_node, f"author attribute '{attribute}'", name, AUTHOR_HINT)
        elif key not in AUTHOR_KEYS and not empty(value):
            book.leave_out(key_node, f"author field '{key}'", name, AUTHOR_HINT)
    return author
