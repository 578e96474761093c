"""R Markdown, bookdown and Quarto sources (the trial's reproductions in /work/repro3): knitr chunks and inline code
are reported, not printed as prose; pandoc's `@*` nocite; bookdown's references; Quarto's conditional content."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from conftest import MINIMAL_META, check_lines, make_project, metadata, run_import, write

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


def test_import_rmd_inlines_an_included_file_and_warns_other_inline_r(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "src",
        {
            "index.Rmd": """
                ---
                title: An R Markdown thesis
                author: A. Tester
                abstract: |
                  `r paste(readLines("_abstract.Rmd"), collapse = "\\n  ")`
                acknowledgements: '`r readLines("missing.Rmd")`'
                ---

                # Intro

                ```{r setup, include=FALSE}
                x <- 1
                ```

                The mean is `r mean(c(1, 2, 3))`.
                """,
            "_abstract.Rmd": "The real abstract.\n\nIts second paragraph.\n",
        },
    )
    assert run_import(src / "index.Rmd", tmp_path / "out", capsys, severities=("warning", "note")) == [
        "index.Rmd:5:3: note[not-imported]: the inline R code "
        '\'`r paste(readLines("_abstract.Rmd"), collapse = "\\n  ")`\' is replaced by the text of _abstract.Rmd',
        "index.Rmd:6:20: warning[not-imported]: inline R code '`r readLines(\"missing.Rmd\")`' is kept as code",
        "index.Rmd:11: warning[not-imported]: an R code cell is kept as code",
        "index.Rmd:15:13: warning[not-imported]: inline R code '`r mean(c(1, 2, 3))`' is kept as code",
    ]
    assert metadata(tmp_path / "out")["abstract"] == "The real abstract.\n\nIts second paragraph.\n"
    chapter = (tmp_path / "out" / "manuscript" / "01-index.md").read_text(encoding="utf-8")
    assert "```r\nx <- 1\n```\n\nThe mean is `r mean(c(1, 2, 3))`." in chapter
    assert [line.split(": error")[0] for line in check_lines(tmp_path / "out")] == [
        "manuscript/01-index.md:8:13",  # the inline R code kept
        "manuscript/metadata.yaml:9:20",
    ]


def test_import_rticles_front_matter_csl_url_address_and_corresponding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "src",
        {
            "paper.Rmd": """
                ---
                title: A PLOS-style paper
                author:
                  - name: Alice Anonymous
                    affiliation: a, b
                    corresponding: alice@example.com
                  - name: Bob Security
                    affiliation: b
                    corresponding: maybe
                address:
                  - code: a
                    address: Some Institute of Technology
                  - code: b
                    address: Another University
                csl: http://www.zotero.org/styles/plos
                ---

                # Introduction

                Text.
                """,
            "other.Rmd": "---\ntitle: Other\ncsl: https://www.zotero.org/styles/no-such-style-here\n---\n\nText.\n",
        },
    )
    assert run_import(src / "paper.Rmd", tmp_path / "out", capsys, severities=("warning", "note")) == [
        "paper.Rmd:9:20: warning[not-imported]: 'corresponding: maybe' is neither true nor an e-mail address",
    ]
    meta = metadata(tmp_path / "out")
    assert meta["csl"] == "plos"
    assert meta["authors"] == [
        {"name": "Alice Anonymous", "affiliations": ["a", "b"], "email": "alice@example.com", "corresponding": True},
        {"name": "Bob Security", "affiliations": ["b"]},
    ]
    assert meta["affiliations"] == [
        {"id": "a", "name": "Some Institute of Technology"},
        {"id": "b", "name": "Another University"},
    ]
    assert run_import(src / "other.Rmd", tmp_path / "other", capsys, severities=("warning", "note")) == [
        "other.Rmd:3: warning[not-imported]: citation style 'https://www.zotero.org/styles/no-such-style-here' is on "
        "the network and 'no-such-style-here' is not in the CSL style collection",
    ]


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def test_import_a_bookdown_book_in_its_order_with_its_references(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "book",
        {
            "_bookdown.yml": "book_filename: thesis\nrmd_files: [index.Rmd, 02-method.Rmd, 01-results.Rmd]\n",
            "index.Rmd": "---\ntitle: A bookdown thesis\nauthor: A. Tester\nsite: bookdown::bookdown_site\n---\n\n"
            "# Preface {-}\n\nSee chapter \\@ref(results).\n",
            "01-results.Rmd": """
                # Results {#results}

                As in section \\@ref(method-and-data), Figure \\@ref(fig:cars), Table \\@ref(tab:t) and Theorem
                \\@ref(thm:main).

                (ref:cap) A caption with *emphasis*.

                ![(ref:cap)](f.png){#fig:cars}

                | A |
                |---|
                | 1 |

                : Values. {#tbl:t}
                """,
            "02-method.Rmd": "# Method and data\n\nText.\n",
            "_unused.Rmd": "# Not a chapter\n",
        },
    )
    (src / "f.png").write_bytes(PNG)
    assert run_import(src, tmp_path / "out", capsys, severities=("warning", "note")) == [
        "01-results.Rmd:4:1: warning[not-imported]: bookdown reference '\\@ref(thm:main)' names a 'thm:' label, "
        "which paperbuild does not number",
        "index.Rmd:4:1: warning[not-imported]: 'site' has no place in paperbuild's metadata",
    ]
    manuscript = tmp_path / "out" / "manuscript"
    assert sorted(p.name for p in manuscript.glob("*.md")) == ["01-index.md", "02-method.md", "03-results.md"]
    assert metadata(tmp_path / "out")["title"] == "A bookdown thesis"
    assert (manuscript / "02-method.md").read_text(
        encoding="utf-8"
    ) == "# Method and data {#sec:method-and-data}\n\nText.\n"
    results = (manuscript / "03-results.md").read_text(encoding="utf-8")
    assert results.startswith(
        "# Results {#sec:results}\n\nAs in section [-@sec:method-and-data], Figure [-@fig:cars], "
    )
    assert "Table [-@tbl:t] and Theorem\n\\@ref(thm:main)." in results
    assert "![A caption with *emphasis*.](f.png){#fig:cars}" in results and "(ref:cap)" not in results
    assert "See chapter [-@sec:results]." in (manuscript / "01-index.md").read_text(encoding="utf-8")
    assert [line.split(": error")[0] for line in check_lines(tmp_path / "out") if "error[" in line] == [
        "manuscript/03-results.md:4:1",  # \@ref(thm:main): bookdown-reference, tested below
    ]
    (manuscript / "03-results.md").write_text(results.replace("\\@ref(thm:main)", "1"), encoding="utf-8")
    result = run_build(tmp_path / "out", ["html"], Options())
    assert [d.format() for d in result.diagnostics if "error[" in d.format()] == []
    text = " ".join(page_text((tmp_path / "out" / "build" / "paper.html").read_text(encoding="utf-8")).split())
    assert (
        "See chapter 2. 1. Method and data Text. 2. Results As in section 1, Figure 1, Table 1 and Theorem"
        in text.replace("\u00a0", " ")
    )


def test_import_a_bookdown_folder_without_settings_orders_index_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "book",
        {
            "index.Rmd": "---\ntitle: A book\n---\n\n# Preface {-}\n\nHello.\n",
            "02-b.Rmd": "# B\n\nText.\n",
            "01-a.Rmd": "# A\n\nText.\n",
            "_common.Rmd": "```{r}\nlibrary(x)\n```\n",
        },
    )
    assert run_import(src / "index.Rmd", tmp_path / "out", capsys, severities=("warning", "note")) == []
    manuscript = tmp_path / "out" / "manuscript"
    assert sorted(p.name for p in manuscript.glob("*.md")) == ["01-index.md", "02-a.md", "03-b.md"]


CONDITIONAL_QMD = """
    ---
    title: Conditional content
    interactive: true
    ---

    # Intro

    ::: {.content-visible when-format="html"}
    Click the figure to expand it.
    :::

    ::: {.content-visible when-format="pdf"}
    The figure is printed on the next page.

    ::: {.content-hidden when-meta="interactive"}
    A static note.
    :::
    :::

    ::: {.content-hidden when-format="pdf"}
    Interactive version only.
    :::

    ::: {.content-visible unless-format="docx"}
    Not in Word.
    :::

    Ordinary text [for the web]{.content-visible when-format="html"}[in print]{.content-visible when-format="latex"}.

    ```markdown
    ::: {.content-visible when-format="html"}
    shown as code
    :::
    ```
    """


def test_import_resolves_quarto_conditional_content_as_the_pdf_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "src", {"article.qmd": CONDITIONAL_QMD})
    message = (
        "Quarto conditional {} '{{{}}}' is {}, as Quarto's PDF prints it: paperbuild prints one text in every output"
    )
    assert run_import(src / "article.qmd", tmp_path / "out", capsys, severities=("warning", "note")) == [
        "article.qmd:3:1: warning[not-imported]: 'interactive' has no place in paperbuild's metadata",
        "article.qmd:8:1: warning[not-imported]: "
        + message.format("div", '.content-visible when-format="html"', "left out"),
        "article.qmd:12:1: warning[not-imported]: "
        + message.format("div", '.content-visible when-format="pdf"', "kept"),
        "article.qmd:15:1: warning[not-imported]: "
        + message.format("div", '.content-hidden when-meta="interactive"', "left out"),
        "article.qmd:20:1: warning[not-imported]: "
        + message.format("div", '.content-hidden when-format="pdf"', "left out"),
        "article.qmd:24:1: warning[not-imported]: "
        + message.format("div", '.content-visible unless-format="docx"', "kept"),
        "article.qmd:28:15: warning[not-imported]: "
        + message.format("span", '.content-visible when-format="html"', "left out"),
        "article.qmd:28:65: warning[not-imported]: "
        + message.format("span", '.content-visible when-format="latex"', "kept"),
    ]
    chapter = (tmp_path / "out" / "manuscript" / "01-article.md").read_text(encoding="utf-8")
    prose = " ".join(chapter.split())
    assert prose.startswith(
        "# Intro The figure is printed on the next page. Not in Word. Ordinary text in print. ```markdown ::: "
        '{.content-visible when-format="html"} shown as code ::: ```'
    )
    assert check_lines(tmp_path / "out") == []


def test_conditional_content_in_a_chapter_is_an_error_where_it_is(tmp_path: Path) -> None:
    chapter = (
        '# Intro\n\n::: {.content-visible when-format="html"}\n![Plot.](p.svg){#fig:plot}\n:::\n\n'
        '::: {.content-visible when-format="pdf"}\n![Plot.](p.svg){#fig:plot}\n:::\n\n'
        'Text [web only]{.content-hidden unless-format="html"} and `{.content-visible}` as code.\n'
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    root = make_project(tmp_path, {"manuscript/01-intro.md": chapter, "manuscript/p.svg": svg})
    message = (
        "is Quarto's text for some outputs only; paperbuild prints one text in every output, so this and its variants "
        "would all print, one after the other; keep the text every output should print and take the wrapper off "
        "(paperbuild import keeps what Quarto's PDF shows)"
    )
    lines = check_lines(root)
    assert [line for line in lines if "conditional-content" in line] == [
        f"manuscript/01-intro.md:3:5: error[conditional-content]: conditional content: "
        f"'{{.content-visible when-format=\"html\"}}' {message}",
        f"manuscript/01-intro.md:7:5: error[conditional-content]: conditional content: "
        f"'{{.content-visible when-format=\"pdf\"}}' {message}",
        f"manuscript/01-intro.md:11:16: error[conditional-content]: conditional content: "
        f"'{{.content-hidden unless-format=\"html\"}}' {message}",
    ]


def test_import_bookdown_labels_in_captions_and_equations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write(
        tmp_path / "src",
        {
            "paper.Rmd": r"""
                ---
                title: Labels
                ---

                # Model

                \begin{equation}
                  f(k) = \binom{n}{k} p^k
                  (\#eq:binom)
                \end{equation}

                Equation (\@ref(eq:binom)), Figure \@ref(fig:plot) and Table \@ref(tab:values).

                ![(\#fig:plot) A plot.](p.svg)

                | A |
                |---|
                | 1 |

                Table: (\#tab:values) Values.

                ```latex
                \begin{equation}
                x (\#eq:code)
                \end{equation}
                ```

                Last line.
                """,
            "p.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>',
        },
    )
    assert run_import(src / "paper.Rmd", tmp_path / "out", capsys, severities=("warning", "note")) == []
    chapter = (tmp_path / "out" / "manuscript" / "01-paper.md").read_text(encoding="utf-8")
    assert "\n$$\n  f(k) = \\binom{n}{k} p^k\n$$ {#eq:binom}\n\n\nEquation" in chapter
    assert "![A plot.](p.svg){#fig:plot}" in chapter and "Table: Values. {#tbl:values}" in chapter
    assert "\\begin{equation}\nx (\\#eq:code)\n\\end{equation}" in chapter  # code is left as it is
    assert chapter.splitlines()[8].startswith("Equation ")  # the chapter's line 9 is the source's 12: the lines
    assert chapter.splitlines()[24] == "Last line."  # after the front matter (3 lines) keep their numbers
    assert check_lines(tmp_path / "out") == []
    result = run_build(tmp_path / "out", ["html"], Options())
    assert [d.format() for d in result.diagnostics if "error[" in d.format()] == []
    text = " ".join(page_text((tmp_path / "out" / "build" / "paper.html").read_text(encoding="utf-8")).split())
    assert "Equation (1), Figure 1 and Table 1." in text.replace("\u00a0", " ")


def test_a_bookdown_reference_in_a_chapter_is_an_error_where_it_is(tmp_path: Path) -> None:
    chapter = (
        "# Results {#results}\n\nAs in section \\@ref(results), Figure \\@ref(fig:cars), Table \\@ref(tab:t),\n"
        "Theorem \\@ref(thm:x) and code `\\@ref(fig:no)`.\n"
    )
    root = make_project(tmp_path, {"manuscript/01-results.md": chapter})
    rewritten = "(the number alone, as bookdown prints it); paperbuild import rewrites bookdown's references and labels"

    def error(line: int, col: int, label: str) -> str:
        return (
            f"manuscript/01-results.md:{line}:{col}: error[bookdown-reference]: '\\@ref({label})' is bookdown's "
            f"cross-reference, which pandoc reads as the text '@ref({label})'"
        )

    assert [line for line in check_lines(root) if "bookdown-reference" in line] == [
        f"{error(3, 15, 'results')}; write '[-@sec:results]' {rewritten}",
        f"{error(3, 38, 'fig:cars')}; write '[-@fig:cars]' {rewritten}",
        f"{error(3, 61, 'tab:t')}; write '[-@tbl:t]' {rewritten}",
        f"{error(4, 9, 'thm:x')}; paperbuild numbers sections, figures, tables and equations: refer to one of those, "
        "or write the words",
    ]
