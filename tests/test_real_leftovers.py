"""What a new user's real papers still lost or misplaced (the trial's reproductions in /work/repro): TeX text symbols
in a .bib file, size commands in math, the JATS's acknowledgements and ids, a journal's own headings, bounds on
keywords, and how a shipped journal profile is named in a message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_BIB, MINIMAL_META, check_lines, make_project, normalize, pdf_text, png
from lxml import etree
from test_jats import DTD_FILE, assert_links_resolve, read_jats
from test_journal_profiles import SECTIONS, meta, paper
from test_real_papers import docx_text

from paperbuild.formulas import restyled
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


def test_a_shipped_profiles_rule_is_shown_where_the_researcher_chose_the_profile_not_where_it_is_installed(
    tmp_path: Path,
) -> None:
    """The breach of a shipped profile's rule was shown at /.../site-packages/paperbuild/journals/plos-one.yaml, a
    file the researcher neither owns nor should edit; it is shown at metadata's `journal:` line, naming the rule."""
    root = paper(tmp_path, "plos-one", sections=[s for s in SECTIONS["plos-one"] if s != "Data availability"])
    line = next(
        n
        for n, text in enumerate((root / "manuscript" / "metadata.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("journal:")
    )
    assert check_lines(root) == [
        f"manuscript/metadata.yaml:{line}: error[required-section]: no section 'Data availability' or "
        "'Data availability statement'; PLOS ONE requires it (the rule 'required-sections' of the plos-one "
        "profile); add a heading '# Data availability' to a chapter"
    ]
    assert str(SHIPPED_DIR) not in " ".join(check_lines(root))


# ------------------------------------------------------------------------------------------------------ JATS

STATEMENTS_CHAPTER = (
    "# Introduction\n\nText [@knuth1984].\n\n# 5. Acknowledgments\n\nWe thank the crew.\n\n"
    "## Vessels\n\nAnd the ship.\n\n# Data Availability Statement\n\nThe data are in the archive.\n\n"
    "# Funding\n\nNone.\n"
)


def test_acknowledgement_and_data_availability_sections_move_to_the_back(tmp_path: Path, dtd: Any) -> None:
    """A body section headed Acknowledgments (numbered or not, any case) was left in <body>; metadata's
    acknowledgements are kept beside it, and the repetition is said."""
    meta = MINIMAL_META + "acknowledgements: We thank the reviewers.\n"
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": meta,
            "manuscript/01-paper.md": STATEMENTS_CHAPTER,
            "bibliography/references.bib": MINIMAL_BIB,
        },
    )
    result = run_build(root, ["jats"], Options())
    assert [d.format() for d in result.diagnostics] == [
        "manuscript/01-paper.md:5:1: warning[repeated-section]: the section '5. Acknowledgments' and metadata's "
        "'acknowledgements' both thank: every output prints both, and paper.xml keeps both in <back>; keep one of "
        "them"
    ]
    article = read_jats(root / "build" / "paper.xml", dtd)
    assert [text(s.find("title")) for s in article.iterfind("body/sec")] == ["Introduction", "Funding"]
    back = [(part.tag, part.get("sec-type"), text(part.find("title"))) for part in article.find("back")]
    assert back[:3] == [
        ("ack", None, "Acknowledgements"),
        ("ack", None, "5. Acknowledgments"),
        ("sec", "data-availability", "Data Availability Statement"),
    ]
    assert [text(p) for p in article.find("back/ack[2]").iter("p")] == ["We thank the crew.", "And the ship."]
    assert [text(p) for p in article.find("back/sec").iter("p")] == ["The data are in the archive."]


@pytest.mark.parametrize("title", ["致谢", "ACKNOWLEDGEMENT", "Acknowledgements"])
def test_each_way_of_writing_acknowledgements_is_an_ack(tmp_path: Path, dtd: Any, title: str) -> None:
    chapter = f"# Introduction\n\nText [@knuth1984].\n\n# {title}\n\nThanks.\n"
    files = {"manuscript/01-paper.md": chapter, "bibliography/references.bib": MINIMAL_BIB}
    result = run_build(make_project(tmp_path, files), ["jats"], Options())
    assert result.ok
    article = read_jats(tmp_path / "build" / "paper.xml", dtd)
    assert [text(ack.find("title")) for ack in article.iterfind("back/ack")] == [title]
    assert [text(s.find("title")) for s in article.iterfind("body/sec")] == ["Introduction"]


IDS_CHAPTER = (
    "# Introduction {#sec:intro}\n\nAs @fig:map, @tbl:sites, @eq:mass and [the start](#sec:intro) show "
    "[@knuth1984].\n\n![A map.](figures/map.png){#fig:map}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
    ": Sites. {#tbl:sites}\n\n$$ m = 1 $$ {#eq:mass}\n\n# Maps {#fig-map}\n\nSee @fig-map.\n"
)


def test_jats_ids_are_readable_unique_and_every_rid_resolves(tmp_path: Path, dtd: Any) -> None:
    """pandoc escaped pandoc-crossref's `fig:map` as `figU003Amap`."""
    files = {"manuscript/01-paper.md": IDS_CHAPTER, "bibliography/references.bib": MINIMAL_BIB}
    root = make_project(tmp_path, files)
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "map.png").write_bytes(png(2400, 2))
    result = run_build(root, ["jats"], Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    data = (root / "build" / "paper.xml").read_bytes()
    assert b"U003A" not in data
    article = read_jats(root / "build" / "paper.xml", dtd)
    assert_links_resolve(article)
    ids = [element.get("id") for element in article.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert {"sec-intro", "fig-map-2", "tbl-sites", "eq-mass", "fig-map"} <= set(ids)
    assert article.find("body//fig").get("id") == "fig-map-2"  # the heading wrote fig-map itself
    rids = {xref.get("rid") for xref in article.iter("xref")}
    assert {"sec-intro", "fig-map-2", "tbl-sites", "eq-mass", "fig-map"} <= rids


# ------------------------------------------------------------------------------------------------------ math

MATH_CHAPTER = (
    "# Method\n\nA size:\n\n$$\n\\large q_z = \\begin{Bmatrix}\n\t1 & p \\leq q\n\t\\end{Bmatrix}\n$$\n\n"
    "A bold vector ${\\bf v} = \\int f \\, {\\rm d}x$ and a strut $\\strut w$.\n\nBold math $\\boldmath y$.\n"
)


def test_size_and_font_switches_in_math_are_notes_and_the_formula_prints_everywhere(tmp_path: Path) -> None:
    """`\\large` in a formula stopped the build (pandoc cannot convert it, and printed the formula as TeX); it
    changes only the size, so it goes with a note; `{\\bf v}` is read as `\\mathbf{v}`; `\\boldmath`, which is no
    math command at all, stays an error."""
    root = make_project(tmp_path, {"manuscript/01-method.md": MATH_CHAPTER})
    assert check_lines(root) == [
        "manuscript/01-method.md:6:1: note[math]: in the formula '\\large q_z = \\begin{Bmatrix} 1 & p \\leq q "
        "\\end{Bmatrix}', '\\large' changes only its size and is dropped (it prints at the size of its text); the "
        "style sets the size and spacing of formulas",
        "manuscript/01-method.md:11:17: note[math]: in the formula '{\\bf v} = \\int f \\, {\\rm d}x', '\\bf' is "
        "read as '\\mathbf{...}' over the rest of its group; '\\rm' is read as '\\mathrm{...}' over the rest of its "
        "group; write \\mathbf{x}, not {\\bf x}",
        "manuscript/01-method.md:11:59: note[math]: in the formula '\\strut w', '\\strut' changes only its spacing "
        "and is dropped; the style sets the size and spacing of formulas",
        "manuscript/01-method.md:13:12: error[math]: formula '\\boldmath y' uses '\\boldmath', which the math renderer "
        "does not know; check the TeX; commands of LaTeX packages beyond amsmath are not available",
    ]
    (root / "manuscript" / "01-method.md").write_text(MATH_CHAPTER.split("Bold math")[0], encoding="utf-8")
    result = run_build(root, ["html", "docx"], Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    html = (root / "build" / "paper.html").read_text(encoding="utf-8")
    assert "\\large" not in html and "\\bf" not in html and "\\strut" not in html
    assert '<mi mathvariant="bold' in html and "{\\mathbf{v}} = \\int f \\, {\\mathrm{d}}x" in html
    docx = docx_text(root / "build" / "paper.docx")
    assert "\\large" not in docx and "\\bf" not in docx


# ---------------------------------------------------------------------------------------------- country codes

QUARTO_AUTHORS = (
    "title: A Small Paper\nauthor:\n  - name: Ada Lovelace\n    affiliations:\n      - ref: lab\n"
    "affiliations:\n  - id: lab\n    name: Tide Lab\n    city: Kiel\n    country: DE\n"
)
MANUBOT_AUTHORS = (
    "title: A Small Paper\nauthors:\n  - name: Ada Lovelace\n    affiliations:\n"
    "      - Department of Tides, University of Kiel, Kiel, Germany\n"
)


@pytest.mark.parametrize(("meta", "country"), [(QUARTO_AUTHORS, "DE"), (MANUBOT_AUTHORS, "Germany")])
def test_quarto_and_manubot_affiliations_give_the_jats_country_code(
    tmp_path: Path, dtd: Any, meta: str, country: str
) -> None:
    """Only paperbuild's own `country-code` (or a country's name in its `country`) gave JATS4R's country="DE";
    Quarto writes the code as `country`, Manubot the country at the end of the affiliation's words."""
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": "# A\n\nText.\n"}
    result = run_build(make_project(tmp_path, files), ["jats", "html"], Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    article = read_jats(tmp_path / "build" / "paper.xml", dtd)
    assert [(c.get("country"), c.text) for c in article.iterfind("front/article-meta//aff/country")] == [
        ("DE", country)
    ]
    if meta is MANUBOT_AUTHORS:
        html = " ".join(page_text((tmp_path / "build" / "paper.html").read_text(encoding="utf-8")).split())
        assert "Department of Tides, University of Kiel, Kiel, Germany" in html


@pytest.mark.parametrize(
    ("tex", "read"),
    [
        ("\\bf a \\rm b", "\\mathbf{a }\\mathrm{b}"),  # a later switch ends the earlier: no nesting
        ("\\left( \\bf x \\right) y", "\\left( \\mathbf{x }\\right) y"),
        ("\\begin{matrix}\\it a & b\\end{matrix}", "\\begin{matrix}\\mathit{a }& b\\end{matrix}"),
        ("x^{\\rm T} + \\smash[b]{y} + \\hphantom{0} z", "x^{\\mathrm{T}} + {y} +  z"),
        ("\\big\\large(", "\\big ("),
    ],
)
def test_font_switches_end_with_their_group_and_dropped_commands_leave_the_rest_as_written(tex: str, read: str) -> None:
    assert restyled(tex)[0] == read
