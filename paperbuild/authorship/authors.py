"""Read metadata.yaml's `authors` and `affiliations` into typed Authors (with their CRediT roles) and Affiliations.

Takes the composed nodes of the top-level `authors` (alias `author`) and `affiliations` keys and a MetadataReader;
gives the Metadata fields they set, the reader holding a Diagnostic for each bad value: an ORCID iD whose check digit
is wrong, an affiliation id no affiliation has, a role that is not CRediT's (`unknown-role`, with the closest one).
The author schemas of JOSS (`affiliation: "1, 2"`, `affiliations: [{name, index}]`), Quarto (`affiliations:
[{ref}]`) and Manubot (affiliations as names) are mapped by schemas.py; roles are read by credit.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from paperbuild.authorship.credit import Role, Roles, credit_role, read_roles
from paperbuild.authorship.schemas import COUNTRY_CODES, map_authors, person_name
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.metadata_reader import MetadataReader
from paperbuild.yaml_nodes import items

AUTHOR_KEYS = (
    "name",
    "affiliations",
    "affiliation",
    "email",
    "orcid",
    "corresponding",
    "equal-contributor",
    "roles",
    "role",
)
NAME_KEYS = ("given", "family", "literal")
AFFILIATION_KEYS = ("id", "name", "department", "city", "country", "country-code")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
"""An ISO 3166-1 alpha-2 country code: CN, US, GB."""
ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u3040-\u30ff]")
"""A character of Chinese, Japanese or Korean script, whose names are written family name first, with no space."""


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
    country_code: str = ""
    """ISO 3166-1 alpha-2 code of the country (`country-code`); "" when not given."""

    @property
    def iso_country(self) -> str:
        """The country's ISO 3166-1 alpha-2 code: `country-code`, else the code of a country named in COUNTRY_CODES,
        else `country` when it is a code (Quarto's `country: DE`), else ""."""
        country = self.country.strip()
        code = country if COUNTRY_CODE.fullmatch(country) else ""
        return self.country_code or COUNTRY_CODES.get(country.casefold(), code)

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
    roles: tuple[Role, ...] = ()
    """The author's CRediT contributor roles, in the order written (`roles`, alias `role`)."""
    given: str = ""
    """Given names, when the name is given in parts (`name: {given, family}`); "" when it is plain text."""
    equal_contributor: bool = False
    """Whether the author contributed equally with the others so marked (`equal-contributor: true`, Quarto's key)."""
    family: str = ""
    """Family name, when the name is given in parts; "" when it is plain text (then the JATS splits it)."""
    line: int = field(default=0, compare=False)
    """1-based line of the author's entry in metadata.yaml, for messages about the author; 0 when not known."""

    @property
    def family_first(self) -> bool:
        """Whether the printed name puts the family name first ("Yuan Yue"; JATS's name-style "eastern")."""
        return bool(self.family and self.given) and self.name.lstrip().startswith(self.family)


def read_people(
    reader: MetadataReader, author_node: yaml.Node | None, affiliations_node: yaml.Node | None
) -> dict[str, Any]:
    """The Metadata fields `authors` and `affiliations` that the nodes of those keys set (either may be None)."""
    values: dict[str, Any] = {}
    if _foreign_schema(author_node, affiliations_node):
        people = map_authors(author_node, affiliations_node)
        roles = {id(role) for role in people.role_problems}
        for found in people.problems:
            if id(found) not in roles:
                reader.diagnostics.append(
                    Diagnostic(
                        reader.path, found.line, found.col, Severity.WARNING, "metadata", found.message, found.hint
                    )
                )
        for node in {id(node): node for node in items(author_node)}.values():  # an alias repeats a node: once
            fields = dict(_entries(node))
            _report_roles(reader, read_roles(fields.get("roles", fields.get("role")), person_name(fields.get("name"))))
        values["affiliations"] = tuple(Affiliation(**aff) for aff in people.affiliations)
        values["authors"] = tuple(_mapped_author(author) for author in people.authors)
        return values
    if author_node is not None:
        values["authors"] = tuple(_read_author(reader, n) for n in reader.sequence(author_node, "authors"))
    if affiliations_node is not None:
        values["affiliations"] = tuple(
            _read_affiliation(reader, n) for n in reader.sequence(affiliations_node, "affiliations")
        )
    _check_affiliation_ids(reader, values.get("authors", ()), values.get("affiliations", ()), author_node)
    return values


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
    """An Author from schemas.py's plain data."""
    affiliations = author.get("affiliations", [])
    name = author["name"]
    parts = {key: str(value) for key, value in name.items()} if isinstance(name, dict) else {"literal": str(name)}
    return Author(
        name=parts["literal"],
        affiliations=tuple(str(a) for a in affiliations) if isinstance(affiliations, list) else (),
        email=str(author.get("email", "")),
        orcid=str(author.get("orcid", "")),
        corresponding=bool(author.get("corresponding", False)),
        equal_contributor=bool(author.get("equal-contributor", False)),
        roles=tuple(role for role in map(_mapped_role, _as_list(author.get("roles"))) if role is not None),
        given=parts.get("given", ""),
        family=parts.get("family", ""),
    )


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _mapped_role(role: object) -> Role | None:
    """A Role from schemas.py's plain data: CRediT's name, or `{role: name, degree: d}`."""
    name, degree = (role.get("role"), role.get("degree", "")) if isinstance(role, dict) else (role, "")
    return credit_role(str(name), str(degree))


def _read_author(reader: MetadataReader, node: yaml.Node) -> Author:
    if isinstance(node, yaml.ScalarNode):
        return Author(name=reader.string(node, "authors"), line=node.start_mark.line + 1)
    fields = reader.mapping(node, "authors", AUTHOR_KEYS)
    affs = fields.get("affiliations", fields.get("affiliation"))
    name, given, family = _read_name(reader, fields["name"]) if "name" in fields else ("", "", "")
    author = Author(
        name=name,
        given=given,
        family=family,
        affiliations=reader.strings(affs, "affiliations") if affs is not None else (),
        email=reader.string(fields["email"], "email") if "email" in fields else "",
        orcid=reader.string(fields["orcid"], "orcid") if "orcid" in fields else "",
        corresponding=reader.boolean(fields["corresponding"], "corresponding") if "corresponding" in fields else False,
        equal_contributor=(
            reader.boolean(fields["equal-contributor"], "equal-contributor") if "equal-contributor" in fields else False
        ),
        roles=_read_roles(reader, fields, name),
        line=node.start_mark.line + 1,
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


def _read_name(reader: MetadataReader, node: yaml.Node) -> tuple[str, str, str]:
    """(name as printed, given names, family name) of an author's `name`: text, printed as written, or CSL's parts
    `{given, family, literal}`, printed as `literal` when given, else given names then family name (family name
    first, without a space, in Chinese, Japanese or Korean script)."""
    if not isinstance(node, yaml.MappingNode):
        return reader.string(node, "name"), "", ""
    parts = reader.mapping(node, "name", NAME_KEYS)
    given, family, literal = (reader.string(parts[key], key).strip() if key in parts else "" for key in NAME_KEYS)
    if not family and not literal:
        reader.report(
            node, "metadata", "a name given in parts has no 'family'", "add 'family: ...', or write the name as text"
        )
    elif literal and family and family not in literal:
        reader.report(
            parts["literal"],
            "metadata",
            f"the printed name '{literal}' does not hold the family name '{family}'",
            "'literal' is the name as printed, with the 'given' and 'family' names in it",
        )
    return literal or printed_name(given, family), given, family


def printed_name(given: str, family: str) -> str:
    """A name given in parts as it is printed: "Jane Doe"; 张伟 (family name first, no space) in CJK script."""
    if CJK.search(family + given):
        return family + given
    return " ".join(part for part in (given, family) if part)


def _read_roles(reader: MetadataReader, fields: dict[str, yaml.Node], name: str) -> tuple[Role, ...]:
    """An author's CRediT roles (`roles`, alias `role`), its problems reported."""
    found = read_roles(fields.get("roles", fields.get("role")), name)
    _report_roles(reader, found)
    return tuple(found.roles)


def _report_roles(reader: MetadataReader, found: Roles) -> None:
    """An `unknown-role` error for each role that is not CRediT's, a `metadata` error for a bad degree or form."""
    for code, problems in (("unknown-role", found.unknown), ("metadata", found.invalid)):
        for problem in problems:
            reader.diagnostics.append(
                Diagnostic(reader.path, problem.line, problem.col, Severity.ERROR, code, problem.message, problem.hint)
            )


def _read_affiliation(reader: MetadataReader, node: yaml.Node) -> Affiliation:
    fields = reader.mapping(node, "affiliations", AFFILIATION_KEYS)
    text = {key: reader.string(value, key) for key, value in fields.items() if key in AFFILIATION_KEYS}
    if not text.get("id"):
        reader.report(node, "metadata", "an affiliation has no 'id'", "give it one, e.g. 'id: uni1'")
    code = text.pop("country-code", "").strip()
    if code and not COUNTRY_CODE.fullmatch(code):
        hint = "give the country's ISO 3166-1 alpha-2 code, two capital letters: CN, US, GB"
        reader.report(fields["country-code"], "metadata", f"country-code '{code}' is no ISO 3166-1 code", hint)
        code = ""
    fields_read = {key: text.get(key, "") for key in AFFILIATION_KEYS if key != "country-code"}
    return Affiliation(**fields_read, country_code=code)


def _check_affiliation_ids(
    reader: MetadataReader,
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
