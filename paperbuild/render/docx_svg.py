"""PNG fallbacks for the SVG figures of a DOCX: Word 2016 and later draw the SVG, older Word and LibreOffice the PNG.

Takes the DOCX's parts (name -> bytes) as pandoc wrote them; adds, in place, a PNG drawn by rsvg-convert (fed on
standard input, so it loads no file the SVG names) for every SVG picture of the document and its footnotes, its
relationship and its content type, with the `<a:blip>` embedding the PNG and its extension keeping the SVG.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from paperbuild.errors import InputError, MissingDependencyError

SVG_BLIP = re.compile(r'<a:blip>(<a:extLst>(?:(?!</a:blip>).)*?<asvg:svgBlip\b[^>]*?\br:embed="([^"]+)")', re.DOTALL)
"""A picture pandoc wrote as SVG without a fallback (`<a:blip>` with no r:embed of its own); group 2: the SVG's id."""
RELATIONSHIP = re.compile(r'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"[^>]*?/>')
IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
PNG_SIDE = 1600  # pixels: the fallback fits a 1600 x 1600 box (a full-width figure at about 250 dpi)
RSVG_TIMEOUT = 60  # seconds for one picture


def svg_to_png(svg: bytes) -> bytes:
    """An SVG drawn as PNG by rsvg-convert, fed on standard input so that it loads no file the SVG names."""
    program = shutil.which("rsvg-convert")
    if program is None:
        raise MissingDependencyError(
            "rsvg-convert is needed to put SVG figures in the DOCX; install it with: apt-get install librsvg2-bin"
        )
    command = [program, "--format", "png", "--keep-aspect-ratio", "--width", str(PNG_SIDE), "--height", str(PNG_SIDE)]
    try:
        done = subprocess.run(command, input=svg, capture_output=True, timeout=RSVG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"rsvg-convert took longer than {RSVG_TIMEOUT} s to draw an SVG figure") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        message = done.stderr.decode("utf-8", "replace").strip()
        raise InputError(f"rsvg-convert could not draw an SVG figure for the DOCX: {message}")
    return done.stdout


def add_png_fallbacks(parts: dict[str, bytes]) -> None:
    """Give, in place, every SVG picture of the document and its footnotes a PNG fallback: the `<a:blip>` embeds
    the PNG, its extension keeps the SVG (which Word 2016 and later draw)."""
    before = set(parts)
    for part in ("word/document.xml", "word/footnotes.xml"):
        if part in parts:
            _png_fallbacks_of(parts, part)
    added = [name for name in parts if name not in before]
    if added:
        overrides = "".join(f'<Override PartName="/{name}" ContentType="image/png" />' for name in added)
        types = parts["[Content_Types].xml"].decode("utf-8").replace("</Types>", overrides + "</Types>")
        parts["[Content_Types].xml"] = types.encode("utf-8")


def _png_fallbacks_of(parts: dict[str, bytes], part: str) -> None:
    """The PNG fallbacks of one part (its pictures, their relationships, the PNG files), in place."""
    rels_name = part.replace("word/", "word/_rels/") + ".rels"
    xml, rels = parts[part].decode("utf-8"), parts.get(rels_name, b"").decode("utf-8")
    targets = dict(RELATIONSHIP.findall(rels))
    fallbacks: dict[str, str] = {}  # SVG relationship id -> PNG relationship id
    for svg_id in dict.fromkeys(m.group(2) for m in SVG_BLIP.finditer(xml)):
        svg_target = targets.get(svg_id, "")
        if "word/" + svg_target not in parts:
            continue
        png_target = svg_target.removesuffix(".svg") + ".fallback.png"
        parts["word/" + png_target] = svg_to_png(parts["word/" + svg_target])
        fallbacks[svg_id] = f"{svg_id}png"
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Type="{IMAGE_RELATIONSHIP}" Id="{svg_id}png" Target="{png_target}" /></Relationships>',
        )

    def blip(match: re.Match[str]) -> str:
        png_id = fallbacks.get(match.group(2))
        return f'<a:blip r:embed="{png_id}">{match.group(1)}' if png_id else match.group(0)

    if fallbacks:
        parts[part], parts[rels_name] = SVG_BLIP.sub(blip, xml).encode("utf-8"), rels.encode("utf-8")
