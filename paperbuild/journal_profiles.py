"""Read a journal profile: a shipped one by name, the project's own (journal.yaml or metadata's `journal:` mapping),
or the project's own extending a shipped one.

Takes the project folder, metadata.yaml's text and the journal named on the command line; gives the `Profile` in use
(its name, the house style, CSL and rules it sets, each rule with the file and line it is written at) or None, and a
Diagnostic for every problem reading it. The checks (checks/journal.py) enforce its rules; project.py takes its style
and CSL. Shipped profiles are the files of `paperbuild/journals/`, one a journal, each naming the author guidelines it
was written from.

A profile reads:

    name: Marine Letters            # how messages name the journal
    extends: plos-one               # a project's profile only: the shipped profile whose rules it changes
    guidelines: {url: https://..., date: 2026-12-03}   # required in a shipped profile
    style: default                  # house style folder
    csl: plos                       # citation style: a CSL name or a .csl file of the project
    credit-heading: CRediT authorship contribution statement   # the heading of the authors' roles
    severity: error                 # default for every rule written here: error or warning
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
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from paperbuild import safe_paths
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.errors import UsageError
from paperbuild.safe_paths import METADATA, Refused
from paperbuild.style import Style
from paperbuild.yaml_safe import BoundedLoader

PROFILE_FILE = "journal.yaml"
"""The project's own profile, beside manuscript/."""
SHIPPED_DIR = Path(__file__).resolve().parent / "journals"
"""The profiles shipped with paperbuild, one `NAME.yaml` a journal."""
PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
"""A shipped profile's name: its file's name without .yaml, never a path."""
LIMITS = {  # rule -> the limits it takes
    "abstract-words": ("min", "max"),
    "body-words": ("max",),
    "keywords": ("min", "max"),
    "references": ("max",),
    "figures": ("max",),
    "tables": ("max",),
}
LISTS = ("required-sections", "required-metadata")
SETTINGS = ("style", "csl", "credit-heading")
LABELS = {"credit-heading": "contributions"}
"""A setting naming a heading -> the part of the paper (words.py's label) it names."""
PROFILE_KEYS = ("name", "extends", "guidelines", *SETTINGS, "severity", *LIMITS, *LISTS)
METADATA_ITEMS = {
    "orcid": "an ORCID iD for the corresponding author",
    "email": "an e-mail address for the corresponding author",
    "funding": "a funding statement",
    "acknowledgements": "acknowledgements",
    "abstract": "an abstract",
    "keywords": "keywords",
    "date": "a date",
}


@dataclass(frozen=True)
class Rule:
    """One rule of a journal profile, and where it is written."""

    name: str
    """The profile key: `abstract-words`, `keywords`, `required-sections`, ..."""
    severity: Severity
    """What a breach is: an error (stops the build) or a warning."""
    path: str
    """File the rule is written in: journal.yaml or metadata.yaml relative to the project, a shipped profile's path
    in the package (`paperbuild/journals/elsevier.yaml`: where it is installed says nothing to an author)."""
    line: int
    """1-based line of the rule."""
    minimum: int | None = None
    """Smallest number allowed, when the rule sets one."""
    maximum: int | None = None
    """Largest number allowed, when the rule sets one."""
    items: tuple[tuple[str, int], ...] = ()
    """Required sections or metadata items, each with its line."""


@dataclass(frozen=True)
class Setting:
    """A value a profile sets (its style, CSL or the profile it extends), and where."""

    value: str
    """As written."""
    path: str
    """File it is written in, as Rule.path."""
    line: int
    """1-based line."""


@dataclass(frozen=True)
class Profile:
    """A journal's rules, and the style and citation style it selects."""

    name: str
    """The journal's name; "the journal" when the profile gives none."""
    rules: dict[str, Rule] = field(default_factory=dict)
    """Rule name -> rule."""
    settings: dict[str, Setting] = field(default_factory=dict)
    """`style`, `csl`, `extends` -> the value the profile sets."""
    guidelines: str = ""
    """URL of the author guidelines the profile was written from."""
    shipped: tuple[tuple[str, bytes], ...] = ()
    """The shipped profile file read, as (name, bytes), for the build cache."""


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

    def text(self, node: yaml.Node, what: str) -> str:
        if isinstance(node, yaml.ScalarNode) and str(node.value).strip():
            return str(node.value).strip()
        self.report(node, f"'{what}' must be a name")
        return ""

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
    """A profile from its composed YAML node (a profile file's root, or metadata's `journal:` value)."""
    reader = _Reader(path)
    top = reader.mapping(node, "journal", PROFILE_KEYS)
    name = reader.text(top["name"], "name") if "name" in top else ""
    default = reader.severity(top.get("severity"), Severity.ERROR)
    settings = {
        key: Setting(reader.text(top[key], key), path, top[key].start_mark.line + 1)
        for key in ("extends", *SETTINGS)
        if key in top
    }
    guidelines = ""
    if "guidelines" in top:
        fields = reader.mapping(top["guidelines"], "guidelines", ("url", "date"))
        guidelines = reader.text(fields["url"], "guidelines: url") if "url" in fields else ""
        if not guidelines.startswith("https://"):
            reader.report(top["guidelines"], "'guidelines' must give the 'url' (https://...) they were read at")
    rules: dict[str, Rule] = {}
    for key, value in top.items():
        line = value.start_mark.line + 1
        if key in LIMITS:
            accepted = LIMITS[key]
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
                items = _known_items(items, path, reader.diagnostics)
            rules[key] = Rule(key, severity, path, line, items=items)
    settings = {key: setting for key, setting in settings.items() if setting.value}
    return Profile(name or "the journal", rules, settings, guidelines), reader.diagnostics


def _known_items(
    items: tuple[tuple[str, int], ...], path: str, diagnostics: list[Diagnostic]
) -> tuple[tuple[str, int], ...]:
    """The items of `required-metadata` paperbuild knows; an error for each other one."""
    for item, line in items:
        if item not in METADATA_ITEMS:
            hint = did_you_mean(item, METADATA_ITEMS) or f"known: {', '.join(METADATA_ITEMS)}"
            message = f"unknown metadata item '{item}' in 'required-metadata'"
            diagnostics.append(Diagnostic(path, line, 0, Severity.ERROR, "journal-profile", message, hint))
    return tuple((item, line) for item, line in items if item in METADATA_ITEMS)


def shipped_names() -> list[str]:
    """The names of the profiles shipped with paperbuild, sorted."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml") if PROFILE_NAME.fullmatch(p.stem))


def _compose(data: bytes, path: str) -> tuple[yaml.Node | None, list[Diagnostic]]:
    try:
        return yaml.compose(data.decode("utf-8"), Loader=BoundedLoader), []
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Diagnostic(path, line, col, Severity.ERROR, "journal-profile", f"cannot read: {problem}")]


def read_shipped(name: str) -> tuple[Profile | None, list[Diagnostic]]:
    """The shipped profile `name`; None when there is none of that name (the caller says where it was named)."""
    if not PROFILE_NAME.fullmatch(name) or not (SHIPPED_DIR / f"{name}.yaml").is_file():
        return None, []
    file = SHIPPED_DIR / f"{name}.yaml"
    data = safe_paths.read(file, (SHIPPED_DIR,), METADATA)
    path = f"paperbuild/journals/{name}.yaml"
    if isinstance(data, Refused):
        return None, [data.diagnostic(path)]
    node, problems = _compose(data, path)
    if node is None:
        return None, problems
    profile, problems = read_profile(node, path)
    if not profile.guidelines:
        problems.append(
            Diagnostic(path, 1, 0, Severity.ERROR, "journal-profile", "a shipped profile must name its guidelines")
        )
    if "extends" in profile.settings:
        where = profile.settings["extends"]
        message = "a shipped profile extends nothing; only a project's profile does"
        problems.append(Diagnostic(path, where.line, 0, Severity.ERROR, "journal-profile", message))
    return Profile(profile.name, profile.rules, profile.settings, profile.guidelines, ((name, data),)), problems


def unknown_name(name: str) -> tuple[str, str]:
    """The message and hint for a journal name no shipped profile has."""
    names = shipped_names()
    hint = " ".join(filter(None, [did_you_mean(name, names), f"shipped profiles: {', '.join(names)}"]))
    return f"unknown journal profile '{name}'", hint


def _own_profile(
    root: Path, metadata_text: str, metadata_path: str
) -> tuple[Profile | None, Setting | None, list[Diagnostic]]:
    """The project's own profile (journal.yaml, else metadata's `journal:` mapping), the name metadata's `journal:`
    gives, and the problems reading them."""
    found: list[tuple[yaml.Node, str]] = []
    named: Setting | None = None
    diagnostics: list[Diagnostic] = []
    file = root / PROFILE_FILE
    data = safe_paths.read(file, (root,), METADATA) if os.path.lexists(file) else b""
    if isinstance(data, Refused):  # a link out of the project: refused unread, so never printed
        diagnostics.append(data.diagnostic(PROFILE_FILE))
    elif data:
        node, problems = _compose(data, PROFILE_FILE)
        diagnostics += problems
        found += [(node, PROFILE_FILE)] if node is not None else []
    try:
        meta = yaml.compose(metadata_text, Loader=BoundedLoader)
    except yaml.YAMLError:  # reported by metadata.py
        meta = None
    for key, value in meta.value if isinstance(meta, yaml.MappingNode) else []:
        if key.value != "journal":
            continue
        line = value.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            found.append((value, metadata_path))
        elif isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str" and value.value.strip():
            named = Setting(value.value.strip(), metadata_path, line)
        else:
            message, hint = "'journal' must name a journal profile or hold its rules", "e.g. 'journal: plos-one'"
            diagnostics.append(Diagnostic(metadata_path, line, 0, Severity.ERROR, "journal-profile", message, hint))
    if len(found) > 1:
        node, where = found[1]
        message = f"the journal profile is given twice: in {PROFILE_FILE} and here; {PROFILE_FILE} is used"
        line = node.start_mark.line + 1
        diagnostics.append(Diagnostic(where, line, 0, Severity.ERROR, "journal-profile", message, "keep one of them"))
    if not found:
        return None, named, diagnostics
    own, problems = read_profile(*found[0])
    return own, named, diagnostics + problems


def load_profile(
    root: Path, metadata_text: str, metadata_path: str, selected: str | None = None
) -> tuple[Profile | None, list[Diagnostic]]:
    """The profile in use, or None: the shipped profile named by `selected` (`--journal`), else by metadata's
    `journal: NAME`, else by the project's profile's `extends:`, with the project's own rules over it; and the
    problems reading them. A name on the command line that no shipped profile has is a UsageError."""
    own, named, diagnostics = _own_profile(root, metadata_text, metadata_path)
    extends = own.settings.get("extends") if own else None
    if named and extends and named.value != extends.value and not selected:
        message = f"'extends: {extends.value}' differs from metadata's 'journal: {named.value}', which is used"
        hint = "name the journal in one place"
        diagnostics.append(Diagnostic(extends.path, extends.line, 0, Severity.ERROR, "journal-profile", message, hint))
    base_name = Setting(selected, "", 0) if selected else named or extends
    if base_name is None:
        return own, diagnostics
    base, problems = read_shipped(base_name.value)
    diagnostics += problems
    if base is None and not problems:
        message, hint = unknown_name(base_name.value)
        if selected:
            raise UsageError(f"--journal: {message}; {hint}")
        diagnostics.append(
            Diagnostic(base_name.path, base_name.line, 0, Severity.ERROR, "journal-profile", message, hint)
        )
    if base is None or own is None:
        return base or own, diagnostics
    settings = {key: value for key, value in {**base.settings, **own.settings}.items() if key != "extends"}
    name = own.name if own.name != "the journal" else base.name
    merged = Profile(name, {**base.rules, **own.rules}, settings, own.guidelines or base.guidelines, base.shipped)
    return merged, diagnostics


def with_headings(style: Style, profile: Profile | None) -> Style:
    """`style` printing the headings the journal's profile names (`credit-heading`), unless the style names its own
    (its `labels:`)."""
    settings = profile.settings if profile else {}
    named = tuple((part, settings[key].value) for key, part in LABELS.items() if key in settings)
    return replace(style, labels=(*named, *style.labels)) if named else style
