"""A journal's submission rules, checked like every other rule: word limits, keywords, references, figures, tables,
required sections and metadata.

Takes the project's `journal.yaml`, or the `journal:` block of metadata.yaml, and the parsed manuscript; gives a
Diagnostic for each breach, with the severity the profile asks for (error unless it says `warning`). The checks are
registered in the checks' registry (registry.py), last, so `check` and every build run them. Without a
profile they find nothing.

A profile reads:

    name: Marine Letters            # how messages name the journal
    severity: error                 # default for every rule: error or warning
    abstract-words: 250             # a number is a maximum ...
    body-words: {max: 6000, severity: warning}   # ... or a mapping with its own severity
    keywords: {min: 3, max: 6}
    references: 40
    figures: 6
    tables: 4
    required-sections: [Introduction, Methods | Materials and Methods, Conclusions]
    required-metadata: [orcid, funding]
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

import yaml

from paperbuild import safe_paths
from paperbuild.checks.registry import CheckContext, check
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.metadata import Author
from paperbuild.pandoc_ast import stringify
from paperbuild.project import PROFILE_FILE
from paperbuild.safe_paths import METADATA, Refused
from paperbuild.stats import Stats, count
from paperbuild.yaml_safe import BoundedLoader

LIMITS = {  # rule -> (code, what the count says: one, several; the limits it takes)
    "abstract-words": ("abstract-words", ("the abstract has {} word", "the abstract has {} words"), ("max",)),
    "body-words": ("body-words", ("the body has {} word", "the body has {} words"), ("max",)),
    "keywords": (
        "keyword-count",
        ("metadata.yaml lists {} keyword", "metadata.yaml lists {} keywords"),
        ("min", "max"),
    ),
    "references": (
        "reference-count",
        ("the reference list has {} entry", "the reference list has {} entries"),
        ("max",),
    ),
    "figures": ("figure-count", ("the paper has {} figure", "the paper has {} figures"), ("max",)),
    "tables": ("table-count", ("the paper has {} table", "the paper has {} tables"), ("max",)),
}
LISTS = {"required-sections": "required-section", "required-metadata": "required-metadata"}
PROFILE_KEYS = ("name", "severity", *LIMITS, *LISTS)
METADATA_ITEMS = {
    "orcid": "an ORCID iD for the corresponding author",
    "email": "an e-mail address for the corresponding author",
    "funding": "a funding statement",
    "acknowledgements": "acknowledgements",
    "abstract": "an abstract",
    "keywords": "keywords",
    "date": "a date",
}
AUTHOR_ITEMS = {"orcid": ("ORCID iD", "orcid: 0000-0002-1825-0097"), "email": ("e-mail address", "email: ...")}


@dataclass(frozen=True)
class Rule:
    """One rule of a journal profile, and where it is written."""

    name: str
    """The profile key: `abstract-words`, `keywords`, `required-sections`, ..."""
    severity: Severity
    """What a breach is: an error (stops the build) or a warning."""
    path: str
    """File the rule is written in (journal.yaml or metadata.yaml), relative to the project."""
    line: int
    """1-based line of the rule."""
    minimum: int | None = None
    """Smallest number allowed, when the rule sets one."""
    maximum: int | None = None
    """Largest number allowed, when the rule sets one."""
    items: tuple[tuple[str, int], ...] = ()
    """Required sections or metadata items, each with its line."""


@dataclass(frozen=True)
class Profile:
    """A journal's rules."""

    name: str
    """The journal's name; "the journal" when the profile gives none."""
    rules: dict[str, Rule] = field(default_factory=dict)
    """Rule name -> rule."""


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def report(self, node: yaml.Node | None, message: str, hint: str = "", *, warning: bool = False) -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (0, 0)
        severity = Severity.WARNING if warning else Severity.ERROR
        self.diagnostics.append(Diagnostic(self.path, line, col, severity, "journal-profile", message, hint))

    def mapping(self, node: yaml.Node, what: str, known: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"'{what}' must be a mapping of keys to values")
            return {}
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in known:
                hint = did_you_mean(key, known) or f"known keys: {', '.join(known)}"
                self.report(key_node, f"unknown key '{key}' in '{what}'", hint, warning=True)
            else:
                found[key] = value_node
        return found

    def number(self, node: yaml.Node, what: str) -> int | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            value = yaml.safe_load(node.value)  # YAML's own reading: 1_000, 0x10, ...
            if isinstance(value, int) and value >= 0:
                return value
        self.report(node, f"'{what}' must be a whole number, 0 or more")
        return None

    def severity(self, node: yaml.Node | None, default: Severity) -> Severity:
        if node is None:
            return default
        if isinstance(node, yaml.ScalarNode) and node.value in ("error", "warning"):
            return Severity(node.value)
        self.report(node, "'severity' must be 'error' or 'warning'")
        return default

    def strings(self, node: yaml.Node, what: str) -> tuple[tuple[str, int], ...]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = []
        for item in items:
            if isinstance(item, yaml.ScalarNode) and str(item.value).strip():
                out.append((str(item.value).strip(), item.start_mark.line + 1))
            else:
                self.report(item, f"'{what}' must be a list of names")
        return tuple(out)


def read_profile(node: yaml.Node, path: str) -> tuple[Profile, list[Diagnostic]]:
    """A profile from its composed YAML node (journal.yaml's root, or metadata's `journal:` value)."""
    reader = _Reader(path)
    top = reader.mapping(node, "journal", PROFILE_KEYS)
    name = str(top["name"].value).strip() if isinstance(top.get("name"), yaml.ScalarNode) else ""
    default = reader.severity(top.get("severity"), Severity.ERROR)
    rules: dict[str, Rule] = {}
    for key, value in top.items():
        line = value.start_mark.line + 1
        if key in LIMITS:
            accepted = LIMITS[key][2]
            if isinstance(value, yaml.MappingNode):
                fields = reader.mapping(value, key, (*accepted, "severity"))
                limits = {k: reader.number(v, f"{key}: {k}") for k, v in fields.items() if k in accepted}
                if not any(v is not None for v in limits.values()):
                    reader.report(value, f"'{key}' sets no limit", f"give {' or '.join(accepted)}")
                severity = reader.severity(fields.get("severity"), default)
            else:
                limits = {"max": reader.number(value, key)}
                severity = default
            rules[key] = Rule(key, severity, path, line, limits.get("min"), limits.get("max"))
        elif key in LISTS:
            severity = default
            if isinstance(value, yaml.MappingNode):
                fields = reader.mapping(value, key, ("require", "severity"))
                severity = reader.severity(fields.get("severity"), default)
                value = fields.get("require", yaml.SequenceNode("tag:yaml.org,2002:seq", []))
            items = reader.strings(value, key)
            if key == "required-metadata":
                for item, item_line in items:
                    if item not in METADATA_ITEMS:
                        hint = did_you_mean(item, METADATA_ITEMS) or f"known: {', '.join(METADATA_ITEMS)}"
                        reader.diagnostics.append(
                            Diagnostic(
                                path,
                                item_line,
                                0,
                                Severity.ERROR,
                                "journal-profile",
                                f"unknown metadata item '{item}' in 'required-metadata'",
                                hint,
                            )
                        )
                items = tuple((item, item_line) for item, item_line in items if item in METADATA_ITEMS)
            rules[key] = Rule(key, severity, path, line, items=items)
    return Profile(name or "the journal", rules), reader.diagnostics


def load_profile(ctx: CheckContext) -> tuple[Profile | None, list[Diagnostic]]:
    """The project's profile (journal.yaml, else metadata's `journal:`), or None; and the problems reading it."""
    project = ctx.project
    found: list[tuple[yaml.Node, str]] = []
    diagnostics: list[Diagnostic] = []
    path = project.root / PROFILE_FILE
    data = safe_paths.read(path, (project.root,), METADATA) if os.path.lexists(path) else b""
    if isinstance(data, Refused):  # a link out of the project: refused unread, so never printed
        diagnostics.append(data.diagnostic(PROFILE_FILE))
    elif data:
        try:
            node = yaml.compose(data.decode("utf-8"), Loader=BoundedLoader)
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            problem = getattr(exc, "problem", None) or str(exc)
            diagnostics.append(
                Diagnostic(PROFILE_FILE, line, col, Severity.ERROR, "journal-profile", f"cannot read: {problem}")
            )
            node = None
        if node is not None:
            found.append((node, PROFILE_FILE))
    try:
        meta = yaml.compose(project.metadata_source.text, Loader=BoundedLoader)
    except yaml.YAMLError:  # reported by metadata.py
        meta = None
    if isinstance(meta, yaml.MappingNode):
        found += [(value, project.metadata_file) for key, value in meta.value if key.value == "journal"]
    if not found:
        return None, diagnostics
    if len(found) > 1:
        node, where = found[1]
        diagnostics.append(
            Diagnostic(
                where,
                node.start_mark.line + 1,
                0,
                Severity.ERROR,
                "journal-profile",
                f"the journal profile is given twice: in {PROFILE_FILE} and here; {PROFILE_FILE} is used",
                "keep one of them",
            )
        )
    profile, read_diagnostics = read_profile(*found[0])
    return profile, diagnostics + read_diagnostics


@dataclass(frozen=True)
class _Facts:
    profile: Profile | None
    problems: list[Diagnostic]
    stats: Stats | None


_last: list[tuple[CheckContext, _Facts]] = []
_lock = threading.Lock()


def _facts(ctx: CheckContext) -> _Facts:
    """The profile and the counts, computed once per check run (every journal check asks for them)."""
    with _lock:
        if _last and _last[0][0] is ctx:
            return _last[0][1]
    profile, problems = load_profile(ctx)
    metadata = ctx.project.metadata
    stats = count(ctx.manuscript.ast, metadata.lang, len(metadata.keywords)) if profile and profile.rules else None
    facts = _Facts(profile, problems, stats)
    with _lock:
        _last[:] = [(ctx, facts)]
    return facts


@check("journal-profile")
def journal_profile(ctx: CheckContext) -> list[Diagnostic]:
    """A journal profile that cannot be read, or has unknown keys or bad values."""
    return _facts(ctx).problems


def _limit_check(rule_name: str) -> Any:
    code, (one, several), _ = LIMITS[rule_name]

    def run(ctx: CheckContext) -> list[Diagnostic]:
        facts = _facts(ctx)
        rule = facts.profile.rules.get(rule_name) if facts.profile else None
        if rule is None or facts.stats is None or facts.profile is None:
            return []
        value = _counted(rule_name, facts.stats)
        journal = facts.profile.name
        what = one if value == 1 else several
        if rule.maximum is not None and value > rule.maximum:
            message = f"{what.format(value)}; {journal} allows at most {rule.maximum}"
            hint = _hint(rule_name, facts.stats, value - rule.maximum)
        elif rule.minimum is not None and value < rule.minimum:
            message = f"{what.format(value)}; {journal} asks for at least {rule.minimum}"
            hint = f"add {rule.minimum - value} more"
        else:
            return []
        path, line = _where(rule_name, rule, ctx)
        return [Diagnostic(path, line, 0, rule.severity, code, message, hint)]

    run.__doc__ = f"The profile's `{rule_name}` limit."
    return run


def _counted(rule_name: str, stats: Stats) -> int:
    return {
        "abstract-words": stats.abstract_words,
        "body-words": stats.body_words,
        "keywords": stats.keywords,
        "references": stats.references,
        "figures": stats.figures,
        "tables": stats.tables,
    }[rule_name]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _hint(rule_name: str, stats: Stats, excess: int) -> str:
    if rule_name == "body-words":
        longest = sorted(stats.sections, key=lambda s: -s.words)[:2]
        names = ", ".join(f"'{s.title}' ({s.words})" for s in longest)
        return f"cut {_plural(excess, 'word')}; the longest sections are {names}"
    if rule_name == "abstract-words":
        return f"cut {_plural(excess, 'word')}"
    if rule_name == "keywords":
        return f"remove {_plural(excess, 'keyword')}"
    if rule_name == "references":
        return f"cite {_plural(excess, 'source')} fewer"
    kind = "figure" if rule_name == "figures" else "table"
    return f"merge or remove {_plural(excess, kind)}, or move them to the supplementary material"


def _where(rule_name: str, rule: Rule, ctx: CheckContext) -> tuple[str, int]:
    """Where a breach is shown: the metadata key it concerns, else the profile's rule."""
    metadata = ctx.project.metadata
    key = {"abstract-words": "abstract", "keywords": "keywords"}.get(rule_name)
    if key and key in metadata.lines:
        return ctx.project.metadata_file, metadata.lines[key]
    return rule.path, rule.line


for _rule in LIMITS:
    check(LIMITS[_rule][0])(_limit_check(_rule))


def _normalize(title: str) -> str:
    return " ".join(title.casefold().replace("&", "and").split()).strip(" .:")


@check("required-section")
def required_section(ctx: CheckContext) -> list[Diagnostic]:
    """A section the profile requires that no heading names (`A | B` accepts either)."""
    facts = _facts(ctx)
    rule = facts.profile.rules.get("required-sections") if facts.profile else None
    if rule is None or facts.profile is None:
        return []
    headings = {_normalize(stringify(node["c"][2])) for node in ctx.manuscript.ast["blocks"] if node["t"] == "Header"}
    out = []
    for item, line in rule.items:
        choices = [choice.strip() for choice in item.split("|") if choice.strip()]
        if not any(_normalize(choice) in headings for choice in choices):
            wanted = " or ".join(f"'{c}'" for c in choices)
            out.append(
                Diagnostic(
                    rule.path,
                    line,
                    0,
                    rule.severity,
                    "required-section",
                    f"no section {wanted}; {facts.profile.name} requires it",
                    f"add a heading '# {choices[0]}' to a chapter",
                )
            )
    return out


def corresponding_authors(authors: tuple[Author, ...]) -> tuple[Author, ...]:
    """The authors marked `corresponding: true`; the first author when none is marked."""
    marked = tuple(a for a in authors if a.corresponding)
    return marked or authors[:1]


@check("required-metadata")
def required_metadata(ctx: CheckContext) -> list[Diagnostic]:
    """Metadata the profile requires and metadata.yaml lacks (an ORCID iD or e-mail for the corresponding author,
    a funding statement, ...)."""
    facts = _facts(ctx)
    rule = facts.profile.rules.get("required-metadata") if facts.profile else None
    if rule is None or facts.profile is None:
        return []
    metadata = ctx.project.metadata
    journal = facts.profile.name
    severity = rule.severity
    author_line = metadata.lines.get("authors", metadata.lines.get("author", 0))

    def breach(line: int, message: str, hint: str) -> Diagnostic:
        return Diagnostic(ctx.project.metadata_file, line, 0, severity, "required-metadata", message, hint)

    out = []
    for item, _ in rule.items:
        if item not in ("orcid", "email"):
            if not getattr(metadata, item):
                out.append(
                    breach(
                        metadata.lines.get(item, 0),
                        f"{journal} requires {METADATA_ITEMS[item]}, and metadata.yaml has none",
                        f"add '{item}: ...' to metadata.yaml",
                    )
                )
            continue
        authors = corresponding_authors(metadata.authors)
        if not authors:
            out.append(
                breach(
                    author_line,
                    f"{journal} requires {METADATA_ITEMS[item]}, and metadata.yaml lists no authors",
                    "add 'authors:' to metadata.yaml",
                )
            )
        for author in authors:
            if not (author.orcid if item == "orcid" else author.email):  # an invalid ORCID iD: metadata.py says so
                what, example = AUTHOR_ITEMS[item]
                out.append(
                    breach(
                        author_line,
                        f"the corresponding author '{author.name}' has no {what}; {journal} requires one",
                        f"add '{example}' (the real one) to the author",
                    )
                )
    return out
