"""Manubot's citation tags: a line `[@tag:x]: doi:10.1/y` names what `[@tag:x]` cites; so does Manubot's newer
`[@x]: doi:10.1/y`, which `[@x]` and `[@tag:x]` cite.

Takes the chapters (and metadata.yaml) and the parsed AST; gives the tags each source defines, the AST with each
definition line gone (pandoc's Markdown reader reads it as a citation followed by text, which would print) and each
citation of a defined tag citing the key it names, and the markers with the same changes, so that the checks see
the citations the reader will see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from paperbuild.markers import Marker, blank_code
from paperbuild.pandoc_ast import Node, stringify
from paperbuild.project import SourceFile

DEFINITION = re.compile(r"^ {0,3}\[@(?P<tag>[^\]\s]+)\]:[ \t]+@?(?P<key>[^\s@]+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Tags:
    """The citation tags of a manuscript."""

    keys: dict[str, str]
    """Tag (`tag:x`) -> the key it cites (the first definition of a tag counts)."""
    lines: frozenset[tuple[str, int]]
    """(source, line) of each definition line."""

    def retarget(self, markers: Iterable[Marker]) -> list[Marker]:
        """`markers` without the definitions' own, each citation of a defined tag citing the key it names."""
        return [
            replace(m, key=self.keys[m.key]) if m.kind == "citation" and m.key in self.keys else m
            for m in markers
            if (m.path, m.line) not in self.lines
        ]


def find_tags(sources: Iterable[SourceFile]) -> Tags:
    """The tags the sources define, code blanked."""
    keys: dict[str, str] = {}
    lines = set()
    for source in sources:
        text = blank_code(source.text)
        for match in DEFINITION.finditer(text):
            for tag in aliases(match.group("tag")):
                keys.setdefault(tag, match.group("key"))
            lines.add((source.rel, text.count("\n", 0, match.start()) + 1))
    return Tags(keys, frozenset(lines))


def aliases(tag: str) -> tuple[str, ...]:
    """The citation keys a defined tag answers to: `x` is also cited as `tag:x`."""
    return (tag,) if tag.startswith("tag:") else (tag, f"tag:{tag}")


def _definition(inlines: list[Node], tags: Tags) -> bool:
    """Whether one line of a paragraph is a tag definition: the citation, then ": key"."""
    first = inlines[0] if inlines else None
    if first is None or first["t"] != "Cite" or len(first["c"][0]) != 1:
        return False
    tag = first["c"][0][0]["citationId"]
    return tag in tags.keys and stringify(inlines[1:]).strip() in (f": {tags.keys[tag]}", f": @{tags.keys[tag]}")


def _lines(inlines: list[Node]) -> list[list[Node]]:
    lines: list[list[Node]] = [[]]
    for node in inlines:
        if node["t"] == "SoftBreak":
            lines.append([])
        else:
            lines[-1].append(node)
    return lines


def _without_definitions(blocks: list[Any], tags: Tags) -> list[Any]:
    """`blocks` (top-level, or a Div's) without the definition lines of their paragraphs."""
    out = []
    for block in blocks:
        if block["t"] == "Div":
            block["c"][1] = _without_definitions(block["c"][1], tags)
        elif block["t"] in ("Para", "Plain"):
            kept = [line for line in _lines(block["c"]) if not _definition(line, tags)]
            if not kept:
                continue
            block["c"] = [node for n, line in enumerate(kept) for node in ([{"t": "SoftBreak"}] if n else []) + line]
        out.append(block)
    return out


def resolve_tags(ast: dict[str, Any], tags: Tags) -> None:
    """In place: the definition lines removed from the body, and every citation of a defined tag citing its key."""
    if not tags.keys:
        return
    ast["blocks"][:] = _without_definitions(ast["blocks"], tags)
    stack: list[Any] = [ast["meta"], ast["blocks"]]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("t") == "Cite":
                for citation in item["c"][0]:
                    citation["citationId"] = tags.keys.get(citation["citationId"], citation["citationId"])
            stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (list, dict)))
