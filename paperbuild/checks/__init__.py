"""The checks every build runs before rendering, in one ordered registry; and the one after rendering.

Takes a `CheckContext`; gives Diagnostics. The modules, in the registry's order (a test pins the codes):
claims.py (markers resolve, entries and labels are used), content.py (images, chapters, formulas, raw HTML and
links), content_cells.py (knitr's and Quarto's executable cells and conditional content), figures.py (figures as
authors bring them), journal.py (a journal's rules). registry.py holds the context and the `check` decorator they
register with; leftovers.py reads the outputs once they are rendered.
"""

from paperbuild.checks import claims, content, content_cells, figures, journal  # noqa: F401  (registers, in this order)
from paperbuild.checks.leftovers import first_unresolved_keys, leftover_markers
from paperbuild.checks.registry import CHECKS, Check, CheckContext, check, run_checks

__all__ = [
    "CHECKS",
    "Check",
    "CheckContext",
    "check",
    "first_unresolved_keys",
    "leftover_markers",
    "run_checks",
]
