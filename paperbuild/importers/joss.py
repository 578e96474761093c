"""Read a JOSS paper — `paper.md` with its YAML front matter, `paper.bib`, figures — as a project.

Takes the paper's folder (or its paper.md); gives a layout Plan: the text as chapter 01, the front matter mapped
to metadata.yaml (JOSS's `affiliation: "1, 2"` naming `affiliations: [{name, index}]`, `tags` as keywords), paper.bib
and the figures the text names. JOSS-only keys (`aas-doi`, `aas-journal`) are reported as left out. The entries of
paper.bib the text never cites, which JOSS leaves out without a word and paperbuild refuses, are counted in one
warning, so the user meets them at import rather than as that many errors at the first check.
"""

from __future__ import annotations

from pathlib import Path

from paperbuild.importers.layout import BIB_KEY, Plan
from paperbuild.importers.pandoc_file import read_file
from paperbuild.markers import CITATION

KIND = "JOSS paper"


def read(src: Path) -> Plan | None:
    """A Plan for `src` when it is a JOSS paper folder or its paper.md; None otherwise."""
    paper = src / "paper.md" if src.is_dir() else src
    if paper.name != "paper.md" or not paper.is_file():
        return None
    plan = Plan(root=paper.parent, kind=KIND)
    read_file(plan, paper, default_bib="paper.bib")
    _report_uncited(plan, paper.parent / "paper.bib")
    return plan


def _report_uncited(plan: Plan, bib: Path) -> None:
    """One warning for all the entries of paper.bib that the text and `nocite` never cite."""
    data = plan.files.get("bibliography/paper.bib")
    if data is None:
        return
    cited = {
        (m.group("key") or m.group("braced")).casefold()
        for rel, text in plan.files.items()
        if rel.startswith("manuscript/") and rel.endswith((".md", ".yaml"))
        for m in CITATION.finditer(text.decode("utf-8", "replace"))
    }
    text = data.decode("utf-8", "replace")
    uncited = [m for m in BIB_KEY.finditer(text) if m.group(1).casefold() not in cited]
    if uncited:
        n = len(uncited)
        plan.warn(
            bib,
            text.count("\n", 0, uncited[0].start()) + 1,
            0,
            "uncited-entry",
            f"{n} {'entry' if n == 1 else 'entries'} of paper.bib {'is' if n == 1 else 'are'} never cited "
            f"({', '.join(m.group(1) for m in uncited[:3])}{', ...' if n > 3 else ''}); JOSS leaves them out, "
            "paperbuild refuses them",
            "delete them or list them under 'nocite' in metadata.yaml",
        )
