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
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from paperbuild.errors import InputError

FONT_SUFFIXES = (".ttf", ".otf")
OS2_WEIGHT, OS2_FS_SELECTION, HEAD_MAC_STYLE = 4, 62, 44
"""Byte offsets of usWeightClass and fsSelection in the OS/2 table, of macStyle in the head table (OpenType spec)."""
WOFF_HEADER = struct.Struct(">4sIIHHIHHIIIII")
"""signature, flavor, length, numTables, reserved, totalSfntSize, version, metadata and private block (none)."""
WOFF_ENTRY = struct.Struct(">4sIIII")
"""A table's tag, offset, stored and original length, checksum."""
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


def _face(path: Path, data: bytes) -> Face:
    """The face of the font file `data` (read from `path`), from its name and OS/2 tables, by HarfBuzz."""
    import uharfbuzz as hb

    face = hb.Face(data)
    if face.glyph_count == 0:  # HarfBuzz reads what it cannot parse as an empty face
        raise InputError(f"the style's font {path} cannot be read: it holds no glyph")
    names = hb.OTNameIdPredefined
    family = face.get_name(names.TYPOGRAPHIC_FAMILY) or face.get_name(names.FONT_FAMILY) or path.stem
    os2, head = face.reference_table("OS/2").data, face.reference_table("head").data
    if len(os2) >= OS2_FS_SELECTION + 2:
        weight, selection = (
            struct.unpack_from(">H", os2, OS2_WEIGHT)[0],
            struct.unpack_from(">H", os2, OS2_FS_SELECTION)[0],
        )
        italic = bool(selection & 1)
    else:
        weight, italic = (
            400,
            len(head) >= HEAD_MAC_STYLE + 2 and bool(struct.unpack_from(">H", head, HEAD_MAC_STYLE)[0] & 2),
        )
    return Face(UNSAFE_IN_NAME.sub("", family), weight, italic)


def _subset_woff(data: bytes, characters: set[int]) -> bytes | None:
    """The face `data` cut down to `characters`, as WOFF; None when it has none of them."""
    import uharfbuzz as hb

    face = hb.Face(data)
    wanted = characters & set(face.unicodes)
    if not wanted:
        return None
    subset_input = hb.SubsetInput()
    for code in wanted:
        subset_input.unicode_set.add(code)
    return woff(bytes(hb.subset(face, subset_input).blob.data))


def woff(sfnt: bytes) -> bytes:
    """The OpenType font `sfnt` packed as WOFF 1.0 (https://www.w3.org/TR/WOFF/): each table zlib-compressed where
    that makes it smaller, with the checksums the font's own table directory gives. The same bytes every time.

    Written here rather than by fontTools' TTFont.save, which imports and parses the tables it copies: 0.4 s of a
    0.5 s HTML page, against milliseconds."""
    import zlib

    flavor, count = struct.unpack_from(">IH", sfnt)
    records = sorted(struct.unpack_from(">4sIII", sfnt, 12 + 16 * i) for i in range(count))
    directory, tables = [], []
    offset = WOFF_HEADER.size + WOFF_ENTRY.size * count
    for tag, checksum, start, length in records:
        table = sfnt[start : start + length]
        packed = zlib.compress(table, 9)
        stored = packed if len(packed) < length else table
        directory.append(WOFF_ENTRY.pack(tag, offset, len(stored), length, checksum))
        tables.append(stored + b"\0" * (-len(stored) % 4))
        offset += len(tables[-1])
    sfnt_size = 12 + 16 * count + sum(length + -length % 4 for _, _, _, length in records)
    header = WOFF_HEADER.pack(b"wOFF", flavor, offset, count, 0, sfnt_size, 1, 0, 0, 0, 0, 0, 0)
    return header + b"".join(directory) + b"".join(tables)


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
            data = path.read_bytes()
            face = _face(path, data)
            woff = None if face in seen else _subset_woff(data, characters)
            seen.add(face)
            if woff is None:
                continue
            source = "data:font/woff;base64," + base64.b64encode(woff).decode("ascii")
            rules.append(
                f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                f'font-style: {"italic" if face.italic else "normal"}; src: url({source}) format("woff"); }}'
            )
    return "\n".join(rules)
