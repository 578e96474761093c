"""The LaTeX commands and environments that only lay a page out, which the outputs' styles do instead.

Takes nothing; gives the names tex/convert.py drops with a note (page breaks, spacing, font sizes, running heads,
grouping), and `is_layout_wrapper`, which tells a piece of a layout wrapper split over raw blocks
(`\\begin{landscape}` in one, `\\end{landscape}` in the next) from TeX that means something.
"""

from __future__ import annotations

import re

PAGE_BREAKS = frozenset({"newpage", "clearpage", "cleardoublepage", "pagebreak"})
LAYOUT = frozenset(
    {
        "noindent", "indent", "vspace", "hspace", "vfill", "hfill", "centering", "raggedright", "raggedleft",
        "smallskip", "medskip", "bigskip", "par", "linebreak", "nopagebreak", "tiny", "scriptsize", "footnotesize",
        "small", "normalsize", "large", "Large", "LARGE", "huge", "Huge", "maketitle", "tableofcontents",
        "listoffigures", "listoftables", "pagenumbering", "pagestyle", "thispagestyle", "setcounter", "setlength",
        "addtolength", "singlespacing", "onehalfspacing", "doublespacing", "frontmatter", "mainmatter", "backmatter",
        "addcontentsline", "raggedbottom", "flushbottom", "normalfont", "sloppy", "fussy", "begingroup", "endgroup",
        "markright", "markboth", "protect", "selectfont", "afterpage", "FloatBarrier", "balance", "enlargethispage",
        "needspace", "samepage", "relax",
    }
)  # fmt: skip
NOT_DONE = {"appendix": "the headings after it are numbered on, not lettered A, B as appendices"}
"""Layout commands whose note says what the outputs do instead."""
WRAPPER_ENVIRONMENTS = (
    "landscape|center|flushleft|flushright|sloppypar|singlespace|onehalfspace|doublespace|spacing|raggedright|"
    "small|footnotesize|scriptsize|tiny|large|Large|LARGE|huge|Huge|samepage"
)
LAYOUT_PIECE = re.compile(
    rf"%[^\n]*|\\(?:begin|end)\{{(?:{WRAPPER_ENVIRONMENTS})\}}|"
    rf"\\(?:{'|'.join(sorted(LAYOUT | PAGE_BREAKS | NOT_DONE.keys()))})\b\*?(?:\[[^\]]*\])?(?:\{{[^{{}}]*\}})?|[{{}}\s]"
)
"""What a layout wrapper is made of: comments, layout environments' `\\begin` and `\\end`, layout commands, braces."""


def is_layout_wrapper(tex: str) -> bool:
    """Whether `tex` holds nothing but layout: comments, layout environments' `\\begin` or `\\end`, layout
    commands and braces, balanced or not."""
    return not LAYOUT_PIECE.sub("", tex)
