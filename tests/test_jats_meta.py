"""Issue #18, JATS4R's authors: what metadata.yaml can now say that the JATS needs, and every format prints.

Name parts: `name: {given, family, literal}` (CSL's and Quarto's form) beside `name: "Text"`; the printed name is
the author's (`literal`, else given then family name, family first in CJK script), the JATS's `surname` and
`given-names` are the parts, `name-style="eastern"` when the printed name puts the family name first. Each case
builds a tiny project with the real pandoc and validates the JATS against the vendored NISO DTD.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, check_lines, make_project
from lxml import etree
from test_jats import build_jats, dtd, read_jats, text

from paperbuild.pipeline import Options, run_build

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
    path, diagnostics = build_jats(root)
    assert diagnostics == []
    assert names_in_jats(read_jats(path, dtd)) == [
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
