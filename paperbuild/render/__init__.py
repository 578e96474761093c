"""Renderers: independent backends that turn one assembled Paper into the bytes of one output format.

Takes a `RenderJob` (the Paper and the Project); each registered renderer gives an `Output`: the file's bytes and
the text a reader sees in it. The registry is an ordered dict filled by the `renderer` decorator, which refuses a
format registered twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the PDF worker process imports this package and should start fast
    from markupsafe import Markup

    from paperbuild.diagnostics import Diagnostic
    from paperbuild.document import Paper
    from paperbuild.project import Project
    from paperbuild.render.pdf_worker import PdfWorker

Renderer = Callable[["RenderJob"], "Output"]
RENDERERS: dict[str, Renderer] = {}


@dataclass(frozen=True)
class Output:
    """One rendered output, in memory until every format has succeeded."""

    data: bytes
    """The file's bytes."""
    text: str
    """The text a reader sees in it, for the checks on what resolved (leftover markers)."""
    refused: list[str] = field(default_factory=list)
    """Resources the renderer refused or could not load (the PDF's stylesheets and fonts), for warnings."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """What the format cannot carry, located in the sources (the JATS's publication date)."""


@dataclass
class RenderJob:
    """What every renderer reads: the paper, the project, and the HTML page once it has been made."""

    paper: Paper
    """The assembled, numbered paper."""
    project: Project
    """Paths, metadata and the style folder."""
    pdf_standard: str = "pdf/ua-1"
    """The PDF variant to write (a WeasyPrint `pdf_variant`)."""
    pdf_worker: PdfWorker | None = None
    """The WeasyPrint process started early by the pipeline; the renderer starts one when None."""
    html_pieces: dict[str, Markup] = field(default_factory=dict)
    """The paper's pieces as HTML (one pandoc run), shared by the HTML and PDF renderers."""
    print_pieces: dict[str, Markup] = field(default_factory=dict)
    """The same pieces with formulas as SVG images and notes where they are called, for the PDF; empty when the
    paper has neither formula nor footnote."""


def renderer(fmt: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of `fmt`."""

    def register(function: Renderer) -> Renderer:
        if fmt in RENDERERS:
            raise ValueError(f"a renderer for {fmt!r} is already registered")
        RENDERERS[fmt] = function
        return function

    return register


def get_renderer(fmt: str) -> Renderer:
    """The renderer of `fmt`, importing its module on first use (so `check` never imports WeasyPrint)."""
    if fmt not in RENDERERS:
        importlib.import_module(f"paperbuild.render.{fmt}")
    return RENDERERS[fmt]
