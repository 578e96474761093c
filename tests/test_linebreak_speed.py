"""What the build no longer does twice (issue #17 follow-up): the PDF's second look at its line breaks
(render/linebreak.py) remakes the pages it mends, not the document, and lays them out as a whole layout would; the
HTML page is made once, and its fonts packed as WOFF without fontTools parsing their tables."""

from __future__ import annotations

import itertools
import random
import re
import statistics
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import make_project

from paperbuild.cli import main
from paperbuild.render import html_fonts, linebreak
from paperbuild.render.pdf_worker import layout_text
from paperbuild.style import PACKAGED_STYLES

pytestmark = pytest.mark.slow  # lays pages out with WeasyPrint

XHTML = "{http://www.w3.org/1999/xhtml}"

SYLLABLES = ["con", "struc", "tion", "in", "ter", "na", "tal", "de", "vel", "op", "ment", "com", "pre", "hen", "sive"]
SHORT_WORDS = ["the", "of", "and", "in", "a", "to", "its", "for", "by", "with"]
CSS = (
    "@page { size: A6; margin: 1cm } section { break-before: page }"
    "p { text-align: justify; hyphens: auto; hyphenate-limit-chars: 6 3 3; font-size: 9pt; margin: 0 0 4pt }"
)


def page(seed: int, sections: int) -> str:
    """Sections of a page or two, each starting a page; every sixth of long lower-case words, hyphenated at many
    line ends (runs of three, page-end hyphens), the others of words too short to hyphenate. The long words are made
    of four syllables each, so that one seldom comes back, as in prose: a word kept whole changes the lines where
    it was hyphenated, wherever they are."""
    rng = random.Random(seed)
    long_words = ["".join(rng.choices(SYLLABLES, k=4)) for _ in range(3000)] + SHORT_WORDS * 60
    texts = [
        "".join(f"<p>{' '.join(rng.choices(SHORT_WORDS if n % 6 else long_words, k=60))}.</p>" for _ in range(4))
        for n in range(sections)
    ]
    body = "".join(f"<section>{text}</section>" for text in texts)
    return f"<html lang='en'><head><style>{CSS}</style></head><body>{body}</body></html>"


def test_the_second_look_makes_only_the_pages_it_mends_and_lays_them_out_as_a_whole_layout_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint
    from weasyprint.layout import page as page_layout

    html = page(7, 24)
    made = 0
    make_page = page_layout.make_page

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal made
        made += 1
        return make_page(*args, **kwargs)

    monkeypatch.setattr(page_layout, "make_page", counted)
    policy = linebreak.Policy()
    document = linebreak.typeset_well(lambda: weasyprint.HTML(string=html).render(), policy)
    pages = len(document.pages)
    assert len(policy.kept_whole) >= 3  # hyphenations were mended
    assert pages >= 20 and made < 1.7 * pages, (made, pages)  # layouts of the whole made each page twice or more

    whole = linebreak.typeset_well(lambda: weasyprint.HTML(string=html).render(), linebreak.Policy(policy.kept_whole))
    assert layout_text(document) == layout_text(whole)  # the words kept whole from the start: the same pages


def test_the_html_page_is_made_once_and_its_faces_are_woff_with_the_subsets_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    from paperbuild.render import html

    made = []
    page = html.page
    monkeypatch.setattr(html, "page", lambda *args, **kwargs: made.append(1) or page(*args, **kwargs))
    make_project(tmp_path, {"manuscript/01-text.md": "China’s ports, *in italics* and **bold**.\n"})
    assert main(["html", "--project", str(tmp_path), "--quiet"]) == 0
    assert len(made) == 1  # the characters are read from the page, the fonts put in where a token stood
    page_html = (tmp_path / "build" / "paper.html").read_text(encoding="utf-8")
    faces = re.findall(r"src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) format\(\"woff\"\)", page_html)
    assert len(faces) == 4 and not re.search(r"/\*[0-9a-f]{32}\*/", page_html)  # no token left

    subset_input = hb.SubsetInput()
    for code in map(ord, "China’s ports"):
        subset_input.unicode_set.add(code)
    regular = (PACKAGED_STYLES / "default" / "fonts" / "NotoSerif-Regular.ttf").read_bytes()
    sfnt = bytes(hb.subset(hb.Face(regular), subset_input).blob.data)
    with TTFont(io.BytesIO(html_fonts.woff(sfnt)), checkChecksums=2) as packed, TTFont(io.BytesIO(sfnt)) as plain:
        assert packed.flavor == "woff" and sorted(packed.keys()) == sorted(plain.keys())
        assert all(packed.reader[tag] == plain.reader[tag] for tag in sorted(plain.reader.keys()))
        assert packed.getBestCmap() == plain.getBestCmap() and "’" in map(chr, packed.getBestCmap())


LOOSE_PARAGRAPH = (
    "On the other hand, regional cooperation in Northeast Asia is also facing a series of challenges. Firstly, the "
    "degree of economic integration in the region is still low, with low mutual investment dependence among "
    "countries and low trade dependence within the region. This means that although Northeast Asia has sufficient "
    "production capacity, the finished product market is relatively small, which limits the depth of regional "
    "cooperation. Secondly, historical issues and conflicts of interest also pose obstacles to cooperation and "
    "communication in Northeast Asia. For example, the legacy of Japan's invasion history and differences in "
    "political systems, ideologies, and other aspects between Northeast Asian countries may affect the willingness "
    "of cooperation among countries. Finally, the tensions in the geopolitical situation may also have a negative "
    "impact on regional cooperation in Northeast Asia."
)
"""A paragraph of this repository's paper, full of proper nouns (never hyphenated): before, WeasyPrint's greedy
breaking left "low trade dependence within the region. This means that although" with spaces three times their
width, and four more lines with spaces past one and a half."""


def word_spaces(pdf: Path) -> tuple[list[float], float]:
    """The mean word space of each justified line of the PDF's body text, and the font's word space (the median
    space of the lines set ragged), both in points, from `pdftotext -bbox-layout`."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    lines = [
        [(float(w.get("xMin", "0")), float(w.get("xMax", "0"))) for w in line.iter(f"{XHTML}word")]
        for line in ET.fromstring(xml).iter(f"{XHTML}line")
    ]
    lines = [words for words in lines if len(words) > 2]
    right = max(words[-1][1] for words in lines)
    gaps = [[b[0] - a[1] for a, b in itertools.pairwise(words)] for words in lines]
    justified = [statistics.mean(g) for words, g in zip(lines, gaps, strict=True) if words[-1][1] > right - 1]
    ragged = [gap for words, g in zip(lines, gaps, strict=True) if words[-1][1] < right - 10 for gap in g]
    return justified, statistics.median(ragged)


def test_a_paragraph_of_proper_nouns_is_set_with_fewer_loose_lines(tmp_path: Path) -> None:
    chapter = "\n\n".join([LOOSE_PARAGRAPH, LOOSE_PARAGRAPH.replace("Northeast Asia", "the region")]) + "\n"
    make_project(tmp_path, {"manuscript/01-text.md": chapter, "bibliography/r.bib": ""})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    justified, space = word_spaces(tmp_path / "build" / "paper.pdf")
    assert len(justified) >= 20 and 2 < space < 4  # the lines of the two paragraphs; a space of 10.5 pt type
    loose = [round(mean / space, 2) for mean in justified if mean > 1.5 * space]
    assert len(loose) <= len(justified) // 3, loose  # before: 13 of 23 (the target, LaTeX's 1 %, is not met)
    assert max(justified) < 2.5 * space  # before: 3.1 spaces
