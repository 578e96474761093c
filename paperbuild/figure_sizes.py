"""The size a figure prints at: each output's text width (and column width), and a figure's share of it.

Takes a Style (its print.css layers, its reference.docx) and an image's attributes; gives widths in inches, and a
copy of the blocks in which every figure without a `width=` has `width=100%`. Figures are so sized to the text
width alike in every style and output, to a column's in a style of columns (a wide figure to the text block's): the
HTML and the PDF read the width as CSS; the DOCX writer gets it in inches (`docx_widths`), since pandoc's DOCX
writer only ever shrinks an image to a percentage, never enlarges one.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import tinycss2

from paperbuild.pandoc_ast import Node, copy_tree, walk
from paperbuild.style import PRINT_CSS, REFERENCE_DOC, Style

INCH = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "q": 1 / 101.6, "pt": 1 / 72, "pc": 1 / 6, "px": 1 / 96, "": 1 / 96}
"""Inches per unit of CSS (and of pandoc's attributes: a bare number is pixels, at 96 per inch)."""
PAGE_SIZES = {
    "a5": (148 / 25.4, 210 / 25.4),
    "a4": (210 / 25.4, 297 / 25.4),
    "a3": (297 / 25.4, 420 / 25.4),
    "b5": (176 / 25.4, 250 / 25.4),
    "b4": (250 / 25.4, 353 / 25.4),
    "letter": (8.5, 11.0),
    "legal": (8.5, 14.0),
    "ledger": (11.0, 17.0),
}
"""CSS's page size keywords, (width, height) in inches."""
DEFAULT_PAGE = PAGE_SIZES["a4"]
"""WeasyPrint's page when a style names none."""
LENGTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(in|cm|mm|q|pt|pc|px|%)?\s*$", re.IGNORECASE)
BODY_BOXES = frozenset({"html", "body", "main", "article", ".paper", ".body"})
"""Selectors of the boxes that hold the body (styles/default/paper.html.j2): their `column-count` sets the width
a figure prints at. A gap given in `em` or `normal` counts as none."""
TWIPS = re.compile(r"<w:(pgSz|pgMar)\b([^>]*)/?>")
TWIP_ATTRIBUTE = re.compile(r'w:(w|left|right)="(\d+)"')
DOCX_COLUMNS = re.compile(r'<w:cols\b(?=[^>]*?\bw:num="(\d+)")(?:(?=[^>]*?\bw:space="(\d+)"))?')
"""A section's columns: their number and the gap between them (twips; none given: Word's 720)."""


@dataclass(frozen=True)
class TextWidths:
    """How wide the text block and a column of it are in each printed output, in inches."""

    pdf: float
    """The PDF's, from the style's print CSS (`@page` size and margins)."""
    docx: float
    """The DOCX's, from the reference document's last section (page width less the side margins)."""
    pdf_column: float
    """The PDF's column (its `column-count` and `column-gap`); the text block's width in a style of one column."""
    docx_column: float
    """The DOCX's column (the last section's `w:cols`); the text block's width in a style of one column."""

    def widest(self, spanning: bool) -> float:
        """The widest a figure prints in any output: across the text block when it is `spanning` the columns (a
        wide figure), else across a column."""
        return max(self.pdf, self.docx) if spanning else max(self.pdf_column, self.docx_column)


def length(value: str) -> tuple[float, str] | None:
    """A CSS or pandoc length as (number, unit in lower case: "%", "in", ..., "" for pixels), or None."""
    match = LENGTH.match(value)
    return (float(match.group(1)), (match.group(2) or "").lower()) if match else None


def printed_width(attributes: list[list[str]], text_width: float) -> float:
    """How wide, in inches, an image prints in a text block `text_width` inches wide: its `width=` (a percentage of
    the text width, or a length), else the text width; never wider than the text block."""
    given = length(dict((k, v) for k, v in attributes).get("width", ""))
    if given is None:
        return text_width
    number, unit = given
    return min(text_width * number / 100 if unit == "%" else number * INCH[unit], text_width)


def figure_images(blocks: list[Node]) -> Iterator[Node]:
    """The Image nodes of the figures among `blocks` (pandoc's Figure blocks), in document order."""
    for _, image in classed_figure_images(blocks):
        yield image


def classed_figure_images(blocks: list[Node]) -> Iterator[tuple[list[str], Node]]:
    """(its figure's classes, the Image node) for the figures among `blocks`, in document order."""
    for figure in walk(blocks):
        if figure["t"] == "Figure":
            yield from ((figure["c"][0][1], node) for node in walk(figure["c"][2]) if node["t"] == "Image")


def sized_figures(blocks: list[Node]) -> list[Node]:
    """A copy of `blocks` in which every figure's image without a width is as wide as the text (`width=100%`)."""
    sized = copy_tree(blocks)
    for image in figure_images(sized):
        attributes = image["c"][0][2]
        if not any(key == "width" for key, _ in attributes):
            attributes.append(["width", "100%"])
    return sized


def docx_widths(blocks: list[Node], widths: TextWidths, spanning: frozenset[str]) -> list[Node]:
    """A copy of `blocks` in which every figure's width is in inches: of the DOCX's text block for a figure of a
    class in `spanning` (a wide figure), of its column for the others (the text block in a style of one column)."""
    sized = copy_tree(blocks)
    for classes, image in classed_figure_images(sized):
        attributes = image["c"][0][2]
        inches = printed_width(attributes, widths.docx if spanning & set(classes) else widths.docx_column)
        attributes[:] = [[k, v] for k, v in attributes if k not in ("width", "height")] + [["width", f"{inches:.3f}in"]]
    return sized


def text_widths(style: Style) -> TextWidths:
    """The text block's width, and a column's, in the PDF and in the DOCX of `style`."""
    (pdf, pdf_column), (docx, docx_column) = _css_text_width(style), _docx_text_width(style)
    return TextWidths(pdf, docx, pdf_column, docx_column)


def _css_text_width(style: Style) -> tuple[float, float]:
    """The page width less the side margins of the unnamed `@page` rules of the style's print CSS, base first;
    and a column's, when a box holding the body sets `column-count` (the gaps between the columns taken off)."""
    width, left, right = DEFAULT_PAGE[0], 0.75, 0.75  # CSS's default page margin: 75px on each side (WeasyPrint)
    columns, gap = 1, 0.0
    for path in style.layers(PRINT_CSS):
        for rule in tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), True, True):
            prelude = tinycss2.serialize(rule.prelude or []).strip() if rule.type != "error" else ""
            if rule.type == "qualified-rule" and BODY_BOXES & {s.strip() for s in prelude.split(",")}:
                for name, values in _declarations(rule):
                    if name == "column-count" and values and values[0].isdigit():
                        columns = max(int(values[0]), 1)
                    elif name == "column-gap" and values:
                        gap = _inches(values[0])
            if rule.type != "at-rule" or rule.lower_at_keyword != "page" or prelude:
                continue
            for name, values in _declarations(rule):
                if name == "size":
                    width = _page_width(values, width)
                elif name == "margin" and values:
                    sides = [_inches(v) for v in values]
                    right = sides[1] if len(sides) > 1 else sides[0]
                    left = sides[3] if len(sides) > 3 else right
                elif name in ("margin-left", "margin-right") and values:
                    left, right = (_inches(values[0]), right) if name == "margin-left" else (left, _inches(values[0]))
    return width - left - right, (width - left - right - (columns - 1) * gap) / columns


def _declarations(rule: tinycss2.ast.QualifiedRule | tinycss2.ast.AtRule) -> Iterator[tuple[str, list[str]]]:
    """(lower-case name, values without whitespace) of each declaration of a rule's block."""
    for declaration in tinycss2.parse_blocks_contents(rule.content or [], True, True):
        if declaration.type == "declaration":
            values = [tinycss2.serialize([token]) for token in declaration.value if token.type != "whitespace"]
            yield declaration.lower_name, values


def _inches(value: str) -> float:
    """A CSS length in inches (0 for what is not a length)."""
    parsed = length(value)
    return parsed[0] * INCH[parsed[1]] if parsed and parsed[1] != "%" else 0.0


def _page_width(values: list[str], current: float) -> float:
    """The page width that a `size` declaration's values give."""
    words = [v.lower() for v in values]
    named = next((PAGE_SIZES[w] for w in words if w in PAGE_SIZES), None)
    lengths = [_inches(v) for v in values if length(v)]
    portrait = named or (lengths[0], lengths[-1]) if named or lengths else None
    if portrait is None:
        return current
    return max(portrait) if "landscape" in words else portrait[0]


def _docx_text_width(style: Style) -> tuple[float, float]:
    """The reference document's page width less its side margins (twentieths of a point) of its last section, and
    a column's of it (`w:cols`: Word's gap is half an inch when it gives none)."""
    with zipfile.ZipFile(style.file(REFERENCE_DOC)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    twips: dict[str, int] = {}
    for _, attributes in TWIPS.findall(xml):
        twips.update((key, int(value)) for key, value in TWIP_ATTRIBUTE.findall(attributes))
    width = twips.get("w", round(DEFAULT_PAGE[0] * 1440)) - twips.get("left", 1440) - twips.get("right", 1440)
    columns = DOCX_COLUMNS.findall(xml, xml.rfind("<w:sectPr"))[:1]
    count = int(columns[0][0]) if columns and int(columns[0][0]) > 1 else 1
    gap = int(columns[0][1] or 720) if count > 1 else 0
    return width / 1440, (width - (count - 1) * gap) / count / 1440
