"""Why WeasyPrint failed, in words a researcher can act on.

Takes the exception the typesetter raised, or the style's stylesheets; gives the error in one line with the place
in WeasyPrint that raised it, and the declarations whose numbers are out of any plausible range (`width: 1e9px`),
named at their file and line as the likely cause. Used by pdf_worker.py, on both sides of its process boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

LARGEST_PLAUSIBLE = 1e5
"""A number in a stylesheet whose size passes this (or whose non-zero size is below its inverse) is named as the
likely cause when WeasyPrint fails: 100000px is 26 metres."""


def said(exc: BaseException) -> str:
    """The error in one line, with where WeasyPrint raised it: `ZeroDivisionError: float division by zero, in
    weasyprint/draw/text.py:206`."""
    where = ""
    trace = exc.__traceback__
    while trace is not None:
        path = Path(trace.tb_frame.f_code.co_filename)
        if "weasyprint" in path.parts:
            where = f", in {'/'.join(path.parts[path.parts.index('weasyprint') :])}:{trace.tb_lineno}"
        trace = trace.tb_next
    return f"{type(exc).__name__}: {exc}{where}" if str(exc) else f"{type(exc).__name__}{where}"


NUMBER = re.compile(r"(?<![\w#.-])[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
DECLARATION = re.compile(r"(?P<property>[\w-]+)\s*:\s*(?P<value>[^;{}]*)")


def likely_cause(style_name: str, stylesheets: Sequence[tuple[str, Path]]) -> str:
    """ "; a value out of range in style 'x' is the likely cause: ..." when its stylesheets have one, else ""."""
    suspects = out_of_range(stylesheets)
    if not suspects:
        return ""
    return f"; a value out of range in style '{style_name}' is the likely cause: {'; '.join(suspects)}"


def out_of_range(stylesheets: Sequence[tuple[str, Path]]) -> list[str]:
    """`file:line: property: value` for each declaration with a number past LARGEST_PLAUSIBLE (or non-zero and
    below its inverse) in the stylesheets: the likely reason WeasyPrint failed."""
    found = []
    for name, path in stylesheets:
        try:
            css = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in DECLARATION.finditer(css):
            sizes = [abs(float(number)) for number in NUMBER.findall(match["value"])]
            if any(size > LARGEST_PLAUSIBLE or 0 < size < 1 / LARGEST_PLAUSIBLE for size in sizes):
                line = css.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {match['property']}: {' '.join(match['value'].split())}")
    return found
