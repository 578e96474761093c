"""Move figures and tables after the references, where journals want them in a submitted manuscript.

Takes the assembled, numbered Paper and the style's placement settings (`figures:`, `tables:`, `placeholders:` in
style.yaml); gives the Paper with each numbered figure (or table) taken out of the body, in order, into `floats`,
which every renderer prints after the references: tables under a "Tables" heading, then figures under "Figures"
(the order of Elsevier's and APA's manuscripts). Numbers, labels and cross-references do not change: they were
computed before, and a cross-reference links to the label wherever it now stands. `end-one-per-page` starts the
part, and each figure (table) after its first, on a new page in the PDF and the DOCX; with `placeholders`, the text
keeps a line "[Figure 1 about here]" where the figure was. A figure with neither caption nor label is not numbered,
so not a figure the journal counts: it stays where it is, as do figures inside lists and tables, which crossref
does not number either.

Whatever the placement, a figure or table written to span the columns of a two-column page gets the class "wide"
(`wide_floats`): the class `.wide` on it, on its image or on a Div around it, Quarto's `.column-page` and
`.column-screen` classes (and their `-inset` and `-left`/`-right` kinds) and `fig-env="figure*"`, and a `table*`
or `figure*` Div (pandoc's reading of LaTeX's `table*`). The PDF lifts such floats out of the sections around them
(render/columns.py), so that the style's print CSS can let them span (`column-span: all`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from paperbuild.crossref import Target, reference_inlines
from paperbuild.document import Paper
from paperbuild.numbering import numeral
from paperbuild.pandoc_ast import Node, div, header, para, raw_block, text, walk
from paperbuild.style import Style
from paperbuild.tex.convert import PAGE_BREAK_XML
from paperbuild.words import Words

KINDS = {"Table": "tbl", "Figure": "fig"}
"""Block type -> crossref's kind, in the order the parts follow the references."""
PARTS = {"Table": "tables", "Figure": "figures"}
"""Block type -> the label of its part's heading (words.py)."""
WIDE = "wide"
"""The class of a figure or table that spans the columns of a multi-column page."""
WIDE_CLASSES = frozenset({WIDE, "figure*", "table*", "column-page", "column-screen"})
"""Classes that ask a float to span the page's columns: ours, LaTeX's starred environments (pandoc reads `table*`
as a Div of that class), Quarto's page-wide columns (`.column-page-inset`, `.column-screen-left` ... too)."""
WIDE_ENVIRONMENTS = frozenset({"figure*", "table*"})
"""Values of Quarto's `fig-env` (and `tbl-env`) attribute that ask for a float across the columns."""


def _asks_wide(attributes: list[Any]) -> bool:
    """Whether an element's attributes [id, classes, pairs] ask it to span the columns."""
    classes: list[str] = attributes[1]
    pairs: list[list[str]] = attributes[2]
    quarto = any(name.startswith(("column-page-", "column-screen-")) for name in classes)
    starred = any(key in ("fig-env", "tbl-env") and value in WIDE_ENVIRONMENTS for key, value in pairs)
    return quarto or starred or bool(WIDE_CLASSES.intersection(classes))


def _marked(blocks: list[Node], wide: bool) -> list[Node]:
    """`blocks` with each Figure and Table that asks to span (or lies in a Div that does: `wide`) of class "wide";
    the nodes on the way to one are new, the rest shared with `blocks`."""
    out: list[Node] = []
    for block in blocks:
        kind = block["t"]
        if kind in KINDS:
            images = [node["c"][0] for node in walk(block["c"][2]) if node["t"] == "Image"] if kind == "Figure" else []
            identifier, classes, pairs = block["c"][0]
            asks = wide or _asks_wide(block["c"][0]) or any(_asks_wide(a) for a in images)
            if asks and WIDE not in classes:
                block = {"t": kind, "c": [[identifier, [*classes, WIDE], pairs], *block["c"][1:]]}
        elif kind == "Div":
            block = {"t": "Div", "c": [block["c"][0], _marked(block["c"][1], wide or _asks_wide(block["c"][0]))]}
        elif kind == "BlockQuote":
            block = {"t": "BlockQuote", "c": _marked(block["c"], wide)}
        out.append(block)
    return out


def wide_floats(blocks: list[Node]) -> list[Node]:
    """`blocks` in which the figures and tables that ask to span the columns have the class "wide" (a new list:
    `blocks` are not changed)."""
    return _marked(blocks, False)


def _numbered(block: Node) -> bool:
    """Whether crossref gave a Figure or Table its caption label ("Figure 1.")."""
    caption = block["c"][1][1]
    first = caption[0]["c"] if caption and caption[0]["t"] in ("Plain", "Para") else []
    return any(node["t"] == "Span" and "caption-label" in node["c"][0][1] for node in first[:1])


def page_break() -> list[Node]:
    """A page break in the PDF (print CSS's `.page-break`) and the DOCX, as `\\newpage` makes one (tex/convert.py)."""
    return [div([], classes=["page-break"]), raw_block("openxml", PAGE_BREAK_XML)]


class _Mover:
    """Takes the floats of the kinds asked for out of the blocks, in document order."""

    def __init__(self, kinds: set[str], words: Words, placeholders: bool) -> None:
        self.kinds = kinds
        self.words = words
        self.placeholders = placeholders
        self.moved: dict[str, list[Node]] = {kind: [] for kind in KINDS}
        self.counts = dict.fromkeys(KINDS, 0)

    def placeholder(self, block: Node) -> Node:
        """The line "[Figure 1 about here]", its "Figure 1" linked to the figure when it has a label."""
        kind = block["t"]
        number = numeral(self.counts[kind], self.words.numerals.get(KINDS[kind], "arabic"))
        identifier = block["c"][0][0]
        if identifier:
            named = reference_inlines([(identifier, Target(KINDS[kind], number))], self.words)
        else:
            named = text(self.words.single[KINDS[kind]].format(number))
        before, _, after = self.words.labels["placeholder"].partition("{}")
        return div([para([*text(before), *named, *text(after)])], classes=["float-placeholder"])

    def blocks(self, blocks: list[Node]) -> list[Node]:
        """`blocks` without the floats moved (a placeholder in their stead if asked), looking into Divs and block
        quotes as crossref does when it numbers them."""
        out: list[Node] = []
        for block in blocks:
            kind = block["t"]
            if kind in KINDS and _numbered(block):
                self.counts[kind] += 1
                if kind in self.kinds:
                    self.moved[kind].append(block)
                    out += [self.placeholder(block)] if self.placeholders else []
                    continue
            elif kind == "Div":
                block = {"t": "Div", "c": [block["c"][0], self.blocks(block["c"][1])]}
            elif kind == "BlockQuote":
                block = {"t": "BlockQuote", "c": self.blocks(block["c"])}
            out.append(block)
        return out


def place_floats(paper: Paper, style: Style) -> Paper:
    """The paper with its figures and tables where `style` puts them, the wide ones marked (see the module's
    docstring)."""
    paper = replace(paper, body=wide_floats(paper.body))
    placements = {"Figure": style.figures, "Table": style.tables}
    kinds = {kind for kind, placement in placements.items() if placement != "inline"}
    if not kinds:
        return paper
    words = style.words(paper.metadata.lang)
    mover = _Mover(kinds, words, style.placeholders)
    body = mover.blocks(paper.body)
    floats: list[Node] = []
    for kind in KINDS:
        if not mover.moved[kind]:
            continue
        one_per_page = placements[kind] == "end-one-per-page"
        heading = header(1, text(words.labels[PARTS[kind]]), classes=["unnumbered"])
        blocks = [*(page_break() if one_per_page else []), heading]
        for index, block in enumerate(mover.moved[kind]):
            blocks += [*(page_break() if one_per_page and index else []), block]
        floats.append(div(blocks, classes=["floats", "back-matter", PARTS[kind]]))
    return replace(paper, body=body, floats=floats)
