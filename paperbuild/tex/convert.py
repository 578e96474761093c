"""Raw TeX in the manuscript -> the AST nodes it means; what cannot be converted, and raw HTML the DOCX cannot
carry -> a diagnostic at its place.

Takes the parsed manuscript AST (Pandoc JSON, as manuscript.py gives it) and the project's sources; gives the AST
with every raw TeX fragment pandoc's Markdown reader kept (RawInline/RawBlock "tex") replaced by what it means, and
the diagnostics of the fragments that mean nothing the outputs can show. The writers drop raw TeX: left in place it
vanished from every output ("as shown in ."), so nothing is left in place silently.

- Text macros (`\\textbf`, `\\emph`, `\\footnote`, `\\url`, `\\href`, `\\cite`, `\\ensuremath`, `\\%`, `~`, ...):
  pandoc's LaTeX reader, one run for all the paper's fragments; the text symbols it keeps raw (`\\textbar{}`,
  `\\textendash`), their characters (tex/symbols.py).
- Display environments (`equation`, `align`, `gather`, `multline`, `eqnarray`, starred too): display math; unstarred
  ones are numbered as `$$...$$ {#eq:x}` is, under their `\\label` (a Span of class "equation" crossref.py numbers).
- `\\ref`, `\\eqref`, `\\autoref`, `\\cref`, `\\Cref`: the Cite nodes `@fig:x` makes (`\\ref` and `\\eqref` print the
  number alone, as `[-@fig:x]` does); `\\label` names the heading, figure or table it is in.
- Commands that change only a formula's size, spacing or font (`\\large`, `\\strut`, `{\\bf x}`), which pandoc cannot
  convert: written as it reads them (formulas.py), with a note.
- `\\newpage`, `\\clearpage`, `\\pagebreak`: a page break (PDF and DOCX); other layout commands (`\\noindent`,
  `\\vspace`, `\\sloppy`, `\\markright`..., tex/layout.py) are dropped with a note, and so is each piece of a layout
  wrapper split over raw blocks (`\\begin{landscape}` in one, its `\\end` in another; the text between is kept).
  Anything else, and a fragment pandoc's LaTeX reader refuses (with its reason), is a `raw-tex` error at its file,
  line and column.

Plain inline HTML tags (`<sub>`, `<b>`, `<br>`...) become the nodes they stand for (rawhtml.py); the raw HTML left
is reported where the DOCX cannot carry it. Manubot's citation tags are resolved first (tags.py): their citations,
like `\\cite`, are read by citeproc after this stage.
"""

from __future__ import annotations

import re
from typing import Any

from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.formulas import restyle_formulas
from paperbuild.markers import Marker, blank_code
from paperbuild.pandoc_ast import Node, attr, div, is_raw_html, lists_holding, raw_block, walk
from paperbuild.project import SourceFile
from paperbuild.rawhtml import convert_html
from paperbuild.tags import find_tags, resolve_tags
from paperbuild.tex.layout import LAYOUT, NOT_DONE, PAGE_BREAKS, is_layout_wrapper
from paperbuild.tex.reader import read_fragments
from paperbuild.tex.symbols import symbol_text

TEX = ("tex", "latex")
LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
REFERENCE = re.compile(r"\\(ref|eqref|autoref|cref|Cref)\s*\{([^{}]*)\}")
NUMBER_ONLY = ("ref", "eqref")
"""The reference commands that print the number alone ("Figure~\\ref{fig:x}")."""
COMMAND = re.compile(r"^\\([A-Za-z]+)\*?")
DISPLAY = re.compile(
    r"^\s*\\begin\{(?P<env>equation|align|flalign|alignat|gather|multline|eqnarray)(?P<star>\*?)\}"
    r"(?P<body>.*)\\end\{(?P=env)\*?\}\s*$",
    re.DOTALL,
)
INNER = {"align": "aligned", "flalign": "aligned", "alignat": "aligned", "gather": "gathered", "multline": "gathered"}
NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")
KINDS = ((1, "label"), (3, "crossref"), (4, "citation"))
"""Group of TEX_MARKER -> the kind of marker it finds."""
CITATION = re.compile(r"\\(?:[Cc]ite[a-z]*|[a-z]*cite[a-z]*)\*?\s*(?:\[[^\]]*\]\s*){0,2}\{([^{}]*)\}")
TEX_MARKER = re.compile(rf"{LABEL.pattern}|{REFERENCE.pattern}|{CITATION.pattern}")
PAGE_BREAK_XML = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
LOCATING_WORDS = 12
"""The words of a formula that find where it is written."""
LABEL_CLASS = "tex-label"
"""A Span standing for a `\\label` until it is moved onto the heading, figure or table it names."""


def scan_markers(source: SourceFile) -> list[Marker]:
    """The labels and cross-references a source writes in TeX (`\\label{x}`, `\\ref{x}`, `\\cref{a,b}`), code
    blanked, as markers.py finds `{#x}` and `@x`."""
    text = blank_code(source.text, raw_tex=True)
    index = LineIndex(text)
    found = []
    for match in TEX_MARKER.finditer(text):
        kind, keys = next((kind, match.group(n)) for n, kind in KINDS if match.group(n) is not None)
        for key in (k.strip() for k in keys.split(",")):
            if key:
                found.append(Marker(kind, key, source.rel, *index.position(match.start()), match.group(0)))
    return found


class _Locator:
    """Finds where each fragment was written: its next occurrence in the sources (code blanked) after the fragment
    found before it (fragments come in document order), else its first occurrence; and a command inside it."""

    def __init__(self, sources: list[SourceFile]) -> None:
        self.sources = [(source.rel, blank_code(source.text, raw_tex=True)) for source in sources]
        self.indexes: dict[str, LineIndex] = {}
        self.start = (0, 0)
        """(source, offset) of the fragment found last."""
        self.cursor = (0, 0)
        """(source, offset) just after it."""

    def where(self, fragment: str) -> tuple[str, int, int]:
        needle = fragment.strip().splitlines()[0] if fragment.strip() else fragment
        for start_source, start in (self.cursor, (0, 0)):
            for number in range(start_source, len(self.sources)):
                text = self.sources[number][1]
                offset = text.find(needle, start if number == start_source else 0)
                if offset >= 0:
                    whole = fragment.strip()
                    self.start = (number, offset)
                    self.cursor = (number, offset + len(whole if text.startswith(whole, offset) else needle))
                    return self._position(number, offset)
        return (self.sources[-1][0], 0, 0) if self.sources else ("", 0, 0)

    def formula(self, tex: str, command: str) -> tuple[str, int, int]:
        """Where `command` is written in the formula `tex` (written with any spacing: pandoc expands tabs), else
        where the formula is; the first source when neither is found. Its first words find it (a pattern of all
        the words of a formula of 100,000 took 30 s to compile)."""
        pattern = re.compile(r"\s+".join(re.escape(word) for word in tex.split()[:LOCATING_WORDS]))
        for number, (_, text) in enumerate(self.sources):
            match = pattern.search(text)
            if match:
                inner = text.find(command, match.start(), match.end())
                return self._position(number, inner if inner >= 0 else match.start())
        return (self.sources[0][0], 0, 0) if self.sources else ("", 0, 0)

    def inside(self, command: str, fallback: tuple[str, int, int]) -> tuple[str, int, int]:
        """Where `command` is written in the fragment found last (a block of several commands), else `fallback`."""
        number, start = self.start
        offset = self.sources[number][1].find(command, start, self.cursor[1]) if self.sources else -1
        return self._position(number, offset) if offset >= 0 else fallback

    def _position(self, number: int, offset: int) -> tuple[str, int, int]:
        rel, text = self.sources[number]
        if rel not in self.indexes:  # once per file: a paper holds thousands of fragments
            self.indexes[rel] = LineIndex(text)
        return (rel, *self.indexes[rel].position(offset))


def _cite(keys: str, command: str) -> Node:
    mode = "SuppressAuthor" if command in NUMBER_ONLY else "NormalCitation"
    citations = [
        {
            "citationId": key.strip(),
            "citationPrefix": [],
            "citationSuffix": [],
            "citationMode": {"t": mode},
            "citationNoteNum": 0,
            "citationHash": 0,
        }
        for key in keys.split(",")
        if key.strip()
    ]
    return {"t": "Cite", "c": [citations, []]}


class _Converter:
    """Replaces the raw TeX of one AST, collecting what it could not convert."""

    def __init__(self, locator: _Locator) -> None:
        self.locator = locator
        self.diagnostics: list[Diagnostic] = []
        self.where: tuple[str, int, int] = ("", 0, 0)

    def report(self, severity: Severity, message: str, hint: str, tex: str = "") -> None:
        where = self.locator.inside(tex, self.where) if tex else self.where
        self.diagnostics.append(Diagnostic(*where, severity, "raw-tex", message, hint))

    def leftover(self, node: Node) -> list[Node]:
        """What a raw TeX node pandoc's LaTeX reader did not convert becomes."""
        tex = node["c"][1].strip()
        command = COMMAND.match(tex)
        name = command.group(1) if command else ""
        block = node["t"] == "RawBlock"
        label = LABEL.fullmatch(tex)
        if label:
            return [{"t": "Span", "c": [attr(label.group(1).strip(), [LABEL_CLASS]), []]}]
        reference = REFERENCE.fullmatch(tex)
        if reference:
            return [_cite(reference.group(2), reference.group(1))]
        symbols = symbol_text(tex)
        if symbols is not None:  # \textbar{}: pandoc's LaTeX reader keeps it raw
            return [{"t": "Str", "c": symbols}]
        if name in PAGE_BREAKS and block:
            return [div([], classes=["page-break"]), raw_block("openxml", PAGE_BREAK_XML)]
        if name in PAGE_BREAKS or name in LAYOUT or name in NOT_DONE:
            where = "inside a paragraph " if name in PAGE_BREAKS else ""
            done = f": {NOT_DONE[name]}" if name in NOT_DONE else ""
            self.report(
                Severity.NOTE,
                f"the layout command '{tex}' {where}has no equivalent in the outputs and is dropped{done}",
                "the style lays the paper out; remove it",
                tex,
            )
            return []
        self.report(
            Severity.ERROR,
            f"raw TeX '{tex}' means nothing the PDF, HTML or DOCX can show: it would be dropped",
            "write it in Markdown (or as $...$ math); paperbuild converts only common text, math and reference "
            "commands",
            tex,
        )
        return [node]

    def fix(self, value: list[Node]) -> list[Node]:
        """`value` (converted blocks or inlines) with the raw TeX pandoc left in it handled, in place."""
        stack: list[Any] = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get("t") == "Cite":
                    item["c"][1] = []  # pandoc's LaTeX reader keeps the command there; citeproc renders it
                    continue
                stack.extend(child for child in item.values() if isinstance(child, (list, dict)))
            elif isinstance(item, list):
                if any(_is_raw_tex(n) for n in item):
                    item[:] = [new for n in item for new in (self.leftover(n) if _is_raw_tex(n) else [n])]
                stack.extend(child for child in item if isinstance(child, (list, dict)))
        return value

    def unread(self, node: Node, reason: str) -> list[Node]:
        """What a raw `node` pandoc's LaTeX reader refused (for `reason`) becomes: nothing when it is a piece of a
        layout wrapper split over raw blocks (`\\begin{landscape}` in one, `\\end{landscape}` in another: the text
        between is the paper's, and kept), else itself, reported."""
        tex = node["c"][1].strip()
        if is_layout_wrapper(tex):
            self.report(
                Severity.NOTE,
                f"the layout wrapper piece '{tex}' has no equivalent in the outputs and is dropped; the text around "
                "it is kept",
                "the style lays the paper out; remove it",
            )
            return []
        self.report(
            Severity.ERROR,
            f"raw TeX '{tex}' cannot be read ({reason})",
            "close each \\begin and each brace in the raw block that opens it, or write it in Markdown",
        )
        return [node]

    def replacement(self, node: Node, blocks: list[Node] | str) -> list[Node]:
        """What the raw `node` becomes, given the blocks pandoc's LaTeX reader made of it (or why it made none)."""
        if isinstance(blocks, str):
            return self.unread(node, blocks)
        if node["t"] == "RawBlock":
            return self.fix(blocks)
        blocks = [{"t": "Plain", "c": [{"t": "RawInline", "c": b["c"]}]} if b["t"] == "RawBlock" else b for b in blocks]
        if all(b["t"] in ("Para", "Plain") for b in blocks):
            inlines: list[Node] = []
            for b in blocks:
                inlines += ([{"t": "Space"}] if inlines else []) + b["c"]
            return self.fix(inlines)
        self.report(
            Severity.ERROR,
            f"raw TeX '{node['c'][1].strip()}' makes a block (a figure, a table, a list) inside a paragraph",
            "put it in a paragraph of its own, or write it in Markdown",
        )
        return [node]


def _is_raw_tex(node: Any) -> bool:
    return isinstance(node, dict) and node.get("t") in ("RawInline", "RawBlock") and node["c"][0] in TEX


def _raw_lists(ast: dict[str, Any]) -> list[list[Any]]:
    """Every list of the AST (blocks or inlines, metadata included) that holds a raw TeX node, in document order."""
    found = []
    stack: list[Any] = [ast["meta"], ast["blocks"]]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed([v for v in item.values() if isinstance(v, (list, dict))]))
        elif isinstance(item, list):
            if any(_is_raw_tex(n) for n in item):
                found.append(item)
            stack.extend(reversed([v for v in item if isinstance(v, (list, dict))]))
    return found


def _display(tex: str) -> tuple[str, str, bool] | None:
    """A display environment's formula (as `aligned`, `gathered` or an array where it has columns), its label, and
    whether it is numbered; None when `tex` is not one."""
    match = DISPLAY.match(tex)
    if match is None:
        if not LABEL.search(tex):
            return None
        env, star, body = "equation", "", tex
    else:
        env, star, body = match.group("env"), match.group("star"), match.group("body")
    labels = LABEL.findall(body)
    body = NO_NUMBER.sub("", LABEL.sub("", body)).strip()
    if env == "alignat":
        body = re.sub(r"^\{\d+\}", "", body).strip()
    if env == "eqnarray":
        body = f"\\begin{{array}}{{rcl}}{body}\\end{{array}}"
    elif env in INNER:
        body = f"\\begin{{{INNER[env]}}}{body}\\end{{{INNER[env]}}}"
    return body, labels[0].strip() if labels else "", not star


def _equations(ast: dict[str, Any]) -> None:
    """Display environments and labelled display math, in place: numbered ones become a Span of class "equation"
    holding the formula (crossref.py numbers it), starred ones plain display math."""
    for node in walk(ast["blocks"]):
        if node["t"] != "Math" or node["c"][0]["t"] != "DisplayMath":
            continue
        found = _display(node["c"][1])
        if found is None:
            continue
        body, label, numbered = found
        math = {"t": "Math", "c": [{"t": "DisplayMath"}, body]}
        if numbered:
            node["t"], node["c"] = "Span", [attr(label, ["equation"]), [math]]
        else:
            node["c"] = math["c"]


def _place_labels(ast: dict[str, Any]) -> None:
    """Move each `\\label` onto the heading, figure or table whose title or caption holds it, in place; a label
    anywhere else names nothing (the checks report a reference to it)."""
    for node in walk(ast["blocks"]):
        if node["t"] in ("Header", "Figure", "Table"):
            inside = node["c"][2] if node["t"] == "Header" else node["c"][1]
            labels = [n for n in walk(inside) if n["t"] == "Span" and LABEL_CLASS in n["c"][0][1]]
            if labels:
                node["c"][1 if node["t"] == "Header" else 0][0] = labels[0]["c"][0][0]
    for inlines in lists_holding(ast, _is_label):
        inlines[:] = [n for n in inlines if not (isinstance(n, dict) and _is_label(n))]


def _is_label(node: Node) -> bool:
    return node.get("t") == "Span" and LABEL_CLASS in node["c"][0][1]


HTML_TAG = re.compile(r"<\s*([A-Za-z][\w-]*)")
CARRIED_HTML = frozenset(
    {"span", "div", "section", "article", "aside", "header", "footer", "main", "nav", "p", "a", "font", "wbr",
     "small", "abbr", "cite", "time", "dfn"}
)  # fmt: skip
"""Elements whose loss from the DOCX loses nothing a reader needs (their text is Markdown pandoc carries)."""
HTML_HINT = "write it in Markdown (H~2~O, x^2^, *emphasis*, a line ending in a backslash, a pipe table, an image)"


def uncarried_html(ast: dict[str, Any], sources: list[SourceFile]) -> list[Diagnostic]:
    """A `raw-html` warning at each raw HTML element pandoc's DOCX writer drops with what it means (a subscript,
    a line break, a table), once per element and line."""
    locator = _Locator(sources)
    found: dict[tuple[str, int, str], int] = {}  # (file, line, element) -> the first column
    for node in walk([ast["meta"], ast["blocks"]]):
        if is_raw_html(node):
            for tag in dict.fromkeys(t.lower() for t in HTML_TAG.findall(node["c"][1])):
                if tag not in CARRIED_HTML:
                    rel, line, col = locator.where(node["c"][1])
                    found.setdefault((rel, line, tag), col)
    return [
        Diagnostic(
            rel,
            line,
            col,
            Severity.WARNING,
            "raw-html",
            f"raw HTML '<{tag}>' has no DOCX equivalent: pandoc drops it",
            HTML_HINT,
        )
        for (rel, line, tag), col in found.items()
    ]


def convert(ast: dict[str, Any], sources: list[SourceFile]) -> list[Diagnostic]:
    """Replace, in place, the raw TeX of `ast` (a parse of `sources`: the chapters, then metadata.yaml) with what it
    means; the diagnostics of what could not be converted."""
    resolve_tags(ast, find_tags(sources))
    lists = _raw_lists(ast)
    converter = _Converter(_Locator(sources))
    if lists:
        raw = [n for item in lists for n in item if _is_raw_tex(n)]
        converted = dict(zip((id(n) for n in raw), read_fragments([n["c"][1] for n in raw]), strict=True))
        for item in lists:
            new: list[Any] = []
            for n in item:
                if isinstance(n, dict) and id(n) in converted:
                    converter.where = converter.locator.where(n["c"][1])
                    new += converter.replacement(n, converted[id(n)])
                else:
                    new.append(n)
            item[:] = new
    converter.diagnostics += restyle_formulas(ast, converter.locator.formula)
    _equations(ast)
    _place_labels(ast)
    convert_html(ast)
    return converter.diagnostics + uncarried_html(ast, sources)
