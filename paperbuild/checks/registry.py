"""The checks' registry and what they read: `CheckContext` in, Diagnostics out, one registered function a code.

Takes a `CheckContext` (project, bibliography, parsed manuscript, markers found in the sources); gives, through
`run_checks`, every registered check's Diagnostics. Check modules register with the `check` decorator, which
refuses a code twice; the package's `__init__` imports them in the registry's order, which a test pins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from paperbuild.bibliography import Bibliography
from paperbuild.crossref import Target, numbered_targets
from paperbuild.diagnostics import Diagnostic
from paperbuild.manuscript import Manuscript
from paperbuild.markers import Marker, scan
from paperbuild.pandoc_ast import Node, walk
from paperbuild.project import Project, SourceFile
from paperbuild.resources import Resolved, image_targets, read_image
from paperbuild.resources import resolve as resolve_image
from paperbuild.tags import find_tags
from paperbuild.tex.convert import scan_markers
from paperbuild.words import Words

if TYPE_CHECKING:
    from paperbuild.figure_formats import Conversion

Check = Callable[["CheckContext"], list[Diagnostic]]
CHECKS: dict[str, Check] = {}


@dataclass(frozen=True)
class CheckContext:
    """What the checks read."""

    project: Project
    """The gathered project."""
    bibliography: Bibliography
    """All .bib entries."""
    manuscript: Manuscript
    """The parsed AST; tells which `@...` pandoc really read as citations."""

    @cached_property
    def nodes(self) -> list[Node]:
        """Every node of the parsed AST, in document order: walked once, read by every check."""
        return list(walk(self.manuscript.ast))

    @cached_property
    def markers(self) -> list[Marker]:
        """Markers of the chapters and of metadata.yaml (whose abstract may cite), in Markdown and in TeX
        (`\\label`, `\\ref`), keeping only the `@key`s that pandoc parsed as citations, so e-mail addresses and code
        never count; a Manubot tag cites the key it names, and its definition line is no marker."""
        sources = self.project.sources
        found = find_tags(sources).retarget(
            marker for source in sources for marker in sorted(scan(source) + scan_markers(source), key=_place)
        )
        return [m for m in found if m.kind not in ("citation", "crossref") or m.key in self.cited_keys]

    @cached_property
    def cited_keys(self) -> set[str]:
        """Every key pandoc parsed as a citation (cross-references included)."""
        return {c["citationId"] for node in self.nodes if node["t"] == "Cite" for c in node["c"][0]}

    @cached_property
    def words(self) -> Words:
        """The paper's language's words with its style's names and numerals for figures and tables ("Fig. 1")."""
        return self.project.style.words(self.project.metadata.lang)

    @cached_property
    def numbers(self) -> dict[str, Target]:
        """The labels that cross-references can resolve to (the ones crossref numbers), with their numbers as the
        style prints them (IEEE's tables I, II, III)."""
        return numbered_targets(self.manuscript.ast["blocks"], self.words)

    @cached_property
    def targets(self) -> set[str]:
        """The labels that cross-references can resolve to."""
        return set(self.numbers)

    @cached_property
    def sources(self) -> dict[str, SourceFile]:
        """The files markers are found in (the chapters and metadata.yaml), by their path in diagnostics."""
        return {source.rel: source for source in self.project.sources}

    @cached_property
    def images(self) -> dict[str, Resolved]:
        """Every image target the paper names (once, in document order), resolved once for all the checks: the path
        policy applied and the file's header read."""
        return {target: resolve_image(target, self.project) for target in dict.fromkeys(image_targets(self.nodes))}

    @cached_property
    def conversions(self) -> dict[str, Conversion]:
        """Each usable PDF or EPS figure, by target, with what converting it gave (converted, or read from the output
        folder's cache, once for all the checks)."""
        from paperbuild.figure_formats import CONVERTED_TYPES, convert

        return {
            target: convert(read_image(found.path, self.project), found.path.suffix.lower(), self.project.out_dir)
            for target, found in self.images.items()
            if found.path is not None and not found.problem and found.path.suffix.lower() in CONVERTED_TYPES
        }

    def of_kind(self, kind: str) -> list[Marker]:
        """The markers of one kind, in file order."""
        return [m for m in self.markers if m.kind == kind]


def _place(marker: Marker) -> tuple[int, int]:
    return marker.line, marker.col


def check(code: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check producing diagnostics of `code`."""

    def register(function: Check) -> Check:
        if code in CHECKS:
            raise ValueError(f"check {code!r} is already registered")
        CHECKS[code] = function
        return function

    return register


def run_checks(ctx: CheckContext) -> list[Diagnostic]:
    """All registered checks' diagnostics, duplicates removed."""
    found: Counter[Diagnostic] = Counter()
    for function in CHECKS.values():
        found.update(function(ctx))
    return list(found)
