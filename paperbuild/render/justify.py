"""Make a justified line of the PDF as a typesetter would: word spaces that shrink as well as stretch.

Takes WeasyPrint's arguments for the lines of one block on one page (it stands in for `iter_line_boxes`, under
render/linebreak.py) and a policy through which it tells WeasyPrint's line breaker how much wider than its block the
line being made is; gives the lines. WeasyPrint fills a line with what fits its width and stretches the spaces of the
rest, so a line is as loose as the word after it is long: here a justified line is filled up to `MIN_SPACE` of its
spaces' width past the block, then justified to the block (its spaces shrink or stretch), as TeX's spaces do. Where
the style asks for it (`--paperbuild-line-breaking: paragraph`) a justified paragraph of text is broken whole
instead: its words are measured once (pango's widths, with their hyphenation points and pango's own break points)
and render/paragraph.py chooses its breaks together, as TeX does; each line is then made by WeasyPrint in a block
just wide enough to break where planned, and checked (a line that does not hold what was planned is made again line
by line, as is the rest of its paragraph), and its letters spaced by their share of its room (`spread_letters`, as
microtype's font expansion) before its spaces take the rest. Other lines (centred, ragged, right to left, around
floats) are WeasyPrint's own."""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from typing import Any, Protocol

from paperbuild.render.letters import may_space, spread_letters
from paperbuild.render.paragraph import HYPHEN, MIN_SPACE, SHORT, Budget, Plan, Word

AVERAGE_WORD = 12
"""A word and its space, in spaces, to guess how many spaces a paragraph's first line has."""
SWITCH = "__paperbuild_line_breaking"
"""The style's custom property `--paperbuild-line-breaking: paragraph` (as WeasyPrint names it) asks for plans."""
WORD = re.compile(r"^(\W*)([a-z]+)(\W*)$")
"""A word the plan may hyphenate: lower-case letters, and punctuation around them."""
ANYWHERE = "/.-_&=?#:;~+%,"
"""Characters after which a URL's piece longer than a line is broken."""
INSIDE = re.compile(r"[^\w.,;:!'\u2019\"()\[\]]")
"""A character inside a word after which pango may break it (a URL's "/" or "?", "high-quality"'s hyphen, a dash):
where one is, pango is asked."""


class Breaking(Protocol):
    """What the line maker tells WeasyPrint's line breaker (render/linebreak.py's Policy)."""

    kept_whole: set[str]
    """Words (lower-cased) WeasyPrint is not to hyphenate."""

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
        self.widths: dict[tuple[Any, ...], float] = {}
        """The width of a piece of a word, by font and text."""
        self.hyphenated: dict[tuple[str, str, str], list[int]] = {}
        """Where pyphen hyphenates a word, by its text, language and limits."""
        self.plan: Plan | None = None
        """The breaks chosen for the paragraph whose lines are being made, None where its lines are made greedily."""
        self.plans: dict[tuple[str, float, float, frozenset[str]], Plan] = {}
        """The plan of each paragraph, by its text, width, indent and the words of it the second look keeps whole
        (render/linebreak.py): a paragraph holding a word kept whole is planned again without hyphenating it, the
        others keep their plan in every layout."""
        self.budget = Budget()
        """The hyphens the document's plans may still make."""
        self.dictionaries: dict[tuple[str, str], tuple[int, Any] | None] = {}
        """pyphen's hyphenators, by language and limits (`hyphenator`)."""
        self.resumes: dict[tuple[str, float, str], tuple[Plan, int]] = {}
        """Plans by paragraph text and resume point: a paragraph broken over pages goes on with its plan."""

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
        self.plan = self.paragraph_plan(context, box, skip_stack, containing_block)
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

        def attempt(slack: float, zone: float | None = None) -> tuple[Any, Any, bool, int, float]:
            """The line made `slack` wider than the block, unjustified (the hyphenation zone widened by `zone`,
            `slack` if None): it, its resume point, whether it is the last of its paragraph, its word spaces, and
            their width over the font's."""
            self.restore(context, args, state)
            block.width = width + slack
            try:
                with (
                    replaced(self.inline, "text_align", self.unjustified),
                    self.policy.breaking(slack if zone is None else zone),
                ):
                    line, resume_at = get_next_linebox(context, box, *args)
            finally:
                block.width = width
            count = count_expandable_spaces(line) if line is not None else 0
            ratio = 1 + (width - line.width) / (count * space) if count else 1.0
            return line, resume_at, self.last or line is None, count, ratio

        plan = self.plan
        if plan is not None and plan.line < len(plan.breaks) - 1:
            zone = -1e9 if plan.hyphenates else 0.0  # hyphenate the next word where it does not fit, or never
            line, resume_at, last, count, ratio = attempt(plan.next_width(space) - width, zone)
            if line is not None and plan.advance(line, resume_at, self.resumes):
                if count and (not last or line.width > width):
                    spread_letters(context, line, width - line.width, count, space)
                    justify_line(context, line, width - line.width)
                return line, resume_at, count
            self.plan = None  # measured wrong: the rest of the paragraph is made line by line
        shrink = (1 - MIN_SPACE) * space * (width / (AVERAGE_WORD * space) if spaces is None else spaces)
        line, resume_at, last, count, ratio = attempt(shrink)
        if line is not None and line.width > width + 0.01 and (not count or ratio < MIN_SPACE):
            # fewer spaces than the line before, or none (Chinese): no room to shrink
            line, resume_at, last, count, ratio = attempt(0)
        elif line is not None and not last and line.width < SHORT * width:
            # WeasyPrint, finding an image past the widened block, went back to the line's first break ("set" of
            # "set of rules. ... of A: <img>"); in the block itself it breaks before the image
            line, resume_at, last, count, ratio = attempt(0)
        if line is not None and count and (not last or line.width > width):
            justify_line(context, line, width - line.width)
        return line, resume_at, count

    def paragraph_plan(self, context: Any, box: Any, skip_stack: Any, block: Any) -> Plan | None:
        """The breaks that space the paragraph of line box `box` best (its words measured once), None for a
        paragraph not made here or holding anything but text (images, inline blocks, footnotes)."""
        from weasyprint.formatting_structure import boxes

        style = box.style
        if not (
            [getattr(token, "value", None) for token in style[SWITCH] or ()] == ["paragraph"]
            and style["text_align_all"] == "justify"
            and style["text_align_last"] in ("auto", "start", "left")
            and style["direction"] == "ltr"
            and style["white_space"] == "normal"
            and not context.excluded_shapes
        ):
            return None
        pieces: list[tuple[Any, str]] = []
        for child in box.descendants():
            if isinstance(child, boxes.TextBox):
                pieces.append((child.style, child.text))
            elif not isinstance(child, (boxes.LineBox, boxes.InlineBox)) or any(
                getattr(child.style[side], "value", child.style[side])
                for side in ("padding_left", "padding_right", "margin_left", "margin_right")
            ):
                return None
        text = "".join(piece for _, piece in pieces)
        if skip_stack is not None:  # the paragraph goes on on a new page, and its plan
            plan, line = self.resumes.get((text, block.width, repr(skip_stack)), (None, 0))
            return plan and plan.at(line)
        lowered = text.lower()
        kept = frozenset(word for word in self.policy.kept_whole if word in lowered)
        key = (text, block.width, box.text_indent, kept)
        if key in self.plans:
            return self.plans[key].at(0)
        parts: list[list[tuple[Any, str]]] = [[]]
        offsets: list[list[list[float]]] = [[]]
        """Where each character of each part starts, and its end, from the part's start: a text set whole."""
        for piece_style, piece in pieces:
            at, start = self.offsets(piece, piece_style, context), 0
            for index, part in enumerate(piece.split(" ")):
                if index:
                    parts.append([])
                    offsets.append([])
                if part:
                    parts[-1].append((piece_style, part))
                    offsets[-1].append([x - at[start] for x in at[start : start + len(part) + 1]])
                start += len(part) + 1
        measure = block.width - max(box.text_indent, 0)
        words = [self.word(word, at, context, measure) for word, at in zip(parts, offsets, strict=True) if word]
        if any(piece > block.width - max(box.text_indent, 0) for word in words for piece in word.pieces):
            return None  # a piece of a URL longer than a line is broken where WeasyPrint can, line by line
        space = self.space_width(style, context)
        self.plans[key] = Plan.best(text, words, space, box.text_indent, block.width, self.budget)
        return self.plans[key].at(0)

    def word(self, parts: list[tuple[Any, str]], offsets: list[list[float]], context: Any, measure: float) -> Word:
        """A word of a paragraph, from its parts (their style and text, and where each of their characters starts):
        its width, and its hyphenation points when it is one text the style lets WeasyPrint hyphenate."""
        from weasyprint.text import line_break

        widths = [at[-1] for at in offsets]
        width = sum(widths)
        spaced = [(w, part) for w, (style, part) in zip(widths, parts, strict=True) if may_space(style, part)]
        elastic, letters = sum(w for w, _ in spaced), sum(len(part) for _, part in spaced)
        joined = "".join(part for _, part in parts)
        points = []
        if INSIDE.search(joined, 1, len(joined) - 1):  # where pango breaks it, after a "/", "-" or "?" of its own
            attributes = line_break.get_log_attrs(joined, parts[0][0]["lang"])
            points = [i for i in range(1, len(joined)) if attributes[i].is_line_break]
        if points:  # a URL, a path, a word with a hyphen of its own: broken where WeasyPrint breaks it too
            points, anchors = self.anywhere(parts, joined, points, context, measure)
            splits = tuple((*self.parted(parts, point, context), joined[point - 1] == "-") for point in points)
            return Word(width, splits, added=False, elastic=elastic, letters=letters, anchors=tuple(anchors))
        style, text = parts[0]
        match = WORD.match(text)
        if len(parts) > 1 or not match or style["hyphens"] != "auto" or not style["lang"]:
            return Word(width, elastic=elastic, letters=letters)
        hyphenator = self.hyphenator(style)
        if hyphenator is None or len(match[2]) < hyphenator[0] or match[2] in self.policy.kept_whole:
            return Word(width, elastic=elastic, letters=letters)
        key = (text, style["lang"], str(style["hyphenate_limit_chars"]))
        if key not in self.hyphenated:
            points = hyphenator[1].iterate(match[2])
            self.hyphenated[key] = [len(match[1]) + len(start) for start, _ in points][::-1]
        at, hyphen = offsets[0], self.piece_width(HYPHEN, style, context)
        splits = tuple((at[i] + hyphen, width - at[i], True) for i in self.hyphenated[key])
        return Word(width, splits, elastic=elastic, letters=letters)

    def hyphenator(self, style: Any) -> tuple[int, Any] | None:
        """The fewest letters of a word hyphenated and pyphen's hyphenator for the style's language (linebreak.py's
        patterns) and limits; None for a language pyphen cannot hyphenate."""
        import pyphen
        from weasyprint.text import line_break

        limits = style["hyphenate_limit_chars"]
        key = (style["lang"], str(limits))
        if key not in self.dictionaries:
            total, left, right = (
                value if isinstance(value, int) else default for value, default in zip(limits, (5, 2, 2), strict=True)
            )
            lang = line_break.pyphen.language_fallback(style["lang"])
            self.dictionaries[key] = (total, pyphen.Pyphen(lang=lang, left=left, right=right)) if lang else None
        return self.dictionaries[key]

    def anywhere(
        self, parts: list[tuple[Any, str]], joined: str, points: list[int], context: Any, measure: float
    ) -> tuple[list[int], list[int]]:
        """Where a URL of `parts` may be broken: at pango's `points`, and inside a piece of it longer than the
        `measure` (which WeasyPrint breaks where it overflows, `overflow-wrap: anywhere`, when a line starts with
        it) after its "/", ".", "-", "_" and the like; and for each point, the point (its index) its line must
        start at for WeasyPrint to break there, -2 for pango's own."""
        found: list[tuple[int, int]] = []
        bounds = [0, *points, len(joined)]
        for index, (start, end) in enumerate(itertools.pairwise(bounds)):
            wide = self.parted(parts, end, context)[0] - self.parted(parts, start, context)[0] > measure
            if index and wide:  # a line starts with it where pango broke the URL before it
                anchor = len(found) - 1
                found += [(i, anchor) for i in range(start + 1, end) if joined[i - 1] in ANYWHERE]
            if end < len(joined):
                found.append((end, -2))
        return [point for point, _ in found], [anchor for _, anchor in found]

    def parted(self, parts: list[tuple[Any, str]], point: int, context: Any) -> tuple[float, float]:
        """The widths of a word of `parts` before and after its `point`-th character."""
        before = after = 0.0
        for style, text in parts:
            if point >= len(text):
                before += self.piece_width(text, style, context)
            elif point <= 0:
                after += self.piece_width(text, style, context)
            else:
                before += self.piece_width(text[:point], style, context)
                after += self.piece_width(text[point:], style, context)
            point -= len(text)
        return before, after

    def offsets(self, text: str, style: Any, context: Any) -> list[float]:
        """Where each character of `text` (of one font, on one line) starts, and its end, as pango sets it whole:
        its glyphs' advances (a ligature's counted where it starts), read a run at a time."""
        from weasyprint.text.ffi import FROM_UNITS, ffi
        from weasyprint.text.line_break import create_layout

        layout = create_layout(text, style, context, None, 0)
        advances = [0.0] * (len(layout.text.encode()) + 1)  # WeasyPrint sets a lone space " \u200b"
        size, width = ffi.sizeof("PangoGlyphInfo"), ffi.offsetof("PangoGlyphInfo", "geometry")  # its first field
        runs = layout.get_first_line()[0].runs
        while runs:
            offset, glyphs = runs.data.item.offset, runs.data.glyphs
            count = glyphs.num_glyphs
            widths = memoryview(ffi.buffer(glyphs.glyphs, count * size)).cast("B")[width:].cast("i")[:: size // 4]
            clusters = ffi.unpack(glyphs.log_clusters, count)
            if count and clusters == list(range(clusters[0], clusters[0] + count)):  # a glyph a byte, in order
                first = offset + clusters[0] + 1
                advances[first : first + count] = [advance * FROM_UNITS for advance in widths]
            else:  # a ligature, an accent set apart, right to left
                for cluster, advance in zip(clusters, widths, strict=True):
                    advances[offset + cluster + 1] += advance * FROM_UNITS
            runs = runs.next
        layout.deactivate()
        at, sizes = list(itertools.accumulate(advances)), (len(char.encode()) for char in text)
        return at if text.isascii() else [at[i] for i in itertools.accumulate(sizes, initial=0)]  # bytes to chars

    def piece_width(self, text: str, style: Any, context: Any) -> float:
        """The width of `text`, set on its own in `style`."""
        from weasyprint.text.line_break import create_layout, line_size

        key = (*self.font(style), text)
        if key not in self.widths:
            layout = create_layout(text, style, context, None, 0)
            self.widths[key] = line_size(layout.get_first_line()[0], style)[0]
            layout.deactivate()
        return self.widths[key]

    @staticmethod
    def font(style: Any) -> tuple[Any, ...]:
        """What a text's width depends on in its style."""
        return (
            str(style["font_family"]), style["font_size"], style["font_weight"], style["font_style"],
            style["font_stretch"], str(style["font_variant_caps"]), str(style["letter_spacing"]),
            str(style["font_feature_settings"]),
        )  # fmt: skip

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

        key = self.font(style)
        if key not in self.spaces:
            widths = []
            for text in ("x x", "xx"):
                layout = create_layout(text, style, context, None, 0)
                widths.append(line_size(layout.get_first_line()[0], style)[0])
                layout.deactivate()
            self.spaces[key] = max(widths[0] - widths[1], 0.01)
        return self.spaces[key]
