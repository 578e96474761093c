"""The PDF typesetter runs in its own process with a time limit and a memory cap, and says so when it hits them."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbuild.errors import InputError
from paperbuild.render.pdf_worker import PdfWorker, TypesetRequest


def request(tmp_path: Path, html: str) -> TypesetRequest:
    return TypesetRequest(
        html=html, base_folder=tmp_path, allowed=(tmp_path,), pdf_variant="pdf/ua-1", style_name="default"
    )


def test_a_page_is_typeset_in_the_worker(tmp_path: Path) -> None:
    done = PdfWorker().typeset(request(tmp_path, "<p>Hello from the worker.</p>"))
    assert done.pdf.startswith(b"%PDF-") and "Hello from the worker." in done.text and done.refused == []


def test_a_page_that_takes_too_long_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    endless = "<table>" + "<tr><td>cell</td></tr>" * 20_000 + "</table>"
    with pytest.raises(InputError, match=r"typesetting the PDF took longer than 1 s and was stopped"):
        PdfWorker().typeset(request(tmp_path, endless), timeout=1)


def test_a_page_that_needs_too_much_memory_ends_in_an_error_not_a_killed_build(tmp_path: Path) -> None:
    huge = "<table>" + "<tr><td>cell</td><td>more</td></tr>" * 20_000 + "</table>"
    # either WeasyPrint raises MemoryError and says so, or the process dies first and the parent says so
    with pytest.raises(InputError, match=r"more than 230 MB of memory"):
        PdfWorker(memory_limit=230 * 1024**2).typeset(request(tmp_path, huge))


def test_resources_it_refuses_are_reported(tmp_path: Path) -> None:
    page = '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><p>Text.</p>'
    done = PdfWorker().typeset(request(tmp_path, page))
    assert len(done.refused) == 1 and "refused to load http://127.0.0.1:9/x.css" in done.refused[0]
