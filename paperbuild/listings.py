"""Code listings: a code block with a caption or a `lst:` label, numbered as pandoc-crossref and Quarto number them.

Takes a CodeBlock (Pandoc JSON) whose id is a `lst:`/`lst-` label (`{#lst:x}`, Quarto's `{#lst-x}`) or that has a
caption attribute (pandoc-crossref's `caption="…"`, Quarto's `lst-cap="…"`); gives a Div of class "listing" that
carries the label, holding the caption paragraph "Listing 1. caption" above the code (the code block without the
label and the caption, which it no longer needs). crossref.py counts the listings and resolves `@lst:x` to them, so
the PDF, the HTML, the DOCX and the JATS print the same caption and number.
"""

from __future__ import annotations

from paperbuild.pandoc_ast import Node, div, para, span, text

CAPTION_KEYS = ("caption", "lst-cap")
"""The attributes that hold a listing's caption: pandoc-crossref's and Quarto's."""
LISTING_CLASS = "listing"
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
    return div([div([heading], classes=["listing-caption"]), code], identifier, [LISTING_CLASS])
