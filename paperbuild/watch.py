"""Watch mode: rebuild on save, serve the HTML on 127.0.0.1 with live reload, rebuild PDF and DOCX behind it.

Takes the project folder, the build options and a port; gives nothing back until Ctrl-C. Each change first
rebuilds the HTML (the fast format) and tells connected browsers to reload through a Server-Sent Events stream;
the PDF and DOCX follow in a background thread, so they never delay the page. Messages go through `report`, so
the command line stays the only place that prints.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from paperbuild.errors import PaperbuildError, UsageError
from paperbuild.output import output_folder
from paperbuild.pipeline import BuildResult, Options, run_build
from paperbuild.project import PROFILE_FILE

EVENTS_PATH = "/__paperbuild/events"
RELOAD_SCRIPT = (
    "<script>new EventSource('" + EVENTS_PATH + "').onmessage = function () { location.reload(); };</script>"
)
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


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the output folder; adds the reload script to HTML pages and the event stream."""

    reloads: Reloads

    def do_GET(self) -> None:
        if self.path == EVENTS_PATH:
            self._events()
        elif self.path in ("/", "/paper.html"):
            self._page()
        else:
            super().do_GET()

    def _page(self) -> None:
        path = Path(self.directory) / "paper.html"
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
    handler = type("Handler", (PreviewHandler,), {"reloads": reloads})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(out_dir)))
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
