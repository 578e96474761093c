"""Lift the wide figures and tables of the printed page out of the paper's article, so they can span its columns.

Takes the HTML page the PDF is typeset from; gives the same page in which each figure or table of class "wide"
(figure_placement.py marks them) that lies in sections and divs inside the paper's article stands between two
articles: the article and the sections and divs around the float are closed before it and opened again after it
(the same elements, their id left out and the class "continued" added), so the text keeps its order and its style.
A style that sets the article in columns so gets two boxes of columns, each balanced, with the float across the
page between them, as LaTeX's `figure*` spans both columns. (CSS's `column-span: all` would do it within one box,
but WeasyPrint 70 honours it on a direct child alone, and after such a child it lays the columns over the
footnotes called before it and moves every column to the next page when one cannot break.) A style whose page is
one column prints the lifted float where it stood, as wide as before. A heading right before the float is moved to
after it, at the head of the next box of columns, with the text it heads: left before it, the heading ended its box
of columns and could stand alone at the foot of a page, and its keep-with-next (`break-after: avoid`) passed to the
box, which WeasyPrint 70 then searched for an earlier break and failed in (an AttributeError on the title block);
LaTeX's figure* floats away from its heading the same way. A float inside anything else (a list, a table, a block
quote), or nested more than MAX_AROUND deep, stays where it is, as wide as a column.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

ROOT_CLASS = "paper"
"""The class of the page's article (the style's template), the box print CSS sets in columns."""
WIDE_CLASS = "wide"
CONTINUED_CLASS = "continued"
"""The class of a section or div opened again after a lifted float."""
WIDE_FLOAT = re.compile(r'<(?:figure|table)\b[^>]*\bclass="(?:[^"]*\s)?wide[\s"]')
"""The start tag of a float of class "wide", as pandoc writes it."""
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
LIFTED_TAGS = frozenset({"figure", "table"})
SPLIT_TAGS = frozenset({"section", "div"})
"""The elements a float is lifted out of: closing and opening them again changes no text, number or list."""
MAX_AROUND = 12
"""The most elements a float is lifted out of: the article, the body, six levels of sections and a few divs. A float
nested deeper stays in its column, so that a page of many such floats does not grow by as many tags each."""
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass
class _Open:
    tag: str
    attrs: list[tuple[str, str | None]]


@dataclass
class _Lift:
    start: int
    """Offset of the float's start tag."""
    around: list[_Open]
    """The article and the elements between it and the float, outermost first."""
    depth: int
    """The float's depth in the stack of open elements."""
    end: int = -1
    """Offset just past the float's end tag."""
    heading: tuple[int, int] | None = None
    """The heading right before the float: the offsets of its start tag and just past its end tag."""


@dataclass
class _Finder(HTMLParser):
    """Finds the floats to lift and the elements around each, from the page's tags."""

    page: str
    starts: list[int] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    lifts: list[_Lift] = field(default_factory=list)
    root: int = -1
    """Where the paper's article is in the stack of open elements; -1 outside it."""
    heading: tuple[int, int] | None = None
    """The heading last closed (offsets of its start tag and past its end tag), until text or an element follows it."""
    heading_start: int = -1
    heading_open: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = [0, *(match.end() for match in re.finditer("\n", self.page))]

    def position(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        open_lift = self.lifts and self.lifts[-1].end < 0
        if tag in LIFTED_TAGS and WIDE_CLASS in classes and self.root >= 0 and not open_lift:
            around = self.stack[self.root :]
            if len(around) <= MAX_AROUND and all(element.tag in SPLIT_TAGS for element in around[1:]):
                heading = None if self.heading_open else self.heading
                self.lifts.append(_Lift(self.position(), around, len(self.stack), heading=heading))
        if tag in HEADING_TAGS:
            self.heading, self.heading_start, self.heading_open = None, self.position(), True
        elif not self.heading_open and tag not in SPLIT_TAGS:
            self.heading = None
        if tag in VOID_TAGS:
            return
        if self.root < 0 and ROOT_CLASS in classes:
            self.root = len(self.stack)
        self.stack.append(_Open(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed tag (`<img ... />`) opens nothing."""

    def handle_data(self, data: str) -> None:
        if data.strip() and not self.heading_open:
            self.heading = None

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or (self.stack[-1].tag != tag and all(e.tag != tag for e in self.stack)):
            return  # a stray end tag closes nothing
        while self.stack.pop().tag != tag:
            pass
        if self.root >= len(self.stack):
            self.root = -1
        if self.heading_open and tag in HEADING_TAGS:
            self.heading, self.heading_open = (self.heading_start, self.page.index(">", self.position()) + 1), False
        lift = self.lifts[-1] if self.lifts else None
        if lift and lift.end < 0 and len(self.stack) == lift.depth:
            lift.end = self.page.index(">", self.position()) + 1


def _classes(element: _Open) -> list[str]:
    return (dict(element.attrs).get("class") or "").split()


def _start_tag(element: _Open, added: str, dropped: tuple[str, ...] = ()) -> str:
    """The start tag of `element` with the class `added`, without the attributes `dropped`."""
    attrs = [(k, v or "") for k, v in element.attrs if k not in ("class", *dropped)]
    attrs.append(("class", " ".join([*_classes(element), added])))
    return f"<{element.tag}" + "".join(f' {k}="{html.escape(v)}"' for k, v in attrs) + ">"


def _reopened(element: _Open) -> str:
    """The start tag of an element opened again: its attributes but the id, the class "continued" added."""
    return _start_tag(element, CONTINUED_CLASS, ("id", "aria-labelledby"))


def lift_wide_floats(page: str) -> str:
    """The page with each wide float between two parts of the paper's article (see the module's docstring)."""
    if not WIDE_FLOAT.search(page):  # no page to parse (a book's 2 MB page takes 2.5 s)
        return page
    finder = _Finder(page)
    finder.feed(page)
    finder.close()
    out: list[str] = []
    at = 0
    for lift in finder.lifts:
        if lift.end < 0:
            continue
        start, end = lift.heading or (lift.start, lift.start)  # a heading right before it goes after it
        out += [page[at:start], page[end : lift.start]]
        out.append("".join(f"</{element.tag}>" for element in reversed(lift.around)))
        out.append(page[lift.start : lift.end])
        out.append("".join(_reopened(element) for element in lift.around))
        out.append(page[start:end])
        at = lift.end
    out.append(page[at:])
    return "".join(out)
