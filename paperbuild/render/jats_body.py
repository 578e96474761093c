"""Tidy the body of pandoc's JATS: the statements JATS keeps in `back` moved there, and its ids made readable.

Takes the JATS tree jats_tree.py completes, its sections numbered; changes it in place and gives the titles of the
acknowledgement sections it moved. A level-1 section headed Acknowledgements (Acknowledgments, Acknowledgement,
致谢: any case, numbered or not) becomes an `ack` of `back`, its title and number kept, after the acknowledgements
metadata gives (both kept); one headed Data availability (statement, or Availability of data and materials)
becomes a `sec sec-type="data-availability"` of `back`, as JATS4R's recommendation on data availability
statements tags it. Other statements (Funding, Competing interests) stay in the body: JATS 1.2 has no section of
`back` for them (a funding statement metadata gives is the `funding-group`, jats_tree.py). The ids pandoc escapes
(`figU003Ax` for pandoc-crossref's `fig:x`: a colon is no XML name character) become `fig-x`, made unique against
every other id, and every `rid` follows its target.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

ACK_TITLES = frozenset({"acknowledgements", "acknowledgments", "acknowledgement", "acknowledgment", "致谢"})
DATA_TITLES = frozenset(
    {"data availability", "data availability statement", "availability of data and materials", "data accessibility"}
)
NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])[.:)]?\s+|^\s*第[一二三四五六七八九十\d]+[章节]\s*")
"""A number written before a heading's words ("5 ", "5. ", "IV. ", "A. ", "第五章")."""
ESCAPE = re.compile(r"U([0-9A-F]{4})")
"""pandoc's escape of a character an XML name cannot hold: U and its code point in four hex digits."""


def _title(section: Any) -> str:
    title = section.find("title")
    words = " ".join("".join(title.itertext()).split()) if title is not None else ""
    return NUMBER.sub("", words).strip().rstrip(".:").casefold()


def back_statements(root: Any) -> list[str]:
    """Move the acknowledgement and data availability sections of the body to `back` (see the module's
    docstring); the titles of the acknowledgement sections moved, as written."""
    body, back = root.find("body"), root.find("back")
    if body is None:
        return []
    if back is None:
        back = etree.SubElement(root, "back")
    acks = back.findall("ack")
    at = back.index(acks[-1]) + 1 if acks else 0
    moved = []
    for section in body.findall("sec"):
        title = _title(section)
        if title in ACK_TITLES:
            section.tag = "ack"
            section.attrib.pop("sec-type", None)
            moved.append(" ".join("".join(section.find("title").itertext()).split()))
        elif title in DATA_TITLES:
            section.set("sec-type", "data-availability")
        else:
            continue
        back.insert(at, section)
        at += 1
    return moved


def _readable(identifier: str) -> str:
    """`identifier` with each character pandoc escaped (`U003A`) as a hyphen; others as written."""

    def hyphen(match: re.Match[str]) -> str:
        character = chr(int(match.group(1), 16))
        return match.group(0) if character.isalnum() or character in "._-" else "-"

    return ESCAPE.sub(hyphen, identifier)


def written_id(identifier: str) -> str:
    """An id as the chapters write it: pandoc's escapes (`U003A`) as their characters (`sec:x`)."""
    return ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), identifier)


def readable_ids(root: Any) -> None:
    """Each id pandoc escaped made readable (`figU003Ax` -> `fig-x`), unique among the article's ids, and every
    `rid` (a list of ids) renamed with it."""
    elements = [element for element in root.iter() if isinstance(element.tag, str) and element.get("id")]
    taken = {element.get("id") for element in elements}
    renamed: dict[str, str] = {}
    for element in elements:
        old = element.get("id")
        new = _readable(old)
        if new == old:
            continue
        base, number = new, 1
        while new in taken:
            number += 1
            new = f"{base}-{number}"
        taken.add(new)
        renamed[old] = new
        element.set("id", new)
    if renamed:
        for element in root.iter():
            if isinstance(element.tag, str) and element.get("rid"):
                element.set("rid", " ".join(renamed.get(rid, rid) for rid in element.get("rid").split()))
