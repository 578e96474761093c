"""Parse the project's .bib files with pybtex, entry by entry, keeping each entry's file and line.

Takes the decoded .bib files; gives a `Bibliography` (entries by key, in file order) and the diagnostics of
syntax errors and duplicate keys. Each entry is parsed on its own, so one broken entry is reported without hiding
the problems of the others; the `@string` macros are read once, before the entries, and every entry sees them all.
A macro's value is expanded into every value that names it, so expansion is bounded (MAX_VALUE_CHARS,
MAX_EXPANDED_CHARS): a few lines of macros naming each other would otherwise grow to gigabytes. pandoc's citeproc
later reads the same files to format the references.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pybtex.database import BibliographyData
from pybtex.database.input import bibtex
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError
from pybtex.utils import CaseInsensitiveDict

from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.project import SourceFile

ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(?P<kind>[A-Za-z]+)[ \t]*[{(](?:\s*(?P<key>[^,\s{}()]+)\s*,)?", re.MULTILINE)
"""An entry's first line: its type and, when followed by a comma, its key (read even when the rest does not parse)."""
NON_ENTRY_TYPES = {"comment", "preamble", "string"}
MAX_VALUE_CHARS = 1_000_000
"""The longest a field or `@string` value may be once its macros are expanded (a book's abstract is 10,000)."""
MAX_EXPANDED_CHARS = 16_000_000
"""How much text macro references may add to the values of all the .bib files together (a journal name, said a
hundred thousand times, is 5,000,000)."""


@dataclass(frozen=True)
class BibEntry:
    """One bibliography entry, with where it was written."""

    key: str
    """Citation key as written."""
    type: str
    """Entry type in lower case: article, book, ..."""
    fields: dict[str, str] = field(compare=False)
    """Field name (lower case) -> raw value."""
    authors: tuple[str, ...] = ()
    """Author names as pybtex reads them ("Family, Given")."""
    path: str = ""
    """The .bib file, relative to the project."""
    line: int = 0
    """Line of the entry's `@type{` in that file."""
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)
    """Line of each field within the file."""


@dataclass(frozen=True)
class Bibliography:
    """All entries of all .bib files of the project."""

    entries: dict[str, BibEntry]
    """Entries by key as written, in file order; keys compare case-insensitively (see `find`)."""
    unreadable: frozenset[str] = frozenset()
    """Keys (case-folded) of entries that do not parse: their bib-syntax error says all there is to say."""
    duplicates: tuple[BibEntry, ...] = ()
    """Entries whose key an earlier entry already has: not cited, but still validated, so that renaming one does
    not reveal its missing fields only in the next run."""

    def find(self, key: str) -> BibEntry | None:
        """The entry whose key equals `key` ignoring case, or None."""
        return self.entries.get(key) or next(
            (e for k, e in self.entries.items() if k.casefold() == key.casefold()), None
        )


FIELD_START = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=")


def _unclosed_field(chunk: str) -> tuple[int, str] | None:
    """(line offset, field name) of a field whose braces do not close before the next field begins; ("" for
    the name when the entry itself is never closed); None when the braces balance."""
    depth = 0
    field, field_line = "", 0
    for offset, line in enumerate(chunk.split("\n")):
        start = FIELD_START.match(line)
        if start and depth > 1:
            return field_line, field
        if start and depth == 1:
            field, field_line = start.group(1), offset
        braces = re.sub(r"\\[{}]", "", line)
        depth += braces.count("{") - braces.count("}")
    if depth > 1:
        return field_line, field
    return (0, "") if depth > 0 else None


class TooLong(PybtexSyntaxError):  # type: ignore[misc]
    """A value that would exceed MAX_VALUE_CHARS or MAX_EXPANDED_CHARS with its macros expanded."""

    error_type = "too long"


class _Scanner(bibtex.LowLevelParser):  # type: ignore[misc]
    """pybtex's scanner, measuring what macros add to each value before pybtex joins the pieces."""

    def __init__(self, text: str, macros: MutableMapping[str, str], expanded: list[int]) -> None:
        super().__init__(text, macros=macros)
        self.expanded = expanded
        """One number shared by every scanner of a bibliography: the characters macros have added so far."""

    def substitute_macro(self, name: str) -> str:
        value: str = super().substitute_macro(name)
        self.expanded[0] += len(value)
        if self.expanded[0] > MAX_EXPANDED_CHARS:
            raise TooLong(
                f"the @string macros of the bibliography expand to more than {MAX_EXPANDED_CHARS:,} characters "
                f"in all (at '{name}')",
                self,
            )
        return value

    def parse_string_body(self, body_end: Any) -> None:
        try:
            super().parse_string_body(body_end)
        except TooLong:
            self.macros[self.current_field_name] = ""  # defined, so the macros and entries naming it add no errors
            raise

    def parse_value(self) -> None:
        super().parse_value()
        size = sum(len(part) for part in self.current_value)
        if size > MAX_VALUE_CHARS:
            name = self.current_field_name or "the value"
            raise TooLong(
                f"'{name}' expands to {size:,} characters with its @string macros (at most {MAX_VALUE_CHARS:,})",
                self,
            )


def _parse_text(text: str, macros: MutableMapping[str, str], expanded: list[int]) -> BibliographyData:
    """The entries of `text`, its macros added to `macros`; raises pybtex's errors (PybtexSyntaxError...)."""
    parser = bibtex.Parser()
    parser.unnamed_entry_counter = 1
    for command, body in _Scanner(text, macros, expanded):
        if command.lower() not in NON_ENTRY_TYPES:
            parser.process_entry(command, *body)
    data: BibliographyData = parser.data
    return data


def _parse_chunk(
    chunk: str, source: SourceFile, first_line: int, macros: MutableMapping[str, str], expanded: list[int]
) -> tuple[list[BibEntry], list[Diagnostic]]:
    unclosed = _unclosed_field(chunk)
    if unclosed is not None:
        line, name = unclosed
        message = f"'{name}' has an unclosed '{{'" if name else "this entry is not closed with '}'"
        return [], [
            Diagnostic(source.rel, first_line + line, 0, Severity.ERROR, "bib-syntax", message, "add the missing '}'")
        ]
    try:
        data = _parse_text(chunk, macros, expanded)
    except TooLong as exc:
        line = first_line + (exc.lineno or 1) - 1
        hint = "a macro should name a journal or a publisher, not repeat other macros"
        return [], [Diagnostic(source.rel, line, 0, Severity.ERROR, "input-limit", str(exc.args[0]), hint)]
    except PybtexSyntaxError as exc:
        line = first_line + (exc.lineno or 1) - 1
        message = str(exc).split(": ", 1)[-1] if ": " in str(exc) else str(exc)
        if isinstance(exc, bibtex.UndefinedMacro):
            message = f"'{message}' is not a @string macro defined in the bibliography"
        hint = "is a comma missing at the end of the previous field?" if "expected" in message else ""
        return [], [Diagnostic(source.rel, line, 0, Severity.ERROR, "bib-syntax", message, hint)]
    except PybtexError as exc:
        return [], [Diagnostic(source.rel, first_line, 0, Severity.ERROR, "bib-syntax", str(exc))]
    entries = []
    for key, entry in data.entries.items():
        field_lines = {}
        for name in [*entry.fields, *entry.persons]:
            match = re.search(rf"^[ \t]*{re.escape(name)}[ \t]*=", chunk, re.MULTILINE | re.IGNORECASE)
            field_lines[name.lower()] = first_line + chunk.count("\n", 0, match.start()) if match else first_line
        people = tuple(str(p) for p in entry.persons.get("author", []))
        entries.append(
            BibEntry(
                key=key,
                type=entry.type.lower(),
                fields={k.lower(): str(v) for k, v in entry.fields.items()},
                authors=people,
                path=source.rel,
                line=first_line,
                field_lines=field_lines,
            )
        )
    return entries, []


def read_bibliography(files: Sequence[SourceFile]) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse every entry of every file; report syntax errors and keys defined twice (ignoring case)."""
    entries: dict[str, BibEntry] = {}
    folded: dict[str, BibEntry] = {}
    diagnostics: list[Diagnostic] = []
    unreadable: set[str] = set()
    duplicates: list[BibEntry] = []
    chunks = []
    for source in files:
        starts = list(ENTRY_START.finditer(source.text))
        bounds = [m.start() for m in starts] + [len(source.text)]
        line = source.text.count("\n", 0, bounds[0]) + 1
        for match, end in zip(starts, bounds[1:], strict=False):
            text = source.text[match.start() : end]
            chunks.append((source, match["kind"].lower(), match["key"], line, text))
            line += text.count("\n")  # counted chunk by chunk: counting from the top for each is quadratic
    # The macros are read once, first, and each entry looks them up: feeding every entry all of them again made a
    # bibliography of n macros and n entries take n * n steps (4,000 of each: 15 minutes).
    macros: CaseInsensitiveDict = CaseInsensitiveDict(bibtex.month_names)
    expanded = [0]
    for source, kind, key, first_line, text in sorted(chunks, key=lambda chunk: chunk[1] != "string"):
        if kind not in ("comment", "preamble"):
            # macros an entry's own text defines (`} @string{...}` on its last line) stay its own
            scope: MutableMapping[str, str] = macros if kind == "string" else ChainMap(CaseInsensitiveDict(), macros)
            parsed, problems = _parse_chunk(text, source, first_line, scope, expanded)
            diagnostics += problems
            if problems and key and kind != "string":
                unreadable.add(key.casefold())
            for entry in parsed:
                previous = folded.get(entry.key.casefold())
                if previous is not None:
                    diagnostics.append(
                        Diagnostic(
                            entry.path,
                            entry.line,
                            0,
                            Severity.ERROR,
                            "duplicate-bib-key",
                            f"key '{entry.key}' is already defined at {previous.path}:{previous.line}",
                            "keys compare ignoring case; rename or delete one entry",
                        )
                    )
                    duplicates.append(entry)
                    continue
                folded[entry.key.casefold()] = entry
                entries[entry.key] = entry
    return Bibliography(entries, frozenset(unreadable), tuple(duplicates)), diagnostics


# Fields an entry type needs to be printed by any citation style; `a|b` means either will do.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "inbook": ("author|editor", "title", "booktitle|chapter", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "phdthesis": ("author", "title", "school|institution", "year|date"),
    "mastersthesis": ("author", "title", "school|institution", "year|date"),
    "thesis": ("author", "title", "school|institution", "year|date"),
    "techreport": ("author", "title", "institution", "year|date"),
    "report": ("author", "title", "institution", "year|date"),
    "online": ("title", "url", "year|date|urldate"),
}
KNOWN_TYPES = frozenset(
    {
        *REQUIRED_FIELDS,
        # BibTeX's other types
        "booklet", "manual", "misc", "proceedings", "unpublished",
        # biblatex's (pandoc's citeproc reads them all)
        "artwork", "audio", "bibnote", "bookinbook", "collection", "commentary", "dataset", "electronic", "image",
        "inreference", "jurisdiction", "legal", "legislation", "letter", "movie", "music", "mvbook", "mvcollection",
        "mvproceedings", "mvreference", "patent", "performance", "periodical", "reference", "review", "set",
        "software", "standard", "suppbook", "suppcollection", "suppperiodical", "video", "www", "xdata",
    }
)  # fmt: skip
"""Entry types BibTeX or biblatex define; another (a typo such as @artcle) prints as a generic entry."""
YEAR = re.compile(r"^\d{4}$")
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def _has(entry: BibEntry, name: str) -> bool:
    return name in entry.fields or (name in ("author", "editor") and name in entry.field_lines)


def validate_entries(bibliography: Bibliography) -> list[Diagnostic]:
    """Unknown entry types (a warning), missing required fields and malformed values (year, date, DOI), each at
    its .bib line; for every entry, a key's duplicates too."""
    out = []
    for entry in [*bibliography.entries.values(), *bibliography.duplicates]:
        if entry.type not in KNOWN_TYPES:
            out.append(
                Diagnostic(
                    entry.path,
                    entry.line,
                    0,
                    Severity.WARNING,
                    "unknown-entry-type",
                    f"@{entry.type}{{{entry.key}}} is not a BibTeX or biblatex entry type; "
                    "styles print it as a generic one",
                    did_you_mean(entry.type, sorted(KNOWN_TYPES)),
                )
            )
        for need in REQUIRED_FIELDS.get(entry.type, ()):
            choices = need.split("|")
            if not any(_has(entry, name) for name in choices):
                out.append(
                    Diagnostic(
                        entry.path,
                        entry.line,
                        0,
                        Severity.ERROR,
                        "missing-field",
                        f"@{entry.type}{{{entry.key}}} has no {' or '.join(repr(c) for c in choices)}",
                        f"add {choices[0]} = {{...}}",
                    )
                )
        checks = (
            ("year", YEAR, "a four-digit year such as 2011"),
            ("date", DATE, "an ISO date such as 2011-05-31"),
            ("doi", DOI, "a DOI such as 10.1000/xyz123, without https://doi.org/"),
        )
        for name, pattern, form in checks:
            value = entry.fields.get(name, "").strip()
            if name == "year":  # Zotero writes year = {{2021}}, which citeproc reads; a braced date or DOI it does not
                value = value.removeprefix("{").removesuffix("}")
            if value and not pattern.match(value):
                out.append(
                    Diagnostic(
                        entry.path,
                        entry.field_lines.get(name, entry.line),
                        0,
                        Severity.ERROR,
                        "invalid-field",
                        f"{name} '{value}' of '{entry.key}' is not {form}",
                    )
                )
    return out
