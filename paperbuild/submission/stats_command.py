"""The `stats` command: check and count the paper, and read the PDF's pages from a PDF built if it was stale.

Takes the project folder and the options; gives the build's result and the `Stats`. The counting itself is stats.py,
below the checks (journal rules count too); running a build for the pages belongs here, above the pipeline.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from paperbuild.output import OUTPUT_NAMES
from paperbuild.pipeline import BuildResult, Options, gather, read, run_build
from paperbuild.stats import Stats, count, pdf_pages


def run_stats(root: Path, options: Options) -> tuple[BuildResult, Stats]:
    """The checks, the counts, and the PDF (built if stale, as `pdf` would) for its pages. The words are counted
    even when the checks find errors; the pages only when the PDF can be built."""
    built = run_build(root, ("pdf",), options)  # parses and checks, unless the PDF is up to date
    if built.context is not None:
        result, context = built, built.context
    else:  # the PDF was up to date, so nothing was parsed: parse once for the counts
        result = BuildResult()
        context = gather(read(root, options, result), result)
        result.up_to_date = built.up_to_date
    project = context.project
    stats = count(context.manuscript.ast, project.metadata.lang, len(project.metadata.keywords))
    pdf = project.out_dir / OUTPUT_NAMES["pdf"]
    if built.ok and pdf.is_file():
        stats = replace(stats, pages=pdf_pages(pdf.read_bytes()))
    return result, stats
