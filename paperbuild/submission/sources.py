"""The sources a submission carries: every file the build reads, rewritten as the packed project needs them.

Takes the project, its parsed AST, whether the package is for review and the settings chosen on the command line;
gives the files by path relative to the project (bundle.py packs them under source/). For review, metadata.yaml
loses the keys that name the authors; a journal, style or CSL chosen on the command line is written into it (and a
project's own journal rules extend that journal), so an editor's build of the sources is the paper submitted. Every
other line, comments included, stays as written.
"""

from __future__ import annotations

from typing import Any

import yaml

from paperbuild.errors import InputError
from paperbuild.pandoc_ast import walk
from paperbuild.project import PROFILE_FILE, Project, relative
from paperbuild.resources import image_targets, resolve
from paperbuild.yaml_safe import BoundedLoader

ANONYMISED_KEYS = ("authors", "author", "affiliations", "acknowledgements", "funding")
"""The metadata keys a review package leaves out."""


def source_files(
    project: Project, ast: dict[str, Any], review: bool, chosen: dict[str, str | None]
) -> dict[str, bytes]:
    """What the build reads, by path relative to the project: metadata, chapters, .bib files, the CSL file, the
    journal profile, the images, and the project's own style folders. For review, metadata without the authors;
    each setting `chosen` on the command line (journal, style, csl: None when not) written into metadata.yaml."""
    root = project.root
    files: dict[str, bytes] = {}
    for source in (*project.sources, *project.bib_files):
        files[source.rel] = source.path.read_bytes()
    if review:
        files[project.metadata_file] = anonymised_metadata(project.metadata_source.text).encode()
    extra = [root / PROFILE_FILE, *([project.csl_file] if project.csl_file else [])]
    extra += [p for p in (resolve(t, project).path for t in image_targets(walk(ast))) if p is not None]
    extra += [p for folder in project.style.folders if folder.resolve().is_relative_to(root) for p in folder.rglob("*")]
    for path in extra:
        if path.is_file() and path.resolve().is_relative_to(root):
            files.setdefault(relative(path.resolve(), root), path.read_bytes())
    for key, value in ((k, v) for k, v in chosen.items() if v):  # the command line's choice, for who rebuilds
        files[project.metadata_file] = with_setting(files[project.metadata_file].decode(), key, value).encode()
        if key == "journal" and PROFILE_FILE in files:  # the project's own rules extend the journal chosen
            files[PROFILE_FILE] = with_setting(files[PROFILE_FILE].decode(), "extends", value).encode()
    return files


def anonymised_metadata(text: str) -> str:
    """metadata.yaml's text without the keys that name the authors (authors, affiliations, acknowledgements,
    funding); every other line, comments included, as written."""
    lines = text.splitlines(keepends=True)
    dropped = {line for key in ANONYMISED_KEYS for line in _key_lines(text, key)}
    return "".join(line for index, line in enumerate(lines) if index not in dropped)


def with_setting(text: str, key: str, value: str) -> str:
    """A YAML file's text with its top-level `key` set to `value` where it was (else at the end), every other line
    as written; a mapping under `journal:` (the project's own rules) keeps them and `extends:` the journal."""
    lines = _key_lines(text, key)
    setting: object = value
    if key == "journal" and lines:
        data = yaml.load(text, Loader=BoundedLoader)
        setting = {**data[key], "extends": value} if isinstance(data[key], dict) else value
    written = yaml.safe_dump({key: setting}, allow_unicode=True, sort_keys=False)
    kept = [line for index, line in enumerate((text.rstrip("\n") + "\n").splitlines(True)) if index not in lines]
    at = min(lines, default=len(kept))
    return "".join(kept[:at]) + written + "".join(kept[at:])


def _key_lines(text: str, key: str) -> range:
    """The lines (0-based) a top-level key of a YAML mapping takes; none when it has none."""
    try:
        root = yaml.compose(text, Loader=BoundedLoader)
    except yaml.YAMLError as exc:
        raise InputError(f"metadata.yaml cannot be bundled: {exc}") from exc
    for key_node, value_node in root.value if isinstance(root, yaml.MappingNode) else []:
        if key_node.value == key:
            end = value_node.end_mark.line + (1 if value_node.end_mark.column else 0)
            return range(key_node.start_mark.line, max(end, key_node.start_mark.line + 1))
    return range(0)
