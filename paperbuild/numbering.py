"""How a style names and numbers figures, tables and equations: style.yaml's `numbering:`.

Takes the `numbering:` mapping of a style.yaml (its YAML node) and the file's name for messages; gives the words it
sets, (kind, key, text) triples, and a diagnostic at each entry it cannot use. `numbered_words` gives a language's
Words with them in place, which crossref.py numbers and names with, so the PDF, the HTML, the DOCX and the JATS
print one label. IEEE's, as the two-column style writes it:

    numbering:
      fig: {caption: "Fig. {}.", single: "Fig. {}", several: "Figs. {}"}
      tbl: {caption: "TABLE {}", single: "Table {}", several: "Tables {}", numerals: upper-roman}

`caption` is the label before a caption, `single` a reference in the text, `several` a group ("Figs. 1 and 2"),
each with {} where the number goes; `numerals` is `arabic` (1, 2, 3), `upper-roman` (I, II, III) or `lower-roman`.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

from paperbuild import yaml_nodes
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.words import Words

KINDS = ("fig", "tbl", "eq")
TEMPLATES = ("caption", "single", "several")
NUMERALS = ("arabic", "upper-roman", "lower-roman")
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"))
ROMAN_UNITS = ((9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def numeral(number: int, numerals: str) -> str:
    """`number` in `numerals` (one of NUMERALS): 4 -> "4", "IV", "iv"."""
    if numerals == "arabic" or number < 1:
        return str(number)
    letters = ""
    for value, letter in (*ROMAN, *ROMAN_UNITS):
        count, number = divmod(number, value)
        letters += letter * count
    return letters.lower() if numerals == "lower-roman" else letters


def style_error(where: str, at: yaml.Node, message: str, hint: str = "") -> Diagnostic:
    """An error in the style file `where`, at the YAML node `at` (yaml_nodes.problem's place)."""
    found = yaml_nodes.problem(at, message, hint)
    return Diagnostic(where, found.line, found.col, Severity.ERROR, "style", found.message, found.hint)


def read_numbering(node: yaml.Node, where: str) -> tuple[list[tuple[str, str, str]], list[Diagnostic]]:
    """The (kind, key, text) entries a `numbering:` mapping sets, and a diagnostic at each one it cannot use."""
    found: list[tuple[str, str, str]] = []
    problems: list[Diagnostic] = []

    def problem(at: yaml.Node, message: str, hint: str = "") -> None:
        problems.append(style_error(where, at, message, hint))

    if not isinstance(node, yaml.MappingNode):
        problem(node, "numbering: a mapping of kinds (fig, tbl, eq) to their names is expected")
        return found, problems
    for kind, kind_key, names in yaml_nodes.entries(node):
        if kind not in KINDS:
            problem(kind_key, f"numbering: '{kind}' is not a kind paperbuild numbers", did_you_mean(kind, KINDS))
            continue
        if not isinstance(names, yaml.MappingNode):
            problem(names, f"numbering: {kind}: a mapping such as {{caption: 'Fig. {{}}.'}} is expected")
            continue
        for key, key_node, value in yaml_nodes.entries(names):
            written = yaml_nodes.text(value) if isinstance(value, yaml.ScalarNode) else ""
            if key not in (*TEMPLATES, "numerals"):
                hint = did_you_mean(key, (*TEMPLATES, "numerals"))
                problem(key_node, f"numbering: {kind}: '{key}' is none of {', '.join(TEMPLATES)}, numerals", hint)
            elif key == "numerals" and written not in NUMERALS:
                hint = did_you_mean(written, NUMERALS)
                problem(value, f"numbering: {kind}: numerals '{written}' is none of {', '.join(NUMERALS)}", hint)
            elif key != "numerals" and written.count("{}") != 1:
                problem(value, f"numbering: {kind}: {key}: '{written}' needs one {{}} where the number goes")
            else:
                found.append((kind, key, written))
    return found, problems


def numbered_words(words: Words, numbering: tuple[tuple[str, str, str], ...]) -> Words:
    """`words` with the names and numerals that `numbering`'s (kind, key, text) entries set."""
    if not numbering:
        return words
    parts = {"caption": dict(words.caption), "single": dict(words.single), "several": dict(words.several)}
    parts["numerals"] = dict(words.numerals)
    for kind, key, written in numbering:
        parts[key][kind] = written
    return replace(
        words, caption=parts["caption"], single=parts["single"], several=parts["several"], numerals=parts["numerals"]
    )
