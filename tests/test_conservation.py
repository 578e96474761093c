"""The conservation check (conservation.py): every word and symbol of the manuscript reaches every output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project

from paperbuild.cli import main
from paperbuild.conservation import docx_tokens, html_tokens, pdf_tokens, tokens
from paperbuild.pipeline import Options, run_build
from paperbuild.render import RENDERERS, Output, RenderJob, get_renderer

CHAPTERS = {
    "manuscript/01-intro.md": "# Introduction\n\nThe tides rise twice a day.\n\nA quiet harbour keeps its secrets.\n",
    "manuscript/02-end.md": "# End\n\nNothing more, IL-1$\\beta$ aside[^n].\n\n[^n]: A footnote of Ødegård.\n",
}


def diagnostics(root: Path, formats: list[str]) -> list[str]:
    return [d.format() for d in sorted(run_build(root, formats, Options()).diagnostics)]


def test_a_renderer_that_drops_a_paragraph_stops_the_build_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = get_renderer("html")

    def dropping(job: RenderJob) -> Output:
        output = html(job)
        page = output.data.decode().replace("<p>A quiet harbour keeps its secrets.</p>", "")
        return Output(page.encode(), output.text.replace("A quiet harbour keeps its secrets.", ""))

    monkeypatch.setitem(RENDERERS, "html", dropping)
    root = make_project(tmp_path, CHAPTERS)
    assert diagnostics(root, ["html"]) == [
        # 'A' and '.' are in the output often enough (the title, the running head): counted, they are not missing
        "manuscript/01-intro.md:5:3: error[lost-text]: 'quiet', 'harbour', 'keeps', 'its', 'secrets' written here are "
        "missing from build/paper.html; a writer dropped it: write it in plain Markdown, or report it as a paperbuild "
        "bug"
    ]
    assert not (root / "build" / "paper.html").exists()


def test_a_formula_and_a_footnote_lost_by_a_writer_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = get_renderer("html")

    def dropping(job: RenderJob) -> Output:
        page = html(job).data.decode()
        page = page.replace("<mi>β</mi>", "<mi></mi>").replace("Ødegård", "")
        return Output(page.encode(), "")

    monkeypatch.setitem(RENDERERS, "html", dropping)
    root = make_project(tmp_path, CHAPTERS)
    assert diagnostics(root, ["html"]) == [
        "manuscript/02-end.md:3:20: error[lost-text]: 'β' written here is missing from build/paper.html; a writer "
        "dropped it: write it in plain Markdown, or report it as a paperbuild bug",
        "manuscript/02-end.md:5:21: error[lost-text]: 'ødegård' written here is missing from build/paper.html; a "
        "writer dropped it: write it in plain Markdown, or report it as a paperbuild bug",
    ]


def test_what_pandocs_docx_writer_really_drops_is_found(tmp_path: Path) -> None:
    # raw HTML: the DOCX writer drops a <br> with attributes (left raw), gluing the two words together
    root = make_project(tmp_path, {"manuscript/01-a.md": '# A\n\nThe first<br clear="all">second line.\n'})
    assert diagnostics(root, ["docx"]) == [
        "manuscript/01-a.md:3:5: error[lost-text]: 'first', 'second' written here are missing from build/paper.docx; "
        "a writer dropped it: write it in plain Markdown, or report it as a paperbuild bug",
        "manuscript/01-a.md:3:10: warning[raw-html]: raw HTML '<br>' has no DOCX equivalent: pandoc drops it; write it "
        "in Markdown (H~2~O, x^2^, *emphasis*, a line ending in a backslash, a pipe table, an image)",
    ]


@pytest.mark.parametrize("fixture", ["small-paper", "counted-paper", "crossref-paper"])
def test_the_fixtures_lose_nothing(fixture: str, tmp_path: Path) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    assert main(["all", "--project", str(root), "--quiet"]) == 0


def test_the_paper_loses_nothing(paper_build: Path) -> None:
    # paper_build ran every check, conservation included, and wrote the four outputs
    assert sorted(p.name for p in paper_build.glob("paper.*")) == ["paper.docx", "paper.html", "paper.pdf", "paper.xml"]


def test_pdf_text_joins_what_line_and_page_ends_break() -> None:
    laid_out = "\nlow mutual invest\u2010\nA running head\n2\nment and overflow-\nwrapped Implementa\ntion.\n"
    found = pdf_tokens(laid_out)
    assert {"investment", "implementation", "overflow", "wrapped"} <= set(found)
    assert found.count("investment") == 1
    # a word of letters and digits before the broken one ("1D") is split for superscript marks: not the last word
    assert "observation" in pdf_tokens("where an original 1D observa\u2010\ntion (a force trajectory)\n")


def test_output_texts_are_read_as_a_reader_sees_them() -> None:
    page = (
        "<head><title>x</title></head><p>H<sub>2</sub>O and Holt<sup>1</sup><br>next</p>"
        "<math><semantics><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup>"
        "<annotation>E=mc^2</annotation></semantics></math>"
    )
    found = html_tokens(page)
    assert found[:8] == [*tokens("H2O and Holt1 next"), "e", "m", "c", "2"]  # no title, no TeX behind the MathML
    assert {"holt", "1"} <= set(found[8:])  # a superscript mark set close to its word
    assert tokens("ﬁne Straße 第二章") == ["fine", "strasse", "第", "二", "章"]


def test_docx_tokens_read_footnotes_and_formulas(tmp_path: Path) -> None:
    root = make_project(tmp_path, CHAPTERS)
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    found = docx_tokens((root / "build" / "paper.docx").read_bytes())
    assert {"ødegård", "β", "secrets"} <= set(found)
