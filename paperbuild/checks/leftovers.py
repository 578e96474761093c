"""The check after rendering: signs, in what the reader will see, that a marker did not resolve.

Takes each output's text and the keys pandoc read as citations; gives `leftover-marker` Diagnostics naming the
output. It runs after the renderers (pipeline.py), beside the conservation check (conservation.py).
"""

from __future__ import annotations

from paperbuild.diagnostics import Diagnostic, Severity

LEFTOVER_SIGNS = ("??", "?@", "[@", "@?")


def leftover_markers(texts: dict[str, str], cited_keys: set[str]) -> list[Diagnostic]:
    """Signs, in what the reader will see, that a marker did not resolve: `??`, `?@`, a raw `[@`, or citeproc's
    `key?` for a missing entry. `texts` maps each output's path to its text."""
    out = []
    for path, text in texts.items():
        unresolved = first_unresolved_keys(text, cited_keys)
        found = [(sign, text.find(sign)) for sign in LEFTOVER_SIGNS]
        found += [(f"{key}?", unresolved[key]) for key in sorted(unresolved)]
        for sign, index in found:
            if index < 0:
                continue
            context = " ".join(text[max(index - 40, 0) : index + len(sign) + 20].split())
            out.append(
                Diagnostic(
                    path,
                    0,
                    0,
                    Severity.ERROR,
                    "leftover-marker",
                    f"'{sign}' appears in the output, a marker that did not resolve: \"{context}\"",
                )
            )
    return out


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
