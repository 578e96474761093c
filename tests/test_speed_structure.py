"""What a cold build's speed rests on, counted: work done once, or not at all, where it used to cost time.

Speed itself is measured by bench/bench.py, never by a timed test; these tests count the calls the benchmark's
numbers depend on, so a change that brings the work back fails here first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, REPO, make_project
from markupsafe import Markup

from paperbuild import glyphs
from paperbuild.cli import main
from paperbuild.document import Paper
from paperbuild.render import html, pdf_worker
from paperbuild.render.warm_up import C_TYPES


def test_the_glyph_check_asks_fontconfig_per_character_without_reading_its_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every paper with references holds the back-link arrow (U+21A9, U+FE0E), which the style's Noto Serif lacks;
    # reading fontconfig's whole listing for it cost 0.5 s of CPU on every PDF build with the Noto faces installed.
    listings: list[int] = []
    listing = glyphs.system_coverage

    def counted_listing() -> glyphs.CodePointRanges | None:
        listings.append(1)
        return listing()

    monkeypatch.setattr(glyphs, "system_coverage", counted_listing)
    # Thai is drawn by a system face (Noto Sans Thai), U+1E290 by none: the build stops before typesetting
    chapter = "# Intro\n\nText [@knuth1984], in Thai ภาษา.\n\nToto: \U0001e290 here.\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(
        "manuscript/01-a.md:5: error[missing-glyph]: no available font has '\U0001e290' (U+1E290); "
    )
    assert listings == []


WARM_UP_PROBE = """
import io, pickle, sys
from pathlib import Path
from paperbuild.render import pdf_worker
from paperbuild.render.warm_up import C_TYPES
if sys.argv[1] == "cold":
    pdf_worker.warm_up = lambda: None
styles = Path(sys.argv[2])
links = "".join(f'<link rel="stylesheet" href="{(styles / name).as_uri()}">' for name in ("paper.css", "print.css"))
page = f"<html lang='en'><head>{links}</head><body><h1>A title</h1><p>Some <em>text</em> [1].</p></body></html>"
parsed = []
answer = pdf_worker._typeset_answer

def watched(*args):
    from weasyprint.text.ffi import ffi
    before = set(ffi._parsed_types)
    try:
        return answer(*args)
    finally:
        parsed.extend(sorted(set(ffi._parsed_types) - before & set(C_TYPES)))

pdf_worker._typeset_answer = watched
request = pdf_worker.TypesetRequest(page, styles, (styles,), "pdf/ua-1", "default")
sys.stdin = io.TextIOWrapper(io.BytesIO(pickle.dumps(("en",)) + pickle.dumps(request)))
sys.stdout = io.TextIOWrapper(io.BytesIO())
pdf_worker._serve(pdf_worker.MEMORY_LIMIT_BYTES)
status, _ = pickle.loads(sys.stdout.buffer.getvalue()[len(pdf_worker.READY):])
sys.stderr.write(f"{status} {parsed}")
"""


def test_the_pdf_worker_parses_weasyprints_c_types_before_the_page_arrives() -> None:
    # cffi parses each C type name WeasyPrint uses the first time, 7 ms a name: the worker has warm_up do it while
    # it waits for the page. Without it, typesetting a page parses every name of C_TYPES (none is listed in vain).
    def parsed_while_typesetting(mode: str) -> str:
        command = [sys.executable, "-c", WARM_UP_PROBE, mode, str(REPO / "styles" / "default")]
        environment = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.run(command, capture_output=True, text=True, check=True, env=environment).stderr

    assert parsed_while_typesetting("cold") == f"ok {sorted(C_TYPES)}"
    assert parsed_while_typesetting("warm") == "ok []"


def test_the_pdf_is_typeset_while_the_html_pages_pieces_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A paper with a footnote (or a formula) has pieces of its own for the PDF: pandoc makes those first, and the
    # PDF, the longest output, is sent to be typeset before pandoc makes the HTML page's (0.1-0.2 s on this paper).
    typesetting = threading.Event()
    made_after_the_request: list[bool] = []
    pieces, typeset = html.html_pieces, pdf_worker.PdfWorker.typeset

    def watched_pieces(paper: Paper, *, for_print: bool = False) -> dict[str, Markup]:
        if not for_print:  # the HTML page's: made once the PDF's page was sent, else after 10 s
            made_after_the_request.append(typesetting.wait(10))
        return pieces(paper, for_print=for_print)

    def watched_typeset(worker: pdf_worker.PdfWorker, request: pdf_worker.TypesetRequest) -> pdf_worker.Typeset:
        typesetting.set()
        return typeset(worker, request)

    monkeypatch.setattr(html, "html_pieces", watched_pieces)
    monkeypatch.setattr(pdf_worker.PdfWorker, "typeset", watched_typeset)
    chapter = "# Intro\n\nText [@knuth1984].[^1]\n\n[^1]: A note at the foot of the page.\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    assert made_after_the_request == [True]
