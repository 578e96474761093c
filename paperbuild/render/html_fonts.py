"""The style's fonts -> @font-face rules for the standalone HTML page, each face cut down to the page's characters.

Takes the style's folders and the page; gives CSS: an @font-face rule per font file in the folders' `fonts/` (its
family, weight and style read from the file), whose source is a data: URI of the face subset to the characters the
page holds (HarfBuzz's subsetter, through uharfbuzz: milliseconds a face) and packed as WOFF. The page so shows its
text in the style's own face on any machine: a browser without Noto Serif would otherwise take the next family of
the stack for Latin text too, a CJK face whose apostrophes and commas are full-width ("China’ s"). A face holding
none of the page's characters is left out; a nearer style's face replaces the one of a style it extends.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path

from paperbuild.errors import InputError

FONT_SUFFIXES = (".ttf", ".otf")
UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9 _-]")
"""What a family name may not carry into the stylesheet (quotes, braces, `<` of a closing style tag)."""


@dataclass(frozen=True)
class Face:
    """One font file as CSS selects it."""

    family: str
    """The typographic family ("Noto Serif"), only letters, digits, spaces, "_" and "-"."""
    weight: int
    """The OS/2 weight class: 400 regular, 700 bold."""
    italic: bool
    """Whether the face is italic (or oblique)."""


def _face(path: Path) -> Face:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True) as font:
            family = UNSAFE_IN_NAME.sub("", font["name"].getBestFamilyName() or path.stem)
            os2 = font.get("OS/2")
            weight = os2.usWeightClass if os2 else 400
            italic = bool(os2.fsSelection & 1) if os2 else bool(font["head"].macStyle & 2)
    except Exception as exc:  # fontTools raises whatever its parser meets in a damaged file
        raise InputError(f"the style's font {path} cannot be read: {exc}") from exc
    return Face(family, weight, italic)


def _subset_woff(data: bytes, characters: set[int]) -> bytes | None:
    """The face `data` cut down to `characters`, as WOFF; None when it has none of them."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    face = hb.Face(data)
    wanted = characters & set(face.unicodes)
    if not wanted:
        return None
    subset_input = hb.SubsetInput()
    for code in wanted:
        subset_input.unicode_set.add(code)
    subset = hb.subset(face, subset_input)
    font = TTFont(io.BytesIO(bytes(subset.blob.data)), recalcTimestamp=False)  # the same bytes at any clock time
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_faces(style_folders: tuple[Path, ...], page: str) -> str:
    """@font-face rules for the fonts of `style_folders` (nearest first), subset to the characters of `page`."""
    characters = {ord(ch) for ch in set(page)}
    seen: set[Face] = set()
    rules = []
    for folder in style_folders:
        fonts = folder / "fonts"
        for path in sorted(fonts.iterdir()) if fonts.is_dir() else []:
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            face = _face(path)
            woff = None if face in seen else _subset_woff(path.read_bytes(), characters)
            seen.add(face)
            if woff is None:
                continue
            source = "data:font/woff;base64," + base64.b64encode(woff).decode("ascii")
            rules.append(
                f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                f'font-style: {"italic" if face.italic else "normal"}; src: url({source}) format("woff"); }}'
            )
    return "\n".join(rules)
