"""A chapter's YAML block is metadata, never text; JOSS, Quarto and Manubot author schemas read from metadata.yaml.

Each test builds a tiny project with the real pandoc and reads back what a reader sees: the HTML page's elements and
text, the DOCX's document XML, the diagnostics printed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import make_project, normalize, parse_html

from paperbuild.cli import main

CHAPTER = "---\ntitle: The Chapter Title\nkeywords: [glaciers, moraines]\n---\n\n# Intro\n\nPlain words here.\n"


def byline(html: Path) -> list[str]:
    """Each author as printed, with the affiliation marks: 'Name^1,2'."""
    found = []
    for span in parse_html(html).iter("span"):
        if span.get("class") == "author":
            marks = [sup.text or "" for sup in span.iter("sup") if sup.get("class") == "affiliation-mark"]
            found.append((span.text or "").strip() + ("^" + marks[0] if marks else ""))
    return found


def page_text(html: Path) -> str:
    return normalize("".join(parse_html(html).itertext()))


def test_front_matter_is_metadata_and_appears_in_no_output(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": "authors:\n  - name: Ada Lovelace\n",
            "manuscript/01-intro.md": "# Start\n\nFirst words.\n",
            "manuscript/02-more.md": CHAPTER,
        },
    )
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    html = root / "build/paper.html"
    title = next(el for el in parse_html(html).iter("title"))
    assert title.text == "The Chapter Title"
    text = page_text(html)
    assert "Keywords: glaciers; moraines" in text
    assert "keywords: [" not in text and "title: The" not in text
    assert "Plain words here." in text
    with zipfile.ZipFile(root / "build/paper.docx") as docx:
        xml = docx.read("word/document.xml").decode()
    assert "keywords:" not in xml and "Plain words here." in xml


def test_a_key_also_in_metadata_yaml_warns_at_the_chapter_line_and_metadata_yaml_wins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/01-intro.md": CHAPTER + "\nA citation [@nobody2000] on line 10.\n",
        },
    )
    assert main(["check", "--project", str(root), "--quiet"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == (
        "manuscript/01-intro.md:2:8: warning[metadata]: 'title' is also set in metadata.yaml or an earlier chapter; "
        "metadata.yaml, then the earlier chapter, wins; set it in one place"
    )
    assert errors[1].startswith("manuscript/01-intro.md:10:13: error[undefined-citation]: 'nobody2000'")


def test_metadata_yaml_wins_in_the_page(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"manuscript/01-intro.md": CHAPTER})
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert next(parse_html(root / "build/paper.html").iter("title")).text == "A Small Paper"
    assert "The Chapter Title" not in page_text(root / "build/paper.html")


SCHEMAS = {
    "joss": """\
title: T
authors:
  - name: Ada Lovelace
    orcid: 0000-0002-1825-0097
    affiliation: "1, 2"
  - name: Alan Turing
    affiliation: 2
affiliations:
  - name: Analytical Engine Society
    index: 1
  - name: Bletchley Park
    index: 2
""",
    "quarto": """\
title: T
author:
  - name: Ada Lovelace
    affiliations:
      - ref: aes
      - ref: bp
  - name: Alan Turing
    affiliations:
      - ref: bp
affiliations:
  - id: aes
    name: Analytical Engine Society
  - id: bp
    name: Bletchley Park
""",
    "manubot": """\
title: T
authors:
  - name: Ada Lovelace
    orcid: 0000-0002-1825-0097
    affiliations:
      - Analytical Engine Society
      - Bletchley Park
  - name: Alan Turing
    affiliations: [Bletchley Park]
""",
}


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_author_schema_gives_authors_and_affiliation_marks(
    tmp_path: Path, schema: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(
        tmp_path, {"manuscript/metadata.yaml": SCHEMAS[schema], "manuscript/01-intro.md": "# Intro\n\nWords.\n"}
    )
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    html = root / "build/paper.html"
    assert byline(html) == ["Ada Lovelace^1,2", "Alan Turing^2"]
    text = page_text(html)
    assert "Analytical Engine Society" in text and "Bletchley Park" in text
