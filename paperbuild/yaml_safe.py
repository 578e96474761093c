"""Read YAML written by others with PyYAML's safe loader and a bound on how deeply it nests.

Takes YAML text (through `yaml.compose(text, Loader=BoundedLoader)` or `yaml.load(text, Loader=BoundedLoader)`);
gives PyYAML's nodes or values, or raises `yaml.YAMLError`. PyYAML composes and constructs nested lists and
mappings by recursion, so `[[[[...]]]]` ten thousand deep ended in a RecursionError, a crash with no place in the
file; here it is a `TooDeep` error, a `yaml.MarkedYAMLError` at the first list or mapping too deep, which every
caller already reports as invalid YAML at its line.
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


class BoundedLoader(yaml.SafeLoader):
    """The safe loader (no Python objects, no code), refusing lists and mappings nested past MAX_DEPTH."""

    _depth = 0

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
