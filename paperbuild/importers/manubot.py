"""Read a Manubot manuscript — `content/NN.name.md`, `content/metadata.yaml`, manual references, `content/images/`.

Takes the manuscript's folder (or its content/ folder); gives a layout Plan: each numbered file as a chapter
(`02.main-text.md` -> `02-main-text.md`), metadata.yaml mapped from Manubot's (authors with `affiliations: [strings]`,
`corresponding`), `manual-references.bib` copied and `manual-references.json` converted to BibTeX. Manubot's
Jinja2 templates (the front matter that lists the authors) are left out: paperbuild prints the byline itself. A
citation by identifier (`@doi:10.x/y`, `@pmid:...`, a tag defined as `[@tag:x]: doi:...`, which cites what it names)
that no .bib entry has is reported with the command that fetches its BibTeX, since Manubot looked it up online and
paperbuild never does. A tag (`[@x]: url`, `[@tag:x]: ...`, or a row of citation-tags.tsv) whose target is an entry
of the new .bib is rewritten in the text to that entry's key, its definition line dropped; a manual reference's id
pandoc cannot cite bare (`http://x/summary?doi=10.1`) is cited by the key it became (csl_bibtex.py). Cross-references
are written as pandoc-xnos printed them (xnos.py: "Figure @fig:x" -> "Figure [-@fig:x]"); an author's `funders`
become the `funding` statement (frontmatter.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from paperbuild import safe_paths
from paperbuild.diagnostics import LineIndex
from paperbuild.importers import xnos
from paperbuild.importers.layout import BIB_KEY, Plan, add_chapter, add_metadata, chapter_name
from paperbuild.importers.pandoc_file import read_block
from paperbuild.markers import CITATION
from paperbuild.tags import DEFINITION, aliases

KIND = "Manubot manuscript"
CHAPTER = re.compile(r"^\d+\..+\.md$")
JINJA_BLOCK = re.compile(rb"\{%-?\s*(?!raw\b|endraw\b)\w|\{##")  # a statement or comment; {% raw %} only quotes
JINJA_VARIABLE = re.compile(rb"\{\{\s*(.+?)\s*\}\}")
PREFIXES = "doi|pmid|pubmed|pmcid|pmc|arxiv|isbn|url|https?|wikidata|tag|raw"
METADATA_FILES = ("metadata.yaml", "metadata.yml")
WRITTEN = re.compile(r"(?<![\w@.])(-?)@(?:\{([^{}\s]+)\}|([^\s;,\]\)\[{}]+))")
"""A citation as Manubot reads it: everything up to a space or bracket (`@http://x/summary?doi=10.1`)."""


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
    known = _known_keys(plan)
    tags = {**_listed_tags(plan, content), **_tags(texts)}
    for path, _ in texts:
        rel = chapter_name(int(path.name.split(".")[0]), path.stem)
        if rel in plan.files:  # not an abstract lifted into the metadata
            text = plan.files[rel].decode("utf-8", "replace")
            plan.files[rel] = xnos.convert(_resolve(text, plan.keys, tags, known)).encode("utf-8")
    _report_identifiers(plan, texts, content, known)
    return plan


def _known_keys(plan: Plan) -> dict[str, str]:
    """The entries of the new project's .bib files: what cites each (its key, or the CSL id it was converted
    from), casefolded -> its key."""
    known = {
        key.casefold(): key
        for rel, data in plan.files.items()
        if rel.startswith("bibliography/") and rel.endswith(".bib")
        for key in BIB_KEY.findall(data.decode("utf-8", "replace"))
    }
    return known | {ident.casefold(): key for ident, key in plan.keys.items()}


def _resolve(text: str, renamed: dict[str, str], tags: dict[str, str], known: dict[str, str]) -> str:
    """`text` citing each entry by its key in the new .bib: a converted CSL id that pandoc cannot cite bare by the
    key it became, a citation tag by the key of the entry it names (its definition line then goes)."""

    def entry(target: str) -> str | None:
        return next((known[t.casefold()] for t in (target, target.removeprefix("url:")) if t.casefold() in known), None)

    resolved = {tag: key for tag, target in tags.items() if (key := entry(target)) is not None}
    text = DEFINITION.sub(lambda m: "" if m.group("tag") in resolved else m.group(0), text)

    def rename(match: re.Match[str]) -> str:
        ident = _written_key(match)
        key = renamed.get(ident)
        if key is None:
            return match.group(0)
        after = "" if match.group(2) is not None else match.group(3)[len(ident) :]  # the sentence's punctuation
        return f"{match.group(1)}@{key}{after}"

    text = WRITTEN.sub(rename, text)

    def retarget(match: re.Match[str]) -> str:
        key = match.group("key")
        return match.group(0).replace(key, resolved[key]) if key in resolved else match.group(0)

    return CITATION.sub(retarget, text)


def _written_key(match: re.Match[str]) -> str:
    """The key of a WRITTEN match: in braces, or bare without the sentence's punctuation after it."""
    return match.group(2) if match.group(2) is not None else match.group(3).rstrip(".:!?")


def _report_identifiers(plan: Plan, texts: list[tuple[Path, bytes]], content: Path, known: dict[str, str]) -> None:
    """One diagnostic per citation by identifier that no .bib entry of the new project has."""
    written, listed = _tags(texts), _listed_tags(plan, content)
    seen: set[str] = set()
    for path, data in texts:
        text = data.decode("utf-8", "replace")
        lines = LineIndex(text)
        definitions = {match.start("tag") - 1 for match in DEFINITION.finditer(text)}  # where their `@` is
        for match in CITATION.finditer(text):
            key = match.group("key") if match.group("key") is not None else match.group("braced")
            written_key = WRITTEN.match(text, match.start())
            if match.start() in definitions or (written_key and _written_key(written_key) in plan.keys):
                continue  # a definition, or an id that became a key pandoc reads whole (read in part here)
            # a tag defined in the text cites the key it names (tags.py); one listed in citation-tags.tsv only
            # is no citation paperbuild resolves: its entry must carry the tag as its key
            wanted = written.get(key, key)
            target = written.get(key) or listed.get(key, key)
            has_entry = {wanted.casefold(), target.casefold(), target.removeprefix("url:").casefold()} & known.keys()
            if key in seen or has_entry or not re.match(rf"(?:{PREFIXES}):", target):
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
            for tag in aliases(match.group("tag")):
                tags.setdefault(tag, match.group("key"))
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
