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
"""

from __future__ import annotations

from dataclasses import replace

from paperbuild.crossref import Target, reference_inlines
from paperbuild.document import Paper
from paperbuild.pandoc_ast import Node, div, header, para, raw_block, text
from paperbuild.rawtex import PAGE_BREAK_XML
from paperbuild.style import Style
from paperbuild.words import Words

KINDS = {"Table": "tbl", "Figure": "fig"}
"""Block type -> crossref's kind, in the order the parts follow the references."""
PARTS = {"Table": "tables", "Figure": "figures"}
"""Block type -> the label of its part's heading (words.py)."""


def _numbered(block: Node) -> bool:
    """Whether crossref gave a Figure or Table its caption label ("Figure 1.")."""
    caption = block["c"][1][1]
    first = caption[0]["c"] if caption and caption[0]["t"] in ("Plain", "Para") else []
    return any(node["t"] == "Span" and "caption-label" in node["c"][0][1] for node in first[:1])


def page_break() -> list[Node]:
    """A page break in the PDF (print CSS's `.page-break`) and in the DOCX, as `\\newpage` makes one (rawtex.py)."""
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
        number = str(self.counts[kind])
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
    """The paper with its figures and tables where `style` puts them (see the module's docstring)."""
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
