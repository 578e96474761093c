"""The claim-marker checks: every citation, cross-reference, footnote and placeholder resolves, every entry and label
is used.

Takes a `CheckContext`; gives Diagnostics located at the markers (file, line, column). Registered first.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from paperbuild.checks.registry import CheckContext, check
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.markers import Marker, is_crossref, label_of


def _at(marker: Marker, severity: Severity, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(marker.path, marker.line, marker.col, severity, code, message, hint)


@check("undefined-citation")
def undefined_citation(ctx: CheckContext) -> list[Diagnostic]:
    """A cited key that no .bib entry defines."""
    bib_names = ", ".join(f.rel for f in ctx.project.bib_files) or "the bibliography (bibliography/ has no .bib file)"
    out = []
    for marker in ctx.of_kind("citation"):
        if marker.key == "*" and marker.path == ctx.project.metadata_file:
            continue  # nocite's `@*`: every entry
        entry = ctx.bibliography.find(marker.key)
        if entry is None and marker.key.casefold() in ctx.bibliography.unreadable:
            continue  # defined, in an entry that does not parse: its bib-syntax error is the one to fix
        if entry is None:
            out.append(
                _at(
                    marker,
                    Severity.ERROR,
                    "undefined-citation",
                    f"'{marker.key}' is not in {bib_names}",
                    did_you_mean(marker.key, ctx.bibliography.entries),
                )
            )
        elif entry.key != marker.key:
            out.append(
                _at(
                    marker,
                    Severity.ERROR,
                    "undefined-citation",
                    f"'{marker.key}' is not in {entry.path}, but '{entry.key}' is",
                    f"write '@{entry.key}' (citation keys are case-sensitive for pandoc)",
                )
            )
    return out


@check("uncited-entry")
def uncited_entry(ctx: CheckContext) -> list[Diagnostic]:
    """A .bib entry the text never cites and `nocite` does not list."""
    used = {m.key.casefold() for m in ctx.of_kind("citation")}
    nocite = {k.casefold() for k in ctx.project.metadata.nocite}
    if "*" in nocite:
        return []
    return [
        Diagnostic(
            e.path,
            e.line,
            0,
            Severity.ERROR,
            "uncited-entry",
            f"'{e.key}' is never cited",
            "cite it, delete it, or list it under 'nocite' in metadata.yaml",
        )
        for e in ctx.bibliography.entries.values()
        if e.key.casefold() not in used | nocite
    ]


@check("unresolved-claim")
def unresolved_claim(ctx: CheckContext) -> list[Diagnostic]:
    """A placeholder left where a source is still missing."""
    return [
        _at(
            m,
            Severity.ERROR,
            "unresolved-claim",
            f"placeholder {m.key} still waits for its source",
            "replace it with a citation such as [@key]",
        )
        for m in ctx.of_kind("placeholder")
    ]


@check("undefined-label")
def undefined_label(ctx: CheckContext) -> list[Diagnostic]:
    """A cross-reference to a label that nothing carries, or that sits on an element nothing numbers."""
    labels = [m.key for m in ctx.of_kind("label")]
    out = []
    for m in ctx.of_kind("crossref"):
        label, written = label_of(m.key), m.written or f"@{m.key}"
        if label not in labels:
            message, hint = f"'{written}' refers to no element labelled '{{#{label}}}'", did_you_mean(label, labels)
        elif label not in ctx.targets:
            message = f"'{{#{label}}}' is on an element that is not numbered, so '{written}' has nothing to print"
            hint = "put the label on a heading, a figure, a table caption or a display equation"
        else:
            continue
        out.append(_at(m, Severity.ERROR, "undefined-label", message, hint))
    return out


@check("glued-marker")
def glued_marker(ctx: CheckContext) -> list[Diagnostic]:
    """A citation or cross-reference joined to the word before it (`见@fig:map`, `see@knuth1984`): pandoc needs a
    space or a bracket before `@`, else the reader sees `@fig:map` as it was typed."""
    out = []
    for marker in ctx.of_kind("glued"):
        token = marker.key  # runs on over Chinese text that follows: 见@fig:map图 gives "fig:map图"
        ends = (n for n in range(len(token), 0, -1) if n == len(token) or not token[n].isascii())
        key = next(
            (token[:n] for n in ends if label_of(token[:n]) in ctx.targets or ctx.bibliography.find(token[:n])), None
        )
        if key is None:  # an e-mail address (a@knuth1984.org), or an unknown key: no marker was meant
            continue
        what = "cross-reference" if label_of(key) in ctx.targets else "citation"
        out.append(
            _at(
                marker,
                Severity.ERROR,
                "glued-marker",
                f"'@{key}' is joined to the word before it, so pandoc reads it as text, not as a {what}",
                f"put a space before '@', or write '[@{key}]', which needs none (as Chinese text wants)",
            )
        )
    return out


def _group_places(markers: list[Marker]) -> Callable[[list[str]], Marker | None]:
    """Where each group of keys is, asked in the order the groups come: the first marker of the next run of its
    keys, one after another in the sources, from where the group asked before was found (from the start when none
    is there); each marker is passed over once while the groups come in the sources' order."""
    cited = [m for m in markers if m.kind in ("citation", "crossref")]
    starts: dict[str, list[int]] = {}
    for index, marker in enumerate(cited):
        starts.setdefault(marker.key, []).append(index)
    cursor = 0

    def place(keys: list[str]) -> Marker | None:
        nonlocal cursor
        candidates = starts.get(keys[0], [])
        for begin in (bisect_left(candidates, cursor), 0):
            found = next((i for i in candidates[begin:] if [m.key for m in cited[i : i + len(keys)]] == keys), None)
            if found is not None:
                cursor = found + len(keys)
                return cited[found]
        return None

    return place


@check("mixed-reference")
def mixed_reference(ctx: CheckContext) -> list[Diagnostic]:
    """A bracket that mixes cross-references with citations ([@fig:a; @knuth1984]), which cannot print as one;
    reported at the bracket itself (not at the first use of its first key)."""
    out = []
    place = _group_places(ctx.markers)
    for node in ctx.nodes:
        if node["t"] != "Cite":
            continue
        keys = [c["citationId"] for c in node["c"][0]]
        kinds = {label_of(key) in ctx.targets or is_crossref(key) for key in keys}
        if len(kinds) > 1:
            where = place(keys) or Marker("citation", keys[0], ctx.project.metadata_file, 0, 0)
            out.append(
                _at(
                    where,
                    Severity.ERROR,
                    "mixed-reference",
                    f"{' and '.join(repr('@' + k) for k in keys)} form one group that mixes cross-references and "
                    "citations, which cannot print",
                    "pandoc joins both '[@fig:a; @key]' and '@fig:a [@key]' into one group: put words between them",
                )
            )
    return out


KIND_WORDS = {
    "sec": r"(?<![\w.])(?:sections?|secs?\.)|§",
    "fig": r"(?<![\w.])(?:figures?|figs?\.)|图",
    "tbl": r"(?<![\w.])(?:tables?|tabs?\.)|表",
    "eq": r"(?<![\w.])(?:equations?|eqs?\.)|式",
    "lst": r"(?<![\w.])(?:listings?|lst\.)|代码",
}
"""The words a cross-reference of each kind prints itself ("Figure 1", "图 1"), as a writer may type them before it."""
WORD_BEFORE = {kind: re.compile(rf"(?P<word>{words})\s*\[?\s*$", re.IGNORECASE) for kind, words in KIND_WORDS.items()}
LOOK_BACK = 24
"""How many characters before a cross-reference are searched for its kind word (a line end may lie between)."""


@check("doubled-reference-word")
def doubled_reference_word(ctx: CheckContext) -> list[Diagnostic]:
    """A cross-reference right after its own kind word ("see figure @fig:map" reads "see figure Figure 1"), unless
    it prints the number alone (`[-@fig:map]`)."""
    words = ctx.words  # the style's: "Fig. 1", "Table I" in the two-column style, as the reader sees them
    starts: dict[str, list[int]] = {}
    out = []
    for marker in ctx.of_kind("crossref"):
        text = ctx.sources[marker.path].text
        if marker.path not in starts:
            starts[marker.path] = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        lines = starts[marker.path]
        start = lines[marker.line - 1] + marker.col - 1
        target = ctx.numbers.get(label_of(marker.key))
        found = WORD_BEFORE[target.kind].search(text, max(start - LOOK_BACK, 0), start) if target else None
        if target is None or found is None:
            continue
        word, printed = found.group("word"), words.single[target.kind].format(target.number)
        out.append(
            _at(
                marker,
                Severity.WARNING,
                "doubled-reference-word",
                f"'{word} @{marker.key}' reads '{word} {printed}': the reference prints its kind word itself",
                f"write '{word} [-@{marker.key}]' to print the number alone, or drop '{word}'",
            )
        )
    return out


@check("duplicate-label")
def duplicate_label(ctx: CheckContext) -> list[Diagnostic]:
    """A label carried by two elements."""
    first: dict[str, Marker] = {}
    out = []
    for marker in ctx.of_kind("label"):
        if marker.key in first:
            prev = first[marker.key]
            out.append(
                _at(
                    marker,
                    Severity.ERROR,
                    "duplicate-label",
                    f"label '{marker.key}' is already defined at {prev.path}:{prev.line}",
                )
            )
        else:
            first[marker.key] = marker
    return out


@check("unused-label")
def unused_label(ctx: CheckContext) -> list[Diagnostic]:
    """A label nothing refers to (a warning: numbering still works)."""
    used = {label_of(m.key) for m in ctx.of_kind("crossref")}
    first = {m.key: m for m in reversed(ctx.of_kind("label"))}
    return [
        _at(m, Severity.WARNING, "unused-label", f"label '{m.key}' is never referred to")
        for m in first.values()
        if m.key not in used
    ]


@check("undefined-footnote")
def undefined_footnote(ctx: CheckContext) -> list[Diagnostic]:
    """A footnote reference without a definition."""
    defined = {(m.path, m.key) for m in ctx.of_kind("footnote-def")}
    return [
        _at(m, Severity.ERROR, "undefined-footnote", f"footnote '[^{m.key}]' has no definition '[^{m.key}]:'")
        for m in ctx.of_kind("footnote-ref")
        if (m.path, m.key) not in defined
    ]


@check("unused-footnote")
def unused_footnote(ctx: CheckContext) -> list[Diagnostic]:
    """A footnote definition nothing refers to (a warning; pandoc drops it)."""
    used = {(m.path, m.key) for m in ctx.of_kind("footnote-ref")}
    return [
        _at(m, Severity.WARNING, "unused-footnote", f"footnote '[^{m.key}]' is defined but never referred to")
        for m in ctx.of_kind("footnote-def")
        if (m.path, m.key) not in used
    ]
