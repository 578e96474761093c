"""Defects a new user found building real papers (the trial's reproductions in /work/repro): cross-references keep
the writer's words around them, pandoc-crossref's capitalised `@Fig:x` is a cross-reference, not a citation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_lines, make_project

from paperbuild import pandoc
from paperbuild.crossref import number_and_resolve
from paperbuild.pandoc_ast import stringify
from paperbuild.pipeline import Options, run_build
from paperbuild.render import RENDERERS, Output, RenderJob, get_renderer
from paperbuild.render.html import page_text

NBSP = "\u00a0"

AFFIXED = {
    "manuscript/01-method.md": "# Method {#sec:method}\n\n| A | B |\n|---|--:|\n| x | 1 |\n\n: Times. {#tbl:times}\n\n"
    "The setup is described elsewhere [see @sec:method] and [e.g. @tbl:times, last row].\n",
}


def paragraphs(markdown: str) -> list[str]:
    ast = json.loads(pandoc.run(["-f", "markdown", "-t", "json", "--sandbox"], markdown.encode()))
    blocks, _ = number_and_resolve(ast["blocks"])
    return [stringify(block["c"]) for block in blocks if block["t"] == "Para"]


def test_a_cross_reference_keeps_the_words_written_around_it() -> None:
    assert paragraphs(
        "# Method {#sec:m}\n\n# Results {#sec:r}\n\n"
        "A [see @sec:m] B [e.g. @sec:m, last row] C [@sec:m first part] D [see @sec:m; @sec:r] "
        "E [see @sec:m; compare @sec:r].\n"
    ) == [
        "A see Section 1 B e.g. Section 1, last row C Section 1 first part "
        "D see Sections 1 and 2 E see Section 1; compare Section 2."
    ]


def test_the_writers_words_around_a_cross_reference_reach_the_html(tmp_path: Path) -> None:
    root = make_project(tmp_path, AFFIXED)
    result = run_build(root, ["html"], Options())
    assert [d.format() for d in result.diagnostics] == []
    shown = " ".join(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")).split())
    assert "described elsewhere see Section 1 and e.g. Table 1, last row." in shown.replace(NBSP, " ")


def test_the_conservation_check_finds_words_around_a_cross_reference_that_an_output_drops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = get_renderer("html")

    def dropping(job: RenderJob) -> Output:
        output = html(job)
        return Output(output.data.decode().replace(", last row", "").encode(), output.text.replace(", last row", ""))

    monkeypatch.setitem(RENDERERS, "html", dropping)
    root = make_project(tmp_path, AFFIXED)
    assert [d.format() for d in run_build(root, ["html"], Options()).diagnostics] == [
        "manuscript/01-method.md:9:72: error[lost-text]: ',', 'last', 'row' written here are missing from "
        "build/paper.html; a writer dropped it: write it in plain Markdown, or report it as a paperbuild bug"
    ]


def test_capitalised_cross_references_start_a_sentence(tmp_path: Path) -> None:
    assert paragraphs("# Method {#sec:m}\n\n![A plot.](p.png){#fig:p}\n\n@Sec:m and @Fig:p.\n") == [
        "Section 1 and Figure 1."
    ]
    root = make_project(
        tmp_path,
        {
            "manuscript/01-intro.md": "# Introduction {#sec:intro}\n\nAs @Sec:method shows, and @Fig:plot too; "
            "@Tbl:t and @Eq:e; lower case: @sec:intro. Wrong: @Fig:plott.\n\n"
            "# Method {#sec:method}\n\n![A plot.](plot.svg){#fig:plot}\n\n: T. {#tbl:t}\n\n| A |\n|---|\n| x |\n\n"
            "$$x$$ {#eq:e}\n",
            "manuscript/plot.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n',
        },
    )
    assert check_lines(root) == [
        "manuscript/01-intro.md:3:91: error[undefined-label]: '@Fig:plott' refers to no element labelled "
        "'{#fig:plott}'; did you mean 'fig:plot'?"
    ]
