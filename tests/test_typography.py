"""Line breaking and page breaking in the PDF, read back as a reader sees the pages (issue #17).

Small papers are typeset with the default style and their PDF read with `pdftotext -bbox-layout`: no more than two
lines in a row end in a hyphen, no page ends in a hyphenated word, proper nouns are never hyphenated, `lang: en`
hyphenates with US patterns, URLs break without a hyphen and stay inside the text block, and a table's caption is
on the page where its table starts.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_project

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # builds with pandoc and WeasyPrint

XHTML = "{http://www.w3.org/1999/xhtml}"
HYPHEN = "\u2010"  # the hyphen WeasyPrint adds at a line end
LONG_WORDS = [
    *("international", "development", "cooperation", "comprehensive", "revitalization", "participation"),
    *("infrastructure", "manufacturing", "transportation", "competitiveness", "environmental", "administrative"),
    *("opportunities", "construction", "economic", "industrial", "technological", "significant", "important"),
]
SHORT_WORDS = ["the", "of", "and", "in", "a", "to", "its", "for", "by", "with"]
PROPER_NOUNS = ["Liaoning", "Heilongjiang", "Vladivostok", "Northeast", "Shenyang"]


@dataclass(frozen=True)
class Line:
    """A line of text on a page."""

    page: int
    words: list[str]
    x_max: list[float]
    """Each word's right end, in points."""

    @property
    def text(self) -> str:
        return " ".join(self.words)


def pdf_lines(pdf: Path) -> tuple[list[Line], float]:
    """The lines of the PDF in reading order (page numbers and running heads left out), and the right edge of the
    text block (the block is centred on the page)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    lines: list[Line] = []
    left, width = 1e9, 0.0
    for number, page in enumerate(ET.fromstring(xml).iter(f"{XHTML}page")):
        width = float(page.get("width", "0"))
        for line in page.iter(f"{XHTML}line"):
            words = list(line.iter(f"{XHTML}word"))
            texts = [w.text or "" for w in words]
            if float(line.get("yMin", "0")) < 60 or all(t.isdigit() for t in texts):  # running head, page number
                continue
            left = min(left, float(line.get("xMin", "0")))
            lines.append(Line(number, texts, [float(w.get("xMax", "0")) for w in words]))
    return lines, width - left


def build_pdf(root: Path, chapter: str, lang: str = "en") -> list[Line]:
    meta = f"title: Line Breaking\nauthors:\n  - name: Ada Lovelace\nlang: {lang}\n"
    make_project(root, {"manuscript/metadata.yaml": meta, "manuscript/01-text.md": chapter, "bibliography/r.bib": ""})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    return pdf_lines(root / "build" / "paper.pdf")[0]


def prose(seed: int, paragraphs: int) -> str:
    """Paragraphs of long lower-case words (the kind hyphenation splits), short words and proper nouns."""
    rng = random.Random(seed)
    words = [*LONG_WORDS * 3, *SHORT_WORDS * 3, *PROPER_NOUNS]
    return "\n\n".join(" ".join(rng.choice(words) for _ in range(150)) + "." for _ in range(paragraphs)) + "\n"


@pytest.fixture(scope="module")
def prose_lines(tmp_path_factory: pytest.TempPathFactory) -> list[Line]:
    """Eight pages or so of prose that, before issue #17, ended 30 % of its lines and runs of 5 in a hyphen."""
    return build_pdf(tmp_path_factory.mktemp("prose"), prose(17, 24))


def test_no_more_than_two_lines_in_a_row_end_in_a_hyphen(prose_lines: list[Line]) -> None:
    run = longest = 0
    for line in prose_lines:
        run = run + 1 if line.words[-1].endswith((HYPHEN, "-")) else 0
        longest = max(longest, run)
    hyphenated = sum(line.words[-1].endswith(HYPHEN) for line in prose_lines)
    assert longest <= 2
    assert 0 < hyphenated <= 0.1 * len(prose_lines)  # still hyphenated, where a line would be left too short


def test_no_page_ends_in_a_hyphenated_word(prose_lines: list[Line]) -> None:
    last_lines = [line for line, following in itertools.pairwise(prose_lines) if following.page != line.page]
    assert len(last_lines) >= 5
    assert [line.text for line in last_lines if line.words[-1].endswith(HYPHEN)] == []


def test_proper_nouns_are_never_hyphenated(prose_lines: list[Line]) -> None:
    broken = [line.words[-1] for line in prose_lines if line.words[-1].endswith(HYPHEN)]
    assert [word for word in broken if word[0].isupper()] == []


DIFFERING = ["comprehensive", "important", "knowledge", "information", "democracy", "philosophy", "analysis"]
"""Words the US and the British patterns split differently: "com-pre-hen-sive" and "com-pre-hens-ive"."""


def first_parts(patterns: str) -> set[str]:
    """The first parts of the DIFFERING words that `patterns` allow (3 letters at least on each side)."""
    import pyphen

    dictionary = pyphen.Pyphen(lang=patterns, left=3, right=3)
    return {word[:at] for word in DIFFERING for at in dictionary.positions(word)}


@pytest.mark.parametrize(("lang", "patterns", "other"), [("en", "en_US", "en_GB"), ("en-GB", "en_GB", "en_US")])
def test_english_is_hyphenated_with_us_patterns_unless_british(
    tmp_path: Path, lang: str, patterns: str, other: str
) -> None:
    rng = random.Random(3)
    # one or two short words between long ones: lines that need hyphens, though their letters may be spaced
    text = " ".join(
        f"{rng.choice(DIFFERING)} " + " ".join(rng.sample(SHORT_WORDS, rng.randint(1, 2))) for _ in range(400)
    )
    lines = build_pdf(tmp_path, text + ".\n", lang)
    broken = {line.words[-1].removesuffix(HYPHEN) for line in lines if line.words[-1].endswith(HYPHEN)}
    ours, theirs = first_parts(patterns), first_parts(other)
    assert broken & (ours - theirs), broken
    assert not broken & (theirs - ours), broken


URLS = """\
The data are at <https://tjj.ln.gov.cn/tjj/tjxx/xxcx/tjnj/index.shtml>, the flows at
<https://comtradeplus.un.org/TradeFlow?Frequency=A&Flows=X&CommodityCodes=TOTAL&Partners=0&Reporters=156>, our
poll at <https://drive.google.com/drive/folders/1Qx7ZkP3vR9mT2bW8nY4cL6hJ0aD5sF1gE3iKwUoLpZ8> and the maps at
<http://www.tumenprogramme.org/?list-1524-1.html>.
"""


def test_urls_break_without_a_hyphen_and_stay_inside_the_text_block(tmp_path: Path) -> None:
    filler = ["port", "trade", "data", "year", "flows", "of", "the"]  # too short to hyphenate: any hyphen is a URL's
    chapter = "\n\n".join(" ".join(filler[: i % 7 + 1]) + " " + URLS for i in range(10))
    make_project(tmp_path, {"manuscript/01-text.md": chapter, "bibliography/r.bib": ""})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    lines, right_edge = pdf_lines(tmp_path / "build" / "paper.pdf")
    url_lines = [line for line in lines if any("/" in word or "." in word[:-1] for word in line.words[-1:])]
    assert len(url_lines) > 10
    assert [line.words[-1] for line in lines if line.words[-1].endswith(HYPHEN)] == []
    overfull = [(line.words[i], x) for line in lines for i, x in enumerate(line.x_max) if x > right_edge + 1]
    assert overfull == []


def test_a_table_caption_is_on_the_page_where_its_table_starts(tmp_path: Path) -> None:
    """Tables after paragraphs of 1 to 14 lines: some caption falls near a page foot."""
    blocks = []
    for number in range(1, 15):
        blocks.append(" ".join(["measured"] * 11 * number) + ".")
        rows = "\n".join(f"| t{number}r{row} | {row} |" for row in range(6))
        blocks.append(f"| Site | Value |\n|---|---:|\n{rows}\n\n: Values of table {number}. {{#tbl:t{number}}}")
    blocks.append(", ".join(f"@tbl:t{number}" for number in range(1, 15)) + ".")
    make_project(tmp_path, {"manuscript/01-text.md": "\n\n".join(blocks) + "\n", "bibliography/r.bib": ""})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    lines, _ = pdf_lines(tmp_path / "build" / "paper.pdf")
    caption_page = {line.words[1].rstrip(".:"): line.page for line in lines if line.words[2:3] == ["Values"]}
    first_row_page = {line.words[0][1:].partition("r")[0]: line.page for line in lines if line.words[0].endswith("r0")}
    assert len(caption_page) == len(first_row_page) == 14
    assert {n: (caption_page[n], first_row_page[n]) for n in caption_page if caption_page[n] != first_row_page[n]} == {}
