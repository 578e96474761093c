"""Prove that nothing of the manuscript was lost on the way to an output: every word and symbol reaches the reader.

Takes the assembled Paper, the project's sources and each rendered output (the HTML page, the DOCX file, the JATS
XML, the text WeasyPrint laid out on the PDF's pages); gives a `lost-text` error at the source line of each word or
symbol of the manuscript (body, headings, captions, table cells, footnotes, math, title, abstract, keywords,
authors, back matter) that an output does not show. Texts are compared as multisets of normalized tokens (NFKC,
casefolded, hyphenation undone): an output may add words (numbers, labels, running heads, the references), never
lose one.
Math is compared by the letters and digits it shows, one a token (OMML keeps operators and delimiters in
attributes). Everything is one pass over each text; only a failure looks back into the sources. The outputs are
read by conservation_tokens.py.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from paperbuild.conservation_tokens import (
    INLINE_TAG,
    TOKEN,
    docx_tokens,
    html_tokens,
    jats_tokens,
    normalize,
    pdf_tokens,
    tokens,
)
from paperbuild.crossref import NUMBER_CLASS
from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.document import GENERATED_CLASS, PUNCTUATION_CLASS, Paper
from paperbuild.formulas import math_text
from paperbuild.markers import blank_comments, code_spans, is_chapter
from paperbuild.pandoc_ast import BLOCKS, QUOTES
from paperbuild.project import SourceFile

GENERATED = frozenset({"cross-reference-group", "caption-label", "equation-number", NUMBER_CLASS})
"""Classes of the Spans crossref.py adds: their words are the pipeline's, not the manuscript's."""
MAX_REPORTED = 20
"""Missing tokens reported per output: enough to find the fault, not a flood when a whole chapter is gone."""
CONTEXT = 3
"""Tokens on each side that tell which occurrence of a missing token in the sources is the one lost."""
LOOK_BACK = 50
"""Tokens looked back over for one the sources hold, to locate a lost token they do not hold as written."""


def math_tokens(tex: str) -> list[str]:
    """The letters and digits a formula shows, one a token."""
    return [ch for ch in normalize(math_text(tex)) if ch.isalnum()]


@dataclass(frozen=True)
class Expected:
    """The tokens the reader must find, in the order written, and where they come from."""

    tokens: list[str]
    """Normalized tokens, in document order: the body's, then the title block's, abstract's and back matter's."""
    formulas: dict[int, str]
    """Index of the first token of each formula -> its TeX (how it is found in the source)."""
    metadata_from: int
    """Index of the first token written in metadata.yaml; the ones before it are written in the chapters."""

    def source(self, index: int) -> int:
        """Where token `index` was written: 0 for the chapters, 1 for metadata.yaml."""
        return int(index >= self.metadata_from)


SPACE = (" ",)
"""Text queued on the walk's stack is a 1-tuple: strings of the AST (identifiers, formats) are never text."""


class _Collector:
    """Walks AST pieces and gathers the visible tokens (iteratively: a book's AST is deep)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.formulas: dict[int, str] = {}
        self.text: list[str] = []

    def flush(self) -> None:
        self.tokens += tokens("".join(self.text))
        self.text = []

    def add(self, value: Any) -> None:
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, tuple):
                self.text.append(item[0])
            elif isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict) and "t" in item:
                self.node(item["t"], item.get("c"), stack)

    def node(self, kind: str, content: Any, stack: list[Any]) -> None:
        """Put the text of one node on the stack (or straight into the text)."""
        if kind == "Str":
            self.text.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            self.text.append(" ")
        elif kind == "Code":  # no space around: "`JobResult`s" reads "JobResults"
            self.text.append(content[1])
        elif kind == "CodeBlock":
            self.text.append(f" {content[1]} ")
        elif kind == "Math":
            self.flush()
            self.formulas[len(self.tokens)] = content[1]
            self.tokens += math_tokens(content[1])
        elif kind in ("RawInline", "RawBlock"):  # markup, not text; but a <br> or a block element parts words
            self.text.append("" if INLINE_TAG.fullmatch(content[1].strip()) else " ")
        elif kind == "Span" and {PUNCTUATION_CLASS, GENERATED_CLASS} & set(content[0][1]):
            stack.append(SPACE)  # the pipeline's punctuation and words part the manuscript's words and are not theirs
        elif kind in ("Cite", "Image") or (kind == "Span" and GENERATED & set(content[0][1])):
            return  # citeproc's and crossref's words; an image's description is not shown
        elif kind == "Note" and "".join(self.text)[-1:].isdigit():
            self.flush()  # "12³": the HTML, PDF and JATS read the mark glued to the number ("123"), so the number
            self.tokens.pop()  # is not looked for apart; the note's own words are
            stack.append(content)
        elif kind == "Quoted":
            opening, closing = QUOTES.get(content[0]["t"], ('"', '"'))
            stack.extend([(closing,), content[1], (opening,)])
        elif kind in ("Link", "Span"):
            stack.append(content[1])
        elif kind == "LineBlock":
            stack.extend([SPACE, *(part for line in reversed(content) for part in (SPACE, line))])
        elif kind == "Table":  # caption, then head, bodies and foot
            stack.extend([SPACE, content[3:], SPACE, content[1], SPACE])
        elif kind in ("Header", "Figure", "Div"):  # their text is their last part (a Figure's caption: after it)
            stack.extend(
                [SPACE, content[1], SPACE, content[-1], SPACE] if kind == "Figure" else [SPACE, content[-1], SPACE]
            )
        elif kind in BLOCKS:
            stack.extend([SPACE, content, SPACE])
        else:  # Emph, Strong, Underline, Strikeout, Superscript, Subscript, SmallCaps: no space around
            stack.append(content)


def _unheaded(blocks: list[Any]) -> list[Any]:
    """The figures and tables a style moved to the end, without the "Figures" and "Tables" headings
    figure_placement.py put over them: the pipeline's words, not the manuscript's (the JATS has none)."""
    kept: list[Any] = []
    for block in blocks:
        if block["t"] == "Div":
            kept += _unheaded(block["c"][1])
        elif block["t"] != "Header":
            kept.append(block)
    return kept


def expected(paper: Paper) -> Expected:
    """What the reader must find: the body (written in the chapters), and the title block, abstract, keywords and
    back matter (written in metadata.yaml). One multiset: a word lost from the body is lost even when the title
    has it too."""
    collector = _Collector()
    collector.add(paper.body)
    collector.add(_unheaded(paper.floats))
    collector.flush()
    metadata_from = len(collector.tokens)
    names = [part for name in paper.authors for part in (SPACE, name, SPACE)]  # Markdown: a name may hold a note
    places = [part for place in paper.affiliations.values() for part in (SPACE, place, SPACE)]  # Markdown too
    collector.add([paper.title, SPACE, paper.subtitle, SPACE, *names, *places])
    collector.add([paper.abstract, *(part for keyword in paper.keywords for part in (SPACE, keyword)), SPACE])
    collector.add(paper.notices)
    collector.add([paper.acknowledgements, paper.funding, paper.contributions])
    collector.flush()
    return Expected(collector.tokens, collector.formulas, metadata_from)


def _occurrences(items: list[str], wanted: set[str]) -> Iterator[tuple[int, int]]:
    """(index, how many times the same token came before) of each token of `wanted` in `items`."""
    seen: Counter[str] = Counter()
    for index, item in enumerate(items):
        if item in wanted:
            yield index, seen[item]
            seen[item] += 1


def _unticked(text: str, indented: bool) -> tuple[str, list[int], list[int]]:
    """`text` without its code spans' backticks, as the reader sees it ("`JobResult`s" reads "JobResults"); and,
    for each piece of it kept, where the piece starts in the result and how far that is from where it was."""
    pieces, position = [], 0
    for start, end in code_spans(text, indented):
        ticks = len(text[start:end]) - len(text[start:end].lstrip("`"))
        pieces += [(position, start), (start + ticks, end - ticks)]
        position = end
    pieces.append((position, len(text)))
    starts, offsets, length = [], [], 0
    for start, end in pieces:
        starts.append(length)
        offsets.append(start - length)
        length += end - start
    return "".join(text[start:end] for start, end in pieces), starts, offsets


class _Locator:
    """Where an occurrence of a token (or a formula's TeX) was written in one source's files."""

    def __init__(self, files: list[SourceFile]) -> None:
        self.files = files
        self.written: list[tuple[str, int, int]] | None = None  # (token, file number, offset), in order
        self.positions: dict[str, list[int]] = {}

    def _index(self) -> list[tuple[str, int, int]]:
        if self.written is None:
            self.written = []
            for number, source in enumerate(self.files):
                text, starts, offsets = _unticked(blank_comments(source.text), is_chapter(source))
                self.written += [
                    (normalize(m.group(0)), number, offsets[bisect.bisect_right(starts, m.start()) - 1] + m.start())
                    for m in TOKEN.finditer(text)
                ]
            for place, (token, _, _) in enumerate(self.written):
                self.positions.setdefault(token, []).append(place)
        return self.written

    def token(self, token: str, nth: int, before: list[str], after: list[str]) -> tuple[int, int] | None:
        """The occurrence written among the most of the same neighbours (markup may lie between them), else the
        n-th."""
        written = self._index()
        places = self.positions.get(token)
        if not places:  # written in code, which the index leaves out (a code line cut off in the PDF)
            code = ((n, m) for n, source in enumerate(self.files) for m in TOKEN.finditer(source.text))
            return next(((n, m.start()) for n, m in code if normalize(m.group(0)) == token), None)
        nth_place = places[min(nth, len(places) - 1)]

        def score(place: int) -> tuple[int, int]:
            left = {t for t, _, _ in written[max(place - CONTEXT * 2, 0) : place]}
            right = {t for t, _, _ in written[place + 1 : place + 1 + CONTEXT * 2]}
            return sum(t in left for t in before) + sum(t in right for t in after), -abs(place - nth_place)

        best = max(places, key=score)
        return written[best][1], written[best][2]

    def formula(self, tex: str) -> tuple[int, int] | None:
        needle = tex.strip().splitlines()[0] if tex.strip() else tex
        for number, source in enumerate(self.files):
            offset = source.text.find(needle)
            if offset >= 0:
                return number, offset
        return None


def _lost_indexes(want: Expected, have: Counter[str], output: list[str]) -> list[int]:
    """The indexes of the expected tokens an output lacks, at most MAX_REPORTED: when a token is there fewer
    times than written, the occurrences whose neighbours are not beside it in the output either."""
    written = Counter(want.tokens)
    short = {token: count - have[token] for token, count in written.items() if have[token] < count}
    if not short:
        return []
    pairs = set(itertools.pairwise(output))
    lost: list[int] = []
    fallback: dict[str, int] = {}
    for index, _ in _occurrences(want.tokens, set(short)):
        token = want.tokens[index]
        before = want.tokens[index - 1] if index else ""
        after = want.tokens[index + 1] if index + 1 < len(want.tokens) else ""
        fallback.setdefault(token, index)
        if short[token] > 0 and (before, token) not in pairs and (token, after) not in pairs:
            lost.append(index)
            short[token] -= 1
    lost += [fallback[token] for token, left in short.items() if left > 0 and fallback[token] not in lost]
    return sorted(lost)[:MAX_REPORTED]


def _where(want: Expected, index: int, locator: _Locator) -> tuple[int, int] | None:
    """The source position of expected token `index`: the formula it belongs to, or the same occurrence of the
    token among the source's tokens; else that of the nearest token before it that is found (up to LOOK_BACK)."""
    formula_start = max((start for start in want.formulas if start <= index), default=-1)
    if formula_start >= 0 and index < formula_start + len(math_tokens(want.formulas[formula_start])):
        return locator.formula(want.formulas[formula_start])
    start = 0 if want.source(index) == 0 else want.metadata_from
    for place in range(index, max(index - LOOK_BACK, start - 1), -1):
        token = want.tokens[place]
        nth = sum(1 for t in want.tokens[start:place] if t == token)
        before = want.tokens[max(place - CONTEXT, start) : place]
        found = locator.token(token, nth, before, want.tokens[place + 1 : place + 1 + CONTEXT])
        if found is not None:
            return found
    return None


def lost_text(paper: Paper, sources: list[list[SourceFile]], outputs: dict[str, list[str]]) -> list[Diagnostic]:
    """A `lost-text` error for each line of the manuscript holding a token an output lacks. `sources` are the
    chapters and [metadata.yaml]; `outputs` maps each output's path to its tokens."""
    want = expected(paper)
    locators = [_Locator(files) for files in sources]
    out = []
    for path, output in outputs.items():
        have = Counter(output)
        by_line: dict[tuple[str, int], tuple[int, list[str]]] = {}
        for index in _lost_indexes(want, have, output):
            place = _where(want, index, locators[want.source(index)])
            files = sources[want.source(index)]
            rel, line, col = _unlocated(files), 0, 0
            if place is not None:
                rel, (line, col) = files[place[0]].rel, LineIndex(files[place[0]].text).position(place[1])
            first, missing = by_line.setdefault((rel, line), (col, []))
            by_line[(rel, line)] = (min(first, col), [*missing, want.tokens[index]])
        for (rel, line), (col, missing) in by_line.items():
            shown = ", ".join(f"'{token}'" for token in dict.fromkeys(missing))
            out.append(
                Diagnostic(
                    rel,
                    line,
                    col,
                    Severity.ERROR,
                    "lost-text",
                    f"{shown} written here {'is' if len(set(missing)) == 1 else 'are'} missing from {path}",
                    "a writer dropped it: write it in plain Markdown, or report it as a paperbuild bug",
                )
            )
    return out


def _unlocated(files: list[SourceFile]) -> str:
    """Where a token found in none of `files` is reported: the file, or, of several, their folder (not one of
    them that does not hold it)."""
    if len(files) == 1:
        return files[0].rel
    return str(PurePosixPath(files[0].rel).parent) if files else ""


def output_tokens(fmt: str, data: bytes, text: str) -> list[str]:
    """The tokens of one rendered output (see html_tokens, docx_tokens, pdf_tokens)."""
    if fmt == "html":
        return html_tokens(data.decode("utf-8"))
    if fmt == "docx":
        return docx_tokens(data)
    if fmt == "jats":
        return jats_tokens(data.decode("utf-8"))
    return pdf_tokens(text)
