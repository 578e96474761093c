"""CSL JSON (or CSL YAML, read by pandoc) as BibTeX that paperbuild's own checks accept.

Takes a CSL bibliography's bytes; gives the .bib text, each entry's key (a CSL id pandoc cannot cite bare, such as
`http://x/summary?doi=10.1`, gets a key made of its letters and digits) and what could not be carried over, by
entry and field. Written here rather than by pandoc's BibTeX writer, which drops a report's publisher (BibTeX's
institution), a thesis's publisher (school) and genre (a master's thesis became @phdthesis), the container title
of a report and a conference's event, the day of a date, and title-cases titles that CSL keeps as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from paperbuild import pandoc

TYPES = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "manuscript": "unpublished",
}
"""CSL type -> BibTeX type; a thesis is by its genre; any other type is @misc."""
PLAIN = {
    "volume": "volume",
    "issue": "number",
    "number": "number",
    "edition": "edition",
    "publisher-place": "address",
    "collection-title": "series",
    "note": "note",
    "ISBN": "isbn",
    "ISSN": "issn",
    "language": "langid",
    "event-place": "venue",
    "version": "version",
    "number-of-pages": "pagetotal",
}
"""CSL variables written as they are, escaped (venue, version, pagetotal: biblatex's, which pandoc reads)."""
DATES = {"original-date": "origdate", "event-date": "eventdate"}
VERBATIM = {"URL": "url", "DOI": "doi"}
"""Read by pandoc verbatim: written unescaped."""
IGNORED = {"id", "type", "citation-key", "source", "abstract", "keyword", "container-title-short", "title-short"}
"""What a reference list never prints, left out without a word."""
SAFE_KEY = re.compile(r"\w+(?:[:.#$%&\-+?<>~/]+\w+)*")  # what pandoc's Markdown reads whole after `@`
ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
MASTER = re.compile(r"master|\bm\.?\s?(?:sc|a|eng|phil)\b", re.IGNORECASE)
DOCTOR = re.compile(r"ph\.?\s?d|doctor|dissertation|\bd\.?\s?phil\b", re.IGNORECASE)
MAX_KEY = 60  # characters of a key made from an address
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass
class Converted:
    """A CSL bibliography as BibTeX."""

    bibtex: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    """CSL id -> the entry's BibTeX key."""
    dropped: list[tuple[str, str, str]] = field(default_factory=list)
    """(CSL id, CSL variable, why) for what the BibTeX does not carry."""


def citable(key: str) -> bool:
    """Whether pandoc reads `@key` as citing all of `key`."""
    return SAFE_KEY.fullmatch(key) is not None


def csl_items(data: bytes, yaml_source: bool) -> list[dict[str, Any]]:
    """The items of a CSL JSON file, or of a CSL YAML file (`references:`) as pandoc reads it."""
    if yaml_source:
        data = pandoc.run(["-f", "markdown", "-t", "csljson", "--sandbox"], b"---\n" + data + b"\n...\n")
    items = json.loads(data.decode("utf-8-sig"))
    return [item for item in (items if isinstance(items, list) else [items]) if isinstance(item, dict)]


def convert(items: list[dict[str, Any]]) -> Converted:
    """`items` (CSL JSON objects) as BibTeX entries."""
    out = Converted()
    used: set[str] = set()
    entries = []
    for item in items:
        ident = str(item.get("id", ""))
        key = _key(ident, used)
        used.add(key.casefold())
        out.keys[ident] = key
        kind, fields = _fields(item, ident, out.dropped)
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{key},\n{body}\n}}\n\n")
    out.bibtex = "".join(entries)
    return out


def _key(ident: str, used: set[str]) -> str:
    if citable(ident):
        key = ident
    else:  # the address's words: url:https://www.x.org/a?b=1 -> x-org-a-b-1
        words = re.sub(r"^(?:url:)?(?:\w+://)?(?:www\.)?", "", ident)
        key = re.sub(r"\W+", "-", words)[:MAX_KEY].strip("-") or "entry"
    unique, n = key, 1
    while unique.casefold() in used:
        n += 1
        unique = f"{key}-{n}"
    return unique


def _fields(item: dict[str, Any], ident: str, dropped: list[tuple[str, str, str]]) -> tuple[str, list[tuple[str, str]]]:
    kind = _type(item)
    fields: list[tuple[str, str]] = []
    for name, value in item.items():
        if name in IGNORED or value in (None, "", []):
            continue
        written = _field(kind, name, value, item)
        taken = {field for field, _ in fields}
        if written is None:
            dropped.append((ident, name, "BibTeX has no field for it"))
        elif clash := [field for field, _ in written if field in taken]:
            dropped.append((ident, name, f"its BibTeX field '{clash[0]}' is given already"))
        else:
            fields += written
    return kind, fields


def _type(item: dict[str, Any]) -> str:
    kind = str(item.get("type", ""))
    if kind == "thesis":  # by the degree its genre names; none named, none claimed (biblatex's @thesis)
        genre = str(item.get("genre", ""))
        return "mastersthesis" if MASTER.search(genre) else "phdthesis" if DOCTOR.search(genre) else "thesis"
    return TYPES.get(kind, "misc")


def _field(kind: str, name: str, value: Any, item: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The BibTeX fields one CSL variable becomes; None when it has none."""
    if name == "title":
        return [("title", "{" + _escape(str(value)) + "}")]  # braced: CSL titles are as written, not recased
    if name in ("author", "editor") and isinstance(value, list):
        return [(name, " and ".join(_name(person) for person in value if isinstance(person, dict)))]
    if name == "container-title":
        return [("journal" if kind == "article" else "booktitle", _escape(str(value)))]
    if name in ("event", "event-title"):  # biblatex's eventtitle, which pandoc reads; a proceedings' title too
        as_booktitle = kind == "inproceedings" and not item.get("container-title")
        return [("eventtitle", _escape(str(value))), *([("booktitle", _escape(str(value)))] if as_booktitle else [])]
    if name in ("original-date", "event-date"):
        parts = _parts(value)
        return [(DATES[name], "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)))] if parts else None
    if name == "publisher":
        target = {"techreport": "institution", "thesis": "school"}.get(kind.removeprefix("phd").removeprefix("masters"))
        target = target or "publisher"
        return [(target, _escape(str(value)))]
    if name == "genre":
        return [("type", _escape(str(value)))] if kind in ("techreport", "phdthesis", "mastersthesis") else None
    if name == "page":
        return [("pages", _escape(re.sub(r"\s*[-–]\s*", "--", str(value))))]
    if name == "issued":
        return _date(value)
    if name == "accessed":
        parts = _parts(value)
        return [("urldate", "-".join(f"{p:02d}" for p in parts))] if parts else None
    if name in VERBATIM and _balanced(str(value)):
        return [(VERBATIM[name], str(value))]
    if name in PLAIN and isinstance(value, (str, int)):
        return [(PLAIN[name], _escape(str(value)))]
    return None


def _parts(value: Any) -> list[int]:
    try:
        return [int(p) for p in value["date-parts"][0]][:3]
    except (TypeError, KeyError, IndexError, ValueError):
        return []


def _date(value: Any) -> list[tuple[str, str]] | None:
    parts = _parts(value)
    if not parts:
        return None
    fields = [("year", str(parts[0]))]
    if len(parts) > 1 and 1 <= parts[1] <= 12:
        fields.append(("month", MONTHS[parts[1] - 1]))
    if len(parts) > 2:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    return fields


def _name(person: dict[str, Any]) -> str:
    if "literal" in person:
        return "{" + _escape(str(person["literal"])) + "}"
    particles = ("dropping-particle", "non-dropping-particle", "family")  # BibTeX's one "von" part holds both
    family = " ".join(str(person[k]) for k in particles if person.get(k))
    given = str(person.get("given", ""))
    parts = [_escape(family), _escape(str(person["suffix"])) if person.get("suffix") else "", _escape(given)]
    return ", ".join(p for p in parts if p) if given else "{" + _escape(family) + "}"


def _escape(text: str) -> str:
    return "".join(ESCAPES.get(c, c) for c in text)


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0
