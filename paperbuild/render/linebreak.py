"""Break the PDF's lines as a careful typesetter would: which words WeasyPrint may hyphenate, and a second look.

Takes a function that lays the page out with WeasyPrint; gives the laid-out document, typeset again (at most
`MAX_PASSES` times in all) until no more than `MAX_RUN` lines in a row end in a hyphen and no page ends in the middle
of a hyphenated word. WeasyPrint breaks lines greedily, one at a time, so neither can be asked of it in CSS: each
pass finds the words hyphenated at the third line of a run or at a page's last line, and the next pass is told never
to hyphenate them. Throughout, only words written in lower-case letters are hyphenated (not proper nouns such as
"Liaoning", acronyms, or pieces of URLs and code), and a bare `en` is hyphenated with US patterns (pyphen's `en`
is British: "comprehens-ive"). The style's print CSS sets the rest: `hyphens`, `hyphenate-limit-chars`,
`hyphenate-limit-zone`, and `hyphens: manual` for links.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_RUN = 2
"""The most lines in a row that may end in a hyphen."""
MAX_PASSES = 3
"""Layouts at most: the first, and two more with the words that broke a rule kept whole."""
PATTERNS = {"en": "en_US"}
"""Pattern sets for tags that name no region, where pyphen's own choice is not the usual one."""
HYPHEN = "\u2010"
"""The hyphen WeasyPrint adds at a line end (its default `hyphenate-character`)."""
LAST_WORD = re.compile(r"(\w+)$")
FIRST_WORD = re.compile(r"^(\w+)")


def pattern_language(tag: str) -> str | None:
    """The name of pyphen's hyphenation patterns for a BCP 47 language tag (`en` -> `en_US`, `en-GB` -> `en_GB`),
    None for a language pyphen cannot hyphenate (Chinese, Japanese)."""
    import pyphen

    known: str | None = pyphen.language_fallback(PATTERNS.get(tag.lower(), tag))
    return known


@dataclass
class Policy:
    """Which words WeasyPrint may hyphenate."""

    kept_whole: set[str] = field(default_factory=set)
    """Words (lower-cased) never to hyphenate: found hyphenated where a rule forbids it."""

    def may_hyphenate(self, word: str) -> bool:
        """Words of lower-case letters only, and not kept whole."""
        return word.isalpha() and word.islower() and word not in self.kept_whole


@contextlib.contextmanager
def hyphenation(policy: Policy) -> Iterator[None]:
    """While inside, WeasyPrint's line breaking hyphenates by `policy` and finds patterns by `pattern_language`.

    WeasyPrint reads both from the `pyphen` module its line breaker imported; that name is pointed at a stand-in
    for the duration (in the worker, which typesets one page; restored after)."""
    import pyphen
    from weasyprint.text import line_break

    class PolicyPyphen(pyphen.Pyphen):  # type: ignore[misc]
        """pyphen's hyphenator, that finds no hyphenation point in a word the policy keeps whole."""

        def positions(self, word: str) -> list[int]:
            return super().positions(word) if policy.may_hyphenate(word) else []

    class StandIn:
        """The two names WeasyPrint's line breaker takes from pyphen."""

        Pyphen = PolicyPyphen

        @staticmethod
        def language_fallback(tag: str) -> str | None:
            return pattern_language(tag)

    original = line_break.pyphen
    line_break.pyphen = StandIn
    try:
        yield
    finally:
        line_break.pyphen = original


@dataclass(frozen=True)
class Line:
    """One laid-out line, as the rules see it."""

    page: int
    group: int
    """Lines of one block (a paragraph's piece on a page, a table cell) share a group."""
    first: str
    """The text of its first text box."""
    last: str
    """The text of its last text box."""

    @property
    def hyphenated(self) -> bool:
        """It ends in a hyphen WeasyPrint added."""
        return self.last.endswith(HYPHEN)

    @property
    def ends_in_hyphen(self) -> bool:
        """It ends in a hyphen, added or the word's own ("high-" / "quality")."""
        return self.hyphenated or bool(re.search(r"\w-$", self.last))


def laid_out_lines(document: Any) -> list[Line]:
    """The lines of the document's pages in order, running heads and page numbers left out."""
    from weasyprint.formatting_structure import boxes

    lines: list[Line] = []
    groups = 0

    def visit(box: Any, page: int) -> None:
        nonlocal groups
        if isinstance(box, boxes.MarginBox):
            return
        children = getattr(box, "children", ())
        if any(isinstance(child, boxes.LineBox) for child in children):
            groups += 1
        for child in children:
            if isinstance(child, boxes.LineBox):
                texts = [b.text for b in child.descendants() if isinstance(b, boxes.TextBox) and b.text.strip()]
                if texts:
                    lines.append(Line(page, groups, texts[0], texts[-1]))
            else:
                visit(child, page)

    for number, page in enumerate(document.pages):
        visit(page._page_box, number)
    return lines


def misplaced_hyphenations(lines: list[Line]) -> set[str]:
    """The words (lower-cased) hyphenated where a rule forbids it: at the last line of a page, and in a run of more
    than `MAX_RUN` lines ending in a hyphen, the last one hyphenated (a word's own hyphen cannot be moved)."""
    found: set[str] = set()
    run: list[int] = []  # the lines of the current run ending in a hyphen
    for index, line in enumerate(lines):
        if not line.ends_in_hyphen:
            run = []
            continue
        run = [*run, index] if run and lines[run[-1]].group == line.group else [index]
        at_page_end = index + 1 < len(lines) and lines[index + 1].page != line.page
        hyphenated = [i for i in run if lines[i].hyphenated]
        for i in ([index] if at_page_end and line.hyphenated else []) + (hyphenated[-1:] if len(run) > MAX_RUN else []):
            start = LAST_WORD.search(lines[i].last.removesuffix(HYPHEN))
            rest = FIRST_WORD.match(lines[i + 1].first) if i + 1 < len(lines) else None
            if start and rest:
                found.add((start.group(1) + rest.group(1)).lower())
    return found


def typeset_well(render: Callable[[], Any]) -> Any:
    """The document `render` lays out, laid out again with the misplaced hyphenations' words kept whole, until
    there are none or `MAX_PASSES` layouts were made."""
    policy = Policy()
    for _ in range(MAX_PASSES - 1):
        with hyphenation(policy):
            document = render()
        misplaced = misplaced_hyphenations(laid_out_lines(document)) - policy.kept_whole
        if not misplaced:
            return document
        policy.kept_whole |= misplaced
        del document
        gc.collect()  # the PDF worker runs without automatic collection: free the discarded layout before the next
    with hyphenation(policy):
        return render()
