"""`import` carries other tools' papers whole (repros of a new user's six public papers): Quarto's shortcodes and
figure divs, Manubot's pandoc-xnos references and author funders, JOSS's label spans and equal contributors, a
Chinese abstract and language, plain-pandoc projects built by a Makefile or script, and a thesis' front matter."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_lines, html_text, metadata, png, run_import, write

from paperbuild.cli import main


def test_quarto_shortcodes_print_what_they_mean_and_a_figure_div_is_a_numbered_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "src",
        {
            "paper.qmd": """
                ---
                title: "Shortcodes"
                author: "A. Author"
                journal-name: Journal of Tests
                ---

                ## Introduction

                This article uses the {{< latex >}} style files of {{< meta journal-name >}}, version {{< var v >}}.

                {{< pagebreak >}}

                ::: {#fig-data}

                ![](plot.png){width=50%}

                Frequency distribution
                of the data.
                :::

                The data are shown in @fig-data. {{< video https://example.org/v.mp4 >}}

                ```
                {{< latex >}} in code stays
                ```
                """,
            "_variables.yml": "v: 2.1\n",
            "plot.png": png(1900, 10),
        },
    )
    root = tmp_path / "paper"
    assert run_import(src / "paper.qmd", root, capsys) == [
        "paper.qmd:4:1: warning[not-imported]: 'journal-name' has no place in paperbuild's metadata",
        "paper.qmd:21:34: warning[not-imported]: Quarto shortcode '{{< video https://example.org/v.mp4 >}}' is left "
        "out: paperbuild has no such shortcode",
    ]
    text = html_text(root)
    assert "This article uses the LaTeX style files of Journal of Tests, version 2.1." in text
    assert "Figure 1. Frequency distribution of the data." in text
    assert "The data are shown in Figure 1." in text
    assert "{{< latex >}} in code stays" in text
    assert "{{<" not in text.replace("{{< latex >}} in code stays", "")
    assert "pagebreak" not in text


def test_manubot_xnos_references_print_their_word_once_and_funders_become_the_funding_statement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "src",
        {
            "content/01.main.md": """
                ## Results

                Figure @fig:square shows the square, Table @tbl:scores the scores, Eq. {@eq:one} the rule;
                as +@fig:square shows, [see @fig:square].

                ![A square image.](square.png){#fig:square}

                $$x = 1$$ {#eq:one}

                | Game | Score |
                |------|------:|
                | 1    |  150  |

                Table: Scores. {#tbl:scores}

                ```
                Figure @fig:square in code
                ```
                """,
            "content/metadata.yaml": """
                title: "Xnos references"
                authors:
                  - name: John Doe
                    funders:
                      - Grant XXXXXXXX
                      - the Sloan Foundation
                    email: john.doe@example.com
                """,
            "content/square.png": png(1900, 10),
        },
    )
    root = tmp_path / "paper"
    assert run_import(src, root, capsys) == []
    assert metadata(root)["funding"] == "John Doe was funded by Grant XXXXXXXX and the Sloan Foundation."
    text = html_text(root)
    assert "Figure 1 shows the square, Table 1 the scores, Eq. (1) the rule; as Figure 1 shows, see Figure 1." in text
    assert "Figure Figure" not in text and "Table Table" not in text
    assert "Figure @fig:square in code" in text
    assert "John Doe was funded by Grant XXXXXXXX and the Sloan Foundation." in text


def test_joss_label_spans_become_labels_equal_contributors_are_kept_and_a_tex_reference_is_quoted_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "src",
        {
            "paper.md": """
                ---
                title: 'Span labels'
                authors:
                  - name: A. Author
                    affiliation: 1
                    equal-contrib: true
                  - name: B. Author
                    affiliation: 1
                    equal-contrib: true
                affiliations:
                  - name: Somewhere
                    index: 1
                date: 1 January 2024
                bibliography: paper.bib
                ---

                # Summary

                The languages are compared in \\autoref{langs} and again in @langs, as [@x] shows.

                : Comparison of languages.
                  []{label="langs"}

                | Language | Typing |
                |----------|--------|
                | Haskell  | static |
                """,
            "paper.bib": "@book{x, author={Knuth, Donald}, title={TAOCP}, publisher={AW}, year={1968}}\n",
        },
    )
    root = tmp_path / "paper"
    assert run_import(src, root, capsys) == []
    assert [a.get("equal-contributor") for a in metadata(root)["authors"]] == [True, True]  # type: ignore[attr-defined]
    text = html_text(root)
    assert "The languages are compared in Table 1 and again in Table 1, as (Knuth 1968) shows." in text
    assert "Table 1. Comparison of languages." in text
    chapter = root / "manuscript" / "01-paper.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("{#tbl:langs}", ""), encoding="utf-8")
    assert [line.split("; ")[0] for line in check_lines(root)] == [
        "manuscript/01-paper.md:4:31: error[undefined-label]: '\\autoref{tbl:langs}' refers to no element labelled "
        "'{#tbl:langs}'",
        "manuscript/01-paper.md:4:64: error[undefined-label]: '@tbl:langs' refers to no element labelled "
        "'{#tbl:langs}'",
    ]


def test_a_chinese_abstract_and_keywords_become_metadata_and_the_language_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "src",
        {
            "zh.md": """
                ---
                title: 测试
                ---

                # 摘　要 {-}

                本文研究光学测量的误差来源。

                **关键词**：光学；测量、误差

                # 引言

                光学测量广泛用于工业检测，其误差来源很多，本文见 @eq:one 给出的关系。

                $$a = b$$ {#eq:one}
                """,
            "en/paper.md": """
                # Abstract {-}

                This is it.

                # Keywords

                optics, measurement

                # Introduction

                Body.
                """,
        },
    )
    assert run_import(src / "zh.md", tmp_path / "zh", capsys) == []
    meta = metadata(tmp_path / "zh")
    assert (meta["abstract"], meta["keywords"], meta["lang"]) == (
        "本文研究光学测量的误差来源。",
        ["光学", "测量", "误差"],
        "zh",
    )
    text = html_text(tmp_path / "zh")
    assert "本文见 式 (1) 给出的关系" in text.replace("\u2060", "").replace("\u00a0", " ")
    assert "摘" not in text.replace("摘要", "")  # the abstract's own heading, not a section "1. 摘　要"
    assert run_import(src / "en" / "paper.md", tmp_path / "en", capsys) == []
    meta = metadata(tmp_path / "en")
    assert (meta["abstract"], meta["keywords"], "lang" in meta) == ("This is it.", ["optics", "measurement"], False)
    assert (tmp_path / "en" / "manuscript" / "01-paper.md").read_text(encoding="utf-8") == "# Introduction\n\nBody.\n"


def test_a_plain_pandoc_project_is_imported_in_the_order_its_makefile_or_script_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csl = (Path(__file__).parent.parent / "bibliography" / "gb-t-7714-2015-numeric-pinyin.csl").read_bytes()
    files: dict[str, str | bytes] = {
        "metadata.yaml": "---\ntitle: A Plain Paper\nauthor: A. Author\n---\n",
        "chapters/01-intro.md": "# Introduction\n\nAs shown before [@knuth].\n",
        "chapters/02-method.md": "# Method\n\n![A plot.](plot.png){#fig:plot}\n\nSee @fig:plot.\n",
        "figures/plot.png": png(1900, 10),
        "refs.bib": "@book{knuth, author={Knuth, Donald}, title={TAOCP}, publisher={AW}, year={1968}}\n",
        "style.csl": csl,
        "README.md": "# How to build\n",
    }
    make = write(
        tmp_path / "make",
        {
            **files,
            "Makefile": """
                CHAPTERS = $(wildcard chapters/*.md)
                BIB := refs.bib

                # the PDF
                paper.pdf: metadata.yaml $(CHAPTERS)
                \tpandoc $^ -o $@ --citeproc \\
                \t  --bibliography $(BIB) --csl=style.csl --resource-path ./figures
                """,
        },
    )
    root = tmp_path / "from-make"
    assert run_import(make, root, capsys) == []
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == [
        "01-intro.md",
        "02-method.md",
        "metadata.yaml",
        "plot.png",
    ]
    assert metadata(root)["csl"] == "bibliography/style.csl"
    text = html_text(root)
    assert "1. Introduction As shown before[1]. 2. Method Figure 1. A plot. See Figure 1." in text
    script = write(
        tmp_path / "sh",
        {
            **files,
            "build.sh": """
                #!/bin/sh
                set -e
                OUT=build
                pandoc metadata.yaml "chapters/02-method.md" chapters/01-intro.md --resource-path=figures \\
                  --bibliography=refs.bib -o "$OUT/paper.pdf" && echo done
                """,
        },
    )
    root = tmp_path / "from-sh"
    assert run_import(script, root, capsys) == []
    assert "1. Method Figure 1. A plot. See Figure 1. 2. Introduction As shown before (Knuth 1968)." in html_text(root)


def test_a_makefile_whose_variables_double_at_each_line_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "A = a.md\n" + "A = $(A) $(A)\n" * 60 + "paper.pdf:\n\tpandoc $(A) -o paper.pdf\n"
    src = write(tmp_path / "src", {"Makefile": lines, "a.md": "# A\n"})
    assert main(["import", str(src), str(tmp_path / "paper")]) == 1
    assert "a line of the build script expands past 100000 characters" in capsys.readouterr().err


def test_a_thesis_front_matter_is_unnumbered_and_an_r_cell_is_named_with_its_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(
        tmp_path / "thesis",
        {
            "source/01_abstract.md": "\\frontmatter\n\n# Abstract {.unnumbered}\n\nShort.\n\n# Preface\n\nThanks.\n",
            "source/02_contents.md": "# Symbols {#symbols}\n\nNone.\n",
            "source/03_intro.md": "\\mainmatter\n\n# Introduction\n\n## Aim\n\nSee [the symbols](#symbols).\n",
            "source/metadata.yml": "title: A Thesis\n",
            "source/04_end.md": "\\backmatter\n\n# Colophon\n\nSet in type.\n",
        },
    )
    root = tmp_path / "paper"
    run_import(src, root, capsys)
    layout = "note[raw-tex]: the layout command '\\{}matter' has no equivalent in the outputs and is dropped"
    text = html_text(
        root,
        (
            "manuscript/01-abstract.md:1:1: " + layout.format("front"),
            "manuscript/03-intro.md:1:1: " + layout.format("main"),
            "manuscript/04-end.md:1:1: " + layout.format("back"),
        ),
    )
    assert "Abstract Short. Preface Thanks. Symbols None. 1. Introduction 1.1. Aim See the symbols." in text
    assert "Colophon Set in type." in text and "2. Colophon" not in text
    src = write(tmp_path / "r", {"paper.qmd": "# A\n\n```{r}\nplot(1)\n```\n"})
    assert run_import(src / "paper.qmd", tmp_path / "r-paper", capsys) == [
        "paper.qmd:3: warning[not-imported]: an R code cell is kept as code"
    ]
