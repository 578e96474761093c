"""metadata.yaml (DESIGN.md §1): a full valid file reads into the dataclasses; every problem is one exact diagnostic."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbuild.authorship.authors import orcid_is_valid
from paperbuild.diagnostics import Severity
from paperbuild.metadata import Affiliation, Author, Metadata, read_metadata

PATH = "manuscript/metadata.yaml"

FULL = """\
title: "A *Study* of Analytical Engines"
subtitle: Notes on the Machine
short-title: Analytical Engines
author:
  - name: Ada Lovelace
    affiliations: [uni, lab]
    email: ada@example.org
    orcid: 0000-0002-1825-0097
    corresponding: true
  - name: Charles Babbage
    affiliation: lab
  - name: Mary Somerville
    affiliation: uni
affiliations:
  - id: uni
    name: University of London
    department: Department of Mathematics
    city: London
    country: United Kingdom
  - id: lab
    name: Analytical Engine Laboratory
keywords: [engines, computing, Bernoulli numbers]
abstract: |
  We study *engines*.

  A second paragraph.
acknowledgements: Thanks to the Royal Society.
funding: None received.
date: "1843-09-01"
lang: en-GB
csl: apa
style: default
nocite: [knuth1984, menabrea1842]
"""


def lines(text: str) -> list[str]:
    """The diagnostics of `text` as the CLI prints them, in its order."""
    _, diagnostics = read_metadata(text, PATH)
    return [d.format() for d in sorted(diagnostics)]


def test_full_valid_metadata_has_no_diagnostics_and_reads_every_value() -> None:
    metadata, diagnostics = read_metadata(FULL, PATH)
    assert diagnostics == []
    assert metadata == Metadata(
        title="A *Study* of Analytical Engines",
        subtitle="Notes on the Machine",
        short_title="Analytical Engines",
        authors=(
            Author(
                name="Ada Lovelace",
                affiliations=("uni", "lab"),
                email="ada@example.org",
                orcid="0000-0002-1825-0097",
                corresponding=True,
            ),
            Author(name="Charles Babbage", affiliations=("lab",)),
            Author(name="Mary Somerville", affiliations=("uni",)),
        ),
        affiliations=(
            Affiliation(
                id="uni",
                name="University of London",
                department="Department of Mathematics",
                city="London",
                country="United Kingdom",
            ),
            Affiliation(id="lab", name="Analytical Engine Laboratory"),
        ),
        keywords=("engines", "computing", "Bernoulli numbers"),
        abstract="We study *engines*.\n\nA second paragraph.",
        acknowledgements="Thanks to the Royal Society.",
        funding="None received.",
        date="1843-09-01",
        lang="en-GB",
        csl="apa",
        style="default",
        nocite=("knuth1984", "menabrea1842"),
    )
    assert [a.text for a in metadata.affiliations] == [
        "Department of Mathematics, University of London, London, United Kingdom",
        "Analytical Engine Laboratory",
    ]
    # marks follow the first use in the byline: Ada names uni, then lab
    assert metadata.affiliation_marks() == {"uni": 1, "lab": 2}
    # later stages point their diagnostics at these lines (e.g. an unknown csl)
    assert {key: metadata.lines[key] for key in ("title", "abstract", "csl", "nocite")} == {
        "title": 1,
        "abstract": 23,
        "csl": 31,
        "nocite": 33,
    }


def test_affiliation_marks_follow_the_byline_not_the_affiliation_list() -> None:
    text = """\
title: T
authors:
  - name: A
    affiliation: second
  - name: B
    affiliations: [first, second]
affiliations:
  - id: first
    name: First University
  - id: second
    name: Second University
"""
    metadata, diagnostics = read_metadata(text, PATH)
    assert diagnostics == []
    assert metadata.affiliation_marks() == {"second": 1, "first": 2}


def test_minimal_metadata_takes_the_defaults() -> None:
    metadata, diagnostics = read_metadata("title: A Small Paper\nauthors:\n  - Ada Lovelace\n", PATH)
    assert diagnostics == []
    assert metadata.title == "A Small Paper"
    assert metadata.authors == (Author(name="Ada Lovelace"),)
    assert (metadata.lang, metadata.style, metadata.date, metadata.csl, metadata.short_title) == (
        "en",
        "default",
        "",
        "",
        "",
    )
    assert metadata.affiliation_marks() == {}


def test_unknown_top_level_key_is_a_warning_with_did_you_mean() -> None:
    metadata, diagnostics = read_metadata("title: T\nkeywrods: [a, b]\n", PATH)
    assert [d.format() for d in diagnostics] == [
        "manuscript/metadata.yaml:2:1: warning[metadata]: unknown key 'keywrods' in 'metadata.yaml'; "
        "did you mean 'keywords'?"
    ]
    assert diagnostics[0].severity is Severity.WARNING
    assert metadata.title == "T"


def test_unknown_key_without_a_close_match_has_no_hint() -> None:
    assert lines("title: T\nyear: '2020'\n") == [
        "manuscript/metadata.yaml:2:1: warning[metadata]: unknown key 'year' in 'metadata.yaml'"
    ]


def test_unknown_author_key_is_a_warning_with_did_you_mean() -> None:
    assert lines("title: T\nauthors:\n  - name: A\n    emial: a@example.org\n") == [
        "manuscript/metadata.yaml:4:5: warning[metadata]: unknown key 'emial' in 'authors'; did you mean 'email'?"
    ]


def test_missing_title_is_an_error() -> None:
    assert lines("authors:\n  - name: A\n") == [
        "manuscript/metadata.yaml:1:1: error[metadata]: the paper has no title; add 'title: ...' to metadata.yaml"
    ]


@pytest.mark.parametrize("value", ["''", "null", "~"])
def test_empty_title_is_an_error(value: str) -> None:
    assert lines(f"title: {value}\n") == [
        "manuscript/metadata.yaml:1:8: error[metadata]: the paper has no title; add 'title: ...' to metadata.yaml"
    ]


def test_yaml_boolean_title_says_to_quote_it() -> None:
    metadata, diagnostics = read_metadata("title: NO\n", PATH)
    assert [d.format() for d in diagnostics] == [
        "manuscript/metadata.yaml:1:8: error[metadata]: 'title' must be text, but YAML reads 'NO' as bool; "
        'quote it: title: "NO"'
    ]
    # the text as written is kept, not YAML's False
    assert metadata.title == "NO"


def test_quoted_boolean_title_is_fine() -> None:
    metadata, diagnostics = read_metadata('title: "NO"\n', PATH)
    assert diagnostics == []
    assert metadata.title == "NO"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: 42\n",
            "manuscript/metadata.yaml:1:8: error[metadata]: 'title' must be text, but YAML reads '42' as int; "
            'quote it: title: "42"',
        ),
        (
            "title: T\nsubtitle: 3.14\n",
            "manuscript/metadata.yaml:2:11: error[metadata]: 'subtitle' must be text, but YAML reads '3.14' as float; "
            'quote it: subtitle: "3.14"',
        ),
        (
            "title: T\nauthors:\n  - name: A\n    email: 5\n",
            "manuscript/metadata.yaml:4:12: error[metadata]: 'email' must be text, but YAML reads '5' as int; "
            'quote it: email: "5"',
        ),
    ],
    ids=["title", "subtitle", "email"],
)
def test_number_where_text_is_expected(text: str, expected: str) -> None:
    assert lines(text) == [expected]


def test_number_in_a_list_hints_to_quote_the_item_not_the_key() -> None:
    (line,) = lines("title: T\nkeywords: [1, b]\n")
    assert line.startswith("manuscript/metadata.yaml:2:12: error[metadata]: ")
    assert 'keywords: "1"' not in line


def test_list_where_text_is_expected() -> None:
    assert lines("title: T\nabstract:\n  - a\n") == [
        "manuscript/metadata.yaml:3:3: error[metadata]: 'abstract' must be text, not a list"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: T\n\tabstract: y\n",
            "manuscript/metadata.yaml:2:1: error[yaml-syntax]: invalid YAML: found character '\\t' that cannot start "
            "any token",
        ),
        (
            "title: T\nabstract: y\n  z: w\n",
            "manuscript/metadata.yaml:3:4: error[yaml-syntax]: invalid YAML: mapping values are not allowed here",
        ),
        (
            "title: [T\n",
            "manuscript/metadata.yaml:2:1: error[yaml-syntax]: invalid YAML: expected ',' or ']', but got "
            "'<stream end>'",
        ),
    ],
    ids=["tab", "mapping-in-scalar", "unclosed-list"],
)
def test_invalid_yaml_points_at_the_yaml_error(text: str, expected: str) -> None:
    metadata, diagnostics = read_metadata(text, PATH)
    assert [d.format() for d in diagnostics] == [expected]
    assert metadata.title == ""


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_an_error(text: str) -> None:
    assert lines(text) == [
        "manuscript/metadata.yaml:1:1: error[metadata]: metadata.yaml is empty; "
        "give at least a title: 'title: My paper'"
    ]


def test_author_naming_an_undefined_affiliation_with_did_you_mean() -> None:
    text = "title: T\nauthors:\n  - name: A\n    affiliations: [unii]\naffiliations:\n  - id: uni\n    name: U\n"
    assert lines(text) == [
        "manuscript/metadata.yaml:3:5: error[metadata]: author 'A' names affiliation 'unii', which is not in "
        "'affiliations'; did you mean 'uni'?"
    ]


def test_author_naming_an_affiliation_when_none_are_defined() -> None:
    assert lines("title: T\nauthors:\n  - name: A\n    affiliation: uni\n") == [
        "manuscript/metadata.yaml:3:5: error[metadata]: author 'A' names affiliation 'uni', which is not in "
        "'affiliations'"
    ]


def test_affiliation_without_id_is_an_error() -> None:
    assert lines("title: T\naffiliations:\n  - name: U\n") == [
        "manuscript/metadata.yaml:3:5: error[metadata]: an affiliation has no 'id'; give it one, e.g. 'id: uni1'"
    ]


def test_author_without_name_is_an_error() -> None:
    assert lines("title: T\nauthors:\n  - email: a@example.org\n") == [
        "manuscript/metadata.yaml:3:5: error[metadata]: an author has no 'name'"
    ]


def test_invalid_orcid_checksum_is_an_error() -> None:
    assert lines("title: T\nauthors:\n  - name: A\n    orcid: 0000-0002-1825-0098\n") == [
        "manuscript/metadata.yaml:4:12: error[metadata]: ORCID '0000-0002-1825-0098' of 'A' is not valid; "
        "an ORCID iD reads 0000-0002-1825-0097 and ends in a check digit; copy it from orcid.org"
    ]


@pytest.mark.parametrize(
    ("orcid", "valid"),
    [
        ("0000-0002-1825-0097", True),
        ("https://orcid.org/0000-0002-1825-0097", True),
        ("0000-0002-1694-233X", True),
        ("0000-0002-1825-0098", False),
        ("0000-0002-1825-009X", False),
        ("0000000218250097", False),
        ("0000-0002-1825-009", False),
    ],
)
def test_orcid_checksum(orcid: str, valid: bool) -> None:
    assert orcid_is_valid(orcid) is valid


def test_corresponding_author_without_email_is_a_warning() -> None:
    metadata, diagnostics = read_metadata("title: T\nauthors:\n  - name: A\n    corresponding: true\n", PATH)
    assert [d.format() for d in diagnostics] == [
        "manuscript/metadata.yaml:3:5: warning[metadata]: corresponding author 'A' has no e-mail; add 'email: ...'"
    ]
    assert diagnostics[0].severity is Severity.WARNING
    assert metadata.authors[0].corresponding is True


@pytest.mark.parametrize("value", ["maybe", "'true'", "1"])
def test_corresponding_must_be_a_boolean(value: str) -> None:
    metadata, diagnostics = read_metadata(
        f"title: T\nauthors:\n  - name: A\n    email: a@example.org\n    corresponding: {value}\n", PATH
    )
    assert [d.format() for d in diagnostics] == [
        "manuscript/metadata.yaml:5:20: error[metadata]: 'corresponding' must be true or false"
    ]
    assert metadata.authors[0].corresponding is False


def test_python_object_tag_is_not_executed_and_is_an_error(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = f'title: T\nabstract: !!python/object/apply:os.system ["touch {marker}"]\n'
    metadata, diagnostics = read_metadata(text, PATH)
    assert not marker.exists()
    assert [(d.line, d.col, d.severity, d.code) for d in diagnostics] == [(2, 11, Severity.ERROR, "metadata")]
    assert "'abstract'" in diagnostics[0].message
    assert metadata.abstract == ""


def test_python_object_tag_diagnostic_names_the_tag(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    (line,) = lines(f'title: T\nabstract: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert "python/object/apply" in line


def test_python_object_tag_at_top_level_is_not_executed_and_is_an_error(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    try:
        _, diagnostics = read_metadata(f'!!python/object/apply:os.system ["touch {marker}"]\n', PATH)
    finally:
        assert not marker.exists()
    assert diagnostics
    assert all(d.path == PATH and d.line == 1 for d in diagnostics)
    assert any(d.severity is Severity.ERROR for d in diagnostics)


def test_python_name_tag_diagnostic_reads_right() -> None:
    (line,) = lines("title: T\nsubtitle: !!python/name:os.system\n")
    assert "python/name" in line
    assert 'quote it: subtitle: ""' not in line


@pytest.mark.parametrize(
    ("value", "expected"), [("2024-05-01", "2024-05-01"), ("'2024-05-01'", "2024-05-01"), ("May 2024", "May 2024")]
)
def test_date_unquoted_or_quoted_is_accepted(value: str, expected: str) -> None:
    metadata, diagnostics = read_metadata(f"title: T\ndate: {value}\n", PATH)
    assert diagnostics == []
    assert metadata.date == expected


def test_unquoted_date_as_title_is_still_an_error() -> None:
    assert lines("title: 2024-05-01\n") == [
        "manuscript/metadata.yaml:1:8: error[metadata]: 'title' must be text, but YAML reads '2024-05-01' as "
        'timestamp; quote it: title: "2024-05-01"'
    ]


def test_all_problems_are_reported_at_once() -> None:
    text = """\
title: T
keywrods: [a]
authors:
  - name: A
    orcid: 0000-0002-1825-0098
    corresponding: true
lang: no
"""
    assert lines(text) == [
        "manuscript/metadata.yaml:2:1: warning[metadata]: unknown key 'keywrods' in 'metadata.yaml'; "
        "did you mean 'keywords'?",
        "manuscript/metadata.yaml:4:5: warning[metadata]: corresponding author 'A' has no e-mail; add 'email: ...'",
        "manuscript/metadata.yaml:5:12: error[metadata]: ORCID '0000-0002-1825-0098' of 'A' is not valid; "
        "an ORCID iD reads 0000-0002-1825-0097 and ends in a check digit; copy it from orcid.org",
        "manuscript/metadata.yaml:7:7: error[metadata]: 'lang' must be text, but YAML reads 'no' as bool; "
        'quote it: lang: "no"',
    ]
