"""Hostile input: no active content reaches an output, no file outside the project and no network is touched."""

from __future__ import annotations

import base64
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import MINIMAL_BIB, REPO, make_project

from paperbuild.cli import main
from paperbuild.pipeline import Options, run_check
from paperbuild.sanitize import clean_html

CANARY = "CANARY-7f3e9b1c"


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A local server that must receive no request; its base URL and the requests it saw."""
    handler = type("Handler", (_Counting,), {"requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()


def project(tmp_path: Path, body: str, **files: str) -> Path:
    (tmp_path / "outside.txt").write_text(CANARY)
    chapter = f"# Intro\n\nText [@knuth1984].\n\n{body}\n"
    return make_project(
        tmp_path / "paper", {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB, **files}
    )


def codes(root: Path) -> list[str]:
    return [f"{d.line}:{d.code}" for d in run_check(root, Options()).diagnostics]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<script>fetch('x')</script>", ["5:active-content"]),
        ('<b onmouseover="x()">b</b>', ["5:active-content"]),
        ('<iframe src="https://example.org"></iframe>', ["5:active-content"]),
        ("<form><input name=q></form>", ["5:active-content", "5:active-content"]),
        ("<style>@import url(https://example.org/x.css);</style>", ["5:active-content"]),
        ("[click](javascript:alert(1))", ["5:unsafe-link"]),
        ("[local](file:///etc/passwd)", ["5:unsafe-link"]),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["5:unsafe-link"]),
        ('<img src="../../outside.txt">', ["5:unsafe-resource"]),
        ('<img src="https://example.org/x.png">', ["5:remote-resource"]),
        ("[a web page](https://example.org) and [a DOI](https://doi.org/10.1/x) stay links", []),
        ('<span style="color: #900">red</span> raw HTML that is harmless passes', []),
    ],
)
def test_hostile_markdown_is_a_diagnostic_at_its_line(tmp_path: Path, body: str, expected: list[str]) -> None:
    assert codes(project(tmp_path, body)) == expected


def test_the_sanitizer_removes_active_content_even_if_a_check_missed_it() -> None:
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">j</a>'
        '<a href="data:text/html,x">d</a><img src="data:image/png;base64,AA" onerror="x()">'
        '<iframe src="https://e.org"></iframe><span style="color:red;background:url(https://e.org/t)">s</span></p>'
    )
    assert clean_html(dirty) == (
        '<p>a<a>j</a><a>d</a><img src="data:image/png;base64,AA"><span style="color:red">s</span></p>'
    )


@pytest.mark.slow
def test_a_build_touches_no_network_and_no_file_outside(
    tmp_path: Path, loopback: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, requests = loopback
    style = tmp_path / "paper/styles/default"
    root = project(
        tmp_path,
        f'A link to [the server]({url}/page) stays a link.\n\n<span style="background: url({url}/bg.png)">x</span>',
        **{"bibliography/refs.bib": MINIMAL_BIB.replace("year = {1984},", f"year = {{1984}},\n  url = {{{url}/ref}},")},
    )
    shutil.copytree(REPO / "styles/default", style)
    css = style / "print.css"
    css.write_text(
        css.read_text() + f"\n@import url({url}/import.css);\nbody {{ background: url({url}/body.png); }}\n"
        f"@font-face {{ font-family: X; src: url({url}/font.ttf); }}\n"
        "h1 { background: url(../../../outside.txt); }\n"
    )
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    assert requests == []
    refused = [line for line in capsys.readouterr().err.splitlines() if "warning[refused-resource]" in line]
    assert refused and all(
        line.startswith("styles/default: warning[refused-resource]: Failed to load") for line in refused
    )
    assert any(f"{url}/body.png" in line for line in refused) and any("outside.txt" in line for line in refused)
    for output in (root / "build").glob("paper.*"):
        data = output.read_bytes()
        assert CANARY.encode() not in data and base64.b64encode(CANARY.encode()) not in data
    assert f"{url}/page" in (root / "build/paper.html").read_text()


def test_a_percent_encoded_remote_image_is_still_located(tmp_path: Path) -> None:
    root = project(tmp_path, "![x](http://[a)")
    assert codes(root) == ["5:remote-resource"]
