"""Pack a MECA package (NISO RP-30, Manuscript Exchange Common Approach): the submission bundle's files described by
a manifest.xml that submission systems read.

Takes the project folder, the options and whether the package is for double-blind review; gives a `Bundle`
(bundle.py's): the build's result and the zip's entries, written to `build/paper-meca.zip`
(`paper-review-meca.zip`). The files are the bundle's, gathered by bundle.pack (the checks first, SVG made safe,
names that could escape the unpacked folder refused, the review built anonymised, the zip reproducible); in place of
the MANIFEST, `manifest.xml` comes first, in the zip's root, with one `item` per file: its `item-type`
(`article-metadata` for the JATS, `manuscript` for the PDF, DOCX and HTML, `figure` with its number and caption,
`supplementary-material` for the files of supplementary/, `article-source` for what the paper is built from), an
`item-description` and the `instance`'s media type and path. The JATS in the package names each figure's file as the
package holds it. The manifest is written by an XML serializer, so a file name or caption cannot add or change an
item, and it follows the MECA manifest DTD (v1.0, `manifest-version` 2.0), which the tests validate it against.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from paperbuild.output import OTHER_OUTPUTS, OUTPUT_NAMES
from paperbuild.pipeline import Options
from paperbuild.project import PROFILE_FILE, relative
from paperbuild.render import jats_tree
from paperbuild.resources import resolve
from paperbuild.submission.bundle import FORMATS, SUPPLEMENTARY, Bundle, Entry, Gathered, Packing, pack

MANIFEST = "manifest.xml"
MANIFEST_NAMESPACE = "https://manuscriptexchange.org/schema/manifest"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
MANIFEST_VERSION = "2.0"
DOCTYPE = '<!DOCTYPE manifest PUBLIC "-//MECA//DTD Manifest v1.0//en" "https://meca.zip/manifest-1.0.dtd">'
MECA_FORMATS = ("jats", *FORMATS)
"""The outputs in the package, the JATS (article metadata) first."""
HREF = "{http://www.w3.org/1999/xlink}href"

RENDITIONS = {
    "jats": ("article-metadata", "The paper in JATS XML: metadata, text and references"),
    "pdf": ("manuscript", "The paper as PDF"),
    "docx": ("manuscript", "The paper as a Word document (DOCX)"),
    "html": ("manuscript", "The paper as a web page (HTML)"),
}
"""Each output's item type and description."""

MEDIA_TYPES = {
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".eps": "application/postscript",
    ".md": "text/markdown",
    ".bib": "application/x-bibtex",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".csl": "application/vnd.citationstyles.style+xml",
    ".css": "text/css",
    ".j2": "text/plain",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".py": "text/x-python",
    ".ipynb": "application/x-ipynb+json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".mp4": "video/mp4",
}
"""Media types by file extension, fixed here (not the machine's mime.types) so every machine writes the same
manifest; anything else is application/octet-stream. The outputs, figures and sources first, then what
supplementary material often is."""


@dataclass(frozen=True)
class Item:
    """One `item` of manifest.xml: a file of the package."""

    item_type: str
    """What the file is, in MECA's words: `article-metadata`, `manuscript`, `figure`, `supplementary-material`,
    `article-source`."""
    description: str
    """`item-description`: what the file is, for a person."""
    href: str
    """The file's path in the zip."""
    metadata: tuple[tuple[str, str], ...] = ()
    """`item-metadata`: (name, value) pairs, a figure's number and caption."""

    @property
    def media_type(self) -> str:
        """The file's media type, by its extension."""
        return MEDIA_TYPES.get(PurePosixPath(self.href).suffix.lower(), "application/octet-stream")


def make_meca(root: Path, options: Options, *, review: bool = False) -> Bundle:
    """Build the outputs, gather the sources and figures, and write the MECA zip into the output folder."""
    return pack(root, options, MECA, review=review)


def items(gathered: Gathered, entries: list[Entry]) -> list[Item]:
    """An item for each entry, in the entries' order."""
    renditions = {OUTPUT_NAMES[fmt]: RENDITIONS[fmt] for fmt in MECA_FORMATS}
    figures = {figure.name: figure for figure in gathered.figures}
    sources = source_descriptions(gathered)
    found = []
    for entry in entries:
        if entry.name in renditions:
            found.append(Item(*renditions[entry.name], entry.name))
        elif entry.name in figures:
            figure = figures[entry.name]
            metadata = (("Figure Number", figure.number), ("Caption", figure.caption)) if figure.number else ()
            found.append(Item("figure", figure.label, entry.name, metadata))
        elif entry.name.startswith(f"{SUPPLEMENTARY}/"):
            found.append(Item("supplementary-material", f"Supplementary material: {entry.name}", entry.name))
        else:
            rel = entry.name.removeprefix("source/")
            what = sources.get(rel, "house style file")
            found.append(Item("article-source", f"Source of the paper: {what}, {rel}", entry.name))
    return found


def source_descriptions(gathered: Gathered) -> dict[str, str]:
    """What each source file is, by its path in the project; the style's files are left out (the default)."""
    project = gathered.project
    found = {chapter.rel: "chapter (Pandoc Markdown)" for chapter in project.chapters}
    found |= {bib.rel: "bibliography (BibTeX)" for bib in project.bib_files}
    found |= {relative(figure.path.resolve(), project.root): "figure as supplied" for figure in gathered.figures}
    found[project.metadata_file] = "metadata (YAML)" + (", without the authors" if gathered.review else "")
    found[PROFILE_FILE] = "journal profile (YAML)"
    if project.csl_file is not None:
        found[relative(project.csl_file.resolve(), project.root)] = "citation style (CSL)"
    return found


def manifest_xml(found: list[Item]) -> bytes:
    """manifest.xml listing `found`, in order, as the MECA manifest DTD has it."""
    root = ET.Element(
        "manifest", {"manifest-version": MANIFEST_VERSION, "xmlns": MANIFEST_NAMESPACE, "xmlns:xlink": XLINK_NAMESPACE}
    )
    for item in found:
        element = ET.SubElement(root, "item", {"item-type": item.item_type})
        ET.SubElement(element, "item-description").text = item.description
        if item.metadata:
            group = ET.SubElement(element, "item-metadata")
            for name, value in item.metadata:
                ET.SubElement(group, "metadata", {"metadata-name": name}).text = value
        ET.SubElement(element, "instance", {"media-type": item.media_type, "xlink:href": item.href})
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n{body}\n'.encode()


def packaged_jats(data: bytes, gathered: Gathered) -> bytes:
    """The JATS with each graphic naming its file as the package holds it (`figures/figure-2.png`) instead of as the
    chapters do (`figures/profile.png`), so that a reader of the package finds every figure beside the article."""
    in_figures: dict[str, list[str]] = {}  # a numbered figure's files, in order (its parts a, b, ...)
    for figure in (f for f in gathered.figures if f.number):
        in_figures.setdefault(figure.number, []).append(figure.name)
    names = {figure.path: figure.name for figure in gathered.figures if not figure.number}
    root = jats_tree.parse(data)
    for graphic in root.iter("graphic", "inline-graphic"):
        path = resolve(graphic.get(HREF, ""), gathered.project).path
        if path in names:
            graphic.set(HREF, names[path])
    for fig in root.iter("fig"):
        number = re.search(r"\d+", fig.findtext("label") or "")
        files = iter(in_figures.get(number.group(0), []) if number else [])
        for graphic in fig.iter("graphic", "inline-graphic"):
            graphic.set(HREF, next(files, graphic.get(HREF, "")))
    return jats_tree.jats_bytes(root)


def _with_manifest_xml(gathered: Gathered, entries: list[Entry]) -> list[Entry]:
    jats = OUTPUT_NAMES["jats"]
    entries = [Entry(jats, packaged_jats(e.data, gathered)) if e.name == jats else e for e in entries]
    return [Entry(MANIFEST, manifest_xml(items(gathered, entries))), *entries]


MECA = Packing(MECA_FORMATS, OTHER_OUTPUTS["meca"], OTHER_OUTPUTS["review meca"], _with_manifest_xml)
"""The MECA package: manifest.xml first, then the JATS, PDF, DOCX and HTML, the figures, the supplementary material
and the sources."""
