"""Number sections, figures, tables, equations and listings in a manuscript AST, and resolve the references to them.

Takes the body blocks (Pandoc JSON); gives the blocks with numbers in headings (`5.1.`), captions (`Figure 1.`,
`Table 1.`) and equations (`(1)`), each `@fig:x`-style citation replaced by a link reading "Figure 1" (a no-break
space between word and number, so no line ends between them; the writer's words around it, `[see @sec:x]`, are kept
around the link), and the map from label to target. Numbers are
computed here once, so every output prints the same ones; tables get their numeric columns marked on the way
(tables.py). Sections are numbered from the paper's top heading level (a paper whose top headings are `##`, as
Manubot's are, numbers 1, 2, …); a style may name and number figures, tables and equations its own way (IEEE's
"Fig. 1." and "TABLE I", numbering.py); a figure or table with neither caption nor label is not numbered; `[-@fig:x]`
prints the number alone; `@Fig:x`, pandoc-crossref's form to start a sentence, refers to `fig:x`; a group of several
kinds, `[@fig:a; @tbl:b]`, names each kind with its own word ("Figure 1 and Table 1", as pandoc-crossref does); a
code block with a caption or a `lst:` label is a numbered listing (listings.py), `@lst:x` reads "Listing 1".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from paperbuild.listings import gathered, is_listing, listing
from paperbuild.markers import label_of
from paperbuild.numbering import numeral
from paperbuild.pandoc_ast import Node, span, text, walk
from paperbuild.tables import numeric_columns
from paperbuild.words import ENGLISH, Words, words_for

NUMBER_CLASS = "header-section-number"
EQUATION_LABEL = re.compile(r"^\{#(eq[:-][^}\s]+)\}$")  # {#eq:x}, or Quarto's {#eq-x}
NBSP = "\u00a0"
"""Between a reference's word and its number ("Figure 1", "Eqs. (1)–(3)", "第 2 节"): a line never parts them."""


@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point at."""

    kind: str
    """sec, fig, tbl, eq or lst."""
    number: str
    """Its number as printed: "5.1", "2", "(3)" for equations."""


def top_level(blocks: list[Node]) -> int:
    """The level of the paper's top numbered headings: the smallest level a numbered heading has (1 if none)."""
    levels = [node["c"][0] for node in walk(blocks) if node["t"] == "Header" and "unnumbered" not in node["c"][1][1]]
    return min(levels, default=1)


class _Numberer:
    def __init__(self, words: Words, top: int = 1) -> None:
        self.words = words
        self.top = top
        self.sections: list[int] = []
        self.counts = {"fig": 0, "tbl": 0, "eq": 0, "lst": 0}
        self.targets: dict[str, Target] = {}

    def header(self, block: Node) -> Node:
        level, attributes, inlines = block["c"]
        if "unnumbered" in attributes[1]:
            return block
        level = max(level - self.top + 1, 1)
        self.sections = self.sections[:level] + [0] * (level - len(self.sections))
        self.sections[level - 1] += 1
        number = ".".join(str(n) for n in self.sections[:level])
        if attributes[0]:
            self.targets[attributes[0]] = Target("sec", number)
        label = span(text(f"{number}."), [NUMBER_CLASS])
        return {"t": "Header", "c": [level, attributes, [label, {"t": "Space"}, *inlines]]}

    def captioned(self, block: Node, kind: str) -> Node:
        """A Figure or Table: count it, and put "Figure N." before its caption; one with neither a caption nor a
        label stays unnumbered (an empty "Table 3." would promise a caption that is not there)."""
        if not block["c"][0][0] and not any(n["t"] not in ("Space", "SoftBreak") for n in walk(block["c"][1][1])):
            return block
        self.counts[kind] += 1
        number = numeral(self.counts[kind], self.words.numerals.get(kind, "arabic"))
        identifier = block["c"][0][0]
        if identifier:
            self.targets[identifier] = Target(kind, number)
        caption = block["c"][1]
        label = span([{"t": "Strong", "c": text(self.words.caption[kind].format(number))}], ["caption-label"])
        blocks = caption[1]
        if blocks and blocks[0]["t"] in ("Plain", "Para"):
            blocks = [{"t": blocks[0]["t"], "c": [label, {"t": "Space"}, *blocks[0]["c"]]}, *blocks[1:]]
        else:
            blocks = [{"t": "Plain", "c": [label]}, *blocks]
        return {"t": block["t"], "c": [block["c"][0], [caption[0], blocks], *block["c"][2:]]}

    def equations(self, inlines: list[Node]) -> list[Node]:
        """Display math followed by `{#eq:x}`: formula and number "(N)" go into one Span carrying the label."""
        out: list[Node] = []
        for node in inlines:
            if _unnumbered_equation(
                node
            ):  # a TeX display environment (tex/convert.py): the Span is there, the number not
                out.append(self.numbered_equation(node["c"][0][0], node["c"][1][0]))
                continue
            match = EQUATION_LABEL.match(node["c"]) if node["t"] == "Str" else None
            math = [n for n in out if n["t"] != "Space"][-1:] if match else []
            if match and math and math[0]["t"] == "Math" and math[0]["c"][0]["t"] == "DisplayMath":
                while out and out[-1]["t"] == "Space":
                    out.pop()
                out.append(self.numbered_equation(match.group(1), out.pop()))
            else:
                out.append(node)
        return out

    def listing(self, block: Node) -> Node:
        """A captioned or `lst:`-labelled code block: counted, and put under its caption "Listing N." (listings.py)."""
        self.counts["lst"] += 1
        number = str(self.counts["lst"])
        made = listing(block, self.words.caption["lst"].format(number))
        if made["c"][0][0]:
            self.targets[made["c"][0][0]] = Target("lst", number)
        return made

    def numbered_equation(self, identifier: str, formula: Node) -> Node:
        """The formula and its number "(N)" in one Span carrying the label (if any)."""
        self.counts["eq"] += 1
        number = f"({self.counts['eq']})"
        if identifier:
            self.targets[identifier] = Target("eq", number)
        label = {"t": "Span", "c": [["", ["equation-number"], []], text(number)]}
        return {"t": "Span", "c": [[identifier, ["equation"], []], [formula, label]]}

    def blocks(self, blocks: list[Node]) -> list[Node]:
        out = []
        for block in gathered(blocks):
            kind = block["t"]
            if kind == "Header":
                block = self.header(block)
            elif kind == "Figure":
                block = self.captioned(block, "fig")
            elif kind == "Table":
                block = self.captioned(numeric_columns(block), "tbl")
            elif kind in ("Para", "Plain"):
                block = {"t": kind, "c": self.equations(block["c"])}
            elif is_listing(block):
                block = self.listing(block)
            elif kind in ("Div", "BlockQuote"):
                inner = block["c"][1] if kind == "Div" else block["c"]
                numbered = self.blocks(inner)
                block = {"t": kind, "c": [block["c"][0], numbered] if kind == "Div" else numbered}
            out.append(block)
        return out


def _unnumbered_equation(node: Node) -> bool:
    """A Span of class "equation" holding display math alone, as tex/convert.py makes of `\\begin{equation}`."""
    if node["t"] != "Span" or "equation" not in node["c"][0][1] or len(node["c"][1]) != 1:
        return False
    inner = node["c"][1][0]
    return bool(inner["t"] == "Math" and inner["c"][0]["t"] == "DisplayMath")


def _link(words: list[Node], identifier: str) -> Node:
    return {"t": "Link", "c": [["", ["cross-reference"], []], words, [f"#{identifier}", ""]]}


def _runs(found: list[tuple[str, Target]]) -> list[list[tuple[str, Target]]]:
    """Consecutive whole numbers grouped into runs (1, 2, 3 -> one run); other numbers stand alone."""
    runs: list[list[tuple[str, Target]]] = []
    for item in found:
        number = item[1].number.strip("()")
        previous = runs[-1][-1][1].number.strip("()") if runs else ""
        if number.isdigit() and previous.isdigit() and int(number) == int(previous) + 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def reference_inlines(found: list[tuple[str, Target]], words: Words, bare: bool = False) -> list[Node]:
    """ "Figure 1" as one link; a group as "Figures 1 and 2" or "Figures 1–3", each number a link to its target;
    `bare` (pandoc-crossref's `[-@fig:x]`): the numbers without the word."""
    kind = found[0][1].kind
    if len(found) == 1:
        identifier, target = found[0]
        shown = target.number if bare else words.single[kind].format(target.number).replace(" ", NBSP)
        return [_link(text(shown), identifier)]
    ordered = sorted(found, key=lambda item: [int(n) for n in re.findall(r"\d+", item[1].number)])
    parts: list[list[Node]] = []
    for run in _runs(ordered):
        first = _link(text(run[0][1].number), run[0][0])
        if len(run) >= 3:
            parts.append([first, {"t": "Str", "c": "–"}, _link(text(run[-1][1].number), run[-1][0])])
        else:
            parts += [[_link(text(t.number), i)] for i, t in run]
    numbers: list[Node] = []
    for index, part in enumerate(parts):
        if index:
            joiner = words.last_joiner if index == len(parts) - 1 else words.joiner
            numbers += text(joiner) if joiner.strip() else [{"t": "Str", "c": joiner}]
        numbers += part
    before, _, after = ("", "{}", "") if bare else words.several[kind].replace(" ", NBSP).partition("{}")
    return [*([{"t": "Str", "c": before}] if before else []), *numbers, *([{"t": "Str", "c": after}] if after else [])]


def is_cross_reference(node: Node, targets: dict[str, Target]) -> bool:
    """Whether `node` is a Cite this module resolves: every key a label of `targets` (of one kind or several,
    `[@fig:a; @tbl:b]`)."""
    return node["t"] == "Cite" and all(label_of(c["citationId"]) in targets for c in node["c"][0])


def _kind_runs(found: list[tuple[str, Target]]) -> list[list[tuple[str, Target]]]:
    """A group's references cut where their kind changes: `[@fig:a; @fig:b; @tbl:c]` gives [fig:a, fig:b], [tbl:c]
    (pandoc-crossref's "Figs. 1, 2, Table 1": each kind with its own word)."""
    runs: list[list[tuple[str, Target]]] = []
    for item in found:
        if runs and runs[-1][0][1].kind == item[1].kind:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _mixed_inlines(found: list[tuple[str, Target]], words: Words, bare: bool) -> list[Node]:
    """A group of one kind as `reference_inlines` prints it; one of several kinds as each kind's words joined the
    way a group's numbers are: "Figure 1 and Table 2", "Figures 1 and 2, Table 1 and Section 3"."""
    runs = _kind_runs(found)
    out: list[Node] = []
    for index, run in enumerate(runs):
        if index:
            joiner = words.last_joiner if index == len(runs) - 1 else words.joiner
            out += text(joiner) if joiner.strip() else [{"t": "Str", "c": joiner}]
        out += reference_inlines(run, words, bare)
    return out


def _affixed(prefix: list[Node], reference: list[Node], suffix: list[Node]) -> list[Node]:
    """The writer's words around a reference, `[see @sec:x, last row]`: "see Section 2, last row"."""
    before = [*prefix, {"t": "Space"}] if prefix and prefix[-1]["t"] != "Space" else prefix
    first = suffix[0] if suffix else {"t": "Space"}
    space = first["t"] != "Space" and (first["t"] != "Str" or first["c"][:1].isalnum())  # not before ", last row"
    return [*before, *reference, *([{"t": "Space"}] if space else []), *suffix]


def _reference(citations: list[dict[str, Any]], targets: dict[str, Target], words: Words) -> list[Node]:
    """The inlines of one resolved Cite: the generated words in a "cross-reference-group" Span, the writer's prefix
    and suffix outside it (their words are the manuscript's, which the conservation check counts)."""
    found = [(label_of(c["citationId"]), targets[label_of(c["citationId"])]) for c in citations]
    bare = all(c["citationMode"]["t"] == "SuppressAuthor" for c in citations)
    group = span(_mixed_inlines(found, words, bare), ["cross-reference-group"])
    inner = [c["citationPrefix"] for c in citations[1:]] + [c["citationSuffix"] for c in citations[:-1]]
    if not any(inner):  # words only before the first and after the last: around the whole group
        return _affixed(citations[0]["citationPrefix"], [group], citations[-1]["citationSuffix"])
    parts: list[Node] = []
    for index, citation in enumerate(citations):  # [see @fig:a; compare @fig:b]: each with its own words
        one = span(reference_inlines([found[index]], words, bare), ["cross-reference-group"])
        parts += [{"t": "Str", "c": ";"}, {"t": "Space"}] if index else []
        parts += _affixed(citation["citationPrefix"], [one], citation["citationSuffix"])
    return parts


def resolve_references(value: Any, targets: dict[str, Target], words: Words) -> None:
    """Replace, in place, every Cite whose keys are all known labels with linked words."""
    for node in walk(value):
        if not is_cross_reference(node, targets):
            continue
        inlines = _reference(node["c"][0], targets, words)
        if len(inlines) == 1:
            node["t"], node["c"] = inlines[0]["t"], inlines[0]["c"]
        else:
            node["t"], node["c"] = "Span", [["", [], []], inlines]


def numbered_targets(blocks: list[Node], words: Words = ENGLISH) -> dict[str, Target]:
    """The labels crossref numbers (headings, figures, tables, display equations), in the numerals of `words` (a
    style's "TABLE I"), without changing `blocks`."""
    numberer = _Numberer(words, top_level(blocks))
    numberer.blocks(blocks)
    return numberer.targets


def number_and_resolve(
    blocks: list[Node], lang: str = "en", words: Words | None = None
) -> tuple[list[Node], dict[str, Target]]:
    """The blocks numbered and their cross-references resolved in the words of `lang`, or the style's `words`
    (IEEE's "Fig. 1", "TABLE I"); the targets by label."""
    words = words or words_for(lang)
    numberer = _Numberer(words, top_level(blocks))
    numbered = numberer.blocks(blocks)
    resolve_references(numbered, numberer.targets, words)
    return numbered, numberer.targets
