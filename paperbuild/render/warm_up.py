"""Warm WeasyPrint up for a typesetting, before the page exists.

Takes nothing and gives nothing: it does the first-use work any typesetting begins with that needs no page (cffi's
parse of the C types WeasyPrint names). The PDF worker (pdf_worker.py) calls it once WeasyPrint is imported, while it
waits for the page, so that work is off the PDF's time.
"""

from __future__ import annotations

import contextlib

C_TYPES = (
    "PangoRectangle *",
    "PangoLogAttr[]",
    "PangoFcFontMap *",
    "FcChar8 **",
    "char[]",
    "char[4]",
    "unsigned int *",
    "hb_tag_t[100]",
    "hb_codepoint_t[11]",
)
"""The C types WeasyPrint (70) names to cffi whenever it lays out and writes a page: cffi parses a name the first
time it is used, against all of WeasyPrint's C declarations (7 ms each on this machine, 0.07 s in all); parsed by
`warm_up`, that is done before the page arrives instead of while the PDF is made. A name a later WeasyPrint no longer
uses costs its 7 ms, once."""


def warm_up() -> None:
    """Parse the C types WeasyPrint names (C_TYPES) into cffi's cache."""
    from cffi import CDefError  # type: ignore[import-untyped]
    from weasyprint.text.ffi import ffi

    for name in C_TYPES:
        with contextlib.suppress(CDefError):  # a type a later WeasyPrint no longer declares
            ffi.typeof(name)
