"""Number sections, figures, tables and equations in a manuscript AST, and resolve the references to them.

Takes the body blocks (Pandoc JSON); gives the blocks with numbers in headings (`5.1.`), captions (`Figure 1.`,
`Table 1.`) and equations (`(1)`), each `@fig:x`-style citation replaced by a link reading "Figure 1", and the
map from label to target. Numbers are computed here once, so every output prints the same ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from paperbuild.pandoc_ast import Node, span, text, walk

NUMBER_CLASS = "header-section-number"
EQUATION_LABEL = re.compile(r"^\{#(eq:[^}\s]+)\}$")
NAMES = {
    "sec": ("Section", "Sections"),
    "fig": ("Figure", "Figures"),
    "tbl": ("Table", "Tables"),
    "eq": ("Eq.", "Eqs."),
}


@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point at."""

    kind: str
    """sec, fig, tbl or eq."""
    number: str
    """Its number as printed: "5.1", "2", "(3)" for equations."""


class _Numberer:
    def __init__(self) -> None:
        self.sections: list[int] = []
        self.counts = {"fig": 0, "tbl": 0, "eq": 0}
        self.targets: dict[str, Target] = {}

    def header(self, block: Node) -> Node:
        level, attributes, inlines = block["c"]
        if "unnumbered" in attributes[1]:
            return block
        self.sections = self.sections[:level] + [0] * (level - len(self.sections))
        self.sections[level - 1] += 1
        number = ".".join(str(n) for n in self.sections[:level])
        if attributes[0]:
            self.targets[attributes[0]] = Target("sec", number)
        label = span(text(f"{number}."), [NUMBER_CLASS])
        return {"t": "Header", "c": [level, attributes, [label, {"t": "Space"}, *inlines]]}

    def captioned(self, block: Node, kind: str) -> Node:
        """A Figure or Table: count it, and put "Figure N." before its caption."""
        self.counts[kind] += 1
        number = str(self.counts[kind])
        identifier = block["c"][0][0]
        if identifier:
            self.targets[identifier] = Target(kind, number)
        caption = block["c"][1]
        label = span([{"t": "Strong", "c": text(f"{NAMES[kind][0]} {number}.")}], ["caption-label"])
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
            match = EQUATION_LABEL.match(node["c"]) if node["t"] == "Str" else None
            math = [n for n in out if n["t"] != "Space"][-1:] if match else []
            if match and math and math[0]["t"] == "Math" and math[0]["c"][0]["t"] == "DisplayMath":
                while out and out[-1]["t"] == "Space":
                    out.pop()
                formula = out.pop()
                self.counts["eq"] += 1
                number = f"({self.counts['eq']})"
                self.targets[match.group(1)] = Target("eq", number)
                label = {"t": "Span", "c": [["", ["equation-number"], []], text(number)]}
                out.append({"t": "Span", "c": [[match.group(1), ["equation"], []], [formula, label]]})
            else:
                out.append(node)
        return out

    def blocks(self, blocks: list[Node]) -> list[Node]:
        out = []
        for block in blocks:
            kind = block["t"]
            if kind == "Header":
                block = self.header(block)
            elif kind == "Figure":
                block = self.captioned(block, "fig")
            elif kind == "Table":
                block = self.captioned(block, "tbl")
            elif kind in ("Para", "Plain"):
                block = {"t": kind, "c": self.equations(block["c"])}
            elif kind in ("Div", "BlockQuote"):
                inner = block["c"][1] if kind == "Div" else block["c"]
                numbered = self.blocks(inner)
                block = {"t": kind, "c": [block["c"][0], numbered] if kind == "Div" else numbered}
            out.append(block)
        return out


def _reference_text(targets: list[tuple[str, Target]]) -> list[Node]:
    kind = targets[0][1].kind
    singular, plural = NAMES[kind]
    numbers = [t.number for _, t in targets]
    if len(numbers) == 1:
        return text(f"{singular} {numbers[0]}")
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    return text(f"{plural} {listed}")


def resolve_references(value: Any, targets: dict[str, Target]) -> None:
    """Replace, in place, every Cite whose keys are all known labels of one kind with a link reading "Figure 1"."""
    for node in walk(value):
        if node["t"] != "Cite":
            continue
        ids = [c["citationId"] for c in node["c"][0]]
        found = [(i, targets[i]) for i in ids if i in targets]
        if not found or len(found) != len(ids) or len({t.kind for _, t in found}) != 1:
            continue
        link = {"t": "Link", "c": [["", ["cross-reference"], []], _reference_text(found), [f"#{ids[0]}", ""]]}
        node["t"], node["c"] = "Span", [["", ["cross-reference-group"], []], [link]]


def number_and_resolve(blocks: list[Node]) -> tuple[list[Node], dict[str, Target]]:
    """The blocks numbered and their cross-references resolved; the targets by label."""
    numberer = _Numberer()
    numbered = numberer.blocks(blocks)
    resolve_references(numbered, numberer.targets)
    return numbered, numberer.targets
