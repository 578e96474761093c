"""Find a house style and the styles it extends: the only place where layout comes from.

Takes the project folder and a style name; gives a `Style`: its folders (the style first, then the styles it
extends, from `style.yaml`'s `extends:`), its settings, and a diagnostic at the line of each setting with a bad
value. A file missing from a style is taken from the style it extends; stylesheets are applied base first, so a
style only writes what it changes; a setting (and each of `labels:`) is the nearest style's that sets it, so a
style can undo one of the style it extends (`anonymous: false`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from paperbuild import safe_paths, yaml_nodes
from paperbuild.diagnostics import Diagnostic, Severity, did_you_mean
from paperbuild.errors import InputError
from paperbuild.numbering import numbered_words, read_numbering, style_error
from paperbuild.safe_paths import STYLE_FILE, Refused
from paperbuild.words import ENGLISH, Words, words_for
from paperbuild.yaml_safe import BoundedLoader

INSTALLED_STYLES = Path(__file__).resolve().parent / "styles"
"""Where a wheel puts the styles shipped with paperbuild (pyproject.toml maps the top-level styles/ there)."""
PACKAGED_STYLES = INSTALLED_STYLES if INSTALLED_STYLES.is_dir() else Path(__file__).resolve().parent.parent / "styles"
"""The styles shipped with paperbuild: inside the installed package, or the top-level styles/ of a checkout."""
SETTINGS_FILE = "style.yaml"
TEMPLATE = "paper.html.j2"
"""The HTML page's jinja2 template."""
SCREEN_CSS = "paper.css"
"""The page's stylesheet, on screen and in print."""
PRINT_CSS = "print.css"
"""What the PDF adds: the page box, running heads, fonts."""
REFERENCE_DOC = "reference.docx"
"""The DOCX's styles (pandoc's --reference-doc)."""
STYLE_FILES = (SETTINGS_FILE, TEMPLATE, SCREEN_CSS, PRINT_CSS, REFERENCE_DOC)
"""The files a style is made of; a folder of styles/ with none of them (notes, drafts) is not listed as one."""
STYLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
"""A style's name: its folder's, starting with a letter or digit (never __pycache__, .git)."""
SETTINGS = (
    *("extends", "anonymous", "description", "line-numbers", "figures", "tables", "placeholders", "labels"),
    "numbering",
)
PLACEMENTS = ("inline", "end", "end-one-per-page")
"""Where figures (`figures:`) or tables (`tables:`) go: where the text has them; after the references; after the
references, each on a page of its own (figure_placement.py)."""


@dataclass(frozen=True)
class Style:
    """A house style, resolved through the styles it extends."""

    name: str
    """The name it was asked for."""
    folders: tuple[Path, ...]
    """The style's folder, then the folders of the styles it extends, nearest first."""
    anonymous: bool = False
    """Whether the style prints no authors, affiliations, acknowledgements or funding (double-blind review)."""
    line_numbers: bool = False
    """Whether the PDF and the DOCX number the lines of text, continuously through the paper (for review)."""
    figures: str = "inline"
    """Where the figures go, one of PLACEMENTS."""
    tables: str = "inline"
    """Where the tables go, one of PLACEMENTS."""
    placeholders: bool = False
    """Whether a figure or table moved to the end leaves a line "[Figure 1 about here]" where the text had it."""
    labels: tuple[tuple[str, str], ...] = ()
    """The labels the style prints instead of the language's (words.py): (part, label), e.g. ("keywords", "Index
    Terms") for IEEE."""
    numbering: tuple[tuple[str, str, str], ...] = ()
    """How it names and numbers figures, tables and equations, as (kind, key, text): ("tbl", "caption", "TABLE {}"),
    ("tbl", "numerals", "upper-roman") for IEEE (numbering.py)."""
    problems: tuple[Diagnostic, ...] = ()
    """A diagnostic at each setting of the chain's style.yaml files that has a bad value (which is then ignored)."""
    bases: tuple[Path, ...] = ()
    """Where styles were looked up: the project's styles/, then paperbuild's (see `style_roots`)."""
    roots: tuple[Path, ...] = ()
    """Where its files may lie, links followed: the project, paperbuild's shipped styles."""
    contents: tuple[tuple[str, Path], ...] = ()
    """Every file of the chain the path policy lets paperbuild read, as (folder name/relative path, path)."""
    refused: tuple[Refused, ...] = ()
    """The files it does not: links out of the project, FIFOs, files over the limit, folders nested too deep."""

    @property
    def folder(self) -> Path:
        """The style's own folder."""
        return self.folders[0]

    def words(self, lang: str) -> Words:
        """The words of language `lang` with the style's labels in place of the language's."""
        words = numbered_words(words_for(lang), self.numbering)
        return replace(words, labels={**words.labels, **dict(self.labels)}) if self.labels else words

    def _readable(self, path: Path) -> bool:
        return any(path == known for _, known in self.contents)

    def file(self, name: str) -> Path:
        """The style's file `name`, or the nearest extended style's."""
        for folder in self.folders:
            if self._readable(folder / name):
                return folder / name
        raise InputError(f"style '{self.name}' has no {name} (looked in {', '.join(str(f) for f in self.folders)})")

    def layers(self, name: str) -> list[Path]:
        """Every `name` of the chain, base style first: stylesheets that cascade."""
        return [folder / name for folder in reversed(self.folders) if self._readable(folder / name)]

    def files(self) -> list[tuple[str, Path]]:
        """Every file of every folder of the chain as (folder name/relative path, path), for the build cache."""
        return list(self.contents)

    def template(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        """The jinja2 template `name` (a jinja2.FunctionLoader's function): the chain's file, else a file of
        another style (`default/paper.html.j2`), read through the path policy; None when there is none."""
        parts = name.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None
        for folder in (*self.folders, *self.bases):
            path = folder.joinpath(*parts)
            if not os.path.lexists(path):
                continue
            data = safe_paths.read(path, self.roots, STYLE_FILE)
            if isinstance(data, Refused):
                raise InputError(f"{path}: {data.message}")
            return data.decode("utf-8", errors="replace"), str(path), lambda: False
        return None


def style_roots(root: Path) -> tuple[Path, ...]:
    """Where styles are looked up: the project's styles/, then the styles shipped with paperbuild."""
    return tuple(base for base in (root / "styles", PACKAGED_STYLES) if base.is_dir())


def _folder(root: Path, name: str) -> Path:
    if not STYLE_NAME.fullmatch(name):
        raise InputError(f"style name '{name}' must be a plain folder name under styles/")
    for base in style_roots(root):
        if (base / name).is_dir():
            real = (base / name).resolve()
            if not safe_paths.inside(real, (root, PACKAGED_STYLES)):
                raise InputError(
                    f"style '{name}': {base.name}/{name} is a link to {real}, outside the project; copy the style "
                    "into styles/ instead of linking to it"
                )
            return base / name
    known = sorted({p.name for base in style_roots(root) for p in base.iterdir() if _is_style(p)})
    raise InputError(
        f"style '{name}' not found in the project's styles/ or among paperbuild's (known: {', '.join(known) or 'none'})"
    )


def _is_style(folder: Path) -> bool:
    """Whether `folder` looks like a style: a plain name, and at least one of the files a style is made of."""
    return bool(STYLE_NAME.fullmatch(folder.name)) and any((folder / f).is_file() for f in STYLE_FILES)


def _settings(folder: Path, roots: tuple[Path, ...]) -> list[tuple[str, yaml.Node]]:
    """The (key, value node) pairs of a style's style.yaml; [] when it has none."""
    path = folder / SETTINGS_FILE
    if not os.path.lexists(path):
        return []
    text = safe_paths.read(path, roots, safe_paths.METADATA)
    if isinstance(text, Refused):
        raise InputError(f"{path}: {text.message}")
    try:
        node = yaml.compose(text.decode("utf-8"), Loader=BoundedLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: invalid YAML: {exc}") from exc
    found = yaml_nodes.entries(node)
    if not (node is None or isinstance(node, yaml.MappingNode)) or {key for key, _, _ in found} - set(SETTINGS):
        raise InputError(f"{path}: only the keys {', '.join(SETTINGS)} are allowed")
    return [(key, value) for key, _, value in found]


def _bad_value(key: str, node: yaml.Node, where: str) -> Diagnostic | None:
    """A diagnostic at `node` when it is no value of setting `key`; None when it is one."""
    value = yaml_nodes.text(node)
    if key in ("figures", "tables") and value not in PLACEMENTS:
        message = f"{key}: '{value}' is not a placement; it is one of {', '.join(PLACEMENTS)}"
        hint = did_you_mean(value, PLACEMENTS)
    elif key in ("anonymous", "line-numbers", "placeholders") and node.tag != "tag:yaml.org,2002:bool":
        message, hint = f"{key}: '{value}' is neither true nor false", ""
    else:
        return None
    mark = node.start_mark
    return Diagnostic(where, mark.line + 1, mark.column + 1, Severity.ERROR, "style", message, hint)


def _labels(node: yaml.Node, where: str) -> tuple[dict[str, str], list[Diagnostic]]:
    """The labels a `labels:` mapping gives, and a diagnostic at each part it does not know or label it lacks."""
    labels: dict[str, str] = {}
    problems: list[Diagnostic] = []

    def problem(at: yaml.Node, message: str, hint: str = "") -> None:
        problems.append(style_error(where, at, message, hint))

    if not isinstance(node, yaml.MappingNode):
        problem(node, "labels: a mapping of parts to labels is expected, such as 'keywords: Index Terms'")
    for part, key, value in yaml_nodes.entries(node):
        label = str(value.value) if isinstance(value, yaml.ScalarNode) and value.tag != yaml_nodes.NULL else None
        if part not in ENGLISH.labels:
            problem(key, f"labels: '{part}' is not a part paperbuild labels", did_you_mean(part, ENGLISH.labels))
        elif label is None:
            problem(value, f"labels: {part}: the label is not text")
        elif part == "placeholder" and "{}" not in label:
            problem(value, "labels: placeholder: the label has no {} for the figure's name, as in '[{} about here]'")
        else:
            labels[part] = label
    return labels, problems


def _where(path: Path, root: Path) -> str:
    """A style file's path for a diagnostic: relative to the project, or whole for a shipped style's."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def load_style(root: Path, name: str) -> Style:
    """The style `name` with the chain of styles it extends, and its files checked by the path policy."""
    roots = (root, PACKAGED_STYLES)
    folders: list[Path] = []
    chosen: dict[str, yaml.Node] = {}  # setting -> the nearest style's value
    labels: dict[str, str] = {}
    numbering: list[tuple[str, str, str]] = []  # the extended style's first: the nearest style's win
    problems: list[Diagnostic] = []
    current: str | None = name
    while current is not None:
        folder = _folder(root, current)
        if folder in folders:
            raise InputError(f"style '{name}' extends itself through '{current}'")
        folders.append(folder)
        current = None
        for key, node in _settings(folder, roots):
            bad = _bad_value(key, node, _where(folder / SETTINGS_FILE, root))
            problems += [bad] if bad else []
            if key == "extends":
                current = yaml_nodes.text(node) or None
            elif key == "labels":
                found, bad_labels = _labels(node, _where(folder / SETTINGS_FILE, root))
                problems += bad_labels
                labels = {**found, **labels}
            elif key == "numbering":
                names, bad_names = read_numbering(node, _where(folder / SETTINGS_FILE, root))
                problems += bad_names
                numbering = [*names, *numbering]
            elif bad is None:
                chosen.setdefault(key, node)
    contents: list[tuple[str, Path]] = []
    refused: list[Refused] = []
    for folder in folders:
        files, stopped = safe_paths.walk(folder)
        refused += [stopped] if stopped else []
        for path in files:
            problem = safe_paths.check(path, roots, STYLE_FILE)
            if problem is None:
                contents.append((f"{folder.name}/{path.relative_to(folder).as_posix()}", path))
            else:
                refused.append(problem)
    return Style(
        name,
        tuple(folders),
        anonymous=yaml_nodes.flag(chosen.get("anonymous")),
        line_numbers=yaml_nodes.flag(chosen.get("line-numbers")),
        figures=yaml_nodes.text(chosen.get("figures")) or "inline",
        tables=yaml_nodes.text(chosen.get("tables")) or "inline",
        placeholders=yaml_nodes.flag(chosen.get("placeholders")),
        labels=tuple(sorted(labels.items())),
        numbering=tuple(numbering),
        problems=tuple(problems),
        bases=style_roots(root),
        roots=roots,
        contents=tuple(contents),
        refused=tuple(refused),
    )
