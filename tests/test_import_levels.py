"""Imported papers whose sections are written one level down (`##` under a title the metadata gives, as Manubot and
many Quarto and JOSS papers write them) are numbered 1, 2, ... as their authors see them, not 0.1, 0.2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from paperbuild.cli import main
from paperbuild.importers import structure
from paperbuild.render.html import page_text

SOURCES = Path(__file__).parent / "fixtures" / "import"


def chapters(files: dict[str, str]) -> dict[str, bytes]:
    return {f"manuscript/{rel}": textwrap.dedent(text).lstrip("\n").encode() for rel, text in files.items()}


def test_a_manubot_manuscripts_level_two_sections_become_level_one(tmp_path: Path) -> None:
    root = tmp_path / "meta-review"
    assert main(["import", str(SOURCES / "manubot"), str(root), "--quiet"]) == 0
    text = (root / "manuscript" / "02-main-text.md").read_text()
    assert text.startswith("# Introduction {.page_break_before}\n")


def test_an_imported_paper_written_in_level_two_sections_prints_them_numbered_from_one(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "paper.md").write_text(
        "---\ntitle: Gulls\n---\n\n## Introduction\n\nGulls fly.\n\n## Methods\n\n### Counting\n\nWe counted.\n"
    )
    root = tmp_path / "gulls"
    assert main(["import", str(src / "paper.md"), str(root), "--quiet"]) == 0
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    text = " ".join(page_text((root / "build" / "paper.html").read_text()).split())
    assert "1. Introduction" in text and "2. Methods" in text and "2.1. Counting" in text, text
    assert "0.1" not in text


def test_every_heading_moves_up_by_the_levels_no_chapter_uses() -> None:
    files = chapters(
        {
            "01-a.md": """
                ## Introduction

                ```markdown
                ## a heading in code stays
                ```

                ### Background
                """,
            "02-b.md": "## Methods\n\n#### Detail\n",
        }
    )
    assert structure.promote_sections(files) == 1
    assert files["manuscript/01-a.md"].decode().splitlines() == [
        "# Introduction",
        "",
        "```markdown",
        "## a heading in code stays",
        "```",
        "",
        "## Background",
    ]
    assert files["manuscript/02-b.md"] == b"# Methods\n\n### Detail\n"


@pytest.mark.parametrize(
    "text",
    [
        "# Introduction\n\n## Background\n",  # a level-1 heading: the levels are as meant
        "Introduction\n============\n\n## Background\n",  # a setext heading, whose level has no #s
        "Some text\n\n######not a heading: no space\n#hashtag\n",  # no heading at all
    ],
)
def test_nothing_moves_when_a_chapter_uses_level_one(text: str) -> None:
    files = {"manuscript/01-a.md": text.encode()}
    assert structure.promote_sections(files) == 0
    assert files["manuscript/01-a.md"] == text.encode()


def test_a_closed_code_fence_ends_the_code_for_what_import_rewrites() -> None:
    """A heading after a fenced code block is a heading: its hand number is taken off (the fence used to stay open
    to the end of the chapter, comparing the closing fence's bytes with the opening one's text)."""
    body = b"# 1. Introduction\n\n```sh\n# 2. a shell comment stays\n```\n\n# 2. Methods\n"
    assert structure.unnumber(body) == b"# Introduction\n\n```sh\n# 2. a shell comment stays\n```\n\n# Methods\n"
