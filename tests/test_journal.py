"""The journal profile (journal.yaml or metadata's `journal:`): each rule fires on a breach, with the severity the
profile gives it, and stays quiet at the limit; a bad profile is reported; the build cache notices a new profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, png

from paperbuild.cli import main

LAMPORT = (
    "@book{lamport1994,\n  author = {Lamport, Leslie},\n  title = {LaTeX},\n  publisher = {Addison-Wesley},\n"
    "  year = {1994},\n}\n"
)
META = """\
title: Journal Rules
authors:
  - name: Ada Lovelace
    email: ada@example.org
    corresponding: true
keywords: [one, two]
abstract: |
  Five words in this abstract.
"""
META_COMPLETE = META.replace("    corresponding: true\n", "    corresponding: true\n    orcid: 0000-0002-1825-0097\n")
META_COMPLETE += "funding: |\n  The Analytical Engine Fund.\n"
# body words: "Six words cite the first book" 6 + "See Figure 1 and Table 1." 6 = 12 (Introduction);
# "Table and figure." 3 + "And" 1 = 4 (Methods); 16 in all. Two references, one figure, one table.
INTRO = "# Introduction\n\nSix words cite the first book [@knuth1984].\n\nSee @fig:plot and @tbl:data.\n"
METHODS = (
    "# Methods\n\nTable and figure.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Data. {#tbl:data}\n\n"
    "![Plot.](figures/plot.png){#fig:plot}\n\nAnd [@lamport1994].\n"
)


def paper(root: Path, profile: str | None = None, meta: str = META) -> Path:
    files = {
        "manuscript/metadata.yaml": meta,
        "manuscript/01-introduction.md": INTRO,
        "manuscript/02-methods.md": METHODS,
        "bibliography/refs.bib": MINIMAL_BIB + "\n" + LAMPORT,
    }
    if profile is not None:
        files["journal.yaml"] = profile
    make_project(root, files)
    (root / "manuscript" / "figures").mkdir(exist_ok=True)
    (root / "manuscript" / "figures" / "plot.png").write_bytes(png(1890, 2))  # 300 ppi across the text
    return root


def test_the_paper_passes_without_a_profile(tmp_path: Path) -> None:
    assert check_lines(paper(tmp_path)) == []


BREACHES = {
    "abstract-words": (
        "abstract-words: 4",
        "manuscript/metadata.yaml:7: error[abstract-words]: the abstract has 5 words; the journal allows at most 4; "
        "cut 1 word",
        "abstract-words: 5",
    ),
    "body-words": (
        "body-words: 14",
        "journal.yaml:1: error[body-words]: the body has 16 words; the journal allows at most 14; cut 2 words; "
        "the longest sections are 'Introduction' (12), 'Methods' (4)",
        "body-words: 16",
    ),
    "keywords-min": (
        "keywords: {min: 3}",
        "manuscript/metadata.yaml:6: error[keyword-count]: metadata.yaml lists 2 keywords; the journal asks for at "
        "least 3; add 1 more keyword",
        "keywords: {min: 2, max: 2}",
    ),
    "keywords-max": (
        "keywords: 1",
        "manuscript/metadata.yaml:6: error[keyword-count]: metadata.yaml lists 2 keywords; the journal allows at "
        "most 1; remove 1 keyword",
        "keywords: 2",
    ),
    "references": (
        "references: 1",
        "journal.yaml:1: error[reference-count]: the reference list has 2 entries; the journal allows at most 1; "
        "cite 1 source fewer",
        "references: 2",
    ),
    "figures": (
        "figures: 0",
        "journal.yaml:1: error[figure-count]: the paper has 1 figure; the journal allows at most 0; merge or remove "
        "1 figure, or move them to the supplementary material",
        "figures: 1",
    ),
    "tables": (
        "tables: 0",
        "journal.yaml:1: error[table-count]: the paper has 1 table; the journal allows at most 0; merge or remove "
        "1 table, or move them to the supplementary material",
        "tables: 1",
    ),
    "required-sections": (
        "required-sections:\n  - Introduction\n  - Results | Findings\n",
        "journal.yaml:3: error[required-section]: no section 'Results' or 'Findings'; the journal requires it; "
        "add a heading '# Results' to a chapter",
        "required-sections: [introduction, Results | Methods]",  # case does not matter; either name will do
    ),
}


@pytest.mark.parametrize("rule", list(BREACHES))
def test_each_rule_fires_on_a_breach(tmp_path: Path, rule: str) -> None:
    profile, expected, _ = BREACHES[rule]
    assert check_lines(paper(tmp_path, profile)) == [expected]


@pytest.mark.parametrize("rule", list(BREACHES))
def test_each_rule_is_quiet_within_its_limit(tmp_path: Path, rule: str) -> None:
    _, _, quiet = BREACHES[rule]
    assert check_lines(paper(tmp_path, quiet)) == []


def test_required_metadata_fires_for_each_missing_item(tmp_path: Path) -> None:
    assert check_lines(paper(tmp_path, "required-metadata: [orcid, funding]")) == [
        "manuscript/metadata.yaml: error[required-metadata]: the journal requires a funding statement, and "
        "metadata.yaml has none; add 'funding: ...' to metadata.yaml",
        "manuscript/metadata.yaml:3: error[required-metadata]: the corresponding author 'Ada Lovelace' has no ORCID "
        "iD; the journal requires one; add 'orcid: 0000-0002-1825-0097' (the real one) to the author",
    ]


def test_required_metadata_names_the_line_of_the_corresponding_author_not_the_first(tmp_path: Path) -> None:
    meta = META.replace("authors:\n  - name: Ada Lovelace\n", "authors:\n  - name: Bo First\n  - name: Ada Lovelace\n")
    assert check_lines(paper(tmp_path, "required-metadata: [orcid]", meta)) == [
        "manuscript/metadata.yaml:4: error[required-metadata]: the corresponding author 'Ada Lovelace' has no ORCID "
        "iD; the journal requires one; add 'orcid: 0000-0002-1825-0097' (the real one) to the author",
    ]


def test_required_metadata_is_quiet_when_all_is_there(tmp_path: Path) -> None:
    assert check_lines(paper(tmp_path, "required-metadata: [orcid, funding, email]", META_COMPLETE)) == []


def test_without_a_marked_corresponding_author_the_first_author_needs_the_orcid(tmp_path: Path) -> None:
    meta = META.replace("    corresponding: true\n", "").replace(
        "- name: Ada Lovelace", "- name: Ada Lovelace\n  - name: B"
    )
    meta = meta.replace("  - name: B\n    email: ada@example.org", "    email: ada@example.org\n  - name: B")
    found = check_lines(paper(tmp_path, "required-metadata: [orcid]", meta))
    assert len(found) == 1
    assert "the corresponding author 'Ada Lovelace' has no ORCID iD" in found[0]


def test_all_rules_at_once_and_the_journal_name(tmp_path: Path) -> None:
    profile = "\n".join(
        ["name: Marine Letters", *(breach for breach, _, _ in BREACHES.values() if "min" not in breach)]
    )
    found = check_lines(paper(tmp_path, profile))
    codes = [line.split("[", 1)[1].split("]", 1)[0] for line in found]
    assert sorted(codes) == [
        "abstract-words",
        "body-words",
        "figure-count",
        "keyword-count",
        "reference-count",
        "required-section",
        "table-count",
    ]
    assert all("Marine Letters" in line for line in found)


def test_severity_warning_for_one_rule_or_for_all(tmp_path: Path) -> None:
    one = paper(tmp_path / "one", "body-words: {max: 14, severity: warning}\nfigures: 0\n")
    assert [line.split(": ", 2)[1] for line in check_lines(one)] == ["warning[body-words]", "error[figure-count]"]
    every = paper(tmp_path / "every", "severity: warning\nbody-words: 14\nfigures: {max: 0, severity: error}\n")
    assert [line.split(": ", 2)[1] for line in check_lines(every)] == ["warning[body-words]", "error[figure-count]"]


def test_an_error_stops_the_build_and_a_warning_does_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stopped = paper(tmp_path / "stopped", "tables: 0\n")
    assert main(["html", "--project", str(stopped), "--quiet"]) == 1
    assert "error[table-count]" in capsys.readouterr().err
    assert not (stopped / "build" / "paper.html").exists()
    warned = paper(tmp_path / "warned", "tables: {max: 0, severity: warning}\n")
    assert main(["html", "--project", str(warned), "--quiet"]) == 0
    assert "warning[table-count]" in capsys.readouterr().err
    assert "<table" in (warned / "build" / "paper.html").read_text()  # built, the table in it


def test_the_profile_can_live_in_metadata(tmp_path: Path) -> None:
    meta = META + "journal:\n  name: Marine Letters\n  tables: 0\n  required-sections: [Discussion]\n"
    assert check_lines(paper(tmp_path, meta=meta)) == [
        "manuscript/metadata.yaml:11: error[table-count]: the paper has 1 table; Marine Letters allows at most 0; "
        "merge or remove 1 table, or move them to the supplementary material",
        "manuscript/metadata.yaml:12: error[required-section]: no section 'Discussion'; Marine Letters requires it; "
        "add a heading '# Discussion' to a chapter",
    ]


def test_a_profile_in_both_places_is_an_error(tmp_path: Path) -> None:
    meta = META + "journal:\n  tables: 5\n"
    assert check_lines(paper(tmp_path, "tables: 0\n", meta)) == [
        "journal.yaml:1: error[table-count]: the paper has 1 table; the journal allows at most 0; merge or remove "
        "1 table, or move them to the supplementary material",
        "manuscript/metadata.yaml:10: error[journal-profile]: the journal profile is given twice: in journal.yaml "
        "and here; journal.yaml is used; keep one of them",
    ]


def test_problems_in_the_profile_are_reported_where_they_are(tmp_path: Path) -> None:
    profile = (
        "name: Marine Letters\n"
        "abstract-word: 200\n"
        "tables: many\n"
        "figures: {max: 3, severity: fatal}\n"
        "required-metadata: [orcid, emial]\n"
    )
    assert check_lines(paper(tmp_path, profile, META_COMPLETE)) == [
        "journal.yaml:2:1: warning[journal-profile]: unknown key 'abstract-word' in 'journal'; "
        "did you mean 'abstract-words'?",
        "journal.yaml:3:9: error[journal-profile]: 'tables' must be a whole number, 0 or more",
        "journal.yaml:4:29: error[journal-profile]: 'severity' must be 'error' or 'warning'",
        "journal.yaml:5: error[journal-profile]: unknown metadata item 'emial' in 'required-metadata'; "
        "did you mean 'email'?",
    ]


def test_a_profile_that_is_not_yaml(tmp_path: Path) -> None:
    found = check_lines(paper(tmp_path, "tables: [1,\n"))
    assert len(found) == 1
    assert found[0].startswith("journal.yaml:2:1: error[journal-profile]: cannot read: ")


def test_metadata_accepts_the_journal_key(tmp_path: Path) -> None:
    root = paper(tmp_path, meta=META + "journal:\n  name: Marine Letters\n")
    assert check_lines(root) == []


def test_a_new_profile_makes_an_up_to_date_build_check_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = paper(tmp_path)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    (root / "journal.yaml").write_text("tables: 0\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["html", "--project", str(root), "--quiet"]) == 1
    assert "error[table-count]" in capsys.readouterr().err
