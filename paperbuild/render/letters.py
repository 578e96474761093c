"""Space a justified line's letters by their share of its room, as microtype's font expansion.

Takes a line WeasyPrint laid out (render/justify.py's planned lines, before their spaces are justified), the room it
has left and its word spaces; gives the line with the letters of its text boxes spaced (WeasyPrint's
`letter-spacing`, set on a copy of each box's style) by the share render/paragraph.py's `letter_share` gives them,
what follows them on the line moved along. Links, code and CJK text are never spaced."""

from __future__ import annotations

import unicodedata
from typing import Any

from paperbuild.render.paragraph import letter_share


def may_space(style: Any, text: str) -> bool:
    """Whether a text's letters may be spaced to justify its line: text the style hyphenates (not links or code),
    none of it CJK (full-width)."""
    return style["hyphens"] == "auto" and (
        text.isascii() or not any(unicodedata.east_asian_width(char) in "WF" for char in text)
    )


def spread_letters(context: Any, line: Any, room: float, gaps: int, space: float) -> None:
    """Space the letters of a laid-out `line` with `gaps` word spaces `space` wide by their share of its `room`
    (render/paragraph.py's `letter_share`, negative: drawn together), moving what follows them on the line."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    def laid_out(text: str, style: Any) -> tuple[Any, float]:
        """`text` laid out in `style` on one line, and its width."""
        layout = create_layout(text, style, context, None, 0)
        width: float = line_size(layout.get_first_line()[0], style)[0]
        layout.deactivate()
        return layout, width

    spaced = [box for box in line.descendants() if isinstance(box, boxes.TextBox) and may_space(box.style, box.text)]
    letters = sum(len(box.text) for box in spaced)
    share = letter_share(room, gaps, space, sum(box.width for box in spaced))
    if not letters or abs(share) < 0.01:
        return
    spacing = share / letters
    # WeasyPrint draws a glyph's advance past its font's width (here, the spacing) rounded toward zero, to
    # thousandths of an em: on average half of one less, so a letter-spaced line is drawn that much shorter
    unit = spaced[0].style["font_size"] / 1000
    drawn = -max(-unit / 2, min(unit / 2, spacing / 2))

    def move(box: Any, advance: float) -> float:
        if isinstance(box, boxes.TextBox):
            box.position_x += advance
            if box in spaced:
                style = box.style.copy()
                normal = style["letter_spacing"]
                style["letter_spacing"] = spacing + (0 if normal == "normal" else normal)
                layout, width = laid_out(box.text, style)
                wider = width - box.width + drawn * sum(char != " " for char in box.text)
                box.style, box.pango_layout, box.width = style, layout, box.width + wider
                advance += wider
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += advance
            before = advance
            for child in box.children:
                if child.is_in_normal_flow():
                    advance = move(child, advance)
            box.width += advance - before
        else:
            box.translate(advance, 0)
        return advance

    move(line, 0.0)
