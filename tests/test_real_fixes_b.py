"""Defects a new user found building real papers (the trial's reproductions in /work/repro): cross-references keep
the writer's words around them, pandoc-crossref's capitalised `@Fig:x` is a cross-reference, not a citation."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, check_lines, make_project

from paperbuild import pandoc
from paperbuild.cli import main
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


def test_layout_no_ops_of_a_thesis_are_dropped_with_a_note(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/01-a.md": "# A\n\n\\markright{{\\thechapter}. Introduction}\n\nText.\n\n\\appendix\n\n"
            "# Appendix\n\n\\begingroup\n\\sloppy\nMore text.\n\\endgroup\n",
        },
    )
    hint = "; the style lays the paper out; remove it"
    assert check_lines(root) == [
        "manuscript/01-a.md:3:1: note[raw-tex]: the layout command '\\markright{{\\thechapter}. Introduction}' has "
        f"no equivalent in the outputs and is dropped{hint}",
        "manuscript/01-a.md:7:1: note[raw-tex]: the layout command '\\appendix' has no equivalent in the outputs and "
        f"is dropped: the headings after it are numbered on, not lettered A, B as appendices{hint}",
        f"manuscript/01-a.md:11:1: note[raw-tex]: the layout command '\\begingroup' has no equivalent in the outputs "
        f"and is dropped{hint}",
        f"manuscript/01-a.md:12:1: note[raw-tex]: the layout command '\\sloppy' has no equivalent in the outputs and "
        f"is dropped{hint}",
        f"manuscript/01-a.md:14:1: note[raw-tex]: the layout command '\\endgroup' has no equivalent in the outputs "
        f"and is dropped{hint}",
    ]


SPLIT_WRAPPER = (
    "# Results\n\nBefore.\n\n```{=latex}\n\\afterpage{%\n    \\clearpage\n    \\begin{landscape}\n```\n\n"
    "A wide figure would be here.\n\n```{=latex}\n    \\end{landscape}\n}\n```\n\nAfter.\n"
)


def test_a_layout_wrapper_split_over_raw_blocks_is_dropped_and_its_content_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"manuscript/01-results.md": SPLIT_WRAPPER})
    assert check_lines(root) == [
        "manuscript/01-results.md:6:1: note[raw-tex]: the layout wrapper piece '\\afterpage{%\n    \\clearpage"
        "\n    \\begin{landscape}' has no equivalent in the outputs and is dropped; the text around it is kept; "
        "the style lays the paper out; remove it",
        "manuscript/01-results.md:14:5: note[raw-tex]: the layout wrapper piece '\\end{landscape}\n}' has no "
        "equivalent in the outputs and is dropped; the text around it is kept; the style lays the paper out; remove it",
    ]
    assert [d.format() for d in run_build(root, ["html"], Options()).diagnostics if d.severity.name != "NOTE"] == []
    shown = " ".join(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")).split())
    assert "Before. A wide figure would be here. After." in shown


def test_raw_tex_pandoc_cannot_read_is_an_error_at_its_line(tmp_path: Path) -> None:
    chapter = "# Results\n\nBefore.\n\n```{=latex}\n\\begin{tabular}{ll}\na & b \\\\\n```\n\nAfter \\textbf{bold}.\n"
    root = make_project(tmp_path, {"manuscript/01-results.md": chapter})
    assert check_lines(root) == [
        "manuscript/01-results.md:6:1: error[raw-tex]: raw TeX '\\begin{tabular}{ll}\na & b \\\\' cannot be read "
        "('\\begin{tabular}' is not closed); close each \\begin and each brace in the raw block that opens it, or "
        "write it in Markdown"
    ]
    assert main(["--project", str(root), "--quiet", "check"]) == 1


REAL = FIXTURES / "real"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'


def test_a_thesis_landscape_page_and_its_capitalised_references_build(tmp_path: Path) -> None:
    extract = re.sub(r"\]\(\.\./graphs/[^)]*\.pdf\)", "](plot.svg)", (REAL / "thesis-landscape.md").read_text())
    root = make_project(tmp_path, {"manuscript/01-results.md": f"# Results\n\n{extract}", "manuscript/plot.svg": SVG})
    assert [line for line in check_lines(root) if "note[" not in line] == []
    assert [line.split(": note")[0] for line in check_lines(root)] == [
        "manuscript/01-results.md:8:1",  # \afterpage{% ... \begin{landscape}
        "manuscript/01-results.md:18:5",  # \end{landscape} ... }
    ]
    assert [d.format() for d in run_build(root, ["html"], Options()).diagnostics if "note[" not in d.format()] == []
    shown = " ".join(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")).split())
    assert "Figure 1 lists how often" in shown.replace(NBSP, " ")
    assert "column came from string-matching" in shown
    assert "Figure 2 further plots the observed data types" in shown.replace(NBSP, " ")


def test_a_quarto_cell_is_imported_as_a_code_block_pandoc_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "article.qmd"
    shutil.copy(REAL / "quarto-cell.qmd", source)
    assert main(["import", str(source), str(tmp_path / "out")]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "warning[" in line] == [
        "article.qmd:17: warning[not-imported]: a python code cell is kept as code; paperbuild does not run it; its "
        "cell options are dropped ('#| label: fig-polar', '#| fig-cap: \"A line plot on a polar axis\"'); run it "
        "with Quarto once and put its output (a figure, a table) in the text"
    ]
    chapter = (tmp_path / "out" / "manuscript" / "01-article.md").read_text(encoding="utf-8")
    ast = json.loads(pandoc.run(["-f", "markdown", "-t", "json"], chapter.encode()))
    [code] = [block for block in ast["blocks"] if block["t"] == "CodeBlock"]
    assert code["c"][0][1] == ["python"]
    assert code["c"][1].startswith("\nimport numpy as np\nimport matplotlib.pyplot as plt\n")
    assert "#|" not in chapter


def test_an_executable_cell_in_a_chapter_is_an_error_at_its_line(tmp_path: Path) -> None:
    chapter = (
        "# Results\n\nQuarto writes a cell so:\n\n````markdown\n```{r, echo=FALSE}\nx\n```\n````\n\n"
        "A plot follows.\n\n```{python}\n#| label: fig-polar\nimport numpy as np\n\nr = 'x'\n```\n"
    )
    more = "# More\n\n~~~ {r echo=FALSE}\ny\n~~~\n"
    root = make_project(tmp_path, {"manuscript/01-results.md": chapter, "manuscript/02-more.md": more})
    hint = "paperbuild runs no cell, so put its output (a figure, a table) in the text"
    assert check_lines(root) == [
        "manuscript/01-results.md:13:1: error[code-cell]: '```{python}' opens no code block pandoc reads: the cell "
        f"would print as text; write '```python' for code; {hint}",
        "manuscript/02-more.md:3:1: error[code-cell]: '~~~ {r echo=FALSE}' opens no code block pandoc reads: "
        f"the cell would print as text; write '~~~r' for code; {hint}",
    ]


def test_a_math_error_in_a_tab_indented_or_eqnarray_formula_is_at_its_line(tmp_path: Path) -> None:
    chapter = (
        "# Method\n\nTabs:\n\n$$\n\\boldmath q_z = \\begin{Bmatrix}\n\t1 & \\textit{if}\\; p \\leq q\n"
        "\t\\end{Bmatrix}\n$$\n\n"
        "An eqnarray:\n\n$$\n\\begin{eqnarray*}\n \\boldmath p &=& 1\n\\end{eqnarray*}\n$$\n"
    )
    root = make_project(tmp_path, {"manuscript/01-method.md": chapter})
    assert [line.split(" formula ")[0] for line in check_lines(root)] == [
        "manuscript/01-method.md:6:1: error[math]:",
        "manuscript/01-method.md:15:2: error[math]:",
    ]


def test_raw_tex_pandocs_reader_refuses_is_an_error_at_its_line_with_the_readers_reason(tmp_path: Path) -> None:
    chapter = "# A\n\n```{=latex}\n\\textbf{fine}\n```\n\nText.\n\n```{=latex}\n\\url\n```\n\n"
    chapter += "```{=latex}\n\\emph{ok}\n```\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter})
    assert check_lines(root) == [
        "manuscript/01-a.md:10:1: error[raw-tex]: raw TeX '\\url' cannot be read (unexpected end of input); close "
        "each \\begin and each brace in the raw block that opens it, or write it in Markdown"
    ]


def test_a_paper_whose_raw_tex_is_refused_everywhere_is_read_in_few_pandoc_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = []
    run = pandoc.run

    def counted(args: list[str], stdin: bytes = b"") -> bytes:
        runs.append(args[:2])
        return run(args, stdin)

    monkeypatch.setattr(pandoc, "run", counted)
    blocks = "".join(f"Text {n}.\n\n```{{=latex}}\n\\begin{{tabular}}{{ll}}\na & b\n```\n\n" for n in range(300))
    blocks += "```{=latex}\n\\url\n```\n\n" * 300
    root = make_project(tmp_path, {"manuscript/01-a.md": f"# A\n\n{blocks}"})
    lines = check_lines(root)
    assert len(lines) == 600 and all("error[raw-tex]" in line for line in lines)
    assert len([r for r in runs if r == ["-f", "latex+raw_tex"]]) == 64
