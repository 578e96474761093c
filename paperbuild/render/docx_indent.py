"""Chinese paragraph indents for the DOCX: the styles part -> the same with body paragraphs indented two characters.

Takes `word/styles.xml` of the DOCX pandoc wrote; gives it with Body Text and First Paragraph (pandoc's styles for
the body's paragraphs, the first after a heading included, as Chinese typesetting indents it too) indenting their
first line by two characters (`w:firstLineChars="200"`, and `w:firstLine` in twips for readers that ignore
characters), and every other style built on Body Text (Compact for lists and table cells, Block Text for quotes)
without a first-line indent, so that only prose paragraphs carry it.
"""

from __future__ import annotations

import re

BODY_STYLES = ("BodyText", "FirstParagraph")
STYLE = re.compile(r'<w:style\b[^>]*\bw:styleId="([^"]+)"[^>]*>.*?</w:style>', re.DOTALL)
BASED_ON = re.compile(r'<w:basedOn w:val="([^"]+)"\s*/>')
SIZE = re.compile(r'<w:sz w:val="(\d+)"\s*/>')
INDENT = re.compile(r"<w:ind\b([^>]*?)\s*/>")
FIRST_LINE = re.compile(r'\s+w:(?:firstLine|firstLineChars|hanging|hangingChars)="[^"]*"')
EMPTY_PROPERTIES = re.compile(r"<w:pPr\s*/>")
AFTER_INDENT = re.compile(
    r"<w:(?:contextualSpacing|mirrorIndents|suppressOverlap|jc|textDirection|textAlignment|textboxTightWrap|"
    r"outlineLvl|divId|cnfStyle|rPr|sectPr|pPrChange)\b|</w:pPr>"
)
"""The elements of w:pPr that come after w:ind in the schema's order, and its end."""


def chinese_indent(styles: str) -> str:
    """`styles` (word/styles.xml) with its body paragraphs' first lines indented two characters."""
    found = {match.group(1): match.group(0) for match in STYLE.finditer(styles)}
    parent = {sid: based.group(1) for sid, xml in found.items() if (based := BASED_ON.search(xml))}

    def on_body_text(sid: str) -> bool:
        seen: set[str] = set()
        while sid in parent and sid not in seen:
            seen.add(sid)
            sid = parent[sid]
            if sid == "BodyText":
                return True
        return False

    defaults = SIZE.search(styles.split("</w:docDefaults>")[0]) if "</w:docDefaults>" in styles else None
    size = SIZE.search(found.get("BodyText", "")) or SIZE.search(found.get("Normal", "")) or defaults
    two_characters = 2 * int(size.group(1)) * 10 if size else 480  # w:sz is in half-points, w:ind in twentieths

    def edited(match: re.Match[str]) -> str:
        sid = match.group(1)
        if sid in BODY_STYLES:
            return _with_indent(match.group(0), f'w:firstLine="{two_characters}" w:firstLineChars="200"')
        if on_body_text(sid):
            return _with_indent(match.group(0), 'w:firstLine="0" w:firstLineChars="0"')
        return match.group(0)

    return STYLE.sub(edited, styles)


def _with_indent(style: str, first_line: str) -> str:
    """The w:style element `style` with `first_line` as its paragraphs' first-line indent, other indents kept."""
    style = EMPTY_PROPERTIES.sub("<w:pPr></w:pPr>", style)
    if "<w:pPr>" not in style:
        at = style.find("<w:rPr>") if "<w:rPr>" in style else style.rfind("</w:style>")
        style = style[:at] + "<w:pPr></w:pPr>" + style[at:]
    start = style.index("<w:pPr>")
    end = style.index("</w:pPr>", start)
    properties = style[start:end]
    indent = INDENT.search(properties)
    if indent:
        kept = FIRST_LINE.sub("", indent.group(1)).strip()
        properties = INDENT.sub(f"<w:ind {' '.join(a for a in (kept, first_line) if a)}/>", properties, count=1)
    else:
        after = AFTER_INDENT.search(properties + "</w:pPr>", len("<w:pPr>"))
        at = after.start() if after else len(properties)
        properties = properties[:at] + f"<w:ind {first_line}/>" + properties[at:]
    return style[:start] + properties + style[end:]
