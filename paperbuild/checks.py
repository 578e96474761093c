"""The checks every build runs before rendering: every claim marker resolves, every entry and label is used.

Takes a `CheckContext` (project, bibliography, parsed manuscript, markers found in the sources); gives a list of
Diagnostics. Checks live in an ordered registry filled by the `check` decorator; a test pins the list of codes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlparse

from paperbuild.bibliography import Bibliography
from paperbuild.diagnostics import Diagnostic, LineIndex, Severity, did_you_mean
from paperbuild.formulas import formula_problem, math_nodes
from paperbuild.manuscript import Manuscript
from paperbuild.markers import Marker, scan_all
from paperbuild.pandoc_ast import walk
from paperbuild.project import Project
from paperbuild.resources import MAX_IMAGE_PIXELS, WINDOWS_DRIVE, image_targets
from paperbuild.resources import resolve as resolve_image

Check = Callable[["CheckContext"], list[Diagnostic]]
CHECKS: dict[str, Check] = {}


@dataclass(frozen=True)
class CheckContext:
    """What the checks read."""

    project: Project
    """The gathered project."""
    bibliography: Bibliography
    """All .bib entries."""
    manuscript: Manuscript
    """The parsed AST; tells which `@...` pandoc really read as citations."""

    @cached_property
    def markers(self) -> list[Marker]:
        """Markers of the chapters and of metadata.yaml (whose abstract may cite), keeping only the `@key`s
        that pandoc parsed as citations, so e-mail addresses and code never count."""
        sources = [*self.project.chapters, self.project.metadata_source]
        return [m for m in scan_all(sources) if m.kind not in ("citation", "crossref") or m.key in self.cited_keys]

    @cached_property
    def cited_keys(self) -> set[str]:
        """Every key pandoc parsed as a citation (cross-references included)."""
        return {c["citationId"] for node in walk(self.manuscript.ast) if node["t"] == "Cite" for c in node["c"][0]}

    def of_kind(self, kind: str) -> list[Marker]:
        """The markers of one kind, in file order."""
        return [m for m in self.markers if m.kind == kind]


def check(code: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check producing diagnostics of `code`."""

    def register(function: Check) -> Check:
        if code in CHECKS:
            raise ValueError(f"check {code!r} is already registered")
        CHECKS[code] = function
        return function

    return register


def _at(marker: Marker, severity: Severity, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(marker.path, marker.line, marker.col, severity, code, message, hint)


@check("undefined-citation")
def undefined_citation(ctx: CheckContext) -> list[Diagnostic]:
    """A cited key that no .bib entry defines."""
    bib_names = ", ".join(f.rel for f in ctx.project.bib_files) or "the bibliography (bibliography/ has no .bib file)"
    out = []
    for marker in ctx.of_kind("citation"):
        entry = ctx.bibliography.find(marker.key)
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
    """A cross-reference to a label that nothing carries."""
    labels = [m.key for m in ctx.of_kind("label")]
    return [
        _at(
            m,
            Severity.ERROR,
            "undefined-label",
            f"'@{m.key}' refers to no element labelled '{{#{m.key}}}'",
            did_you_mean(m.key, labels),
        )
        for m in ctx.of_kind("crossref")
        if m.key not in labels
    ]


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
    used = {m.key for m in ctx.of_kind("crossref")}
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


def _locate_text(needle: str, ctx: CheckContext) -> tuple[str, int, int]:
    """File, line and column of the first place `needle` is written (a chapter, else metadata.yaml)."""
    for source in (*ctx.project.chapters, ctx.project.metadata_source):
        offset = source.text.find(needle)
        if offset >= 0:
            line, col = LineIndex(source.text).position(offset)
            return source.rel, line, col
    return ctx.project.metadata_file, 0, 0


RESOURCE_PROBLEMS = {
    "remote": (
        "remote-resource",
        "is on the network; builds never download",
        "download it into manuscript/figures/ and use the local path",
    ),
    "outside": ("unsafe-resource", "lies outside the project", "copy it into manuscript/figures/"),
    "missing": ("missing-resource", "does not exist", "check the path; it is relative to manuscript/"),
    "type": ("missing-resource", "is not an image (png, jpg, gif, svg, webp)", "export the figure as PNG or SVG"),
    "huge": (
        "unsafe-resource",
        f"is too large to decode safely (over {MAX_IMAGE_PIXELS // 1_000_000} megapixels)",
        "export it at a smaller size",
    ),
    "corrupt": ("missing-resource", "cannot be read as an image", "export the figure again as PNG or SVG"),
    "entities": (
        "unsafe-resource",
        "declares XML entities, which can expand without bound",
        "export the SVG again without a DOCTYPE",
    ),
}


def _resource_check(code: str) -> Check:
    def run(ctx: CheckContext) -> list[Diagnostic]:
        out = []
        for target in dict.fromkeys(image_targets(ctx.manuscript.ast)):
            problem = resolve_image(target, ctx.project).problem
            if problem and RESOURCE_PROBLEMS[problem][0] == code:
                _, what, hint = RESOURCE_PROBLEMS[problem]
                path, line, col = _locate_text(target, ctx)
                out.append(Diagnostic(path, line, col, Severity.ERROR, code, f"image '{target}' {what}", hint))
        return out

    run.__doc__ = f"Images whose target is refused with `{code}`."
    return run


for _code in ("missing-resource", "unsafe-resource", "remote-resource"):
    check(_code)(_resource_check(_code))


FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})", re.MULTILINE)


@check("empty-chapter")
def empty_chapter(ctx: CheckContext) -> list[Diagnostic]:
    """A chapter file with nothing in it (a warning: maybe a placeholder, maybe a mistake)."""
    return [
        Diagnostic(
            c.rel, 0, 0, Severity.WARNING, "empty-chapter", "the chapter is empty", "write it, or delete the file"
        )
        for c in ctx.project.chapters
        if not c.text.strip()
    ]


@check("unclosed-fence")
def unclosed_fence(ctx: CheckContext) -> list[Diagnostic]:
    """A code fence (``` or ~~~) never closed: everything after it would print as code."""
    out = []
    for chapter in ctx.project.chapters:
        open_fence: re.Match[str] | None = None
        for match in FENCE_OPEN.finditer(chapter.text):
            line_end = chapter.text.find("\n", match.end())
            rest = chapter.text[match.end() : line_end if line_end >= 0 else None]
            if open_fence is None:
                open_fence = match
            elif (
                match.group(2)[0] == open_fence.group(2)[0]
                and len(match.group(2)) >= len(open_fence.group(2))
                and not rest.strip()
            ):
                open_fence = None
        if open_fence is not None:
            line, col = LineIndex(chapter.text).position(open_fence.start(2))
            out.append(
                Diagnostic(
                    chapter.rel,
                    line,
                    col,
                    Severity.ERROR,
                    "unclosed-fence",
                    f"the code block opened by '{open_fence.group(2)}' is never closed; the rest of the "
                    "chapter would print as code",
                    f"close it with a line holding {open_fence.group(2)}",
                )
            )
    return out


@check("math")
def math(ctx: CheckContext) -> list[Diagnostic]:
    """TeX formulas the PDF's math renderer cannot typeset (they would print as raw TeX)."""
    out = []
    seen = set()
    for node in math_nodes(ctx.manuscript.ast):
        tex = node["c"][1]
        problem = formula_problem(tex) if tex not in seen else ""
        seen.add(tex)
        if problem:
            path, line, col = _locate_text(tex, ctx)
            out.append(
                Diagnostic(
                    path,
                    line,
                    col,
                    Severity.ERROR,
                    "math",
                    f"formula '{tex.strip()}' {problem}",
                    "check the TeX; commands of LaTeX packages beyond amsmath are not available",
                )
            )
    return out


ACTIVE_HTML = re.compile(
    r"<\s*(script|iframe|frame|object|embed|applet|form|input|button|textarea|select|link|meta|base|style)\b"
    r"|\bon[a-z]+\s*=|(?:java|vb)script\s*:",
    re.IGNORECASE,
)
SAFE_LINK_SCHEMES = ("", "http", "https", "mailto", "ftp", "doi")


@check("active-content")
def active_content(ctx: CheckContext) -> list[Diagnostic]:
    """Raw HTML that would run code or load things: scripts, event handlers, frames, forms, style sheets."""
    out = []
    for node in walk(ctx.manuscript.ast):
        if node["t"] in ("RawInline", "RawBlock") and node["c"][0] in ("html", "html5", "html4"):
            match = ACTIVE_HTML.search(node["c"][1])
            if match:
                path, line, col = _locate_text(node["c"][1].strip().splitlines()[0], ctx)
                out.append(
                    Diagnostic(
                        path,
                        line,
                        col,
                        Severity.ERROR,
                        "active-content",
                        f"raw HTML '{match.group(0).strip()}' is active content and is not allowed",
                        "remove it; papers hold text, figures and tables",
                    )
                )
    return out


@check("unsafe-link")
def unsafe_link(ctx: CheckContext) -> list[Diagnostic]:
    """Links whose scheme runs code or opens local files (javascript:, file:, data:)."""
    out = []
    for node in walk(ctx.manuscript.ast):
        if node["t"] == "Link":
            target = node["c"][2][0]
            scheme = urlparse(target.strip()).scheme.lower()
            if scheme not in SAFE_LINK_SCHEMES and not WINDOWS_DRIVE.match(target):
                path, line, col = _locate_text(target, ctx)
                out.append(
                    Diagnostic(
                        path,
                        line,
                        col,
                        Severity.ERROR,
                        "unsafe-link",
                        f"link to '{target}' uses the scheme '{scheme}:', which is not allowed",
                        "link to an http(s) address, a DOI or a section of the paper",
                    )
                )
    return out


def run_checks(ctx: CheckContext) -> list[Diagnostic]:
    """All registered checks' diagnostics, duplicates removed."""
    found: Counter[Diagnostic] = Counter()
    for function in CHECKS.values():
        found.update(function(ctx))
    return list(found)


LEFTOVER_SIGNS = ("??", "?@", "[@", "@?")


def leftover_markers(texts: dict[str, str], cited_keys: set[str]) -> list[Diagnostic]:
    """Signs, in what the reader will see, that a marker did not resolve: `??`, `?@`, a raw `[@`, or citeproc's
    `key?` for a missing entry. `texts` maps each output's path to its text."""
    out = []
    unresolved_key = [f"{key}?" for key in sorted(cited_keys)]
    for path, text in texts.items():
        for sign in (*LEFTOVER_SIGNS, *unresolved_key):
            index = text.find(sign)
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


from paperbuild import journal  # noqa: E402, F401  (registers the journal profile's checks, after the ones above)
