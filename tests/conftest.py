"""Shared helpers: tiny projects on disk, the real paper built once, and text as a reader sees it."""

from __future__ import annotations

import re
import struct
import subprocess
import textwrap
import xml.etree.ElementTree as ET
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from paperbuild.cli import main
from paperbuild.pipeline import Options, run_check
from paperbuild.render.html import page_text

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed" / "paper.txt"
"""This repository's paper as it was published, in plain text (see fixtures/seed/README.md)."""

MINIMAL_META = "title: A Small Paper\nauthors:\n  - name: Ada Lovelace\n"
MINIMAL_BIB = (
    "@book{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {The {TeXbook}},\n"
    "  publisher = {Addison-Wesley},\n  year = {1984},\n}\n"
)


def make_project(root: Path, files: dict[str, str]) -> Path:
    """Write a paper project under `root` from {relative path: text}; a minimal metadata.yaml unless given."""
    files = {"manuscript/metadata.yaml": MINIMAL_META, **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    return root


def check_lines(root: Path) -> list[str]:
    """The formatted diagnostics of `check` on a project, sorted as the CLI prints them."""
    return [d.format() for d in sorted(run_check(root, Options()).diagnostics)]


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """A source folder (not a project: no metadata.yaml added) under `root` from {relative path: text or bytes}."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


def run_import(
    src: Path,
    into: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    severities: tuple[str, ...] = ("error", "warning"),
    hints: bool = False,
) -> list[str]:
    """Import `src` into `into`; the diagnostics of those severities printed, with their hints only if `hints`."""
    assert main(["import", str(src), str(into)]) == 0
    err = capsys.readouterr().err.splitlines()
    found = [line for line in err if any(f"{severity}[" in line for severity in severities)]
    return found if hints else [line.split("; ")[0] for line in found]


def html_text(root: Path, reported: tuple[str, ...] = ()) -> str:
    """The visible text of the project's HTML output, built with nothing to report but `reported` (hints cut)."""
    assert [line.split("; ")[0] for line in check_lines(root)] == list(reported)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    return normalize(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")))


def metadata(root: Path) -> dict[str, object]:
    """The project's manuscript/metadata.yaml as loaded."""
    loaded = yaml.safe_load((root / "manuscript" / "metadata.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def png(width: int, height: int) -> bytes:
    """A real PNG image of the given size, one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\xcc\x22\x22" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def normalize(text: str) -> str:
    """Text as a reader compares it: hyphenation undone, typographic quotes plain, whitespace collapsed."""
    text = re.sub("\u2010\\s*\n\\s*", "", text)  # WeasyPrint's automatic hyphen (U+2010) at a line end
    text = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=\w)", "-", text)  # a line that ends at a word's own hyphen
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler's pdftotext extracts it, in reading order. `-layout` keeps a word's own hyphen at
    a line end (the default mode silently drops it, turning "high-quality" into "highquality")."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def zip_texts(path: Path, scratch: Path) -> dict[str, str]:
    """Each file of a submission zip as text a reader finds in it: the PDF's through pdftotext, the DOCX's XML parts,
    every other file decoded. `scratch` is a folder for the PDF and DOCX taken out."""
    seen = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name == "paper.pdf":
                (scratch / "taken-out.pdf").write_bytes(data)
                seen[name] = pdf_text(scratch / "taken-out.pdf")
            elif name == "paper.docx":
                (scratch / "taken-out.docx").write_bytes(data)
                with zipfile.ZipFile(scratch / "taken-out.docx") as docx:
                    seen[name] = "".join(docx.read(part).decode("utf-8", "replace") for part in docx.namelist())
            else:
                seen[name] = data.decode("utf-8", "replace")
    return seen


@pytest.fixture(scope="session")
def paper_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real paper of this repository, built once in all formats; the output folder."""
    out = tmp_path_factory.mktemp("paper-build")
    assert main(["all", "--project", str(REPO), "--out", str(out), "--quiet"]) == 0
    return out


VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _TreeBuilder(HTMLParser):
    """An ElementTree of an HTML page (well-formed pandoc output; void elements have no end tag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_html(path: Path) -> ET.Element:
    """The HTML page at `path` as an ElementTree, for assertions on elements, attributes and links."""
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root
