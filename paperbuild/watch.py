"""Watch mode: rebuild on save, serve the HTML on 127.0.0.1 with live reload, rebuild PDF and DOCX behind it.

Takes the project folder, the build options and a port; gives nothing back until Ctrl-C. Each change first
rebuilds the HTML (the fast format) and tells connected browsers to reload through a Server-Sent Events stream;
the PDF and DOCX follow in a background thread, so they never delay the page. The server listens on the loopback
address only, answers only requests addressed to it by name (127.0.0.1, localhost, [::1] and its port), and hands
out the page, its event stream, the PDF and the DOCX: no other file of the output folder, no folder listing. The
page may load nothing (a strict Content-Security-Policy; the reload script runs by its hash). Messages go through
`report`, so the command line stays the only place that prints.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from paperbuild.errors import PaperbuildError, UsageError
from paperbuild.output import OUTPUT_NAMES, output_folder
from paperbuild.pipeline import BuildResult, Options, run_build
from paperbuild.project import PROFILE_FILE

EVENTS_PATH = "/__paperbuild/events"
RELOAD_JS = "new EventSource('" + EVENTS_PATH + "').onmessage = function () { location.reload(); };"
RELOAD_SCRIPT = f"<script>{RELOAD_JS}</script>"
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(RELOAD_JS.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src '{SCRIPT_HASH}'; connect-src 'self'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The page loads nothing from anywhere: its CSS, images and fonts are inline, and the only script that runs is the
reload script (by its hash), whose event stream comes from this server."""
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SERVED = {
    "/paper.pdf": (OUTPUT_NAMES["pdf"], "application/pdf"),
    "/paper.docx": (
        OUTPUT_NAMES["docx"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
"""What the server hands out besides the page and its event stream: the other outputs of the build, by URL."""
Report = Callable[[BuildResult, str], None]
Failed = Callable[[str], None]


class Reloads:
    """A counter of finished HTML rebuilds that event-stream handlers wait on."""

    def __init__(self) -> None:
        self.generation = 0
        self.closed = False
        self._condition = threading.Condition()

    def bump(self) -> None:
        """Announce a new build to every waiting browser."""
        with self._condition:
            self.generation += 1
            self._condition.notify_all()

    def close(self) -> None:
        """Release every waiting handler (server shutting down)."""
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    def wait_after(self, generation: int, timeout: float) -> int:
        """Block until the generation passes `generation` (or timeout); the current generation."""
        with self._condition:
            self._condition.wait_for(lambda: self.generation > generation or self.closed, timeout)
            return self.generation


class PreviewHandler(BaseHTTPRequestHandler):
    """Serves the outputs the build writes, and nothing else of the output folder: the page (with the reload script
    added), its event stream, the PDF and the DOCX. Only requests naming this machine's loopback address and this
    server's port in their Host header are answered (a page elsewhere cannot reach it through DNS rebinding)."""

    reloads: Reloads
    out_dir: Path
    policy = CONTENT_SECURITY_POLICY
    """The Content-Security-Policy of the answer: the page's and the error pages'. The PDF and the DOCX go without:
    a browser's own PDF viewer may not open under it."""

    def do_GET(self) -> None:
        if not self._host_is_loopback():
            self.send_error(403, "this server answers only http://127.0.0.1 and http://localhost")
            return
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events()
        elif path in ("/", "/paper.html"):
            self._page()
        elif path in SERVED:
            self._file(*SERVED[path])
        else:
            self.send_error(404)

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if self.policy:
            self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def _host_is_loopback(self) -> bool:
        assert isinstance(self.server, ThreadingHTTPServer)
        port = self.server.server_port
        return self.headers.get("Host", "").lower() in {f"{host}:{port}" for host in LOOPBACK_HOSTS}

    def _page(self) -> None:
        path = self.out_dir / OUTPUT_NAMES["html"]
        if not path.is_file():
            self.send_error(503, "the first build has not finished (see the terminal)")
            return
        body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT.encode() + b"</body>", 1)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _file(self, name: str, content_type: str) -> None:
        try:
            file = (self.out_dir / name).open("rb")
        except OSError:
            self.send_error(404, "not built yet (see the terminal)")
            return
        with file:
            self.policy = ""
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(os.fstat(file.fileno()).st_size))
            self.end_headers()
            shutil.copyfileobj(file, self.wfile)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.reloads.generation
        try:
            while not self.reloads.closed:
                current = self.reloads.wait_after(seen, timeout=15)
                message = b"data: reload\n\n" if current > seen else b": keep-alive\n\n"
                seen = current
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not worth a line each in the terminal."""


def serve(out_dir: Path, port: int, reloads: Reloads) -> ThreadingHTTPServer:
    """Start the preview server on 127.0.0.1:`port` (0 picks a free one) in a daemon thread."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = type("Handler", (PreviewHandler,), {"reloads": reloads, "out_dir": out_dir})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def watched_paths(root: Path) -> list[Path]:
    """What an author edits: the manuscript, the bibliography, the project's styles and its journal profile."""
    candidates = (root / "manuscript", root / "bibliography", root / "styles", root / PROFILE_FILE)
    return [path for path in candidates if path.exists()]


class Rebuilder:
    """Runs the HTML build in the watcher's thread, and the PDF/DOCX build in one long-lived background thread
    that wakes up whenever a newer HTML build asked for it (saves in between merge into one build)."""

    def __init__(self, root: Path, options: Options, reloads: Reloads, report: Report, failed: Failed) -> None:
        self.root, self.options, self.reloads, self.report, self.failed = root, options, reloads, report, failed
        self._wanted = threading.Event()
        self._stopping = False
        self._background = threading.Thread(target=self._print_formats, name="pdf-docx", daemon=True)
        self._background.start()

    def rebuild(self) -> None:
        """HTML now, then ask for PDF and DOCX in the background. Errors are reported, and watching goes on."""
        try:
            result = run_build(self.root, ("html",), self.options)
        except PaperbuildError as exc:  # e.g. metadata.yaml missing for a moment during an editor's save
            self.failed(str(exc))
            return
        self.report(result, "html")
        if result.written:
            self.reloads.bump()
        if result.ok:
            self._wanted.set()

    def stop(self) -> None:
        """Let the background thread finish."""
        self._stopping = True
        self._wanted.set()

    def _print_formats(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            try:
                self.report(run_build(self.root, ("pdf", "docx"), self.options), "pdf, docx")
            except PaperbuildError as exc:
                self.failed(str(exc))


def watch(
    root: Path,
    options: Options,
    port: int,
    report: Report,
    started: Callable[[str], None],
    failed: Failed,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve, and rebuild on every change until Ctrl-C (or `stop` is set)."""
    import watchfiles

    reloads = Reloads()
    out_dir = output_folder(root, options.out_dir)
    try:
        server = serve(out_dir, port, reloads)
    except OSError as exc:
        raise UsageError(f"cannot serve on port {port}: {exc.strerror}; try --port 0") from exc
    started(f"http://127.0.0.1:{server.server_address[1]}/")
    rebuilder = Rebuilder(root, options, reloads, report, failed)
    try:
        rebuilder.rebuild()
        for _changes in watchfiles.watch(*watched_paths(root), stop_event=stop, debounce=100, step=20):
            rebuilder.rebuild()
    finally:
        rebuilder.stop()
        reloads.close()
        server.shutdown()
        server.server_close()
