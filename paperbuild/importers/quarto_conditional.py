"""Quarto's conditional content: the divs and spans `.content-visible` / `.content-hidden` that Quarto prints in some
outputs only (`when-format="html"`, `unless-format="pdf"`, `when-meta="key"`, `when-profile="x"`).

Takes a chapter's bytes (fenced code left as it is) and the metadata Quarto would read; gives the chapter with each
such div or span resolved as Quarto's PDF would print it — its text kept without the wrapper, or taken out — and a
warning at its line for each: paperbuild prints one text in every output (a build reports a wrapper left in as a
`conditional-content` error), so what only the HTML or the DOCX was to show is gone, and both variants no longer
print one after the other (a figure in each variant was a duplicate label). Lines taken out stay as empty lines: what
follows keeps its line number.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from paperbuild.importers.layout import Plan
from paperbuild.importers.structure import outside_code

TARGET = frozenset({"pdf", "latex", "beamer"})
"""The formats whose text is kept: Quarto's `when-format="pdf"` and `"latex"` both mean its PDF."""
CONDITIONAL = r"\.content-(?:visible|hidden)(?![\w-])"
DIV_OPEN = re.compile(rf"^ {{0,3}}:{{3,}}[ \t]*\{{(?P<attrs>[^{{}}\n]*{CONDITIONAL}[^{{}}\n]*)\}}[ \t]*$")
ANY_OPEN = re.compile(r"^ {0,3}:{3,}[ \t]*[{\w]")
DIV_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$")
SPAN = re.compile(rf"\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\{{(?P<attrs>[^{{}}\n]*{CONDITIONAL}[^{{}}\n]*)\}}")
ATTRIBUTE = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|([^\s"'}]+))""")


def shown(attrs: str, meta: dict[str, object]) -> bool:
    """Whether Quarto's PDF prints a div or span with attributes `attrs`: every condition given must hold for
    `.content-visible` and fail for `.content-hidden`; a profile is taken as not active."""
    values = {m.group(1): next(v for v in m.groups()[1:] if v is not None) for m in ATTRIBUTE.finditer(attrs)}
    tests = []
    for key, value in values.items():
        formats = {part.strip().lower() for part in re.split(r"[,\s]+", value) if part.strip()}
        if key in ("when-format", "unless-format"):
            tests.append(bool(formats & TARGET) == (key == "when-format"))
        elif key in ("when-meta", "unless-meta"):
            tests.append(_truthy(meta, value) == (key == "when-meta"))
        elif key in ("when-profile", "unless-profile"):
            tests.append(key == "unless-profile")
    holds = all(tests)
    return holds if ".content-visible" in attrs else bool(tests) and not holds


def _truthy(meta: object, key: str) -> bool:
    for part in key.split("."):
        if not isinstance(meta, dict) or part not in meta:
            return False
        meta = meta[part]
    return bool(meta)


def convert(plan: Plan, path: Path, body: bytes, first_line: int, meta: dict[str, object]) -> bytes:
    """`body` with its conditional divs and spans resolved as Quarto's PDF prints them, one warning each."""
    lines = body.decode("utf-8", "replace").splitlines(keepends=True)
    outside = outside_code(lines)
    out = list(lines)
    n = 0
    while n < len(lines):
        opening = DIV_OPEN.match(lines[n]) if outside[n] else None
        end = _closing(lines, outside, n) if opening else None
        if opening is None or end is None:
            if outside[n]:
                out[n] = SPAN.sub(partial(_span, plan, path, first_line + n, meta), out[n])
            n += 1
            continue
        keep = shown(opening.group("attrs"), meta)
        _warn(
            plan, path, first_line + n, len(lines[n]) - len(lines[n].lstrip(" ")), opening.group("attrs"), keep, "div"
        )
        out[n] = out[end] = "\n"
        if not keep:
            out[n + 1 : end] = ["\n"] * (end - n - 1)
            n = end + 1
        else:
            n += 1  # the kept text is read too: it may hold conditional content of its own
    return "".join(out).encode("utf-8")


def _closing(lines: list[str], outside: list[bool], start: int) -> int | None:
    """The line that closes the div opened at `start`, divs nested inside counted."""
    depth = 0
    for k in range(start + 1, len(lines)):
        if not outside[k]:
            continue
        if DIV_CLOSE.match(lines[k]):
            if depth == 0:
                return k
            depth -= 1
        elif ANY_OPEN.match(lines[k]):
            depth += 1
    return None


def _span(plan: Plan, path: Path, line: int, meta: dict[str, object], match: re.Match[str]) -> str:
    keep = shown(match.group("attrs"), meta)
    _warn(plan, path, line, match.start(), match.group("attrs"), keep, "span")
    return match.group("text") if keep else ""


def _warn(plan: Plan, path: Path, line: int, col: int, attrs: str, keep: bool, what: str) -> None:
    done = "kept" if keep else "left out"
    plan.warn(
        path,
        line,
        col + 1,
        "not-imported",
        f"Quarto conditional {what} '{{{attrs.strip()}}}' is {done}, as Quarto's PDF prints it: paperbuild prints one "
        "text in every output",
        "read the text once more: what only the HTML or the DOCX was to show is not there",
    )
