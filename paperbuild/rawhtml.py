"""Simple raw HTML in the manuscript -> the AST nodes it means, so that every output carries it.

Takes the parsed manuscript AST (Pandoc JSON); gives it, in place, with each pair of plain inline tags pandoc's
Markdown reader kept as raw HTML (`H<sub>2</sub>O`, `<b>...</b>`, `<sup>`, `<em>`, `<i>`, `<strong>`, `<u>`) made
the node it stands for (Subscript, Strong, Superscript, Emph, Underline) and each `<br>` a LineBreak. pandoc's DOCX
writer drops raw HTML, and the text inside the tags would lose its meaning there ("H2O"); what is left raw (a tag
with attributes, one never closed, any other element) is reported by tex/convert.py when the DOCX cannot carry it.
"""

from __future__ import annotations

import re
from typing import Any

from paperbuild.pandoc_ast import Node, lists_holding

ELEMENTS = {
    "sub": "Subscript",
    "sup": "Superscript",
    "em": "Emph",
    "i": "Emph",
    "strong": "Strong",
    "b": "Strong",
    "u": "Underline",
}
"""Inline elements without attributes -> the AST node of the same meaning."""
TAG = re.compile(rf"<\s*(?P<close>/)?\s*(?P<name>{'|'.join(ELEMENTS)})\s*>", re.IGNORECASE)
LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
MAX_DEPTH = 16
"""Elements nested deeper than this stay raw HTML: a paragraph of ten thousand `<b>` must not make an AST too
deep for the writers."""


def _tag(node: Node) -> tuple[str, bool] | None:
    """(element, is a closing tag) of a raw HTML inline that is one plain tag of ELEMENTS, else None."""
    if node.get("t") != "RawInline" or node["c"][0] != "html":
        return None
    match = TAG.fullmatch(node["c"][1].strip())
    return (match.group("name").lower(), bool(match.group("close"))) if match else None


def _convert(inlines: list[Node]) -> list[Node]:
    """`inlines` with each matched pair of tags made one node, iteratively (tags nest in a flat list)."""
    frames: list[tuple[str, Node, list[Node]]] = [("", {}, [])]  # (element, its opening tag, what it holds so far)
    for node in inlines:
        tag = _tag(node)
        if node.get("t") == "RawInline" and node["c"][0] == "html" and LINE_BREAK.fullmatch(node["c"][1].strip()):
            frames[-1][2].append({"t": "LineBreak"})
        elif tag is not None and not tag[1] and len(frames) <= MAX_DEPTH:
            frames.append((tag[0], node, []))
        elif tag is not None and tag[1] and len(frames) > 1 and frames[-1][0] == tag[0]:
            element, _, held = frames.pop()
            frames[-1][2].append({"t": ELEMENTS[element], "c": held})
        else:
            frames[-1][2].append(node)
    while len(frames) > 1:  # never closed: the opening tag stays raw, what followed it stays where it was
        _, opening, held = frames.pop()
        frames[-1][2].extend([opening, *held])
    return frames[0][2]


def convert_html(ast: dict[str, Any]) -> None:
    """Replace, in place, the plain inline tags and line breaks of `ast` with the nodes they stand for."""
    for inlines in lists_holding(ast, lambda n: n.get("t") == "RawInline"):
        inlines[:] = _convert(inlines)
