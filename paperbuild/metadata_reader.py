"""Walk the composed YAML tree of paperbuild's own metadata: values converted, a Diagnostic for each of the wrong kind.

Takes YAML text and its project-relative path; gives the node tree (safe loader, nested at most
yaml_safe.MAX_DEPTH deep, every node with its line and column) and a `MetadataReader` that turns nodes into text,
booleans, lists and mappings, collecting a Diagnostic at file:line:col for each value of the wrong kind, each key
given twice or unknown, and each YAML tag that would construct anything but text, numbers, lists and mappings.
metadata.py reads the top-level keys with it, authorship/authors.py the authors and affiliations.
"""

from __future__ import annotations

import yaml

from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.limits import MAX_KEYWORDS
from paperbuild.yaml_safe import BoundedLoader, TooDeep

MOST_ITEMS = {"keywords": MAX_KEYWORDS}
"""Key -> the items of its list read at most."""
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


class MetadataReader:
    """Walks the composed YAML tree, converting values and collecting diagnostics."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def report(
        self, node: yaml.Node, code: str, message: str, hint: str = "", severity: Severity = Severity.ERROR
    ) -> None:
        mark = node.start_mark
        self.diagnostics.append(Diagnostic(self.path, mark.line + 1, mark.column + 1, severity, code, message, hint))

    def string(self, node: yaml.Node, key: str, *, item: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode):
            if node.tag in STANDARD_TAGS:
                self.report(node, "metadata", f"'{key}' must be text, not a {_kind(node)}")
            return ""
        if node.tag == "tag:yaml.org,2002:null" or node.tag not in STANDARD_TAGS:
            return ""  # a foreign tag is reported once, by _check_tags
        plain_date = key == "date" and node.tag == "tag:yaml.org,2002:timestamp"
        if node.tag != "tag:yaml.org,2002:str" and node.style is None and not plain_date:
            kind = node.tag.rsplit(":", 1)[-1]
            quoted = f'"{node.value}"' if item else f'{key}: "{node.value}"'
            self.report(
                node,
                "metadata",
                f"'{key}' must be text, but YAML reads {node.value!r} as {kind}",
                f"quote it: {quoted}",
            )
        return str(node.value)

    def boolean(self, node: yaml.Node, key: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return bool(yaml.safe_load(node.value))
        self.report(node, "metadata", f"'{key}' must be true or false")
        return False

    def strings(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if isinstance(node, yaml.SequenceNode):
            most = MOST_ITEMS.get(key, len(node.value))
            if len(node.value) > most:
                self.report(
                    node.value[most],
                    "input-limit",
                    f"'{key}' lists {len(node.value):,} items; paperbuild reads at most {most:,}",
                    "keep the few that say what the paper is about",
                )
            return tuple(self.string(entry, key, item=True) for entry in node.value[:most])
        if isinstance(node, yaml.ScalarNode):
            return (self.string(node, key),)
        self.report(node, "metadata", f"'{key}' must be a list of text items")
        return ()

    def mapping(self, node: yaml.Node, what: str, known: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.report(node, "metadata", f"each entry of '{what}' must be a mapping of keys to values")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "(a list or mapping as a key)"
            if key in result:
                first = result[key].start_mark.line + 1
                self.report(key_node, "metadata", f"'{key}' is given twice (first at line {first})", "keep one of them")
            elif key not in known:
                self.report(
                    key_node, "metadata", f"unknown key '{key}' in '{what}'", did_you_mean(key, known), Severity.WARNING
                )
            result[key] = value_node
        return result

    def sequence(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.report(node, "metadata", f"'{key}' must be a list")
        return []


def _kind(node: yaml.Node) -> str:
    return "list" if isinstance(node, yaml.SequenceNode) else "mapping"


def compose_metadata(reader: MetadataReader, text: str) -> yaml.Node | None:
    """The node tree of `text`, its foreign tags reported; None, with a diagnostic unless empty, when unreadable."""
    try:
        root = yaml.compose(text, Loader=BoundedLoader)
    except TooDeep as exc:
        line, col = exc.mark.line + 1, exc.mark.column + 1
        hint = "metadata holds text, and lists and mappings a few levels deep"
        reader.diagnostics.append(
            Diagnostic(reader.path, line, col, Severity.ERROR, "input-limit", str(exc.problem), hint)
        )
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc)
        reader.diagnostics.append(
            Diagnostic(reader.path, line, col, Severity.ERROR, "yaml-syntax", f"invalid YAML: {problem}")
        )
        return None
    if root is not None:
        _check_tags(reader, root)
    return root


def _check_tags(reader: MetadataReader, root: yaml.Node) -> None:
    """Report every YAML tag that would construct something other than text, numbers, lists and mappings
    (`!!python/object/apply:...`): the safe loader never runs them, and the user should know they are ignored."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, key = stack.pop()
        if id(node) in seen:  # aliases share nodes: visit each once, so an alias bomb costs nothing
            continue
        seen.add(id(node))
        if node.tag not in STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            where = f" on '{key}'" if key else ""
            hint = "remove the tag; metadata holds only text, numbers, lists and mappings"
            reader.report(node, "metadata", f"YAML tag '{tag}'{where} is not allowed in metadata", hint)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, key) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                stack.extend([(key_node, key), (value_node, str(key_node.value))])
