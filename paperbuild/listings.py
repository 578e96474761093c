"""Code listings: a code block with a caption or a `lst:` label, numbered as pandoc-crossref and Quarto number them.

Takes a CodeBlock (Pandoc JSON) whose id is a `lst:`/`lst-` label (`{#lst:x}`, Quarto's `{#lst-x}`) or that has a
caption attribute (pandoc-crossref's `caption="…"`, Quarto's `lst-cap="…"`); gives a Div of class "listing" that
carries the label, holding the caption paragraph "Listing 1. caption" (in the DOCX, a table's caption style) above
the code block, which no longer carries the label or the caption. crossref.py counts the listings and resolves
`@lst:x` to them, so the PDF, the HTML, the DOCX and the JATS print the same caption and number.
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


def is_listing(block: Node) -> bool:
    """Whether `block` is a code block to number: labelled `lst:` or captioned."""
    if block["t"] != "CodeBlock":
        return False
    identifier, _, pairs = block["c"][0]
    return identifier.startswith(LABEL_PREFIXES) or any(key in CAPTION_KEYS for key, _ in pairs)


def listing(block: Node, label: str) -> Node:
    """The Div of a listing code block: its caption paragraph, led by `label` ("Listing 1."), then the code."""
    identifier, classes, pairs = block["c"][0]
    caption = next((value for key, value in pairs if key in CAPTION_KEYS), "")
    code = {"t": "CodeBlock", "c": [["", classes, [p for p in pairs if p[0] not in CAPTION_KEYS]], block["c"][1]]}
    first = span([{"t": "Strong", "c": text(label)}], ["caption-label"])
    words = text(" ".join(caption.split()))
    heading = para([first, *([{"t": "Space"}, *words] if words else [])])
    caption_div = div([heading], classes=["listing-caption"], pairs={"custom-style": CAPTION_STYLE})
    return div([caption_div, code], identifier, [LISTING_CLASS])
