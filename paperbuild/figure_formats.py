"""Convert the figures papers bring from LaTeX, PDF and EPS, into SVG that every output can carry.

Takes a figure's bytes and its type (`.pdf` or `.eps`) and the output folder; gives a `Conversion`: the SVG of its
first page (vector stays vector), how many pages it had, or why it could not be converted. A PDF is drawn by
poppler's pdftocairo; an EPS is first turned into a PDF by Ghostscript with -dSAFER (PostScript is a program: one
from a stranger may read or write no file but its own temporary ones, in a private folder that is deleted
afterwards). Each tool runs with a time limit and capped memory and output size. Results are cached in the output
folder by content hash, so a rebuild converts nothing again. The converted SVG then goes through the SVG sanitiser
like any SVG figure; the DOCX gets a PNG fallback of it as of any SVG figure (render/docx.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from paperbuild.errors import MissingDependencyError
from paperbuild.output import FIGURES_FOLDER, write_atomic

CONVERTED_TYPES = {".pdf": "application/pdf", ".eps": "application/postscript"}
"""Figure types converted to SVG before any output sees them."""
CONVERTER_VERSION = "1"
"""Part of the hash: a change to how figures are converted makes the cached ones stale."""
TIMEOUT = 20  # seconds for one tool on one figure
MEMORY_LIMIT = 512 * 1024 * 1024  # bytes of address space for one tool: a figure needs a few tens of MB
MAX_OUTPUT_BYTES = 20_000_000  # the largest file a tool may write: an SVG of 20 MB is a figure no reader wants
GS_ERROR = re.compile(r"^Error: (/\w+) in (\S+)", re.MULTILINE)
HELP = {
    "gs": "Ghostscript is needed to convert EPS figures; install it with: apt-get install ghostscript",
    "pdftocairo": "pdftocairo is needed to convert PDF figures; install it with: apt-get install poppler-utils",
    "pdfinfo": "pdfinfo is needed to convert PDF figures; install it with: apt-get install poppler-utils",
}


@dataclass(frozen=True)
class Conversion:
    """What became of a PDF or EPS figure."""

    svg: bytes
    """The first page as SVG; b"" when it could not be converted."""
    pages: int
    """How many pages the figure has (an EPS has one)."""
    error: str
    """Why it could not be converted ("" when it was)."""


def convert(data: bytes, suffix: str, out_dir: Path) -> Conversion:
    """The SVG of a figure's first page, from the cache in `out_dir` or converted now (and cached)."""
    digest = hashlib.sha256(f"{CONVERTER_VERSION}{suffix}".encode() + data).hexdigest()
    cached = out_dir / FIGURES_FOLDER / f"{digest}.json"
    try:
        stored = json.loads(cached.read_text(encoding="utf-8"))
        return Conversion(stored["svg"].encode("utf-8"), int(stored["pages"]), str(stored["error"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    conversion = _convert(data, suffix)
    stored = {"svg": conversion.svg.decode("utf-8"), "pages": conversion.pages, "error": conversion.error}
    with contextlib.suppress(OSError):  # an output folder that cannot be written to costs a conversion next time
        write_atomic(cached, json.dumps(stored).encode("utf-8"))
    return conversion


def _convert(data: bytes, suffix: str) -> Conversion:
    """Convert in a private temporary folder, which holds the only files the tools may read or write."""
    with tempfile.TemporaryDirectory(prefix="paperbuild-figure-") as folder:
        work = Path(folder)
        pdf = work / "figure.pdf"
        if suffix == ".eps":
            (work / "figure.eps").write_bytes(data)
            gs = ["-dSAFER", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dEPSCrop", "-sDEVICE=pdfwrite"]
            failed = _run("gs", [*gs, f"-sOutputFile={pdf}", "-f", str(work / "figure.eps")], work)
            if failed:
                return Conversion(b"", 1, failed)
        else:
            pdf.write_bytes(data)
        info = _run("pdfinfo", [str(pdf)], work)
        pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        if pages is None:
            return Conversion(b"", 1, info.strip() or "pdfinfo: not a PDF")
        failed = _run("pdftocairo", ["-svg", "-f", "1", "-l", "1", str(pdf), str(work / "figure.svg")], work)
        svg = work / "figure.svg"
        if failed or not svg.is_file():
            return Conversion(b"", int(pages.group(1)), failed or "pdftocairo wrote no SVG")
        return Conversion(svg.read_bytes(), int(pages.group(1)), "")


def _limits() -> None:
    """In the tool's process, before it starts: cap its memory and the size of any file it writes (nothing here
    takes a lock another thread of the parent could hold)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))


def _run(tool: str, args: list[str], work: Path) -> str:
    """Run `tool` in `work` with the limits, a bare environment and `work` as its temporary folder; for pdfinfo its
    output (or the error), for the others "" when it succeeded, else why it failed."""
    program = shutil.which(tool)
    if program is None:
        raise MissingDependencyError(HELP[tool])
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(work), "TMPDIR": str(work), "LC_ALL": "C"}
    try:
        done = subprocess.run(
            [program, *args],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            preexec_fn=_limits,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{tool} took longer than {TIMEOUT} s"
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode == 0:
        return done.stdout.decode("utf-8", "replace") if tool == "pdfinfo" else ""
    if tool == "gs":
        found = GS_ERROR.search(done.stdout.decode("utf-8", "replace") + stderr)
        if found and found.group(1) == "/invalidfileaccess":
            return "Ghostscript refused it: the PostScript reads or writes a file"
        if found:
            return f"Ghostscript stopped with {found.group(1)} in {found.group(2)}"
    if done.returncode < 0:
        return f"{tool} was stopped (signal {-done.returncode}): the figure is too large or too complex"
    last = [line.strip() for line in stderr.splitlines() if line.strip()][-1:]
    return f"{tool}: {last[0]}" if last else f"{tool} failed (exit code {done.returncode})"
