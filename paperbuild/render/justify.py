"""Make a justified line of the PDF as a typesetter would: word spaces that shrink as well as stretch.

Takes WeasyPrint's arguments for the lines of one block on one page (it stands in for `iter_line_boxes`, under
render/linebreak.py) and a policy through which it tells WeasyPrint's line breaker how much wider than its block the
line being made is; gives the lines. WeasyPrint fills a line with what fits its width and stretches the spaces of the
rest, so a line is as loose as the word after it is long: here a justified line is filled up to `MIN_SPACE` of its
spaces' width past the block, then justified to the block (its spaces shrink or stretch), as TeX's spaces do. Other
lines (centred, ragged, right to left, around floats) are WeasyPrint's own."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Protocol

MIN_SPACE = 0.75
"""The narrowest a justified line's word spaces may be, in spaces of its font (TeX's go to two thirds). Measured
with bench/typography.py, loose lines / hyphenated lines: this repository's paper 44 % / 7.4 % (WeasyPrint alone: 55
% / 7.9 %), the `figures` paper 24 % / 4.7 % (42 % / 8.5 %). Two thirds: 41 % / 7.1 % and 21 % / 3.8 %, but 10.4 % of
tests/test_typography.py's prose of long words hyphenated (at most 10 %). Making a loose line again with its next word
hyphenated where that spaces it better gave 36 % / 9.2 % and 18 % / 4.7 % at the price of a third more lines made
(0.1-0.15 s of this paper's 1.1 s), and 8.8 % hyphenated lines in `urls` against 4.3 %: not done."""
AVERAGE_WORD = 12
"""A word and its space, in spaces, to guess how many spaces a paragraph's first line has."""


class Breaking(Protocol):
    """What the line maker tells WeasyPrint's line breaker (render/linebreak.py's Policy)."""

    def breaking(self, slack: float) -> contextlib.AbstractContextManager[None]: ...


@contextlib.contextmanager
def replaced(module: Any, name: str, value: Any) -> Iterator[None]:
    """`module.name` is `value` while inside."""
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


class LineMaker:
    """WeasyPrint's `iter_line_boxes`, with justified lines made as the module says."""

    def __init__(self, policy: Breaking) -> None:
        from weasyprint.layout import inline

        self.policy = policy
        self.inline = inline
        self.last = False
        """Whether the line WeasyPrint just made is the last of its paragraph (told to `unjustified`)."""
        self.spaces: dict[tuple[Any, ...], float] = {}
        """The width of a space, by font."""

    def iter_line_boxes(
        self,
        context: Any,
        box: Any,
        position_y: float,
        bottom_space: float,
        skip_stack: Any,
        containing_block: Any,
        *rest: Any,
    ) -> Iterator[tuple[Any, Any]]:
        """WeasyPrint's `iter_line_boxes` (the lines of one block on one page), each line made by `next_line`."""
        from weasyprint.layout.inline import handle_leader
        from weasyprint.layout.percent import resolve_one_percentage, resolve_percentages

        resolve_percentages(box, containing_block)
        if skip_stack is None:
            resolve_one_percentage(box, "text_indent", containing_block.width)
        else:
            box.text_indent = 0
        first_letter_style, first_line_style = rest[-2:]
        spaces = None
        while True:
            line, resume_at, spaces = self.next_line(
                spaces, context, box, position_y, bottom_space, skip_stack, containing_block,
                *rest[:-2], first_letter_style, first_line_style,
            )  # fmt: skip
            first_line_style = None
            if line is None:
                return
            handle_leader(context, line, containing_block)
            position_y = line.position_y + line.height
            yield line, resume_at
            if resume_at is None:
                return
            skip_stack, box.text_indent, first_letter_style = resume_at, 0, None

    def next_line(self, spaces: int | None, context: Any, box: Any, *args: Any) -> tuple[Any, Any, int | None]:
        """The next line of a block, its resume point, and its word spaces (None when it is not justified here;
        `spaces`: those of the line before).

        A justified line is made as a typesetter would: its word spaces may shrink down to `MIN_SPACE` of their
        width, so the line is filled to the block's width and a little more (as many spaces wider as the line
        before had), then justified to the block's width here."""
        from weasyprint.layout.inline import count_expandable_spaces, get_next_linebox, justify_line

        block = args[3]  # position_y, bottom_space, skip_stack, containing_block, absolute_boxes, fixed_boxes...
        style = box.style
        if not (
            style["text_align_all"] == "justify"
            and style["text_align_last"] in ("auto", "start", "left")
            and style["direction"] == "ltr"
            and style["white_space"] == "normal"
            and not context.excluded_shapes
        ):
            line, resume_at = get_next_linebox(context, box, *args)
            return line, resume_at, None
        width, space = block.width, self.space_width(style, context)
        state = self.state(context, args)

        def attempt(slack: float) -> tuple[Any, Any, bool, int, float]:
            """The line made `slack` wider than the block, unjustified: it, its resume point, whether it is the
            last of its paragraph, its word spaces, and their width over the font's."""
            self.restore(context, args, state)
            block.width = width + slack
            try:
                with replaced(self.inline, "text_align", self.unjustified), self.policy.breaking(slack):
                    line, resume_at = get_next_linebox(context, box, *args)
            finally:
                block.width = width
            count = count_expandable_spaces(line) if line is not None else 0
            ratio = 1 + (width - line.width) / (count * space) if count else 1.0
            return line, resume_at, self.last or line is None, count, ratio

        shrink = (1 - MIN_SPACE) * space * (width / (AVERAGE_WORD * space) if spaces is None else spaces)
        line, resume_at, last, count, ratio = attempt(shrink)
        if line is not None and line.width > width + 0.01 and (not count or ratio < MIN_SPACE):
            # fewer spaces than the line before, or none (Chinese): no room to shrink
            line, resume_at, last, count, ratio = attempt(0)
        if line is not None and count and (not last or line.width > width):
            justify_line(context, line, width - line.width)
        return line, resume_at, count

    def unjustified(self, context: Any, line: Any, available_width: float, last: bool) -> float:
        """WeasyPrint's `text_align` for a line `next_line` justifies itself: notes whether it is the last."""
        self.last = last
        return 0.0

    @staticmethod
    def state(context: Any, args: tuple[Any, ...]) -> tuple[int, int, int]:
        """How many absolute and fixed boxes, and shapes floats exclude, the lines made so far placed: what making
        a line adds to its context (footnotes are placed after, by the block, from the line kept)."""
        return len(args[4]), len(args[5]), len(context.excluded_shapes)

    @staticmethod
    def restore(context: Any, args: tuple[Any, ...], state: tuple[int, int, int]) -> None:
        """Take back what a line made since `state` added to its context, before it is made again."""
        del args[4][state[0] :], args[5][state[1] :], context.excluded_shapes[state[2] :]

    def space_width(self, style: Any, context: Any) -> float:
        """The width of a word space in the style's font."""
        from weasyprint.text.line_break import create_layout, line_size

        key = (str(style["font_family"]), style["font_size"], style["font_weight"], style["font_style"])
        if key not in self.spaces:
            widths = []
            for text in ("x x", "xx"):
                layout = create_layout(text, style, context, None, 0)
                widths.append(line_size(layout.get_first_line()[0], style)[0])
                layout.deactivate()
            self.spaces[key] = max(widths[0] - widths[1], 0.01)
        return self.spaces[key]
