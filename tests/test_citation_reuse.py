"""A rebuild reuses what citeproc rendered when the citations did not change, and gives what citeproc would give."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, make_project

from paperbuild import citations, manuscript
from paperbuild.cli import main
from paperbuild.output import CITATIONS_FILE
from paperbuild.pipeline import BuildResult, Options, run_build

BIB = """@book{knuth1984, author = {Knuth, Donald E.}, title = {The {TeXbook}}, publisher = {Addison-Wesley},
  year = {1984}}
@book{wang2011a, author = {Wang, Wei}, title = {Ports of the {Bohai} rim}, publisher = {Routledge}, year = {2011}}
@book{wang2011b, author = {Wang, Min}, title = {Rail across the border}, publisher = {Routledge}, year = {2011}}
"""
CHAPTER = """# Introduction {#sec:intro}

As @knuth1984 [p. 3] shows, and as argued before [@wang2011a; @wang2011b], see @sec:intro.

A note.[^n]

[^n]: Cited in a note [@wang2011a, ch. 2].
"""
REUSED = "citations: the same as the last build's, citeproc not run"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(
        tmp_path / "paper",
        {
            "manuscript/01-intro.md": CHAPTER,
            "manuscript/02-more.md": "# More\n\nPlain prose.\n",
            "bibliography/refs.bib": BIB,
        },
    )


def build(root: Path, out: Path | None = None) -> BuildResult:
    result = run_build(root, ("html",), Options(out_dir=out))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def fresh_html(root: Path, tmp_path: Path) -> bytes:
    """The HTML of a build into an empty folder: citeproc runs."""
    out = tmp_path / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    assert REUSED not in build(root, out).details
    return (out / "paper.html").read_bytes()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_to_the_prose_reuses_the_citations_and_gives_what_citeproc_gives(project: Path, tmp_path: Path) -> None:
    assert REUSED not in build(project).details
    assert (project / "build" / CITATIONS_FILE).is_file()
    edit(project / "manuscript/02-more.md", "Plain prose.", "Plain prose, *edited*.")
    assert REUSED in build(project).details
    html = (project / "build/paper.html").read_bytes()
    # the reused citations as citeproc disambiguated them, and the prose as edited
    assert b"W. Wang 2011" in html and b"M. Wang 2011" in html and b"Plain prose, <em>edited</em>." in html
    assert html == fresh_html(project, tmp_path)


CITATION_CHANGES: dict[str, Callable[[Path], None]] = {
    "a citation added": lambda r: edit(r / "manuscript/02-more.md", "Plain prose.", "Plain prose [@knuth1984]."),
    "a locator changed": lambda r: edit(r / "manuscript/01-intro.md", "[p. 3]", "[p. 4]"),
    "citations reordered": lambda r: edit(
        r / "manuscript/01-intro.md", "@wang2011a; @wang2011b", "@wang2011b; @wang2011a"
    ),
    "a bib entry changed": lambda r: edit(r / "bibliography/refs.bib", "Ports of the", "Harbours of the"),
    "another csl": lambda r: (r / "manuscript/metadata.yaml").write_text(
        (r / "manuscript/metadata.yaml").read_text() + "csl: ieee\n"
    ),
    "the language": lambda r: (r / "manuscript/metadata.yaml").write_text(
        (r / "manuscript/metadata.yaml").read_text() + "lang: de-DE\n"
    ),
    "a corrupted citations file": lambda r: corrupt_and_edit(r),
}


def corrupt_and_edit(root: Path) -> None:
    (root / "build" / CITATIONS_FILE).write_text('{"version": 1, "key": [}')
    edit(root / "manuscript/02-more.md", "Plain prose.", "Plain prose, edited.")  # else nothing is rebuilt


@pytest.mark.parametrize("change", CITATION_CHANGES)
def test_whatever_citeproc_reads_changed_it_runs_again(project: Path, tmp_path: Path, change: str) -> None:
    build(project)
    CITATION_CHANGES[change](project)
    assert REUSED not in build(project).details
    assert (project / "build/paper.html").read_bytes() == fresh_html(project, tmp_path)
    edit(project / "manuscript/02-more.md", "# More", "# More, again")  # and the next prose edit reuses that
    assert REUSED in build(project).details
    assert (project / "build/paper.html").read_bytes() == fresh_html(project, tmp_path)


def test_a_note_style_and_a_reference_list_placed_by_the_author_always_run_citeproc(
    project: Path, tmp_path: Path
) -> None:
    (project / "manuscript/metadata.yaml").write_text(
        (project / "manuscript/metadata.yaml").read_text() + "csl: chicago-notes-bibliography\n"
    )
    build(project)
    edit(project / "manuscript/02-more.md", "Plain prose.", "Plain prose, edited.")
    assert REUSED not in build(project).details  # citeproc turns citations into notes: not reused
    assert (project / "build/paper.html").read_bytes() == fresh_html(project, tmp_path)
    (project / "manuscript/metadata.yaml").write_text("title: T\n")
    (project / "manuscript/03-refs.md").write_text("# References\n\n::: {#refs}\n:::\n\n# Appendix\n\nEnd.\n")
    build(project)
    edit(project / "manuscript/02-more.md", "edited", "edited twice")
    assert REUSED not in build(project).details
    assert (project / "build/paper.html").read_bytes() == fresh_html(project, tmp_path)


@pytest.mark.parametrize(
    "unreusable",
    {
        "a note style": ("manuscript/metadata.yaml", "csl: chicago-notes-bibliography\n"),
        "the author's reference list": ("manuscript/03-refs.md", "# References\n\n::: {#refs}\n:::\n"),
    }.items(),
    ids=lambda item: item[0],
)
def test_citeproc_output_that_cannot_be_reused_is_not_kept(
    project: Path, unreusable: tuple[str, tuple[str, str]]
) -> None:
    build(project)  # keeps its citations
    rel, added = unreusable[1]
    path = project / rel
    path.write_text((path.read_text() if path.exists() else "") + added)
    assert REUSED not in build(project).details  # the kept citations no longer apply
    assert not (project / "build" / CITATIONS_FILE).exists()
    edit(project / "manuscript/02-more.md", "Plain prose.", "Plain prose, edited.")
    assert REUSED not in build(project).details


def test_clean_removes_the_citations_file(project: Path) -> None:
    build(project)
    assert (project / "build" / CITATIONS_FILE).is_file()
    assert main(["clean", "--project", str(project), "--quiet"]) == 0
    assert not (project / "build").exists()  # clean removes the folder only once nothing it does not know is left


def test_the_repository_paper_reuses_its_citations(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for name in ("manuscript", "bibliography", "styles"):
        shutil.copytree(REPO / name, root / name)
    build(root)
    chapter = sorted((root / "manuscript").glob("0*.md"))[-1]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert REUSED in build(root).details
    assert (root / "build/paper.html").read_bytes() == fresh_html(root, tmp_path)


def test_a_heading_that_ends_the_paper_stays_unnumbered_as_citeproc_makes_it(project: Path, tmp_path: Path) -> None:
    # a heading named like the reference list would be left out (document.py); any other last heading stays
    (project / "manuscript/03-reading.md").write_text("# Further reading\n")
    build(project)
    edit(project / "manuscript/02-more.md", "Plain prose.", "Plain prose, edited.")
    assert REUSED in build(project).details
    html = (project / "build/paper.html").read_bytes()
    assert b'<h2 class="unnumbered">Further reading</h2>' in html
    assert html == fresh_html(project, tmp_path)


def test_another_paperbuild_version_runs_citeproc_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    edit(project / "manuscript/02-more.md", "Plain prose.", "Plain prose, edited.")
    monkeypatch.setattr(citations, "__version__", "99.0")  # it may call citeproc differently
    assert REUSED not in build(project).details


def test_a_bib_file_saved_while_citeproc_ran_is_not_remembered(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse = manuscript.parse

    def parse_then_save(*args: Any, **kwargs: Any) -> manuscript.Manuscript:
        parsed = real_parse(*args, **kwargs)
        edit(project / "bibliography/refs.bib", "Ports of the", "Harbours of the")  # after pandoc read it
        return parsed

    monkeypatch.setattr(manuscript, "parse", parse_then_save)
    build(project)
    assert not (project / "build" / CITATIONS_FILE).exists()
