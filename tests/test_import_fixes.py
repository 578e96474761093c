"""The importer's defects a new user met on real Manubot, pandoc-thesis and JOSS papers (extracts in
tests/fixtures/real/, see its NOTICE): Manubot's citation tags and URL ids, its older `author_info`, CSL JSON
converted to BibTeX without losing what a reference list prints, an opening Abstract heading, hand-numbered
headings, a front-matter-only chapter, and a JOSS paper's uncited entries counted once at import."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, check_lines, make_project, metadata, normalize, run_import

from paperbuild.cli import main
from paperbuild.importers import structure
from paperbuild.render.html import page_text

REAL = FIXTURES / "real"
MASSIAS = "https://www-crypto.elen.ucl.ac.be/crypto/publications/year/1999"
CITESEER = "citeseerx-ist-psu-edu-viewdoc-summary-doi-10-1-1-15-8"


def entry(root: Path, bib: str, key: str) -> str:
    """The text of one entry of a .bib the import wrote."""
    text = (root / "bibliography" / bib).read_text(encoding="utf-8")
    start = text.index(f"{{{key},")
    return text[text.rindex("@", 0, start) : text.index("\n}\n", start) + 3]


def test_a_tag_defined_as_manubot_now_writes_it_cites_what_it_names(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/01-a.md": "# A\n\nAs blogged [@blog], and @tag:blog again.\n\n[@blog]: url:https://example.org/blog/\n",
            "bibliography/refs.bib": "@misc{url:https://example.org/blog/, author={Perkel, Jeffrey}, "
            "title={TechBlog}, year={2018}}\n",
        },
    )
    assert check_lines(root) == []
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    text = normalize(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")))
    assert "As blogged (Perkel 2018), and Perkel (2018) again." in text
    assert "example.org" not in text


def test_the_bitcoin_whitepaper_imports_its_author_abstract_tags_and_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "bitcoin"
    unfetched = "warning[unfetched-citation]: '{}' is cited by identifier, which Manubot looked up online"
    assert run_import(REAL / "bitcoin-whitepaper", root, capsys) == [
        "content/02.body.md:11:162: " + unfetched.format("doi:10.1007/bf00196791"),
        "content/02.body.md:11:187: " + unfetched.format("doi:10.1007/978-1-4613-9323-8_24"),
        "content/02.body.md:11:222: " + unfetched.format("doi:10.1145/266420.266430"),
        "content/02.body.md:15:146: " + unfetched.format("hashcash"),  # a tag of an identifier: fetch what it names
        "content/metadata.yaml:8:1: warning[not-imported]: 'html_url' has no place in paperbuild's metadata",
        "content/metadata.yaml:11:5: warning[not-imported]: author field 'initials' (of Satoshi Nakamoto) has no "
        "place in paperbuild's metadata",
    ]
    meta = metadata(root)
    assert meta["authors"] == [{"name": "Satoshi Nakamoto", "email": "satoshin@gmx.com"}]  # Manubot's author_info
    assert str(meta["abstract"]).startswith("A purely peer-to-peer version of electronic cash would allow")
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == ["02-body.md", "metadata.yaml"]
    body = (root / "manuscript" / "02-body.md").read_text(encoding="utf-8")
    assert [line for line in body.splitlines() if line.startswith("#")] == [
        "# Introduction",  # was "## 1. Introduction": paperbuild numbers it, from level 1 (the title is metadata's)
        "# Transactions",
        "# Timestamp Server",
        "# Proof-of-Work",
    ]
    assert f"newspaper or Usenet post [@{MASSIAS}; @doi:10.1007/bf00196791;" in body  # the tag's entry's key
    assert "[@massias]:" not in body and "[@hashcash]: wikidata:Q110828738" in body  # no entry yet: kept for build
    assert entry(root, "manual-references.bib", MASSIAS) == (
        f"@techreport{{{MASSIAS},\n  url = {{{MASSIAS}}},\n"
        "  title = {{Design of a secure timestamping service with minimal trust requirements}},\n"
        "  booktitle = {20th Symposium on Information Theory in the Benelux},\n  year = {1999},\n  month = {may},\n"
        "  author = {Massias, Henri and Serret-Avila, Xavier and Quisquater, Jean-Jacques}\n}\n"
    )
    assert check_lines(root) == [
        f"bibliography/manual-references.bib:10: error[missing-field]: @techreport{{{CITESEER}}} has no "
        "'institution'; add institution = {...}",
        f"bibliography/manual-references.bib:10: error[uncited-entry]: '{CITESEER}' is never cited; cite it, delete "
        "it, or list it under 'nocite' in metadata.yaml",
        f"bibliography/manual-references.bib:19: error[missing-field]: @techreport{{{MASSIAS}}} has no "
        "'institution'; add institution = {...}",
        *[
            f"manuscript/02-body.md:{at}: error[undefined-citation]: '{key}' is not in "
            "bibliography/manual-references.bib"
            for at, key in (
                ("11:218", "doi:10.1007/bf00196791"),
                ("11:243", "doi:10.1007/978-1-4613-9323-8_24"),
                ("11:278", "doi:10.1145/266420.266430"),
                ("15:146", "wikidata:Q110828738"),
            )
        ],
    ]


def test_the_fixed_bitcoin_whitepaper_prints_its_titles_as_written_and_its_sections_numbered_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "bitcoin"
    run_import(REAL / "bitcoin-whitepaper", root, capsys)
    bib = root / "bibliography" / "manual-references.bib"
    text = bib.read_text(encoding="utf-8").replace("  author = {Back", "  institution = {CiteSeerX},\n  author = {Back")
    fetched = "".join(
        f"@misc{{{key}, author = {{Merkle, Ralph}}, title = {{T{n}}}, year = {{1980}}}}\n"
        for n, key in enumerate(
            ("doi:10.1007/bf00196791", "doi:10.1007/978-1-4613-9323-8_24", "doi:10.1145/266420.266430")
        )
    )
    bib.write_text(
        text.replace("  booktitle = {20th", "  institution = {UCL},\n  booktitle = {20th")
        + fetched.replace("{T0}", "{T0}, note = {x}")
        + "@misc{wikidata:Q110828738, author = {Back, Adam}, title = {Hashcash}, year = {1997}}\n",
        encoding="utf-8",
    )
    (root / "manuscript" / "metadata.yaml").write_text(
        (root / "manuscript" / "metadata.yaml").read_text(encoding="utf-8") + f"nocite: ['@{CITESEER}']\n",
        encoding="utf-8",
    )
    assert check_lines(root) == []
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    text = normalize(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")))
    assert "1. Introduction Commerce on the Internet" in text and "1. 1. Introduction" not in text
    assert "Wei, Dai. 1998. b-money." in text  # as the CSL title was written, not "B-Money"
    assert "Design of a secure timestamping service with minimal trust requirements" in text


def test_a_csl_id_pandoc_cannot_cite_bare_gets_a_key_of_its_words_in_text_and_bib(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src" / "content"
    ident = "http://citeseerx.ist.psu.edu/viewdoc/summary?doi=10.1.1.15.8"
    make_project(
        src,
        {
            "metadata.yaml": "title: T\nauthor_info:\n  - name: Adam Back\n",
            "01.body.md": f"## Proof\n\nHashcash [@{ident}], again @{{{ident}}}.\n",
            "manual-references.json": f'[{{"id": "{ident}", "type": "report", "title": "Hashcash", "publisher": '
            '"CiteSeerX", "issued": {"date-parts": [[2002, 8, 1]]}, "author": [{"given": "Adam", "family": "Back"}]}]',
        },
    )
    root = tmp_path / "out"
    assert run_import(src.parent, root, capsys) == []
    body = (root / "manuscript" / "01-body.md").read_text(encoding="utf-8")
    assert body == f"# Proof\n\nHashcash [@{CITESEER}], again @{CITESEER}.\n"
    assert entry(root, "manual-references.bib", CITESEER).startswith(f"@techreport{{{CITESEER},\n")
    assert check_lines(root) == []


def test_csl_json_becomes_bibtex_with_what_check_asks_and_reports_what_it_cannot_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "thesis"
    assert run_import(REAL / "thesis-consent" / "thesis", root, capsys) == [
        "000_meta.md:4:1: warning[not-imported]: 'type' has no place in paperbuild's metadata",
        "000_meta.md:6:1: warning[not-imported]: 'author_matr_num' has no place in paperbuild's metadata",
        "000_meta.md:7:1: warning[not-imported]: 'supervisor' has no place in paperbuild's metadata",
        "000_meta.md:14:1: warning[not-imported]: 'link-citations' has no place in paperbuild's metadata",
        "000_meta.md:15:1: warning[not-imported]: 'figPrefix' has no place in paperbuild's metadata",
    ]
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == ["800-related-work.md", "metadata.yaml"]
    meta = metadata(root)
    assert meta["authors"] == [{"name": "Benjamin Altpeter"}]  # the template's author_name
    assert str(meta["abstract"]).startswith("Consent dialogs have become ubiquitous")
    bib = "bibliography.bib"
    thesis = entry(root, bib, "aertsCookieDialogsTheir2021")
    assert thesis.startswith("@thesis{") and "  school = {Open Universiteit},\n" in thesis  # no genre: no degree
    report = entry(root, bib, "eijkImpactUserLocation2019a")
    assert report.startswith("@techreport{")
    assert "  institution = {Social Science Research Network},\n" in report
    assert "  type = {SSRN Scholarly Paper},\n" in report
    assert "  author = {van Eijk, Rob and Asghari, Hadi" in report
    paper = entry(root, bib, "mattePurposesIABEurope2020")
    assert "  booktitle = {APF 2020 - Annual Privacy Forum},\n" in paper
    assert (
        "  title = {{Purposes in IAB Europe's TCF: which legal basis and how are they used by advertisers?}}" in paper
    )
    assert check_lines(root) == []


def test_a_csl_thesis_s_genre_names_its_degree_and_what_bibtex_has_no_field_for_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    make_project(
        src,
        {
            "paper.md": "---\ntitle: T\nbibliography: refs.json\n---\n\n# A\n\nSee [@m; @d; @l].\n",
            "refs.json": "[\n"
            '{"id": "m", "type": "thesis", "genre": "MSc thesis", "publisher": "TU", "title": "M", '
            '"author": [{"family": "A"}], "issued": {"date-parts": [[2020]]}},\n'
            '{"id": "d", "type": "thesis", "genre": "Dissertation", "publisher": "TU", "title": "D", '
            '"author": [{"family": "B"}], "issued": {"date-parts": [[2020]]}},\n'
            '{"id": "l", "type": "legislation", "authority": "EU", "title": "GDPR", '
            '"author": [{"literal": "EU"}], "issued": {"date-parts": [[2016]]}}\n]\n',
        },
    )
    root = tmp_path / "out"
    assert run_import(src / "paper.md", root, capsys) == [
        "refs.json:4: warning[not-imported]: 'authority' of entry 'l' is left out: BibTeX has no field for it"
    ]
    assert entry(root, "refs.bib", "m").startswith("@mastersthesis{m,\n")
    assert entry(root, "refs.bib", "d").startswith("@phdthesis{d,\n")
    assert check_lines(root) == []


def test_a_joss_paper_s_uncited_entries_are_counted_once_at_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "joss"
    assert run_import(REAL / "assembly-theory-joss", root, capsys) == [
        "paper.bib:1: warning[uncited-entry]: 3 entries of paper.bib are never cited (Armstrong2020-pdbeimproved, "
        "Barnes2021-sciencegoals, Brown2015-genegenecentered)"
    ]
    assert [line.split(": ")[1] for line in check_lines(root)] == ["error[uncited-entry]"] * 3  # still refused


def test_hand_numbers_leave_headings_but_not_code() -> None:
    text = b"## 1. Introduction\n\n### 2.1 Methods\n\n## 2020 in review\n\n```\n# 3. kept\n```\n"
    assert structure.unnumber(text) == b"## Introduction\n\n### Methods\n\n## 2020 in review\n\n```\n# 3. kept\n```\n"


def test_a_tag_of_citation_tags_tsv_is_rewritten_to_its_entry_s_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src" / "content"
    make_project(
        src,
        {
            "metadata.yaml": "title: T\nauthors:\n  - name: Henri Massias\n",
            "01.body.md": "## Body\n\nAs in [@tag:massias].\n",
            "citation-tags.tsv": f"tag\tcitation\nmassias\turl:{MASSIAS}\n",
            "manual-references.json": f'[{{"id": "{MASSIAS}", "type": "report", "title": "Design", "publisher": '
            '"UCL", "issued": {"date-parts": [[1999]]}, "author": [{"given": "Henri", "family": "Massias"}]}]',
        },
    )
    root = tmp_path / "out"
    assert run_import(src.parent, root, capsys) == []
    assert (root / "manuscript" / "01-body.md").read_text(encoding="utf-8") == f"# Body\n\nAs in [@{MASSIAS}].\n"
    assert check_lines(root) == []


def test_a_thesis_repository_imports_from_its_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "thesis"
    printed = run_import(REAL / "thesis-consent", root, capsys)  # its chapters are in thesis/, not source/
    assert printed[0] == "thesis/000_meta.md:4:1: warning[not-imported]: 'type' has no place in paperbuild's metadata"
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == ["800-related-work.md", "metadata.yaml"]
    assert check_lines(root) == []
