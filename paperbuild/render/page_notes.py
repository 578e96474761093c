"""Footnotes for the printed page: each Note of the AST -> an inline Span the print CSS floats to its page's foot.

Takes AST blocks or inlines (a piece of the paper); gives a copy in which each footnote (`[^n]`, `^[...]`) is a Span
of class "footnote" standing where it is called, holding the note's text: WeasyPrint sets an element of
`float: footnote` at the foot of the page its call falls on, numbers it (`counter(footnote)`) and prints the call
and the marker. pandoc's HTML would instead gather the notes at the end of the page, as endnotes, which is what
the screen page keeps. A note's first paragraph is the Span's text, each further paragraph a Span of its own within
it (class "footnote-paragraph"), and so is each item of a list, each line of code: every word of the note is
printed.
"""

from __future__ import annotations

from typing import Any

from paperbuild.pandoc_ast import Node, copy_tree, span, walk

FOOTNOTE_CLASS = "footnote"
"""The class of a note's Span; the print CSS gives it `float: footnote`."""
PARAGRAPH_CLASS = "footnote-paragraph"
"""The class of the Span holding a note's second paragraph, and each after it; the print CSS makes it a block (the
first paragraph stays inline, after the note's number)."""
INLINE_CONTAINERS = frozenset({"Para", "Plain", "Header"})
"""Blocks whose content is inlines."""


def _note_inlines(blocks: list[Node]) -> list[Node]:
    """A note's blocks as inlines: the first paragraph, then each other paragraph, list item or code block in a Span
    of its own."""
    lines: list[list[Node]] = []

    def visit(block: Node) -> None:
        kind: str = block["t"]
        content: list[Any] = block.get("c", [])
        if kind in INLINE_CONTAINERS:
            lines.append(content[-1] if kind == "Header" else content)
        elif kind == "LineBlock":
            lines.extend(content)
        elif kind == "CodeBlock":
            lines.append([{"t": "Code", "c": content}])
        elif kind == "RawBlock":
            lines.append([{"t": "RawInline", "c": content}])
        elif kind in ("BulletList", "OrderedList"):
            for item in content[-1] if kind == "OrderedList" else content:
                for child in item:
                    visit(child)
        elif kind == "DefinitionList":
            for term, definitions in content:
                lines.append(term)
                for child in [b for definition in definitions for b in definition]:
                    visit(child)
        elif kind in ("BlockQuote", "Div"):
            for child in content if kind == "BlockQuote" else content[1]:
                visit(child)
        else:  # a table or a figure in a note: its words, a line each block
            lines.append([n for n in walk(content) if n["t"] in ("Str", "Space", "Code", "Math")])

    for block in blocks:
        visit(block)
    first, *rest = [line for line in lines if line] or [[]]
    return [*first, *(span(line, [PARAGRAPH_CLASS]) for line in rest)]


def notes_at_page_foot(value: Any) -> Any:
    """A copy of `value` (blocks or inlines) with every Note a Span of class "footnote" holding its text."""
    result = copy_tree(value)
    for node in walk(result):
        if node["t"] == "Note":
            node["t"], node["c"] = "Span", span(_note_inlines(node["c"]), [FOOTNOTE_CLASS])["c"]
    return result


def has_notes(value: Any) -> bool:
    """Whether `value` holds a footnote."""
    return any(node["t"] == "Note" for node in walk(value))
