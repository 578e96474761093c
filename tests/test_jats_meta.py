"""Issue #18, JATS4R's authors and licences: what metadata.yaml can now say that the JATS needs, and every format
prints.

Name parts: `name: {given, family, literal}` (CSL's and Quarto's form) beside `name: "Text"`; the printed name is
the author's (`literal`, else given then family name, family first in CJK script), the JATS's `surname` and
`given-names` are the parts, `name-style="eastern"` when the printed name puts the family name first. Each case
builds a tiny project with the real pandoc and validates the JATS against the vendored NISO DTD. History dates
(`history: {received, revised, accepted}`, ISO 8601) and the licence (`license: CC-BY-4.0` or `{url, text}`) print
under the keywords in the PDF, HTML and DOCX ("Received 5 January 2026; accepted 9 April 2026.", "Licence: ...")
and are the JATS's `history` and `permissions` with `ali:license_ref`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import FIXTURES, REPO, check_lines, make_project, normalize, parse_html, pdf_text
from lxml import etree
from test_jats import build_jats, clean_jats, dtd, read_jats, text

from paperbuild.cli import main
from paperbuild.conservation import html_tokens, jats_tokens, lost_text
from paperbuild.pipeline import Options, run_build
from paperbuild.project import load_project

__all__ = ["dtd"]  # the DTD fixture, shared with test_jats.py

CHAPTER = {"manuscript/01-intro.md": "# Introduction\n\nText.\n"}


def names_in_jats(article: Any) -> list[tuple[str, str, str]]:
    """(surname, given-names, name-style) of each author."""
    return [
        (text(name.find("surname")), text(name.find("given-names")), name.get("name-style"))
        for name in article.iterfind("front/article-meta/contrib-group/contrib/name")
    ]


def byline(root: Path) -> list[str]:
    """The authors' names as the HTML page prints them."""
    result = run_build(root, ["html"], Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    page = result.written["html"].read_text(encoding="utf-8")
    return [html.unescape(re.sub(r"<[^>]+>", "", name)) for name in re.findall(r'<span class="author">(.*?)<', page)]


def test_this_papers_author_is_surname_yuan_given_name_yue_printed_family_name_first(tmp_path: Path, dtd: Any) -> None:
    path, _ = build_jats(REPO, tmp_path / "out")
    assert names_in_jats(read_jats(path, dtd)) == [("Yuan", "Yue", "eastern")]


def test_name_parts_print_as_written_and_reach_the_jats(tmp_path: Path, dtd: Any) -> None:
    root = make_project(
        tmp_path,
        {
            **CHAPTER,
            "manuscript/metadata.yaml": """
            title: Names
            authors:
              - name: {given: Jane, family: Doe}
              - name: {given: 伟, family: 张}
              - name: {given: Yue, family: Yuan, literal: Yuan Yue}
              - name: Ludwig van Beethoven
            """,
        },
    )
    assert byline(root) == ["Jane Doe", "张伟", "Yuan Yue", "Ludwig van Beethoven"]
    assert names_in_jats(clean_jats(root, dtd)) == [
        ("Doe", "Jane", "western"),
        ("张", "伟", "eastern"),
        ("Yuan", "Yue", "eastern"),
        ("van Beethoven", "Ludwig", "western"),  # text: split as BibTeX splits it, as before
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "{given: Jane}",
            "manuscript/metadata.yaml:3:11: error[metadata]: a name given in parts has no 'family';"
            " add 'family: ...', or write the name as text",
        ),
        (
            "{given: Yue, family: Yuan, literal: Yue Y.}",
            "manuscript/metadata.yaml:3:47: error[metadata]: the printed name 'Yue Y.' does not hold the family"
            " name 'Yuan';"
            " 'literal' is the name as printed, with the 'given' and 'family' names in it",
        ),
    ],
)
def test_a_name_in_parts_that_does_not_add_up_is_an_error_at_its_line(tmp_path: Path, name: str, expected: str) -> None:
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": f"title: T\nauthors:\n  - name: {name}\n"})
    assert check_lines(root) == [expected]


def test_an_unknown_part_of_a_name_names_the_closest_part(tmp_path: Path) -> None:
    meta = "title: T\nauthors:\n  - name: {given: Jane, famly: Doe}\n"
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    assert check_lines(root) == [
        "manuscript/metadata.yaml:3:11: error[metadata]: a name given in parts has no 'family'; add 'family: ...',"
        " or write the name as text",
        "manuscript/metadata.yaml:3:25: warning[metadata]: unknown key 'famly' in 'name'; did you mean 'family'?",
    ]


def test_quartos_name_parts_reach_the_jats(tmp_path: Path, dtd: Any) -> None:
    meta = """
    title: Quarto names
    author:
      - name: {given: Gabriel, family: García Márquez}
        affiliations:
          - {name: Analytical Society}
    """
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    path, _ = build_jats(root)
    assert names_in_jats(read_jats(path, dtd)) == [("García Márquez", "Gabriel", "western")]  # not 'Márquez'
    assert etree.tostring(read_jats(path, dtd)).count(b"Analytical Society") == 1


RECORD = """
title: Published
authors:
  - name: Ada Lovelace
keywords: [engines]
history:
  received: 2026-01-05
  revised: 2026-03-02
  accepted: "2026-04-09"
license: {license}
"""
HISTORY = "Received 5 January 2026; revised 2 March 2026; accepted 9 April 2026."


def test_history_and_a_known_licence_print_on_the_first_page_and_are_the_jats_permissions(
    tmp_path: Path, dtd: Any
) -> None:
    meta = RECORD.replace("{license}", "cc-by-4.0")
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    result = run_build(root, ["html", "pdf", "docx", "jats"], Options())
    assert result.ok and result.diagnostics == [], [d.format() for d in result.diagnostics]
    licence = "Licence: Creative Commons Attribution 4.0 International"
    section = parse_html(root / "build/paper.html").find(".//section[@class='notices']")
    assert section is not None
    assert [normalize("".join(p.itertext())) for p in section.iter("p")] == [HISTORY, licence]
    assert [a.get("href") for a in section.iter("a")] == ["https://creativecommons.org/licenses/by/4.0/"]
    first_page = normalize(pdf_text(root / "build/paper.pdf").split("\f")[0])
    assert f"Keywords: engines {HISTORY} {licence} 1. Introduction" in first_page
    paragraphs = [normalize(p.text) for p in docx.Document(str(root / "build/paper.docx")).paragraphs]
    assert paragraphs[paragraphs.index("Keywords: engines") + 1 :][:2] == [HISTORY, licence]
    meta_xml = read_jats(root / "build/paper.xml", dtd).find("front/article-meta")
    dates = meta_xml.findall("history/date")
    assert [(d.get("date-type"), d.get("iso-8601-date"), [p.text for p in d]) for d in dates] == [
        ("received", "2026-01-05", ["05", "01", "2026"]),
        ("revised", "2026-03-02", ["02", "03", "2026"]),
        ("accepted", "2026-04-09", ["09", "04", "2026"]),
    ]
    ali = "{http://www.niso.org/schemas/ali/1.0/}license_ref"
    licence_xml = meta_xml.find("permissions/license")
    assert text(licence_xml.find(ali)) == "https://creativecommons.org/licenses/by/4.0/"
    assert text(licence_xml.find("license-p")) == "Creative Commons Attribution 4.0 International"


def test_a_licence_in_the_authors_words_is_counted_by_the_conservation_check(tmp_path: Path, dtd: Any) -> None:
    meta = RECORD.replace("{license}", "{url: https://example.org/terms, text: Free to read and reuse.}")
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    result = run_build(root, ["html", "jats"], Options())
    assert result.ok and result.diagnostics == [] and result.paper is not None
    xml = result.written["jats"].read_text(encoding="utf-8")
    assert text(read_jats(result.written["jats"], dtd).find("front/article-meta/permissions/license/license-p")) == (
        "Free to read and reuse."
    )
    page = result.written["html"].read_text(encoding="utf-8")
    assert "Licence: Free to read and reuse." in normalize("".join(parse_html(result.written["html"]).itertext()))
    project, _ = load_project(root)
    sources = [list(project.chapters), [project.metadata_source]]
    dropped = {"build/paper.html": html_tokens(page.replace("reuse", "")), "build/paper.xml": jats_tokens(xml)}
    assert [d.format() for d in lost_text(result.paper, sources, dropped)] == [
        "manuscript/metadata.yaml:10:66: error[lost-text]: 'reuse' written here is missing from build/paper.html; a "
        "writer dropped it: write it in plain Markdown, or report it as a paperbuild bug"
    ]
    assert lost_text(result.paper, sources, {"build/paper.xml": jats_tokens(xml.replace("1 2026", "1"))}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "license: CC-BY-4",
            "manuscript/metadata.yaml:2:10: error[metadata]: unknown licence 'CC-BY-4'; did you mean 'CC-BY-4.0'?;"
            " or give '{url: ..., text: ...}'",
        ),
        (
            "license: {text: Free}",
            "manuscript/metadata.yaml:2:10: error[metadata]: a licence needs the 'url' of its text; url: https://...",
        ),
        (
            "history: {received: 2026-02-30}",
            "manuscript/metadata.yaml:2:21: error[metadata]: history 'received': '2026-02-30' is no date; write it"
            " as 2026-01-05",
        ),
        (
            "history: {recieved: 2026-01-05}",
            "manuscript/metadata.yaml:2:11: warning[metadata]: unknown key 'recieved' in 'history'; did you mean"
            " 'received'?",
        ),
        (
            "licence: CC-BY-4.0",
            "manuscript/metadata.yaml:2:1: warning[metadata]: unknown key 'licence' in 'metadata.yaml'; did you mean"
            " 'license'?",
        ),
    ],
)
def test_a_wrong_licence_or_history_date_is_reported_at_its_line(tmp_path: Path, value: str, expected: str) -> None:
    meta = f"title: T\n{value}\nauthors: [Ada Lovelace]\n"
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    assert check_lines(root) == [expected]


EQUAL = """
title: Two hands
authors:
  - name: Ada Lovelace
    equal-contributor: true
  - name: Charles Babbage
    equal-contributor: true
  - name: Mary Somerville
"""


def test_equal_contributors_are_marked_and_explained_in_every_format_and_the_jats(tmp_path: Path, dtd: Any) -> None:
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": EQUAL})
    result = run_build(root, ["html", "pdf", "docx", "jats"], Options())
    assert result.ok and result.diagnostics == [], [d.format() for d in result.diagnostics]
    page = parse_html(root / "build/paper.html")
    marks = [len(author.findall("sup[@class='equal-mark']")) for author in page.iterfind(".//span[@class='author']")]
    assert marks == [1, 1, 0]
    note = page.find(".//p[@class='correspondence equal-contribution']")  # set as the correspondence line
    assert note is not None and normalize("".join(note.itertext())) == "†These authors contributed equally."
    flow = normalize(pdf_text(root / "build/paper.pdf"))
    assert "Ada Lovelace†, Charles Babbage†, Mary Somerville †These authors contributed equally." in flow
    paragraphs = [normalize(p.text) for p in docx.Document(str(root / "build/paper.docx")).paragraphs]
    assert "†These authors contributed equally." in paragraphs
    assert "Ada Lovelace† Charles Babbage† Mary Somerville" in " ".join(paragraphs)
    meta = read_jats(root / "build/paper.xml", dtd).find("front/article-meta")
    contribs = meta.findall("contrib-group/contrib")
    assert [c.get("equal-contrib") for c in contribs] == ["yes", "yes", None]
    assert [text(fn) for fn in meta.findall("author-notes/fn[@fn-type='equal']")] == [
        "These authors contributed equally."
    ]


def test_equal_contributor_must_be_true_or_false(tmp_path: Path) -> None:
    meta = "title: T\nauthors:\n  - name: Ada Lovelace\n    equal-contributor: yes please\n"
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    assert check_lines(root) == [
        "manuscript/metadata.yaml:4:24: error[metadata]: 'equal-contributor' must be true or false"
    ]


def test_quartos_equal_contributors_are_imported_into_the_jats(tmp_path: Path, dtd: Any) -> None:
    root = tmp_path / "imported"
    assert main(["import", str(FIXTURES / "import" / "quarto" / "template.qmd"), str(root), "--quiet"]) == 0
    path, _ = build_jats(root)
    meta = read_jats(path, dtd).find("front/article-meta")
    assert [c.get("equal-contrib") for c in meta.findall("contrib-group/contrib")][:3] == ["yes", "yes", None]
    assert text(meta.find("author-notes/fn[@fn-type='equal']")) == "These authors contributed equally."


FUNDED = """
title: Funded
authors: [Ada Lovelace]
funding:
  - funder: National Natural Science Foundation of China
    funder-id: https://doi.org/10.13039/501100001809
    award: "62173012"
  - funder: Liaoning Provincial Department of Education
"""
STATEMENT = (
    "This work was supported by National Natural Science Foundation of China (grant 62173012); Liaoning Provincial "
    "Department of Education."
)


def test_funders_print_the_statement_and_are_the_jats_award_groups(tmp_path: Path, dtd: Any) -> None:
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": FUNDED})
    result = run_build(root, ["html", "pdf", "docx", "jats"], Options())
    assert result.ok and result.diagnostics == [], [d.format() for d in result.diagnostics]
    section = parse_html(root / "build/paper.html").find(".//section[@class='funding back-matter']")
    assert section is not None and normalize("".join(section.itertext())) == f"Funding {STATEMENT}"
    assert f"Funding {STATEMENT}" in normalize(pdf_text(root / "build/paper.pdf"))
    paragraphs = [normalize(p.text) for p in docx.Document(str(root / "build/paper.docx")).paragraphs]
    assert paragraphs[paragraphs.index("Funding") + 1] == STATEMENT
    group = read_jats(root / "build/paper.xml", dtd).find("front/article-meta/funding-group")
    awards = [
        (
            text(a.find("funding-source/institution-wrap/institution")),
            [text(i) for i in a.iterfind("funding-source/institution-wrap/institution-id[@institution-id-type='doi']")],
            [text(i) for i in a.iterfind("award-id")],
        )
        for a in group.iterfind("award-group")
    ]
    assert awards == [
        ("National Natural Science Foundation of China", ["10.13039/501100001809"], ["62173012"]),
        ("Liaoning Provincial Department of Education", [], []),
    ]
    assert text(group.find("funding-statement")) == STATEMENT


def test_a_funder_name_lost_from_an_output_is_a_lost_text_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": FUNDED})
    result = run_build(root, ["html"], Options())
    assert result.ok and result.paper is not None
    project, _ = load_project(root)
    sources = [list(project.chapters), [project.metadata_source]]
    page = result.written["html"].read_text(encoding="utf-8")
    assert lost_text(result.paper, sources, {"build/paper.html": html_tokens(page)}) == []
    dropped = {"build/paper.html": html_tokens(page.replace("62173012", ""))}
    assert [d.format() for d in lost_text(result.paper, sources, dropped)] == [
        "manuscript/metadata.yaml:7:13: error[lost-text]: '62173012' written here is missing from build/paper.html; a "
        "writer dropped it: write it in plain Markdown, or report it as a paperbuild bug"
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "{funder: NSFC, funder-id: '501100001809'}",
            "manuscript/metadata.yaml:3:31: error[metadata]: funder id '501100001809' is no Crossref Funder ID; a"
            " Crossref Funder ID reads 10.13039/501100001809; find it at search.crossref.org/funding",
        ),
        (
            "{award: '1'}",
            "manuscript/metadata.yaml:3:5: error[metadata]: a funding entry has no 'funder'; name it: 'funder: ...'",
        ),
        (
            "{funder: NSFC, awrd: '1'}",
            "manuscript/metadata.yaml:3:20: warning[metadata]: unknown key 'awrd' in 'funding'; did you mean 'award'?",
        ),
    ],
)
def test_a_wrong_funder_is_reported_at_its_line(tmp_path: Path, entry: str, expected: str) -> None:
    meta = f"title: T\nfunding:\n  - {entry}\nauthors: [Ada Lovelace]\n"
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    assert check_lines(root) == [expected]


def test_affiliations_countries_carry_their_iso_code_in_the_jats(tmp_path: Path, dtd: Any) -> None:
    meta = """
    title: Places
    authors:
      - name: Ada Lovelace
        affiliations: [a, b, c]
    affiliations:
      - {id: a, name: Dalian University of Technology, country: China}
      - {id: b, name: Seoul National University, country: Republic of Korea, country-code: KR}
      - {id: c, name: Somewhere Institute, country: Atlantis}
    """
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    countries = clean_jats(root, dtd).findall("front/article-meta/contrib-group/aff/country")
    assert [(text(c), c.get("country")) for c in countries] == [
        ("China", "CN"),
        ("Republic of Korea", "KR"),
        ("Atlantis", None),  # no code known: none guessed
    ]


def test_this_papers_affiliation_is_in_cn(tmp_path: Path, dtd: Any) -> None:
    path, _ = build_jats(REPO, tmp_path / "out")
    assert read_jats(path, dtd).find("front/article-meta/contrib-group/aff/country").get("country") == "CN"


def test_a_country_code_that_is_no_iso_code_is_an_error_at_its_line(tmp_path: Path) -> None:
    meta = "title: T\nauthors:\n  - {name: A, affiliations: [a]}\naffiliations:\n"
    meta += "  - {id: a, name: U, country-code: China}\n"
    root = make_project(tmp_path, {**CHAPTER, "manuscript/metadata.yaml": meta})
    assert check_lines(root) == [
        "manuscript/metadata.yaml:5:36: error[metadata]: country-code 'China' is no ISO 3166-1 code; give the"
        " country's ISO 3166-1 alpha-2 code, two capital letters: CN, US, GB"
    ]
