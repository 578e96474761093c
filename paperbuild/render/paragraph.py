"""Choose a justified paragraph's line breaks together, as TeX does (Knuth and Plass), from its words' widths.

Takes a paragraph's words (their widths, the width of their letters that may be spaced, and where each may be
broken: hyphenation points, where pango breaks a URL or a word's own hyphen), the width of a space, of its lines and
of its first line's indent, and the document's budget of hyphens; gives a `Plan`, the breaks whose lines' demerits
add up least (a line's badness: how far its spaces stretch or shrink once its letters took their share, as seen
between two words; a hyphen's penalty), the width to give WeasyPrint's line breaker for each line to break there,
and whether a line made holds what was planned. render/justify.py measures the words and makes the lines."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

MIN_SPACE = 2 / 3
"""The narrowest a justified line's word spaces may be, in spaces of its font (TeX's two thirds). Three quarters,
before paragraphs were broken whole: this repository's paper 44 % loose lines (see bench/README.md)."""
MAX_RUN = 2
"""The most lines in a row a plan ends in a hyphen (render/linebreak.py's rule)."""
STRETCH = 0.5
"""A justified line's word spaces stretch this many spaces at badness 100 (TeX's Computer Modern: half a space)."""
WORST = 10_000
"""The badness of a line no stretching makes good, and of a word alone on its line (TeX's infinitely bad)."""
LINE_PENALTY = 10
"""Demerits of a line are (LINE_PENALTY + badness) squared, as TeX counts them: fewer lines are a little better."""
TOLERANCE = 1.45
"""Spaces wider than this many normal ones make a line loose: `LOOSE_PENALTY` demerits more."""
LOOSE_PENALTY = 2e5
"""Demerits of a loose line, above its badness: a tight line is better, and a hyphen unless its line is loose
by little (measured on this repository's paper, loose / hyphenated lines: 1e5, 7.6 % / 6.4 %; 2e5, 4.5 % /
8.3 %; 3e5, 1.4 % / 11.5 %)."""
HYPHEN_PENALTY = 500
"""Demerits of a hyphen, squared (TeX's \\hyphenpenalty)."""
HYPHEN_SHARE = 0.1
"""The most of the lines planned that may end in a hyphen (issue #17: at most 10 % of the body lines)."""
DOUBLE_HYPHEN = 10_000
INFINITE = float("inf")
"""Demerits of a hyphen on the line after a hyphen (TeX's \\doublehyphendemerits)."""
HYPHEN = "\u2010"
"""The hyphen WeasyPrint adds at a line end (its default `hyphenate-character`)."""
SHORT = 0.7
"""Lines filled less than this share of their measure are not weighed, when the next word would fit (all but
infinitely bad: their spaces would stretch past three times)."""
EXPANSION = 0.015
"""The most a justified line's letters are spread or drawn together, as a share of their width (microtype's font
expansion, done as letter spacing): they take their share of the line's room beside its spaces, so that fewer
lines are loose. Text a style does not hyphenate (links, code) and CJK text are never letter-spaced."""
MARGIN = 0.3
"""Spaces of room a planned line is given past its measured words: what pango's widths may differ by, less than
the space before the next word, so WeasyPrint breaks where the plan says."""


def letter_share(room: float, gaps: int, space: float, elastic: float) -> float:
    """How much of a justified line's `room` (negative: how far past its measure it is) its letters take, `elastic`
    the width of those that may be spaced: their share beside the spaces' (which stretch `STRETCH` of a space, or
    shrink to `MIN_SPACE`), at most `EXPANSION` of their width."""
    most = EXPANSION * elastic
    if not most:
        return 0.0
    spaces = gaps * space * (STRETCH if room >= 0 else 1 - MIN_SPACE)
    share = room * most / (most + spaces)
    return max(-most, min(most, share))


def line_demerits(
    room: float, gaps: int, space: float, last: bool, elastic: float = 0.0, glyph: float = 0.0
) -> float | None:
    """The demerits of a line `room` short of its measure (negative: past it) with `gaps` word spaces `space` wide
    and letters `elastic` wide that may be spaced (`glyph` wide on average), as TeX counts them; None when its
    spaces would shrink past `MIN_SPACE`. A last line is set ragged. How wide its spaces look, in normal spaces:
    what its letters leave of its room to its spaces, and the spacing of the letter before and of the space
    itself, which widen what lies between two words."""
    if last and room >= 0:
        return float(LINE_PENALTY**2)
    if not gaps:  # a word alone on its line: WeasyPrint cannot justify it
        return (LINE_PENALTY + WORST) ** 2 + LOOSE_PENALTY if room >= 0 else None
    share = letter_share(room, gaps, space, elastic)
    spacing = share / (elastic / glyph + gaps) if share else 0.0
    ratio = 1 + (room - share) / (gaps * space) + 2 * spacing / space
    if ratio < MIN_SPACE:
        return None
    badness = 100 * ((ratio - 1) / STRETCH if ratio >= 1 else (1 - ratio) / (1 - MIN_SPACE)) ** 3
    return (LINE_PENALTY + min(badness, WORST)) ** 2 + (LOOSE_PENALTY if ratio > TOLERANCE else 0)


@dataclass(frozen=True)
class Word:
    """A word of a paragraph (what lies between two of its spaces) as the plan sees it."""

    width: float
    splits: tuple[tuple[float, float, bool], ...] = ()
    """Where it may be broken: the widths of its start (with the hyphen) and of its end, and whether the start ends
    in a hyphen, for each point."""
    added: bool = True
    """Whether WeasyPrint adds the hyphen where it is broken (by its patterns), or breaks it as it is."""
    elastic: float = 0.0
    """How much of its width is of letters that may be spaced (`EXPANSION`)."""
    letters: int = 0
    """How many letters may be spaced."""
    anchors: tuple[int, ...] = ()
    """For each split of a URL, -2, or the split its line must start at to end there (inside a piece of it longer
    than a line, which WeasyPrint breaks where it overflows only when a line starts with it)."""

    def ends(self, start: int | None, stop: int) -> bool:
        """Whether a line starting at its split `start` (-1: its start, None: before it) may end at split `stop`."""
        if not self.anchors or self.anchors[stop] == -2:
            return True
        return start is not None and start >= 0 and self.anchors[stop] in (start, self.anchors[start])

    @property
    def pieces(self) -> list[float]:
        """The widths of its pieces between the points where it may be broken (a URL, a path)."""
        if self.added:
            return [self.width]
        starts = [0.0, *(start for start, _, _ in self.splits), self.width]
        return [after - before for before, after in itertools.pairwise(starts)]

    def elastic_part(self, width: float) -> float:
        """How much of a piece of it `width` wide is of letters that may be spaced."""
        return width * self.elastic / self.width if self.width else 0.0


@dataclass
class Budget:
    """The hyphens a document's plans may still make: at most `HYPHEN_SHARE` of its lines end in one (two in any
    paragraph), counted over the paragraphs planned so far, so that a paragraph may hyphenate more lines than
    that where the others spared some (a cap on each paragraph's hyphens forced loose lines)."""

    lines: int = 0
    """The lines planned so far."""
    hyphens: int = 0
    """How many of them end in a hyphen."""

    def allows(self, hyphens: int, lines: int) -> bool:
        """Whether a paragraph of `lines` may end `hyphens` of them in a hyphen."""
        return hyphens <= max(2.0, HYPHEN_SHARE * (self.lines + lines) - self.hyphens)

    def spend(self, hyphens: int, lines: int) -> None:
        """Count a paragraph's lines and hyphens."""
        self.lines, self.hyphens = self.lines + lines, self.hyphens + hyphens


Break = tuple[int, int]
"""Where a line ends: before word `[0]` at its space (`[1]` -1), or inside it at its split `[1]` (a hyphen)."""


class Plan:
    """A paragraph's line breaks chosen together, as TeX chooses them (Knuth and Plass): of every way of breaking
    it at its word spaces and hyphenation points, the one whose lines' demerits add up least: a line's badness (how
    far its spaces stretch or shrink) and `HYPHEN_PENALTY` for a hyphen, `DOUBLE_HYPHEN` more for two in a row."""

    def __init__(
        self, text: str, words: list[Word], space: float, indent: float, width: float, breaks: list[Break]
    ) -> None:
        self.text, self.words, self.space, self.indent, self.width = text, words, space, indent, width
        self.breaks = breaks
        self.line = 0
        """The line to make next: from `breaks[line]` to `breaks[line + 1]`."""

    @classmethod
    def best(cls, text: str, words: list[Word], space: float, indent: float, width: float, budget: Budget) -> Plan:
        """The plan for `words` in lines `width` wide, the first indented by `indent`, spaces `space` wide: the
        paragraph's best breaks, with the hyphen's demerits made 4 times more (up to three times) while its
        hyphens would take the document past the `budget`."""
        penalty = HYPHEN_PENALTY
        for _ in range(5):
            plan = cls(text, words, space, indent, width, cls.breaks_for(words, space, indent, width, penalty))
            if budget.allows(plan.hyphens, len(plan.breaks) - 1):
                break
            penalty *= 2
        budget.spend(plan.hyphens, len(plan.breaks) - 1)
        return plan

    @property
    def hyphens(self) -> int:
        """How many of its lines end in a hyphen."""
        return sum(split >= 0 and self.words[index].splits[split][2] for index, split in self.breaks)

    @staticmethod
    def breaks_for(words: list[Word], space: float, indent: float, width: float, penalty: float) -> list[Break]:
        """The breaks of least demerits, a hyphen's `penalty` squared."""
        count = len(words)
        letters = sum(word.letters for word in words)
        glyph = sum(word.elastic for word in words) / letters if letters else 0.0
        """The width of a letter that may be spaced, on average."""
        cost: dict[tuple[int, int, int], float] = {(0, -1, 0): 0.0}
        """The least demerits of the paragraph up to each break, with the lines ending in a hyphen just before it."""
        previous: dict[tuple[int, int, int], tuple[int, int, int]] = {}
        hyphen = penalty**2
        order = [
            (index, split, run)
            for index, word in enumerate(words)
            for split in range(-1, len(word.splits))
            for run in range(MAX_RUN + 1)
        ]

        def weigh(begin: tuple[int, int, int], room: float, end: int, stop: int, spaced: float, gaps: int) -> bool:
            """Count the line from `begin` to (`end`, `stop`), `room` short of its measure; whether its spaces
            would shrink too far."""
            demerits = line_demerits(room, gaps, space, stop < 0 and end == count, spaced, glyph)
            if demerits is None:
                return True
            extra, state = 0.0, (end, stop, 0)
            if stop >= 0 and words[end].splits[stop][2]:
                run = begin[2]
                if run == MAX_RUN:
                    return False
                extra, state = hyphen + (DOUBLE_HYPHEN if run else 0), (end, stop, run + 1)
            demerits += cost[begin] + extra
            if demerits < cost.get(state, INFINITE):
                cost[state], previous[state] = demerits, begin
            return False

        for begin in order:
            if begin not in cost:
                continue
            first, split, _ = begin
            measure = width - indent if begin == (0, -1, 0) else width  # the first line is indented
            natural = words[first].splits[split][1] if split >= 0 else words[first].width
            elastic = words[first].elastic_part(natural)

            word = words[first]
            if not word.added:  # a URL or a path: a line may end inside the word it starts in
                before = word.splits[split][0] if split >= 0 else 0.0
                for stop in range(split + 1, len(word.splits)):
                    if not word.ends(split, stop):
                        continue
                    piece = word.splits[stop][0] - before
                    if piece > measure:
                        break
                    weigh(begin, measure - piece, first, stop, word.elastic_part(piece), 0)
            shortest = first + 1
            while shortest < count and natural + space + words[shortest].width <= SHORT * measure:
                natural += space + words[shortest].width  # a line this short is never the best: the next word fits
                elastic += words[shortest].elastic
                shortest += 1
            for end in range(shortest, count + 1):
                spaces = end - first - 1
                if weigh(begin, measure - natural, end, -1, elastic, spaces) or end == count:
                    break  # too tight: so is a line ending at a later break, or inside the next word
                after = words[end]
                for stop, (start, _, _) in enumerate(after.splits):
                    if after.anchors and not after.ends(None, stop):
                        continue
                    room, spaced = measure - natural - space - start, elastic + after.elastic_part(start)
                    if weigh(begin, room, end, stop, spaced, spaces + 1):
                        break  # its later points are wider still
                natural += space + after.width
                elastic += after.elastic
        states = [(count, -1, 0)]
        while states[-1] != (0, -1, 0):
            states.append(previous[states[-1]])
        return [(index, split) for index, split, _ in reversed(states)]

    def next_width(self, space: float) -> float:
        """How wide the block is to be for WeasyPrint to break the next line where the plan does. A line ending at
        a space is given that space too: WeasyPrint counts the space ending a text (before a link, a citation), and
        would break such a line after its first word; a paragraph's last line that fits is given the measure."""
        (first, split), (end, stop) = self.breaks[self.line], self.breaks[self.line + 1]
        words = self.words
        natural = words[first].splits[split][1] if split >= 0 else words[first].width
        natural += sum(word.width for word in words[first + 1 : end]) + (end - first - 1) * self.space
        natural += self.space + words[end].splits[stop][0] if stop >= 0 else self.space
        if end == first:  # a piece of a URL
            natural = words[first].splits[stop][0] - (words[first].splits[split][0] if split >= 0 else 0.0)
        needed = natural + MARGIN * space + (self.indent if self.line == 0 else 0.0)
        return max(needed, self.width) if end == len(words) else needed

    @property
    def hyphenates(self) -> bool:
        """Whether the next line ends in a hyphen."""
        end, stop = self.breaks[self.line + 1]
        return stop >= 0 and self.words[end].added

    def at(self, line: int) -> Plan:
        """The plan, from its line `line` on."""
        plan = Plan(self.text, self.words, self.space, self.indent, self.width, self.breaks)
        plan.line = line
        return plan

    def advance(self, line: Any, resume_at: Any, resumes: dict[tuple[str, float, str], tuple[Plan, int]]) -> bool:
        """Whether `line` holds the words the plan gave it; if so the plan moves on to the next line."""
        from weasyprint.formatting_structure import boxes

        made = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))
        made = made.replace("\u200b", "")  # WeasyPrint's zero-width space after a text's last space
        (first, _), (end, stop) = self.breaks[self.line], self.breaks[self.line + 1]
        words = end - first + (stop >= 0)
        if (
            len([word for word in made.split(" ") if word]) != words
            or (resume_at is None) != (end == len(self.words))
            or made.rstrip(" ").endswith(HYPHEN) != self.hyphenates
        ):
            return False
        self.line += 1
        if resume_at is not None:
            resumes[(self.text, self.width, repr(resume_at))] = (self, self.line)
        return True
