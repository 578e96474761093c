"""Parse the chapters once: one pandoc run turns metadata + chapters into a Pandoc AST, a second resolves citations.

Takes a Project; gives a `Manuscript`: the Pandoc JSON AST, then (`add_citations`) the same with citeproc applied
with the project's .bib files and CSL style, cross-references kept out of its reach. Where a marker was written is
found by scanning each chapter (markers.py), since pandoc keeps no source positions for Markdown. pandoc runs with
`--sandbox`, so Markdown cannot make it read any file but the ones named here.

Nesting is bounded, with an input-limit diagnostic instead of the AST: brackets nested more than MAX_BRACKET_DEPTH
deep are refused before pandoc runs (its reader takes time exponential in their depth: 12 took a minute, 20 four
gigabytes), and an AST nested more than MAX_TREE_DEPTH deep after (Python's JSON parser, the walks of the AST and
WeasyPrint's layout recurse on it).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paperbuild import pandoc
from paperbuild.crossref import is_cross_reference, numbered_targets
from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.markers import blank_code
from paperbuild.pandoc import PandocFailed
from paperbuild.pandoc_ast import Node, copy_tree, nests_deeper_than, walk
from paperbuild.project import Project

# A YAML block at the top of a chapter is metadata: project.py blanks it and metadata.py reads its keys. Pandoc
# reads no YAML block: a `---` line further on is a rule, never a way to set pandoc options such as `bibliography:`
# or `csl:`. The paper's metadata reaches pandoc as a metadata file.
# A line break between two Chinese, Japanese or Korean characters joins them, as it would in print, instead of
# turning into a space (east_asian_line_breaks); between words of other scripts it stays a space.
READER = "markdown-yaml_metadata_block+east_asian_line_breaks"
MAX_BRACKET_DEPTH = 4
"""Brackets (links, spans, citations, footnotes) inside each other, at most: pandoc reads 4 in 0.03 s, each more
takes it four times as long."""
MAX_TREE_DEPTH = 100
"""How deeply pandoc's JSON of the paper may nest (a 150,000-word book: 16; quotes or emphasis inside each other
add two a level, lists three): WeasyPrint laid out 150 nested quotes no more."""
HELD_CLASS = "paperbuild-held-cross-reference"
"""A Span standing for a cross-reference while citeproc runs."""
MARKDOWN_FIELDS = ("title", "subtitle", "short-title", "abstract", "acknowledgements", "funding")
"""The metadata pandoc reads as Markdown."""


@dataclass(frozen=True)
class Manuscript:
    """The whole paper as one Pandoc AST, plus the map back to the chapter files."""

    ast: dict[str, Any]
    """Pandoc JSON: `meta` holds title, abstract, keywords...; `blocks` the chapters and the reference list."""
    problems: tuple[Diagnostic, ...] = ()
    """Why the paper could not be read (nested too deeply); the AST is empty then."""


def metadata_yaml(project: Project) -> str:
    """The metadata pandoc reads with the chapters (`--metadata-file`): the Markdown-valued fields and citeproc
    settings."""
    meta = project.metadata
    fields: dict[str, Any] = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "paperbuild-short-title": meta.short_title,  # Markdown too: the running head may hold emphasis or a note
        "abstract": meta.abstract,
        "acknowledgements": meta.acknowledgements,
        "funding": meta.funding,
        "keywords": list(meta.keywords),
        "paperbuild-authors": [author.name for author in meta.authors],  # Markdown: a name may hold a footnote
        "paperbuild-affiliations": [affiliation.text for affiliation in meta.affiliations],  # and so may a place
        "lang": meta.lang,
        "date": meta.date,
        "link-citations": True,
        "link-bibliography": True,
        "nocite": ", ".join(f"@{key}" for key in meta.nocite),
    }
    fields = {key: value for key, value in fields.items() if value not in ("", [], None)}
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=True)


def merge(project: Project) -> str:
    """All chapters as one Markdown text, each ending in a blank line so no block runs into the next chapter."""
    return "".join((c.text if c.text.endswith("\n") else c.text + "\n") + "\n" for c in project.chapters)


def citeproc_args(project: Project) -> list[str]:
    """The options that make pandoc resolve citations with the project's .bib files and CSL style."""
    args = ["--citeproc"]
    for bib in project.bib_files:
        args += ["--bibliography", str(bib.path)]
    if project.csl_file is not None:
        args += ["--csl", str(project.csl_file)]
    return args


def parse(project: Project) -> Manuscript:
    """Run pandoc once on the merged text and return the AST, citations not yet resolved (`add_citations`)."""
    too_deep = _bracket_problems(project)
    if too_deep:
        return _unread(too_deep)
    text = merge(project)
    with tempfile.TemporaryDirectory(prefix="paperbuild-") as scratch:
        metadata_file = Path(scratch) / "metadata.yaml"
        metadata_file.write_text(metadata_yaml(project), encoding="utf-8")
        args = ["-f", READER, "-t", "json", "--sandbox", "--metadata-file", str(metadata_file)]
        document = pandoc.run(args, text.encode())
    if nests_deeper_than(document, MAX_TREE_DEPTH):
        return _unread([_deepest_line(project)])
    return Manuscript(ast=json.loads(document))


def add_citations(parsed: Manuscript, project: Project) -> Manuscript:
    """The AST of a parse, with citations and the reference list resolved by citeproc. Cross-references
    (`@fig:x`, which pandoc reads as citations) are held out of its way: a superscript style such as GB/T 7714
    takes the space before a citation away, and "as @fig:x shows" would print "asFigure 1 shows"."""
    if parsed.problems:
        return parsed
    held = _hold_cross_references(parsed.ast["blocks"])
    try:
        ast = json.loads(pandoc.run_json(["-t", "json", "--sandbox", *citeproc_args(project)], parsed.ast))
    finally:
        _release(parsed.ast["blocks"], held)
    _release(ast["blocks"], copy_tree(held))
    return Manuscript(ast=ast)


def _hold_cross_references(blocks: list[Node]) -> list[Node]:
    """Each cross-reference in `blocks` (a Cite crossref.py resolves) swapped, in place, for an empty Span that
    citeproc passes by; the Cites, in the order of the index each Span carries."""
    targets = numbered_targets(blocks)
    held: list[Node] = []
    for node in walk(blocks):
        if is_cross_reference(node, targets):
            held.append({"t": node["t"], "c": node["c"]})
            node["t"], node["c"] = "Span", [["", [HELD_CLASS], [["held", str(len(held) - 1)]]], []]
    return held


def _release(blocks: list[Node], held: list[Node]) -> None:
    """The Cites `_hold_cross_references` held back in their places again."""
    for node in walk(blocks):
        if node["t"] == "Span" and HELD_CLASS in node["c"][0][1]:
            cite = held[int(dict(node["c"][0][2])["held"])]
            node["t"], node["c"] = cite["t"], cite["c"]


BRACKET = re.compile(r"\\.|[\[\]]|\n[ \t]*\n")
"""What changes the depth of brackets: an escaped character (none), `[`, `]`, a blank line (ends a paragraph)."""


def _bracket_depth(text: str) -> int | None:
    """The offset of the first bracket nested more than MAX_BRACKET_DEPTH deep in Markdown `text`, or None."""
    depth = 0
    for match in BRACKET.finditer(blank_code(text)):
        token = match.group()
        if token == "[":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                return match.start()
        elif token == "]":
            depth = max(depth - 1, 0)
        elif token[0] == "\n":
            depth = 0
    return None


def _bracket_problems(project: Project) -> list[Diagnostic]:
    """An input-limit error at each chapter (and metadata field) whose brackets nest too deeply."""
    found = []
    for source in project.chapters:
        offset = _bracket_depth(source.text)
        if offset is not None:
            found.append((source.rel, *LineIndex(source.text).position(offset)))
    meta = project.metadata
    for key in MARKDOWN_FIELDS:
        if _bracket_depth(getattr(meta, key.replace("-", "_"))) is not None:
            found.append((project.metadata_file, meta.lines.get(key, 0), 0))
    message = f"brackets nested more than {MAX_BRACKET_DEPTH} deep (links, spans, citations, footnotes)"
    hint = "pandoc takes time exponential in their depth; take some out, or escape them as \\["
    return [Diagnostic(path, line, col, Severity.ERROR, "input-limit", message, hint) for path, line, col in found]


NESTING = re.compile(r"[>*_\[^~<:]")
"""Characters that open something another thing can nest in: quotes, emphasis, brackets, elements, divs."""


def _deepest_line(project: Project) -> Diagnostic:
    """The error for an AST nested too deeply, at the line that opens most things (pandoc keeps no positions):
    the one with the most quote markers, emphasis, brackets, `<` and `:`, plus half its indentation (lists)."""
    best, where = -1, (project.metadata_file, 0)
    for source in project.sources:
        for number, line in enumerate(source.text.splitlines(), 1):
            score = len(NESTING.findall(line)) + (len(line) - len(line.lstrip(" "))) // 2
            if score > best:
                best, where = score, (source.rel, number)
    return Diagnostic(
        *where,
        0,
        Severity.ERROR,
        "input-limit",
        f"quotes, lists, emphasis or elements nested too deeply: the document tree is more than {MAX_TREE_DEPTH} "
        "levels deep",
        "a paper needs a few levels; this is likely here or nearby",
    )


def _unread(problems: list[Diagnostic]) -> Manuscript:
    """A manuscript with nothing in it, and the reasons it could not be read."""
    return Manuscript(ast=json.loads(pandoc.run(["-f", READER, "-t", "json"])), problems=tuple(problems))


BIB_ERROR = re.compile(
    r"Error reading bibliography file (?P<path>[^\n]+?):\s*\(line (?P<line>\d+), column (?P<col>\d+)\):"
    r"\s*(?P<message>.*)",
    re.DOTALL,
)
CSL_ERROR = re.compile(r"Citeproc\w*Error\b:?\s*(?P<message>.*)", re.DOTALL)


def citeproc_problem(failure: PandocFailed, project: Project) -> Diagnostic | None:
    """The diagnostic for a pandoc failure caused by a .bib file or the CSL style, at its place; None when the
    failure is something else."""
    match = BIB_ERROR.search(failure.stderr)
    if match:
        path = Path(match.group("path"))
        rel = next((bib.rel for bib in project.bib_files if bib.path == path), path.name)
        message = " ".join(match.group("message").split())
        return Diagnostic(
            rel,
            int(match.group("line")),
            int(match.group("col")),
            Severity.ERROR,
            "bib-syntax",
            f"pandoc cannot read this: {message}",
        )
    match = CSL_ERROR.search(failure.stderr)
    if match and project.csl_file is not None:
        message = " ".join(match.group("message").split())
        return Diagnostic(
            project.metadata_file,
            project.metadata.lines.get("csl", 0),
            0,
            Severity.ERROR,
            "csl",
            f"'{project.metadata.csl}' is not a usable CSL style: {message}",
        )
    return None
