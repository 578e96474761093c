"""Tables as a typesetter sets them: a Table block (Pandoc JSON) -> the same table with its numeric columns marked.

A column whose body cells all hold a number (`1234`, `-0.52`, `12.5 %`, `3.1 ± 0.2`, `(0.03)`, `<0.001`, `1.2e-3`;
empty cells and dashes do not count either way) is numeric: its cells get the class "numeric" (the style keeps a
number on one line and sets its digits in columns) and, unless the author aligned it, the column is right-aligned
(HTML, PDF and DOCX alike, through pandoc's column alignment).

A table is also given a class `wide-N` when its narrowest width (numbers kept whole, a word of text whole, code
and links breaking anywhere) is estimated at about N ems of its own type or more, N a multiple of WIDTH_STEP: the
style's print CSS sets such a table in smaller type, as far as its limit, to fit its text block; the checks report a
table too wide even so (`narrowest_width`).

Columns all of one width are given no width at all, so that every output sizes them from their content: pandoc
gives a pipe table with a row longer than 72 characters widths from the counts of the dashes under its header,
and `|---|---|` then means equal columns, which its author did not choose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from paperbuild.pandoc_ast import Node, copy_tree, stringify

NUMERIC_CLASS = "numeric"
NUMBER = re.compile(
    r"[(\[]?[<>≤≥~≈]?\s?[-+\u2212±]?\s?\$?"  # an opening bracket, a comparison, a sign, a currency
    r"(?:\d{1,3}(?:[,\u2009\u202f\u00a0 ]\d{3})+|\d+)(?:[.,·]\d+)?(?:[eE][-+\u2212]?\d+)?"  # digits, grouped or not
    r"(?:\s?(?:±|\+/-)\s?\d+(?:[.,]\d+)?)?"  # an uncertainty
    r"\s?(?:%|‰|\*{1,3}|[a-z†‡§])?[)\]]?"  # a unit of share, a significance mark or note letter, a closing bracket
)
"""A number as tables print one."""
NEUTRAL = frozenset({"", "-", "\u2013", "\u2014", "\u2212", "n/a", "na", "…", "...", "."})
"""What a cell holds when it has no value: it neither makes nor spoils a numeric column."""
CHARACTER_EM = 0.56
"""The width of a digit or an average letter in ems of the text face (Noto Serif: digits 0.559, letters 0.55)."""
CELL_PADDING_EM = 1.2
"""A cell's padding left and right, in ems of the table's type (0.5rem a side at 0.85rem)."""
WIDTH_STEP = 5
"""The steps, in ems, of a table's `wide-N` class."""
WIDEST_CLASS = 60
"""The largest N given: a wider table gets the style's smallest table type all the same."""
NARROWEST_CLASS = 30
"""The smallest N given: a narrower table fits any text block in its usual type."""
SMALLEST_TYPE_PT = 6.6
"""The smallest type the default style sets a wide table in (`table.wide-55` in its print.css: 0.6rem of 11pt,
70 % of its usual 0.85rem): a table that does not fit its text block even so is reported."""
UNBROKEN = frozenset({"Code", "Link", "Math", "Image", "Note"})
"""What does not make a cell's narrowest width: code and links break anywhere, formulas and figures are sized
apart, notes print elsewhere."""


def _cells(rows: list[Any]) -> list[list[Any]]:
    """The cells of each row (a row is [attributes, cells]; a cell [attributes, alignment, rows, columns, blocks])."""
    return [row[1] for row in rows]


def _rows(table: Node) -> tuple[list[list[Any]], list[list[Any]]]:
    """(the body rows, every row: head, bodies' heads and bodies, foot) of a Table, each a list of cells."""
    _, _, _, head, bodies, foot = table["c"]
    body_rows = [cells for body in bodies for cells in _cells(body[3])]
    all_rows = _cells(head[1]) + [cells for body in bodies for cells in _cells(body[2])] + body_rows + _cells(foot[1])
    return body_rows, all_rows


def _numeric(table: Node) -> list[int]:
    """The numeric columns of a Table; none when a cell spans rows or columns."""
    body_rows, all_rows = _rows(table)
    if any(cell[2] != 1 or cell[3] != 1 for cells in all_rows for cell in cells):
        return []
    found = []
    for column in range(len(table["c"][2])):
        values = [stringify(cells[column][4]) for cells in body_rows if column < len(cells)]
        values = [value for value in values if value.casefold() not in NEUTRAL]
        if values and all(NUMBER.fullmatch(value) for value in values):
            found.append(column)
    return found


def _words(value: Any) -> Iterator[str]:
    """The text of the Str nodes in `value` outside code, links, formulas, figures and notes."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and item.get("t") == "Str":
            yield item["c"]
        elif isinstance(item, dict) and item.get("t") not in UNBROKEN:
            stack.append(item.get("c"))


def narrowest_width(table: Node) -> float:
    """About how many ems of its own type a Table needs at the least: each column as wide as its longest number (a
    numeric column's cell, kept on one line) or word, and its cells' padding."""
    numeric = set(_numeric(table))
    widest = [0] * len(table["c"][2])
    for cells in _rows(table)[1]:
        for column, cell in enumerate(cells[: len(widest)]):
            pieces = [stringify(cell[4])] if column in numeric else list(_words(cell[4]))
            widest[column] = max([widest[column], *(len(piece) for piece in pieces)])
    return sum(widest) * CHARACTER_EM + CELL_PADDING_EM * len(widest)


def first_text(table: Node) -> str:
    """The text of a Table's first cell holding any, for the checks to find where the table is written."""
    return next((text for cells in _rows(table)[1] for cell in cells if (text := stringify(cell[4]).strip())), "")


def numeric_columns(table: Node) -> Node:
    """A copy of the Table with each numeric column's cells of class "numeric" and, where the author gave no
    alignment, right-aligned, and the table of class `wide-N` when it is wide (see the module's docstring). A table
    with a cell spanning rows or columns is given back as it is."""
    table = copy_tree(table)
    colspecs = table["c"][2]
    if len({str(spec[1]) for spec in colspecs}) == 1:  # equal widths: pandoc's dash counts of a pipe table, `|---|---|`
        for spec in colspecs:
            spec[1] = {"t": "ColWidthDefault"}
    numeric = _numeric(table)
    step = min(WIDEST_CLASS, WIDTH_STEP * int(narrowest_width(table) // WIDTH_STEP))
    if step >= NARROWEST_CLASS:
        table["c"][0][1].append(f"wide-{step}")
    for column in numeric:
        if colspecs[column][0]["t"] == "AlignDefault":
            colspecs[column][0] = {"t": "AlignRight"}
        for cells in _rows(table)[1]:
            if column < len(cells) and NUMERIC_CLASS not in cells[column][0][1]:
                cells[column][0][1].append(NUMERIC_CLASS)
    return table
