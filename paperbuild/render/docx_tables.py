"""Tables of pandoc's DOCX -> the same tables with their number in the alt text, room after them, widths to fit.

Takes a part of the document (word/document.xml, word/footnotes.xml) as pandoc wrote it; gives it back with, for each
table that has a caption,

- the table's alt text (`w:tblCaption`, the title, and `w:tblDescription`, what Word's Alt Text pane and screen
  readers read) set to the caption as the reader sees it, "Table 2. Caption text": pandoc writes the caption's text
  without the number, which is a field (docx_fields.py);

and for each table, in a right-to-left paper, its columns laid out from the right (`w:bidiVisual`: pandoc leaves
them left to right, the first column at the left, under right-to-left text), and the paragraph right after it set
off by 12 pt of space before it (Word has no space after a
table, and a table style cannot give one). A paragraph whose style sets off on its own (headings, captions) or that
carries properties of its own (lists) is left alone.

A table whose columns pandoc made equal (the author gave no widths: pipe tables with short rows) gets column widths
from its content instead, as the HTML and the PDF lay it out: the text width shared in proportion to each column's
longest cell (cut at LONG_CELL characters), and never less than its longest word. The rules (booktabs: above, under
the header, below) and the repeated header row come from the reference document's table style and from pandoc.
"""

from __future__ import annotations

import html
import re

TABLE_CAPTION_STYLE = "TableCaption"
"""The style id of a table caption paragraph, which pandoc writes right before its table."""
SPACE_AFTER_TABLE = 240
"""Twentieths of a point before the paragraph that follows a table: 12 pt."""
CAPTION = re.compile(r'<w:tblCaption w:val="[^"]*"\s*/>')
BETWEEN = re.compile(r"(?:\s|<w:bookmark(?:Start|End)\b[^>]*/>)*")
"""What may stand between a caption paragraph and its table, or a table and the next paragraph: bookmarks."""
TEXT = re.compile(r"<(?:w|m):t(?:\s[^>]*)?>([^<]*)</(?:w|m):t>")
AFTER_TABLE = re.compile(
    r"(</w:tbl>" + BETWEEN.pattern + r'<w:p>\s*<w:pPr>\s*<w:pStyle w:val="([^"]+)"\s*/>\s*)(</w:pPr>)'
)
"""A table's end and the paragraph after it when that paragraph has a style and no other property."""
SETS_OFF = re.compile(r"Heading\d|.*Caption|Title|Subtitle|DisplayEquation|CaptionedFigure|Figure")
"""Styles with space before of their own."""
TABLE = re.compile(r"<w:tbl>.*?</w:tbl>", re.DOTALL)
TABLE_PROPERTIES = re.compile(r"(<w:tblPr>(?>\s*(?:<w:tblStyle\b[^>]*/>)?))(?!\s*<w:bidiVisual)")
ROW = re.compile(r"<w:tr\b.*?</w:tr>", re.DOTALL)
CELL = re.compile(r"<w:tc>.*?</w:tc>", re.DOTALL)
GRID_COL = re.compile(r'<w:gridCol w:w="(\d+)"\s*/>')
LONG_CELL = 60
"""Characters of a cell's text that count for its column's width: past a line's worth, text wraps anyway."""
CHARACTER = 110
"""Twips an average character of table text takes (5.5 pt)."""
CELL_MARGINS = 216
"""Twips of a cell's left and right margins (the table style's 108 each)."""


def _caption_before(xml: str, table_start: int) -> str | None:
    """The text of the caption paragraph that ends right before the table starting at `table_start`, if any."""
    end = xml.rfind("</w:p>", 0, table_start)
    if end < 0 or not BETWEEN.fullmatch(xml, end + len("</w:p>"), table_start):
        return None
    start = xml.rfind("<w:p", 0, end)  # back from the end (not "<w:pPr>"): no scan of the whole part per table
    while start >= 0 and xml[start + len("<w:p")] not in "> ":
        start = xml.rfind("<w:p", 0, start)
    if start < 0:
        return None
    paragraph = xml[start:end]
    if f'<w:pStyle w:val="{TABLE_CAPTION_STYLE}"' not in paragraph:
        return None
    return html.unescape("".join(TEXT.findall(paragraph))).strip()


def _grid_widths(table: str, grid: list[int]) -> list[int] | None:
    """Column widths (twips, adding up to the grid's) from the content of `table`; None when a row does not have
    one cell a column (spans) or the table holds another."""
    longest = [1] * len(grid)
    word = [1] * len(grid)
    for row in ROW.findall(table):
        cells = CELL.findall(row)
        if len(cells) != len(grid):
            return None
        for column, cell in enumerate(cells):
            cell_text = html.unescape("".join(TEXT.findall(cell)))
            longest[column] = max(longest[column], min(len(cell_text), LONG_CELL))
            word[column] = max(word[column], *(len(w) for w in cell_text.split()), 1)
    total = sum(grid)
    widths = [max(total * n / sum(longest), w * CHARACTER + CELL_MARGINS) for n, w in zip(longest, word, strict=True)]
    return [round(total * w / sum(widths)) for w in widths]


def _content_widths(xml: str) -> str:
    def fitted(match: re.Match[str]) -> str:
        table = match.group(0)
        grid = [int(w) for w in GRID_COL.findall(table)]
        if len(set(grid)) != 1 or len(grid) < 2 or "<w:tbl>" in table[1:] or 'w:type="auto"' not in table:
            return table
        widths = _grid_widths(table, grid)
        if widths is None:
            return table
        columns = iter(widths)
        return GRID_COL.sub(lambda _: f'<w:gridCol w:w="{next(columns)}" />', table)

    return TABLE.sub(fitted, xml)


def _alt_texts(xml: str) -> str:
    def alt_text(match: re.Match[str]) -> str:
        caption = _caption_before(xml, xml.rfind("<w:tbl>", 0, match.start()))
        if not caption:
            return match.group(0)
        value = html.escape(caption)
        return f'<w:tblCaption w:val="{value}"/><w:tblDescription w:val="{value}"/>'

    return CAPTION.sub(alt_text, xml)


def _space_after(xml: str) -> str:
    def spaced(match: re.Match[str]) -> str:
        if SETS_OFF.fullmatch(match.group(2)):
            return match.group(0)
        return f'{match.group(1)}<w:spacing w:before="{SPACE_AFTER_TABLE}"/>{match.group(3)}'

    return AFTER_TABLE.sub(spaced, xml)


def _right_to_left(xml: str) -> str:
    """Each table's properties with `w:bidiVisual` where ECMA-376 puts it: after the table style."""
    return TABLE_PROPERTIES.sub(r"\1<w:bidiVisual/>", xml)


def described_tables(xml: bytes, *, rtl: bool = False) -> bytes:
    """The part `xml` with its tables' alt text naming their number and space after each table; with `rtl`, their
    columns from the right."""
    text = xml.decode("utf-8")
    if "<w:tbl>" not in text:
        return xml
    text = _space_after(_alt_texts(_content_widths(text)))
    return (_right_to_left(text) if rtl else text).encode("utf-8")
