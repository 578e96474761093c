"""Code listings: a code block with a caption or a `lst:` label, numbered as pandoc-crossref and Quarto number them.

Takes the blocks of a manuscript (Pandoc JSON) and in them a code block whose id is a `lst:`/`lst-` label
(`{#lst:x}`, Quarto's `{#lst-x}`) or that has a caption attribute (pandoc-crossref's `caption="…"`, Quarto's
`lst-cap="…"`), or that a paragraph "Listing: caption" or ": caption" beside it or a Div `{#lst:x .listing}` around
it captions (pandoc-crossref's other forms); gives a Div of class "listing" that carries the label, holding the
caption paragraph "Listing 1. caption" (in the DOCX, a table's caption style) above the code block, which no longer
carries the label or the caption. crossref.py counts the listings and resolves `@lst:x` to them, so the PDF, the
HTML, the DOCX and the JATS print the same caption and number.
"""

from __future__ import annotations

from paperbuild.pandoc_ast import Node, div, para, span, text

CAPTION_KEYS = ("caption", "lst-cap")
"""The attributes that hold a listing's caption: pandoc-crossref's and Quarto's."""
LISTING_CLASS = "listing"
CAPTION_STYLE = "Table Caption"
"""The DOCX paragraph style of a listing's caption: the reference documents' caption above its table, kept with the
next paragraph (the code) on one page."""
LABEL_PREFIXES = ("lst:", "lst-")


CAPTION_LEADS = ("Listing:", ":")
"""What starts a paragraph that captions the code block beside it (pandoc-crossref's `codeBlockCaptions`)."""


def _caption_paragraph(block: Node | None) -> list[Node] | None:
    """The caption of a paragraph "Listing: caption" or ": caption"; None for any other block."""
    inlines = block["c"] if block is not None and block["t"] == "Para" else []
    if len(inlines) > 2 and inlines[0]["t"] == "Str" and inlines[0]["c"] in CAPTION_LEADS:
        return inlines[2:] if inlines[1]["t"] == "Space" else None
    return None


def gathered(blocks: list[Node]) -> list[Node]:
    """`blocks` with each code block captioned by a paragraph before or after it ("Listing: caption", ": caption")
    made one Div of class "listing" holding the caption paragraph and the code, as pandoc-crossref's other form
    (a Div `{#lst:x .listing}` around the two) is written."""
    out: list[Node] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        before = _caption_paragraph(out[-1]) if out and block["t"] == "CodeBlock" else None
        if before is not None:
            out[-1] = div([para(before), block], block["c"][0][0], [LISTING_CLASS])
        elif block["t"] == "CodeBlock" and (caption := _caption_paragraph(after)) is not None:
            out.append(div([para(caption), block], block["c"][0][0], [LISTING_CLASS]))
            index += 1
        else:
            out.append(block)
        index += 1
    return out


def is_listing(block: Node) -> bool:
    """Whether `block` is a listing to number: a code block labelled `lst:` or captioned, or a Div of class
    "listing" holding a caption paragraph and a code block."""
    identifier, classes, pairs = block["c"][0] if block["t"] in ("CodeBlock", "Div") else ("", [], [])
    if block["t"] == "Div":
        inner = [b["t"] for b in block["c"][1]]
        return any(c.startswith(LISTING_CLASS) for c in classes) and inner == ["Para", "CodeBlock"]
    return block["t"] == "CodeBlock" and (
        identifier.startswith(LABEL_PREFIXES) or any(key in CAPTION_KEYS for key, _ in pairs)
    )


def listing(block: Node, label: str) -> Node:
    """The Div of a listing (see `is_listing`): its caption paragraph, led by `label` ("Listing 1."), then the code."""
    if block["t"] == "Div":
        identifier, (caption, code) = block["c"][0][0] or block["c"][1][1]["c"][0][0], block["c"][1]
        words = caption["c"]
    else:
        identifier, code = block["c"][0][0], block
        words = text(" ".join(next((value for key, value in block["c"][0][2] if key in CAPTION_KEYS), "").split()))
    classes, pairs = code["c"][0][1], [p for p in code["c"][0][2] if p[0] not in CAPTION_KEYS]
    first = span([{"t": "Strong", "c": text(label)}], ["caption-label"])
    heading = para([first, *([{"t": "Space"}, *words] if words else [])])
    caption_div = div([heading], classes=["listing-caption"], pairs={"custom-style": CAPTION_STYLE})
    return div(
        [caption_div, {"t": "CodeBlock", "c": [["", classes, pairs], code["c"][1]]}], identifier, [LISTING_CLASS]
    )
