"""Lay out an imported paper as a paperbuild project: chapters, metadata.yaml, figures, .bib files, build.py.

Takes the files an importer found in the source (chapter bodies with their front matter split off, mapped metadata,
bibliography files named); gives a `Plan`: every file of the new project by its path in the project, as bytes, and
the diagnostics (paths relative to the source folder) for what could not be carried over. Chapter text is kept byte
for byte but for what structure.py moves (hand numbers of headings, an opening Abstract); each image a chapter
names is copied to the same relative path under manuscript/, so the path still resolves. Nothing is written here:
the caller writes the plan all or nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

from paperbuild import csl, pandoc, safe_paths
from paperbuild.diagnostics import Diagnostic, Severity, line_index
from paperbuild.errors import InputError
from paperbuild.importers import csl_bibtex, structure
from paperbuild.importers.frontmatter import Mapped
from paperbuild.metadata import KNOWN_KEYS
from paperbuild.pandoc_ast import walk
from paperbuild.resources import IMAGE_TYPES, image_targets
from paperbuild.scaffold_templates import BUILD_PY, GITIGNORE
from paperbuild.yaml_nodes import Problem

MAX_CHAPTERS = 300  # a thesis has a few dozen; past this the source is not a paper
CSL_DATA = (".json", ".yaml", ".yml")  # CSL JSON/YAML bibliographies, converted to BibTeX (csl_bibtex.py)
BIB_KEY = re.compile(r"^\s*@(?!string|preamble|comment)\w+\s*[{(]\s*([^,\s]+)\s*,", re.MULTILINE | re.IGNORECASE)
STYLE_URL = re.compile(
    r"https?://(?:www\.)?zotero\.org/styles/(?P<name>[a-z0-9-]+)/?"
    r"|https?://(?:raw\.githubusercontent\.com/citation-style-language/styles/[\w.-]+"
    r"|github\.com/citation-style-language/styles/(?:raw|blob)/[\w.-]+)/(?:dependent/)?(?P<file>[a-z0-9-]+)\.csl"
)
"""A style of the CSL collection by its URL (Zotero's style repository, the collection's GitHub repository)."""
METADATA_ORDER = tuple(key for key in KNOWN_KEYS if key != "author")  # metadata.yaml's own order, no alias


@dataclass
class Plan:
    """The project an import will write, and what it reports."""

    root: Path
    """The source folder: diagnostics name files relative to it."""
    kind: str
    """What the source is, as printed: "JOSS paper", "Manubot manuscript", ..."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Path in the new project -> contents."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """What could not be carried over, at its place in the source."""
    keys: dict[str, str] = field(default_factory=dict)
    """A converted CSL entry's id -> its key in the new .bib, where they differ."""

    def name(self, path: Path) -> str:
        """`path` as diagnostics print it: relative to the source folder."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def warn(self, path: Path, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        """Report a warning at a place in the source."""
        self.diagnostics.append(Diagnostic(self.name(path), line, col, Severity.WARNING, code, message, hint))

    def note(self, path: Path, line: int, code: str, message: str, hint: str = "") -> None:
        """Report, at a line of the source, something import set that the source did not say."""
        self.diagnostics.append(Diagnostic(self.name(path), line, 0, Severity.NOTE, code, message, hint))

    def report(self, path: Path, problems: list[Problem]) -> None:
        """Report what a metadata mapping left out of `path`."""
        for p in problems:
            self.warn(path, p.line, p.col, "not-imported", p.message, p.hint)

    def read(self, path: Path, limit: safe_paths.Limit = safe_paths.BIBLIOGRAPHY) -> bytes:
        """A file of the source, through paperbuild's path policy (safe_paths): inside the source folder (links
        leading out are refused), a regular file, and at most `limit`."""
        data = safe_paths.read(path, (self.root.resolve(),), limit)
        if isinstance(data, safe_paths.Refused):
            raise InputError(f"import: {self.name(path)}: {data.message}")
        return data


def chapter_name(number: int, stem: str) -> str:
    """The project path of chapter `number` made from a source file's stem (`02.main-text` -> 02-main-text.md)."""
    slug = re.sub(r"^\d+[-._ ]*", "", stem).strip().replace(" ", "-").lower() or "chapter"
    return f"manuscript/{number:02d}-{slug}.md"


def add_chapter(plan: Plan, number: int, source: Path, body: bytes, first_line: int, bases: list[Path]) -> None:
    """Add a chapter made of `body` (the source file's text from line `first_line` on) and copy the images it
    names, looked up from each of `bases` in turn."""
    if sum(rel.startswith("manuscript/") and rel.endswith(".md") for rel in plan.files) >= MAX_CHAPTERS:
        raise InputError(f"import: more than {MAX_CHAPTERS} chapters; is {plan.root} a paper?")
    if not body.strip():
        return  # a file of front matter only (000_meta.md): its metadata is read, no empty chapter made
    body = structure.unnumber(body)
    plan.files[chapter_name(number, source.stem)] = body
    text = body.decode("utf-8", "replace")
    ast = json.loads(pandoc.run(["-f", "markdown", "-t", "json", "--sandbox"], text.encode()))
    for target in dict.fromkeys(image_targets(walk(ast["blocks"]))):
        _copy_image(plan, target, source, text, first_line, bases)


def _copy_image(plan: Plan, target: str, source: Path, text: str, first_line: int, bases: list[Path]) -> None:
    parsed = urlparse(target)
    if parsed.scheme or target.startswith(("/", "\\")):
        return  # the network, data: URIs, absolute paths: `check` reports them in the project
    offset = max(text.find(target), 0)
    line, col = first_line + text.count("\n", 0, offset), offset - text.rfind("\n", 0, offset)
    relative = Path(unquote(parsed.path))
    if ".." in relative.parts:
        plan.warn(
            source,
            line,
            col,
            "not-imported",
            f"image '{target}' lies outside the folder of the text; not copied",
            "copy it into manuscript/figures/ and change the path to figures/...",
        )
        return
    for base in bases:
        path = base / relative
        if path.is_file() and path.resolve().is_relative_to(plan.root.resolve()):
            plan.files[f"manuscript/{relative.as_posix()}"] = plan.read(path, safe_paths.IMAGE)
            if path.suffix.lower() not in IMAGE_TYPES:
                plan.warn(
                    source,
                    line,
                    col,
                    "not-imported",
                    f"image '{target}' is a {path.suffix or 'file without extension'}, which HTML and PDF cannot show",
                    "convert it to PNG or SVG and change the path",
                )
            return
    plan.warn(source, line, col, "missing-resource", f"image '{target}' is not in {plan.root.name}/; not copied")


def add_metadata(plan: Plan, mapped: list[tuple[Path, Mapped]], default_bibs: list[Path]) -> None:
    """Write manuscript/metadata.yaml from the mapped metadata blocks (later blocks win), copy the .bib files and
    CSL style they name (or `default_bibs` when none names one), and report what was left out."""
    metadata: dict[str, object] = {}
    bibs: list[tuple[Path, Path, int]] = []
    for path, block in mapped:
        plan.report(path, block.problems)
        metadata.update(block.metadata)
        bibs += [(path, path.parent / name, line) for name, line in block.bibliography]
        if block.csl is not None:
            csl = _copy_csl(plan, path, *block.csl)
            if csl:
                metadata["csl"] = csl
    for named_in, bib, line in bibs or [(bib, bib, 0) for bib in default_bibs if bib.is_file()]:
        if bib.is_file():
            _copy_bibliography(plan, bib)
        else:
            plan.warn(
                named_in, line, 0, "not-imported", f"bibliography '{plan.name(bib)}' is not in the source; not copied"
            )
    structure.unnumber_front_matter(plan.files)
    structure.promote_sections(plan.files)
    if "abstract" not in metadata:
        abstract, keywords = structure.lift_abstract(plan.files)
        if abstract:
            metadata["abstract"] = abstract
        if keywords and "keywords" not in metadata:
            metadata["keywords"] = [word for word in keywords if word]
    if "lang" not in metadata and structure.chinese(plan.files):
        metadata["lang"] = "zh"
        plan.note(
            mapped[0][0] if mapped else plan.root,
            1,
            "import-detected",
            "lang: zh set: the text is mostly Chinese",
            "set lang in manuscript/metadata.yaml if the paper is in another language",
        )
    ordered = {key: metadata[key] for key in METADATA_ORDER if key in metadata}
    header = f"# Imported from a {plan.kind} by `paperbuild import`; every key is described in paperbuild's README.\n"
    plan.files["manuscript/metadata.yaml"] = (header + dump_yaml(ordered)).encode("utf-8")
    plan.files["build.py"] = BUILD_PY.encode("utf-8")
    plan.files[".gitignore"] = GITIGNORE.encode("utf-8")


def _copy_bibliography(plan: Plan, bib: Path) -> None:
    data = plan.read(bib)
    if bib.suffix.lower() in CSL_DATA:  # CSL JSON or YAML: written as BibTeX
        try:
            items = csl_bibtex.csl_items(data, bib.suffix.lower() != ".json")
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested past Python's stack
            raise InputError(f"import: {plan.name(bib)} is no CSL JSON: {exc}") from None
        converted = csl_bibtex.convert(items)
        plan.keys.update({ident: key for ident, key in converted.keys.items() if ident != key})
        text = data.decode("utf-8", "replace")
        for ident, variable, why in converted.dropped:
            named = re.search(rf"""["']?id["']?\s*:\s*["']?{re.escape(ident)}""", text)
            offset = named.start() if named else max(text.find(ident), 0)
            line = line_index(text).position(offset)[0]
            plan.warn(bib, line, 0, "not-imported", f"'{variable}' of entry '{ident}' is left out: {why}")
        data = converted.bibtex.encode("utf-8")
    plan.files[f"bibliography/{bib.stem}.bib"] = data


def _copy_csl(plan: Plan, named_in: Path, value: str, line: int) -> str:
    """The `csl` value for the project: a style name as it is, and so is one named by its URL when the collection
    paperbuild carries has it (builds never download); a .csl file copied to bibliography/."""
    if re.match(r"https?://", value):
        style = STYLE_URL.fullmatch(value)
        name = (style.group("name") or style.group("file")) if style else ""
        if name and not csl.resolve(name, plan.root, "", 0)[1]:
            return name
        plan.warn(
            named_in,
            line,
            0,
            "not-imported",
            f"citation style '{value}' is on the network"
            + (f" and '{name}' is not in the CSL style collection" if name else "")
            + "; builds never download it; left out",
            "download the .csl file into bibliography/ and name it in 'csl:'",
        )
        return ""
    if not value.endswith(".csl"):
        return value
    path = named_in.parent / value
    if not path.is_file():
        plan.warn(named_in, line, 0, "not-imported", f"citation style '{value}' is not in the source; not copied")
        return ""
    plan.files[f"bibliography/{path.name}"] = plan.read(path)
    return f"bibliography/{path.name}"


class _Dumper(yaml.SafeDumper):
    """Block-style YAML; text with line breaks as a literal block (`abstract: |`)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.strip() + ("\n" if style else ""), style=style)


_Dumper.add_representer(str, _text)


def dump_yaml(data: dict[str, object]) -> str:
    """`data` as readable YAML, keys in the order given."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
