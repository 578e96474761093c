"""What a new user's real papers still lost or misplaced (the trial's reproductions in /work/repro): TeX text symbols
in a .bib file, size commands in math, the JATS's acknowledgements and ids, a journal's own headings, bounds on
keywords, and how a shipped journal profile is named in a message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_BIB, MINIMAL_META, check_lines, make_project, normalize, pdf_text
from lxml import etree
from test_jats import DTD_FILE, read_jats
from test_journal_profiles import SECTIONS, meta, paper
from test_real_papers import docx_text

from paperbuild.journal_profiles import SHIPPED_DIR
from paperbuild.pipeline import Options, run_build
from paperbuild.render.html import page_text


@pytest.fixture(scope="module")
def dtd() -> Any:
    return etree.DTD(str(DTD_FILE))


def text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


# ------------------------------------------------------------------------------------------ TeX text symbols

SYMBOLS_BIB = (
    "@book{apps2020,\n  author = {Roe, Jane},\n"
    "  title = {{Apps} \\textbar{} germany \\textendash{} 5\\texttimes{}3 \\textunderscore{}x "
    "\\textbraceleft{}y\\textbraceright{} 10\\texteuro{} \\dag{} {\\\"o}\\'{e} \\& \\% \\textless{}b\\textgreater{}"
    " \\textemdash{} end},\n  publisher = {P},\n  year = {2020},\n}\n"
)
SYMBOLS_SHOWN = "| germany – 5\u00d73 _x {y} 10€ † öé & % <b> — end"


def test_text_symbols_of_a_bib_title_print_in_every_output(tmp_path: Path, dtd: Any) -> None:
    """`\\textbar{}` (what `pandoc -t bibtex` writes for '|') and the other text symbols pandoc keeps as raw TeX
    were dropped from the reference list of every output ('Apps germany')."""
    root = make_project(
        tmp_path,
        {
            "manuscript/01-intro.md": "# Intro\n\nA pipe \\textbar{} in text [@apps2020].\n",
            "bibliography/references.bib": SYMBOLS_BIB,
        },
    )
    result = run_build(root, ["html", "pdf", "docx", "jats"], Options())
    assert [d.format() for d in result.diagnostics] == []
    out = root / "build"
    html = " ".join(page_text((out / "paper.html").read_text(encoding="utf-8")).split())
    pdf = normalize(pdf_text(out / "paper.pdf"))
    docx = " ".join(docx_text(out / "paper.docx").split())
    for shown in (html, pdf, docx):
        assert SYMBOLS_SHOWN in shown.casefold()  # the style capitalises the title's words
        assert "A pipe | in text" in shown
    article = read_jats(out / "paper.xml", dtd)
    assert SYMBOLS_SHOWN in text(article.find("back/ref-list/ref//element-citation/source")).casefold()
    assert SYMBOLS_SHOWN in text(article.find("back/ref-list/ref//mixed-citation")).casefold()
    assert "A pipe | in text" in text(article.find("body"))


def test_a_bib_command_that_prints_nothing_is_an_error_at_its_bib_line(tmp_path: Path) -> None:
    bib = MINIMAL_BIB + "@misc{roe2020,\n  author = {Roe, Jane},\n  title = {A \\foo{} b},\n  year = {2020},\n}\n"
    root = make_project(
        tmp_path,
        {"manuscript/01-intro.md": "# Intro\n\nText [@knuth1984; @roe2020].\n", "bibliography/references.bib": bib},
    )
    assert check_lines(root) == [
        "bibliography/references.bib:9:14: error[raw-tex]: raw TeX '\\foo{}' in the entry 'roe2020' means nothing "
        "the PDF, HTML, DOCX or JATS can show: it would be dropped; write the characters themselves (UTF-8), or a "
        "text command such as \\textbar{} or \\&"
    ]


# ------------------------------------------------------------------------------------------------- keywords


def test_thousands_of_keywords_are_an_input_limit_error_at_the_first_one_past_the_cap(tmp_path: Path) -> None:
    """38,000 keywords kept pandoc busy for 9 s; a journal asks for 4 to 10."""
    keywords = "".join(f"  - word{n}\n" for n in range(5000))
    meta = MINIMAL_META + "keywords:\n" + keywords
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-intro.md": "# Intro\n\nText.\n"})
    assert check_lines(root) == [
        "manuscript/metadata.yaml:205:5: error[input-limit]: 'keywords' lists 5,000 items; paperbuild reads at most "
        "200; keep the few that say what the paper is about"
    ]


# ----------------------------------------------------------------------------------------- journal profiles

ROLES = "    corresponding: true\n    roles: [software, writing - original draft]\n"
STATEMENTS = ("CRediT authorship contribution statement", "Author contributions")


@pytest.mark.parametrize(
    ("journal", "heading"),
    [("elsevier", "CRediT authorship contribution statement"), ("plos-one", "Author contributions")],
)
def test_the_authors_roles_are_headed_as_the_journal_names_the_statement(
    tmp_path: Path, journal: str, heading: str
) -> None:
    """Elsevier calls it the 'CRediT authorship contribution statement' (elsevier.yaml's `credit-heading`); the
    other journals keep 'Author contributions'."""
    sections = [s for s in SECTIONS[journal] if s not in STATEMENTS]
    root = paper(tmp_path, journal, sections=sections, text=meta(journal).replace("    corresponding: true\n", ROLES))
    result = run_build(root, ["html", "docx"], Options())
    assert [d.format() for d in result.diagnostics] == []
    html = (root / "build" / "paper.html").read_text(encoding="utf-8")
    headings = [" ".join(page_text(h).split()) for h in re.findall(r"<h2\b.*?</h2>", html, re.DOTALL)]
    assert [h for h in headings if h in STATEMENTS] == [heading]
    docx = docx_text(root / "build" / "paper.docx").splitlines()
    assert [line for line in docx if line.strip() in STATEMENTS] == [heading]


def test_a_shipped_profiles_rule_is_shown_at_its_path_in_the_package_not_where_it_is_installed(
    tmp_path: Path,
) -> None:
    root = paper(tmp_path, "plos-one", sections=[s for s in SECTIONS["plos-one"] if s != "Data availability"])
    line = next(
        n
        for n, text in enumerate((SHIPPED_DIR / "plos-one.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if "- Data availability" in text
    )
    assert check_lines(root) == [
        f"paperbuild/journals/plos-one.yaml:{line}: error[required-section]: no section 'Data availability' or "
        "'Data availability statement'; PLOS ONE requires it; add a heading '# Data availability' to a chapter"
    ]
