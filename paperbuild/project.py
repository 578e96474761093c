"""Find the parts of a paper project: metadata, chapters in order, bibliography files, style folder and CSL file.

Takes the project folder and the command-line overrides; gives a `Project` (plain data, texts already read and decoded)
and the diagnostics found while gathering it. Nothing here runs pandoc or renders anything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from paperbuild import csl as csl_styles
from paperbuild import safe_paths
from paperbuild.diagnostics import Diagnostic, Severity
from paperbuild.errors import InputError, UsageError
from paperbuild.journal_profiles import PROFILE_FILE as PROFILE_FILE
from paperbuild.journal_profiles import Profile, Setting, load_profile, with_headings
from paperbuild.metadata import Metadata, read_metadata
from paperbuild.output import output_folder
from paperbuild.safe_paths import BIBLIOGRAPHY, CHAPTER, CHAPTERS_IN_ALL, METADATA, Limit, Refused
from paperbuild.style import Style, load_style
from paperbuild.yaml_nodes import FRONT_MATTER

CHAPTER_NAME = re.compile(r"^(\d{2,})[-._][^/]+\.md$")
"""`NN-slug.md`, `NN.slug.md` (Manubot) or `NN_slug.md`: two or more digits, a separator, a slug."""
MARKDOWN_LIKE = re.compile(r"\.(md|markdown|mdown|mkd|txt)$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceFile:
    """A text file of the project, read and decoded."""

    path: Path
    """Absolute path."""
    rel: str
    """Path relative to the project folder, with forward slashes: what diagnostics print."""
    text: str
    """Contents, decoded from UTF-8."""


@dataclass(frozen=True)
class Project:
    """Everything a build reads, gathered and decoded."""

    root: Path
    """The project folder."""
    out_dir: Path
    """Where outputs go (default PROJECT/build)."""
    metadata: Metadata
    """The parsed metadata.yaml."""
    metadata_source: SourceFile
    """metadata.yaml as read (its abstract may hold markers too)."""
    chapters: tuple[SourceFile, ...]
    """Chapters in numeric order of their NN- prefix."""
    bib_files: tuple[SourceFile, ...]
    """The .bib files of bibliography/, in name order."""
    style: Style
    """The house style in use, with the styles it extends."""
    csl_file: Path | None
    """The CSL file in use; None means pandoc's default (Chicago author-date)."""
    manuscript_files: tuple[Path, ...] = ()
    """Every file under manuscript/ (a bounded walk that follows no link to a folder), for the build cache."""
    journal: Profile | None = None
    """The journal profile in use (its rules, style and CSL), None when the project names none."""

    @property
    def sources(self) -> tuple[SourceFile, ...]:
        """The chapters, then metadata.yaml: the files that hold the paper's text and its markers."""
        return (*self.chapters, self.metadata_source)

    @property
    def metadata_file(self) -> str:
        """metadata.yaml's path relative to the project, as diagnostics print it."""
        return self.metadata_source.rel

    @property
    def manuscript_dir(self) -> Path:
        """manuscript/: chapters, metadata and figures; relative image paths resolve from here."""
        return self.root / "manuscript"


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root` with forward slashes, for messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_text(path: Path, root: Path, limit: Limit, diagnostics: list[Diagnostic]) -> str | None:
    """The file's text; None (and a diagnostic) when the path policy refuses it (a link out of the project, not a
    regular file, over `limit`) or it is not UTF-8 text."""
    data = safe_paths.read(path, (root,), limit)
    if isinstance(data, Refused):
        diagnostics.append(data.diagnostic(relative(path, root)))
        return None
    if b"\0" in data:
        offset = data.index(b"\0")
        diagnostics.append(
            Diagnostic(
                relative(path, root),
                data.count(b"\n", 0, offset) + 1,
                0,
                Severity.ERROR,
                "encoding",
                f"binary data (a NUL byte at byte {offset}), not text",
                "chapters and .bib files are plain UTF-8 text",
            )
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        diagnostics.append(
            Diagnostic(
                relative(path, root),
                line,
                0,
                Severity.ERROR,
                "encoding",
                f"not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r})",
                "save the file as UTF-8",
            )
        )
        return None


def split_front_matter(text: str) -> tuple[str, str]:
    """A chapter's YAML block ("" when none), its lines where the chapter has them, and the chapter with the block's
    lines blanked, so every later line and column stays where it was."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return "", text
    return "\n" + match.group("yaml"), "\n" * match.group().count("\n") + text[match.end() :]


def find_chapters(manuscript: Path, root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Chapter files (`NN-slug.md`, `NN.slug.md`, `NN_slug.md`) in numeric order; warnings for skipped
    Markdown-like files, errors for clashes."""
    diagnostics: list[Diagnostic] = []
    numbered: dict[int, Path] = {}
    for path in sorted(manuscript.iterdir()):
        name = path.name
        if name.startswith((".", "#")) or name.endswith("~") or path.is_dir():
            continue
        match = CHAPTER_NAME.match(name)
        if match is None:
            if MARKDOWN_LIKE.search(name):
                diagnostics.append(
                    Diagnostic(
                        relative(path, root),
                        0,
                        0,
                        Severity.WARNING,
                        "skipped-file",
                        f"'{name}' is not a chapter and is skipped",
                        "chapters are named NN-slug.md (or NN.slug.md, NN_slug.md), e.g. 07-discussion.md",
                    )
                )
            continue
        number = int(match.group(1))
        if number in numbered:
            other = relative(numbered[number], root)
            name = relative(path, root)
            diagnostics.append(
                Diagnostic(
                    relative(path, root),
                    0,
                    0,
                    Severity.ERROR,
                    "duplicate-chapter",
                    f"chapter number {number} is used twice: '{other}' and '{name}'",
                    "renumber one of them",
                )
            )
            continue
        numbered[number] = path
    return [numbered[n] for n in sorted(numbered)], diagnostics


def load_project(
    root: Path,
    *,
    out_dir: Path | None = None,
    style: str | None = None,
    csl: str | None = None,
    journal: str | None = None,
) -> tuple[Project, list[Diagnostic]]:
    """Gather and decode everything under `root`; raise InputError only when there is no paper to speak of.

    The style and the CSL are the command line's (`style`, `csl`), else metadata's, else the journal profile's
    (`journal` names a shipped one, over metadata's `journal:`), else the default style and pandoc's CSL."""
    root = root.resolve()
    manuscript = root / "manuscript"
    if not manuscript.is_dir():
        raise InputError(f"{root}: no manuscript/ folder; is this a paperbuild project? (see --project)")
    if not safe_paths.inside(manuscript.resolve(), (root,)):
        raise InputError(f"manuscript: a link to {manuscript.resolve()}, outside the project; make it a folder")
    output = output_folder(root, out_dir)
    diagnostics: list[Diagnostic] = []
    meta_path = manuscript / "metadata.yaml"
    meta_rel = relative(meta_path, root)
    if not os.path.lexists(meta_path):
        raise InputError(f"{meta_rel}: missing; a paper needs at least 'title: ...' there")
    meta_text = _read_text(meta_path, root, METADATA, diagnostics)
    manuscript_files, stopped = safe_paths.walk(manuscript)
    if stopped is not None:
        diagnostics.append(stopped.diagnostic(relative(stopped.path, root)))
    chapter_paths, chapter_diags = find_chapters(manuscript, root)
    diagnostics += chapter_diags
    if not chapter_paths:
        raise InputError(f"{relative(manuscript, root)}: no chapters; name them like 01-introduction.md")
    chapters = []
    front_matter = []
    total = 0
    for path in chapter_paths:
        text = _read_text(path, root, CHAPTER, diagnostics)
        if text is not None:
            block, text = split_front_matter(text)
            if block:
                front_matter.append((relative(path, root), block))
            chapters.append(SourceFile(path, relative(path, root), text))
            total += len(text.encode())
        if total > CHAPTERS_IN_ALL:
            raise InputError(
                f"{relative(path, root)}: the chapters up to this one hold {total:,} bytes; paperbuild reads at most "
                f"{CHAPTERS_IN_ALL:,} bytes of chapters in all"
            )

    if meta_text is None:
        metadata = Metadata(title="")
    else:
        metadata, meta_diags = read_metadata(meta_text, meta_rel, front_matter)
        diagnostics += meta_diags

    bib_dir = root / "bibliography"
    bib_files = []
    for path in sorted(bib_dir.glob("*.bib")) if bib_dir.is_dir() else []:
        text = _read_text(path, root, BIBLIOGRAPHY, diagnostics)
        if text is not None:
            bib_files.append(SourceFile(path, relative(path, root), text))

    profile, profile_diags = load_profile(root, meta_text or "", meta_rel, journal)
    diagnostics += profile_diags
    settings = profile.settings if profile else {}
    house_style = _house_style(root, style, metadata, meta_rel, settings.get("style"), diagnostics)
    house_style = with_headings(house_style, profile)  # a journal's heading of the authors' roles
    diagnostics += [refused.diagnostic(relative(refused.path, root)) for refused in house_style.refused]
    diagnostics += house_style.problems
    csl_file = None
    if csl:
        csl_file, csl_diag = csl_styles.resolve(csl, root, meta_rel, 0)
        if csl_diag:  # named on the command line: wrong usage, not a fault of metadata.yaml
            problem = csl_diag[0]
            raise UsageError(f"--csl: {problem.message}" + (f"; {problem.hint}" if problem.hint else ""))
    elif metadata.csl:
        csl_file, csl_diag = csl_styles.resolve(metadata.csl, root, meta_rel, metadata.lines.get("csl", 0))
        diagnostics += csl_diag
    elif "csl" in settings:
        chosen = settings["csl"]
        csl_file, csl_diag = csl_styles.resolve(chosen.value, root, chosen.path, chosen.line)
        diagnostics += csl_diag
    project = Project(
        root=root,
        out_dir=output,
        metadata=metadata,
        metadata_source=SourceFile(meta_path, meta_rel, meta_text or ""),
        chapters=tuple(chapters),
        bib_files=tuple(bib_files),
        style=house_style,
        csl_file=csl_file,
        manuscript_files=tuple(manuscript_files),
        journal=profile,
    )
    return project, diagnostics


def _house_style(
    root: Path,
    style: str | None,
    metadata: Metadata,
    meta_rel: str,
    chosen: Setting | None,
    diagnostics: list[Diagnostic],
) -> Style:
    """The style the command line names, else metadata's `style:`, else the journal profile's, else the default;
    the default, and an error where the name is written, when it cannot be found."""
    if style:
        try:
            return load_style(root, style)
        except InputError as exc:  # named on the command line: wrong usage (exit 2)
            raise UsageError(f"--style: {exc}") from exc
    if "style" in metadata.lines or metadata.style != "default" or chosen is None:
        where = Setting(metadata.style, meta_rel, metadata.lines.get("style", 0))
        code = "metadata"
    else:
        where, code = chosen, "journal-profile"
    try:
        return load_style(root, where.value)
    except InputError as exc:
        diagnostics.append(Diagnostic(where.path, where.line, 0, Severity.ERROR, code, str(exc)))
        return load_style(root, "default")  # so that every other check still runs
