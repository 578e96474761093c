"""Problems as values: a Diagnostic names a file, line and column, a stable code and a message.

Stages return lists of Diagnostics and never print them; `cli.py` sorts and formats them, one a line, like a compiler:
`manuscript/03-impact.md:12:45: error[undefined-citation]: 'diao2012' is not in bibliography/references.bib`.
"""

from __future__ import annotations

import bisect
import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import lru_cache

CODES: dict[str, str] = {
    # checks on the manuscript's markers (checks/claims.py)
    "undefined-citation": "a cited key is not in the bibliography",
    "uncited-entry": "a bibliography entry is never cited and not listed in nocite",
    "unresolved-claim": "a [@?] or [citation needed] placeholder is left in the text",
    "undefined-label": "a cross-reference (@fig:x) names a label nothing carries",
    "glued-marker": "a citation or cross-reference is joined to the word before it (见@fig:x), so it stays text",
    "mixed-reference": "one bracket mixes cross-references and citations ([@fig:a; @key])",
    "doubled-reference-word": "a cross-reference follows its own kind word, which it prints (figure @fig:x; warning)",
    "duplicate-label": "two elements carry the same label",
    "unused-label": "a label nothing refers to (warning)",
    "undefined-footnote": "a footnote reference [^n] without a definition",
    "unused-footnote": "a footnote definition nothing refers to (warning)",
    "missing-resource": "an image the text names does not exist or is not an image",
    "unsafe-resource": "a file the build would read leads outside the project (absolute, file:, .., a link), is not a "
    "regular file, is over its size limit or lies in folders nested too deep",
    "remote-resource": "an image is on the network; builds never download",
    "unsafe-svg": "an SVG figure is malformed or too big once <use> is expanded, or loses scripts and links (warning)",
    "empty-chapter": "a chapter file is empty (warning)",
    "unclosed-fence": "a code block (``` or ~~~) is never closed",
    "math": "a TeX formula the math renderer cannot typeset (error), or a size or font command rewritten (note)",
    "active-content": "raw HTML or OpenXML that runs code or loads things (script, event handler, iframe, Word field)",
    "dropped-style": "a style attribute's colour that would hide its text, or a layout property, is dropped (warning)",
    "wide-table": "a table wider than the PDF's text block even in the smallest table type (warning)",
    "unsafe-link": "a link that runs code or opens files (javascript:, file:, data:, a UNC or drive path)",
    "control-character": "a chapter or .bib file holds a character no output can carry (a vertical tab, U+FFFE)",
    "code-cell": "an executable cell's fence (```{python}) that pandoc reads as no code block, so it prints as prose, "
    "or inline code knitr or Quarto computes (`r x`)",
    "conditional-content": "Quarto's content for some outputs only (.content-visible, .content-hidden), which every "
    "output would print",
    "bookdown-reference": "a bookdown cross-reference (\\@ref(fig:x)), which would print as text",
    "leftover-marker": "an output shows a sign of an unresolved marker (??, [@, key?)",
    "lost-text": "a word or symbol of the manuscript is missing from an output (PDF, HTML, DOCX or JATS)",
    "refused-resource": "the PDF engine did not load a stylesheet, font or image the style names (warning)",
    "missing-glyph": "no available font draws some characters of the text (the PDF would show empty boxes)",
    "wide-formula": "a display formula wider than the PDF's text block at 70 % (a warning; off the page, an error)",
    # figures as authors bring them (checks/figures.py)
    "unconvertible-figure": "a PDF or EPS figure will not convert (damaged, too large, or PostScript opening files)",
    "multipage-figure": "a PDF figure has several pages; the first is used (warning)",
    "low-resolution": "a raster figure has under 300 pixels per inch at its printed width (warning)",
    # raw TeX and HTML in the chapters (tex/convert.py)
    "raw-tex": "raw TeX that cannot be converted (error), or a layout command dropped (note)",
    "raw-html": "raw HTML the DOCX cannot carry, which pandoc would drop from it (warning)",
    # what the JATS XML cannot carry (render/jats.py)
    "jats-omitted": "something JATS cannot carry (a date that is no calendar date, a link to nothing, raw JATS) is "
    "left out of paper.xml (warning)",
    "repeated-section": "a section of the chapters repeats what metadata prints (acknowledgements; warning)",
    # the bibliography (bibliography.py)
    "bib-syntax": "a .bib file does not parse",
    "duplicate-bib-key": "a key is defined twice (ignoring case, across all .bib files)",
    "missing-field": "an entry lacks a field its type requires",
    "invalid-field": "a field's value has the wrong form (year, date, DOI)",
    "unknown-entry-type": "an entry's type is neither BibTeX's nor biblatex's (@artcle), so prints generic (warning)",
    # the project and its metadata (project.py, metadata.py, authorship/authors.py, csl.py)
    "metadata": "metadata.yaml has a missing, unknown or invalid value",
    "unknown-role": "an author's role is not one of the 14 CRediT roles (metadata.yaml's roles)",
    "yaml-syntax": "metadata.yaml is not valid YAML",
    "encoding": "a file is not valid UTF-8",
    "skipped-file": "a Markdown-like file in manuscript/ is not a chapter and is skipped (warning)",
    "duplicate-chapter": "two chapters have the same number",
    "csl": "the citation style cannot be found",
    "style": "style.yaml gives a setting a bad value (figures: bottom, anonymous: maybe, an unknown label)",
    # the journal profile (journal_profiles.py, checks/journal.py): each breach has the severity the profile gives it
    "journal-profile": "a journal profile cannot be read, names an unknown journal, or has an unknown key or a bad "
    "value",
    "abstract-words": "the abstract has fewer or more words than the journal asks for",
    "body-words": "the body has more words than the journal allows",
    "keyword-count": "fewer or more keywords than the journal asks for",
    "reference-count": "more references than the journal allows",
    "figure-count": "more figures than the journal allows",
    "table-count": "more tables than the journal allows",
    "required-section": "a section the journal requires (e.g. Methods) has no heading",
    "required-metadata": "metadata the journal requires is missing (the corresponding author's ORCID iD, funding)",
    # importing another tool's paper (importers/)
    "not-imported": "import: a key, file or template of the source has no place in a paperbuild project (warning)",
    "import-detected": "import: a setting the source did not give, made from what its text shows (lang: zh; note)",
    "unfetched-citation": "import: a Manubot citation by identifier (@doi:...) has no BibTeX entry yet (warning)",
    # bounds on the work a build does (bibliography.py, metadata.py, manuscript.py)
    "input-limit": "an input goes past a bound that keeps builds finite (nesting depth, expanded .bib macros)",
}
"""Every diagnostic code, with what it means. Codes are stable: editors and CI scripts match on them."""


class Severity(StrEnum):
    """How bad a problem is: errors stop the build, warnings and notes are printed and the build goes on."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    """Something the build changed or left out on purpose, said so the author is not surprised."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in the user's input."""

    path: str
    """File the problem is in, relative to the project folder, with forward slashes."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    col: int
    """1-based column; 0 when the problem concerns the whole line or file."""
    severity: Severity
    """Error or warning."""
    code: str
    """Stable kebab-case word naming the kind of problem, e.g. `undefined-citation`."""
    message: str
    """What is wrong, in one sentence, naming the offending key or value."""
    hint: str = ""
    """How to fix it, e.g. "did you mean 'diao2011'?"; empty when there is nothing useful to say."""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown diagnostic code {self.code!r}; add it to CODES")

    def format(self) -> str:
        """The compiler-style line: `path:line:col: severity[code]: message; hint`."""
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, object]:
        """The same diagnostic as a JSON-ready dict (for `--format json`)."""
        return asdict(self)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when at least one diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def to_json(diagnostics: Sequence[Diagnostic]) -> str:
    """All diagnostics as one JSON document, sorted like the text output."""
    return json.dumps({"diagnostics": [d.to_json() for d in sorted(diagnostics)]}, ensure_ascii=False, indent=2)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A "did you mean 'x'?" hint for the closest candidate, or "" when none is close."""
    pool = list(candidates)
    folded = {c.casefold(): c for c in pool}
    match = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return f"did you mean '{folded[match[0]]}'?" if match else ""


class LineIndex:
    """Turns character offsets in one text into 1-based (line, column), by bisecting over line starts."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column (both 1-based) of the character at `offset`."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


@lru_cache(maxsize=64)
def line_index(text: str) -> LineIndex:
    """The line index of a source's text, made once however many diagnostics it holds (one each was quadratic:
    minutes on a chapter of 10,000 cells)."""
    return LineIndex(text)
