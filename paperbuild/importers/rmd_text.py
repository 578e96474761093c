"""R Markdown's and bookdown's own Markdown that pandoc does not read: inline R code and bookdown's references.

Takes a chapter's text (fenced code left as it is) or a metadata value, with the file it comes from; gives the text
as paperbuild reads it and reports, at its line and column, what could not be carried over:

- knitr's inline code `` `r paste(readLines("_abstract.Rmd"), collapse = "\\n")` `` (or `` `r readLines("x")` ``),
  the idiom that includes a file, is replaced by that file's text when the file is in the source (a note says so);
  any other `` `r expr` `` is kept as code with a warning: paperbuild runs no R, and `check` then reports it
  (code-cell), where it printed the expression in place of its value.
- bookdown's cross-references `\\@ref(fig:x)`, `\\@ref(tab:x)`, `\\@ref(eq:x)` -> `[-@fig:x]`, `[-@tbl:x]`,
  `[-@eq:x]` (the number alone, as bookdown prints it after the writer's "Figure"; the parentheses written around an
  equation's, `(\\@ref(eq:x))`, are dropped, as paperbuild prints "(1)"); a section's `\\@ref(label)` ->
  `[-@sec:label]`, its heading's `{#label}` (or the identifier pandoc gives the heading) written `{#sec:label}`;
  another kind (`thm:`, `lem:`) is kept with a warning. The labels bookdown writes in a caption or an equation,
  `![(\\#fig:x) caption](f.png)`, `Table: (\\#tab:x) caption` and `\\begin{equation} ... (\\#eq:x) \\end{equation}`,
  are written as paperbuild's (`{#fig:x}`, `{#tbl:x}`, `$$ ... $$ {#eq:x}`).
- bookdown's text references: a paragraph `(ref:label) text` is taken out and its text put where `(ref:label)` is
  used (a figure's caption).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from paperbuild import safe_paths
from paperbuild.diagnostics import Diagnostic, Severity
from paperbuild.importers.layout import Plan
from paperbuild.importers.structure import outside_code

INLINE_R = re.compile(r"(?<!`)`r[ \t]+(?P<expr>[^`\n]+?)[ \t]*`(?!`)")
"""knitr's inline code, `` `r mean(x)` ``: knitr prints the value in its place."""
INCLUDE = re.compile(
    r"""(?:paste0?\(\s*)?readLines\(\s*(?:con\s*=\s*)?(?P<q>["'])(?P<file>[^"'\n]+)(?P=q)\s*\)"""
    r"""(?:\s*,\s*collapse\s*=\s*(?P<c>["'])(?:\\.|(?!(?P=c)).)*(?P=c)\s*\))?"""
)
"""The inline code that includes a file's text: `readLines("x.Rmd")`, alone or in `paste(..., collapse = "\\n")`."""
REF = re.compile(r"\\@ref\((?P<label>[\w:.-]+)\)")
EQUATION_REF = re.compile(r"\((\\@ref\(eq:[\w:.-]+\))\)")
"""`(\\@ref(eq:x))`: bookdown prints the number alone, so the writer puts the parentheses around it."""
KINDS = {"fig": "fig", "tab": "tbl", "eq": "eq"}
"""bookdown's label kinds -> paperbuild's (`tab:x` is a table, `tbl:x` in paperbuild)."""
TEXT_REF_DEF = re.compile(r"^\(ref:(?P<label>[\w:.-]+)\)[ \t]+(?P<text>\S.*)$")
TEXT_REF = re.compile(r"\(ref:(?P<label>[\w:.-]+)\)")
HEADING = re.compile(r"^(?P<head> {0,3}#{1,6}[ \t]+)(?P<title>.*?)(?P<attrs>[ \t]*\{[^{}\n]*\})?[ \t]*$")
HEADING_ID = re.compile(r"#(?P<id>[\w:.-]+)")
LABEL = r"\(\\#(?P<kind>fig|tab|eq):(?P<name>[\w.-]+)\)"
"""bookdown's label in a caption or an equation, `(\\#tab:x)`."""
TABLE_CAPTION = re.compile(rf"^(?P<lead> {{0,3}}(?:Table)?:[ \t]*){LABEL}[ \t]*(?P<caption>.*?)[ \t]*$")
IMAGE_CAPTION = re.compile(rf"!\[{LABEL}[ \t]*(?P<caption>[^\]\n]*)\]\((?P<target>[^)\n]*)\)(?!\{{)")
BEGIN_EQUATION = re.compile(r"^[ \t]*\\begin\{equation\*?\}")
END_EQUATION = re.compile(r"\\end\{equation\*?\}[ \t]*$")


def inline_r(plan: Plan, path: Path, text: str, locate: Callable[[re.Match[str]], tuple[int, int]]) -> str:
    """One piece of text of `path` (a line, a metadata value) with its inline R code read; `locate` gives the line
    and column in `path` of a match in `text`."""

    def replace(match: re.Match[str]) -> str:
        at_line, at_col = locate(match)
        include = INCLUDE.fullmatch(match.group("expr").strip())
        source = (path.parent / include.group("file")) if include else None
        if source is not None and source.is_file() and source.resolve().is_relative_to(plan.root.resolve()):
            included = plan.read(source, safe_paths.METADATA).decode("utf-8", "replace").strip()
            plan.diagnostics.append(
                Diagnostic(
                    plan.name(path),
                    at_line,
                    at_col,
                    Severity.NOTE,
                    "not-imported",
                    f"the inline R code '{match.group(0)}' is replaced by the text of {plan.name(source)}",
                )
            )
            return included
        plan.warn(
            path,
            at_line,
            at_col,
            "not-imported",
            f"inline R code '{match.group(0)}' is kept as code; paperbuild does not run it",
            "run it with knitr once and write its value in the text",
        )
        return match.group(0)

    return INLINE_R.sub(replace, text)


def prose_lines(body: str, convert: Callable[[int, str], str]) -> str:
    """`body` with `convert(index, line)` applied to each line outside fenced code."""
    lines = body.splitlines(keepends=True)
    return "".join(
        convert(n, line) if prose else line
        for n, (line, prose) in enumerate(zip(lines, outside_code(lines), strict=True))
    )


def convert_inline(plan: Plan, path: Path, body: bytes, first_line: int) -> bytes:
    """`body` with its inline R code read (`inline_r`), line by line outside fenced code."""
    text = body.decode("utf-8", "replace")
    return prose_lines(
        text, lambda n, line: inline_r(plan, path, line, lambda match: (first_line + n, match.start() + 1))
    ).encode("utf-8")


def section_refs(bodies: list[bytes]) -> set[str]:
    """The labels `\\@ref(label)` names as sections (no `fig:`, `tab:`, `eq:` kind) in any of `bodies`."""
    found = {m.group("label") for body in bodies for m in REF.finditer(body.decode("utf-8", "replace"))}
    return {label for label in found if ":" not in label}


def pandoc_id(title: str) -> str:
    """The identifier pandoc's auto_identifiers gives a heading's text (what bookdown's `\\@ref` names): lower
    case, punctuation but `_ - .` dropped, spaces as hyphens, from the first letter on."""
    plain = re.sub(r"[^\w\s.-]", "", title).lower().strip()
    return re.sub(r"^[^a-z]+", "", re.sub(r"\s+", "-", plain))


def convert_bookdown(plan: Plan, path: Path, body: bytes, first_line: int, sections: set[str]) -> bytes:
    """`body` with bookdown's references written as paperbuild's; `sections` are the labels that `\\@ref` names as
    sections anywhere in the book."""
    text = body.decode("utf-8", "replace")
    definitions: dict[str, str] = {}

    def take_definition(n: int, line: str) -> str:
        found = TEXT_REF_DEF.match(line.rstrip("\r\n"))
        if found is None:
            return line
        definitions[found.group("label")] = found.group("text").strip()
        return "\n"  # the paragraph's line stays, empty: what follows keeps its line number

    text = prose_lines(text, take_definition)

    text = _equations(text)

    def convert(n: int, line: str) -> str:
        line = TEXT_REF.sub(lambda m: definitions.get(m.group("label"), m.group(0)), line)
        line = IMAGE_CAPTION.sub(
            lambda m: f"![{m.group('caption')}]({m.group('target')}){{#fig:{m.group('name')}}}", line
        )
        caption = TABLE_CAPTION.match(line.rstrip("\r\n"))
        if caption is not None and caption.group("kind") == "tab":
            line = f"{caption.group('lead')}{caption.group('caption')} {{#tbl:{caption.group('name')}}}\n"
        line = EQUATION_REF.sub(r"\1", line)  # paperbuild prints an equation's number in parentheses itself
        line = REF.sub(lambda m: _reference(plan, path, first_line + n, m), line)
        return _heading(line, sections)

    return prose_lines(text, convert).encode("utf-8")


def _equations(text: str) -> str:
    """`text` with each labelled `equation` environment (its `\\begin` and `\\end` starting and ending lines, outside
    fenced code) as a display formula with its label, `$$ ... $$ {#eq:x}`; the lines it took are kept (as blank
    lines after it), so what follows keeps its line number. Each environment is read once, up to its end."""
    lines = text.splitlines(keepends=True)
    prose = outside_code(lines)
    n = 0
    while n < len(lines):
        if not (prose[n] and BEGIN_EQUATION.match(lines[n])):
            n += 1
            continue
        end = next((k for k in range(n, len(lines)) if END_EQUATION.search(lines[k].rstrip("\r\n"))), None)
        if end is None:
            break  # no environment after this one ends either
        whole = "".join(lines[n : end + 1])
        label = re.search(LABEL, whole)
        if label is not None and label.group("kind") == "eq":
            inner = whole[: label.start()] + whole[label.end() :]
            inner = END_EQUATION.sub("", BEGIN_EQUATION.sub("", inner.rstrip("\r\n")))
            inner = "\n".join(part for part in inner.splitlines() if part.strip())  # a blank line ends $$ math
            formula = f"$$\n{inner}\n$$ {{#eq:{label.group('name')}}}\n".splitlines(keepends=True)
            lines[n : end + 1] = formula + ["\n"] * max(0, end + 1 - n - len(formula))
            prose[n : end + 1] = [True] * (len(lines) - len(prose) + end + 1 - n)
            n += len(formula)
        else:
            n = end + 1
    return "".join(lines)


def _reference(plan: Plan, path: Path, line: int, match: re.Match[str]) -> str:
    label = match.group("label")
    kind, _, name = label.partition(":")
    if not name:
        return f"[-@sec:{label}]"
    if kind in KINDS:
        return f"[-@{KINDS[kind]}:{name}]"
    plan.warn(
        path,
        line,
        match.start() + 1,
        "not-imported",
        f"bookdown reference '{match.group(0)}' names a '{kind}:' label, which paperbuild does not number; kept",
        "paperbuild numbers sections, figures, tables and equations: refer to one of those, or write the words",
    )
    return match.group(0)


def _heading(line: str, sections: set[str]) -> str:
    """A heading line with the id a section reference names made `sec:id`."""
    found = HEADING.match(line.rstrip("\r\n"))
    if found is None:
        return line
    ending = line[len(line.rstrip("\r\n")) :]
    attrs = found.group("attrs") or ""
    given = HEADING_ID.search(attrs)
    if given is not None and given.group("id") in sections:
        attrs = attrs[: given.start("id")] + "sec:" + attrs[given.start("id") :]
    elif given is None and pandoc_id(found.group("title")) in sections:
        label = pandoc_id(found.group("title"))
        attrs = f" {{#sec:{label}}}" if not attrs.strip() else attrs.replace("{", f"{{#sec:{label} ", 1)
    else:
        return line
    return found.group("head") + found.group("title") + attrs + ending
