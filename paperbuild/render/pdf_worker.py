"""Typeset an HTML page with WeasyPrint in a separate, bounded process.

Takes a `TypesetRequest` (the page, its base folder, the folders it may load from, the PDF variant); gives the PDF
bytes, the text laid out on the pages, and WeasyPrint's complaints about resources it could not load. The process
(`python -m paperbuild.render.pdf_worker`) starts before the page exists and imports WeasyPrint at once, on the other
core, while pandoc parses; it runs with a memory cap, and the caller waits for it with a time limit that grows with
the page, so a pathological page ends in a clear error instead of a hang or an out-of-memory kill of the whole
build. WeasyPrint failing on a value out of range in a stylesheet (`font-size: 1e30px`) is an error naming the
stylesheet, the line and the value, without a traceback.

Between the two processes, in order: the parent sends the page's languages (pickled), the worker loads their
hyphenation and sends the byte READY, the parent sends the TypesetRequest, the worker answers (pickled). While it
waits for the request, the worker does the first-use work of a typesetting that needs no page (warm_up.py).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from paperbuild.errors import InputError, MissingDependencyError
from paperbuild.render.pdf_failures import likely_cause, said
from paperbuild.render.warm_up import warm_up

MEMORY_LIMIT_BYTES = 6 * 1024**3
BASE_SECONDS = 120
"""The typesetter's time limit on any page; more for a long one (SECONDS_PER_MB)."""
SECONDS_PER_MB = 600
"""The time limit added per million characters of the page (a 150,000-word book's 2.2 MB took 234 s on two
shared cores, where it may take 1,440 s)."""
WEASYPRINT_HELP = "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
READY = b"\x06"
"""The byte the worker sends once WeasyPrint is imported and the page's hyphenation loaded, before it reads the
page (or at once, when WeasyPrint cannot be imported)."""


@dataclass(frozen=True)
class TypesetRequest:
    """What the worker needs to typeset one page."""

    html: str
    """The page, its stylesheets linked by file URL."""
    base_folder: Path
    """Where relative URLs of the page resolve (manuscript/)."""
    allowed: tuple[Path, ...]
    """The only folders files may be loaded from (links resolved): the project and paperbuild's shipped styles."""
    pdf_variant: str
    """A WeasyPrint pdf_variant such as pdf/ua-1."""
    style_name: str
    """For messages."""
    stylesheets: tuple[tuple[str, Path], ...] = ()
    """The style's stylesheets (as messages name them, and where they are): read when WeasyPrint fails."""
    line_numbers: bool = False
    """Whether to number the lines of text in the margin (line_numbers.py)."""

    @property
    def time_limit(self) -> float:
        """Seconds the page may take to typeset: BASE_SECONDS, and SECONDS_PER_MB for each million characters."""
        return BASE_SECONDS + SECONDS_PER_MB * len(self.html) / 1e6


@dataclass(frozen=True)
class Typeset:
    """What the worker gives back."""

    pdf: bytes
    """The PDF file."""
    text: str
    """The text laid out on the pages, a line per line box."""
    refused: list[str] = field(default_factory=list)
    """WeasyPrint's messages about resources it did not load (refused or missing)."""


def _restricted_fetcher(allowed: tuple[Path, ...]) -> Any:
    import mimetypes

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from paperbuild import safe_paths

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Serves data: URLs, and file: URLs through the path policy (resolved inside the allowed folders, a
        regular file, within a style file's size limit); refuses the rest, the network included."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme != "file":
                raise ValueError(f"refused to load {url}: only files inside the project and its style are read")
            data = safe_paths.read(Path(unquote(parsed.path)), allowed, safe_paths.STYLE_FILE)
            if isinstance(data, safe_paths.Refused):
                raise ValueError(f"refused to load {url}: {data.message}")
            kind = mimetypes.guess_type(parsed.path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": kind})

    return ProjectFetcher()


def layout_text(document: Any) -> str:
    """The text WeasyPrint laid out on the pages (running heads and page numbers included), a line per line box.

    Read from the layout tree rather than parsed back from the PDF: the same text, at no extra cost. A piece of text
    that runs past the paper's edge (a code line, a table too wide) is cut off in print, so it is left out, and the
    conservation check reports its words lost at their line."""
    from weasyprint.formatting_structure import boxes

    parts: list[str] = []
    for laid_out_page in document.pages:
        edge = laid_out_page._page_box.margin_width() + 1  # px; a pixel for rounding
        for box in laid_out_page._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                parts.append("\n")
            elif isinstance(box, boxes.TextBox) and box.position_x >= -1 and box.position_x + box.width <= edge:
                parts.append(box.text)
    return "".join(parts)


class _Refusals(logging.Handler):
    """Collects WeasyPrint's "Failed to load ..." records, so the build reports them instead of a bare log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Failed to load"):
            self.messages.append(" ".join(message.split()))


def typeset(request: TypesetRequest) -> Typeset:
    """Typeset the page (in whatever process calls it)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from paperbuild.render.line_numbers import number_lines
    from paperbuild.render.linebreak import typeset_well
    from paperbuild.render.page_references import cache_page_references

    cache_page_references()
    logger = logging.getLogger("weasyprint")
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    refusals = _Refusals()
    logger.addHandler(refusals)
    try:
        document = weasyprint.HTML(
            string=request.html, base_url=f"{request.base_folder}/", url_fetcher=_restricted_fetcher(request.allowed)
        )
        fonts = FontConfiguration()
        laid_out = typeset_well(lambda: document.render(font_config=fonts, pdf_tags=True))  # linebreak.py
        if request.line_numbers:
            number_lines(laid_out, request.style_name)
        pdf: bytes = laid_out.write_pdf(pdf_variant=request.pdf_variant, pdf_tags=True)
    except OSError as exc:
        raise InputError(f"style '{request.style_name}': {exc}") from exc
    finally:
        logger.removeHandler(refusals)
    return Typeset(pdf, layout_text(laid_out), refusals.messages)


def import_weasyprint() -> None:
    """Import WeasyPrint, without the slow search for its C libraries where the loader finds them by soname.

    For each library WeasyPrint tries several names, and for each name that is not a file name cffi asks
    `ctypes.util.find_library`, which on Linux runs `ldconfig -p` and then gcc: some twenty processes and 0.2 s of a
    0.6 s import (WeasyPrint issue #1125). On Linux the names WeasyPrint tries last (`libpango-1.0.so.0`...) load
    directly, so the search is switched off for the import; should any library then fail to load, WeasyPrint is
    imported again with the search. WeasyPrint prints its own advice on a failed load: it goes to stderr, as
    stdout carries the answer to the parent."""
    with contextlib.redirect_stdout(sys.stderr):
        if not (sys.platform.startswith("linux") and _imported_without_library_search()):
            import weasyprint  # noqa: F401


def _imported_without_library_search() -> bool:
    """Try the import with `find_library` answering "not found" at once; undo a failed attempt."""
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        for name in [m for m in sys.modules if m.partition(".")[0] == "weasyprint"]:
            del sys.modules[name]
        return False
    finally:
        ctypes.util.find_library = search
    return True


def load_hyphenation(languages: Sequence[str]) -> None:
    """Load the hyphenation patterns of `languages` into pyphen's cache, where WeasyPrint's line breaking finds
    them: reading and parsing a pattern file is 0.1-0.2 s of the typesetting, done here while the page is made."""
    import pyphen

    from paperbuild.render.linebreak import pattern_language

    for language in languages:
        known = pattern_language(language)
        if known:
            pyphen.Pyphen(lang=known)


def _serve(memory_limit: int) -> None:
    """The worker process: cap memory, import WeasyPrint, read the page's languages and load their hyphenation,
    say it is ready, typeset the one request read from stdin, answer on stdout: ("ok", Typeset) or (kind,
    message)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        data = resource.getrlimit(resource.RLIMIT_DATA)[1]
        resource.setrlimit(resource.RLIMIT_DATA, (data, data))  # the command's cap (limits.py): this one instead
    except (ImportError, ValueError, OSError):  # not every system lets a process cap itself
        pass
    try:
        import_weasyprint()  # now, while the parent still parses
    except (ImportError, OSError) as exc:
        _send_ready()
        answer: tuple[str, Any] = (
            "missing",
            f"WeasyPrint cannot start ({exc}); see {WEASYPRINT_HELP} for the libraries it needs",
        )
    else:
        load_hyphenation(pickle.load(sys.stdin.buffer))
        _send_ready()
        warm_up()  # while the parent still makes the page
        answer = _typeset_answer(pickle.load(sys.stdin.buffer), memory_limit)
    pickle.dump(answer, sys.stdout.buffer)
    sys.stdout.buffer.flush()


def _typeset_answer(request: TypesetRequest, memory_limit: int) -> tuple[str, Any]:
    try:
        done = typeset(request)
        return ("ok", (done.pdf, done.text, done.refused))  # plain data: this module runs as __main__ here
    except InputError as exc:
        return ("input", str(exc))
    except Exception as exc:
        # Out of memory shows as MemoryError, or, when a C library's allocation failed first, as whatever error
        # that library's caller raises (seen: SystemError from cffi); the peak address space tells them apart.
        if isinstance(exc, MemoryError) or _peak_address_space() >= memory_limit * 0.9:
            return ("input", f"typesetting the PDF needed more than {memory_limit // 1024**2} MB of memory")
        return ("crash", said(exc))


def _peak_address_space() -> int:
    """The most address space this process held, in bytes (what its memory cap limits); 0 where unknown."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    peak = next((line.split()[1] for line in status.splitlines() if line.startswith("VmPeak:")), "0")
    return int(peak) * 1024


def _send_ready() -> None:
    sys.stdout.buffer.write(READY)
    sys.stdout.buffer.flush()


class PdfWorker:
    """One WeasyPrint process, started early, used once.

    It is told the page's languages as soon as they are known (`prepare`), and loads their hyphenation patterns
    while the page is made. Then it says it is ready (`wait_until_ready`): on a two-core machine, other heavy work
    (the DOCX's pandoc) waits for that, instead of slowing down the PDF, the longest output."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT_BYTES) -> None:
        # The worker runs this very paperbuild, not another one installed or in the current folder: -P keeps the
        # current folder off its sys.path, and this package's folder comes first.
        search_path = [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]
        self._process = subprocess.Popen(
            [sys.executable, "-P", "-m", "paperbuild.render.pdf_worker", str(memory_limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, search_path))},
        )
        self.memory_limit = memory_limit
        self._prepared = False
        self._preparing = threading.Lock()
        self._ready = threading.Thread(target=self._read_ready_byte, name="pdf-worker-ready", daemon=True)
        self._ready.start()

    def _read_ready_byte(self) -> None:
        """Returns when the worker's import is over, or when the process ended (nothing to read then)."""
        assert self._process.stdout is not None
        os.read(self._process.stdout.fileno(), len(READY))  # unbuffered: the answer that follows stays in the pipe

    def prepare(self, languages: Sequence[str]) -> None:
        """Tell the worker the languages of the page to come (BCP 47 tags). The first call counts; waiting for the
        worker or typesetting without it tells it no language."""
        with self._preparing:
            if self._prepared:
                return
            self._prepared = True
            assert self._process.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # it stopped at once (no WeasyPrint): its answer says why
                self._process.stdin.write(pickle.dumps(tuple(languages)))
                self._process.stdin.flush()

    def wait_until_ready(self, timeout: float | None = None) -> bool:
        """Wait until the worker has imported WeasyPrint and prepared (or stopped); False if `timeout` seconds
        passed first."""
        self.prepare(())
        self._ready.join(timeout)
        return not self._ready.is_alive()

    def typeset(self, request: TypesetRequest, timeout: float | None = None) -> Typeset:
        """Send the page; wait at most `timeout` seconds for the PDF (the request's time limit by default)."""
        timeout = request.time_limit if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            if not self.wait_until_ready(timeout):
                raise subprocess.TimeoutExpired(self._process.args, timeout)
            out, _ = self._process.communicate(pickle.dumps(request), timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            message = f"typesetting the PDF took longer than {timeout:.0f} s and was stopped"
            raise InputError(message + likely_cause(request.style_name, request.stylesheets)) from exc
        finally:
            self.close()
        if not out:  # the process died before answering: out of memory, or killed
            raise InputError(
                f"the PDF typesetter stopped without an answer (exit {self._process.returncode}); the page may need "
                f"more than {self.memory_limit // 1024**2} MB of memory"
            )
        status, payload = pickle.loads(out)
        if status == "ok":
            pdf, text, refused = payload
            return Typeset(bytes(pdf), str(text), list(refused))
        if status == "missing":
            raise MissingDependencyError(str(payload))
        if status == "crash":
            cause = (
                likely_cause(request.style_name, request.stylesheets)
                or "; a bug in WeasyPrint, or a value in the style it cannot handle"
            )
            raise InputError(f"WeasyPrint cannot typeset the page in style '{request.style_name}' ({payload}){cause}")
        raise InputError(str(payload))

    def close(self) -> None:
        """Stop the process if it still runs (it is used once)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=30)
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


if __name__ == "__main__":
    # No cyclic garbage collection: this process typesets one page and ends, under a memory cap. Its collections
    # walked WeasyPrint's growing box tree for next to no garbage: 150,000 words, 13 collections, 1.4 s; 2.5 s less
    # typesetting without them (55.5/59.2 s against 57.5/62.4 s), 14 MB more at the peak (667 against 653 MB).
    gc.disable()
    _serve(int(sys.argv[1]))
    # The answer is sent; tearing down the interpreter would free WeasyPrint's layout tree object by object, 0.1 s
    # or more the parent would wait for the end of this process's output.
    os._exit(0)
