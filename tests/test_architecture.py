"""The package's imports point down the pipeline: no module imports, even inside a function, one that imports it.

A circle (checks -> journal -> stats -> pipeline -> checks was one) means a stage depends on the build that runs
it; the graph is read from the source with `ast`, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "paperbuild"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the paperbuild modules it imports anywhere in its source (`from a import b` counts a.b when b is a
    module), and the packages holding them, whose `__init__` runs first (a package's own modules excepted)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("paperbuild"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("paperbuild"))
        # importing a.b.c runs the __init__ of a.b first: a module depends on its imports' packages too
        found |= {".".join(m.split(".")[:i]) for m in found for i in range(2, m.count(".") + 1)}
        graph[name] = {m for m in found if m in modules and m != name and not name.startswith(f"{m}.")}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of imports, as the modules along it; [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_the_import_graph_has_no_circle() -> None:
    assert cycle(import_graph()) == []


def test_a_circle_is_found() -> None:
    """The search itself finds a circle, so the test above can fail."""
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
