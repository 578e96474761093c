"""Count what a journal counts: words of the abstract and of the body, references, figures, tables, PDF pages.

Takes a parsed manuscript AST (and, for the pages, the PDF's bytes); gives `Stats`. The body's words are those of its
prose (paragraphs, lists, block quotes, footnotes, cross-references such as "Table 1"); headings, captions, tables,
figures, equations, code, raw HTML, citations and the reference list are not counted. A word is a run of characters
between spaces holding a letter or a digit; each Chinese or Japanese character is a word of its own. Nothing here
runs a build (the `stats` command does: stats_command.py) and nothing prints.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any

from paperbuild.crossref import NUMBER_CLASS, number_and_resolve
from paperbuild.pandoc_ast import Node, copy_tree, meta_blocks, split_reference_list, stringify, walk

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{CJK}]|[^\s{CJK}]+")
SKIPPED_INLINES = frozenset({"Cite", "Math", "Code", "RawInline", "Image"})
SKIPPED_BLOCKS = frozenset({"Header", "Figure", "Table", "CodeBlock", "RawBlock", "HorizontalRule"})
SKIPPED_CLASSES = frozenset({"equation", NUMBER_CLASS})
LABEL_WIDTH = 48  # a longer section title is cut short in the text output


@dataclass(frozen=True)
class SectionCount:
    """The words of one top-level section of the body."""

    number: str
    """Its number as printed ("2"); "" for an unnumbered heading or the text before the first heading."""
    title: str
    """Its heading's text, without the number."""
    words: int
    """Words of its prose, subsections included."""


@dataclass(frozen=True)
class Stats:
    """What the `stats` command reports."""

    abstract_words: int
    """Words of the abstract (citations and formulas not counted)."""
    body_words: int
    """Words of the body's prose."""
    sections: tuple[SectionCount, ...]
    """The body's words per top-level section, in order."""
    references: int
    """Entries of the reference list."""
    reference_words: int
    """Words of the reference list."""
    figures: int
    """Figures (captioned images)."""
    tables: int
    """Tables."""
    keywords: int
    """Keywords in the metadata."""
    pages: int | None = None
    """Pages of the PDF; None when it was not built."""

    def to_json(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict."""
        return {
            "abstract_words": self.abstract_words,
            "body_words": self.body_words,
            "sections": [{"number": s.number, "title": s.title, "words": s.words} for s in self.sections],
            "references": self.references,
            "reference_words": self.reference_words,
            "figures": self.figures,
            "tables": self.tables,
            "keywords": self.keywords,
            "pages": self.pages,
        }

    def lines(self) -> list[str]:
        """The counts as aligned lines of text, for the terminal."""
        rows = [("abstract", f"{self.abstract_words} words"), ("body", f"{self.body_words} words")]
        for section in self.sections:
            label = f"{section.number}. {section.title}" if section.number else section.title
            if len(label) > LABEL_WIDTH:
                label = label[: LABEL_WIDTH - 1].rstrip() + "…"
            rows.append((f"  {label}", str(section.words)))
        rows += [
            (
                "references",
                f"{self.references} {'entry' if self.references == 1 else 'entries'} ({self.reference_words} words)",
            ),
            ("figures", str(self.figures)),
            ("tables", str(self.tables)),
            ("keywords", str(self.keywords)),
            ("pages", "not built" if self.pages is None else str(self.pages)),
        ]
        width = max(len(label) for label, _ in rows) + 2
        return [f"{label:<{width}}{value}" for label, value in rows]


def count_words(text: str) -> int:
    """Words in plain text: runs between spaces that hold a letter or digit, and every CJK character."""
    return sum(1 for token in TOKEN.findall(text) if any(ch.isalnum() for ch in token))


def _prose(value: Any) -> Any:
    """A copy of blocks or inlines keeping only what counts as prose."""
    if isinstance(value, list):
        return [_prose(item) for item in value if not _skipped(item)]
    if isinstance(value, dict):
        return {key: _prose(item) for key, item in value.items()}
    return value


def _skipped(item: Any) -> bool:
    if not isinstance(item, dict) or "t" not in item:
        return False
    kind = item["t"]
    if kind in SKIPPED_INLINES or kind in SKIPPED_BLOCKS:
        return True
    return kind in ("Span", "Div") and bool(SKIPPED_CLASSES & set(item["c"][0][1]))


def prose_words(value: Any) -> int:
    """Words of the prose in blocks or inlines (see the module's docstring for what is left out)."""
    return count_words(stringify(_prose(value)))


def split_references(blocks: list[Node]) -> tuple[list[Node], list[Node]]:
    """The body blocks, and the reference list's entries (citeproc's `ref-KEY` Divs)."""
    body, refs = split_reference_list(blocks)
    entries = [n for n in walk(refs) if n["t"] == "Div" and n["c"][0][0].startswith("ref-")]
    return body, entries


def numbered_body(ast: dict[str, Any], lang: str) -> tuple[list[Node], list[Node]]:
    """The body numbered as the outputs print it (cross-references read "Table 1"), and the reference entries.
    Works on a copy: numbering rewrites citations in place."""
    body, entries = split_references(copy_tree(ast["blocks"]))
    return number_and_resolve(body, lang)[0], entries


def _heading(block: Node) -> tuple[str, str]:
    inlines = block["c"][2]
    if inlines and inlines[0]["t"] == "Span" and NUMBER_CLASS in inlines[0]["c"][0][1]:
        return stringify(inlines[0]).rstrip("."), stringify(inlines[1:])
    return "", stringify(inlines)


def sections(body: list[Node]) -> list[SectionCount]:
    """Words per top-level section; text before the first level-1 heading is a section of its own."""
    found: list[SectionCount] = []
    number, title, words = "", "(before the first heading)", 0
    started = False
    for block in body:
        if block["t"] == "Header" and block["c"][0] == 1:
            if started:
                found.append(SectionCount(number, title, words))
            number, title = _heading(block)
            words, started = 0, True
        else:
            words += prose_words([block])
            started = started or words > 0
    if started:
        found.append(SectionCount(number, title, words))
    return found


def count(ast: dict[str, Any], lang: str = "en", keywords: int = 0) -> Stats:
    """Every count but the pages, from a manuscript's AST (as `manuscript.parse` gives it)."""
    body, entries = numbered_body(ast, lang)
    per_section = sections(body)
    return Stats(
        abstract_words=prose_words(meta_blocks(ast["meta"].get("abstract"))),
        body_words=sum(s.words for s in per_section),
        sections=tuple(per_section),
        references=len(entries),
        reference_words=count_words(stringify(entries)),
        figures=sum(n["t"] == "Figure" for n in walk(body)),
        tables=sum(n["t"] == "Table" for n in walk(body)),
        keywords=keywords,
    )


INNER_DICT = re.compile(rb"<<((?:(?!<<|>>).)*)>>", re.DOTALL)
STREAM = re.compile(rb"stream\r?\n")


def pdf_pages(data: bytes) -> int | None:
    """The page count of a PDF (the /Count of its page tree, compressed object streams included); None when
    the file shows none."""
    texts = [data]
    for match in STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            texts.append(zlib.decompressobj().decompress(data[match.end() : end]))
        except zlib.error:
            continue
    counts = [
        int(number.group(1))
        for text in texts
        for entry in INNER_DICT.finditer(text)
        if re.search(rb"/Type\s*/Pages\b", entry.group(1))
        for number in [re.search(rb"/Count\s+(\d+)", entry.group(1))]
        if number
    ]
    return max(counts) if counts else None
