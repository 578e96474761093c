"""Cap the memory of the command's own process, as the PDF typesetter's is capped, and say which stage ran out; and
the counts of metadata items read at most.

Takes nothing; gives MAX_KEYWORDS and `memory_cap()`, the context a command runs in: the process's data (its heap:
what Python and the libraries it calls allocate) may not grow past MEMORY_LIMIT_BYTES, and running out there is a
PaperbuildError "out of memory while <stage>" (exit 1) instead of the kernel killing the machine's biggest process,
or a traceback.

The cap is RLIMIT_DATA, not RLIMIT_AS: pandoc (a GHC program) reserves a terabyte of address space it never uses,
and the children a build starts inherit the limit: RLIMIT_DATA counts only memory a process writes to, so pandoc,
rsvg-convert and git start as before, each under the same cap, beside their own (pandoc's heap cap, the typesetter's,
which lifts this one for its own).
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator

from paperbuild.errors import PaperbuildError

MEMORY_LIMIT_BYTES = 3 * 1024**3
"""The command's heap at most: a 150,000-word book (bench/bench.py) peaks at 540 MB of it."""
MAX_KEYWORDS = 200
"""Keywords read from metadata at most (journals ask for 4 to 10): 38,000 of them took pandoc 9 s; the items
past it are an input-limit error at the first one left out."""
STAGES = {
    "project": "reading the project",
    "metadata": "reading metadata.yaml",
    "bibliography": "reading the bibliography",
    "manuscript": "parsing the chapters",
    "pandoc": "running pandoc",
    "citations": "placing the citations",
    "claims": "checking the paper",
    "content": "checking the paper",
    "figures": "checking the paper",
    "journal": "checking the paper",
    "registry": "checking the paper",
    "markers": "checking the paper",
    "crossref": "numbering sections, figures and tables",
    "document": "assembling the paper",
    "html": "making the HTML",
    "docx": "making the DOCX",
    "pdf": "typesetting the PDF",
    "pdf_worker": "typesetting the PDF",
    "output": "writing the outputs",
}
"""What the command was doing when its innermost paperbuild module was this one."""


class OutOfMemory(PaperbuildError):
    """The command's process reached MEMORY_LIMIT_BYTES. Exit code 1."""


@contextlib.contextmanager
def memory_cap() -> Iterator[None]:
    """Run the enclosed code with the process's heap capped at MEMORY_LIMIT_BYTES (restored afterwards, so a
    caller that runs several commands in one process, like the tests, gets its own limit back); MemoryError
    becomes OutOfMemory, naming the stage."""
    limit = MEMORY_LIMIT_BYTES
    try:
        import resource
    except ImportError:  # not a Unix system: no cap
        yield
        return
    previous = resource.getrlimit(resource.RLIMIT_DATA)
    hard = previous[1]
    capped = True
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ValueError, OSError):  # not every system lets a process cap itself
        capped = False
    try:
        yield
    except MemoryError as exc:
        raise OutOfMemory(
            f"out of memory while {_stage(exc.__traceback__)}: paperbuild may use {limit // 1024**2:,} MB"
        ) from exc
    finally:
        if capped:
            resource.setrlimit(resource.RLIMIT_DATA, previous)


def _stage(trace: types.TracebackType | None) -> str:
    """What the innermost paperbuild frame of `trace` was doing."""
    stage = "building"
    while trace is not None:
        module = str(trace.tb_frame.f_globals.get("__name__", ""))
        if module.startswith("paperbuild."):
            stage = STAGES.get(module.rsplit(".", 1)[-1], f"in {module}")
        trace = trace.tb_next
    return stage
