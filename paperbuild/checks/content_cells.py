"""Checks on what knitr, bookdown and Quarto compute or choose when they render, which paperbuild does not:
executable cells (```` ```{r} ````, `` `r mean(x)` ``), conditional content (`.content-visible when-format="html"`)
and bookdown's cross-references (`\\@ref(fig:x)`).

Takes a CheckContext; gives Diagnostics located in the chapters (or metadata.yaml). Registered (registry.py) after
content.py's checks.
"""

from __future__ import annotations

import re

from paperbuild.checks.registry import CheckContext, check
from paperbuild.diagnostics import Diagnostic, Severity, line_index
from paperbuild.markers import CODE_CELL_INFO, FENCE, blank_code, code_spans, is_chapter
from paperbuild.project import SourceFile


def _error_in(source: SourceFile, offset: int, code: str, message: str, hint: str) -> Diagnostic:
    line, col = line_index(source.text).position(offset)
    return Diagnostic(source.rel, line, col, Severity.ERROR, code, message, hint)


CODE_CELL = re.compile(CODE_CELL_INFO)
"""An executable cell's fence info (Quarto's ```` ```{python} ````, knitr's ```` ```{r, echo=FALSE} ````): pandoc
reads no code block there, so the cell would print as prose."""


@check("code-cell")
def code_cell(ctx: CheckContext) -> list[Diagnostic]:
    """A fence whose braces name a language (```` ```{python} ````), which pandoc does not read as code."""
    out = []
    for chapter in ctx.project.chapters:
        # fences pair as pandoc pairs them, a cell's with the next fence line at least as long (its closer)
        for match in FENCE.finditer(chapter.text):
            if not CODE_CELL.match(match.group("info")):
                continue
            fence = (match.group("fence") + match.group("info")).strip()
            language = re.sub(r"[^\w-].*", "", match.group("info").lstrip("{ \t"))
            out.append(
                _error_in(
                    chapter,
                    match.start("fence"),
                    "code-cell",
                    f"'{fence}' opens no code block pandoc reads: the cell would print as text",
                    f"write '{match.group('fence')}{language}' for code; paperbuild runs no cell, so put its output (a "
                    "figure, a table) in the text",
                )
            )
    return out + _inline_cells(ctx)


INLINE_CELL = re.compile(
    r"(?P<ticks>`+)(?P<cell>(?:r|\{[A-Za-z][\w-]*\})[ \t]+\S(?:(?!(?P=ticks)).)*?)(?P=ticks)(?!`)", re.S
)
"""Inline code a knitr or Quarto run replaces by its value: knitr's `` `r mean(x)` ``, Quarto's `` `{python} n` ``."""


def _inline_cells(ctx: CheckContext) -> list[Diagnostic]:
    """Inline code that computes text (`` `r mean(x)` ``) in the chapters and metadata.yaml, outside fenced code:
    paperbuild runs none of it, so the expression itself would print."""
    out = []
    for source in ctx.project.sources:
        for start, end in code_spans(source.text, is_chapter(source)):
            cell = INLINE_CELL.fullmatch(source.text, start, end)
            if cell is None:
                continue
            shown = " ".join(cell.group("cell").split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            out.append(
                _error_in(
                    source,
                    start,
                    "code-cell",
                    f"inline code '{shown}' is computed by knitr or Quarto, which paperbuild does not run: "
                    "the expression would print as code",
                    "run it once and write its value in the text",
                )
            )
    return out


CONDITIONAL = re.compile(r"\{[^{}\n]*\.content-(?:visible|hidden)(?![\w-])[^{}\n]*\}")
"""Quarto's conditional content, `::: {.content-visible when-format="html"}` or `[text]{.content-hidden ...}`."""


@check("conditional-content")
def conditional_content(ctx: CheckContext) -> list[Diagnostic]:
    """A div or span Quarto prints in some outputs only: paperbuild prints it in every one, beside its variants."""
    return [
        _error_in(
            chapter,
            match.start(),
            "conditional-content",
            f"conditional content: '{match.group(0)}' is Quarto's text for some outputs only; paperbuild prints one "
            "text in every output, so this and its variants would all print, one after the other",
            "keep the text every output should print and take the wrapper off (paperbuild import keeps what Quarto's "
            "PDF shows)",
        )
        for chapter in ctx.project.chapters
        for match in CONDITIONAL.finditer(blank_code(chapter.text))
    ]


BOOKDOWN_REF = re.compile(r"\\@ref\((?P<label>[\w:.-]+)\)")
"""bookdown's cross-reference, `\\@ref(fig:x)`: bookdown writes the number; pandoc reads an escaped `@` and text."""
BOOKDOWN_KINDS = {"fig": "fig", "tab": "tbl", "eq": "eq"}


@check("bookdown-reference")
def bookdown_reference(ctx: CheckContext) -> list[Diagnostic]:
    """A bookdown cross-reference, which would print as the text '@ref(fig:x)'."""
    out = []
    for chapter in ctx.project.chapters:
        for match in BOOKDOWN_REF.finditer(blank_code(chapter.text)):
            kind, _, name = match.group("label").partition(":")
            known = kind in BOOKDOWN_KINDS and name
            written = f"[-@{BOOKDOWN_KINDS[kind]}:{name}]" if known else f"[-@sec:{kind}]" if not name else ""
            out.append(
                _error_in(
                    chapter,
                    match.start(),
                    "bookdown-reference",
                    f"'{match.group(0)}' is bookdown's cross-reference, which pandoc reads as the text "
                    f"'{match.group(0)[1:]}'",
                    f"write '{written}' (the number alone, as bookdown prints it); paperbuild import rewrites "
                    "bookdown's references and labels"
                    if written
                    else "paperbuild numbers sections, figures, tables and equations: refer to one of those, or "
                    "write the words",
                )
            )
    return out
