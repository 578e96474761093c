"""Read YAML written by others with PyYAML's safe loader and a bound on how deeply it nests.

Takes YAML text (through `yaml.compose(text, Loader=BoundedLoader)` or `yaml.load(text, Loader=BoundedLoader)`);
gives PyYAML's nodes or values, or raises `yaml.YAMLError`. PyYAML composes and constructs nested lists and
mappings by recursion, so `[[[[...]]]]` ten thousand deep ended in a RecursionError, a crash with no place in the
file; here it is a `TooDeep` error, a `yaml.MarkedYAMLError` at the first list or mapping too deep, which every
caller already reports as invalid YAML at its line.

PyYAML's own parser is pure Python (a 960 KB metadata.yaml: 4 s to compose, and the build composes it twice), so
a text is composed by libyaml's C parser when PyYAML has it, once the C parser's events show it nests no deeper
than MAX_DEPTH (libyaml composes by recursion too): the same nodes, with the same lines and columns, in a
twentieth of the time. A text the C parser refuses, or that nests too deeply, goes through the Python parser,
so every error is reported as it always was, at the same place, in the same words.
"""

from __future__ import annotations

import yaml

MAX_DEPTH = 50
"""Lists and mappings inside each other, at most (metadata.yaml needs four: authors, an author, its affiliations)."""


class TooDeep(yaml.MarkedYAMLError):
    """A list or mapping nested more than MAX_DEPTH deep."""

    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(problem=f"lists and mappings nested more than {MAX_DEPTH} deep", problem_mark=mark)
        self.mark = mark
        """Where the list or mapping too deep starts."""


OPENS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
CLOSES = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class BoundedLoader(yaml.SafeLoader):
    """The safe loader (no Python objects, no code), refusing lists and mappings nested past MAX_DEPTH."""

    _depth = 0

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)  # checks that every character is printable, whichever parser composes
        self._text = stream if isinstance(stream, str) else None

    def get_single_node(self) -> yaml.Node | None:
        fast = _compose_in_c(self._text) if self._text is not None else None
        return fast[0] if fast is not None else super().get_single_node()

    def fetch_flow_collection_start(self, TokenClass: type[yaml.Token]) -> None:
        # The scanner reads a flow collection ([...], {...}) to its end before the composer sees any of it: stop
        # at the first one too deep, not after the last (40,000 open `{`: 0.45 s).
        if self.flow_level >= MAX_DEPTH:
            raise TooDeep(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _compose_in_c(text: str) -> tuple[yaml.Node | None] | None:
    """The node of `text` composed by libyaml, in a tuple (a text may hold no document: None); None when libyaml is
    missing, refuses the text, or the text nests deeper than MAX_DEPTH (the Python parser then says where)."""
    if not yaml.__with_libyaml__:
        return None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, OPENS):
                depth += 1
                if depth > MAX_DEPTH:
                    return None
            elif isinstance(event, CLOSES):
                depth -= 1
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    _plain_as_python(root)
    return (root,)


def _plain_as_python(root: yaml.Node | None) -> None:
    """Mark plain scalars under `root` as PyYAML's own composer does (style None; libyaml's gives ""): a node an
    alias repeats is seen once."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            node.style = node.style or None
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
