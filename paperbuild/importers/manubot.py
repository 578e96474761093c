"""Read a Manubot manuscript — `content/NN.name.md`, `content/metadata.yaml`, manual references, `content/images/`.

Takes the manuscript's folder (or its content/ folder); gives a layout Plan: each numbered file as a chapter
(`02.main-text.md` -> `02-main-text.md`), metadata.yaml mapped from Manubot's (authors with `affiliations: [strings]`,
`corresponding`), `manual-references.bib` copied and `manual-references.json` converted to BibTeX. Manubot's
Jinja2 templates (the front matter that lists the authors) are left out: paperbuild prints the byline itself. A
citation by identifier (`@doi:10.x/y`, `@pmid:...`, a tag defined as `[@tag:x]: doi:...`, which cites what it names)
that no .bib entry has is reported with the command that fetches its BibTeX, since Manubot looked it up online and
paperbuild never does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from paperbuild import safe_paths
from paperbuild.diagnostics import LineIndex
from paperbuild.importers.layout import Plan, add_chapter, add_metadata
from paperbuild.importers.pandoc_file import read_block
from paperbuild.markers import CITATION
from paperbuild.tags import DEFINITION

KIND = "Manubot manuscript"
CHAPTER = re.compile(r"^\d+\..+\.md$")
JINJA_BLOCK = re.compile(rb"\{%-?\s*(?!raw\b|endraw\b)\w|\{##")  # a statement or comment; {% raw %} only quotes
JINJA_VARIABLE = re.compile(rb"\{\{\s*(.+?)\s*\}\}")
PREFIXES = "doi|pmid|pubmed|pmcid|pmc|arxiv|isbn|url|https?|wikidata|tag|raw"
BIB_KEY = re.compile(r"^\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE)
METADATA_FILES = ("metadata.yaml", "metadata.yml")


def _content(src: Path) -> Path | None:
    for folder in (src / "content", src):
        has_metadata = folder.is_dir() and any((folder / name).is_file() for name in METADATA_FILES)
        if has_metadata and any(CHAPTER.match(p.name) for p in folder.iterdir()):
            return folder
    return None


def read(src: Path) -> Plan | None:
    """A Plan for a Manubot manuscript folder or its content/ folder; None otherwise."""
    content = _content(src) if src.is_dir() else None
    if content is None:
        return None
    plan = Plan(root=src, kind=KIND)
    texts: list[tuple[Path, bytes]] = []
    chapters = sorted((p for p in content.iterdir() if CHAPTER.match(p.name)), key=lambda p: int(p.name.split(".")[0]))
    for path in chapters:
        data = plan.read(path)
        if JINJA_BLOCK.search(data):
            plan.warn(
                path,
                1,
                0,
                "not-imported",
                f"'{path.name}' is a Jinja2 template for Manubot's own data; left out",
                "paperbuild prints the title, authors and affiliations from metadata.yaml",
            )
            continue
        add_chapter(plan, int(path.name.split(".")[0]), path, data, 1, [content, src])
        texts.append((path, data))
        index = LineIndex(data.decode("latin-1"))  # one character a byte: the offsets are the bytes'
        for match in JINJA_VARIABLE.finditer(data):
            name = match.group(1).decode()
            plan.warn(
                path,
                *index.position(match.start()),
                "not-imported",
                f"Manubot template variable '{{{{{name}}}}}' stays as text",
                "write its value into the text",
            )
    metadata = next(content / name for name in METADATA_FILES if (content / name).is_file())
    mapped = read_block(plan, metadata, plan.read(metadata).decode("utf-8", "replace"))
    bibs = [content / f"manual-references.{ext}" for ext in ("bib", "json", "yaml")]
    add_metadata(plan, [(metadata, mapped)], bibs)
    _report_identifiers(plan, texts, content)
    return plan


def _report_identifiers(plan: Plan, texts: list[tuple[Path, bytes]], content: Path) -> None:
    """One diagnostic per citation by identifier that no .bib entry of the new project has."""
    known = {
        key.casefold()
        for rel, data in plan.files.items()
        if rel.startswith("bibliography/") and rel.endswith(".bib")
        for key in BIB_KEY.findall(data.decode("utf-8", "replace"))
    }
    written, listed = _tags(texts), _listed_tags(plan, content)
    seen: set[str] = set()
    for path, data in texts:
        text = data.decode("utf-8", "replace")
        lines = LineIndex(text)
        definitions = {match.start("tag") - 1 for match in DEFINITION.finditer(text)}  # where their `@` is
        for match in CITATION.finditer(text):
            key = match.group("key") if match.group("key") is not None else match.group("braced")
            if match.start() in definitions:
                continue
            # a tag defined in the text cites the key it names (tags.py); one listed in citation-tags.tsv only
            # is no citation paperbuild resolves: its entry must carry the tag as its key
            wanted = written.get(key, key)
            target = written.get(key) or listed.get(key, key)
            if key in seen or wanted.casefold() in known or not re.match(rf"(?:{PREFIXES}):", target):
                continue
            seen.add(key)
            plan.warn(
                path,
                *lines.position(match.start()),
                "unfetched-citation",
                f"'{key}' is cited by identifier, which Manubot looked up online; it has no BibTeX entry",
                _fetch_hint(wanted, target),
            )


def _tags(texts: list[tuple[Path, bytes]]) -> dict[str, str]:
    """Citation tags defined in the text (`[@tag:x]: doi:...` lines): tag -> the key it cites."""
    tags: dict[str, str] = {}
    for _, data in texts:
        for match in DEFINITION.finditer(data.decode("utf-8", "replace")):
            tags.setdefault(match.group("tag"), match.group("key"))
    return tags


def _listed_tags(plan: Plan, content: Path) -> dict[str, str]:
    """Citation tags of content/citation-tags.tsv (Manubot's older form): `tag:x` -> what it cites; read through the
    path policy like every file of the source."""
    tags = {}
    tsv = content / "citation-tags.tsv"
    if os.path.lexists(tsv):
        for row in plan.read(tsv, safe_paths.METADATA).decode("utf-8", "replace").splitlines()[1:]:
            parts = row.split("\t")
            if len(parts) >= 2:
                tags[f"tag:{parts[0].strip()}"] = parts[1].strip()
    return tags


def _fetch_hint(key: str, target: str) -> str:
    rename = f"then change the entry's key to '{key}'"
    if target.startswith("doi:"):
        doi = target.removeprefix("doi:")
        return (
            f'fetch it: curl -LH "Accept: application/x-bibtex" https://doi.org/{doi} '
            f">> bibliography/references.bib, {rename}"
        )
    return (
        f"fetch it: manubot cite {target} | pandoc -f csljson -t bibtex >> bibliography/references.bib "
        f"(pip install manubot), {rename}"
    )
