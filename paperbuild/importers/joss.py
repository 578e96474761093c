"""Read a JOSS paper — `paper.md` with its YAML front matter, `paper.bib`, figures — as a project.

Takes the paper's folder (or its paper.md); gives a layout Plan: the text as chapter 01, the front matter mapped
to metadata.yaml (JOSS's `affiliation: "1, 2"` naming `affiliations: [{name, index}]`, `tags` as keywords), paper.bib
and the figures the text names. JOSS-only keys (`aas-doi`, `aas-journal`) are reported as left out. The entries of
paper.bib the text never cites, which JOSS leaves out without a word and paperbuild refuses, are counted in one
warning, so the user meets them at import rather than as that many errors at the first check. Open Journals'
label spans (`[]{label="langs"}` in a table caption, in a figure's caption or a heading) become paperbuild's labels,
named by their kind (`{#tbl:langs}`), and each `\\autoref{langs}` / `@langs` follows the new name.
"""

from __future__ import annotations

import re
from pathlib import Path

from paperbuild.importers.layout import BIB_KEY, Plan, chapter_name
from paperbuild.importers.pandoc_file import read_file
from paperbuild.markers import CITATION

KIND = "JOSS paper"
LABEL_SPAN = re.compile(r"\[\]\{\s*label\s*=\s*\"?([^\"\s{}]+)\"?\s*\}")
"""Open Journals' (inara's) label: an empty span with a `label` attribute."""
TABLE_CAPTION = re.compile(r"^ {0,3}(?:Table)?:[ \t]", re.MULTILINE)


def read(src: Path) -> Plan | None:
    """A Plan for `src` when it is a JOSS paper folder or its paper.md; None otherwise."""
    paper = src / "paper.md" if src.is_dir() else src
    if paper.name != "paper.md" or not paper.is_file():
        return None
    plan = Plan(root=paper.parent, kind=KIND)
    read_file(plan, paper, default_bib="paper.bib")
    chapter = chapter_name(1, paper.stem)
    if chapter in plan.files:
        plan.files[chapter] = _labels(plan.files[chapter].decode("utf-8", "replace")).encode("utf-8")
    _report_uncited(plan, paper.parent / "paper.bib")
    return plan


def _labels(text: str) -> str:
    """`text` with each label span of a table caption, a figure or a heading written as paperbuild's label, its
    kind in its name, and the references to it renamed; a span elsewhere is left as it is."""
    renamed: dict[str, str] = {}

    def label(match: re.Match[str]) -> str:
        name, kind = match.group(1), _kind(text, match.start())
        if not kind:
            return match.group(0)
        renamed[name] = name if re.match(r"(?:fig|tbl|sec|eq)[:-]", name) else f"{kind}:{name}"
        return f"{{#{renamed[name]}}}" if kind == "tbl" else f"\\label{{{renamed[name]}}}"

    text = LABEL_SPAN.sub(label, text)
    for old, new in renamed.items():
        text = re.sub(rf"(\\(?:ref|eqref|autoref|cref|Cref)\s*\{{){re.escape(old)}\}}", rf"\g<1>{new}}}", text)
        text = re.sub(rf"(?<![\w@.])(-?)@{re.escape(old)}(?![\w:.#$%&+?<>~/-]*\w)", rf"\g<1>@{new}", text)
    return text


def _kind(text: str, at: int) -> str:
    """What a label at offset `at` of `text` names: tbl in a table caption, fig in an image's caption, sec on a
    heading; "" elsewhere."""
    paragraph = text[text.rfind("\n\n", 0, at) + 1 : at].lstrip("\n")
    if TABLE_CAPTION.match(paragraph):
        return "tbl"
    if paragraph.rfind("![") > paragraph.rfind("]("):
        return "fig"
    return "sec" if text[text.rfind("\n", 0, at) + 1 : at].lstrip().startswith("#") else ""


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
