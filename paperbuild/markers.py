"""Find the claim markers in the chapter sources, with file, line and column.

Takes the decoded chapters (and metadata.yaml); gives `Marker`s: citations and cross-references (`@key`), labels
(`{#fig:x}`, or Quarto's `{#fig-x}`), footnote references and definitions (`[^n]`, `[^n]:`) and placeholders
(`[@?]`, `[citation needed]`).
Code spans and fenced code are blanked first (keeping offsets), so what code shows is never taken for a marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperbuild.diagnostics import LineIndex
from paperbuild.project import SourceFile

CROSSREF_PREFIXES = ("sec", "fig", "tbl", "eq")
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
FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^(?P<id>[^\]\[\s]+)\]:", re.MULTILINE)
FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\[\s]+)\](?!:)")
PLACEHOLDER = re.compile(r"\[@\?\]|\[citation needed\]", re.IGNORECASE)
CODE_CELL_INFO = r"[ \t]*\{[ \t]*[A-Za-z][\w-]*(?:[ \t,][^}\n]*)?\}[ \t\r]*$"
"""An executable cell's fence info, Quarto's `{python}` or knitr's `{r, echo=FALSE}`: pandoc opens no code block
there (the cell reads as prose), though it does at `{.python}` and `{key=value}`."""
FENCE = re.compile(
    rf"^(?P<indent> {{0,3}})(?P<fence>`{{3,}}|~{{3,}})(?!{CODE_CELL_INFO})(?P<info>[^\n]*)\n"
    r"(?P<body>.*?)(?:^(?P=indent)?(?P=fence)[`~]*[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)
RAW_TEX_INFO = re.compile(r"\s*\{\s*=(?:latex|tex)\s*\}\s*")
"""A fence's info string that makes it raw TeX (```` ```{=latex} ````): the body is TeX, not code."""
CODE_SPAN = re.compile(r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
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
    return re.sub(r"[^\n]", " ", code)


def _blank_fence(match: re.Match[str], raw_tex: bool) -> str:
    if raw_tex and RAW_TEX_INFO.fullmatch(match.group("info")):
        body = match.group("body")
        start, end = match.start("body") - match.start(), match.start("body") - match.start() + len(body)
        return _blank(match.group(0)[:start]) + body + _blank(match.group(0)[end:])
    return _blank(match.group(0))


def blank_code(text: str, raw_tex: bool = False) -> str:
    """`text` with fenced code, code spans and HTML comments replaced by spaces (newlines kept); with `raw_tex`, the
    body of a raw TeX fence (```` ```{=latex} ````) is kept, for what is looked for in TeX. Comments are found
    with `str.find`, once each: a pattern would look for the end of every unclosed `<!--` up to the end of the
    text."""
    text = FENCE.sub(lambda match: _blank_fence(match, raw_tex), text)
    text = CODE_SPAN.sub(lambda match: _blank(match.group(0)), text)
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
    text = blank_code(source.text)
    index = LineIndex(text)
    found: list[tuple[int, str, str]] = []
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
