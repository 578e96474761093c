"""Run pandoc's LaTeX reader on the raw TeX fragments of a paper, few runs for many fragments.

Takes the fragments (strings of TeX, in document order); gives for each the blocks the reader makes of it (Pandoc
JSON), or, where it makes none, why: an unclosed `\\begin` or brace, found without running the reader, or the
reader's own reason. tex/convert.py turns the reasons into diagnostics at the fragments' places.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator

from paperbuild import pandoc
from paperbuild.pandoc_ast import Node

TEX_STRUCTURE = re.compile(r"\\[{}%\\]|%[^\n]*|\\(begin|end)\s*\{([^{}]*)\}|[{}]")
"""What tells whether TeX is balanced: `\\begin{x}` and `\\end{x}`, and braces (not escaped, not in comments)."""
MAX_READER_RUNS = 64
"""pandoc runs spent finding which raw TeX fragments the reader refuses (a refused one costs about two per halving
of the paper's fragments): a paper refused everywhere stops at this, not after minutes."""


def _unbalanced(tex: str) -> str:
    """Why pandoc's LaTeX reader would refuse `tex` for an unclosed `\\begin` or brace ("'\\begin{x}' is not
    closed"); "" when both are balanced. Found here, without running the reader, so that refusing costs nothing."""
    depth, environments = 0, []
    for match in TEX_STRUCTURE.finditer(tex):
        command, name = match.group(1), match.group(2)
        if command == "begin":
            environments.append(name)
        elif command == "end":
            if not environments or environments[-1] != name:
                return f"'\\end{{{name}}}' closes no '\\begin{{{name}}}'"
            environments.pop()
        elif match.group(0) == "{":
            depth += 1
        elif match.group(0) == "}":
            depth -= 1
            if depth < 0:
                return "a '}' closes no '{'"
    if environments:
        return f"'\\begin{{{environments[-1]}}}' is not closed"
    return "a '{' is not closed" if depth else ""


def _reason(stderr: str) -> str:
    """The reader's reason in its message ("Error at (line 1, column 5):", the reason, the line it read, a caret):
    "unexpected end of input" where it names nothing it met."""
    lines = [line.strip() for line in stderr.splitlines() if line.startswith(("unexpected", "expecting"))]
    return "; ".join(line if line != "unexpected" else "unexpected end of input" for line in lines) or stderr.strip()


class _Reader:
    """Runs pandoc's LaTeX reader on fragments, at most MAX_READER_RUNS times for one paper."""

    def __init__(self) -> None:
        self.runs = 0

    def batches(self, fragments: list[str]) -> Iterator[list[Node] | str]:
        """Each fragment as the blocks pandoc's LaTeX reader makes of it; all in one run, separated by paragraphs of
        a random word. A fragment that runs on into the next (`\\iffalse`) changes the count, and one the reader
        refuses (`\\url` with no argument) fails the run: the batch is halved; a fragment refused alone gives the
        reader's reason instead of blocks (and so does every fragment once the runs are spent)."""
        if self.runs >= MAX_READER_RUNS:
            yield from ["too much of the paper's raw TeX is refused to find which"] * len(fragments)
            return
        self.runs += 1
        separator = f"pbsep{secrets.token_hex(8)}"
        source = f"\n\n{separator}\n\n".join(fragments)
        try:
            read = pandoc.run(["-f", "latex+raw_tex", "-t", "json", "--sandbox"], source.encode())
            blocks = json.loads(read)["blocks"]
        except pandoc.PandocFailed as exc:
            if len(fragments) == 1:
                yield _reason(exc.stderr)
                return
            blocks = []
        parts: list[list[Node]] = [[]]
        for block in blocks:
            if block["t"] == "Para" and block["c"] == [{"t": "Str", "c": separator}]:
                parts.append([])
            else:
                parts[-1].append(block)
        if len(parts) == len(fragments) or len(fragments) == 1:
            yield from parts if len(parts) == len(fragments) else [[]]
            return
        half = len(fragments) // 2
        yield from self.batches(fragments[:half])
        yield from self.batches(fragments[half:])


def read_fragments(fragments: list[str]) -> list[list[Node] | str]:
    """What pandoc's LaTeX reader makes of each fragment, or why it makes nothing (an unbalanced one is not read)."""
    reasons = [_unbalanced(fragment) for fragment in fragments]
    balanced = iter(_Reader().batches([f for f, reason in zip(fragments, reasons, strict=True) if not reason]))
    return [reason or next(balanced) for reason in reasons]
