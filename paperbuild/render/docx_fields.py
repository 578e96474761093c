"""Numbered body -> the same body with live Word fields: bookmarked numbers, `SEQ` captions and `REF` references.

Takes the body blocks as crossref.py numbered them (caption labels, equation numbers and section numbers as Spans,
cross-references as Links of class "cross-reference"), the targets by label and the document's language; gives a
copy for pandoc's DOCX writer in which, as raw OpenXML inlines,

- each caption label "Figure 1." holds a `SEQ Figure` field (`SEQ Table` for tables) and each equation number "(1)"
  a `SEQ Equation` field, so Word's "update fields" renumbers them and its Table of Figures finds the captions;
- each labelled number (caption, equation, section heading) lies inside a bookmark named `_Ref_...`;
- each cross-reference keeps its words ("Figure ", "Eqs. ", "第 … 节") as text and holds its number as a
  `REF _Ref_... \\h` field to that bookmark;
- each numbered equation is a paragraph of its own in the style Display Equation (the reference document gives it a
  centred and a right tab stop): tab, the formula, tab, the number; the formula is written as a math zone within
  the line (a display zone would take the line for itself, and the number with it).

Every field's cached result is crossref's number, so the document reads right before any field is updated. The
bookmarks cover the number alone ("2.1", "1", "(1)"), which is what a reference prints in every language and in
groups ("Figures 1 and 2"): a REF field then shows the same text as the cross-reference it replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from paperbuild.crossref import NUMBER_CLASS, Target
from paperbuild.pandoc_ast import Node, copy_tree, div, para, stringify, text
from paperbuild.words import Words, words_for

SEQUENCE = {"fig": "Figure", "tbl": "Table", "eq": "Equation"}
"""Kind -> the identifier of its Word sequence (`SEQ Figure`): the names Word's caption dialog uses."""
WORD_NUMERALS = {"arabic": "ARABIC", "upper-roman": "ROMAN", "lower-roman": "roman"}
"""A style's numerals (numbering.py) -> the format switch of Word's SEQ field that writes them."""
CAPTIONED = {"Figure": "fig", "Table": "tbl"}
"""Block type -> kind, for the blocks crossref gives a caption label."""
BOOKMARK_PREFIX = "_Ref_"
"""Word hides bookmarks whose name starts with "_", as it does its own cross-reference bookmarks (`_Ref123`)."""
MAX_BOOKMARK = 40
"""Word's limit on the length of a bookmark name."""
FIRST_BOOKMARK_ID = 1_000_000
"""Our bookmarks' w:id values count up from here: pandoc numbers its own bookmarks with a counter from 0, one per
element it writes, so the two ranges never meet."""
BOLD = "<w:b/><w:bCs/>"
ITALIC = "<w:i/><w:iCs/>"
EMPHASIS = {"Strong": BOLD, "Emph": ITALIC}
"""Inline type -> the run properties its text gets: raw runs do not inherit pandoc's formatting, so we add them."""
EQUATION_STYLE = "Display Equation"
"""The paragraph style of a numbered equation, defined by the reference document (tools/make_reference_docx.py)."""
TAB = "<w:r><w:tab/></w:r>"


def bookmark_names(labels: list[str]) -> dict[str, str]:
    """A valid, unique Word bookmark name for each label: `_Ref_` and the label with every character other than
    an ASCII letter or digit as "_", cut to 40 characters; a number is added where two would be the same."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for label in labels:
        base = (BOOKMARK_PREFIX + re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_"))[:MAX_BOOKMARK]
        name, count = base, 1
        while name.lower() in taken:  # Word compares bookmark names without case
            count += 1
            suffix = f"_{count}"
            name = base[: MAX_BOOKMARK - len(suffix)] + suffix
        taken.add(name.lower())
        names[label] = name
    return names


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def field_xml(instruction: str, result: str, properties: str = "") -> str:
    """A complex field (begin, instruction, separate, cached result, end) as runs; `properties` are the runs'
    w:rPr children (bold, italic)."""
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""

    def run(content: str) -> str:
        return f"<w:r>{rpr}{content}</w:r>"

    return (
        run('<w:fldChar w:fldCharType="begin"/>')
        + run(f'<w:instrText xml:space="preserve"> {_escape(instruction)} </w:instrText>')
        + run('<w:fldChar w:fldCharType="separate"/>')
        + run(f'<w:t xml:space="preserve">{_escape(result)}</w:t>')
        + run('<w:fldChar w:fldCharType="end"/>')
    )


def _raw(xml: str) -> Node:
    return {"t": "RawInline", "c": ["openxml", xml]}


def _split(shown: str, number: str) -> tuple[str, str] | None:
    """The words before and after `number` in `shown` ("Figure 1" -> "Figure ", ""); None when it is not there."""
    index = shown.rfind(number)
    return None if index < 0 or not number else (shown[:index], shown[index + len(number) :])


def _inner_number(number: str) -> str:
    """The sequence value inside a printed number: "(3)" -> "3"."""
    found = re.search(r"\d+", number)
    return found.group(0) if found else number


@dataclass
class _Fielder:
    targets: dict[str, Target]
    words: Words
    names: dict[str, str]
    next_id: int = FIRST_BOOKMARK_ID
    bookmarked: set[str] = field(default_factory=set)
    """Labels whose bookmark is in place: only these are referred to by REF fields."""
    linking: bool = False
    """False while the targets get their bookmarks and fields (first pass), True while references become REF
    fields (second pass, when every bookmark is known)."""

    def bookmark(self, label: str, inlines: list[Node]) -> list[Node]:
        """`inlines` inside the bookmark of `label` (unchanged when the label has none)."""
        name = self.names.get(label)
        if name is None:
            return inlines
        self.next_id += 1
        self.bookmarked.add(label)
        start = f'<w:bookmarkStart w:id="{self.next_id}" w:name="{name}"/>'
        return [_raw(start), *inlines, _raw(f'<w:bookmarkEnd w:id="{self.next_id}"/>')]

    def numbered(self, label: str, kind: str, number: str, properties: str) -> list[Node]:
        """A printed number ("1", "(1)") as a SEQ field with its brackets, inside the label's bookmark."""
        value = _inner_number(number)
        before, _, after = number.partition(value)
        switch = WORD_NUMERALS[self.words.numerals.get(kind, "arabic")]
        seq = field_xml(f"SEQ {SEQUENCE[kind]} \\* {switch}", value, properties)
        return self.bookmark(label, [*([{"t": "Str", "c": before}] if before else []), _raw(seq), *text(after)])

    # ------------------------------------------------------------------------------------------------ the walk

    def value(self, value: Any, properties: str) -> Any:
        """`value` with every node in it replaced by `node`'s answer; `properties` are the enclosing formatting."""
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                if isinstance(item, dict) and "t" in item:
                    out += self.node(item, properties)
                else:
                    out.append(self.value(item, properties))
            return out
        if isinstance(value, dict):
            return {key: self.value(child, properties) for key, child in value.items()}
        return value

    def node(self, node: Node, properties: str) -> list[Node]:
        """What replaces one node: fields for the numbers and references crossref made; the node otherwise."""
        kind = node["t"]
        if kind == "Image":  # its alt text is written out as plain text (the picture's description): keep it
            return [node]
        if kind == "Link" and "cross-reference" in node["c"][0][1]:
            return self.reference(node, properties) if self.linking else [node]
        inner = "" if kind == "Note" else properties + EMPHASIS.get(kind, "")
        if not self.linking and kind in CAPTIONED:
            return [self.caption(self.value(node, inner), CAPTIONED[kind])]
        if not self.linking and kind == "Header":
            return [self.header(self.value(node, inner))]
        if not self.linking and kind == "Span" and "equation" in node["c"][0][1]:
            return [self.equation(node, inner)]
        return [{"t": kind, "c": self.value(node["c"], inner)} if "c" in node else node]

    # ------------------------------------------------------------------------------------------- the elements

    def reference(self, link: Node, properties: str) -> list[Node]:
        """A cross-reference link: its words as text, its number as a REF field to the target's bookmark."""
        label = link["c"][2][0].removeprefix("#")
        target = self.targets.get(label)
        shown = "".join(n["c"] if n["t"] == "Str" else " " for n in link["c"][1])  # keeps crossref's no-break space
        parts = _split(shown, target.number) if target else None
        if target is None or parts is None or label not in self.bookmarked:
            return [link]
        ref = field_xml(f"REF {self.names[label]} \\h \\* MERGEFORMAT", target.number, properties)
        return [*text(parts[0]), _raw(ref), *text(parts[1])]

    def caption(self, block: Node, kind: str) -> Node:
        """A Figure or Table whose caption label "Figure 1." gets its number as a SEQ field."""
        identifier = block["c"][0][0]
        before, _, after = self.words.caption[kind].partition("{}")
        for node in _caption_labels(block["c"][1][1]):
            for strong in [n for n in node["c"][1] if n["t"] == "Strong"]:
                shown = stringify(strong["c"])
                if not (shown.startswith(before) and shown.endswith(after)) or len(shown) <= len(before + after):
                    continue
                number = shown[len(before) : len(shown) - len(after)]
                label = identifier if identifier in self.targets else ""
                strong["c"] = [*text(before), *self.numbered(label, kind, number, BOLD), *text(after)]
        return block

    def header(self, block: Node) -> Node:
        """A heading whose section number "2.1." has "2.1" bookmarked (hierarchical numbers have no Word SEQ)."""
        level, attributes, inlines = block["c"]
        target = self.targets.get(attributes[0])
        first = inlines[0] if inlines else None
        if target is None or first is None or first["t"] != "Span" or NUMBER_CLASS not in first["c"][0][1]:
            return block
        parts = _split(stringify(first["c"][1]), target.number)
        if parts is None or parts[0]:
            return block
        number = self.bookmark(attributes[0], text(target.number))
        label = {"t": "Span", "c": [first["c"][0], [*number, *text(parts[1])]]}
        return {"t": "Header", "c": [level, attributes, [label, *inlines[1:]]]}

    def equation(self, span: Node, properties: str) -> Node:
        """An equation Span: the formula as it is, the number "(1)" as a SEQ Equation field, bookmarked."""
        attributes, inlines = span["c"]
        target = self.targets.get(attributes[0])
        out: list[Node] = []
        for node in inlines:
            if target and node["t"] == "Span" and "equation-number" in node["c"][0][1]:
                number = self.numbered(attributes[0], "eq", target.number, properties)
                out.append({"t": "Span", "c": [node["c"][0], number]})
            elif node["t"] == "Math":  # between the tabs, in the line: see the module's docstring
                out += [_raw(TAB), {"t": "Math", "c": [{"t": "InlineMath"}, node["c"][1]]}, _raw(TAB)]
            else:
                out += self.node(node, properties)
        return {"t": "Span", "c": [attributes, out]}


def _caption_labels(blocks: list[Node]) -> list[Node]:
    """The caption-label Spans at the start of a caption's first block."""
    first = blocks[0]["c"] if blocks and blocks[0]["t"] in ("Plain", "Para") else []
    return [n for n in first[:1] if n["t"] == "Span" and "caption-label" in n["c"][0][1]]


def _is_equation(node: Node) -> bool:
    return node["t"] == "Span" and "equation" in node["c"][0][1]


def _equation_paragraphs(block: Node) -> list[Node]:
    """A Para or Plain cut around its numbered equations, each of which becomes a Display Equation paragraph; the
    text around them stays in paragraphs of the block's kind."""
    if not any(_is_equation(node) for node in block["c"]):
        return [block]
    out: list[Node] = []
    text_run: list[Node] = []

    def flush() -> None:
        while text_run and text_run[-1]["t"] in ("Space", "SoftBreak", "LineBreak"):
            text_run.pop()
        if text_run:
            out.append({"t": block["t"], "c": list(text_run)})
        text_run.clear()

    for node in block["c"]:
        if _is_equation(node):
            flush()
            out.append(div([para([node])], pairs={"custom-style": EQUATION_STYLE}))
        elif text_run or node["t"] not in ("Space", "SoftBreak", "LineBreak"):
            text_run.append(node)
    flush()
    return out


def display_equations(blocks: list[Node]) -> list[Node]:
    """`blocks` with each numbered equation in a paragraph of its own, where crossref numbers them (paragraphs at
    the top, in divs and in block quotes)."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            out += _equation_paragraphs(block)
        elif block["t"] == "Div":
            out.append({"t": "Div", "c": [block["c"][0], display_equations(block["c"][1])]})
        elif block["t"] == "BlockQuote":
            out.append({"t": "BlockQuote", "c": display_equations(block["c"])})
        else:
            out.append(block)
    return out


def with_fields(blocks: list[Node], targets: dict[str, Target], lang: str, words: Words | None = None) -> list[Node]:
    """A copy of the numbered `blocks` with bookmarks, SEQ fields in captions and equations, REF fields for
    cross-references and numbered equations in paragraphs of their own (see the module's docstring); the captions
    read in the words of `lang`, or the style's `words` that crossref numbered them with."""
    fielder = _Fielder(targets, words or words_for(lang), bookmark_names(list(targets)))
    numbered: list[Node] = fielder.value(copy_tree(blocks), "")
    fielder.linking = True
    linked: list[Node] = fielder.value(numbered, "")
    return display_equations(linked)
