"""Tables of pandoc's DOCX -> the same tables with their number in the alt text and room after them.

Takes a part of the document (word/document.xml, word/footnotes.xml) as pandoc wrote it; gives it back with, for each
table that has a caption,

- the table's alt text (`w:tblCaption`, the title, and `w:tblDescription`, what Word's Alt Text pane and screen
  readers read) set to the caption as the reader sees it, "Table 2. Caption text": pandoc writes the caption's text
  without the number, which is a field (docx_fields.py);

and for each table, the paragraph right after it set off by 12 pt of space before it (Word has no space after a
table, and a table style cannot give one). A paragraph whose style sets off on its own (headings, captions) or that
carries properties of its own (lists) is left alone.
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


def described_tables(xml: bytes) -> bytes:
    """The part `xml` with its tables' alt text naming their number and space after each table."""
    text = xml.decode("utf-8")
    if "<w:tbl>" not in text:
        return xml
    return _space_after(_alt_texts(text)).encode("utf-8")
