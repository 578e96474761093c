"""Blocks -> the same blocks with each paragraph written against the paper's direction marked with its own.

Takes blocks of the numbered document and the paper's language; gives a copy in which each paragraph whose first
strong character (Unicode's bidirectional rule P2) runs against the paper's direction — an Arabic or Hebrew
paragraph in an English paper, an English one in an Arabic paper — lies in a Div with `dir="rtl"` (or `"ltr"`).
pandoc writes that Div as `<div dir="rtl">` in the HTML, which the browser and WeasyPrint set right to left and
aligned right, its closing full stop at the left end; in the DOCX as `<w:bidi/>` on the paragraph and `<w:rtl/>` on
its runs. Without it the paragraph took the paper's direction: left-aligned, its last full stop printed at the
right, before its first word. Paragraphs are looked for at the top, in divs, block quotes and lists: a list whose
items all run against the paper's direction lies whole in such a Div (its bullets on their side); in a list of
both, an item's text is in a Span of its direction (its bullet with the others'). Headings are left to the
bidirectional algorithm, as a heading's number leads it (a `dir` on a heading would turn its whole section,
which pandoc makes from it).
"""

from __future__ import annotations

import unicodedata

from paperbuild.pandoc_ast import REFS_ID, Node, div, span, stringify

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
    would fall to Normal): "First Paragraph" after a heading, "Body Text" elsewhere; not in a block quote, the
    reference list or a Div of a `custom-style`, whose style pandoc keeps."""
    return _blocks(blocks, base, styled=not docx, listed=False)


def _blocks(blocks: list[Node], base: str, *, styled: bool, listed: bool) -> list[Node]:
    """`blocks` read against `base`; `styled`: a style the paragraphs keep is set around them (or none is
    needed); `listed`: they are in a list's item."""
    out: list[Node] = []
    for index, block in enumerate(blocks):
        kind = block["t"]
        if kind in ("Para", "Plain"):
            after_heading = index > 0 and blocks[index - 1]["t"] == "Header"
            out.append(_paragraph(block, base, styled, listed, after_heading))
        elif kind == "Div":  # an author's `::: {dir=rtl}` sets the direction its paragraphs are read against
            (identifier, _, pairs), content = block["c"]
            keeps = styled or identifier == REFS_ID or any(key == "custom-style" for key, _ in pairs)
            inner = dict(pairs).get("dir", base)
            out.append({"t": "Div", "c": [block["c"][0], _blocks(content, inner, styled=keeps, listed=listed)]})
        elif kind == "BlockQuote":
            out.append({"t": "BlockQuote", "c": _blocks(block["c"], base, styled=True, listed=listed)})
        elif kind in ("BulletList", "OrderedList"):
            out.append(_list(block, base, styled))
        else:
            out.append(block)
    return out


def _list(block: Node, base: str, styled: bool) -> Node:
    """A list whose items all run against `base` in a Div of their direction (its bullets on their side); in a list
    of both, each item's text in a Span of its own direction (its bullet with the others)."""
    items = block["c"] if block["t"] == "BulletList" else block["c"][1]
    owns = {first_strong(stringify(item)) for item in items}
    if len(owns) == 1 and None not in owns and base not in owns:
        return div([block], pairs={"dir": str(owns.pop())})
    items = [_blocks(item, base, styled=styled, listed=True) for item in items]
    return {"t": block["t"], "c": items if block["t"] == "BulletList" else [block["c"][0], items]}


def _paragraph(block: Node, base: str, styled: bool, listed: bool, after_heading: bool) -> Node:
    """`block` in a Div of its own direction when it has one and that is not `base` (a list item's text in a Span,
    so that its bullet stays with the list's)."""
    own = first_strong(stringify(block["c"]))
    if own is None or own == base:
        return block
    if listed:
        return {"t": block["t"], "c": [span(block["c"], pairs={"dir": own})]}
    pairs = (
        {"dir": own} if styled else {"dir": own, "custom-style": "First Paragraph" if after_heading else "Body Text"}
    )
    return div([block], pairs=pairs)
