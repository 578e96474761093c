"""The revised manuscript with changes marked: the working tree compared with the manuscript at a git revision.

Takes the project folder, a revision and the options; gives a `RevisionDiff` and writes `build/paper-diff.html` and
`build/paper-diff.pdf`. The working tree is read and checked as a build does (errors stop it); the paper at the
revision is read from git as stored (gitrev.py: no filter, no hook runs) into a scratch folder and parsed by the same
stages, with the working tree's citation style. Both are numbered, and worddiff.py marks what changed in the title,
the abstract and the body. A box at the top lists the revision, the counts and the references added and removed.
The page is the style's own HTML template plus a few CSS rules for the marks; the PDF is that page typeset by
WeasyPrint (imported here, on first use) with the PDF renderer's restricted URL fetcher.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from paperbuild.document import Paper, assemble
from paperbuild.errors import InputError
from paperbuild.output import OTHER_OUTPUTS, locked, write_all, write_atomic
from paperbuild.pandoc_ast import Node, div, para, plain, stringify, text
from paperbuild.pipeline import BuildResult, Options, gather, read
from paperbuild.project import Project
from paperbuild.stats import split_references
from paperbuild.submission import gitrev
from paperbuild.submission.worddiff import Counts, compare, tagged, word_diff

HTML_NAME = OTHER_OUTPUTS["diff html"]
PDF_NAME = OTHER_OUTPUTS["diff pdf"]
OLD_CSL = ".paperbuild-diff.csl"
DIFF_CSS = """
ins { color: #0b4f9c; background: #e6effa; text-decoration: underline; }
del { color: #b0171f; background: #fbe9ea; text-decoration: line-through; }
.diff-inserted { border-left: 3px solid #0b4f9c; padding-left: 0.6em; }
.diff-deleted { border-left: 3px solid #b0171f; padding-left: 0.6em; }
.diff-moved { background: #eef5e4; }
div.diff-moved { border-left: 3px solid #5a8a1e; padding-left: 0.6em; background: none; }
.diff-summary { border: 0.5pt solid #999; padding: 0.4em 1em; margin: 1em 0 1.5em; font-size: 0.9em; }
.diff-summary p { text-align: left; }
"""


@dataclass
class RevisionDiff:
    """What `diff` did."""

    result: BuildResult
    """Diagnostics of the working tree, timings, files written."""
    revision: gitrev.Revision
    """The revision compared with."""
    counts: Counts = field(default_factory=Counts)
    """What changed."""


def make_diff(root: Path, rev: str, options: Options) -> RevisionDiff:
    """Compare the working tree with revision `rev` and write the HTML and PDF with the changes marked."""
    root = root.resolve()
    revision = gitrev.resolve(root, rev)
    result = BuildResult()
    project = read(root, options, result)
    context = gather(project, result)
    diff = RevisionDiff(result, revision)
    if not result.ok:
        return diff
    new = assemble(context.manuscript, project)
    with tempfile.TemporaryDirectory(prefix="paperbuild-diff-") as scratch:
        with result.timed("git"):
            old_root = gitrev.export(root, revision, Path(scratch) / "old")
        old = _old_paper(old_root, project, revision, result)
    with result.timed("compare"):
        paper = marked_paper(old, new, revision, diff.counts)
    html, pdf = render(paper, project, result)
    paths = {project.out_dir / HTML_NAME: html, project.out_dir / PDF_NAME: pdf}
    with locked(project.out_dir):
        try:
            write_all(paths)
        except OSError as exc:
            raise InputError(f"cannot write into {project.out_dir}: {exc.strerror}") from exc
    result.written.update({"diff html": project.out_dir / HTML_NAME, "diff pdf": project.out_dir / PDF_NAME})
    return diff


def _old_paper(old_root: Path, project: Project, revision: gitrev.Revision, result: BuildResult) -> Paper:
    """The paper as it was at `revision`, parsed with the working tree's citation style; its own problems are not
    reported (it is history), unless there is no paper at all."""
    csl = None
    if project.csl_file is not None:
        write_atomic(old_root / OLD_CSL, project.csl_file.read_bytes())
        csl = OLD_CSL
    old_result = BuildResult()
    options = Options(out_dir=old_root / "build", style="default", csl=csl)
    try:
        with result.timed("parse old"):
            old_project = read(old_root, options, old_result)
            context = gather(old_project, old_result)
    except InputError as exc:
        message = str(exc).replace(str(old_root), str(project.root))
        raise InputError(f"at {revision.short}: {message}") from exc
    return assemble(context.manuscript, old_project)


def _title(old: list[Node], new: list[Node], counts: Counts) -> list[Node]:
    before, after = stringify(old), stringify(new)
    return new if before == after else word_diff(before, after, counts)


def _entries(references: list[Node]) -> dict[str, str]:
    """Reference entry id -> its text, from citeproc's reference list."""
    _, entries = split_references(references)
    return {entry["c"][0][0]: stringify(entry["c"][1]) for entry in entries}


def _summary(revision: gitrev.Revision, counts: Counts) -> Node:
    blocks: list[Node] = [
        para(
            [
                {"t": "Strong", "c": text(f"Changes since {revision.short}")},
                *text(f" (“{revision.subject}”, {revision.date}):"),
                *text(
                    f" {counts.changed} changed, {counts.inserted} inserted, {counts.deleted} deleted and "
                    f"{counts.moved} moved paragraphs, headings, lists, figures or tables; "
                    f"{counts.words_inserted} words inserted and {counts.words_deleted} deleted. "
                    "Inserted text is underlined in blue, deleted text struck through in red, moved text shaded green."
                ),
            ]
        )
    ]
    for label, entries, tag in (
        ("References added:", counts.references_added, "ins"),
        ("References removed:", counts.references_removed, "del"),
    ):
        if entries:
            blocks.append(para([{"t": "Strong", "c": text(label)}]))
            items = [[plain(tagged(tag, entry))] for entry in entries]
            blocks.append({"t": "BulletList", "c": items})
    return div(blocks, classes=["diff-summary"])


def marked_paper(old: Paper, new: Paper, revision: gitrev.Revision, counts: Counts) -> Paper:
    """The new paper with the changes since the old one marked, and the summary box before the body."""
    old_refs, new_refs = _entries(old.references), _entries(new.references)
    counts.references_added = [entry for key, entry in new_refs.items() if key not in old_refs]
    counts.references_removed = [entry for key, entry in old_refs.items() if key not in new_refs]
    title = _title(old.title, new.title, counts)
    abstract = compare(old.abstract, new.abstract, counts)
    body = compare(old.body, new.body, counts)
    return replace(new, title=title, abstract=abstract, body=[_summary(revision, counts), *body])


def _with_css(html: str) -> str:
    return html.replace("</head>", f"<style>{DIFF_CSS}</style>\n</head>", 1)


def render(paper: Paper, project: Project, result: BuildResult) -> tuple[bytes, bytes]:
    """The HTML page (CSS inlined) and the PDF of the marked paper."""
    from paperbuild.render.html import html_pieces, needs_print_pieces, page

    with result.timed("html pieces"):
        pieces = html_pieces(paper)
        print_pieces = html_pieces(paper, for_print=True) if needs_print_pieces(paper) else pieces
    html = _with_css(page(paper, pieces, project, inline_css=True))
    with result.timed("diff pdf"):
        pdf = _pdf(_with_css(page(paper, print_pieces, project, inline_css=False)), project)
    return html.encode("utf-8"), pdf


def _pdf(html: str, project: Project) -> bytes:
    """The page typeset as a PDF by the bounded WeasyPrint process, loading only files of the project and style."""
    from paperbuild.render.pdf_worker import PdfWorker, TypesetRequest

    request = TypesetRequest(
        html=html,
        base_folder=project.manuscript_dir,
        allowed=(project.root.resolve(), *(folder.resolve() for folder in project.style.folders)),
        pdf_variant="pdf/ua-1",
        style_name=project.style.name,
    )
    return PdfWorker().typeset(request).pdf
