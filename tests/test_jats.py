"""Issue #18: `jats` writes build/paper.xml, JATS Archiving 1.2 with MathML 3, valid against NISO's DTD.

Each paper is built with the real pandoc and validated offline against the DTD vendored in
tests/fixtures/jats-dtd/ (lxml, nothing fetched). Then the XML is read as a journal's production editor reads it:
authors with ORCID and links to their affiliations, the corresponding author's note, every citation an xref to a
ref that holds a structured element-citation (with its DOI) beside the formatted mixed-citation, numbered
sections, figures, tables and equations (MathML with the TeX beside it), every cross-reference an xref of the
right type, acknowledgements and funding in their places.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO, make_project
from lxml import etree

from paperbuild.cli import main
from paperbuild.conservation import jats_tokens, lost_text
from paperbuild.pipeline import Options, run_build
from paperbuild.render.jats import name_parts

DTD_FILE = FIXTURES / "jats-dtd" / "archiving-1.2-mathml3" / "JATS-archivearticle1-mathml3.dtd"
MML = "{http://www.w3.org/1998/Math/MathML}"
XLINK = "{http://www.w3.org/1999/xlink}"
PUBLIC_ID = "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.2 20190208//EN"


@pytest.fixture(scope="module")
def dtd() -> Any:
    return etree.DTD(str(DTD_FILE))


def read_jats(path: Path, dtd: Any) -> Any:
    """The article's tree, once it is known to be valid against the DTD it declares."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(path), parser)
    assert tree.docinfo.public_id == PUBLIC_ID
    assert tree.docinfo.system_url == "JATS-archivearticle1-mathml3.dtd"
    valid = dtd.validate(tree)
    assert valid, [f"{e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()][:10]
    return tree.getroot()


def build_jats(root: Path, out: Path | None = None) -> tuple[Path, list[str]]:
    result = run_build(root, ["jats"], Options(out_dir=out))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.written["jats"], [d.format() for d in sorted(result.diagnostics)]


def clean_jats(root: Path, dtd: Any) -> Any:
    """The valid article of a JATS build that reports nothing."""
    path, diagnostics = build_jats(root)
    assert diagnostics == []
    return read_jats(path, dtd)


def text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def affiliation_of(meta: Any, xref: Any) -> Any:
    """The aff an author's xref points at."""
    return meta.xpath("contrib-group/aff[@id=$id]", id=xref.get("rid"))[0]


def assert_links_resolve(article: Any) -> None:
    """Every xref points at an element of the kind its ref-type says; every citation at a ref with both forms."""
    by_id = {element.get("id"): element for element in article.iter() if element.get("id")}
    kinds = {"bibr": "ref", "fig": "fig", "table": "table-wrap", "disp-formula": "disp-formula", "sec": "sec"}
    kinds |= {"fn": "fn", "aff": "aff", "corresp": "corresp"}
    for xref in article.iter("xref"):
        assert by_id[xref.get("rid")].tag == kinds[xref.get("ref-type")], etree.tostring(xref)
    for ref in article.iterfind("back/ref-list/ref"):
        assert [child.tag for child in ref.find("citation-alternatives")] == ["element-citation", "mixed-citation"]


# ------------------------------------------------------------------------------------------------ this paper


def test_this_paper_gives_valid_jats_that_a_production_editor_can_use(tmp_path: Path, dtd: Any) -> None:
    path, diagnostics = build_jats(REPO, tmp_path / "out")
    assert diagnostics == []
    article = read_jats(path, dtd)
    assert article.get("dtd-version") == "1.2" and article.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert article.find("front/journal-meta") is None  # the journal's to give, not empty elements
    meta = article.find("front/article-meta")
    assert text(meta.find("title-group/article-title")).startswith("Research on the Development of Liaoning")
    assert text(meta.find("title-group/alt-title[@alt-title-type='running-head']")) == (
        "Liaoning in Northeast Asia Regional Cooperation"
    )
    contrib = meta.find("contrib-group/contrib[@contrib-type='author']")
    assert text(contrib.find("name")) == "Yuan Yue"  # surname Yuan (name: {family: Yuan}), then given names
    aff = affiliation_of(meta, contrib.find("xref[@ref-type='aff']"))
    assert [text(i) for i in aff.iter("institution")] == ["City Institute", "Dalian University of Technology"]
    assert text(aff.find("city")) == "Dalian" and text(aff.find("country")) == "China"
    assert [text(k) for k in meta.iterfind("kwd-group/kwd")] == [
        "Northeast Asia",
        "regional cooperation",
        "Liaoning region",
    ]
    assert text(meta.find("abstract")).startswith("Northeast Asia is one of the regions")
    funding = meta.find("funding-group")
    assert text(funding.find("award-group/award-id")) == "LJKMR2022046"
    assert text(funding.find("funding-statement")).startswith("Fund Project: 2022 Liaoning Provincial")
    assert text(article.find("back/ack/title")) == "Acknowledgements"
    assert [(s.get("id"), text(s.find("label"))) for s in article.iterfind("body/sec")] == [
        ("introduction", "1"),
        ("analysis-of-the-current-situation-of-regional-cooperation-in-northeast-asia", "2"),
        ("impact-of-northeast-asia-regional-cooperation-on-liaoning-province", "3"),
        ("swot-analysis-of-liaonings-development-in-northeast-asia-regional-cooperation", "4"),
        (
            "countermeasures-and-suggestions-for-the-development-of-liaoning-in-the-perspective-of-northeast-asian-"
            "regional-cooperation",
            "5",
        ),
        ("conclusions", "6"),
    ]
    assert text(article.find("body/sec/title")) == "Introduction"  # the number is the label, not the title
    citations = [x.get("rid") for x in article.iter("xref") if x.get("ref-type") == "bibr"]
    refs = article.findall("back/ref-list/ref")
    assert citations == [ref.get("id") for ref in refs]  # cited once each, listed in citation order
    assert [text(ref.find("label")) for ref in refs] == ["[1]", "[2]", "[3]", "[4]"]
    first = refs[0].find("citation-alternatives")
    names = [(text(n.find("surname")), text(n.find("given-names"))) for n in first.iterfind(".//person-group/name")]
    assert names == [("Diao", "Xiuhua"), ("Zhang", "Tingting")]
    assert text(first.find("element-citation/source")) == "Journal of Northeast University of Finance and Economics"
    assert text(first.find("mixed-citation")) == (
        "Diao Xiuhua, Zhang Tingting. SWOT analysis and strategic positioning of Liaoning’s participation in "
        "Northeast Asia regional cooperation[J]. Journal of Northeast University of Finance and Economics, 2011."
    )
    assert_links_resolve(article)


# ------------------------------------------------------------------------- numbered figures, tables, equations


def test_figures_tables_and_equations_carry_their_numbers_and_every_cross_reference_is_an_xref(
    tmp_path: Path, dtd: Any
) -> None:
    root = shutil.copytree(FIXTURES / "crossref-paper", tmp_path / "paper")
    path, _ = build_jats(root)
    article = read_jats(path, dtd)
    figures = article.findall(".//fig")
    assert [(f.get("id"), text(f.find("label"))) for f in figures] == [
        ("fig-valleys", "Figure 1"),
        ("fig-profile", "Figure 2"),
    ]
    assert text(figures[1].find("caption")) == "Ice thickness along the central flow line of the largest glacier."
    assert [f.find("graphic").get(f"{XLINK}href") for f in figures] == ["figures/valleys.svg", "figures/profile.png"]
    tables = article.findall(".//table-wrap")
    assert [(t.get("id"), text(t.find("label"))) for t in tables] == [
        ("tbl-sites", "Table 1"),
        ("tbl-stakes", "Table 2"),
        ("tbl-loss", "Table 3"),
    ]
    formulas = article.findall(".//disp-formula")
    assert [(f.get("id"), text(f.find("label"))) for f in formulas] == [
        ("eq-balance", "(1)"),
        ("eq-volume", "(2)"),
        ("eq-mean", "(3)"),
        ("eq-rate", "(4)"),
    ]
    balance = formulas[0].find("alternatives")
    assert text(balance.find("tex-math")) == r"B = \sum_{m=1}^{12} \left( a_m - c_m \right)"
    assert balance.find(f"{MML}math").get("display") == "block"
    assert "".join(balance.find(f"{MML}math").itertext()).startswith("B=∑m=112")
    kinds = [(x.get("ref-type"), text(x)) for x in article.find("body").iter("xref") if x.get("ref-type") != "bibr"]
    assert kinds[:6] == [
        ("fig", "Figure 1"),
        ("fig", "Figure 2"),
        ("fig", "1"),
        ("fig", "2"),
        ("table", "Table 1"),
        ("sec", "Section 2"),
    ]
    assert {kind for kind, _ in kinds} == {"fig", "table", "sec", "disp-formula", "fn"}
    assert_links_resolve(article)


# --------------------------------------------------------------------------------- authors and references


AUTHORS_META = """\
title: Ice *and* snow
short-title: Ice
date: 2024-05-17
authors:
  - name: Jane van Doe
    affiliations: [north, south]
    orcid: 0000-0002-1825-0097
    email: jane@example.org
    corresponding: true
  - name: "Li Wei^[Deceased.]"
    affiliations: south
  - name: 张伟
    affiliations: north
affiliations:
  - id: north
    name: Northern University
    department: Department of Ice
    city: Tromsø
    country: Norway
  - id: south
    name: Southern Institute
    country: Chile
keywords: [ice, snow]
abstract: The *ice* melts.
acknowledgements: We thank the station crews.
funding: Supported by the Research Council under grant 301234.
"""
AUTHORS_BIB = """\
@article{doe2020ice,
  author = {Doe, Jane and Roe, Rick},
  title = {Ice {Ages}},
  journal = {Journal of Ice},
  year = {2020},
  volume = {12},
  number = {3},
  pages = {101--118},
  doi = {10.1234/ice.2020.7},
}
@book{knuth1984,
  author = {Knuth, Donald E.},
  title = {The {TeXbook}},
  publisher = {Addison-Wesley},
  year = {1984},
}
"""


def authors_project(tmp_path: Path) -> Path:
    return make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": AUTHORS_META,
            "manuscript/01-intro.md": "# Intro\n\nAs @knuth1984 and [@doe2020ice, p. 5] show, $x^2$.\n",
            "bibliography/refs.bib": AUTHORS_BIB,
        },
    )


def test_authors_affiliations_notes_and_funding_are_tagged_as_jats4r_recommends(tmp_path: Path, dtd: Any) -> None:
    path, diagnostics = build_jats(authors_project(tmp_path))
    assert diagnostics == []
    meta = read_jats(path, dtd).find("front/article-meta")
    contribs = meta.findall("contrib-group/contrib")
    jane, li, zhang = contribs
    assert jane.get("corresp") == "yes"
    orcid = jane.find("contrib-id[@contrib-id-type='orcid']")
    assert (text(orcid), orcid.get("authenticated")) == ("https://orcid.org/0000-0002-1825-0097", "false")
    assert [text(jane.find(f"name/{part}")) for part in ("surname", "given-names")] == ["van Doe", "Jane"]
    assert text(li.find("name/surname")) == "Wei" and text(zhang.find("name/surname")) == "张"
    assert [c.find("name").get("name-style") for c in contribs] == ["western", "western", "eastern"]
    places = [
        [text(affiliation_of(meta, x).find("institution-wrap")) for x in c.iterfind("xref[@ref-type='aff']")]
        for c in contribs
    ]
    assert places == [
        ["Northern University", "Southern Institute"],
        ["Southern Institute"],
        ["Northern University"],
    ]
    north = affiliation_of(meta, jane.find("xref[@ref-type='aff']"))
    assert text(north.find("institution[@content-type='dept']")) == "Department of Ice"
    assert text(north.find("city")) == "Tromsø" and text(north.find("country")) == "Norway"
    corresp = meta.xpath("author-notes/corresp[@id=$id]", id=jane.find("xref[@ref-type='corresp']").get("rid"))[0]
    assert text(corresp.find("email")) == "jane@example.org"
    assert [text(fn) for fn in meta.iterfind("author-notes/fn")] == ["Deceased."]
    assert text(meta.find("title-group/article-title")) == "Ice and snow"
    assert meta.find("title-group/article-title/italic").text == "and"
    assert text(meta.find("title-group/alt-title")) == "Ice"
    date = meta.find("pub-date")
    assert (date.get("iso-8601-date"), text(date)) == ("2024-05-17", "17 05 2024")
    assert text(meta.find("funding-group/award-group/award-id")) == "301234"
    assert text(meta.find("funding-group/funding-statement")) == "Supported by the Research Council under grant 301234."


def test_references_hold_structured_and_formatted_citations_in_the_order_of_the_list(tmp_path: Path, dtd: Any) -> None:
    path, _ = build_jats(authors_project(tmp_path))
    article = read_jats(path, dtd)
    refs = article.findall("back/ref-list/ref")
    assert text(article.find("back/ref-list/title")) == "References"
    assert [ref.get("id") for ref in refs] == ["ref-doe2020ice", "ref-knuth1984"]  # the default style: by author
    doe = refs[0].find("citation-alternatives/element-citation")
    assert doe.get("publication-type") == "article-journal"
    names = [(text(n.find("surname")), text(n.find("given-names"))) for n in doe.iterfind("person-group/name")]
    assert names == [("Doe", "Jane"), ("Roe", "Rick")]
    fields = {
        tag: text(doe.find(tag)) for tag in ("article-title", "source", "year", "volume", "issue", "fpage", "lpage")
    }
    assert fields == {
        "article-title": "Ice Ages",
        "source": "Journal of Ice",
        "year": "2020",
        "volume": "12",
        "issue": "3",
        "fpage": "101",
        "lpage": "118",
    }
    assert text(doe.find("pub-id[@pub-id-type='doi']")) == "10.1234/ice.2020.7"
    assert text(refs[0].find("citation-alternatives/mixed-citation")).startswith("Doe, Jane, and Rick Roe. 2020.")
    inline = article.find(".//inline-formula/alternatives")
    assert text(inline.find("tex-math")) == "x^2" and inline.find(f"{MML}math") is not None
    assert_links_resolve(article)


def test_a_date_jats_cannot_carry_and_a_link_to_nothing_are_warnings_at_their_lines(tmp_path: Path, dtd: Any) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": "title: T\ndate: Spring 2024\n",
            "manuscript/01-a.md": "# A\n\nSee [the appendix](#appendix) for more.\n",
        },
    )
    path, diagnostics = build_jats(root)
    assert diagnostics == [
        "manuscript/01-a.md:3:20: warning[jats-omitted]: the link to '#appendix' leads to no heading, figure, table or "
        "equation of the paper, so paper.xml keeps its words without the link; label what it points at "
        "'{#appendix}', or link to an existing label",
        "manuscript/metadata.yaml:2:1: warning[jats-omitted]: 'date: Spring 2024' is not a calendar date, so "
        "paper.xml has no publication date; write it as 2024-05-17 (or 2024-05, or 2024); the other outputs print it "
        "as written",
    ]
    article = read_jats(path, dtd)
    assert text(article.find("body/sec/p")) == "See the appendix for more."
    assert article.find("front/article-meta/pub-date") is None


def test_a_word_lost_from_the_jats_is_a_lost_text_error(tmp_path: Path) -> None:
    root = authors_project(tmp_path)
    result = run_build(root, ["jats"], Options())
    assert result.ok and result.paper is not None
    from paperbuild.project import load_project

    project, _ = load_project(root)
    sources = [list(project.chapters), [project.metadata_source]]
    xml = result.written["jats"].read_text(encoding="utf-8")
    assert lost_text(result.paper, sources, {"build/paper.xml": jats_tokens(xml)}) == []
    broken = xml.replace("station crews", "station")
    assert [d.format() for d in lost_text(result.paper, sources, {"build/paper.xml": jats_tokens(broken)})] == [
        "manuscript/metadata.yaml:25:40: error[lost-text]: 'crews' written here is missing from build/paper.xml; a "
        "writer dropped it: write it in plain Markdown, or report it as a paperbuild bug"
    ]


# --------------------------------------------------------------------------- every paper paperbuild builds


@pytest.mark.parametrize("name", ["small-paper", "counted-paper", "crossref-paper"])
def test_every_fixture_paper_gives_valid_jats(tmp_path: Path, dtd: Any, name: str) -> None:
    root = shutil.copytree(FIXTURES / name, tmp_path / name)
    path, _ = build_jats(root)
    assert_links_resolve(read_jats(path, dtd))


@pytest.mark.parametrize("source", ["joss", "quarto/template.qmd"])
def test_an_imported_real_paper_gives_valid_jats(tmp_path: Path, dtd: Any, source: str) -> None:
    root = tmp_path / "imported"
    assert main(["import", str(FIXTURES / "import" / source), str(root), "--quiet"]) == 0
    path, _ = build_jats(root)
    article = read_jats(path, dtd)
    assert_links_resolve(article)
    contribs = article.findall("front/article-meta/contrib-group/contrib")
    named = [c for c in contribs if c.find("name") is not None]
    assert named, "the imported paper's authors are not in the JATS front matter"
    assert all(c.find("xref[@ref-type='aff']") is not None for c in named)
    if source == "joss":
        assert text(contribs[0].find("contrib-id")) == "https://orcid.org/0000-0002-8292-7189"
        dois = [text(p) for p in article.iterfind(".//element-citation/pub-id[@pub-id-type='doi']")]
        assert "10.1016/j.neuroimage.2004.06.018" in dois


def test_the_jats_command_writes_paper_xml_and_skips_it_when_nothing_changed(tmp_path: Path) -> None:
    root = authors_project(tmp_path)
    assert main(["jats", "--project", str(root), "--quiet"]) == 0
    written = (root / "build" / "paper.xml").read_bytes()
    assert written.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE article PUBLIC")
    result = run_build(root, ["jats"], Options())
    assert result.up_to_date == ["jats"] and result.written == {}
    assert (root / "build" / "paper.xml").read_bytes() == written


def test_names_split_into_surname_and_given_names() -> None:
    assert name_parts("Jane van Doe") == ("van Doe", "Jane", "western")
    assert name_parts("Doe, Jane") == ("Doe", "Jane", "western")
    assert name_parts("Todd C. Pataky") == ("Pataky", "Todd C.", "western")
    assert name_parts("张伟") == ("张", "伟", "eastern")


# ------------------------------------------------------------------------------------------- hostile input


def test_raw_jats_cannot_inject_markup_and_is_a_warning(tmp_path: Path, dtd: Any) -> None:
    chapter = (
        '# A\n\n```{=jats}\n<ext-link xlink:href="javascript:alert(1)">x</ext-link>\n```\n\n'
        "Inline `<b>`{=jats} and `</b>`{=xml} raw.\n\nMath $a ]]> b < c$ ends no CDATA.\n"
    )
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter})
    path, diagnostics = build_jats(root)
    assert diagnostics == [
        "manuscript/01-a.md:3:4: warning[jats-omitted]: raw jats ('{=jats}') is left out of paper.xml, which is made "
        "from the Markdown alone; write it in Markdown; a journal's own markup is the journal's to add",
        "manuscript/01-a.md:7:31: warning[jats-omitted]: raw xml ('{=xml}') is left out of paper.xml, which is made "
        "from the Markdown alone; write it in Markdown; a journal's own markup is the journal's to add",
    ]
    article = read_jats(path, dtd)
    assert article.find(".//ext-link") is None and article.find(".//b") is None
    assert text(article.find("body/sec/p")) == "Inline and raw."
    assert text(article.find(".//inline-formula//tex-math")) == "a ] ]> b < c"  # the same TeX


def test_control_characters_are_a_located_error_not_a_crash(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": "# A\n\nA bell\x07rings.\n"})
    result = run_build(root, ["jats"], Options())
    assert [d.format() for d in result.diagnostics] == [
        "manuscript/01-a.md:3:7: error[control-character]: a control character, U+0007, that no output can carry "
        "(the file's first); delete it, or type a space"
    ]
    assert result.written == {}


def test_notes_of_the_title_and_an_affiliation_are_author_notes_and_the_abstract_keeps_its_own(
    tmp_path: Path, dtd: Any
) -> None:
    meta = (
        'title: "A title^[Title note words.]"\nauthors:\n  - name: Ada Lovelace\n    affiliations: [a]\n'
        'affiliations:\n  - id: a\n    name: "Analytical Society^[Affiliation note words.]"\n'
        'abstract: "An abstract^[Abstract note words.] here."\n'
    )
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": "# A\n\nText.\n"})
    article = clean_jats(root, dtd)
    meta_element = article.find("front/article-meta")
    assert text(meta_element.find("title-group/article-title")) == "A title"
    assert text(meta_element.find("contrib-group/aff/institution-wrap")) == "Analytical Society"
    assert [text(fn) for fn in meta_element.iterfind("author-notes/fn")] == [
        "Title note words.",
        "Affiliation note words.",
    ]
    abstract_note = meta_element.find("abstract/p/xref[@ref-type='fn']")
    assert text(article.xpath("//fn[@id=$id]", id=abstract_note.get("rid"))[0].find("p")) == "Abstract note words."


def test_the_review_style_jats_names_no_author(tmp_path: Path, dtd: Any) -> None:
    result = run_build(REPO, ["jats"], Options(out_dir=tmp_path / "out", style="review"))
    assert result.ok
    article = read_jats(result.written["jats"], dtd)
    xml = etree.tostring(article, encoding="unicode")
    assert article.find("front/article-meta/contrib-group") is None
    assert "Yuan" not in xml and "Dalian" not in xml and article.find("back/ack") is None


def test_figures_and_tables_a_style_moves_to_the_end_are_the_floats_group(tmp_path: Path, dtd: Any) -> None:
    root = shutil.copytree(FIXTURES / "crossref-paper", tmp_path / "paper")
    result = run_build(root, ["jats"], Options(style="manuscript-tables-end"))
    assert result.ok, [d.format() for d in result.diagnostics]
    article = read_jats(result.written["jats"], dtd)
    assert [(e.tag, text(e.find("label"))) for e in article.find("floats-group")] == [
        ("table-wrap", "Table 1"),
        ("table-wrap", "Table 2"),
        ("table-wrap", "Table 3"),
        ("fig", "Figure 1"),
        ("fig", "Figure 2"),
    ]
    assert article.find("body").find(".//fig") is None and article.find("body").find(".//table-wrap") is None
    assert_links_resolve(article)


def test_credit_roles_are_role_elements_as_jats4r_tags_them_and_the_statement_an_author_note(
    tmp_path: Path, dtd: Any
) -> None:
    meta = (
        "title: T\nauthors:\n  - name: Ada Lovelace\n"
        "    roles: [conceptualization, {role: software, degree: lead}, writing - original draft]\n"
        "  - name: Charles Babbage\n    roles: [funding acquisition]\n"
    )
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": "# A\n\nText.\n"})
    meta_element = clean_jats(root, dtd).find("front/article-meta")
    ada, charles = meta_element.findall("contrib-group/contrib")
    assert [dict(role.attrib) | {"text": text(role)} for role in ada.iterfind("role")] == [
        {
            "vocab": "credit",
            "vocab-identifier": "https://credit.niso.org/",
            "vocab-term-identifier": "https://credit.niso.org/contributor-roles/conceptualization/",
            "vocab-term": "Conceptualization",
            "text": "Conceptualization",
        },
        {
            "vocab": "credit",
            "degree-contribution": "lead",
            "vocab-identifier": "https://credit.niso.org/",
            "vocab-term-identifier": "https://credit.niso.org/contributor-roles/software/",
            "vocab-term": "Software",
            "text": "Software",
        },
        {
            "vocab": "credit",
            "vocab-identifier": "https://credit.niso.org/",
            "vocab-term-identifier": "https://credit.niso.org/contributor-roles/writing-original-draft/",
            "vocab-term": "Writing – original draft",
            "text": "Writing – original draft",
        },
    ]
    assert [role.get("vocab-term") for role in charles.iterfind("role")] == ["Funding acquisition"]
    assert [text(fn) for fn in meta_element.iterfind("author-notes/fn[@fn-type='con']")] == [
        "Ada Lovelace: Conceptualization, Software (lead), Writing – original draft. "
        "Charles Babbage: Funding acquisition."
    ]
