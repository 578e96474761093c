"""Resolve the images a manuscript names, and embed them: only files inside the project, never the network.

Takes image targets from the AST and the Project; gives their checked paths (or the reason they are refused) and
a copy of the blocks with every local image embedded as a `data:` URI (a PDF or EPS figure as the SVG it converts
to, figure_formats.py), so that no writer (pandoc's DOCX and HTML writers, WeasyPrint) ever opens a file itself.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from paperbuild import safe_paths
from paperbuild.figure_formats import CONVERTED_TYPES, convert
from paperbuild.pandoc_ast import Node, copy_tree, is_raw_html, walk
from paperbuild.project import Project
from paperbuild.safe_paths import IMAGE, Refused
from paperbuild.sanitize import raw_image_sources
from paperbuild.svg_safety import safe_data_uri, safe_svg_bytes

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    **CONVERTED_TYPES,  # PDF and EPS figures, embedded as the SVG they convert to
}
WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels: a 7000 x 7000 photograph
PATH_PROBLEMS = {"outside": "outside", "missing": "missing", "special": "special", "large": "huge"}
"""The path policy's refusals (safe_paths.Refused.problem) as image problems."""


@dataclass(frozen=True)
class Resolved:
    """Where an image target leads."""

    path: Path | None
    """The file inside the project, when the target is acceptable."""
    problem: str
    """Why it is refused: "remote", "outside", "missing", "special" (a FIFO, a device), "type", "huge",
    "entities" or "corrupt"; "" when acceptable."""


def resolve(target: str, project: Project) -> Resolved:
    """Resolve an image target written in a chapter (relative to manuscript/)."""
    parsed = urlparse(target)
    if parsed.scheme in ("http", "https", "ftp") or target.startswith("//"):
        return Resolved(None, "remote")
    if parsed.scheme == "data":
        return Resolved(None, "")
    if parsed.scheme or target.startswith(("/", "\\")) or WINDOWS_DRIVE.match(target):
        return Resolved(None, "outside")
    path = (project.manuscript_dir / unquote(parsed.path)).resolve()  # follows symlinks and `..`
    refused = safe_paths.check(path, (project.root,), IMAGE)
    if refused is not None:
        return Resolved(None, PATH_PROBLEMS[refused.problem])
    if path.suffix.lower() not in IMAGE_TYPES:
        return Resolved(None, "type")
    return Resolved(path, _bomb(path, project))


def read_image(path: Path, project: Project) -> bytes:
    """The bytes of an image `resolve` accepted, through the path policy (b"" should it have changed since)."""
    data = safe_paths.read(path, (project.root,), IMAGE)
    return b"" if isinstance(data, Refused) else data


def _bomb(path: Path, project: Project) -> str:
    """ "huge" for an image too large to decode safely, "entities" for an SVG declaring XML entities (the
    "billion laughs"), "" for an ordinary image. Only headers are read."""
    if path.suffix.lower() in CONVERTED_TYPES:
        return ""  # decoded only by the converters, under their limits
    if path.suffix.lower() == ".svg":
        return "entities" if b"<!ENTITY" in read_image(path, project) else ""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return "huge"
    except (OSError, SyntaxError, ValueError):
        return "corrupt"
    return "huge" if width * height > MAX_IMAGE_PIXELS else ""


def image_targets(nodes: Iterable[Node]) -> list[str]:
    """Targets of every image among `nodes` (all the nodes of an AST, see pandoc_ast.walk), in document order:
    Image nodes, and `src` attributes of raw HTML."""
    targets = []
    for node in nodes:
        if node["t"] == "Image":
            targets.append(node["c"][2][0])
        elif is_raw_html(node):
            targets += raw_image_sources(node["c"][1])
    return targets


def embed_images(blocks: list[Node], project: Project, sources: dict[str, str] | None = None) -> list[Node]:
    """A copy of `blocks` in which each acceptable local image is a `data:` URI (checks have refused the rest);
    `sources`, when given, is filled with the file each `data:` URI was read from, as the chapter names it."""
    embedded = copy_tree(blocks)
    cache: dict[str, str] = {}
    for node in walk(embedded):
        if node["t"] != "Image":
            continue
        target = node["c"][2][0]
        resolved = resolve(target, project)
        if resolved.path is None:
            node["c"][2][0] = safe_data_uri(target)  # an SVG written as a data: URI is cleaned as a file is
            continue
        if target not in cache:
            mime = IMAGE_TYPES.get(resolved.path.suffix.lower()) or mimetypes.guess_type(resolved.path.name)[0]
            data = read_image(resolved.path, project)
            if resolved.path.suffix.lower() in CONVERTED_TYPES:
                mime, data = "image/svg+xml", convert(data, resolved.path.suffix.lower(), project.out_dir).svg
            data = safe_svg_bytes(data, target) if mime == "image/svg+xml" else data  # svg_safety.py
            cache[target] = f"data:{mime};base64,{base64.b64encode(data).decode()}"
            if sources is not None:
                sources.setdefault(cache[target], target)
        node["c"][2][0] = cache[target]
    return embedded
