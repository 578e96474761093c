"""R Markdown, bookdown and Quarto sources (the trial's reproductions in /work/repro3): knitr chunks and inline code
are reported, not printed as prose; pandoc's `@*` nocite; bookdown's references; Quarto's conditional content."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_META, check_lines, make_project

from paperbuild.pipeline import Options, run_build
from paperbuild.render.html import page_text

CELL_HINT = "paperbuild runs no cell, so put its output (a figure, a table) in the text"


def cell_error(line: int, fence: str) -> str:
    return (
        f"manuscript/01-intro.md:{line}:1: error[code-cell]: '{fence}' opens no code block pandoc reads: the cell "
        f"would print as text; write '```r' for code; {CELL_HINT}"
    )


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_every_knitr_chunk_is_a_code_cell_error_however_many(tmp_path: Path, count: int) -> None:
    chunks = "".join(f"```{{r c{n}}}\nx{n} <- {n}\n```\n\n" for n in range(count))
    root = make_project(tmp_path, {"manuscript/01-intro.md": f"# Intro\n\n{chunks}Text.\n"})
    assert check_lines(root) == [cell_error(3 + 4 * n, f"```{{r c{n}}}") for n in range(count)]


def test_raw_tex_after_a_chunk_is_at_its_line(tmp_path: Path) -> None:
    chapter = (
        "# Intro\n\n```{r cars}\nknitr::kable(cars)\n```\n\n"
        "This: `Figure on page \\pageref(x)`\n\nBecomes: Figure on page \\pageref{fig:cars}\n"
    )
    root = make_project(tmp_path, {"manuscript/01-intro.md": chapter})
    assert check_lines(root) == [
        cell_error(3, "```{r cars}"),
        "manuscript/01-intro.md:9:25: error[raw-tex]: raw TeX '\\pageref{fig:cars}' means nothing the PDF, HTML or "
        "DOCX can show: it would be dropped; write it in Markdown (or as $...$ math); paperbuild converts only common "
        "text, math and reference commands",
    ]


TWO_ENTRIES = (
    "@article{alpha, author={A. Alpha}, title={First Title}, journal={J}, year={2000}}\n"
    "@article{beta, author={B. Beta}, title={Second Title}, journal={J}, year={2001}}\n"
)


@pytest.mark.parametrize(
    "nocite", ['"@*"', "|\n  @*", '["[@*]"]', '"@alpha, @beta"', '["@alpha", "@beta"]', "[alpha, beta]"]
)
def test_nocite_as_pandoc_spells_it_lists_entries(tmp_path: Path, nocite: str) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": f"{MINIMAL_META}nocite: {nocite}\n",
            "manuscript/01-intro.md": "# Intro\n\nNothing is cited.\n",
            "bibliography/references.bib": TWO_ENTRIES,
        },
    )
    assert check_lines(root) == []


def test_nocite_at_star_prints_every_entry(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": f'{MINIMAL_META}nocite: "@*"\n',
            "manuscript/01-intro.md": "# Intro\n\nNothing is cited.\n",
            "bibliography/references.bib": TWO_ENTRIES,
        },
    )
    result = run_build(root, ["html"], Options())
    assert [d.format() for d in result.diagnostics if d.severity.name != "NOTE"] == []
    text = page_text((root / "build" / "paper.html").read_text(encoding="utf-8"))
    assert "First Title" in text and "Second Title" in text


def test_inline_knitr_and_quarto_code_is_a_code_cell_error_where_it_is(tmp_path: Path) -> None:
    chapter = (
        "# Intro\n\nThe mean is `r mean(c(1, 2, 3))`, the count `{python} len(rows)`, and\nin R `` `r x` `` is "
        "shown.\n\nPlain `r` and `r_value` and `{r}` stay code.\n\n```\n`r not_run`\n```\n"
    )
    meta = f'{MINIMAL_META}abstract: |\n  `r paste(readLines("_abstract.Rmd"), collapse = "\\n  ")`\n'
    root = make_project(tmp_path, {"manuscript/01-intro.md": chapter, "manuscript/metadata.yaml": meta})
    hint = "run it once and write its value in the text"
    message = "is computed by knitr or Quarto, which paperbuild does not run: the expression would print as code"
    assert check_lines(root) == [
        f"manuscript/01-intro.md:3:13: error[code-cell]: inline code 'r mean(c(1, 2, 3))' {message}; {hint}",
        f"manuscript/01-intro.md:3:45: error[code-cell]: inline code '{{python}} len(rows)' {message}; {hint}",
        f'manuscript/metadata.yaml:5:3: error[code-cell]: inline code \'r paste(readLines("_abstract.Rmd"), '
        f'collapse = "\\n ")\' {message}; {hint}',
    ]
