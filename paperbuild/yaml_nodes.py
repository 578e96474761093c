"""Read another tool's YAML with positions: front matter split off a Markdown file, nodes, scalars, and Problems.

Takes YAML or Markdown text; gives composed `yaml.Node` trees (safe loader, so every node keeps its line and column)
and plain values read from them. A `Problem` is what an importer could not carry over, at a node's position; the
importer turns it into a Diagnostic naming the source file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from paperbuild.yaml_safe import BoundedLoader

FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?![ \t]*\r?\n)(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M
)
"""A YAML block at the top of a Markdown file, as pandoc reads one: `---` not followed by a blank line (that is a
rule), closed by `---` or `...`. The build (project.py) and the importers split files with this one pattern."""
NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Problem:
    """Something of the source that has no place in a paperbuild project, at a position of its YAML."""

    line: int
    """1-based line in the YAML text (0: the whole text)."""
    col: int
    """1-based column (0: the whole line)."""
    message: str
    """What is left out or wrong, naming the key."""
    hint: str = ""
    """What to do about it; "" when nothing useful can be said."""


def problem(node: yaml.Node, message: str, hint: str = "") -> Problem:
    """A Problem at `node`'s start."""
    return Problem(node.start_mark.line + 1, node.start_mark.column + 1, message, hint)


def split_front_matter(data: bytes) -> tuple[str, bytes]:
    """A Markdown file's YAML block ("" when it has none) and the rest of the file byte for byte. The YAML text
    starts with a blank line, standing for the `---` line, so that its lines are the file's lines."""
    text = data.decode("utf-8", "surrogateescape")  # every byte kept: the block's length in bytes is exact
    match = FRONT_MATTER.match(text)
    if match is None:
        return "", data
    block = match.group("yaml").encode("utf-8", "surrogateescape").decode("utf-8")
    return "\n" + block, data[len(match.group().encode("utf-8", "surrogateescape")) :]


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None when empty); a YAML file written as a front matter block
    (`---` above and below) is read as one document. Raises yaml.YAMLError."""
    block, rest = split_front_matter(text.encode("utf-8"))
    if block and not rest.strip():
        text = block
    return yaml.compose(text, Loader=BoundedLoader)


def entries(node: yaml.Node | None) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping node; [] for anything else."""
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(k.value), k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def field(node: yaml.Node | None, *names: str) -> yaml.Node | None:
    """The value of the first of `names` that a mapping node has."""
    found = {key: value for key, _, value in entries(node)}
    return next((found[name] for name in names if name in found), None)


def text(node: yaml.Node | None) -> str:
    """A scalar's text, stripped ("" for null, lists and mappings)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == NULL:
        return ""
    return str(node.value).strip()


def items(node: yaml.Node | None) -> list[yaml.Node]:
    """A sequence's items; a lone scalar or mapping as a list of one; [] for null."""
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL):
        return []
    return list(node.value) if isinstance(node, yaml.SequenceNode) else [node]


def texts(node: yaml.Node | None) -> list[str]:
    """The non-empty scalar texts of a sequence (or of a lone scalar)."""
    return [t for t in (text(item) for item in items(node)) if t]


def flag(node: yaml.Node | None) -> bool:
    """Whether a scalar reads as YAML true."""
    return (
        isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool" and bool(yaml.safe_load(node.value))
    )


def empty(node: yaml.Node) -> bool:
    """Whether a value says nothing: null, false, "", an empty list or mapping."""
    if isinstance(node, yaml.ScalarNode):
        return (
            node.tag == NULL or not str(node.value).strip() or (node.tag == "tag:yaml.org,2002:bool" and not flag(node))
        )
    return not node.value
