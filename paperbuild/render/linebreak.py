"""Break the PDF's lines as a careful typesetter would: which words WeasyPrint may hyphenate, and a second look.

Takes a function that lays the page out with WeasyPrint's `HTML.render`; gives the laid-out document, its pages made
again (at most `MAX_PASSES` layouts in all) until no more than `MAX_RUN` lines in a row end in a hyphen and no page
ends in the middle of a hyphenated word. WeasyPrint breaks lines greedily, one at a time, so neither can be asked of
it in CSS: each pass finds the words hyphenated at the third line of a run or at a page's last line, and the next
pass is told never to hyphenate them. Only the pages where those words were hyphenated are made again, and the pages
after them while their start moves: the second look costs a few pages, not the whole document. Throughout, only
words written in lower-case letters are hyphenated (not proper nouns such as "Liaoning", acronyms, or pieces of URLs
and code), and a bare `en` is hyphenated with US patterns (pyphen's `en` is British: "comprehens-ive"); justified
lines are made by render/justify.py (word spaces that shrink as well as stretch). The style's print
CSS sets the rest: `hyphens`, `hyphenate-limit-chars`, `hyphenate-limit-zone`, and `hyphens: manual` for links."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from paperbuild.render.justify import LineMaker, replaced

MAX_RUN = 2
"""The most lines in a row that may end in a hyphen."""
MAX_PASSES = 5
"""Layouts at most: the first, and four more with the words that broke a rule kept whole (a paragraph broken whole,
render/justify.py, is made line by line from a word kept whole, which may move the page ends after it)."""
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

    slack: float = 0.0
    """How much wider than its block the line being broken is made (its spaces may shrink by that much): added
    to the style's hyphenation zone, which counts the room left on the line."""

    @contextlib.contextmanager
    def breaking(self, slack: float) -> Iterator[None]:
        """While inside, the line being broken is `slack` wider than its block."""
        self.slack = slack
        try:
            yield
        finally:
            self.slack = 0.0


@contextlib.contextmanager
def hyphenation(policy: Policy) -> Iterator[None]:
    """While inside, WeasyPrint's line breaking hyphenates by `policy` and finds patterns by `pattern_language`.

    WeasyPrint reads both from the `pyphen` module its line breaker imported; that name is pointed at a stand-in
    for the duration (in the worker, which typesets one page; restored after)."""
    import pyphen
    from weasyprint.css.properties import Dimension
    from weasyprint.layout import inline
    from weasyprint.layout.percent import percentage
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

    split_first_line = inline.split_first_line

    def split_with_slack(
        text: str, style: Any, context: Any, max_width: float | None, *args: Any, **kwargs: Any
    ) -> Any:
        """WeasyPrint's `split_first_line`, with the hyphenation zone widened by the policy's slack: the room a
        line has left is counted to the block's edge, not past it."""
        if not policy.slack or max_width is None:
            return split_first_line(text, style, context, max_width, *args, **kwargs)
        zone = style["hyphenate_limit_zone"]
        style["hyphenate_limit_zone"] = Dimension(percentage(zone, style, max_width) + policy.slack, "px")
        try:
            return split_first_line(text, style, context, max_width, *args, **kwargs)
        finally:
            style["hyphenate_limit_zone"] = zone

    with replaced(line_break, "pyphen", StandIn), replaced(inline, "split_first_line", split_with_slack):
        yield


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
        return self.hyphenated or bool(re.search(r"\w-\u200b?$", self.last))  # a URL's, before its break


def line_texts(line: Any) -> list[str]:
    """The texts of a laid-out line box's text boxes, blank ones left out."""
    from weasyprint.formatting_structure import boxes

    return [box.text for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()]


def laid_out_lines(pages: list[Any]) -> list[Line]:
    """The lines of the laid-out page boxes in order, running heads and page numbers left out."""
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
                texts = line_texts(child)
                if texts:
                    lines.append(Line(page, groups, texts[0], texts[-1]))
            else:
                visit(child, page)

    for number, page in enumerate(pages):
        visit(page, number)
    return lines


def hyphenated_word(lines: list[Line], index: int) -> str | None:
    """The word (lower-cased) that line `index` hyphenates, joined with its end on the next line; None if none."""
    start = LAST_WORD.search(lines[index].last.removesuffix(HYPHEN)) if lines[index].hyphenated else None
    rest = FIRST_WORD.match(lines[index + 1].first) if start and index + 1 < len(lines) else None
    return (start.group(1) + rest.group(1)).lower() if start and rest else None


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
            word = hyphenated_word(lines, i)
            if word:
                found.add(word)
    return found


def typeset_well(render: Callable[[], Any], policy: Policy | None = None) -> Any:
    """The document `render` lays out (with WeasyPrint's `HTML.render`), its line breaking by `Policy`, and the
    pages holding misplaced hyphenations made again with their words kept whole, until there are none or
    `MAX_PASSES` layouts were made."""
    import weasyprint.document

    policy = policy or Policy()
    with hyphenation(policy), replaced(weasyprint.document, "layout_document", _Relayout(policy).layout):
        return render()


class _Relayout:
    """WeasyPrint's `layout_document`, made again for as long as the layout breaks a rule: only the pages where
    the words now kept whole were hyphenated are remade, from the state WeasyPrint kept of their start, and the
    pages after them only while their start moved (WeasyPrint's own way of remaking a page whose counters changed;
    the others keep their layout). The second look so costs a few pages instead of the whole document."""

    def __init__(self, policy: Policy) -> None:
        from weasyprint import layout

        self.policy = policy
        self.make_pages = layout.make_all_pages
        self.lines = LineMaker(policy)
        self.made: list[tuple[Any, list[Any], list[Any]]] = []
        """Each page as `make_all_pages` gave it: the page box, its children and its root's, before WeasyPrint
        added the margin boxes (layout_document replaces both lists, so the originals are kept here)."""
        self.reuse = False

    def make_all_pages(self, context: Any, root_box: Any, html: Any, pages: list[Any]) -> list[Any]:
        if self.reuse and not pages:  # the first round of a remake: the pages made so far, as they were made
            self.reuse = False
            for page, children, root_children in self.made:
                page.children, page.children[0].children = children, root_children
            pages = [page for page, _, _ in self.made]
        made = list(self.make_pages(context, root_box, html, pages))
        self.made = [(page, page.children, page.children[0].children) for page in made]
        return made

    def layout(self, html: Any, root_box: Any, context: Any) -> list[Any]:
        from collections import defaultdict

        from weasyprint import layout
        from weasyprint.layout import block

        footnotes = list(context.footnotes)  # each layout takes the footnotes out of this list as it places them
        with (
            replaced(layout, "make_all_pages", self.make_all_pages),
            replaced(block, "iter_line_boxes", self.lines.iter_line_boxes),
        ):
            pages = list(layout.layout_document(html, root_box, context))
            for _ in range(MAX_PASSES - 1):
                lines = laid_out_lines(pages)
                misplaced = misplaced_hyphenations(lines) - self.policy.kept_whole
                if not misplaced:
                    break
                self.policy.kept_whole |= misplaced
                for index, line in enumerate(lines):
                    if hyphenated_word(lines, index) in self.policy.kept_whole:
                        context.page_maker[line.page][-1]["content_changed"] = True
                context.footnotes = footnotes.copy()
                context.string_set = defaultdict(lambda: defaultdict(list))  # layout_document collects them anew
                self.reuse = True
                with replaced(layout, "initialize_page_maker", lambda context, root_box: None):
                    pages = list(layout.layout_document(html, root_box, context))
        return pages
