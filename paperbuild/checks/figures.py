"""Checks on figures as authors bring them: PDF and EPS that convert, and raster images sharp enough to print.

Takes a CheckContext; gives Diagnostics located at the image in its chapter. A PDF or EPS figure that cannot be
converted is an error, a PDF of several pages a warning naming the page used (figure_formats.py converts them, and
caches what it converted in the output folder, so the build that follows converts nothing again); a raster figure
under 300 ppi at its printed width (figure_sizes.py) is a warning. The checks register themselves in the checks'
registry (registry.py), after content.py's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from urllib.parse import unquote

from paperbuild.checks.registry import CheckContext, check
from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.figure_formats import CONVERTED_TYPES
from paperbuild.figure_placement import WIDE, wide_floats
from paperbuild.figure_sizes import classed_figure_images, printed_width, text_widths

MIN_PPI = 300
"""What print asks of a raster figure, in pixels per inch of its printed width."""
VECTOR_TYPES = {".svg", *CONVERTED_TYPES}


def _places(ctx: CheckContext, target: str) -> Iterator[tuple[str, int, int]]:
    """(chapter, line, column) of each place an image `target` is written, in file order; pandoc percent-encodes
    some paths, so the decoded form is looked for too."""
    for chapter in ctx.project.chapters:
        index: LineIndex | None = None
        for form in dict.fromkeys((target, unquote(target))):
            offset = chapter.text.find("](" + form)
            while offset >= 0:
                index = index or LineIndex(chapter.text)
                yield (chapter.rel, *index.position(offset + 2))
                offset = chapter.text.find("](" + form, offset + 1)


def _at(ctx: CheckContext, target: str, severity: Severity, code: str, message: str, hint: str) -> Diagnostic:
    """A diagnostic at the first place `target` is written (metadata.yaml when no chapter writes it)."""
    rel, line, col = next(_places(ctx, target), (ctx.project.metadata_file, 0, 0))
    return Diagnostic(rel, line, col, severity, code, message, hint)


@check("unconvertible-figure")
def unconvertible_figure(ctx: CheckContext) -> list[Diagnostic]:
    """A PDF or EPS figure that cannot be converted to SVG: damaged, too large or slow, or PostScript that tries
    to read or write files."""
    return [
        _at(
            ctx,
            target,
            Severity.ERROR,
            "unconvertible-figure",
            f"figure '{target}' cannot be converted: {conversion.error}",
            "export the figure again as PDF, SVG or PNG",
        )
        for target, conversion in ctx.conversions.items()
        if conversion.error
    ]


@check("multipage-figure")
def multipage_figure(ctx: CheckContext) -> list[Diagnostic]:
    """A PDF figure of several pages: only its first page is shown."""
    return [
        _at(
            ctx,
            target,
            Severity.WARNING,
            "multipage-figure",
            f"figure '{target}' has {conversion.pages} pages; page 1 is used",
            "export the page you want as a PDF of its own",
        )
        for target, conversion in ctx.conversions.items()
        if conversion.pages > 1 and not conversion.error
    ]


@check("low-resolution")
def low_resolution(ctx: CheckContext) -> list[Diagnostic]:
    """A raster figure with fewer than 300 pixels per inch of its printed width, in the widest printed output."""
    from PIL import Image

    widths = text_widths(ctx.project.style)
    out: list[Diagnostic] = []
    seen: dict[str, Iterator[tuple[str, int, int]]] = {}
    for classes, image in classed_figure_images(wide_floats(ctx.manuscript.ast["blocks"])):
        text_width = widths.widest(spanning=WIDE in classes)  # a column's, unless the figure spans the columns
        target = image["c"][2][0]
        places = seen.setdefault(target, _places(ctx, target))
        place = next(places, (ctx.project.metadata_file, 0, 0))
        resolved = ctx.images[target]
        if resolved.path is None or resolved.problem or resolved.path.suffix.lower() in VECTOR_TYPES:
            continue
        with Image.open(resolved.path) as raster:
            pixels = raster.size[0]
        inches = printed_width(image["c"][0][2], text_width)
        if pixels < MIN_PPI * inches:
            needed = math.ceil(MIN_PPI * inches)
            message = (
                f"figure '{target}' prints at {int(pixels / inches)} ppi ({pixels} pixels across {inches:.2f} in); "
                f"{MIN_PPI} ppi needs {needed} pixels"
            )
            hint = f"export it at least {needed} pixels wide, or as SVG or PDF"
            out.append(Diagnostic(*place, Severity.WARNING, "low-resolution", message, hint))
    return out
