"""The build cache: a content hash of every input each output depends on, kept beside the outputs.

Takes the gathered Project, the requested formats and the tool versions; gives, per format, the key of its inputs
and whether the output on disk was made from exactly those inputs. The cache file lives in the output folder
(`.paperbuild-cache.json`); a cache that is missing, corrupted, of another version or not a regular file is simply
not trusted. Of manuscript/, only the files the chapters and metadata name are read and hashed; any other file
there counts by its size and time of change alone, so a large file beside the paper costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from paperbuild import __version__, safe_paths
from paperbuild.csl import read_csl
from paperbuild.diagnostics import Diagnostic, Severity
from paperbuild.output import CACHE_FILE
from paperbuild.project import PROFILE_FILE, Project, relative
from paperbuild.safe_paths import CACHE, IMAGE, METADATA, STYLE_FILE, Refused
from paperbuild.style import PRINT_CSS, REFERENCE_DOC, SETTINGS_FILE

CACHE_VERSION = 1
# Which files of a style folder each format reads: the DOCX its reference document and its settings (anonymous,
# where figures go); the HTML page its template, the screen stylesheet, the settings and the fonts it embeds; the
# PDF is that page plus print.css; the JATS only the settings (a review style leaves the authors out).
STYLE_FILES_OF: dict[str, Callable[[str], bool]] = {
    "docx": lambda rel: rel in (REFERENCE_DOC, SETTINGS_FILE),
    "html": lambda rel: rel not in (REFERENCE_DOC, PRINT_CSS),
    "pdf": lambda rel: rel != REFERENCE_DOC,
    "jats": lambda rel: rel == SETTINGS_FILE,
}
TOOLS_OF = {
    "docx": ("pypandoc-binary",),
    "html": ("pypandoc-binary", "jinja2", "uharfbuzz"),
    "pdf": ("pypandoc-binary", "jinja2", "weasyprint"),
    "jats": ("pypandoc-binary", "lxml"),
}


def _tool_version(name: str) -> str:
    from importlib import metadata as package_metadata  # 25 ms to import: not before a cold build starts its work

    try:
        return package_metadata.version(name)
    except package_metadata.PackageNotFoundError:
        return "missing"


def digest(parts: list[tuple[str, bytes]]) -> str:
    """One hash of named parts (their order does not matter)."""
    hasher = hashlib.sha256()
    for name, data in sorted(parts):
        hasher.update(name.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(data).digest())  # any file name
    return hasher.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of an output's bytes; "" when it does not exist or is not a regular file of its own (a link)."""
    return safe_paths.sha256(path)


PATH_SEPARATORS = re.compile(r"""[\s"'()<>\[\]{}=,;|*]+""")
"""What cannot surround a file name in a chapter: `![x](figures/a.png){#fig:a}`, `<img src="figures/a.png">`."""


def named_paths(texts: Iterable[str]) -> set[str]:
    """Every word of `texts` that may name a file, normalised (`./figures/a%20b.png` -> `figures/a b.png`)."""
    return {posixpath.normpath(unquote(word)) for text in texts for word in PATH_SEPARATORS.split(text) if "." in word}


def _contents(path: Path, roots: tuple[Path, ...], limit: safe_paths.Limit) -> bytes:
    """A file's bytes for the key, or the reason it is refused (the checks report it and stop the build)."""
    data = safe_paths.read(path, roots, limit)
    return f"refused: {data.message}".encode() if isinstance(data, Refused) else data


def _manuscript_parts(project: Project) -> list[tuple[str, bytes]]:
    """The files of manuscript/ beside the chapters: the bytes of those a chapter or the metadata names (figures),
    the size and time of change of the others (a figure named in a way `named_paths` misses still counts)."""
    named = named_paths(source.text for source in project.sources)
    read = {source.path for source in project.sources}
    parts = []
    for path in project.manuscript_files:
        if path in read:
            continue
        rel = relative(path, project.root)
        if path.relative_to(project.manuscript_dir).as_posix() in named:
            parts.append((f"file:{rel}", _contents(path, (project.root,), IMAGE)))
        else:
            try:
                info = os.lstat(path)
            except OSError:  # removed since the walk
                continue
            parts.append((f"seen:{rel}", f"{info.st_size} {info.st_mtime_ns}".encode()))
    return parts


def input_keys(project: Project, formats: tuple[str, ...], settings: dict[str, str]) -> dict[str, str]:
    """Format -> hash of everything its output depends on: chapters, metadata, bibliography, the figures they
    name, CSL, the style files it reads, the options in `settings` that concern it, the tool versions and
    paperbuild's own version."""
    common: list[tuple[str, bytes]] = [
        (f"src:{s.rel}", s.text.encode()) for s in (*project.sources, *project.bib_files)
    ]
    common += _manuscript_parts(project)
    if project.csl_file is not None:
        common.append(("csl", read_csl(project.csl_file)))
    profile = project.root / PROFILE_FILE  # the journal profile's checks decide whether a build may go on
    if os.path.lexists(profile):
        common.append(("journal", _contents(profile, (project.root,), METADATA)))
    if project.journal is not None:  # the shipped profile it names or extends
        common += [(f"journal:{name}", data) for name, data in project.journal.shipped]
    common.append(("paperbuild", __version__.encode()))
    style_files = [
        (name, _contents(path, project.style.roots, STYLE_FILE))
        for name, path in project.style.files()
        if any(STYLE_FILES_OF[fmt](name.split("/", 1)[1]) for fmt in formats)
    ]
    keys = {}
    for fmt in formats:
        parts = list(common)
        for name, data in style_files:
            if STYLE_FILES_OF[fmt](name.split("/", 1)[1]):
                parts.append((f"style:{name}", data))
        parts += [(f"tool:{tool}", _tool_version(tool).encode()) for tool in TOOLS_OF[fmt]]
        parts.append(("style", "\0".join(str(f) for f in project.style.folders).encode()))
        parts.append(("settings", settings.get(fmt, "").encode()))
        keys[fmt] = digest(parts)
    return keys


@dataclass
class BuildCache:
    """What the last successful build of an output folder made, read from and written to its cache file."""

    path: Path
    """The cache file."""
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    """Format -> {"key": input key, "output": file name, "sha256": output hash}."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """The warnings of the last build, shown again when nothing needs rebuilding."""

    @classmethod
    def load(cls, out_dir: Path) -> BuildCache:
        """The cache of `out_dir`; an empty one when the file is missing or cannot be trusted."""
        path = out_dir / CACHE_FILE
        contents = safe_paths.read(path, None, CACHE)  # a link or a FIFO there is no cache, and never blocks
        if isinstance(contents, Refused):
            return cls(path)
        try:
            data: Any = json.loads(contents.decode("utf-8"))
            if data.get("version") != CACHE_VERSION:
                return cls(path)
            entries = {str(f): {k: str(v) for k, v in e.items()} for f, e in data["entries"].items()}
            diagnostics = [Diagnostic(**{**d, "severity": Severity(d["severity"])}) for d in data["diagnostics"]]
            return cls(path, entries, diagnostics)
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls(path)

    def is_fresh(self, fmt: str, key: str, output: Path) -> bool:
        """Whether `output` exists, is the file the cache recorded, and was made from inputs with this key."""
        entry = self.entries.get(fmt)
        return entry is not None and entry["key"] == key and entry["sha256"] == file_sha256(output)

    def record(self, fmt: str, key: str, output: Path) -> None:
        """Remember that `output` was just made from inputs with this key."""
        self.entries[fmt] = {"key": key, "output": output.name, "sha256": file_sha256(output)}

    def to_bytes(self) -> bytes:
        """The cache file's contents."""
        data = {
            "version": CACHE_VERSION,
            "entries": self.entries,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }
        return json.dumps(data, indent=1, sort_keys=True).encode()
