"""Find the claim markers in the chapter sources, with file, line and column.

Takes the decoded chapters (and metadata.yaml); gives `Marker`s: citations and cross-references (`@key`), labels
(`{#fig:x}`, or Quarto's `{#fig-x}`), footnote references and definitions (`[^n]`, `[^n]:`) and placeholders
(`[@?]`, `[citation needed]`).
Code (spans, fenced and indented blocks, found as pandoc finds them) is blanked first (keeping offsets), so what
code shows is never taken for a marker.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from paperbuild.diagnostics import LineIndex
from paperbuild.project import SourceFile

CROSSREF_PREFIXES = ("sec", "fig", "tbl", "eq", "lst")
LABEL_KEY = re.compile(rf"(?:{'|'.join(CROSSREF_PREFIXES)})[:-]")
"""A label starts with its kind and a colon (pandoc-crossref's {#fig:x}) or a hyphen (Quarto's {#fig-x})."""
CROSSREF_KEY = re.compile(rf"(?:{'|'.join(p + '|' + p.capitalize() for p in CROSSREF_PREFIXES)})[:-]")
"""A cross-reference's key starts as a label does, its kind capitalised or not: pandoc-crossref's `@Fig:x` is the
form that starts a sentence, and Quarto's `@Fig-x` too."""
# pandoc's citation key (Text.Pandoc.Parsing.Citations): a letter, digit, _ or * (nocite's wildcard), then letters,
# digits, _, internal punctuation :.#$%&-+?<>~/ (followed by a letter, digit or _), or : and / followed by / (a URL's
# "https://"); or anything but spaces in braces, braces inside balanced (here up to three deep): @{a{b}c} cites a{b}c
_KEY = r"[\w*](?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*"
_BRACED = r"(?:[^{}\s]|\{(?:[^{}\s]|\{[^{}\s]*\})*\})*"
CITATION = re.compile(rf"(?<![\w@.])-?@(?:(?P<key>{_KEY})|\{{(?P<braced>{_BRACED})\}})")
# `@` right after a letter or character (an e-mail address, or 见@fig:x in Chinese): pandoc reads no citation there
GLUED = re.compile(rf"(?<=\w)@(?P<key>{_KEY})")
ATTRIBUTES = re.compile(r"\{[^{}\n]*\}")
"""An attribute block `{...}` on one line; a label is looked for inside it (one pattern for both would backtrack
over every `#` of a long unclosed block: minutes on a line of `{#fig:a`)."""
LABEL = re.compile(rf"#(?P<label>{LABEL_KEY.pattern}{_KEY})")
FOOTNOTE_DEF = re.compile(r"^(?:[ \t]*>)*[ \t]*\[\^(?P<id>[^\]\[\s]+)\]:", re.MULTILINE)
FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\[\s]+)\](?!:)")
PLACEHOLDER = re.compile(r"\[@\?\]|\[citation needed\]", re.IGNORECASE)
CODE_CELL_INFO = r"[ \t]*\{[ \t]*[A-Za-z][\w-]*(?:[ \t,][^}\n]*)?\}[ \t\r]*$"
"""An executable cell's fence info, Quarto's `{python}` or knitr's `{r, echo=FALSE}`: pandoc opens no code block
there (the cell reads as prose), though it does at `{.python}` and `{key=value}`. A cell is blanked as a
fence, up to the next fence line at least as long: its closer, which would otherwise open a fence over the next cell."""
FENCE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n"
    r"(?P<body>.*?)(?:^(?P=indent)?(?P=fence)[`~]*[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)
RAW_TEX_INFO = re.compile(r"\s*\{\s*=(?:latex|tex)\s*\}\s*")
"""A fence's info string that makes it raw TeX (```` ```{=latex} ````): the body is TeX, not code."""
BACKTICKS = re.compile(r"`+")
ESCAPES = re.compile(r"\\+(?=`)")
"""Backslashes before a backtick: an odd number escapes it."""
BLANK_LINE = re.compile(r"\n(?:[ \t>]*\n)+")
"""A line end and the blank lines after it (a line of only `>` is blank inside a block quote)."""
LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|\(?(?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)[.)]|[:~])(?:[ \t]|$)")
"""The first line of a list item or of a definition (`:` or `~`), where an indented line goes on the item."""
NOT_NEWLINE = re.compile(r"[^\n]")
COMMENT_OPEN, COMMENT_CLOSE = "<!--", "-->"


@dataclass(frozen=True)
class Marker:
    """One marker found in a source file."""

    kind: str
    """citation, crossref, label, footnote-ref, footnote-def, placeholder, or glued (an `@...` joined to the word
    before it, which pandoc does not read as a citation; its key runs on over the characters that follow)."""
    key: str
    """The citation key, label, footnote id, or the placeholder text."""
    path: str
    """Source file, relative to the project."""
    line: int
    """1-based line."""
    col: int
    """1-based column of the marker's first character."""
    written: str = ""
    """The marker as the source wrote it when that is not `@key` (`\\autoref{x}`), for messages to quote."""


def _blank(code: str) -> str:
    return NOT_NEWLINE.sub(" ", code)


def _blanked(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with the characters of `ranges` (sorted, apart) replaced by spaces, newlines kept."""
    parts, position = [], 0
    for start, end in ranges:
        blank = " " * (end - start) if text.find("\n", start, end) < 0 else _blank(text[start:end])
        parts += [text[position:start], blank]
        position = end
    return "".join(parts) + text[position:]


def _fences(text: str) -> list[tuple[int, int, int, int]]:
    """The fenced code blocks: start and end, and those of the body of a raw TeX fence (```` ```{=latex} ````),
    else -1, -1."""
    found = []
    for match in FENCE.finditer(text):
        tex = RAW_TEX_INFO.fullmatch(match.group("info")) is not None
        found.append((*match.span(), *(match.span("body") if tex else (-1, -1))))
    return found


def _indented(text: str) -> list[tuple[int, int]]:
    """The indented code blocks, as pandoc reads them: lines indented by four spaces or a tab after a blank line,
    up to the next line indented less; not in a list or definition (there such lines go on the item)."""
    found: list[tuple[int, int]] = []
    offset, blank_before, in_list, start = 0, True, False, -1
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        if start >= 0 and not blank and not indented:
            found.append((start, offset))
            start = -1
        if start < 0 and indented and not blank and blank_before and not in_list:
            start = offset
        if LIST_ITEM.match(line):
            in_list = True
        elif not blank and blank_before and not line[:1].isspace():
            in_list = False
        blank_before = blank if start < 0 else blank_before
        offset += len(line)
    return [*found, (start, offset)] if start >= 0 else found


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """The spans of `text` between blank lines (a line of only `>` is blank in a block quote): code spans do not
    cross them."""
    start = 0
    for blank in BLANK_LINE.finditer(text):
        if blank.start() > start:
            yield start, blank.start()
        start = blank.end()
    if start < len(text):
        yield start, len(text)


def _spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The code spans of one paragraph, found as pandoc finds them: a run of n backticks opens a span that the next
    run of exactly n closes; with none, its first backtick is text and the rest of the run is tried the same way
    (a backtick after an odd number of backslashes is text too)."""
    starts: dict[int, array[int]] = {}  # run length -> where the runs of that length start (arrays: a 5 MB text
    for run in BACKTICKS.finditer(text, start, end):  # of backticks has 2 million runs)
        starts.setdefault(run.end() - run.start(), array("q")).append(run.start())
    escaped = {m.end(): m.start() for m in ESCAPES.finditer(text, start, end)}
    position = start
    for run in BACKTICKS.finditer(text, start, end):
        run_start, run_end = run.span()
        if run_start < position:
            continue  # inside the last span
        opening = run_start + (run_start - max(escaped.get(run_start, run_start), position)) % 2
        while opening < run_end:
            length = run_end - opening
            closers = starts.get(length)
            if closers and closers[-1] > run_start:
                position = closers[bisect.bisect_right(closers, run_start)] + length
                yield opening, position
                break
            opening += 1


@functools.lru_cache(maxsize=32)
def _code(
    text: str, indented: bool
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """The fenced code blocks (`_fences`), the indented ones and the code spans of `text`; kept for the next
    scanner of the same chapter (markers, labels, raw TeX, tags each look for code). Not to be changed."""
    fences = _fences(text)
    unfenced = _blanked(text, [(start, end) for start, end, _, _ in fences])
    blocks = _indented(unfenced) if indented else []
    prose = _blanked(unfenced, blocks)
    return fences, blocks, [span for start, end in _paragraphs(prose) for span in _spans(prose, start, end)]


def code_ranges(text: str, raw_tex: bool = False, indented: bool = True) -> list[tuple[int, int]]:
    """Where `text` holds code, as pandoc reads it: fenced and indented code blocks and code spans, sorted. With
    `raw_tex`, the body of a raw TeX fence is not code: it is kept, for what is looked for in TeX; without
    `indented`, indented lines are not code (metadata.yaml: see `is_chapter`)."""
    fences, blocks, spans = _code(text, indented)
    code = [(start, end) for start, end, body, _ in fences if body < 0 or not raw_tex]
    code += [
        piece
        for start, end, body, body_end in fences
        if body >= 0 and raw_tex
        for piece in ((start, body), (body_end, end))
    ]
    return sorted(code + blocks + spans)


def code_spans(text: str, indented: bool = True) -> list[tuple[int, int]]:
    """Where `text` holds code spans (their backticks included), as pandoc reads them."""
    return _code(text, indented)[2]


def blank_comments(text: str) -> str:
    """`text` with HTML comments replaced by spaces (newlines kept). Comments are found with `str.find`, once
    each: a pattern would look for the end of every unclosed `<!--` up to the end of the text."""
    parts, position = [], 0
    start = text.find(COMMENT_OPEN)
    while start >= 0:
        end = text.find(COMMENT_CLOSE, start + len(COMMENT_OPEN))
        if end < 0:
            break
        end += len(COMMENT_CLOSE)
        parts += [text[position:start], _blank(text[start:end])]
        position = end
        start = text.find(COMMENT_OPEN, end)
    return "".join(parts) + text[position:]


def blank_code(text: str, raw_tex: bool = False, indented: bool = True) -> str:
    """`text` with code (`code_ranges`) and HTML comments replaced by spaces (newlines kept): what every scanner
    of the sources (markers, labels, raw TeX, tags) looks in, so that none reads code as pandoc would not."""
    return blank_comments(_blanked(text, code_ranges(text, raw_tex, indented)))


def code_text(text: str, indented: bool = True) -> str:
    """The code of `text` (`code_ranges`), each piece on its own line: what the reader sees literally."""
    return "\n".join(text[start:end] for start, end in code_ranges(text, indented=indented))


def is_chapter(source: SourceFile) -> bool:
    """Whether `source` is a chapter, where indented lines may be a code block; not metadata.yaml, whose indented
    lines are its values (an abstract's second paragraph)."""
    return source.rel.endswith(".md")


def _label(block: str) -> str:
    """The label of an attribute block (its last `#sec:`, `#fig:`, `#tbl:` or `#eq:` id); "" when it has none."""
    for index in range(len(block) - 1, -1, -1):
        found = LABEL.match(block, index) if block[index] == "#" else None
        if found:
            return found.group("label")
    return ""


def is_crossref(key: str) -> bool:
    """Whether `key` names a cross-reference (`fig:x`, `fig-x`) rather than a bibliography entry."""
    return CROSSREF_KEY.match(key) is not None


def label_of(key: str) -> str:
    """The label a cross-reference's key refers to: `Fig:x` (capitalised, to start a sentence) refers to `fig:x`; a
    citation key is returned as it is."""
    return key[0].lower() + key[1:] if is_crossref(key) else key


def scan(source: SourceFile) -> list[Marker]:
    """Every marker of one Markdown source, in order of position."""
    text = blank_code(source.text, indented=is_chapter(source))
    index = LineIndex(text)
    found: list[tuple[int, str, str]] = [  # a listing's label, on its fence: ```{#lst:x .python}
        (fence.start("info"), "label", label)
        for fence in FENCE.finditer(source.text)
        if (label := _label(fence["info"]))
    ]
    placeholder_spans = []
    for match in PLACEHOLDER.finditer(text):
        found.append((match.start(), "placeholder", match.group(0)))
        placeholder_spans.append(match.start() + 1)
    for match in CITATION.finditer(text):
        if match.start() in placeholder_spans:
            continue
        key = match.group("key") if match.group("key") is not None else match.group("braced")
        start = match.start() + (1 if match.group(0).startswith("-") else 0)
        found.append((start, "crossref" if is_crossref(key) else "citation", key))
    found += [(m.start(), "glued", m.group("key")) for m in GLUED.finditer(text)]
    found += [
        (block.start(), "label", label) for block in ATTRIBUTES.finditer(text) if (label := _label(block.group()))
    ]
    found += [(m.start(), "footnote-def", m.group("id")) for m in FOOTNOTE_DEF.finditer(text)]
    found += [(m.start(), "footnote-ref", m.group("id")) for m in FOOTNOTE_REF.finditer(text)]
    markers = []
    for offset, kind, key in sorted(found):
        line, col = index.position(offset)
        markers.append(Marker(kind, key, source.rel, line, col))
    return markers
