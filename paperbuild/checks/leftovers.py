"""The check after rendering: signs, in what the reader will see, that a marker did not resolve.

Takes each output's text, the keys pandoc read as citations and the sources; gives `leftover-marker` Diagnostics
at the source line that wrote the sign (else naming the output). A sign the sources show in code is the reader's
to see: it counts only where an output shows it more often than the code does. It runs after the renderers
(pipeline.py), beside the conservation check (conservation.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.markers import blank_code, code_text, is_chapter
from paperbuild.project import SourceFile

LEFTOVER_SIGNS = ("??", "?@", "[@", "@?")


def leftover_markers(
    texts: dict[str, str], cited_keys: set[str], sources: Sequence[SourceFile] = ()
) -> list[Diagnostic]:
    """Signs, in what the reader will see, that a marker did not resolve: `??`, `?@`, a raw `[@`, or citeproc's
    `key?` for a missing entry. `texts` maps each output's path to its text; `sources` are the chapters (and
    metadata.yaml): code there may show a sign."""
    code = "\n".join(code_text(source.text, is_chapter(source)) for source in sources)
    prose = [(source, blank_code(source.text, indented=is_chapter(source))) for source in sources]
    out = []
    for path, text in texts.items():
        unresolved = first_unresolved_keys(text, cited_keys)
        found = [(sign, text.find(sign)) for sign in LEFTOVER_SIGNS]
        found += [(f"{key}?", unresolved[key]) for key in sorted(unresolved)]
        for sign, index in found:
            if index < 0 or text.count(sign) <= code.count(sign):
                continue
            context = " ".join(text[max(index - 40, 0) : index + len(sign) + 20].split())
            message = f'appears in the output, a marker that did not resolve: "{context}"'
            place = _written(prose, sign)
            if place is None:
                out.append(Diagnostic(path, 0, 0, Severity.ERROR, "leftover-marker", f"'{sign}' {message}"))
            else:
                rel, line, col = place
                message = message.replace("the output", path, 1)
                out.append(Diagnostic(rel, line, col, Severity.ERROR, "leftover-marker", f"'{sign}' {message}"))
    return out


def _written(prose: list[tuple[SourceFile, str]], sign: str) -> tuple[str, int, int] | None:
    """Where a source first writes `sign` (a `key?` by its key) outside code; None when none does."""
    needle = sign[:-1] if sign[-1] == "?" and sign[0] not in "?[@" else sign
    for source, text in prose:
        offset = text.find(needle)
        if offset >= 0:
            return (source.rel, *LineIndex(text).position(offset))
    return None


def first_unresolved_keys(text: str, keys: set[str]) -> dict[str, int]:
    """Where each key of `keys` first appears in `text` followed by a `?`, by key. One pass over the question
    marks (looking back by each key length), not one search of the whole text per key: a book's output is
    megabytes long and cites a thousand keys."""
    lengths = sorted({len(key) for key in keys})
    found: dict[str, int] = {}
    end = text.find("?")
    while end >= 0:
        for length in lengths:
            if length > end:
                break
            candidate = text[end - length : end]
            if candidate in keys and candidate not in found:
                found[candidate] = end - length
        end = text.find("?", end + 1)
    return found
