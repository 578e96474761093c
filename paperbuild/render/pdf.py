"""Typeset the HTML page as a PDF with WeasyPrint and the style's print CSS (fonts embedded and subset).

Takes a RenderJob whose HTML pieces are made (and, from the pipeline, a PdfWorker already warming up); gives the PDF
bytes and its text. WeasyPrint runs in that bounded worker process, loading resources through a fetcher that refuses
anything outside the project and the style folders.
"""

from __future__ import annotations

from paperbuild.project import relative
from paperbuild.render import Output, RenderJob, renderer
from paperbuild.render.columns import lift_wide_floats
from paperbuild.render.html import page
from paperbuild.render.pdf_worker import PdfWorker, TypesetRequest
from paperbuild.style import PRINT_CSS, SCREEN_CSS


@renderer("pdf")
def render_pdf(job: RenderJob) -> Output:
    """The PDF output file."""
    project = job.project
    request = TypesetRequest(
        html=lift_wide_floats(page(job.paper, job.print_pieces or job.html_pieces, project, inline_css=False)),
        base_folder=project.manuscript_dir,
        allowed=project.style.roots,
        pdf_variant=job.pdf_standard,
        style_name=project.style.name,
        line_numbers=project.style.line_numbers,
        stylesheets=tuple(
            (relative(path, project.root), path)
            for folder in project.style.folders
            for path in (folder / SCREEN_CSS, folder / PRINT_CSS)
            if path.is_file()
        ),
    )
    result = (job.pdf_worker or PdfWorker()).typeset(request)
    return Output(result.pdf, result.text, result.refused)
