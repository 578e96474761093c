"""The build, stage by stage: gather and check everything, and only then render and write.

Takes the project folder, the formats and the options; gives a `BuildResult` (diagnostics, files written, the time
of each stage). Prints nothing: `cli.py` reports. Outputs are written only when every check and every renderer
succeeded, each through the atomic-write helper, so a failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from paperbuild.diagnostics import Diagnostic, Severity, has_errors
from paperbuild.errors import PaperbuildError
from paperbuild.output import (
    CITATIONS_FILE,
    FORMATS,
    OUTPUT_NAMES,
    locked,
    output_folder,
    write_all,
    write_atomic,
)

if TYPE_CHECKING:  # the stages are imported when they run: a no-op build starts fast, a cold one starts the
    # PDF typesetter before anything else is imported
    from paperbuild.checks import CheckContext
    from paperbuild.citations import RenderedCitations
    from paperbuild.document import Paper
    from paperbuild.manuscript import Manuscript
    from paperbuild.project import Project
    from paperbuild.render import Output
    from paperbuild.render.pdf_worker import PdfWorker

READY_WAIT_SECONDS = 10.0
"""How long the DOCX waits at most for the PDF typesetter's import to end before it starts anyway."""


@dataclass(frozen=True)
class Options:
    """Command-line options that change what is built."""

    out_dir: Path | None = None
    """Output folder; PROJECT/build when None."""
    style: str | None = None
    """House style overriding metadata's `style`."""
    csl: str | None = None
    """Citation style overriding metadata's `csl`."""
    journal: str | None = None
    """Shipped journal profile overriding metadata's `journal:` (`--journal`)."""
    pdf_standard: str = "pdf/ua-1"
    """PDF variant WeasyPrint writes: tagged PDF/UA-1 by default, or an archival one such as pdf/a-3b."""
    on_stage: Callable[[str, float], None] | None = field(default=None, compare=False)
    """Told the name and wall time of each stage as it ends, for a progress line; None for silence."""

    def render_settings(self) -> dict[str, str]:
        """Format -> the options (and environment) that change its output, for the cache key."""
        epoch = f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}"  # dates inside PDF and DOCX
        return {"html": epoch, "pdf": f"pdf-standard={self.pdf_standard};{epoch}", "docx": epoch, "jats": ""}


@dataclass
class BuildResult:
    """What a run did."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Every problem found, errors and warnings."""
    written: dict[str, Path] = field(default_factory=dict)
    """Format -> output file written."""
    on_stage: Callable[[str, float], None] | None = None
    """Progress callback (from Options.on_stage)."""
    context: CheckContext | None = None
    """The parsed and checked project, when this run parsed it (not on a no-op build), for callers to reuse."""
    details: list[str] = field(default_factory=list)
    """What the build read and wrote, in a few lines (shown by --verbose)."""
    up_to_date: list[str] = field(default_factory=list)
    """Formats not rebuilt because their inputs did not change since the output was made."""
    timings: list[tuple[str, float]] = field(default_factory=list)
    """(stage, seconds) in the order the stages ran."""
    citeproc_ran: bool = False
    """Whether citeproc ran in this build (else the citations of the last build were reused)."""
    paper: Paper | None = None
    """The assembled paper, once the build rendered it (what the outputs are checked against)."""
    citations: RenderedCitations | None = None
    """When citeproc ran: what it rendered, kept with the outputs for the next build; None when that cannot be
    reused (a note style, a reference list placed by the author), and any file kept earlier is then removed."""

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return not has_errors(self.diagnostics)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Record the wall time of the enclosed stage, and announce it when it ends well."""
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self.timings.append((stage, seconds))
        if self.on_stage is not None:  # stages that raised are not announced as done
            self.on_stage(stage, seconds)


def read(root: Path, options: Options, result: BuildResult) -> Project:
    """Gather and decode the project (cheap: no pandoc, no bibliography parsing); diagnostics go to `result`."""
    from paperbuild.project import load_project

    with result.timed("read"):
        project, found = load_project(
            root, out_dir=options.out_dir, style=options.style, csl=options.csl, journal=options.journal
        )
    result.diagnostics += found
    return project


def gather(project: Project, result: BuildResult) -> CheckContext:
    """Parse the bibliography and the chapters and run every check; diagnostics go to `result`."""
    from paperbuild import checks
    from paperbuild.bibliography import read_bibliography, validate_entries

    with result.timed("bibliography"):
        bibliography, bib_found = read_bibliography(project.bib_files)
        result.diagnostics += bib_found + validate_entries(bibliography)
    with result.timed("parse"):
        parsed = _parse(project, result)
    with result.timed("check"):
        context = checks.CheckContext(project, bibliography, parsed)
        result.diagnostics += list(parsed.problems) or checks.run_checks(context)  # none on a paper left unread
        errors = {(d.path, d.line) for d in result.diagnostics if d.severity is Severity.ERROR}
        # raw HTML that is refused (active content, an image outside the project) needs no word on the DOCX too
        result.diagnostics = [d for d in result.diagnostics if d.code != "raw-html" or (d.path, d.line) not in errors]
    cited = {m.key for m in context.of_kind("citation")}
    result.details.append(
        f"read {len(project.chapters)} chapters, {len(bibliography.entries)} bibliography entries "
        f"({len(cited)} cited), style '{project.style.name}', citation style "
        f"{project.csl_file.name if project.csl_file else 'pandoc default'}"
    )
    result.context = context
    return context


def _parse(project: Project, result: BuildResult) -> Manuscript:
    """The manuscript with its raw TeX converted and its citations rendered: by citeproc, or, when the citations
    are the ones the last build of this output folder rendered, as citeproc rendered them then (see citations.py).
    Citeproc runs once the TeX is converted: citations written in TeX (`\\cite`) exist only then, and so do the
    labels of TeX equations, whose cross-references citeproc must not see. A .bib or CSL file citeproc cannot read
    is an error at its place, and the manuscript is kept without citations."""
    from paperbuild import citations, manuscript
    from paperbuild.pandoc import PandocFailed
    from paperbuild.tex.convert import convert as convert_raw_tex
    from paperbuild.tex.symbols import reference_symbols

    bibliography_broken = not result.ok  # then the checks still need the AST, without citations
    parsed = manuscript.parse(project)
    result.diagnostics.extend(convert_raw_tex(parsed.ast, list(project.sources)))
    if bibliography_broken:
        return parsed
    previous = citations.RenderedCitations.load(project.out_dir / CITATIONS_FILE)
    if citations.reuse(parsed.ast, project, previous):
        result.details.append("citations: the same as the last build's, citeproc not run")
        return parsed
    try:
        parsed = manuscript.add_citations(parsed, project)
    except PandocFailed as failure:
        problem = manuscript.citeproc_problem(failure, project)
        if problem is None:
            raise
        result.diagnostics.append(problem)
        return parsed
    result.citeproc_ran = True
    result.diagnostics += reference_symbols(parsed.ast, project.bib_files)  # citeproc kept them raw
    result.citations = citations.extract(parsed.ast, project)
    return parsed


def run_check(root: Path, options: Options) -> BuildResult:
    """`check`: every check, nothing rendered."""
    result = BuildResult(on_stage=options.on_stage)
    gather(read(root, options, result), result)
    return result


def _start_pdf_worker() -> PdfWorker:
    """WeasyPrint's process, started as soon as a PDF is known to be needed: it imports WeasyPrint (half a
    second) on the other core while this process reads, parses and checks."""
    from paperbuild.render.pdf_worker import PdfWorker

    return PdfWorker()


def run_build(root: Path, formats: Sequence[str], options: Options) -> BuildResult:
    """Check, then render the formats whose inputs changed (concurrently), then write them all."""
    result = BuildResult(on_stage=options.on_stage)
    pdf_worker = None
    if "pdf" in formats and not (output_folder(root, options.out_dir) / OUTPUT_NAMES["pdf"]).exists():
        pdf_worker = _start_pdf_worker()  # no PDF yet: whatever the cache says, one will be made
    try:
        from paperbuild.cache import BuildCache, input_keys

        with ThreadPoolExecutor(max_workers=len(FORMATS)) as pool:
            project = read(root, options, result)
            cache = BuildCache.load(project.out_dir)
            keys = input_keys(project, tuple(formats), options.render_settings())
            paths = {fmt: project.out_dir / OUTPUT_NAMES[fmt] for fmt in formats}
            stale = [fmt for fmt in formats if not cache.is_fresh(fmt, keys[fmt], paths[fmt])]
            result.up_to_date = [fmt for fmt in formats if fmt not in stale]
            if not stale and result.ok:
                result.diagnostics = list(cache.diagnostics)  # same inputs, same findings
                return result
            if "pdf" in stale:
                pdf_worker = pdf_worker or _start_pdf_worker()
                pdf_worker.prepare([project.metadata.lang])
            context = gather(project, result)
            if not result.ok:
                return result
            rendered = _render(context, stale, options, pool, result, pdf_worker)
    finally:
        if pdf_worker is not None:
            pdf_worker.close()
    from paperbuild.project import relative

    texts = {relative(paths[fmt], project.root): output.text for fmt, output in rendered.items()}
    from paperbuild.checks import leftover_markers

    result.diagnostics += leftover_markers(texts, context.cited_keys, list(project.sources))
    if rendered and result.ok:
        with result.timed("conservation"):
            result.diagnostics += _lost_text(project, rendered, paths, result)
    result.diagnostics += [d for output in rendered.values() for d in output.diagnostics]
    style_folder = relative(project.style.folder, project.root)
    result.diagnostics += [
        Diagnostic(style_folder, 0, 0, Severity.WARNING, "refused-resource", message)
        for output in rendered.values()
        for message in dict.fromkeys(output.refused)
    ]
    if not result.ok:
        return result
    with locked(project.out_dir):
        cache = BuildCache.load(project.out_dir)  # again: another build may have written meanwhile
        try:
            write_all({paths[fmt]: output.data for fmt, output in rendered.items()})
        except OSError as exc:
            raise PaperbuildError(
                f"cannot write into {project.out_dir}: {exc.strerror}; the previous outputs are unchanged"
            ) from exc
        result.details += [f"{paths[fmt].name}: {len(output.data):,} bytes" for fmt, output in rendered.items()]
        for fmt in rendered:
            cache.record(fmt, keys[fmt], paths[fmt])
            result.written[fmt] = paths[fmt]
        cache.diagnostics = list(result.diagnostics)
        write_atomic(cache.path, cache.to_bytes())
        if result.citations is not None:
            write_atomic(project.out_dir / CITATIONS_FILE, result.citations.to_bytes())
        elif result.citeproc_ran:  # else every later build would hash the citations, to find it cannot reuse them
            (project.out_dir / CITATIONS_FILE).unlink(missing_ok=True)
    return result


def _lost_text(
    project: Project, rendered: dict[str, Output], paths: dict[str, Path], result: BuildResult
) -> list[Diagnostic]:
    """The words and symbols of the manuscript an output lacks (conservation.py), located in the sources."""
    from paperbuild.conservation import lost_text, output_tokens
    from paperbuild.project import relative

    assert result.paper is not None
    outputs = {
        relative(paths[fmt], project.root): output_tokens(fmt, output.data, output.text)
        for fmt, output in rendered.items()
    }
    return lost_text(result.paper, [list(project.chapters), [project.metadata_source]], outputs)


def _render(
    context: CheckContext,
    formats: list[str],
    options: Options,
    pool: ThreadPoolExecutor,
    result: BuildResult,
    pdf_worker: PdfWorker | None,
) -> dict[str, Output]:
    """Render `formats` concurrently: the DOCX (a pandoc process, started once WeasyPrint is imported) alongside
    the HTML page and the PDF. The PDF is sent to be typeset as soon as its pieces are made: when they differ from
    the HTML page's (formulas, footnotes), before the HTML page's are made."""
    from paperbuild.document import assemble
    from paperbuild.figure_placement import place_floats
    from paperbuild.render import RenderJob, get_renderer

    project = context.project
    with result.timed("assemble"):  # parts cut out, images embedded, sections numbered: a second on a book
        paper = result.paper = place_floats(assemble(context.manuscript, project), project.style)
    job = RenderJob(paper, project, pdf_standard=options.pdf_standard, pdf_worker=pdf_worker)

    def render(fmt: str) -> Output:
        with result.timed(fmt):
            return get_renderer(fmt)(job)

    futures: dict[str, Future[Output]] = {}
    if "html" in formats or "pdf" in formats:
        from paperbuild.render.html import html_pieces, needs_print_pieces

        with result.timed("html pieces"):
            if "pdf" in formats and needs_print_pieces(job.paper):  # the PDF's own pieces: it is typeset while
                job.print_pieces = html_pieces(job.paper, for_print=True)  # the HTML page's are made
                futures["pdf"] = pool.submit(render, "pdf")
            job.html_pieces = html_pieces(job.paper)
        for fmt in ("html", "pdf"):
            if fmt in formats and fmt not in futures:
                futures[fmt] = pool.submit(render, fmt)
        if "pdf" in formats:  # checked while the PDF is typeset; characters no font has stop the build
            from paperbuild.formulas import math_nodes, wide_formulas
            from paperbuild.glyphs import math_missing_glyphs, missing_glyphs
            from paperbuild.render.html import page_text

            result.diagnostics += missing_glyphs(page_text("".join(job.html_pieces.values())), project)
            formulas = math_nodes(context.manuscript.ast)
            result.diagnostics += math_missing_glyphs((node["c"][1] for node in formulas), project)
            result.diagnostics += wide_formulas(formulas, project)
            if not result.ok:
                if pdf_worker is not None:
                    pdf_worker.close()
                wait(futures.values())
                return {}
    if "docx" in formats:  # pandoc for the DOCX waits for WeasyPrint's import to end, not to slow it down
        if pdf_worker is not None and "pdf" in formats:
            pdf_worker.wait_until_ready(READY_WAIT_SECONDS)
        futures["docx"] = pool.submit(render, "docx")
    if "jats" in formats:
        futures["jats"] = pool.submit(render, "jats")
    return {fmt: futures[fmt].result() for fmt in FORMATS if fmt in futures}
