"""Find the characters no available font can draw, before the PDF would show them as empty boxes ("tofu").

Takes the project (its style's fonts and its sources) and the text the PDF will typeset; gives a diagnostic per
source line holding such characters, naming them and the font package to install. Available fonts are the style's
own (read with fontTools, which WeasyPrint already depends on) and the system's (listed by fontconfig's fc-list,
the font lookup Pango itself falls back on). A formula is drawn in the math font alone, with no fallback: characters
that font lacks are an error at their formula (`math_missing_glyphs`).
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.project import Project, SourceFile, relative

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")
# (first, last code point, Debian/Ubuntu font package that covers the block): the scripts a paper may quote.
# fonts-noto-core has a serif or sans face for each (Noto Naskh Arabic, Noto Serif Hebrew, Noto Serif Devanagari and
# the other Indic scripts, Noto Serif Thai, ...); Greek and Cyrillic are also in the default style's Noto Serif.
PACKAGES = (
    (0x0370, 0x03FF, "fonts-noto-core"),  # Greek and Coptic
    (0x0400, 0x052F, "fonts-noto-core"),  # Cyrillic and its supplement
    (0x0530, 0x058F, "fonts-noto-core"),  # Armenian
    (0x0590, 0x05FF, "fonts-noto-core"),  # Hebrew
    (0x0600, 0x077F, "fonts-noto-core"),  # Arabic, Syriac, Arabic Supplement
    (0x0900, 0x0DFF, "fonts-noto-core"),  # Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, ..., Sinhala
    (0x0E00, 0x0EFF, "fonts-noto-core"),  # Thai, Lao
    (0x10A0, 0x10FF, "fonts-noto-core"),  # Georgian
    (0x1200, 0x137F, "fonts-noto-core"),  # Ethiopic
    (0x1780, 0x17FF, "fonts-noto-core"),  # Khmer
    (0x1C80, 0x1C8F, "fonts-noto-core"),  # Cyrillic Extended-C
    (0x1F00, 0x1FFF, "fonts-noto-core"),  # Greek Extended (polytonic)
    (0x2DE0, 0x2DFF, "fonts-noto-core"),  # Cyrillic Extended-A
    (0xA640, 0xA69F, "fonts-noto-core"),  # Cyrillic Extended-B
    (0xA8E0, 0xA8FF, "fonts-noto-core"),  # Devanagari Extended
    (0xFB1D, 0xFDFF, "fonts-noto-core"),  # Hebrew and Arabic presentation forms
    (0xFE70, 0xFEFF, "fonts-noto-core"),  # Arabic presentation forms B
    (0x1100, 0x11FF, "fonts-noto-cjk"),
    (0x2E80, 0x9FFF, "fonts-noto-cjk"),
    (0xAC00, 0xD7AF, "fonts-noto-cjk"),
    (0xF900, 0xFAFF, "fonts-noto-cjk"),
    (0xFF00, 0xFFEF, "fonts-noto-cjk"),
    (0x20000, 0x3FFFF, "fonts-noto-cjk"),
    (0x1F300, 0x1FAFF, "fonts-noto-color-emoji"),
)
MAX_LISTED = 8
FEW_CHARACTERS = 16
"""Up to this many characters the style's fonts leave out are asked of fontconfig one by one (`fc-list -q
:charset=...`, 0.02 s each); more, and its whole listing is read (0.5 s of CPU with the Noto faces installed)."""


def _style_coverage(fonts_dir: Path) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    covered: set[int] = set()
    for path in sorted(fonts_dir.rglob("*")) if fonts_dir.is_dir() else []:
        suffix = path.suffix.lower()
        if suffix in (".ttc", ".otc"):
            with TTCollection(path, lazy=True) as collection:
                for font in collection.fonts:
                    covered.update(font.getBestCmap() or {})
        elif suffix in FONT_SUFFIXES:
            with TTFont(path, lazy=True) as font:
                covered.update(font.getBestCmap() or {})
    return covered


class CodePointRanges:
    """A set of code points kept as sorted, merged ranges: fontconfig lists a CJK font as thousands of ranges
    covering tens of thousands of characters, which a plain set would have to expand."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for first, last in sorted(ranges):
            if merged and first <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        self._firsts = [first for first, _ in merged]
        self._lasts = [last for _, last in merged]

    def __contains__(self, code: int) -> bool:
        at = bisect.bisect_right(self._firsts, code) - 1
        return at >= 0 and code <= self._lasts[at]


@cache
def system_coverage() -> CodePointRanges | None:
    """Code points some installed font covers, per fontconfig; None when fc-list is not installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listing = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, timeout=60)
    ranges = []
    for part in listing.stdout.split():
        first, _, last = part.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return CodePointRanges(ranges)


def _no_font_has(fc_list: str, char: str) -> bool:
    """Whether fontconfig has no font that covers `char` (`fc-list -q` exits 1 when no font matches)."""
    asked = subprocess.run([fc_list, "-q", f":charset={ord(char):x}"], capture_output=True, timeout=60)
    return asked.returncode != 0


def package_for(char: str) -> str:
    """The Debian/Ubuntu font package that draws `char`."""
    code = ord(char)
    return next(
        (package for first, last, package in PACKAGES if first <= code <= last), "fonts-noto-core or fonts-noto-extra"
    )


def uncovered(text: str, project: Project) -> set[str]:
    """Characters of `text` that neither the style's fonts nor the system's cover (without fc-list, only the
    style's fonts count). The system's fonts are listed only when the style's leave some characters out."""
    wanted = {ch for ch in set(text) if not ch.isspace() and unicodedata.category(ch)[0] != "C"}
    for folder in project.style.folders:
        wanted -= {chr(c) for c in _style_coverage(folder / "fonts") if chr(c) in wanted}
    if not wanted:
        return set()
    fc_list = shutil.which("fc-list")
    if fc_list is not None and len(wanted) <= FEW_CHARACTERS:  # a paper's own back-link arrow, a stray symbol
        return {ch for ch in wanted if _no_font_has(fc_list, ch)}
    system = system_coverage()
    return {ch for ch in wanted if system is None or ord(ch) not in system}


def _describe(chars: Iterable[str]) -> str:
    listed = sorted(chars)
    shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in listed[:MAX_LISTED])
    return shown + (f" and {len(listed) - MAX_LISTED} more" if len(listed) > MAX_LISTED else "")


def _fonts_folder(project: Project) -> str:
    folder = project.style.folder
    if folder.is_relative_to(project.root):
        return f"{relative(folder, project.root)}/fonts/"
    return f"styles/{folder.name}/fonts/ (in a copy of the style in your project)"


@cache
def math_font_coverage() -> frozenset[int]:
    """The code points of the math renderer's font (ziamath's STIX Two Math), found without importing ziamath."""
    from importlib.util import find_spec

    from fontTools.ttLib import TTFont

    spec = find_spec("ziamath")
    folders = list(spec.submodule_search_locations or []) if spec else []
    fonts = [Path(folder) / "fonts" / "STIXTwoMath-Regular.ttf" for folder in folders]
    if not fonts or not fonts[0].is_file():
        return frozenset()
    with TTFont(fonts[0], lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def math_missing_glyphs(formulas: Iterable[str], project: Project) -> list[Diagnostic]:
    """A missing-glyph error at each formula (its TeX) holding characters the math font lacks: the PDF's math
    renderer draws a formula, its \\text{} too, in that one font with no fallback, so a full-width comma or a CJK
    word in a formula would print as empty boxes, whatever fonts the text has."""
    from paperbuild.formulas import formula_place

    diagnostics = []
    for tex in dict.fromkeys(formulas):
        wide = {ch for ch in tex if ord(ch) > 0x7F and not ch.isspace()}
        missing = {ch for ch in wide if ord(ch) not in math_font_coverage()} if wide else set()
        if not missing:
            continue
        diagnostics.append(
            Diagnostic(
                *formula_place(tex, project),
                Severity.ERROR,
                "missing-glyph",
                f"the math font has no {_describe(missing)}, written in the formula '{tex.strip()[:60]}'; the PDF "
                "would show empty boxes",
                "write text and punctuation outside the formula (after its closing $), or as a TeX command",
            )
        )
    return diagnostics


def missing_glyphs(text: str, project: Project) -> list[Diagnostic]:
    """A diagnostic per source line holding characters of `text` that no available font covers."""
    missing = uncovered(text, project)
    if not missing:
        return []
    # Without fc-list the system's fonts are unknown: a warning, since Pango may still find a font.
    severity = Severity.ERROR if shutil.which("fc-list") is not None else Severity.WARNING
    sources: list[SourceFile] = [*project.sources, *project.bib_files]
    found: set[str] = set()
    diagnostics = []
    for source in sources:
        index = LineIndex(source.text)
        by_line: dict[int, set[str]] = {}
        for offset, ch in enumerate(source.text):
            if ch in missing:
                by_line.setdefault(index.position(offset)[0], set()).add(ch)
        for line, chars in sorted(by_line.items()):
            found |= chars
            packages = sorted({package_for(ch) for ch in chars})
            diagnostics.append(
                Diagnostic(
                    source.rel,
                    line,
                    0,
                    severity,
                    "missing-glyph",
                    f"no available font has {_describe(chars)}; the PDF would show empty boxes",
                    f"install {' or '.join(packages)} (Debian/Ubuntu package), or add a font covering them to "
                    f"{_fonts_folder(project)}",
                )
            )
    if missing - found:
        diagnostics.append(
            Diagnostic(
                project.metadata_file,
                0,
                0,
                severity,
                "missing-glyph",
                f"no available font has {_describe(missing - found)}",
                f"install {package_for(min(missing - found))}",
            )
        )
    return diagnostics
