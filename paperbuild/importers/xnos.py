"""pandoc-xnos cross-references (Manubot's pandoc-fignos, -tablenos, -eqnos) written as paperbuild reads them.

Takes a Manubot chapter's text; gives it with each reference written so that it prints as it did under xnos. There,
`@fig:x` prints the number alone (Manubot's texts write "Figure @fig:x"), `+@fig:x` the name and number ("fig. 1")
and `*@fig:x` the name capitalised, `!@fig:x` the number alone too, each also in braces (`{@fig:x}`); paperbuild
prints "Figure 1" at `@fig:x` and the number alone at `[-@fig:x]`. So `@fig:x` and `!@fig:x` -> `[-@fig:x]`
("Figure [-@fig:x]" reads "Figure 1", not "Figure Figure 1"), `+@fig:x` -> `@fig:x`, `*@fig:x` -> `@Fig:x`. A
reference inside brackets (already pandoc-crossref's form) and fenced code are left as they are.
"""

from __future__ import annotations

import re

from paperbuild.importers.structure import outside_code

REFERENCE = re.compile(
    r"(?<![\w@.\[\-])(?P<open>\{)?(?P<modifier>[+*!]?)@(?P<kind>fig|tbl|eq|sec):(?P<name>\w(?:[\w.\-:]*\w)?)"
    r"(?(open)\}|)"
)


def convert(text: str) -> str:
    """`text` with its xnos references written as paperbuild prints the same."""
    lines = text.splitlines(keepends=True)
    return "".join(
        REFERENCE.sub(_reference, line) if outside else line
        for line, outside in zip(lines, outside_code(lines), strict=True)
    )


def _reference(match: re.Match[str]) -> str:
    before = match.string[: match.start()]
    if before.rfind("[") > before.rfind("]"):
        return match.group(0)  # inside brackets: a citation group pandoc-crossref reads
    key = f"{match.group('kind')}:{match.group('name')}"
    modifier = match.group("modifier")
    if modifier == "+":
        return f"@{key}"
    if modifier == "*":
        return f"@{key[0].upper()}{key[1:]}"
    return f"[-@{key}]"
