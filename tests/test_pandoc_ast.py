"""The AST helpers every stage shares: the walk visits every node in document order, the copy is deep."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from paperbuild import pandoc
from paperbuild.pandoc_ast import Node, copy_tree, walk

SOURCE = """---
title: A *title*
abstract: |
  See [@a, p. 3].
---

# Head {#sec:h}

Para with **strong [link](http://x.org)** and a note.[^1]

| a | b |
|---|---|
| `x` | $y$ |

[^1]: Note with [@b].
"""


def parsed() -> dict[str, Any]:
    return dict(json.loads(pandoc.run(["-f", "markdown", "-t", "json"], SOURCE.encode())))


def recursive_walk(value: Any) -> Iterator[Node]:
    """The definition of document order: a node, then everything inside it, depth first."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for child in value.values():
            yield from recursive_walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from recursive_walk(child)


def test_walk_visits_every_node_in_document_order_metadata_and_notes_included() -> None:
    ast = parsed()
    nodes = list(walk(ast))
    assert [id(n) for n in nodes] == [id(n) for n in recursive_walk(ast)]
    kinds = [n["t"] for n in nodes]
    assert kinds.count("Cite") == 2 and {"MetaInlines", "Emph", "Note", "Table", "Code", "Math"} <= set(kinds)


def test_walk_goes_into_content_replaced_on_the_way() -> None:
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "old"}]}]
    seen = []
    for node in walk(blocks):
        seen.append(node["t"])
        if node["t"] == "Para":
            node["c"] = [{"t": "Emph", "c": [{"t": "Str", "c": "new"}]}]
    assert seen == ["Para", "Emph", "Str"]


def test_copy_tree_shares_nothing_with_the_original() -> None:
    ast = parsed()
    copy = copy_tree(ast)
    assert copy == ast
    originals = {id(n) for n in walk(ast)}
    assert not any(id(n) in originals for n in walk(copy))
