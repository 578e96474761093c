"""paperbuild: Markdown chapters + BibTeX -> journal-ready PDF, HTML and DOCX, with strict citation checks."""

import gc

__version__ = "0.1.0"

GC_THRESHOLDS = (200_000, 30, 30)
"""Collector thresholds of a paperbuild process (mypy's): a collection every 200,000 allocations, older
generations almost never."""


def collect_garbage_less_often() -> None:
    """For the command, the process paperbuild owns besides the PDF worker (which, used once, runs without the
    collector). The paper's AST lives until the end, yet Python's default thresholds had the collector walk it
    again and again: 0.2 s of a 15,000-word build, for next to no garbage freed."""
    gc.set_threshold(*GC_THRESHOLDS)
