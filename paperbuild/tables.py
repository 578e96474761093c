"""Tables as a typesetter sets them: a Table block (Pandoc JSON) -> the same table with its numeric columns marked.

A column whose body cells all hold a number (`1234`, `-0.52`, `12.5 %`, `3.1 ± 0.2`, `(0.03)`, `<0.001`, `1.2e-3`;
empty cells and dashes do not count either way) is numeric: its cells get the class "numeric" (the style keeps a
number on one line and sets its digits in columns) and, unless the author aligned it, the column is right-aligned
(HTML, PDF and DOCX alike, through pandoc's column alignment).

Columns all of one width are given no width at all, so that every output sizes them from their content: pandoc
gives a pipe table with a row longer than 72 characters widths from the counts of the dashes under its header,
and `|---|---|` then means equal columns, which its author did not choose.
"""

from __future__ import annotations

import re
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


def _cells(rows: list[Any]) -> list[list[Any]]:
    """The cells of each row (a row is [attributes, cells]; a cell [attributes, alignment, rows, columns, blocks])."""
    return [row[1] for row in rows]


def numeric_columns(table: Node) -> Node:
    """A copy of the Table with each numeric column's cells of class "numeric" and, where the author gave no
    alignment, right-aligned. A table with a cell spanning rows or columns is given back as it is."""
    table = copy_tree(table)
    _, _, colspecs, head, bodies, foot = table["c"]
    if len({str(spec[1]) for spec in colspecs}) == 1:  # equal widths: pandoc's dash counts of a pipe table, `|---|---|`
        for spec in colspecs:
            spec[1] = {"t": "ColWidthDefault"}
    body_rows = [cells for body in bodies for cells in _cells(body[3])]
    all_rows = _cells(head[1]) + [cells for body in bodies for cells in _cells(body[2])] + body_rows + _cells(foot[1])
    if any(cell[2] != 1 or cell[3] != 1 for cells in all_rows for cell in cells):
        return table
    for column, spec in enumerate(colspecs):
        values = [stringify(cells[column][4]) for cells in body_rows if column < len(cells)]
        values = [value for value in values if value.casefold() not in NEUTRAL]
        if not values or not all(NUMBER.fullmatch(value) for value in values):
            continue
        if spec[0]["t"] == "AlignDefault":
            spec[0] = {"t": "AlignRight"}
        for cells in all_rows:
            if column < len(cells) and NUMERIC_CLASS not in cells[column][0][1]:
                cells[column][0][1].append(NUMERIC_CLASS)
    return table
