"""Generate `styles/default/reference.docx`, the DOCX house style: a sober journal-manuscript look; and
`styles/review/reference.docx`, its variant for double-blind review.

Run it by hand from the repository root whenever the house style of the DOCX changes, then commit the .docx:

    .venv/bin/python tools/make_reference_docx.py                     # writes styles/default/reference.docx
    .venv/bin/python tools/make_reference_docx.py OUT.docx            # or anywhere else, to compare
    .venv/bin/python tools/make_reference_docx.py --review            # writes styles/review/reference.docx
    .venv/bin/python tools/make_reference_docx.py --review OUT.docx   # the review variant, anywhere else
    .venv/bin/python tools/make_reference_docx.py --two-column        # writes styles/two-column/reference.docx

It needs pypandoc-binary and python-docx (`pip install -e '.[test]'`). It starts from the reference document of the
pandoc that paperbuild itself runs (`pandoc -o x.docx --print-default-data-file reference.docx`, with the pandoc of
`pypandoc.get_pandoc_path()`), so every style pandoc's DOCX writer looks for is there, and edits it with python-docx:

- the fonts: Times New Roman 12 pt, the manuscript convention and a face every Word has, for Latin and
  complex-script text (Arabic, Hebrew); SimSun (宋体, which Word ships everywhere) for East Asian text, so a Chinese
  paper keeps a CJK face (LibreOffice draws them in Liberation Serif and a CJK serif of the system);
- every style listed in `STYLES` below (sizes, weights, alignment, spacing, indents), headings in black;
- paragraph styles pandoc would otherwise make up on the fly as plain copies of Body Text: Affiliation and Keywords
  (used by `paperbuild/render/docx.py` through `custom-style`) and Display Equation (a numbered equation: the
  formula at a centred tab stop, its number at a right tab stop on the right margin, as
  `paperbuild/render/docx_fields.py` writes it); and the Footer style;
- the page: A4, 2.5 cm margins, the page number (a PAGE field) centred in the footer.

The review variant (`--review`) is the same document with the changes in `REVIEW_STYLES` (double line spacing for
the running text: body, first paragraphs, lists, abstract, keywords, references) and line numbers in the margin,
continuous through the paper (`w:lnNumType` in the section properties, which pandoc copies from the reference
document), as the review style's PDF has them.

The two-column variant (`--two-column`) is the default document on IEEE Transactions' page: US Letter, 0.75 in top,
1 in bottom and 0.625 in side margins, the section in two columns 0.2 in apart (`w:cols`, which pandoc copies into
the document's last section; paperbuild/render/docx_columns.py sets the title block across the page), a Display
Equation's number at the column's right edge.

The output is reproducible: the same pandoc and python-docx give the same bytes (zip entries carry a fixed date).
"""

from __future__ import annotations

import argparse
import copy
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pypandoc
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Inches, Pt, RGBColor, Twips

STYLES_DIR = Path(__file__).resolve().parent.parent / "styles"
OUT = STYLES_DIR / "default" / "reference.docx"
REVIEW_OUT = STYLES_DIR / "review" / "reference.docx"
TWO_COLUMN_OUT = STYLES_DIR / "two-column" / "reference.docx"

SERIF = "Times New Roman"  # Latin and complex-script text: in every Word; in pandoc's font table already
SERIF_CJK = "SimSun"  # East Asian text (the paper's lang may be zh): in every Word
SERIF_PANOSE = "02020603050405020304"  # OS/2 PANOSE of Times New Roman, for the theme
# the font table's entry for SimSun (Word's own: its Chinese name, PANOSE, the GB2312 character set)
CJK_FONT_ENTRY = (
    f'<w:font w:name="{SERIF_CJK}"><w:altName w:val="宋体"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
)

PAGE_WIDTH, PAGE_HEIGHT = Twips(11906), Twips(16838)  # A4, 210 x 297 mm
MARGIN = Cm(2.5)
HEADER_FOOTER_DISTANCE = Cm(1.25)
TEXT_WIDTH = Twips(PAGE_WIDTH.twips - 2 * MARGIN.twips)  # where a Display Equation's number ends

LEFT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER

# Paragraph styles: what each one looks like. Keys: base (style it inherits from), size (pt), bold, italic,
# align, before/after (spacing in pt), line (line spacing, a multiple), left/right (indents in cm), hanging (cm),
# keep_next, keep_lines, tabs (tab stops: (position, alignment) pairs). A key left out keeps what the style
# inherits. Styles not listed keep pandoc's look apart from the font and the colour (every style is black and in the
# serif face).
STYLES: dict[str, dict[str, Any]] = {
    "Normal": {"size": 12, "after": 0, "line": 1.0},
    # body text: 1.5 lines, a 6 pt gap between paragraphs and no first-line indent (as in the PDF), ragged right
    # (a manuscript for editing and review: Word does not hyphenate, so justified lines would gape)
    "Body Text": {"base": "Normal", "align": LEFT, "before": 0, "after": 6, "line": 1.5},
    "First Paragraph": {"base": "Body Text"},
    "Compact": {"base": "Body Text", "before": 1, "after": 1, "line": 1.0},  # table cells, tight lists
    "Block Text": {"base": "Body Text", "size": 11, "before": 3, "after": 9, "left": 1, "right": 1, "line": 1.15},
    # title block
    "Title": {"base": "Normal", "size": 16, "bold": True, "align": CENTER, "before": 0, "after": 12, "line": 1.15},
    "Subtitle": {"base": "Title", "size": 14, "bold": False, "before": 0, "after": 12},
    "Author": {"base": "Normal", "size": 12, "bold": False, "align": CENTER, "before": 0, "after": 3},
    "Affiliation": {"base": "Normal", "size": 11, "italic": True, "align": CENTER, "before": 0, "after": 2},
    "Date": {"base": "Normal", "size": 11, "bold": False, "align": CENTER, "before": 6, "after": 0},
    "Abstract Title": {"base": "Normal", "size": 11, "bold": True, "align": CENTER, "before": 18, "after": 0},
    "Abstract": {
        "base": "Normal",
        "size": 11,
        "align": LEFT,
        "before": 18,
        "after": 6,
        "left": 1,
        "right": 1,
        "line": 1.15,
        "keep_next": True,
        "keep_lines": False,
    },
    "Keywords": {
        "base": "Normal",
        "size": 11,
        "align": LEFT,
        "before": 0,
        "after": 18,
        "left": 1,
        "right": 1,
        "line": 1.15,
    },
    # headings: black, bold, kept with the next paragraph
    "Heading 1": {"size": 14, "bold": True, "before": 18, "after": 6, "keep_next": True, "keep_lines": True},
    "Heading 2": {"size": 12, "bold": True, "before": 12, "after": 6, "keep_next": True, "keep_lines": True},
    "Heading 3": {
        "size": 12,
        "bold": True,
        "italic": True,
        "before": 12,
        "after": 3,
        "keep_next": True,
        "keep_lines": True,
    },
    "Heading 4": {"size": 12, "bold": False, "italic": True, "before": 9, "after": 3},
    "Heading 5": {"size": 12, "bold": False, "italic": True, "before": 6, "after": 0},
    "Heading 6": {"size": 12, "bold": False, "italic": True, "before": 6, "after": 0},
    "Heading 7": {"size": 12, "bold": False, "italic": False, "before": 6, "after": 0},
    "Heading 8": {"size": 12, "bold": False, "italic": True, "before": 6, "after": 0},
    "Heading 9": {"size": 12, "bold": False, "italic": False, "before": 6, "after": 0},
    "TOC Heading": {"size": 14, "bold": True},
    # figures, tables and their captions: figures centred with the caption below, table captions above the table
    "Caption": {"base": "Normal", "size": 11, "italic": False, "align": LEFT, "before": 3, "after": 12, "line": 1.0},
    "Image Caption": {"base": "Caption", "align": CENTER},
    "Table Caption": {"base": "Caption", "before": 12, "after": 6, "keep_next": True},
    "Figure": {"base": "Normal", "align": CENTER, "before": 12, "after": 0},
    "Captioned Figure": {"base": "Figure", "keep_next": True},
    "Definition": {"base": "Normal", "after": 6},  # the body of a definition list item
    # a numbered equation: tab, formula, tab, number
    "Display Equation": {
        "base": "Normal",
        "before": 6,
        "after": 6,
        "keep_lines": True,
        "tabs": ((Twips(TEXT_WIDTH.twips // 2), WD_TAB_ALIGNMENT.CENTER), (TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)),
    },
    # back matter and notes
    "Bibliography": {
        "base": "Normal",
        "size": 11,
        "align": LEFT,
        "before": 0,
        "after": 4,
        "line": 1.0,
        "left": 1,
        "hanging": 1,
    },
    "Footnote Text": {"base": "Normal", "size": 10, "after": 2, "line": 1.0},
    "Footnote Block Text": {"base": "Footnote Text", "left": 0.75, "right": 0.75},
    "Footer": {"base": "Normal", "size": 10, "align": CENTER},
}
NEW_STYLES = ("Affiliation", "Keywords", "Display Equation", "Footer")  # not in pandoc's reference document

# The review variant: what changes, on top of STYLES. Double spacing for every paragraph style of running text
# (Compact: pandoc's tight list items, and table cells); titles, captions and notes keep theirs.
DOUBLE = 2.0
REVIEW_STYLES: dict[str, dict[str, Any]] = {
    name: {"line": DOUBLE}
    for name in (
        "Body Text",
        "First Paragraph",
        "Compact",
        "Block Text",
        "Definition",
        "Abstract",
        "Keywords",
        "Bibliography",
    )
}
# Word's line numbering: every line numbered, continuously through the paper (reviewers cite "line 312")
LINE_NUMBERS = {"w:countBy": "1", "w:restart": "continuous"}
# paragraph styles whose lines Word does not number: a figure's picture is no line of text
UNNUMBERED_STYLES = ("Figure",)
# what follows w:suppressLineNumbers in a w:pPr (ECMA-376 CT_PPrBase sequence, then CT_PPr's own)
P_PR_AFTER_SUPPRESS_LINE_NUMBERS = (
    *("w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct"),
    *("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing"),
    *("w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection"),
    *("w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr"),
    "w:pPrChange",
)
# what follows w:lnNumType in a w:sectPr (ECMA-376 CT_SectPr sequence)
SECT_PR_AFTER_LN_NUM_TYPE = (
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
SECT_PR_AFTER_COLS = SECT_PR_AFTER_LN_NUM_TYPE[2:]


def pandoc_reference_docx() -> bytes:
    """pandoc's own reference document, from the pandoc that paperbuild runs."""
    pandoc = pypandoc.get_pandoc_path()
    run = subprocess.run([pandoc, "--print-default-data-file", "reference.docx"], capture_output=True, check=True)
    return run.stdout


def _clear_theme(element: Any) -> None:
    """Drop theme fonts and all colours under `element`: explicit fonts only, so every style says its serif (Word
    prefers a theme attribute to an explicit one when both are present), and black text, links included (as in
    the PDF)."""
    for fonts in list(element.iter(qn("w:rFonts"))):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        if not fonts.attrib:
            fonts.getparent().remove(fonts)
    for color in list(element.iter(qn("w:color"))):
        color.getparent().remove(color)


def _set_fonts(rpr: Any) -> None:
    """Serif face for Latin, complex-script and East Asian text on a w:rPr."""
    fonts = rpr.get_or_add_rFonts()
    for attr, value in (("w:ascii", SERIF), ("w:hAnsi", SERIF), ("w:cs", SERIF), ("w:eastAsia", SERIF_CJK)):
        fonts.set(qn(attr), value)


def _set_size(style: Any, points: float) -> None:
    """A style's font size, for Latin (w:sz) and complex-script (w:szCs) text alike."""
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:sz", "w:szCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    style.font.size = Pt(points)  # python-docx puts w:sz where the schema wants it
    size_cs = OxmlElement("w:szCs")
    size_cs.set(qn("w:val"), str(round(points * 2)))
    rpr.find(qn("w:sz")).addnext(size_cs)


def _style(document: Any, name: str) -> Any:
    """The style called `name` (as Word shows it), added when it is one of NEW_STYLES."""
    found = [s for s in document.styles if s.name == name]
    if found:
        return found[0]
    if name not in NEW_STYLES:
        raise KeyError(f"pandoc's reference document has no style {name!r}")
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.quick_style = True
    if name == "Footer":  # one of Word's built-in styles ("footer"), with the id Word gives it
        style.style_id = "Footer"
        style.element.attrib.pop(qn("w:customStyle"), None)
    return style


def apply_style(document: Any, name: str, spec: dict[str, Any]) -> None:
    """Give the paragraph style `name` the look `spec` describes (see STYLES)."""
    style = _style(document, name)
    if "base" in spec:
        style.base_style = _style(document, spec["base"])
    font, fmt = style.font, style.paragraph_format
    if "size" in spec:
        _set_size(style, spec["size"])
    for key in ("bold", "italic"):  # and the same for complex scripts (Arabic, Hebrew, Devanagari, Thai): w:bCs, w:iCs
        if key in spec:
            setattr(font, key, spec[key])
            setattr(font, f"cs_{key}", spec[key])
    if name.startswith(("Heading", "Title", "Subtitle", "TOC")):
        font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr())
    if "align" in spec:
        fmt.alignment = spec["align"]
    if "before" in spec:
        fmt.space_before = Pt(spec["before"])
    if "after" in spec:
        fmt.space_after = Pt(spec["after"])
    if "line" in spec:
        fmt.line_spacing = spec["line"]
    if "left" in spec:
        fmt.left_indent = Cm(spec["left"])
    if "right" in spec:
        fmt.right_indent = Cm(spec["right"])
    if "hanging" in spec:
        fmt.first_line_indent = -Cm(spec["hanging"])
    if "keep_next" in spec:
        fmt.keep_with_next = spec["keep_next"] or None
    if "keep_lines" in spec:
        fmt.keep_together = spec["keep_lines"] or None
    for position, alignment in spec.get("tabs", ()):
        fmt.tab_stops.add_tab_stop(position, alignment)


def _sync_linked_character_styles(document: Any) -> None:
    """'Title Char', 'Heading 1 Char', ...: the run formatting of their paragraph style, as Word keeps them."""
    by_id = {s.style_id: s for s in document.styles}
    for style in document.styles:
        link = style.element.find(qn("w:link"))
        linked = style.type == WD_STYLE_TYPE.PARAGRAPH and link is not None
        if not linked or not style.name.startswith(("Heading", "Title", "Subtitle")):
            continue
        char = by_id.get(link.get(qn("w:val")))
        if char is None:
            continue
        old = char.element.find(qn("w:rPr"))
        if old is not None:
            char.element.remove(old)
        rpr = style.element.find(qn("w:rPr"))
        if rpr is not None:
            char.element.append(copy.deepcopy(rpr))


def _defaults(document: Any) -> None:
    """Document defaults (docDefaults): serif, 12 pt, no space after a paragraph unless a style says so."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), "24")
    spacing = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    normal = _style(document, "Normal")
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.widow_control = True


def _pandoc_quirks(document: Any) -> None:
    """Odd bits of pandoc's reference document that would show in a manuscript."""
    subtitle = _style(document, "Subtitle").element
    for numbering in subtitle.iter(qn("w:numPr")):  # a list level without a list: LibreOffice numbers the subtitle
        numbering.getparent().remove(numbering)
    for rpr in subtitle.iter(qn("w:rPr")):  # letter-spacing
        for spacing in rpr.findall(qn("w:spacing")):
            rpr.remove(spacing)
    caption = _style(document, "Caption").element  # linked to 'Body Text Char', which belongs to Body Text
    link = caption.find(qn("w:link"))
    if link is not None:
        caption.remove(link)


def _three_line_tables(document: Any) -> None:
    """pandoc's table style 'Table': rules above and below the table and under the header row (booktabs)."""
    table = _style(document, "Table").element
    tbl_pr = table.find(qn("w:tblPr"))
    borders = parse_xml(
        f'<w:tblBorders {nsdecls("w")}><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/></w:tblBorders>'
    )
    tbl_pr.insert(1, borders)  # after w:tblInd, before w:tblCellMar (schema order)
    for bottom in table.iter(qn("w:bottom")):
        if bottom.getparent().tag == qn("w:tcBorders"):
            for attr, value in (("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                bottom.set(qn(attr), value)


def _page(document: Any) -> None:
    """A4, 2.5 cm margins, the page number centred in the footer."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, MARGIN)
    section.gutter = Cm(0)
    section.header_distance = section.footer_distance = HEADER_FOOTER_DISTANCE
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = _style(document, "Footer")
    w = nsdecls("w")
    for xml in (
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {w}><w:t>1</w:t></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))


def _two_columns(document: Any) -> None:
    """IEEE Transactions' page (see the module's docstring): Letter, its margins, two columns 0.2 in apart."""
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.top_margin, section.bottom_margin = Inches(0.75), Inches(1)
    section.left_margin = section.right_margin = Inches(0.625)
    gap = Inches(0.2)
    columns = section._sectPr.find(qn("w:cols"))
    if columns is None:
        columns = OxmlElement("w:cols")
        section._sectPr.insert_element_before(columns, *SECT_PR_AFTER_COLS)
    columns.set(qn("w:num"), "2")
    columns.set(qn("w:space"), str(gap.twips))
    column = Twips((Inches(8.5 - 2 * 0.625).twips - gap.twips) // 2)
    tabs = ((Twips(column.twips // 2), WD_TAB_ALIGNMENT.CENTER), (column, WD_TAB_ALIGNMENT.RIGHT))
    apply_style(document, "Display Equation", {"tabs": tabs})


def _line_numbers(document: Any) -> None:
    """Number the lines in the margin, continuously (`w:lnNumType` in the section properties), but a figure's
    picture, as the PDF does (`w:suppressLineNumbers` in the Figure style, which Captioned Figure extends)."""
    sect_pr = document.sections[0]._sectPr
    for old in sect_pr.findall(qn("w:lnNumType")):
        sect_pr.remove(old)
    numbering = OxmlElement("w:lnNumType", attrs={qn(k): v for k, v in LINE_NUMBERS.items()})
    sect_pr.insert_element_before(numbering, *SECT_PR_AFTER_LN_NUM_TYPE)  # where the schema wants it
    for name in UNNUMBERED_STYLES:
        properties = _style(document, name).element.get_or_add_pPr()
        if properties.find(qn("w:suppressLineNumbers")) is None:
            properties.insert_element_before(OxmlElement("w:suppressLineNumbers"), *P_PR_AFTER_SUPPRESS_LINE_NUMBERS)


def _samples(document: Any) -> None:
    """Show the added styles in the reference document's sample text (pandoc ignores it; a reviewer sees it)."""
    paragraphs = {p.style.name: p for p in document.paragraphs}
    paragraphs["Date"].insert_paragraph_before("Affiliation", style=_style(document, "Affiliation"))
    paragraphs["Heading 1"].insert_paragraph_before("Keywords: one; two; three", style=_style(document, "Keywords"))
    entry = "[1]\tBibliography. An entry long enough to run onto a second line, which the hanging indent sets off."
    document.add_paragraph(entry, style=_style(document, "Bibliography"))
    document.add_paragraph("Caption", style=_style(document, "Caption"))
    document.add_paragraph("\tDisplay Equation\t(1)", style=_style(document, "Display Equation"))


def _rewrite_part(name: str, data: bytes) -> bytes:
    """Edits python-docx has no API for: the font table's East Asian face and the theme's fonts."""
    if name == "word/fontTable.xml":
        return data.replace(b"</w:fonts>", CJK_FONT_ENTRY.encode() + b"</w:fonts>", 1)
    if name == "word/theme/theme1.xml":  # a style still using a theme font gets the serif too
        text = data.decode("utf-8")
        text = re.sub(
            r'<a:latin typeface="[^"]*"( panose="[^"]*")?', f'<a:latin typeface="{SERIF}" panose="{SERIF_PANOSE}"', text
        )
        return text.encode("utf-8")
    return data


def _reproducible(data: bytes) -> bytes:
    """The package with the edits python-docx cannot make, and a fixed date on every entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, _rewrite_part(item.filename, source.read(item)))
    return out.getvalue()


def build(*, review: bool = False, two_column: bool = False) -> bytes:
    """The reference document's bytes: the default style's, or with `review` its variant for double-blind review,
    with `two_column` the two-column style's."""
    document = docx.Document(io.BytesIO(pandoc_reference_docx()))
    styles = document.styles.element
    _clear_theme(styles)
    _defaults(document)
    _pandoc_quirks(document)
    for name, spec in STYLES.items():
        apply_style(document, name, spec)
    if review:
        for name, spec in REVIEW_STYLES.items():
            apply_style(document, name, spec)
    _sync_linked_character_styles(document)
    _three_line_tables(document)
    _page(document)
    if review:
        _line_numbers(document)
    if two_column:
        _two_columns(document)
    _samples(document)
    variant = "review" if review else "two-column" if two_column else "default"
    document.core_properties.title = f"paperbuild {variant} reference document"
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Generate the reference document of a house style's DOCX.")
    parser.add_argument("--review", action="store_true", help=f"the review variant (default output: {REVIEW_OUT})")
    parser.add_argument("--two-column", action="store_true", help=f"the two-column style's (default: {TWO_COLUMN_OUT})")
    parser.add_argument("out", nargs="?", type=Path, help=f"where to write it (default: {OUT})")
    args = parser.parse_args(argv)
    out = args.out or (REVIEW_OUT if args.review else TWO_COLUMN_OUT if args.two_column else OUT)
    out.write_bytes(build(review=args.review, two_column=args.two_column))
    sys.stdout.write(f"wrote {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
