"""Set a DOCX in columns as a journal page is: the title block across the page, the body in columns, wide floats across.

Takes the style (its reference document's last section says how many columns the body has: `w:cols w:num`, which
pandoc copies into the document), the blocks before pandoc and document.xml after it. `in_columns` gives the blocks
with a marker after the front matter and around each wide figure or table (figure_placement.py marks them), and
each other figure no wider than a column; `column_sections` gives document.xml in which each marker is a paragraph
ending a continuous section, Word's way of changing the number of columns within a page: the title, authors,
abstract and keywords end a section of one column, the body and back matter are the document's last section, in
the reference document's columns, and a wide float is a section of one column between two in columns. A style
whose reference document has one column gets the blocks and the document unchanged.
"""

from __future__ import annotations

import re
import zipfile

from paperbuild.figure_placement import WIDE
from paperbuild.figure_sizes import figure_images, length
from paperbuild.pandoc_ast import Node, copy_tree, raw_block
from paperbuild.style import REFERENCE_DOC, Style

ACROSS = "<!--paperbuild:section-across-->"
"""Marks the end of a section of one column (the title block, a wide float)."""
IN_COLUMNS = "<!--paperbuild:section-in-columns-->"
"""Marks the end of a section in the document's columns (the body before a wide float)."""
SECTION = re.compile(r"<w:sectPr\b[^>]*>.*?</w:sectPr>", re.DOTALL)
COLUMNS = re.compile(r'<w:cols\b[^>]*?\bw:num="(\d+)"[^>]*?(?:/>|>.*?</w:cols>)', re.DOTALL)
SECTION_TYPE = re.compile(r"<w:type\b[^>]*/>")
AFTER_TYPE = re.compile(r"<w:(?:pgSz|pgMar|paperSrc|pgBorders|lnNumType|pgNumType|cols|formProt|vAlign|noEndnote)\b")
"""What follows w:type in a w:sectPr (ECMA-376's CT_SectPr sequence)."""
PAGE_MARGINS = re.compile(r"<w:pgMar\b[^>]*>")
TABLE_GRID = re.compile(r"<w:tblGrid>.*?</w:tblGrid>", re.DOTALL)
GRID_COLUMN = re.compile(r'<w:gridCol\b[^>]*?\bw:w="(\d+)"')
BREAK_SPACING = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
"""A section break's own paragraph takes a single twip of height."""
TWIPS_PER_INCH = 1440
DEFAULT_GAP = 0.5
"""Word's gap between columns when w:cols gives none, in inches."""


def column_count(style: Style) -> tuple[int, float]:
    """The number of columns of the style's reference document's last section and the gap between them (inches);
    (1, 0) when it has one."""
    with zipfile.ZipFile(style.file(REFERENCE_DOC)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    sections = SECTION.findall(xml)
    found = COLUMNS.search(sections[-1]) if sections else None
    if found is None or int(found.group(1)) < 2:
        return 1, 0.0
    space = re.search(r'\bw:space="(\d+)"', found.group(0))
    return int(found.group(1)), int(space.group(1)) / TWIPS_PER_INCH if space else DEFAULT_GAP


def _narrowed(blocks: list[Node], column: float) -> None:
    """Each figure's image no wider than a column, in place (the widths are in inches: figure_sizes.docx_widths)."""
    for image in figure_images(blocks):
        for pair in image["c"][0][2]:
            given = length(pair[1]) if pair[0] == "width" else None
            if given and given[1] == "in" and given[0] > column:
                pair[1] = f"{column:.3f}in"


def _marked(blocks: list[Node], column: float) -> list[Node]:
    out: list[Node] = []
    for block in blocks:
        kind = block["t"]
        if kind in ("Figure", "Table") and WIDE in block["c"][0][1]:
            out += [raw_block("openxml", IN_COLUMNS), block, raw_block("openxml", ACROSS)]
            continue
        if kind == "Figure":
            _narrowed([block], column)
        elif kind == "Div":
            block = {"t": "Div", "c": [block["c"][0], _marked(block["c"][1], column)]}
        elif kind == "BlockQuote":
            block = {"t": "BlockQuote", "c": _marked(block["c"], column)}
        out.append(block)
    return out


def in_columns(front: list[Node], body: list[Node], style: Style, text_width: float) -> list[Node]:
    """The front matter and the body (figures `text_width` inches wide at most) as one list of blocks, marked for
    `column_sections` when the style's reference document has columns (see the module's docstring)."""
    count, gap = column_count(style)
    if count < 2:
        return [*front, *body]
    column = (text_width - gap * (count - 1)) / count
    return [*front, raw_block("openxml", ACROSS), *_marked(copy_tree(body), column)]


def _continuous(section: str) -> str:
    """A w:sectPr that starts its section on the same page as the one before."""
    section = SECTION_TYPE.sub("", section)
    after = AFTER_TYPE.search(section)
    at = after.start() if after else section.rindex("</w:sectPr>")
    return section[:at] + '<w:type w:val="continuous"/>' + section[at:]


def _column_twips(section: str) -> int:
    """The width of a column of a w:sectPr, in twips (0 when its page is not given)."""
    page = re.search(r'<w:pgSz\b[^>]*?\bw:w="(\d+)"', section)
    sides = [int(n) for n in re.findall(r'\bw:(?:left|right)="(\d+)"', (PAGE_MARGINS.findall(section) or [""])[0])]
    columns = COLUMNS.search(section)
    space = re.search(r'\bw:space="(\d+)"', columns.group(0)) if columns else None
    if page is None or columns is None:
        return 0
    count, gap = int(columns.group(1)), int(space.group(1)) if space else round(DEFAULT_GAP * TWIPS_PER_INCH)
    return (int(page.group(1)) - sum(sides) - gap * (count - 1)) // max(count, 1)


def _fitted_grids(xml: str, width: int) -> str:
    """Each table grid of `xml` wider than `width` twips shrunk to it, its columns in proportion (pandoc sizes a
    table's grid to its own default text width, wider than a column)."""

    def grid(match: re.Match[str]) -> str:
        widths = [int(n) for n in GRID_COLUMN.findall(match.group(0))]
        if not widths or sum(widths) <= width:
            return match.group(0)
        scaled = iter(w * width // sum(widths) for w in widths)
        return GRID_COLUMN.sub(lambda m: m.group(0).replace(m.group(1), str(next(scaled))), match.group(0))

    return TABLE_GRID.sub(grid, xml)


def column_sections(xml: str) -> str:
    """document.xml with each marker a section break and the tables in columns as wide as a column at most (see
    the module's docstring); unchanged without markers."""
    sections = SECTION.findall(xml)
    if ACROSS not in xml or not sections:
        return xml.replace(IN_COLUMNS, "")
    last = sections[-1]
    width = _column_twips(last)
    pieces = re.split(f"({re.escape(ACROSS)}|{re.escape(IN_COLUMNS)})", xml)
    across = True  # the title block, and a wide float: between IN_COLUMNS and ACROSS
    for index, piece in enumerate(pieces):
        if piece in (ACROSS, IN_COLUMNS):
            across = piece == IN_COLUMNS
        elif not across and width:
            pieces[index] = _fitted_grids(piece, width)
    xml = "".join(pieces)
    one = COLUMNS.sub(lambda m: re.sub(r'w:num="\d+"', 'w:num="1"', m.group(0)), last)

    def ending(section: str) -> str:
        return f"<w:p><w:pPr>{BREAK_SPACING}{_continuous(section)}</w:pPr></w:p>"

    xml = xml.replace(ACROSS, ending(one)).replace(IN_COLUMNS, ending(last))
    at = xml.rindex(last)  # the body's own section, the document's last
    return xml[:at] + _continuous(last) + xml[at + len(last) :]
