"""Pack a submission: the PDF, DOCX and HTML, each figure as a file of its own, the supplementary material, the
sources, and a MANIFEST, in one zip.

Takes the project folder, the options and whether the bundle is for double-blind review; gives a `Bundle`: the
build's result and the zip's entries, written to `build/paper-submission.zip` (`paper-review-submission.zip`). The
outputs come from `run_build`, so the checks run first and an error stops the bundle; the figures and sources are
listed from the manuscript it read (read again only after a build with nothing to rebuild). SVG files go in as
svg_safety makes them (what the outputs embed), and a file whose name could escape the folder the zip is unpacked
into, or forge a MANIFEST line, stops the bundle; so does supplementary/ holding a file the path policy refuses, or
more than the zip may hold. A review bundle is built with the `review` style (anonymous) in a scratch folder, and
its metadata.yaml loses the authors, affiliations, acknowledgements and funding (sources.py). The zip is
reproducible: a fixed order of entries, fixed permissions, and the time of SOURCE_DATE_EPOCH (when set) on every
entry and in the MANIFEST.
`pack` does all of this for any `Packing`: meca.py packs the same files with a MECA manifest.xml instead of the
MANIFEST.
"""

from __future__ import annotations

import hashlib
import io
import re
import string
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from paperbuild import __version__, manuscript, pandoc, safe_paths
from paperbuild.build_time import build_time
from paperbuild.errors import InputError, UsageError
from paperbuild.output import OTHER_OUTPUTS, OUTPUT_NAMES, locked, output_folder, write_atomic
from paperbuild.pandoc_ast import Node, stringify, walk
from paperbuild.pipeline import BuildResult, Options, run_build
from paperbuild.project import Project, load_project, relative
from paperbuild.resources import resolve
from paperbuild.stats import numbered_body
from paperbuild.submission import gitrev
from paperbuild.submission.sources import source_files
from paperbuild.svg_safety import safe_svg_bytes
from paperbuild.tex.convert import convert as convert_raw_tex

FORMATS = ("pdf", "docx", "html")
BUNDLE_NAME = OTHER_OUTPUTS["bundle"]
REVIEW_BUNDLE_NAME = OTHER_OUTPUTS["review bundle"]
REVIEW_STYLE = "review"
MANIFEST = "MANIFEST"
ZIP_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can carry


@dataclass(frozen=True)
class Entry:
    """One file of the zip."""

    name: str
    """Path inside the zip, with forward slashes."""
    data: bytes
    """Contents."""

    def __post_init__(self) -> None:
        problem = name_problem(self.name)
        if problem:
            raise InputError(f"cannot put {self.name!r} in the bundle: its name {problem}; rename the file")

    @property
    def sha256(self) -> str:
        """SHA-256 of the contents, in hex."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Bundle:
    """What `bundle` did."""

    result: BuildResult
    """The build of the outputs: diagnostics, timings, what it wrote."""
    path: Path | None = None
    """The zip written; None when the checks stopped the build."""
    entries: list[Entry] = field(default_factory=list)
    """The zip's files in order, MANIFEST last."""


@dataclass(frozen=True)
class FigureFile:
    """One image of the paper as the zip holds it."""

    name: str
    """Path inside the zip: `figures/figure-2a.png`, `figures/image-1.png`."""
    path: Path
    """The image file in the project."""
    label: str
    """What the paper calls it, with the letter of its part: "Figure 2", "Figure 2b", "图 2"; "Image 1 (outside
    the numbered figures)" for an image outside numbered figures."""
    number: str
    """The figure's number as printed ("2"); "" for an image outside numbered figures."""
    caption: str
    """The caption as printed, label included ("Figure 2. Ice thickness ..."); "" outside figures."""


@dataclass(frozen=True)
class Gathered:
    """What `pack` gathered, for a `Packing` to describe."""

    project: Project
    """The project as built (for review: with the anonymous style)."""
    figures: list[FigureFile]
    """The paper's images, in the zip under `figures/`."""
    review: bool
    """Whether the zip is for double-blind review."""
    timestamp: int
    """The zip's time (seconds since the epoch)."""
    out_dir: Path
    """The output folder the zip is written to."""
    journal: str | None = None
    """The journal profile --journal chose, which the bundled metadata.yaml names."""


@dataclass(frozen=True)
class Packing:
    """A kind of submission zip: which outputs it holds, its names, and the files it adds to describe the rest."""

    formats: tuple[str, ...]
    """The outputs built and packed, in this order, first in the zip."""
    name: str
    """The zip's name in the output folder."""
    review_name: str
    """The zip's name when it is for double-blind review."""
    describe: Callable[[Gathered, list[Entry]], list[Entry]]
    """The zip's entries in order, given the gathered ones: these plus a manifest of them."""


def make_bundle(root: Path, options: Options, *, review: bool = False) -> Bundle:
    """Build the outputs, gather the sources and figures, and write the zip into the output folder."""
    return pack(root, options, BUNDLE, review=review)


def pack(root: Path, options: Options, packing: Packing, *, review: bool) -> Bundle:
    """Build `packing`'s outputs, gather them with the figures and sources, and write its zip into the output
    folder; for review, anonymised, with the review style, built in a scratch folder."""
    root = root.resolve()
    out_dir = output_folder(root, options.out_dir)
    if not review:
        return _make(root, options, packing, out_dir / packing.name, review=False)
    style = options.style or REVIEW_STYLE
    project, _ = load_project(root, style=style)
    if not project.style.anonymous:
        raise UsageError(f"--review needs an anonymous style, and '{style}' is not one (style.yaml: anonymous: true)")
    with tempfile.TemporaryDirectory(prefix="paperbuild-review-") as scratch:
        scratch_options = replace(options, style=style, out_dir=Path(scratch))
        return _make(root, scratch_options, packing, out_dir / packing.review_name, review=True)


def _make(root: Path, options: Options, packing: Packing, target: Path, *, review: bool) -> Bundle:
    result = run_build(root, packing.formats, options)
    if not result.ok:
        return Bundle(result)
    project, ast = _built(root, options, result)
    figures = figure_files(ast, project)
    outputs = [OUTPUT_NAMES[fmt] for fmt in packing.formats]
    entries = [Entry(name, (project.out_dir / name).read_bytes()) for name in outputs]
    entries += [Entry(figure.name, figure.path.read_bytes()) for figure in figures]
    entries += [Entry(f"{SUPPLEMENTARY}/{rel}", data) for rel, data in supplementary_files(project.root).items()]
    chosen = {"journal": options.journal, "style": options.style, "csl": options.csl}
    sources = source_files(project, ast, review, chosen)
    entries += [Entry(f"source/{rel}", data) for rel, data in sorted(sources.items())]
    entries = [Entry(e.name, safe_svg_bytes(e.data, e.name)) if e.name.lower().endswith(".svg") else e for e in entries]
    gathered = Gathered(project, figures, review, created(), target.parent, options.journal)
    entries = packing.describe(gathered, entries)
    with locked(target.parent):
        write_atomic(target, zip_bytes(entries, gathered.timestamp))
    return Bundle(result, target, entries)


def _built(root: Path, options: Options, result: BuildResult) -> tuple[Project, dict[str, Any]]:
    """The project and its manuscript's AST with the raw TeX converted (figures and images written in TeX count),
    as the build read them; read again only when the build had nothing to rebuild, so parsed nothing."""
    if result.context is not None:
        return result.context.project, result.context.manuscript.ast
    project, _ = load_project(
        root, out_dir=options.out_dir, style=options.style, csl=options.csl, journal=options.journal
    )
    parsed = manuscript.parse(project)
    convert_raw_tex(parsed.ast, list(project.sources))
    return project, parsed.ast


UNSAFE_NAME = (
    (re.compile(r"[\x00-\x1f\x7f]"), "holds a control character, which would forge a line of the MANIFEST"),
    (re.compile(r"\\"), "holds a backslash, which unzip tools on Windows read as a folder separator"),
    (re.compile(r"^/|^[A-Za-z]:|(?:^|/)\.{0,2}(?:/|$)"), "is absolute or has an empty, '.' or '..' part"),
    (
        re.compile("[\ud800-\udfff\ufffe\uffff]"),
        "holds bytes that are not UTF-8 text, or U+FFFE or U+FFFF, which no zip entry or XML manifest can name",
    ),
)


def name_problem(name: str) -> str:
    """Why `name` cannot name a file in the zip (so that unpacking it writes only inside its folder, and the
    MANIFEST keeps one line per file); "" when it can."""
    return next((problem for pattern, problem in UNSAFE_NAME if pattern.search(name)), "")


def figure_files(ast: dict[str, Any], project: Project) -> list[FigureFile]:
    """Each image of the paper: `figures/figure-2.png` after the figure's number (`figure-2a.png`, `figure-2b.png`
    when a figure holds several; an image two figures show is packed for each), `figures/image-1.png` for images
    outside numbered figures."""
    body, _ = numbered_body(ast, project.metadata.lang)
    named: dict[tuple[str, Path], FigureFile] = {}
    for figure in (n for n in walk(body) if n["t"] == "Figure"):
        printed = _figure_label(figure)
        found = re.search(r"\d+", printed)
        if not found:
            continue
        number = found.group(0)
        caption = " ".join(stringify(figure["c"][1][1]).split())
        paths = _paths([n for n in walk(figure) if n["t"] == "Image"], project)
        for index, path in enumerate(paths):
            letter = string.ascii_lowercase[index] if len(paths) > 1 and index < 26 else ""
            label = f"{printed}{letter}"
            name = f"figures/figure-{number}{letter}{path.suffix.lower()}"
            named.setdefault((number, path), FigureFile(name, path, label, number, caption))
    in_figures = {path for _, path in named}
    others = [p for p in _paths([n for n in walk(body) if n["t"] == "Image"], project) if p not in in_figures]
    for index, path in enumerate(others, start=1):
        label = f"Image {index} (outside the numbered figures)"
        named[("", path)] = FigureFile(f"figures/image-{index}{path.suffix.lower()}", path, label, "", "")
    return list(named.values())


def _figure_label(figure: Node) -> str:
    """The figure's label as its caption prints it ("Figure 2", "图 2"); "" when it has none."""
    for node in walk(figure["c"][1]):
        if node["t"] == "Span" and "caption-label" in node["c"][0][1]:
            return stringify(node).strip().rstrip(".:：")
    return ""


def _paths(images: list[Node], project: Project) -> list[Path]:
    found: dict[Path, None] = {}
    for image in images:
        path = resolve(image["c"][2][0], project).path
        if path is not None:
            found.setdefault(path)
    return list(found)


SUPPLEMENTARY = "supplementary"
"""The project's folder of supplementary material (data, code, extra tables): packed as it is, never built."""
SUPPLEMENTARY_FILE = safe_paths.Limit("a supplementary file", 100_000_000)
SUPPLEMENTARY_IN_ALL = 200_000_000
"""200 MB: the zip is made in memory; a larger data set belongs in a repository the paper cites."""


def supplementary_files(root: Path) -> dict[str, bytes]:
    """The files under the project's supplementary/, by path relative to it, in sorted order: read through the path
    policy (inside the project, regular files), 100 MB each and 200 MB in all at most."""
    folder = root / SUPPLEMENTARY
    if not folder.is_dir():
        return {}
    paths, refused = safe_paths.walk(folder)
    if refused is not None:
        raise InputError(f"{relative(refused.path, root)}: {refused.message}; {refused.hint}")
    files: dict[str, bytes] = {}
    total = 0
    for path in paths:
        data = safe_paths.read(path, [root], SUPPLEMENTARY_FILE)
        if isinstance(data, safe_paths.Refused):
            raise InputError(f"{relative(path, root)}: {data.message}")
        total += len(data)
        if total > SUPPLEMENTARY_IN_ALL:
            raise InputError(
                f"{SUPPLEMENTARY}/ holds more than {SUPPLEMENTARY_IN_ALL:,} bytes; deposit large data in a repository "
                "(Zenodo, Dryad, a university archive) and cite it from the paper"
            )
        files[relative(path, folder)] = data
    return files


def created() -> int:
    """The bundle's time (see build_time), no earlier than a zip entry can carry."""
    return max(build_time(), ZIP_EPOCH)


def tool_versions() -> list[str]:
    """The versions of what made the outputs."""

    def version(name: str) -> str:
        try:
            return package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            return "missing"

    pandoc_line = pandoc.run(["--version"]).decode("utf-8", "replace").splitlines()[0]
    return [
        f"paperbuild {__version__}",
        pandoc_line.strip(),
        f"WeasyPrint {version('weasyprint')}",
        f"pybtex {version('pybtex')}",
        f"Python {sys.version.split()[0]}",
    ]


def manifest(
    entries: list[Entry], project: Project, review: bool, timestamp: int, out_dir: Path, journal: str | None = None
) -> str:
    """The MANIFEST: what the bundle is, when and from which commit it was made, its style and journal (`journal`:
    the one --journal chose), with which tools, and each file with its size and SHA-256 (tab-separated, so `cut`
    and spreadsheets read it)."""
    if review:
        commit = "withheld (review bundle)"
    else:
        found = gitrev.head(project.root, out_dir)
        commit = "none (not in a git repository)" if found is None else found[0]
        if found is not None and found[1]:
            commit += " (with uncommitted changes)"
    chosen = f" ('{journal}' from --journal, set in source/{project.metadata_file})" if journal else ""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))
    lines = [
        f"paperbuild submission bundle{' for double-blind review' if review else ''}",
        f"title: {' '.join(project.metadata.title.split())}",
        f"created: {stamp}",
        f"git commit: {commit}",
        f"style: {project.style.name}",
        f"journal: {project.journal.name if project.journal else 'none'}{chosen}",
        f"tools: {'; '.join(tool_versions())}",
        "",
        "file\tsize\tsha256",
        *(f"{entry.name}\t{len(entry.data)}\t{entry.sha256}" for entry in entries),
    ]
    return "\n".join(lines) + "\n"


def _with_manifest(gathered: Gathered, entries: list[Entry]) -> list[Entry]:
    text = manifest(entries, gathered.project, gathered.review, gathered.timestamp, gathered.out_dir, gathered.journal)
    return [*entries, Entry(MANIFEST, text.encode())]


BUNDLE = Packing(FORMATS, BUNDLE_NAME, REVIEW_BUNDLE_NAME, _with_manifest)
"""The submission bundle: PDF, DOCX and HTML, figures, sources, and the MANIFEST last."""


def zip_bytes(entries: list[Entry], timestamp: int) -> bytes:
    """The zip of `entries`, in their order, each with the same time and permissions: the same entries give the
    same bytes."""
    date_time = time.gmtime(timestamp)[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine, so the permissions below mean the same everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, entry.data, compresslevel=9)
    return buffer.getvalue()
