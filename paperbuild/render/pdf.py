"""Typeset the HTML page as a PDF with WeasyPrint and the style's print CSS (fonts embedded and subset).

Takes a RenderJob whose HTML pieces are made; gives the PDF bytes. WeasyPrint is imported here, on first use only, and
loads resources through a fetcher that refuses anything outside the project and the style folder.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from paperbuild.errors import InputError, MissingDependencyError
from paperbuild.render import Output, RenderJob, renderer
from paperbuild.render.html import page


def _restricted_fetcher(allowed: tuple[Path, ...]) -> Any:
    from weasyprint.urls import URLFetcher

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URLs and file: URLs inside the allowed folders; refuses the rest, the network included."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"refused to load {url}: only files inside the project and its style are read")

    return ProjectFetcher()


def layout_text(document: Any) -> str:
    """The text WeasyPrint laid out on the pages (running heads and page numbers included), a line per line box.

    Read from the layout tree rather than parsed back from the PDF: the same text, at no extra cost."""
    from weasyprint.formatting_structure import boxes

    parts: list[str] = []
    for laid_out_page in document.pages:
        for box in laid_out_page._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                parts.append("\n")
            elif isinstance(box, boxes.TextBox):
                parts.append(box.text)
    return "".join(parts)


@renderer("pdf")
def render_pdf(job: RenderJob) -> Output:
    """The PDF output file."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise MissingDependencyError(
            f"WeasyPrint cannot start ({exc}); see https://doc.courtbouillon.org/weasyprint"
            "/stable/first_steps.html for the system libraries it needs"
        ) from exc
    project = job.project
    fetcher = _restricted_fetcher((project.root.resolve(), *(f.resolve() for f in project.style.folders)))
    html = page(job.paper, job.print_pieces or job.html_pieces, project, inline_css=False)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    try:
        document = weasyprint.HTML(string=html, base_url=str(project.manuscript_dir) + "/", url_fetcher=fetcher)
        laid_out = document.render(font_config=fonts, pdf_tags=True)
        pdf: bytes = laid_out.write_pdf(pdf_variant=job.pdf_standard, pdf_tags=True)
    except OSError as exc:
        raise InputError(f"style '{project.style.name}': {exc}") from exc
    return Output(pdf, layout_text(laid_out))
