"""Make WeasyPrint's PDF writing linear in the number of pages again.

Takes nothing; changes pydyf's `PDF.page_references` (the tuple of references to every page) in the process
that typesets, so that it is built once per page count instead of on every read. WeasyPrint reads it once per
tagged element and per link destination, and each read built the whole tuple: pages x elements, 19.7 million
references made for a 379-page book (150,000 words), 5 s of its 60 s, growing with the square of the length.
The value read is unchanged, so is the PDF: only the time to make it differs.
"""

from __future__ import annotations

from typing import Any

_CACHE = "_paperbuild_page_references"


def _cached_page_references(pdf: Any) -> tuple[bytes, ...]:
    """`pdf.page_references` as pydyf computes it, rebuilt only when pages were added since the last read."""
    kids = pdf.pages["Kids"]  # [number, 0, "R"] per page
    cached: tuple[int, tuple[bytes, ...]] | None = pdf.__dict__.get(_CACHE)
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__[_CACHE] = cached
    return cached[1]


def cache_page_references() -> bool:
    """Install the cached `page_references` on pydyf's PDF class; False (and nothing changed) when this pydyf has
    no such property, as a version that reworked it would not, or keeps no per-instance dict to cache in."""
    import pydyf

    current = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(current, property) or not pydyf.PDF.__dictoffset__:
        return False
    pydyf.PDF.page_references = property(_cached_page_references, doc=current.__doc__)  # again: the same one
    return True
