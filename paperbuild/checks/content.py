"""Checks on what the manuscript holds besides its markers: images, chapters, formulas, raw content and links.

Takes a CheckContext; gives Diagnostics located in the chapters (or metadata.yaml). Registered (registry.py) after
the claim-marker checks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import unquote

from paperbuild.checks.registry import Check, CheckContext, check
from paperbuild.diagnostics import Diagnostic, Severity, line_index
from paperbuild.figure_sizes import text_widths
from paperbuild.formulas import formula_problem, pandoc_unconverted
from paperbuild.project import SourceFile
from paperbuild.resources import MAX_IMAGE_PIXELS, read_image
from paperbuild.sanitize import HTML_FORMATS, link_problem, raw_problem, readable_style
from paperbuild.svg_safety import SvgRefused, make_safe, svg_of_data_uri
from paperbuild.tables import SMALLEST_TYPE_PT, first_text, narrowest_width


def _error_at(ctx: CheckContext, needle: str, code: str, message: str, hint: str, before: str = "") -> Diagnostic:
    """An error located at the first place `needle` is written (a chapter, else metadata.yaml), preferably right
    after `before` (a link's "]("). pandoc percent-encodes some URLs, so the decoded form is looked for too; and
    where the source escapes punctuation with a backslash (Markdown's `\\\\host`, YAML's `\\"`), a pattern that
    allows those backslashes finds it."""
    sources = ctx.project.sources
    forms = list(dict.fromkeys((needle, unquote(needle))))
    for form in [before + form for form in forms if before] + forms:
        for source in sources:
            offset = source.text.find(form)
            if offset >= 0:
                skip = len(before) if before and form.startswith(before) else 0
                return _error_in(source, offset + skip, code, message, hint)
    for form in forms:
        pattern = _escaped(form)
        for source in sources:
            found = pattern.search(source.text)
            if found:
                return _error_in(source, found.start(), code, message, hint)
    return Diagnostic(ctx.project.metadata_file, 0, 0, Severity.ERROR, code, message, hint)


def _escaped(text: str) -> re.Pattern[str]:
    """A pattern matching `text` with any of its ASCII punctuation escaped by a backslash."""
    return re.compile("".join(("\\\\?" if c.isascii() and not c.isalnum() else "") + re.escape(c) for c in text))


def _error_in(source: SourceFile, offset: int, code: str, message: str, hint: str) -> Diagnostic:
    line, col = line_index(source.text).position(offset)
    return Diagnostic(source.rel, line, col, Severity.ERROR, code, message, hint)


RESOURCE_PROBLEMS = {
    "remote": (
        "remote-resource",
        "is on the network; builds never download",
        "download it into manuscript/figures/ and use the local path",
    ),
    "outside": ("unsafe-resource", "lies outside the project", "copy it into manuscript/figures/"),
    "missing": ("missing-resource", "does not exist", "check the path; it is relative to manuscript/"),
    "special": ("unsafe-resource", "is not a regular file (a FIFO, a device)", "make it an image file"),
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
    "name": (
        "unsafe-resource",
        "has a control character (a line break, a tab) in its file name",
        "rename the file",
    ),
}
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _resource_check(code: str) -> Check:
    def run(ctx: CheckContext) -> list[Diagnostic]:
        out = []
        for target, resolved in ctx.images.items():
            problem = "name" if CONTROL_CHARACTER.search(unquote(target)) else resolved.problem
            if problem and RESOURCE_PROBLEMS[problem][0] == code:
                _, what, hint = RESOURCE_PROBLEMS[problem]
                out.append(_error_at(ctx, target, code, f"image '{target}' {what}", hint))
        return out

    run.__doc__ = f"Images whose target is refused with `{code}`."
    return run


for _code in ("missing-resource", "unsafe-resource", "remote-resource"):
    check(_code)(_resource_check(_code))


@check("unsafe-svg")
def unsafe_svg(ctx: CheckContext) -> list[Diagnostic]:
    """SVG figures (files or data: URIs) that svg_safety refuses (an error: malformed, entities, too many
    elements, too deep, a <use> bomb) or from which it removes scripts, handlers, foreign content or external
    references (a warning: the outputs get the figure without them)."""
    out = []
    for target, resolved in ctx.images.items():
        if resolved.problem or CONTROL_CHARACTER.search(unquote(target)):
            continue  # reported by the resource checks
        if resolved.path is not None:
            data = read_image(resolved.path, ctx.project) if resolved.path.suffix.lower() == ".svg" else None
        else:
            data = svg_of_data_uri(target)
        if data is None:
            continue
        name = target if len(target) <= 60 else target[:57] + "..."
        try:
            removed = make_safe(data).removed
        except SvgRefused as exc:
            hint = "export the figure again, simpler, or as PNG"
            out.append(_error_at(ctx, target, "unsafe-svg", f"SVG figure '{name}' {exc}", hint))
            continue
        if removed:
            what = ", ".join(removed)
            message = f"SVG figure '{name}' holds what could run code or load things, left out of every output: {what}"
            diagnostic = _error_at(ctx, target, "unsafe-svg", message, "export the figure again without them")
            out.append(replace(diagnostic, severity=Severity.WARNING))
    return out


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
            line, col = line_index(chapter.text).position(open_fence.start(2))
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
    formulas = {(n["c"][1], n["c"][0]["t"] == "DisplayMath"): None for n in ctx.nodes if n["t"] == "Math"}
    unconverted = pandoc_unconverted(list(formulas), ctx.manuscript.ast["pandoc-api-version"]) if formulas else {}
    for node in (n for n in ctx.nodes if n["t"] == "Math"):
        tex = node["c"][1]
        problem = formula_problem(tex) if tex not in seen else ""
        if not problem and tex in unconverted and tex not in seen:
            command = f"'{unconverted[tex]}'" if unconverted[tex] else "a command"
            problem = f"uses {command}, which pandoc cannot convert for the HTML and DOCX (it would print as TeX)"
        seen.add(tex)
        if problem:
            message = f"formula '{tex.strip()}' {problem}"
            hint = "check the TeX; commands of LaTeX packages beyond amsmath are not available"
            out.append(_formula_at(ctx, tex, message, hint))
    return out


WRAPPED = re.compile(
    r"^\\begin\{(?:array\}\{rcl|aligned|gathered)\}(?P<body>.*)\\end\{(?:array|aligned|gathered)\}$", re.DOTALL
)
"""A display environment as tex/convert.py rewrote it (`eqnarray` as an array, `align` as aligned): the body is what
the source holds."""


def _formula_at(ctx: CheckContext, tex: str, message: str, hint: str) -> Diagnostic:
    """A math error at the formula's place: where its TeX is written as it is, else where its body is written with
    any spacing (pandoc expands tabs; tex/convert.py rewrites an `eqnarray` as an array), else metadata.yaml."""
    found = _error_at(ctx, tex, "math", message, hint)
    if found.line:
        return found
    wrapped = WRAPPED.match(tex.strip())
    words = (wrapped.group("body") if wrapped else tex).split()
    if not words:
        return found
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    for source in ctx.project.sources:
        match = pattern.search(source.text)
        if match:
            return _error_in(source, match.start(), "math", message, hint)
    return found


@check("active-content")
def active_content(ctx: CheckContext) -> list[Diagnostic]:
    """Raw HTML or OpenXML that would run code or load things: scripts, event handlers, frames, forms, style sheets,
    Word fields, embedded objects (sanitize.raw_problem), wherever it is written: chapters, metadata fields,
    captions, footnotes."""
    out = []
    for node in ctx.nodes:
        if node["t"] in ("RawInline", "RawBlock"):
            problem = raw_problem(node["c"][0], node["c"][1])
            if problem:
                first_line = next(iter(node["c"][1].strip().splitlines()), "")
                hint = "remove it; papers hold text, figures and tables"
                out.append(_error_at(ctx, first_line, "active-content", problem, hint))
    return out


STYLE_ATTRIBUTE = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
ATTRIBUTED = {
    "Div": 0,
    "Span": 0,
    "Code": 0,
    "CodeBlock": 0,
    "Link": 0,
    "Image": 0,
    "Table": 0,
    "Figure": 0,
    "Header": 1,
}
"""The nodes that carry attributes, and where in their content."""


@check("dropped-style")
def dropped_style(ctx: CheckContext) -> list[Diagnostic]:
    """A warning at each style attribute (pandoc's `{style="..."}` or raw HTML's) some of whose declarations the
    outputs drop (sanitize.readable_style): colours that would hide text, properties that are the style's. The
    places of the style attributes are read once, in order, so that many of them cost one pass over the sources."""
    places: dict[str, list[tuple[SourceFile, int]]] = {}
    for source in ctx.project.sources:
        for match in STYLE_ATTRIBUTE.finditer(source.text):
            group = 1 if match.group(1) is not None else 2
            places.setdefault(match.group(group), []).append((source, match.start(group)))
    for written in places.values():
        written.reverse()  # popped from the end: the first written first
    out = []
    for node in ctx.nodes:
        if node["t"] in ATTRIBUTED:
            styles = [value for key, value in node["c"][ATTRIBUTED[node["t"]]][2] if key == "style"]
        elif node["t"] in ("RawInline", "RawBlock") and node["c"][0].lower() in HTML_FORMATS:
            styles = [double or single for double, single in STYLE_ATTRIBUTE.findall(node["c"][1])]
        else:
            continue
        for style in styles:
            dropped = readable_style(style)[1]
            if dropped:
                hint = "set a text colour and its background together, with enough contrast, or neither"
                message = "inline style: " + "; ".join(dropped)
                first = places.get(style)
                found = (
                    _error_in(*first.pop(), "dropped-style", message, hint)
                    if first
                    else _error_at(ctx, style, "dropped-style", message, hint)
                )
                out.append(replace(found, severity=Severity.WARNING))
    return out


@check("wide-table")
def wide_table(ctx: CheckContext) -> list[Diagnostic]:
    """A warning at each table (but a landscape one) whose longest numbers and words make it wider than the PDF's
    text block even in the smallest table type (tables.narrowest_width): the PDF would cut off its last columns."""
    block = text_widths(ctx.project.style).pdf * 72  # points
    out = []
    for node in ctx.nodes:
        if node["t"] != "Table" or "landscape" in node["c"][0][1]:
            continue
        width = narrowest_width(node) * SMALLEST_TYPE_PT
        if width > block:
            message = (
                f"table too wide for the text block: its numbers and words need about {width / 72 * 2.54:.1f} cm in "
                f"the smallest table type ({SMALLEST_TYPE_PT} pt), the text block is {block / 72 * 2.54:.1f} cm"
            )
            hint = "split it, shorten its widest cells (numbers are never broken), or mark it {.landscape}"
            out.append(
                replace(_error_at(ctx, first_text(node), "wide-table", message, hint), severity=Severity.WARNING)
            )
    return out


@check("unsafe-link")
def unsafe_link(ctx: CheckContext) -> list[Diagnostic]:
    """Links whose scheme runs code or opens local files (javascript:, file:, data:), and links to a network
    share or a local disk (UNC paths, `C:\\...`): sanitize.link_problem."""
    out = []
    for node in ctx.nodes:
        if node["t"] == "Link":
            target = node["c"][2][0]
            problem = link_problem(target)
            if problem:
                hint = "link to an http(s) address, a DOI or a section of the paper"
                out.append(_error_at(ctx, target, "unsafe-link", f"link to '{target}' {problem}", hint, before="]("))
    return out


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 has no place for (C0 controls but tab and line ends, U+FFFE, U+FFFF): the DOCX and the JATS
cannot hold them, and HTML reads them as errors. metadata.yaml cannot hold them either (YAML refuses them)."""


@check("control-character")
def control_character(ctx: CheckContext) -> list[Diagnostic]:
    """The first control character (a vertical tab, a form feed, U+FFFE) in each chapter and .bib file, at its
    place: they come with text pasted from other programs and no output can carry them."""
    out = []
    for source in (*ctx.project.chapters, *ctx.project.bib_files):
        found = NOT_XML.search(source.text)
        if found:
            message = f"a control character, U+{ord(found[0]):04X}, that no output can carry (the file's first)"
            out.append(_error_in(source, found.start(), "control-character", message, "delete it, or type a space"))
    return out
