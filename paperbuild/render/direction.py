"""Blocks -> the same blocks with each paragraph written against the paper's direction marked with its own.

Takes blocks of the numbered document and the paper's language; gives a copy in which each paragraph whose first
strong character (Unicode's bidirectional rule P2) runs against the paper's direction — an Arabic or Hebrew
paragraph in an English paper, an English one in an Arabic paper — lies in a Div with `dir="rtl"` (or `"ltr"`).
pandoc writes that Div as `<div dir="rtl">` in the HTML, which the browser and WeasyPrint set right to left and
aligned right, its closing full stop at the left end; in the DOCX as `<w:bidi/>` on the paragraph and `<w:rtl/>` on
its runs. Without it the paragraph took the paper's direction: left-aligned, its last full stop printed at the
right, before its first word. Paragraphs are looked for at the top, in divs, block quotes and list items;
headings are left to the bidirectional algorithm, as a heading's number leads it (a `dir` on a heading would turn
its whole section, which pandoc makes from it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from paperbuild.pandoc_ast import Node, div, stringify

RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb", "syr"})
"""Primary language subtags of scripts written right to left."""
STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}
"""Unicode bidirectional classes -> the direction they set a paragraph to."""


def paper_direction(lang: str) -> str:
    """The direction of a paper in the language `lang` (a BCP 47 tag): "rtl" or "ltr"."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def first_strong(words: str) -> str | None:
    """The direction of the first character of `words` that has one ("rtl", "ltr"); None for digits, punctuation
    and spaces alone."""
    for character in words:
        direction = STRONG.get(unicodedata.bidirectional(character))
        if direction:
            return direction
    return None


def directed(blocks: list[Node], base: str, *, docx: bool = False) -> list[Node]:
    """`blocks` with each paragraph whose own direction is not `base` in a Div of its direction (see the module's
    docstring); the blocks are shared with `blocks`, the lists holding them are new. For the `docx` the Div also
    names the paragraph's style, which pandoc's DOCX writer leaves out of a paragraph that has a direction (it
    would fall to Normal): "First Paragraph" after a heading, "Compact" in a list, "Body Text" otherwise; not in a
    Div of an author's or paperbuild's `custom-style`, which styles it."""
    return _Director(base, docx).blocks(blocks, styled=False, listed=False)


@dataclass(frozen=True)
class _Director:
    base: str
    docx: bool

    def blocks(self, blocks: list[Node], *, styled: bool, listed: bool, base: str = "") -> list[Node]:
        out: list[Node] = []
        for index, block in enumerate(blocks):
            kind = block["t"]
            if kind in ("Para", "Plain"):
                out.append(self.paragraph(block, base or self.base, styled or not self.docx, listed, blocks[:index]))
            elif kind == "Div":  # an author's `::: {dir=rtl}` sets the direction its paragraphs are read against
                pairs = dict(block["c"][0][2])
                inner = self.blocks(
                    block["c"][1], styled=styled or "custom-style" in pairs, listed=listed, base=pairs.get("dir", base)
                )
                out.append({"t": "Div", "c": [block["c"][0], inner]})
            elif kind == "BlockQuote":
                out.append({"t": "BlockQuote", "c": self.blocks(block["c"], styled=styled, listed=listed, base=base)})
            elif kind in ("BulletList", "OrderedList"):
                items = block["c"] if kind == "BulletList" else block["c"][1]
                items = [self.blocks(item, styled=styled, listed=True, base=base) for item in items]
                out.append({"t": kind, "c": items if kind == "BulletList" else [block["c"][0], items]})
            else:
                out.append(block)
        return out

    def paragraph(self, block: Node, base: str, styled: bool, listed: bool, before: list[Node]) -> Node:
        own = first_strong(stringify(block["c"]))
        if own is None or own == base:
            return block
        pairs = {"dir": own}
        if not styled:
            after_heading = bool(before) and before[-1]["t"] == "Header"
            pairs["custom-style"] = (
                "Compact" if listed and block["t"] == "Plain" else "First Paragraph" if after_heading else "Body Text"
            )
        return div([block], pairs=pairs)
