"""Small helpers to build and read Pandoc JSON AST nodes (plain dicts), shared by the stages that edit the AST.

Takes and gives plain Pandoc JSON values (`{"t": "Str", "c": "word"}`); no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

Node = dict[str, Any]
Attr = list[Any]
JsonValue = TypeVar("JsonValue")
REFS_ID = "refs"
"""The id of the Div citeproc puts the reference list in."""


def attr(identifier: str = "", classes: list[str] | None = None, pairs: dict[str, str] | None = None) -> Attr:
    """A Pandoc attribute triple: id, classes, key-value pairs."""
    return [identifier, classes or [], [[k, v] for k, v in (pairs or {}).items()]]


def text(words: str) -> list[Node]:
    """Inlines for plain text: words separated by spaces."""
    inlines: list[Node] = []
    for index, word in enumerate(words.split(" ")):
        if index:
            inlines.append({"t": "Space"})
        if word:
            inlines.append({"t": "Str", "c": word})
    return inlines


def span(inlines: list[Node], classes: list[str] | None = None, pairs: dict[str, str] | None = None) -> Node:
    """A Span around inlines."""
    return {"t": "Span", "c": [attr("", classes, pairs), inlines]}


def div(
    blocks: list[Node], identifier: str = "", classes: list[str] | None = None, pairs: dict[str, str] | None = None
) -> Node:
    """A Div around blocks."""
    return {"t": "Div", "c": [attr(identifier, classes, pairs), blocks]}


def plain(inlines: list[Node]) -> Node:
    """A Plain block (inlines without a paragraph)."""
    return {"t": "Plain", "c": inlines}


def para(inlines: list[Node]) -> Node:
    """A paragraph."""
    return {"t": "Para", "c": inlines}


def header(level: int, inlines: list[Node], identifier: str = "", classes: list[str] | None = None) -> Node:
    """A heading."""
    return {"t": "Header", "c": [level, attr(identifier, classes), inlines]}


def raw_block(fmt: str, content: str) -> Node:
    """A raw block passed through to one output format."""
    return {"t": "RawBlock", "c": [fmt, content]}


def meta_inlines(value: Node | None) -> list[Node]:
    """Inlines of a MetaInlines/MetaString value; [] when absent."""
    if value is None:
        return []
    if value["t"] == "MetaInlines":
        return list(value["c"])
    if value["t"] == "MetaString":
        return text(value["c"])
    if value["t"] == "MetaBlocks" and value["c"] and value["c"][0]["t"] in ("Para", "Plain"):
        return list(value["c"][0]["c"])
    return []


def meta_blocks(value: Node | None) -> list[Node]:
    """Blocks of a MetaBlocks/MetaInlines value; [] when absent."""
    if value is None:
        return []
    if value["t"] == "MetaBlocks":
        return list(value["c"])
    inlines = meta_inlines(value)
    return [para(inlines)] if inlines else []


def is_raw_html(node: Node) -> bool:
    """Whether `node` is raw HTML written into a chapter (a RawInline or RawBlock for an HTML writer; pandoc
    compares formats without case, so `{=HTML}` is HTML too)."""
    return node["t"] in ("RawInline", "RawBlock") and node["c"][0].lower() in ("html", "html5", "html4")


def walk(value: Any) -> Iterator[Node]:
    """Every AST node (dict with a "t") inside `value`, depth first, in document order.

    A node's children are read when the walk moves past it, so a caller may replace a node's content as it
    meets it and the walk goes on into the new content. Iterative: a book's AST is deep, and nested generators
    made each node cost as much as its depth."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "t" in item:  # a node: {"t": type, "c": content}; its children are in its content
                yield item
                content = item.get("c")
                if isinstance(content, (list, dict)):
                    stack.append(content)
            else:  # a citation, or metadata's map of fields
                stack.extend(reversed(item.values()))


def is_reference_list(block: Node) -> bool:
    """Whether `block` is the reference list citeproc makes (a Div with id "refs")."""
    return block["t"] == "Div" and str(block["c"][0][0]) == REFS_ID


def split_reference_list(blocks: list[Node]) -> tuple[list[Node], list[Node]]:
    """The blocks other than the reference list, and the reference list (one Div, or none)."""
    return [b for b in blocks if not is_reference_list(b)], [b for b in blocks if is_reference_list(b)]


def copy_tree(value: JsonValue) -> JsonValue:
    """A deep copy of a JSON value, such as AST blocks (a few times faster than copy.deepcopy on a book)."""
    return cast(JsonValue, json.loads(json.dumps(value)))


BLOCKS = frozenset(
    {
        "Para",
        "Plain",
        "Header",
        "LineBlock",
        "CodeBlock",
        "RawBlock",
        "BlockQuote",
        "OrderedList",
        "BulletList",
        "DefinitionList",
        "Div",
        "Figure",
        "Table",
        "HorizontalRule",
        "Note",
    }
)
QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


def stringify(value: Any) -> str:
    """The text a reader sees in blocks or inlines, whitespace collapsed: blocks and footnotes are separated by
    spaces (so the last word of one paragraph does not run into the first of the next), a citation reads as
    citeproc printed it, quotation marks are kept, raw HTML and OpenXML are left out."""
    out: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, list):
            for child in item:
                visit(child)
            return
        if not isinstance(item, dict) or "t" not in item:
            return
        kind = item["t"]
        if kind == "Str":
            out.append(item["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Code", "Math"):
            out.append(item["c"][1])
        elif kind in ("Cite", "Link", "Image"):
            visit(item["c"][1])
        elif kind == "Quoted":
            opening, closing = QUOTES.get(item["c"][0]["t"], ('"', '"'))
            out.append(opening)
            visit(item["c"][1])
            out.append(closing)
        elif kind == "LineBlock":
            for line in item["c"]:
                visit(line)
                out.append(" ")
        elif kind in BLOCKS:
            out.append(" ")
            visit(item.get("c"))
            out.append(" ")
        elif kind not in ("RawInline", "RawBlock"):
            visit(item.get("c"))

    visit(value)
    return " ".join("".join(out).split())


_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'[]{}"')
_QUOTED = re.compile(rb'"[^"]*"')


def nests_deeper_than(document: bytes, limit: int) -> bool:
    """Whether the JSON text `document` nests arrays and objects more than `limit` deep (a document ten thousand
    deep would make the JSON parser, and every recursive walk after it, overflow the stack).

    Read at the speed of bytes methods, without parsing (a quarter of a second on a 150,000-word book's 9 MB):
    escapes and the text of strings are dropped, leaving the brackets; then each pass deletes the innermost
    pairs, "[]", so the brackets are gone after as many passes as the document is deep."""
    shape = document.replace(b"\\\\", b"").replace(b'\\"', b"").translate(_BRACKETS, _NOT_STRUCTURE)
    shape = _QUOTED.sub(b"", shape.replace(b'""', b""))  # most strings hold no bracket: "" once the rest is gone
    for _ in range(limit):
        if not shape:
            return False
        shape = shape.replace(b"[]", b"")
    return bool(shape)


def lists_holding(ast: dict[str, Any], wanted: Callable[[Node], bool]) -> list[list[Any]]:
    """Every list of the AST (metadata included) holding a node `wanted` accepts, to be edited in place; walked
    with a stack, not recursion, so a deeply nested document cannot exhaust Python's stack."""
    found = []
    stack: list[Any] = [ast["meta"], ast["blocks"]]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
        elif isinstance(item, list):
            if any(isinstance(n, dict) and wanted(n) for n in item):
                found.append(item)
            stack.extend(v for v in item if isinstance(v, (list, dict)))
    return found


def text_without_notes(inlines: list[Node]) -> str:
    """The text of `inlines` without their footnotes, wherever they are nested: a running head (the short title,
    else the title) and a document's title give it."""
    shown = copy_tree(inlines)
    for holder in lists_holding({"meta": {}, "blocks": shown}, lambda node: node["t"] == "Note"):
        holder[:] = [node for node in holder if not (isinstance(node, dict) and node.get("t") == "Note")]
    return stringify(shown)
