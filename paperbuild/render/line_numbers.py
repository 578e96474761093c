"""Number the PDF's lines of text in the left margin, continuously through the paper, as LaTeX's `lineno` does.

Takes the document WeasyPrint laid out (its pages and their box trees); gives it back with each page set to draw,
after its own content, a number beside every line of text: 1 on the first line of the first page, never restarting.
A line of text is a line box holding a character a reader sees, anywhere in the page's flow (the title block,
headings, paragraphs, list items, captions, table cells, footnotes, the references): its number sits on its
baseline. Lines side by side (the cells of a table row), or closer than the numbers' size, share one number;
running heads and page numbers (the margin boxes) and what holds no visible text (a figure's image, a display
formula but its number, blank space) get none.

The numbers' look and place come from the style's print CSS: the page's `@left-top` margin box (it needs a
`content`, "" will do) gives their font, size and colour, and they end at the right edge of its content box. They
are drawn as artifacts (`/Artifact` marked content, outside the structure tree), so a screen reader or a tagged
PDF's text skips them; WeasyPrint's own writer embeds the glyphs they use with the rest of the font. The numbers are
laid out and drawn with WeasyPrint's own text functions (`split_first_line`, `draw_text`), from the one layout the
PDF is written from: no second layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paperbuild.errors import InputError

LOOK = "@left-top"
"""The margin box whose style the numbers take."""
SMALLEST = 1.0
"""Text smaller than this (CSS px) is no line a reader sees."""


def number_lines(document: Any, style_name: str) -> None:
    """Set every page of `document` to draw its lines' numbers."""
    count = 0
    for page in document.pages:
        look = _look(page._page_box, style_name)
        numbers = []
        for baseline in text_baselines(page._page_box, look.style["font_size"]):
            count += 1
            numbers.append(_number(str(count), look, baseline))
        _draw_after(page, numbers)


def text_baselines(page_box: Any, apart: float) -> list[float]:
    """The baselines (CSS px from the top of the page) of the page's lines of text, top to bottom, one per row: a
    baseline less than `apart` below the row above (the numbers' size: their numbers would overlap) is on that row,
    as the cells of a table row are, or a formula's number beside the formula's text."""
    rows: list[float] = []
    for baseline in sorted(_baselines(page_box)):
        if not rows or baseline - rows[-1] >= apart:
            rows.append(baseline)
    return rows


def _baselines(box: Any) -> Iterator[float]:
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.MarginBox):
            continue
        if isinstance(child, boxes.LineBox):
            if any(_visible_text(b) for b in child.descendants()):
                yield child.position_y + child.baseline
        else:
            yield from _baselines(child)


def _visible_text(box: Any) -> bool:
    """A text box with a character other than white space that a reader sees: not `visibility: hidden` (the running
    head's source), not transparent nor of a size below `SMALLEST` (a formula's text layer, formulas.py)."""
    from weasyprint.formatting_structure import boxes

    if not (isinstance(box, boxes.TextBox) and box.text.strip()):
        return False
    style = box.style
    seen = style["visibility"] == "visible" and getattr(style["color"], "alpha", 1) > 0
    return bool(seen and style["font_size"] >= SMALLEST)


def _look(page_box: Any, style_name: str) -> Any:
    """The `@left-top` margin box of the page."""
    from weasyprint.formatting_structure import boxes

    for child in page_box.children:
        if isinstance(child, boxes.MarginBox) and child.at_keyword == LOOK:
            return child
    raise InputError(
        f"style '{style_name}' numbers lines (line-numbers: true in style.yaml), but its print.css gives the page no "
        f'{LOOK} margin box for their look: add `@page {{ {LOOK} {{ content: ""; font-size: 9pt; }} }}`'
    )


def _number(label: str, look: Any, baseline: float) -> Any:
    """A text box for `label` in the margin box's style, ending at its content box's right edge, on `baseline`."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import split_first_line

    layout, _, _, width, height, ascent = split_first_line(label, look.style, None, None, 0)
    box = boxes.TextBox("span", look.style, None, label)
    box.pango_layout = layout
    box.width, box.height, box.baseline = width, height, ascent
    box.position_x = look.content_box_x() + look.width - width
    box.position_y = baseline - ascent
    return box


def _draw_after(page: Any, numbers: list[Any]) -> None:
    """Make `page` draw `numbers` as artifacts after its content (WeasyPrint's writer calls `page.paint`)."""
    from weasyprint.draw.text import draw_text

    paint = page.paint

    def paint_numbered(stream: Any, scale: float = 1) -> None:
        paint(stream, scale)
        with stream.stacked(), stream.artifact():
            stream.transform(a=scale, d=scale)
            for box in numbers:
                draw_text(stream, box, 0, "clip", "none")

    page.paint = paint_numbered
