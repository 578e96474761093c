"""Make a justified line of the PDF as a typesetter would: spaces that shrink as well as stretch, and a hyphen
where the line would be loose without it.

Takes WeasyPrint's arguments for the lines of one block on one page (it stands in for `iter_line_boxes`, under
render/linebreak.py) and a policy that tells WeasyPrint's line breaker how wide the line being made is and whether
to hyphenate its next word wherever it can; gives the lines. WeasyPrint fills a line with what fits its width and
stretches the spaces of the rest, so a line is as loose as the word after it is long: here a justified line is
filled up to `MIN_SPACE` of its spaces' width past the block, then justified to the block (its spaces shrink or
stretch), and a line whose spaces would stretch past `LOOSE` is made again with its next word hyphenated, kept if
that spaces it better by more than a hyphen costs (`HYPHEN_COST`). Other lines (centred, ragged, right to left,
around floats) are WeasyPrint's own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Protocol

MIN_SPACE = 2 / 3
"""The narrowest a justified line's word spaces may be, in spaces of its font (TeX's are two thirds)."""
LOOSE = 1.6
"""A justified line whose word spaces would be wider than this many spaces of its font is made again, its next word
hyphenated, and kept so if that spaces it better."""
HYPHEN_COST = 1.2
"""What a hyphen at a line end costs, counted as the share of a space its word spaces are off the font's: a line
whose spaces are 2.5 spaces wide is hyphenated if that brings them under 1.3. Measured on this repository's paper,
bench/typography.py: 0.6 gives 16 % hyphenated lines and 28 % loose ones, 1.0 gives 12 % and 33 %, 1.2 gives 9.5 %
and 36 % (the #17 target is at most 10 % hyphenated); shrinking spaces alone (no line made again) 7.4 % and 43 %."""
AVERAGE_WORD = 12
"""A word and its space, in spaces, to guess how many spaces a paragraph's first line has."""
HYPHEN = "\u2010"
"""The hyphen WeasyPrint adds at a line end (its default `hyphenate-character`)."""


class Breaking(Protocol):
    """What the line maker tells WeasyPrint's line breaker (render/linebreak.py's Policy)."""

    def breaking(self, slack: float, hurried: bool = False) -> contextlib.AbstractContextManager[None]: ...


def line_texts(line: Any) -> list[str]:
    """The texts of a laid-out line box's text boxes, blank ones left out."""
    from weasyprint.formatting_structure import boxes

    return [box.text for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()]


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
        before had), then justified to the block's width here; and a line whose spaces would stretch past
        `LOOSE` is made again with its next word hyphenated (wherever the style's hyphenation zone would not try
        it), kept if that spaces it better."""
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

        def attempt(slack: float, hurried: bool = False) -> tuple[Any, Any, bool, int, float]:
            """The line made `slack` wider than the block, unjustified: it, its resume point, whether it is the
            last of its paragraph, its word spaces, and their width over the font's."""
            self.restore(context, args, state)
            block.width = width + slack
            try:
                with replaced(self.inline, "text_align", self.unjustified), self.policy.breaking(slack, hurried):
                    line, resume_at = get_next_linebox(context, box, *args)
            finally:
                block.width = width
            count = count_expandable_spaces(line) if line is not None else 0
            ratio = 1 + (width - line.width) / (count * space) if count else 1.0
            return line, resume_at, self.last or line is None, count, ratio

        shrink = (1 - MIN_SPACE) * space * (width / (AVERAGE_WORD * space) if spaces is None else spaces)
        line, resume_at, last, count, ratio = attempt(shrink)
        if line is not None and line.width > width + 0.01 and (not count or ratio < MIN_SPACE):
            shrink = 0  # fewer spaces than the line before, or none (Chinese): no room to shrink
            line, resume_at, last, count, ratio = attempt(shrink)
        if not last and ratio > LOOSE:
            first, placed = (line, resume_at, last, count, ratio), self.state(context, args) != state
            again = attempt(shrink, hurried=True)
            if not again[2] and again[4] >= MIN_SPACE and self.cost(again) < self.cost(first):
                line, resume_at, last, count, ratio = again
            elif placed:  # the first line stands, made again: making the second took back what it placed
                line, resume_at, last, count, ratio = attempt(shrink)
            else:
                self.restore(context, args, state)
                line, resume_at, last, count, ratio = first
        if line is not None and count and (not last or line.width > width):
            justify_line(context, line, width - line.width)
        return line, resume_at, count

    def cost(self, made: tuple[Any, Any, bool, int, float]) -> float:
        """How far a line's spaces are from the font's, and a hyphen's price."""
        texts = line_texts(made[0]) if made[0] is not None else []
        return abs(made[4] - 1) + (HYPHEN_COST if texts and texts[-1].endswith(HYPHEN) else 0)

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
