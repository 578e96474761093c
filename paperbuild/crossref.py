"""Number the sections of the manuscript AST once, so every output prints the same numbers.

Takes the body blocks (Pandoc JSON); gives the blocks with a number span before each numbered heading's text
(`1.`, `5.1.`) and the map from heading id to its number. Headings with the class `unnumbered` (`{-}`) keep none.
"""

from __future__ import annotations

from paperbuild.pandoc_ast import Node, span, text

NUMBER_CLASS = "header-section-number"


def number_sections(blocks: list[Node]) -> tuple[list[Node], dict[str, str]]:
    """Blocks with numbered headings, and heading id -> number ("5.1")."""
    counters: list[int] = []
    numbers: dict[str, str] = {}
    result: list[Node] = []
    for block in blocks:
        if block["t"] != "Header" or "unnumbered" in block["c"][1][1]:
            result.append(block)
            continue
        level, attributes, inlines = block["c"]
        counters = counters[:level] + [0] * (level - len(counters))
        counters[level - 1] += 1
        number = ".".join(str(n) for n in counters[:level])
        if attributes[0]:
            numbers[attributes[0]] = number
        label = span(text(f"{number}."), [NUMBER_CLASS])
        result.append({"t": "Header", "c": [level, attributes, [label, {"t": "Space"}, *inlines]]})
    return result, numbers
