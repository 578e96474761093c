"""Reuse what pandoc's citeproc rendered last time, when the citations it would render are the same.

Takes the Pandoc AST of a parse with citeproc (to remember what it rendered) or without it (to fill in what was
remembered); gives `RenderedCitations`, stored in the output folder beside the build cache. Citeproc renders every
citation of the paper together (an author-date style disambiguates "Wang 2011a" against every other citation), so
it runs again whenever anything it reads changes: the citations themselves in document order, metadata, the .bib
files, the CSL style, pandoc. An edit to the prose changes none of these, and on a book citeproc is most of the
parse (25 s of 28 s at 150,000 words and 1,000 references): the parse without it, plus this, is what remains.

Reuse is limited to what was checked to come out exactly as citeproc's own output: in-text (author-date,
numeric) styles, and a reference list citeproc appends at the end of the paper (marking a heading that ends the
paper unnumbered, as citeproc does). A note style, or a `{#refs}` div of the author's, always runs citeproc; so
does a citation nested in another's suffix, which citeproc copies unrendered (the counts never match).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperbuild import __version__, pandoc, safe_paths
from paperbuild.cache import digest
from paperbuild.csl import is_note_style, read_csl
from paperbuild.manuscript import READER, citeproc_args, metadata_yaml
from paperbuild.pandoc_ast import Node, copy_tree, is_reference_list, lists_holding, walk
from paperbuild.project import Project
from paperbuild.safe_paths import BIBLIOGRAPHY, CACHE, Refused

FORMAT_VERSION = 1
AUTHOR_REFERENCE_LIST = re.compile(r"#refs\b|\bid=[\"']?refs\b")
"""A `{#refs}` attribute or an `id="refs"` in a chapter (in code too: then citeproc merely runs every time)."""
CITEPROC_META = ("bibliography", "csl")
"""Metadata fields citeproc adds (from its command-line options)."""


@dataclass(frozen=True)
class RenderedCitations:
    """What citeproc made of one set of citations."""

    key: str
    """Hash of everything citeproc read."""
    cites: list[list[Node]]
    """The rendered inlines of every Cite node, in document order (metadata first)."""
    meta: dict[str, Node]
    """The metadata fields citeproc added."""
    references: Node | None
    """The reference list (a Div with id "refs") citeproc appended to the blocks; None when it added none."""

    def to_bytes(self) -> bytes:
        """The file's contents."""
        data = {"version": FORMAT_VERSION, **self.__dict__}
        return json.dumps(data, ensure_ascii=False).encode()

    @classmethod
    def load(cls, path: Path) -> RenderedCitations | None:
        """The citations stored at `path`; None when there are none or the file cannot be trusted (a link or a
        FIFO there is no file of citations, and never blocks)."""
        contents = safe_paths.read(path, None, CACHE)
        if isinstance(contents, Refused):
            return None
        try:
            data: Any = json.loads(contents)
            if data.get("version") != FORMAT_VERSION:
                return None
            rendered = cls(str(data["key"]), list(data["cites"]), dict(data["meta"]), data["references"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not all(isinstance(c, list) for c in rendered.cites):
            return None
        return rendered


def _reusable_cites(ast: dict[str, Any], project: Project) -> list[Node] | None:
    """The Cite nodes of `ast` in document order (metadata first); None when citeproc's output cannot be reused
    (a note style, a reference list placed by the author). Once citeproc has filled an author's `{#refs}` div at
    the end of the paper it looks like the list citeproc appends, so the chapters are searched for one too."""
    if is_note_style(project.csl_file) or any(AUTHOR_REFERENCE_LIST.search(c.text) for c in project.chapters):
        return None
    nodes = list(walk([ast["meta"], ast["blocks"]]))
    if any(is_reference_list(n) for n in nodes):
        return None
    return [node for node in nodes if node["t"] == "Cite"]


def _key(cites: list[Node], project: Project) -> str:
    """Hash of everything citeproc reads: the citations in order, the metadata, .bib files, CSL, pandoc, and how
    paperbuild calls it."""
    path = Path(pandoc.pandoc_path())
    stat = path.stat()
    cited = [[{k: v for k, v in c.items() if k != "citationHash"} for c in n["c"][0]] for n in cites]
    return digest(
        [
            ("pandoc", f"{path} {stat.st_size} {stat.st_mtime_ns}".encode()),
            ("call", f"paperbuild {__version__} {READER} {citeproc_args(project)}".encode()),
            ("metadata", metadata_yaml(project).encode()),
            *((f"bib:{bib.rel}", bib.text.encode()) for bib in project.bib_files),
            ("csl", read_csl(project.csl_file) if project.csl_file is not None else b"pandoc default"),
            ("citations", json.dumps(cited, sort_keys=True).encode()),
        ]
    )


def _unchanged_on_disk(project: Project) -> bool:
    """Whether the .bib files still hold what the project read (and the key hashes): pandoc read them again, and
    an author may have saved one in between (in watch mode)."""
    for bib in project.bib_files:
        data = safe_paths.read(bib.path, (project.root,), BIBLIOGRAPHY)
        if isinstance(data, Refused) or data.decode("utf-8-sig", errors="replace") != bib.text:
            return False
    return True


def extract(ast: dict[str, Any], project: Project) -> RenderedCitations | None:
    """What citeproc rendered in `ast` (a parse with citeproc), for later reuse; None when it cannot be reused."""
    if not _unchanged_on_disk(project):
        return None
    blocks = ast["blocks"]
    references = blocks[-1] if blocks and is_reference_list(blocks[-1]) else None
    cites = _reusable_cites({**ast, "blocks": blocks[:-1] if references is not None else blocks}, project)
    if cites is None:
        return None
    meta = {name: ast["meta"][name] for name in CITEPROC_META if name in ast["meta"]}
    rendered = [copy_tree(n["c"][1]) for n in cites]
    return RenderedCitations(_key(cites, project), rendered, copy_tree(meta), copy_tree(references))


def reuse(ast: dict[str, Any], project: Project, rendered: RenderedCitations | None) -> bool:
    """Fill `ast` (a parse without citeproc) in place with `rendered`, when it was rendered from the same
    citations; whether it was."""
    if rendered is None:
        return False
    cites = _reusable_cites(ast, project)
    # the count is in the key; comparing it too keeps a file edited by hand from misplacing citations
    if cites is None or len(cites) != len(rendered.cites) or _key(cites, project) != rendered.key:
        return False
    for node, inlines in zip(cites, rendered.cites, strict=True):
        node["c"] = [node["c"][0], copy_tree(inlines)]
    for inlines in lists_holding(ast, _superscript_cite):
        inlines[:] = [n for i, n in enumerate(inlines) if not _space_before_superscript(inlines, i)]
    ast["meta"].update(copy_tree(rendered.meta))
    blocks = ast["blocks"]
    if rendered.references is not None:
        if blocks and blocks[-1]["t"] == "Header" and "unnumbered" not in blocks[-1]["c"][1][1]:
            blocks[-1]["c"][1][1].append("unnumbered")  # citeproc's rule: the heading over the list is not numbered
        blocks.append(copy_tree(rendered.references))
    return True


def _superscript_cite(node: Node) -> bool:
    """Whether `node` is a citation rendered as a superscript (GB/T 7714, Nature, Vancouver-superscript)."""
    return node.get("t") == "Cite" and bool(node["c"][1]) and node["c"][1][0]["t"] == "Superscript"


def _space_before_superscript(inlines: list[Node], index: int) -> bool:
    """Whether `inlines[index]` is a space citeproc takes away: one right before a superscript citation (the
    number then sits on the word, "shows[1]")."""
    following = inlines[index + 1] if index + 1 < len(inlines) else {}
    return inlines[index].get("t") in ("Space", "SoftBreak") and _superscript_cite(following)
