"""Typeset TeX math for the PDF: each formula becomes an SVG drawing (ziamath, pure Python, STIX Two Math); and
write the commands that change only a formula's size, spacing or font as every output reads them.

Takes the Math nodes of the AST; gives, for the PDF's HTML, `<img>` elements holding the SVG (WeasyPrint cannot lay
out MathML), each followed by the formula's characters as transparent text, so the PDF's text layer holds the
formula too (what pdftotext, search and the conservation check read); and the diagnostics of formulas the renderer
cannot typeset, located in the chapters. The HTML page gets MathML from pandoc instead, and the DOCX native Word
equations. pandoc cannot convert `\\large`, `\\strut` or TeX's old font switches (`{\\bf x}`) for those two, and
printed the whole formula as TeX: `restyle_formulas` drops the size and spacing commands (a note says so: the reader
loses only the size) and writes the font switches as the commands pandoc reads (`\\mathbf{x}`).
"""

from __future__ import annotations

import base64
import html
import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.figure_sizes import text_widths
from paperbuild.pandoc_ast import Node, copy_tree, walk
from paperbuild.project import Project
from paperbuild.sanitize import TEXT_LAYER_STYLE

TEXT_SIZE_PX = 14  # the size ziamath draws at; the print CSS may scale .math images
MATHML_TEXT = re.compile(r">([^<]+)<")
SIZED_DELIMITER = re.compile(r"(?P<open><mo\b[^<>]*\bminsize=[^<>]*>)(?P<command>\\(?:[A-Za-z]+|[{}|]))</mo>")
TAG = "\\tag"
TEXT_WITH_MATH = re.compile(r"\\(?P<command>text(?:rm|it|bf|sf|tt|normal)?|mbox)\{(?P<text>[^{}]*\$[^{}]*)\}")
"""`\\text{... $z$ ...}`: text holding math (one level of braces), which the math renderer would print as written."""
INNER_MATH = re.compile(r"\$([^$]*)\$")
ROWS = "\\\\"
"""What separates the rows of a formula (aligned, cases, matrices): `\\`."""
MULTILINE_CLASS = "multiline"
UNKNOWN_COMMAND = re.compile(r"unexpected control sequence (\\[A-Za-z]+)")
WORD_JOINER = "\u2060"
"""What parts the formula's characters in the text layer, from each other and from the words beside it ("$x$th" reads
x, th; "$ab$" a, b: the tokens the conservation check counts): of no width, no break, and no space for justification
to widen or shrink. Spaces there were spaces of the layer's tiny font, which a justified line's shrinking spacing
made negative, and the space written after the formula collapsed into one of them: "where $b$ is" printed
"where *b*is"."""


SIZES = ("tiny", "scriptsize", "footnotesize", "small", "normalsize", "large", "Large", "LARGE", "huge", "Huge")
DROPPED = frozenset({*SIZES, "displaylimits", "strut", "mathstrut", "relax", "allowbreak", "mit"})
"""Commands that change only a formula's size, spacing or the place of its limits (`\\large`, `\\strut`): pandoc
cannot convert them for the HTML and DOCX, or the math renderer does not know them; the formula prints without."""
DROPPED_WITH_ARGUMENT = frozenset({"vphantom", "hphantom"})
"""Invisible boxes that only make room: dropped with their argument."""
UNWRAPPED = frozenset({"smash", "mathclap", "mathllap", "mathrlap"})
"""Commands that change only the room their argument takes: the argument prints alone."""
RENAMED = {"cfrac": "dfrac"}
"""Commands pandoc does not know, as the command it knows that prints the same."""
QUOTED = 100
"""The characters of a formula a note quotes at most."""
FONT_SWITCHES = {"bf": "mathbf", "rm": "mathrm", "it": "mathit", "sf": "mathsf", "tt": "mathtt", "cal": "mathcal"}
"""TeX's old font switches (`{\\bf x}`), which pandoc cannot convert, as the command over the rest of their group
(`\\mathbf{x}`): a bold vector stays bold."""
TOKEN = re.compile(r"\\\\|\\([A-Za-z]+)\s*|\\.|[{}&\[\]]|\s+|[^\\{}&\[\]\s]+")
"""TeX as tokens, in one pass: `\\\\`, a command with the spaces TeX swallows after it, an escaped character, a
brace, `&`, a bracket, spaces, other characters."""
CELL_END = frozenset({"&", "\\\\", "middle"})
"""What ends a font switch's scope without ending its group: a cell or row of an array, a `\\middle`."""
OPENS, CLOSES = frozenset({"{", "left", "begin"}), frozenset({"}", "right", "end"})
"""What opens and closes a group a font switch's scope ends with."""


class _Restyler:
    """Rewrites one formula's tokens left to right (once each: a formula of 8,000 switches took minutes when each
    was searched for from its start)."""

    def __init__(self, tex: str) -> None:
        self.tokens = [match.group(0) for match in TOKEN.finditer(tex)]
        self.out: list[str] = []
        self.found: dict[str, None] = {}
        self.pending = [0]
        """For each open group, innermost last: 1 when a font switch's `}` is due where the group (or cell) ends."""

    def name(self, token: str) -> str:
        return token[1:].rstrip() if token[:1] == "\\" and token[1:2].isalpha() else token

    def skip_argument(self, at: int) -> int:
        """The index after the argument starting at token `at`: a group or one token."""
        at = self.skip_spaces(at)
        if at < len(self.tokens) and self.tokens[at] == "{":
            depth = 0
            while at < len(self.tokens):
                depth += {"{": 1, "}": -1}.get(self.tokens[at], 0)
                at += 1
                if depth == 0:
                    break
            return at
        return min(at + 1, len(self.tokens))

    def skip_spaces(self, at: int) -> int:
        while at < len(self.tokens) and self.tokens[at].isspace():
            at += 1
        return at

    def close_switches(self) -> None:
        self.out.append("}" * self.pending[-1])
        self.pending[-1] = 0

    def run(self) -> tuple[str, list[str]]:
        at = 0
        while at < len(self.tokens):
            token = self.tokens[at]
            name = self.name(token)
            at += 1
            if name in DROPPED or name in DROPPED_WITH_ARGUMENT or name in UNWRAPPED:
                self.found[f"\\{name}"] = None
                if name in DROPPED_WITH_ARGUMENT:
                    at = self.skip_argument(at)
                elif name in UNWRAPPED:
                    at = self.skip_spaces(at)
                    if at < len(self.tokens) and self.tokens[at] == "[":  # \\smash[b]{x}: the option goes too
                        while at < len(self.tokens) and self.tokens[at] != "]":
                            at += 1
                        at = self.skip_spaces(at + 1)
                    if at < len(self.tokens) and self.tokens[at] != "{":
                        self.out.append("{" + self.tokens[at] + "}")
                        at += 1
                self.out.append(" " if self.out and self.out[-1][-1:].isalpha() else "")
            elif name in RENAMED:
                self.found[f"\\{name}"] = None
                self.out.append(f"\\{RENAMED[name]}")
            elif name in FONT_SWITCHES:
                self.found[f"\\{name}"] = None
                self.close_switches()  # \\bf x \\rm y: the later switch ends the earlier (no nesting)
                self.out.append(f"\\{FONT_SWITCHES[name]}{{")
                self.pending[-1] = 1
                at = self.skip_spaces(at)
            elif name in CLOSES or name in CELL_END:
                self.close_switches()
                if name in CLOSES and len(self.pending) > 1:
                    self.pending.pop()
                self.out.append(token)
            else:
                if name in OPENS:
                    self.pending.append(0)
                self.out.append(token)
        while self.pending:
            self.close_switches()
            self.pending.pop()
        return "".join(self.out), list(self.found)


def restyled(tex: str) -> tuple[str, list[str]]:
    """`tex` with the commands that change only its size, spacing or font written as pandoc and the math renderer
    read them (DROPPED, UNWRAPPED, RENAMED, FONT_SWITCHES); and those commands, each once, in order (`\\large`)."""
    return _Restyler(tex).run()


def restyling(command: str) -> str:
    """What `restyled` made of `command` (`\\large`), in words."""
    name = command.lstrip("\\")
    if name in SIZES:
        return f"'{command}' changes only its size and is dropped (it prints at the size of its text)"
    if name in DROPPED or name in DROPPED_WITH_ARGUMENT:
        return f"'{command}' changes only its spacing and is dropped"
    if name in UNWRAPPED:
        return f"'{command}' changes only the room its argument takes, which prints alone"
    if name in RENAMED:
        return f"'{command}' is read as '\\{RENAMED[name]}'"
    return f"'{command}' is read as '\\{FONT_SWITCHES[name]}{{...}}' over the rest of its group"


def shortened(tex: str) -> str:
    """A formula as a message quotes it: its words, one space apart, at most QUOTED characters."""
    words = " ".join(tex[: 4 * QUOTED].split())
    return words if len(words) <= QUOTED else words[: QUOTED - 1] + "\u2026"


def restyle_formulas(ast: dict[str, Any], where: Callable[[str, str], tuple[str, int, int]]) -> list[Diagnostic]:
    """Each formula of `ast` with its commands that change only its size, spacing or font written as pandoc and
    the math renderer read them (`restyled`), in place; a `math` note at each such formula, placed by `where`
    (the formula's TeX and its first such command -> file, line, column)."""
    found = []
    for node in walk([ast["meta"], ast["blocks"]]):
        if node["t"] != "Math":
            continue
        tex, commands = restyled(node["c"][1])
        if not commands:
            continue
        fonts = any(command.lstrip("\\") in FONT_SWITCHES for command in commands)
        found.append(
            Diagnostic(
                *where(node["c"][1], commands[0]),
                Severity.NOTE,
                "math",
                f"in the formula '{shortened(node['c'][1])}', " + "; ".join(map(restyling, commands)),
                "write \\mathbf{x}, not {\\bf x}" if fonts else "the style sets the size and spacing of formulas",
            )
        )
        node["c"][1] = tex
    return found


SMALLEST_SCALE = 0.7
"""The least a display formula wider than the text block is scaled down to: 70 % of its size, as the smallest table
type is; a wider one runs into the margin and is reported (`wide_formulas`)."""
MARGIN_SHARE = 0.2
"""How far past the text block a formula may run and still be on the paper, as a share of the block (the default
style's right margin is 24 % of it)."""
SVG_WIDTH = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"')


class FormulaError(ValueError):
    """A formula the math renderer cannot typeset."""


@lru_cache(maxsize=4096)
def formula_svg(tex: str, display: bool) -> tuple[str, float]:
    """The SVG of a formula and how far its baseline sits above the image's bottom edge (px)."""
    with warnings.catch_warnings():  # ziamath still loads its font through a deprecated importlib.resources call
        warnings.simplefilter("ignore", DeprecationWarning)
        from ziamath.tex import tex2mml
        from ziamath.zmath import Latex, Math

    try:
        if TAG in tex:  # ziamath.Latex sets a \tag{...} as the equation's number
            formula: Math = Latex(text_math(tex), size=TEXT_SIZE_PX, inline=not display)
        else:
            formula = Math(sized_delimiters(tex2mml(text_math(tex), inline=not display)), size=TEXT_SIZE_PX)
        mathml = formula.mathmlstr()
        svg = formula.svg()
        offset = float(formula.getyofst())
    except Exception as exc:  # ziamath raises many kinds; all mean "cannot typeset this"
        raise FormulaError(f"cannot typeset: {type(exc).__name__} {exc}".strip()) from exc
    if "\\" in mathml:
        unknown = mathml[mathml.index("\\") :].split("<", 1)[0]
        raise FormulaError(f"'{unknown}' is not a TeX command the math renderer knows")
    return svg, offset


def text_math(tex: str) -> str:
    """`tex` with the math written inside its text (`\\text{catch up from $z$ blocks}`) taken out of the text, as
    TeX sets it: `\\text{catch up from }z\\text{ blocks}` (ziamath and latex2mathml print the dollars as text)."""

    def outside(match: re.Match[str]) -> str:
        command = match.group("command")
        parts = INNER_MATH.split(match.group("text"))  # text, math, text, math, ... text
        return "".join(f"{{{part}}}" if index % 2 else f"\\{command}{{{part}}}" for index, part in enumerate(parts))

    return TEXT_WITH_MATH.sub(outside, tex)


def sized_delimiters(mathml: str) -> str:
    """latex2mathml's MathML with the delimiters sized by `\\big`, `\\Big`... as characters: it writes a delimiter
    given as a command (`\\Big\\{`, `\\big\\langle`) as the command's name, which would print as TeX."""
    from latex2mathml.symbols_parser import convert_symbol

    def character(match: re.Match[str]) -> str:
        code = convert_symbol(match.group("command"))
        return f"{match.group('open')}&#x{code};</mo>" if code else match.group(0)

    return SIZED_DELIMITER.sub(character, mathml)


@lru_cache(maxsize=4096)
def _mathml(tex: str) -> tuple[str, str]:
    """latex2mathml's MathML of `tex`, or "" and the name of the exception it raised."""
    import latex2mathml.converter

    try:
        return sized_delimiters(latex2mathml.converter.convert(text_math(tex))), ""
    except Exception as exc:  # the parser raises many kinds; all mean "cannot typeset this"
        return "", type(exc).__name__


def formula_problem(tex: str) -> str:
    """Why the math renderer cannot typeset `tex`, or "" when it can. Parses only (latex2mathml, the parser
    ziamath uses), so `check` stays fast on papers full of formulas."""
    mathml, error = _mathml(tex)
    if error:
        return f"cannot be typeset ({error}: an unbalanced brace or a missing argument?)"
    if "\\" in mathml:
        unknown = mathml[mathml.index("\\") :].split("<", 1)[0]
        return f"uses '{unknown}', which the math renderer does not know"
    return ""


def pandoc_unconverted(formulas: list[tuple[str, bool]], api_version: list[int]) -> dict[str, str]:
    """The formulas (tex, display) pandoc cannot convert for the HTML page (MathML) and the DOCX (Word equations),
    each with the command it does not know ("" when its log names none): pandoc's TeX reader knows fewer commands than
    latex2mathml (no `\\argmin`), and prints what it cannot read as TeX. One pandoc run for all of them, reading its
    log; `api_version` is the parsed AST's."""
    import json
    import tempfile
    from pathlib import Path

    from paperbuild import pandoc

    kinds = ({"t": "DisplayMath"}, {"t": "InlineMath"})
    blocks = [{"t": "Para", "c": [{"t": "Math", "c": [kinds[not display], tex]}]} for tex, display in formulas]
    document = {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
    with tempfile.TemporaryDirectory(prefix="paperbuild-") as scratch:
        log = Path(scratch) / "log.json"
        pandoc.run_json(["-t", "html", "--mathml", "--sandbox", f"--log={log}"], document)
        entries = json.loads(log.read_text(encoding="utf-8") or "[]")
    return {
        entry["contents"]: " ".join(UNKNOWN_COMMAND.findall(entry.get("message", ""))[:1])
        for entry in entries
        if entry.get("type") == "CouldNotConvertTeXMath"
    }


def math_text(tex: str) -> str:
    """The characters a formula shows, one from the next by a space ("E = m c 2" for `E = mc^2`): its MathML's
    text, as a reader's tools see the formula."""
    mathml, _ = _mathml(tex)
    return " ".join(ch for part in MATHML_TEXT.findall(mathml) for ch in html.unescape(part) if not ch.isspace())


def layer_text(tex: str) -> str:
    """The formula's characters as its text layer holds them, escaped for HTML (see WORD_JOINER)."""
    return WORD_JOINER + html.escape(math_text(tex)).replace(" ", WORD_JOINER) + WORD_JOINER


def math_nodes(value: object) -> list[Node]:
    """Every Math node, in document order."""
    return [node for node in walk(value) if node["t"] == "Math"]


def as_images(blocks: list[Node]) -> list[Node]:
    """A copy of `blocks` in which each Math node is an `<img>` of its SVG (formulas that fail stay as they are;
    the checks have reported them), and each numbered equation of several rows has the class "multiline" (the print
    CSS centres its number on it, as TeX does, where a one-line formula has it on its baseline)."""
    result = copy_tree(blocks)
    for span in walk(result):
        if span["t"] == "Span" and "equation" in span["c"][0][1] and any(ROWS in m["c"][1] for m in math_nodes(span)):
            span["c"][0][1].append(MULTILINE_CLASS)
    for node in math_nodes(result):
        kind, tex = node["c"]
        display = kind["t"] == "DisplayMath"
        try:
            svg, offset = formula_svg(tex, display)
        except FormulaError:
            continue
        source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
        css = "display-math" if display else "inline-math"
        least = f"; min-width: {_width(svg) * SMALLEST_SCALE:.1f}px" if display else ""
        style = f"vertical-align: {offset:.2f}px{least}"
        image = f'<img class="math {css}" src="{source}" alt="{html.escape(tex)}" style="{style}">'
        layer = f'<span class="math-text" style="{TEXT_LAYER_STYLE}">{layer_text(tex)}</span>'
        node["t"], node["c"] = "RawInline", ["html", image + layer]
    return result


def _width(svg: str) -> float:
    """The width of a formula's drawing in CSS pixels."""
    found = SVG_WIDTH.search(svg)
    return float(found.group(1)) if found else 0.0


def formula_place(tex: str, project: Project) -> tuple[str, int, int]:
    """(file, line, column) where a formula's TeX is first written (its first line); metadata.yaml with no line
    when no chapter holds it."""
    needle = tex.strip().splitlines()[0] if tex.strip() else tex
    for source in project.sources:
        if needle in source.text:
            return (source.rel, *LineIndex(source.text).position(source.text.index(needle)))
    return project.metadata_file, 0, 0


def wide_formulas(formulas: list[Node], project: Project) -> list[Diagnostic]:
    """A wide-formula warning at each display formula wider than the PDF's text block even at SMALLEST_SCALE: the
    PDF sets it at that scale, running into the margin; an error when it would run off the paper (MARGIN_SHARE).
    Formulas that fail are the math check's."""
    text_width = text_widths(project.style).pdf * 96  # CSS pixels
    found = []
    for tex in dict.fromkeys(node["c"][1] for node in formulas if node["c"][0]["t"] == "DisplayMath"):
        try:
            width = _width(formula_svg(tex, True)[0])
        except FormulaError:
            continue
        if width * SMALLEST_SCALE > text_width:
            cut = width * SMALLEST_SCALE > text_width * (1 + MARGIN_SHARE)
            message = (
                f"the formula is {width / text_width:.1f} times as wide as the text block: set at "
                f"{SMALLEST_SCALE:.0%} of its size, the least the PDF shrinks it to, it runs "
                + ("off the page, cut off" if cut else "into the margin")
            )
            hint = "break it over lines (\\begin{aligned} ... \\\\ ... \\end{aligned}) or shorten it"
            severity = Severity.ERROR if cut else Severity.WARNING
            found.append(Diagnostic(*formula_place(tex, project), severity, "wide-formula", message, hint))
    return found
