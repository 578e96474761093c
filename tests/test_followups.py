"""Follow-ups from the real-paper trials: Quarto's table and subfigure divs, the language import detects, Chinese
paragraph indents, and a style's figure and table names in diagnostics."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import check_lines, normalize, png

from paperbuild.cli import main
from paperbuild.render.html import page_text


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """A source folder under `root` from {relative path: text or bytes}."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


def run_import(src: Path, into: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Import `src` into `into`; every diagnostic printed, with its hint."""
    assert main(["import", str(src), str(into)]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if "]: " in line]


def html_text(root: Path) -> str:
    """The visible text of the project's HTML output, built with nothing to report."""
    assert check_lines(root) == []
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    return normalize(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")))


QUARTO_DIVS = """
    ---
    title: "Divs"
    author: "A. Author"
    ---

    ## Results

    ::: {#tbl-scores}

    | Game | Score |
    |------|------:|
    | 1    |  150  |

    Scores of the games.
    :::

    ::: {#tbl-times}
    Times of the
    games.

    | Game | Time |
    |------|-----:|
    | 1    |  12  |
    :::

    ::: {#fig-elephants layout-ncol=2}

    ![Surus](surus.png){#fig-surus}

    ![Hanno](hanno.png)

    Famous elephants.
    :::

    @tbl-scores gives the scores, @tbl-times the times; @fig-elephants shows Surus and Hanno (@fig-surus).
    """


def test_quarto_table_divs_are_numbered_tables_and_subfigures_one_figure_per_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path / "src", {"paper.qmd": QUARTO_DIVS, "surus.png": png(1900, 10), "hanno.png": png(1900, 10)})
    root = tmp_path / "paper"
    assert run_import(src / "paper.qmd", root, capsys) == [
        "paper.qmd:26:1: warning[not-imported]: subfigure div '#fig-elephants' is written as 2 figures, captioned "
        "'Famous elephants. (a) ...': paperbuild has no subfigures; refer to each figure by its own label",
    ]
    text = html_text(root)
    assert text.count("Scores of the games.") == 1
    assert text.count("Times of the games.") == 1
    assert "Table 1. Scores of the games." in text
    assert "Table 2. Times of the games." in text
    assert "Figure 1. Famous elephants. (a) Surus" in text
    assert "Figure 2. Famous elephants. (b) Hanno" in text
    assert "Table 1 gives the scores, Table 2 the times; Figure 2 shows Surus and Hanno (Figure 1)." in text


def test_import_says_it_set_lang_zh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chinese = "光学测量广泛用于工业检测，其误差来源很多，本文给出它们的关系。"
    src = write(
        tmp_path / "src", {"zh.md": f"---\ntitle: 测试\n---\n\n# 引言\n\n{chinese}\n", "en.md": "# One\n\nBody.\n"}
    )
    assert run_import(src / "zh.md", tmp_path / "zh", capsys) == [
        "zh.md:1: note[import-detected]: lang: zh set: the text is mostly Chinese; set lang in "
        "manuscript/metadata.yaml if the paper is in another language"
    ]
    assert run_import(src / "en.md", tmp_path / "en", capsys) == []
