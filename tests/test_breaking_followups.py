"""Follow-ups of the PDF's paragraph breaking (render/justify.py, paragraph.py): stray breaks testers saw, break
opportunities inside URLs as LaTeX's url package has them. Read back from the PDF with pdftotext."""

from __future__ import annotations

import itertools
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import make_project

from paperbuild.cli import main
from paperbuild.conservation_tokens import pdf_tokens
from paperbuild.render.linebreak import Line

pytestmark = pytest.mark.slow  # builds with pandoc and WeasyPrint

XHTML = "{http://www.w3.org/1999/xhtml}"


def pdftotext(pdf: Path, *options: str) -> str:
    """The PDF's text as poppler's pdftotext reads it."""
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, check=True, text=True).stdout


def pdf_lines(root: Path) -> list[str]:
    """The lines of text of the project's PDF, as pdftotext reads them (blank ones left out, spaces collapsed;
    `-layout` keeps a word's own hyphen at a line end)."""
    text = pdftotext(root / "build" / "paper.pdf", "-layout")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def widest_gap(pdf: Path) -> float:
    """The widest space between two words of one line of the PDF's text, in points."""
    xml = ET.fromstring(pdftotext(pdf, "-bbox"))
    words = [[float(w.get(key, "0")) for key in ("xMin", "xMax", "yMin")] for w in xml.iter(f"{XHTML}word")]
    return max(b[0] - a[1] for a, b in itertools.pairwise(words) if abs(a[2] - b[2]) < 1 and b[0] > a[1])


def test_a_paragraph_with_inline_math_leaves_no_word_alone_on_a_line(tmp_path: Path) -> None:
    # /work/repro2/inline-math-break: line by line (a paragraph holding a formula is not planned), the line before
    # the formula was made wider than the block; WeasyPrint, finding the image past it, broke after its first word
    chapter = (
        "# Weights\n\nNow, well-formed weight functions must be chosen or interpreted from the set of rules. So, we "
        "define these functions in terms of the non-empty set of A: $f_{A}(x)=g_{A}(x)=x+1$ for all. These weight "
        "function can now be applied to the rules:\n"
    )
    make_project(tmp_path, {"manuscript/01-brk.md": chapter, "bibliography/references.bib": ""})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    lines = pdf_lines(tmp_path)
    start = next(i for i, line in enumerate(lines) if line.startswith("Now, well-formed"))
    paragraph = lines[start : start + 4]
    assert all(len(line.split()) > 3 for line in paragraph[:2]), paragraph  # was "... from the" / "set" / "of rules"
    assert paragraph[1].startswith("set of rules. So, we define"), paragraph


def test_a_paragraph_ending_in_a_cross_reference_group_starts_with_a_full_line(tmp_path: Path) -> None:
    # /work/repro3/lonely-in: the first line held only "In" (the plan's line ended at a space before a span,
    # which WeasyPrint counts: fixed on main by e6b76be, which gives such a line that space; kept here)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50"/></svg>'
    chapter = (
        "# Intro\n\n![One](one.svg){#fig:one}\n\n![Two](one.svg){#fig:two}\n\nIn case of multiple references, "
        "capitalization is determined by first reference. [@Fig:one; @fig:two].\n"
    )
    files = {"manuscript/01-intro.md": chapter, "manuscript/one.svg": svg, "bibliography/references.bib": ""}
    make_project(tmp_path, files)
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    lines = pdf_lines(tmp_path)
    assert "In case of multiple references, capitalization is determined by first reference." in lines, lines
    assert "In" not in lines


URLS = [
    "https://tjj.ln.gov.cn/tjj/tjxx/xxcx/tjnj/index.shtml",
    "https://unctadstat.unctad.org/datacentre/dataviewer/US.LSCI",
    "https://unctad.org/topic/transport-and-trade-logistics/review-of-maritime-transport",
    "https://www.liaoningport.com/investor-relations/annual-reports/2023-annual-report-full-text.pdf",
    "https://comtradeplus.un.org/TradeFlow?Frequency=A&Flows=X&CommodityCodes=TOTAL&Partners=0&Reporters=156",
    "https://www.stat-search.boj.or.jp/ssi/mtshtml/fm08_m_1_en.html",
    "https://drive.google.com/drive/folders/1Qx7ZkP3vR9mT2bW8nY4cL6hJ0aD5sF1gE3iKwUo?usp=sharing",
]
URLS_TEXT = (
    "The port statistics come from the open data portal of the Liaoning Provincial Bureau of Statistics at <{0}>, "
    "which publishes the yearly abstracts as scanned tables, and from the United Nations Conference on Trade and "
    "Development, whose liner shipping connectivity index is kept at <{1}> with a documentation page at <{2}>. "
    "Container throughput of the ports of Dalian, Yingkou and Jinzhou was checked against the annual reports of "
    "Liaoning Port Group (<{3}>).\n\nTrade flows between the Northeast Asian economies follow the UN Comtrade "
    "database (<{4}>), read through its application programming interface. The exchange rates are those of the "
    "Bank of Japan (<{5}>), converted to yuan at the monthly averages published by the State Administration of "
    "Foreign Exchange. The answers to our survey of freight forwarders are shared at <{6}>, and the method of "
    "weighting them follows the classic treatment.\n"
)


def test_a_url_is_broken_where_latex_breaks_one_and_printed_whole(tmp_path: Path) -> None:
    # pango breaks a URL after its "/", "?" and "-" only: a line before "US.LSCI" or "Frequency=A&Flows=" was
    # stretched loose; LaTeX's url package breaks after . _ = & too (urls paper: 28.6 % loose lines -> 24.5 %)
    chapter = "# Data\n\n" + URLS_TEXT.format(*URLS)
    make_project(tmp_path, {"manuscript/01-data.md": chapter, "bibliography/references.bib": ""})
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0  # no lost-text error: the words are all there
    lines = pdf_lines(tmp_path)
    inside = [
        (line, after)
        for line, after in itertools.pairwise(lines)
        if any(line.split()[-1].lstrip("(") + after.split()[0].rstrip("),.") in url for url in URLS)
        and not any(line.split()[-1].lstrip("(") == url for url in URLS)
    ]  # a line that ends inside a URL, and the next
    assert inside, lines
    assert not [line for line, _ in inside if line.endswith("\u2010")]  # never a printed hyphen
    # where pango does not break ("=" it does where a piece is longer than a line): was "database (https://comtr
    # adeplus.un.org/TradeFlow?", its one space stretched 4 spaces wide; now "...TradeFlow?Frequency=A&"
    assert {line[-1] for line, _ in inside} & set("._&"), inside
    assert widest_gap(tmp_path / "build" / "paper.pdf") < 12  # points; was 142, after "database"
    text = "".join(line + ("" if (line, after) in inside else " ") for line, after in itertools.pairwise([*lines, ""]))
    assert all(url in text for url in URLS), text  # each URL whole once its lines are joined, no character added
    assert "\u200b" not in pdftotext(tmp_path / "build" / "paper.pdf")
    assert main(["html", "--project", str(tmp_path), "--quiet"]) == 0  # the page a reader copies from: as written
    page = (tmp_path / "build" / "paper.html").read_text(encoding="utf-8")
    assert "\u200b" not in page
    assert f'<a href="{URLS[1]}" class="uri">{URLS[1]}</a>' in page


def test_the_pdfs_zero_width_spaces_are_no_words_of_the_conservation_check() -> None:
    assert pdf_tokens("at https://doi.\u200b\norg/10.\u200b5281/\u200bzenodo.1 here") == pdf_tokens(
        "at https://doi.\norg/10.5281/zenodo.1 here"
    )


def test_a_line_ending_at_a_urls_own_hyphen_still_counts_in_a_run_of_hyphens() -> None:
    # the print HTML's zero-width space follows the hyphen: "transport-and-trade-\u200b" ends the line
    assert Line(0, 0, "with", "https://unctad.org/topic/transport-and-trade-\u200b").ends_in_hyphen
