"""Read a JOSS paper — `paper.md` with its YAML front matter, `paper.bib`, figures — as a project.

Takes the paper's folder (or its paper.md); gives a layout Plan: the text as chapter 01, the front matter mapped
to metadata.yaml (JOSS's `affiliation: "1, 2"` naming `affiliations: [{name, index}]`, `tags` as keywords), paper.bib
and the figures the text names. JOSS-only keys (`aas-doi`, `aas-journal`) are reported as left out.
"""

from __future__ import annotations

from pathlib import Path

from paperbuild.importers.layout import Plan
from paperbuild.importers.pandoc_file import read_file

KIND = "JOSS paper"


def read(src: Path) -> Plan | None:
    """A Plan for `src` when it is a JOSS paper folder or its paper.md; None otherwise."""
    paper = src / "paper.md" if src.is_dir() else src
    if paper.name != "paper.md" or not paper.is_file():
        return None
    plan = Plan(root=paper.parent, kind=KIND)
    read_file(plan, paper, default_bib="paper.bib")
    return plan
