"""The PDF writer's page references are built once per page count, and the PDF comes out byte for byte the same."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pydyf
import pypdf
import pytest

from paperbuild.render import page_references
from paperbuild.render.pdf_worker import TypesetRequest, typeset


def test_page_references_are_built_once_and_again_when_a_page_is_added() -> None:
    assert page_references.cache_page_references()
    pdf = pydyf.PDF()
    pages = [pydyf.Dictionary({"Type": "/Page"}) for _ in range(4)]
    for page in pages[:3]:
        pdf.add_page(page)
    first = pdf.page_references
    assert first == tuple(f"{page.number} 0 R".encode() for page in pages[:3])
    assert pdf.page_references is first  # not built again
    pdf.add_page(pages[3])
    assert pdf.page_references == (*first, f"{pages[3].number} 0 R".encode())


def test_a_pydyf_that_changed_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    class Reworked:  # keeps its references up to date itself: a plain attribute
        page_references: tuple[bytes, ...] = ()

    class Slotted:  # no per-instance dict to keep the cache in
        __slots__ = ("pages",)
        page_references = property(lambda pdf: ())

    for changed in (Reworked, Slotted):
        before = changed.__dict__["page_references"]
        monkeypatch.setattr(pydyf, "PDF", changed)
        assert not page_references.cache_page_references()
        assert changed.__dict__["page_references"] is before


# Four pages, each with a heading the text links to from another page: a link destination and tagged elements on
# every page, the two readers of the page references. Typeset in a fresh process each time, with pydyf as it comes
# or with the cache.
TYPESET_LINKED_PAGES = """
import sys
from pathlib import Path
from paperbuild.render import page_references
from paperbuild.render.pdf_worker import TypesetRequest, typeset
if sys.argv[1] == "without":
    page_references.cache_page_references = lambda: False
html = "<style>h2 { break-before: page }</style>" + "".join(
    f"<h2 id='s{n}'>Section {n}</h2><p>See <a href='#s{(n + 1) % 4}'>section {(n + 1) % 4}</a>.</p>" for n in range(4)
)
folder = Path(sys.argv[2])
sys.stdout.buffer.write(typeset(TypesetRequest(html, folder, (folder,), "pdf/ua-1", "default")).pdf)
"""


def linked_pages_pdf(cache: str, folder: Path) -> bytes:
    command = [sys.executable, "-c", TYPESET_LINKED_PAGES, cache, str(folder)]
    return subprocess.run(command, capture_output=True, check=True, timeout=120).stdout


def test_the_pdf_is_the_same_as_without_the_cache(tmp_path: Path) -> None:
    cached, plain = linked_pages_pdf("with", tmp_path), linked_pages_pdf("without", tmp_path)
    pages = pypdf.PdfReader(io.BytesIO(cached)).pages
    assert len(pages) == 4 and all(len(page["/Annots"]) == 1 for page in pages)  # what the references are read for
    assert cached == plain


def test_the_typesetter_installs_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pydyf.PDF, "page_references", property(lambda pdf: ()))  # as if pydyf came unpatched
    typeset(TypesetRequest("<p>One page.</p>", tmp_path, (tmp_path,), "pdf/ua-1", "default"))
    assert pydyf.PDF.page_references.fget is page_references._cached_page_references
