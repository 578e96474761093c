"""What the build no longer does twice (issue #17 follow-up): the PDF's second look at its line breaks
(render/linebreak.py) remakes the pages it mends, not the document, and lays them out as a whole layout would; the
HTML page is made once, and its fonts packed as WOFF without fontTools parsing their tables."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import make_project

from paperbuild.cli import main
from paperbuild.render import html_fonts, linebreak
from paperbuild.render.pdf_worker import layout_text
from paperbuild.style import PACKAGED_STYLES

pytestmark = pytest.mark.slow  # lays pages out with WeasyPrint

SYLLABLES = ["con", "struc", "tion", "in", "ter", "na", "tal", "de", "vel", "op", "ment", "com", "pre", "hen", "sive"]
SHORT_WORDS = ["the", "of", "and", "in", "a", "to", "its", "for", "by", "with"]
CSS = (
    "@page { size: A6; margin: 1cm }"
    "p { text-align: justify; hyphens: auto; hyphenate-limit-chars: 6 3 3; font-size: 9pt; margin: 0 0 4pt }"
)


def page(seed: int, paragraphs: int) -> str:
    """Paragraphs of long lower-case words, hyphenated at many line ends: runs of three and page-end hyphens. The
    long words are made of four syllables each, so that one seldom comes back (as in prose): a word kept whole
    changes the lines where it was hyphenated, wherever they are."""
    rng = random.Random(seed)
    words = ["".join(rng.choices(SYLLABLES, k=4)) for _ in range(400)] + SHORT_WORDS * 20
    body = "".join(f"<p>{' '.join(rng.choice(words) for _ in range(60))}.</p>" for _ in range(paragraphs))
    return f"<html lang='en'><head><style>{CSS}</style></head><body>{body}</body></html>"


def layouts_from_scratch(html: str) -> tuple[Any, int]:
    """The document as made before: laid out whole again with the misplaced words kept whole, until none are left
    (or MAX_PASSES layouts); and the number of layouts."""
    import weasyprint

    policy = linebreak.Policy()
    for passes in range(1, linebreak.MAX_PASSES + 1):
        with linebreak.hyphenation(policy):
            document = weasyprint.HTML(string=html).render()
        misplaced = linebreak.misplaced_hyphenations(linebreak.laid_out_lines([p._page_box for p in document.pages]))
        if not misplaced - policy.kept_whole or passes == linebreak.MAX_PASSES:
            return document, passes
        policy.kept_whole |= misplaced
    raise AssertionError("unreachable")


def test_the_second_look_makes_only_the_pages_it_mends_and_lays_them_out_as_a_whole_layout_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weasyprint
    from weasyprint.layout import page as page_layout

    html = page(7, 40)
    expected, passes = layouts_from_scratch(html)
    pages = len(expected.pages)
    assert passes >= 2 and pages >= 15  # the page has something to mend, over many pages

    made = 0
    make_page = page_layout.make_page

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal made
        made += 1
        return make_page(*args, **kwargs)

    monkeypatch.setattr(page_layout, "make_page", counted)
    document = linebreak.typeset_well(lambda: weasyprint.HTML(string=html).render())
    assert layout_text(document) == layout_text(expected)
    assert pages < made <= pages + pages // 2  # a whole second layout made each page twice


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
