"""CRediT author roles: the 14 contributor roles of ANSI/NISO Z39.104-2022, read from an author's `roles` as written.

Takes the composed YAML node of an author's `roles` (or Quarto's `role`); gives `Roles`: each role found as a `Role`
(CRediT's own name, its identifier URL, the degree of contribution) in the order written, and a Problem at the node
of each role that is not CRediT's or is written wrong. A role may be written as CRediT spells it, in any case, with a
hyphen, en dash or colon for the dash and "and" or "&" ("writing - review and editing"), as its slug
(`writing-review-editing`), in British spelling, or by Quarto's aliases (`analysis`, `funding`, `editing`,
`writing`); with a degree as `{role: software, degree: lead}`, pandoc's `{credit: software, degree: Lead}` or
Quarto's `{software: lead}`; Manubot's `{Software: true}` names a role, `{Software: false}` none. Pure: no files, no
printing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from paperbuild.yaml_nodes import Problem, empty, entries, flag, items, problem, text

CREDIT_URL = "https://credit.niso.org/contributor-roles/{}/"
ROLES = {
    "conceptualization": "Conceptualization",
    "data-curation": "Data curation",
    "formal-analysis": "Formal analysis",
    "funding-acquisition": "Funding acquisition",
    "investigation": "Investigation",
    "methodology": "Methodology",
    "project-administration": "Project administration",
    "resources": "Resources",
    "software": "Software",
    "supervision": "Supervision",
    "validation": "Validation",
    "visualization": "Visualization",
    "writing-original-draft": "Writing – original draft",
    "writing-review-editing": "Writing – review & editing",
}
"""CRediT's slug (the last part of the role's identifier URL) -> the role's name as CRediT spells it."""
ALIASES = {
    "analysis": "formal-analysis",
    "funding": "funding-acquisition",
    "editing": "writing-review-editing",
    "writing": "writing-original-draft",
}
"""Quarto's short names of roles (quarto.org/docs/authoring/front-matter.html#roles)."""
DEGREES = ("lead", "equal", "supporting")
"""CRediT's degrees of contribution, as JATS4R writes them in `degree-contribution`."""
MAX_ROLES = 2 * len(ROLES)
"""Items of one author's `roles` read at most: room for each role and a mistake in each, not a flood of errors."""
ROLE_KEYS = ("role", "credit")
"""Keys naming the role in a mapping: paperbuild's `role`, pandoc's `credit`."""
ROLE_LIST = ", ".join(ROLES.values())
PUNCTUATION = re.compile(r"[\W_]+")
BOOL = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Role:
    """One CRediT contributor role of an author."""

    name: str
    """The role's name as CRediT spells it, e.g. "Writing – original draft"."""
    url: str
    """The role's identifier, e.g. https://credit.niso.org/contributor-roles/writing-original-draft/."""
    degree: str = ""
    """Degree of contribution: "lead", "equal" or "supporting"; "" when not given."""


@dataclass
class Roles:
    """An author's roles as read, and what was wrong in them."""

    roles: list[Role] = field(default_factory=list)
    """The roles, in the order written, each once."""
    unknown: list[Problem] = field(default_factory=list)
    """A role that is not one of CRediT's 14, at its node."""
    invalid: list[Problem] = field(default_factory=list)
    """A bad degree, a role given twice, a role written as neither text nor a mapping, at its node."""


def _key(written: str) -> str:
    """How a role name compares: casefolded words, the dash and "and"/"&" left out, British -isation as -ization."""
    words = PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", written).casefold().replace("&", " ")).split()
    return " ".join(word.replace("isation", "ization") for word in words if word != "and")


KEYS = {_key(name): slug for slug, name in ROLES.items()} | {_key(word): slug for word, slug in ALIASES.items()}
KEYS |= {_key(slug): slug for slug in ROLES}


def credit_role(written: str, degree: str = "") -> Role | None:
    """The CRediT role `written` names (name, slug or alias, in any case), with `degree`; None when none."""
    slug = KEYS.get(_key(written))
    return Role(ROLES[slug], CREDIT_URL.format(slug), degree) if slug else None


def role_hint(written: str) -> str:
    """A hint for a role that is not CRediT's: the closest role, and the 14 roles."""
    close = difflib.get_close_matches(_key(written), list(KEYS), n=1, cutoff=0.6)
    guess = f"did you mean '{ROLES[KEYS[close[0]]]}'? " if close else ""
    return f"{guess}CRediT's 14 roles are {ROLE_LIST}"


def read_roles(node: yaml.Node | None, owner: str) -> Roles:
    """The CRediT roles an author's `roles` value names; `owner` is the author's name, for the messages."""
    found = Roles()
    written = items(node)
    if len(written) > MAX_ROLES:
        hint = f"CRediT has {len(ROLES)} roles; give each once"
        found.invalid.append(
            problem(written[MAX_ROLES], f"'{owner}' has {len(written)} roles; the first {MAX_ROLES} are read", hint)
        )
    for item in written[:MAX_ROLES]:
        role_node, degree_node = _parts(item, found, owner)
        if role_node is None:
            continue
        name = text(role_node)
        role = credit_role(name, _degree(degree_node, name, owner, found))
        if role is None:
            found.unknown.append(
                problem(role_node, f"role '{name}' of '{owner}' is not a CRediT role", role_hint(name))
            )
        elif any(role.name == seen.name for seen in found.roles):
            hint = "give each role once"
            found.invalid.append(problem(role_node, f"role '{role.name}' of '{owner}' is given twice", hint))
        else:
            found.roles.append(role)
    return found


def _parts(item: yaml.Node, found: Roles, owner: str) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The nodes of an item's role and degree: a plain role, `{role: x, degree: y}` or Quarto's `{x: y}`."""
    if isinstance(item, yaml.ScalarNode):
        return (item if text(item) else None), None
    pairs = entries(item)
    keys = [key for key, _, _ in pairs]
    if isinstance(item, yaml.MappingNode) and len(pairs) == 1 and keys[0] not in (*ROLE_KEYS, "degree"):
        key, key_node, value = pairs[0]
        if value.tag == BOOL:  # Manubot: {Data curation: true}; {Formal analysis: false} says the author did not
            return (key_node if flag(value) else None), None
        return key_node, (None if empty(value) else value)  # Quarto: {investigation: lead}
    if isinstance(item, yaml.MappingNode) and any(key in ROLE_KEYS for key in keys):
        values = {key: value for key, _, value in pairs}
        for key, key_node, _ in pairs:
            if key not in (*ROLE_KEYS, "degree"):
                found.invalid.append(
                    problem(key_node, f"unknown key '{key}' in a role of '{owner}'", "a role has role and degree")
                )
        role = next(values[key] for key in ROLE_KEYS if key in values)
        if isinstance(role, yaml.ScalarNode):
            return role, values.get("degree")
    hint = "write a role as its name, or as {role: software, degree: lead}"
    found.invalid.append(problem(item, f"a role of '{owner}' is neither a role's name nor a role with a degree", hint))
    return None, None


def _degree(node: yaml.Node | None, role: str, owner: str, found: Roles) -> str:
    """The degree of contribution a node gives ("" when none or when wrong, reported)."""
    if node is None or empty(node):
        return ""
    degree = text(node).casefold()
    if degree in DEGREES:
        return degree
    written = text(node) or "a list or mapping"
    hint = f"a degree is {', '.join(DEGREES[:-1])} or {DEGREES[-1]}"
    found.invalid.append(problem(node, f"degree '{written}' of role '{role}' of '{owner}' is not CRediT's", hint))
    return ""
