"""TeX's text symbol commands (`\\textbar{}`, `\\textendash`, `\\texteuro`...) -> the characters they print.

Takes raw TeX fragments, a .bib file's text, or the AST citeproc made of the chapters and the .bib files; gives the
characters, the text with the commands written as characters, or the AST with citeproc's raw TeX made characters
and the diagnostics of the raw TeX that prints nothing (a `raw-tex` error at its .bib file's line).

pandoc's readers (LaTeX, BibTeX) know the accents and some symbols (`\\"o`, `\\&`, `\\textless`, `\\textbackslash`),
but keep the commands below as raw TeX, which every writer drops: a .bib title 'Apps \\textbar{} Germany' (what
`pandoc -t bibtex` and Zotero write for '|') printed 'Apps Germany'. The table lists the commands pandoc 3.9 keeps
raw: latexcodec and pylatexenc, which convert TeX to text, lack `\\textbar`, `\\textunderscore` and
`\\textbraceleft` (and pylatexenc prints `\\textperiodcentered` as a dot above).
"""

from __future__ import annotations

import re
from typing import Any

from paperbuild.bibliography import ENTRY_START
from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.pandoc_ast import REFS_ID, Node
from paperbuild.project import SourceFile

TEXT_SYMBOLS = {
    "textbar": "|", "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}",
    "textendash": "\u2013", "textemdash": "\u2014", "textellipsis": "\u2026", "textperiodcentered": "\u00b7",
    "texteuro": "\u20ac", "textcent": "\u00a2", "textcurrency": "\u00a4", "textcolonmonetary": "\u20a1",
    "textwon": "\u20a9", "textnaira": "\u20a6", "textflorin": "\u0192", "textguarani": "\u20b2",
    "texttrademark": "\u2122", "textservicemark": "\u2120", "textcircledP": "\u2117", "textrecipe": "\u211e",
    "dag": "\u2020", "ddag": "\u2021", "textdaggerdbl": "\u2021", "textexclamdown": "\u00a1",
    "textquestiondown": "\u00bf", "textinterrobang": "\u203d", "textpm": "\u00b1", "texttimes": "\u00d7",
    "textdiv": "\u00f7", "textminus": "\u2212", "textlnot": "\u00ac", "textfractionsolidus": "\u2044",
    "textdiscount": "\u2052", "textperthousand": "\u2030", "textnumero": "\u2116", "textohm": "\u2126",
    "textmho": "\u2127", "textcelsius": "\u2103", "textestimated": "\u212e", "textonesuperior": "\u00b9",
    "textordfeminine": "\u00aa", "textordmasculine": "\u00ba", "textlangle": "\u2329", "textrangle": "\u232a",
    "textleftarrow": "\u2190", "textrightarrow": "\u2192", "textuparrow": "\u2191", "textdownarrow": "\u2193",
    "textopenbullet": "\u25e6", "textasteriskcentered": "\u2217", "textbardbl": "\u2016",
    "textreferencemark": "\u203b", "textvisiblespace": "\u2423", "textasciigrave": "`", "textasciiacute": "\u00b4",
    "checkmark": "\u2713", "nobreakspace": "\u00a0", "textnbhy": "\u2011",
    "dh": "\u00f0", "DH": "\u00d0", "th": "\u00fe", "TH": "\u00de", "ng": "\u014b", "NG": "\u014a",
    "dj": "\u0111", "DJ": "\u0110", "LaTeXe": "LaTeX2\u03b5", "BibTeX": "BibTeX",
}  # fmt: skip
"""Command name -> the character (or word) it prints, for the text commands pandoc's readers keep as raw TeX."""
SPECIAL = {"_": "\\_", "{": "\\{", "}": "\\}"}
"""The characters above TeX reads as markup, as TeX writes them."""
SYMBOL = re.compile(r"\\([A-Za-z]+)(?:\s*\{\}|(?![A-Za-z])[ \t]*)")
"""A command with its empty argument or the spaces TeX swallows after it (`\\textbar{}`, `\\textemdash `)."""
SYMBOLS = re.compile(rf"\s*(?:{SYMBOL.pattern}\s*)+")
TEX = ("tex", "latex")


def symbol_text(tex: str) -> str | None:
    """The characters `tex` prints when it is text symbol commands alone (`\\textbar{}`, `\\dag\\ddag`); else None."""
    if not SYMBOLS.fullmatch(tex) or any(name not in TEXT_SYMBOLS for name in SYMBOL.findall(tex)):
        return None
    return "".join(TEXT_SYMBOLS[name] for name in SYMBOL.findall(tex))


def written_as_characters(bib_text: str) -> str:
    """A .bib file's text with its text symbol commands written as the characters (those TeX reads as markup
    escaped), for a reader that would drop the commands (pandoc's, to CSL-JSON)."""

    def character(match: re.Match[str]) -> str:
        found = TEXT_SYMBOLS.get(match.group(1))
        return match.group(0) if found is None else SPECIAL.get(found, found)

    return SYMBOL.sub(character, bib_text)


def _raw_tex(node: Any) -> bool:
    return isinstance(node, dict) and node.get("t") == "RawInline" and node["c"][0] in TEX


class _Finder:
    """Where a piece of TeX is written in the .bib files: in the entry of a key, else anywhere. Each file's entries
    and lines are read once: a .bib file of thousands of entries may hold thousands of such pieces."""

    def __init__(self, bib_files: tuple[SourceFile, ...]) -> None:
        self.bib_files = bib_files
        self.entries: dict[str, tuple[int, int]] = {}
        """Key (case-folded) -> (file, offset just after its `@type{key,`), the first of each key."""
        for number, bib in enumerate(bib_files):
            for match in ENTRY_START.finditer(bib.text):
                if match.group("key"):
                    self.entries.setdefault(match.group("key").casefold(), (number, match.end()))
        self.indexes: dict[int, LineIndex] = {}

    def where(self, tex: str, key: str) -> tuple[str, int, int]:
        if key.casefold() in self.entries:
            number, start = self.entries[key.casefold()]
            offset = self.bib_files[number].text.find(tex, start)
            return self._position(number, offset if offset >= 0 else start)
        for number, bib in enumerate(self.bib_files):
            offset = bib.text.find(tex)
            if offset >= 0:
                return self._position(number, offset)
        return (self.bib_files[0].rel, 0, 0) if self.bib_files else ("", 0, 0)

    def _position(self, number: int, offset: int) -> tuple[str, int, int]:
        if number not in self.indexes:
            self.indexes[number] = LineIndex(self.bib_files[number].text)
        return (self.bib_files[number].rel, *self.indexes[number].position(offset))


def reference_symbols(ast: dict[str, Any], bib_files: tuple[SourceFile, ...]) -> list[Diagnostic]:
    """Make, in place, the raw TeX citeproc left in the reference list and the citations (from the .bib files) the
    characters it prints; a `raw-tex` error at the .bib file's line for each piece that prints nothing."""
    finder = _Finder(bib_files)
    found: list[Diagnostic] = []
    stack: list[tuple[Any, str, bool]] = [(ast["blocks"], "", False)]
    while stack:
        item, key, cited = stack.pop()
        if isinstance(item, dict):
            if item.get("t") == "Div" and item["c"][0][0] == REFS_ID:
                cited = True
            elif item.get("t") == "Div" and item["c"][0][0].startswith("ref-"):
                key = item["c"][0][0].removeprefix("ref-")
            elif item.get("t") == "Cite":
                cited, key = True, item["c"][0][0]["citationId"] if item["c"][0] else ""
            stack.extend((child, key, cited) for child in item.values() if isinstance(child, (list, dict)))
        elif isinstance(item, list):
            if cited and any(_raw_tex(n) for n in item):
                item[:] = [_symbol(n, key, finder, found) if _raw_tex(n) else n for n in item]
            stack.extend((child, key, cited) for child in item if isinstance(child, (list, dict)))
    return list(dict.fromkeys(found))


def _symbol(node: Node, key: str, finder: _Finder, found: list[Diagnostic]) -> Node:
    tex = node["c"][1]
    text = symbol_text(tex)
    if text is not None:
        return {"t": "Str", "c": text}
    found.append(
        Diagnostic(
            *finder.where(tex.strip(), key),
            Severity.ERROR,
            "raw-tex",
            f"raw TeX '{tex.strip()}' in the entry '{key}' means nothing the PDF, HTML, DOCX or JATS can show: it "
            "would be dropped",
            "write the characters themselves (UTF-8), or a text command such as \\textbar{} or \\&",
        )
    )
    return node
