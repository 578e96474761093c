"""Readers of other tools' papers: lay out a JOSS, Manubot, Quarto, R Markdown or pandoc paper as a project.

`import_paper(SRC)` tries each kind in turn (quarto.py, rmarkdown.py for R Markdown and bookdown, manubot.py, joss.py,
thesis.py, pandoc_script.py for a folder whose Makefile or build script runs pandoc, pandoc_file.py: each takes the
source path and gives a layout Plan, or None when the source is not of its kind) and gives the first Plan: the new
project's files and the diagnostics for what could not be carried over. The readers share frontmatter.py and layout.py
(chapters, figures, bibliography and metadata.yaml; csl_bibtex.py writes a CSL bibliography as BibTeX, structure.py
takes hand numbers off headings and an opening Abstract into the metadata), and, with metadata.py, the pure functions
over YAML of paperbuild/yaml_nodes.py (nodes with positions) and paperbuild/authorship/schemas.py (the author schemas).
`cli.py` writes the plan with scaffold.write_new_project."""

from __future__ import annotations

from pathlib import Path

from paperbuild.errors import UsageError
from paperbuild.importers import joss, manubot, pandoc_file, pandoc_script, quarto, rmarkdown, thesis
from paperbuild.importers.layout import Plan

READERS = (quarto.read, rmarkdown.read, manubot.read, joss.read, thesis.read, pandoc_script.read, pandoc_file.read)
"""The kinds, most specific first: a Quarto or Manubot folder may also hold a lone Markdown file."""


def import_paper(src: Path) -> Plan:
    """The project a paper at `src` (a file or folder) becomes; UsageError when `src` is no paper import reads."""
    if not src.exists():
        raise UsageError(f"import: {src} does not exist")
    source = src.resolve()
    for read in READERS:
        plan = read(source)
        if plan is not None:
            return plan
    raise UsageError(
        f"import: {src} is not a paper import can read; name a JOSS paper folder (paper.md), a Manubot manuscript "
        "(content/), a Quarto project or .qmd file, an R Markdown file (.Rmd) or bookdown book (_bookdown.yml or "
        "index.Rmd), a thesis folder (source/*.md), a folder whose Makefile or .sh script runs pandoc on its "
        "Markdown files, or a Markdown file"
    )
