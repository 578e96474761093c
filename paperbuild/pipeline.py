"""The build, stage by stage: gather and check everything, and only then render and write.

Takes the project folder, the formats and the options; gives a `BuildResult` (diagnostics, files written, the time
of each stage). Prints nothing: `cli.py` reports. Outputs are written only when every check and every renderer
succeeded, each through the atomic-write helper, so a failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from paperbuild import checks, manuscript
from paperbuild.bibliography import read_bibliography, validate_entries
from paperbuild.diagnostics import Diagnostic, has_errors
from paperbuild.document import assemble
from paperbuild.output import write_atomic
from paperbuild.project import Project, load_project, relative


@dataclass(frozen=True)
class Options:
    """Command-line options that change what is built."""

    out_dir: Path | None = None
    """Output folder; PROJECT/build when None."""
    style: str | None = None
    """House style overriding metadata's `style`."""
    csl: str | None = None
    """Citation style overriding metadata's `csl`."""


@dataclass
class BuildResult:
    """What a run did."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Every problem found, errors and warnings."""
    written: dict[str, Path] = field(default_factory=dict)
    """Format -> output file written."""
    timings: list[tuple[str, float]] = field(default_factory=list)
    """(stage, seconds) in the order the stages ran."""

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return not has_errors(self.diagnostics)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Record the wall time of the enclosed stage."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((stage, time.perf_counter() - start))


def gather(root: Path, options: Options, result: BuildResult) -> checks.CheckContext:
    """Read the project, the bibliography and the chapters, and run every check; diagnostics go to `result`."""
    with result.timed("read"):
        project, found = load_project(root, out_dir=options.out_dir, style=options.style, csl=options.csl)
        bibliography, bib_found = read_bibliography(project.bib_files)
        result.diagnostics += found + bib_found + validate_entries(bibliography)
    with result.timed("parse"):
        parsed = manuscript.parse(project, citeproc=result.ok)
    with result.timed("check"):
        context = checks.CheckContext(project, bibliography, parsed)
        result.diagnostics += checks.run_checks(context)
    return context


def run_check(root: Path, options: Options) -> BuildResult:
    """`check`: every check, nothing rendered."""
    result = BuildResult()
    gather(root, options, result)
    return result


def run_build(root: Path, formats: Sequence[str], options: Options) -> BuildResult:
    """Check, then render every format in memory, then write them all."""
    from paperbuild.render import OUTPUT_NAMES, RenderJob, get_renderer

    result = BuildResult()
    context = gather(root, options, result)
    if not result.ok:
        return result
    project: Project = context.project
    job = RenderJob(assemble(context.manuscript, project.metadata), project)
    if "html" in formats or "pdf" in formats:
        from paperbuild.render.html import html_pieces

        with result.timed("html pieces"):
            job.html_pieces = html_pieces(job.paper)
    rendered = {}
    for fmt in formats:
        with result.timed(fmt):
            rendered[fmt] = get_renderer(fmt)(job)
    paths = {fmt: project.out_dir / OUTPUT_NAMES[fmt] for fmt in rendered}
    texts = {relative(paths[fmt], project.root): output.text for fmt, output in rendered.items()}
    result.diagnostics += checks.leftover_markers(texts, context.cited_keys)
    if not result.ok:
        return result
    for fmt, output in rendered.items():
        write_atomic(paths[fmt], output.data)
        result.written[fmt] = paths[fmt]
    return result
