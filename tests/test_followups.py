"""Follow-ups from the real-paper trials: Quarto's table and subfigure divs, the language import detects, Chinese
paragraph indents, and a style's figure and table names in diagnostics."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import check_lines, html_text, make_project, normalize, png, run_import, write

from paperbuild.cli import main
from paperbuild.importers import quarto_text
from paperbuild.importers.layout import Plan

XHTML = "{http://www.w3.org/1999/xhtml}"
ALL = ("error", "warning", "note")
"""Every severity: these tests see each diagnostic the import prints."""

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
    assert run_import(src / "paper.qmd", root, capsys, severities=ALL, hints=True) == [
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
    assert run_import(src / "zh.md", tmp_path / "zh", capsys, severities=ALL, hints=True) == [
        "zh.md:1: note[import-detected]: lang: zh set: the text is mostly Chinese; set lang in "
        "manuscript/metadata.yaml if the paper is in another language"
    ]
    assert run_import(src / "en.md", tmp_path / "en", capsys, severities=ALL, hints=True) == []


ZH_META = """\
title: 港口与城市
authors:
  - name: 王伟
abstract: 本文讨论港口与城市的关系。
keywords: [港口, 城市, 区域合作]
lang: zh-CN
journal: chinese-journal
"""
ZH_FIRST = "甲" + "港口是区域合作的基础，" * 12
ZH_SECOND = "乙" + "城市的发展离不开港口，" * 12
ZH_CHAPTER = f"""\
# 引言

{ZH_FIRST}

{ZH_SECOND}[^1]

[^1]: 注释的内容。

- 丙列表的第一项，{"港口是区域合作的基础，" * 12}
- 第二项

> 丁引用的文字，{"城市的发展离不开港口，" * 12}

# 结论

戊港口与城市共同发展。
"""


@pytest.fixture(scope="module")
def chinese_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"manuscript/metadata.yaml": ZH_META, "manuscript/01-text.md": ZH_CHAPTER, "bibliography/refs.bib": ""}
    root = make_project(tmp_path_factory.mktemp("zh-indent"), files)
    assert check_lines(root) == []
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def line_starts(pdf: Path) -> list[tuple[str, float]]:
    """Each line of the PDF: its text and the x of its first word's left end, in points (a list's bullet left out)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    lines = [
        [w for w in line.iter(f"{XHTML}word") if w.text != "•"] for line in ET.fromstring(xml).iter(f"{XHTML}line")
    ]
    return [("".join(w.text or "" for w in words), float(words[0].get("xMin", "0"))) for words in lines if words]


def test_chinese_paragraphs_indent_their_first_line_two_characters_in_the_pdf(chinese_build: Path) -> None:
    lines = line_starts(chinese_build / "paper.pdf")
    font_size = 11.0  # the default style's body text: 2 characters are 22 pt
    for first in ("甲", "乙", "戊"):  # the first paragraph after a heading too
        at = next(n for n, (words, _) in enumerate(lines) if words.startswith(first))
        body_left = lines[at + 1][1] if first != "戊" else lines[at - 1][1]  # the next line, or the heading's
        assert lines[at][1] - body_left == pytest.approx(2 * font_size, abs=0.5), first
    for first in ("丙", "丁"):  # a list item's and a quotation's lines stay flush
        at = next(n for n, (words, _) in enumerate(lines) if first in words)
        assert lines[at][1] == pytest.approx(lines[at + 1][1], abs=0.5), first


def test_chinese_body_styles_indent_their_first_line_two_characters_in_the_docx(chinese_build: Path) -> None:
    with zipfile.ZipFile(chinese_build / "paper.docx") as docx:
        styles = ET.fromstring(docx.read("word/styles.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    indents = {
        style.get(f"{w}styleId"): {k.removeprefix(w): v for k, v in indent.attrib.items()}
        for style in styles.iter(f"{w}style")
        if (indent := style.find(f"{w}pPr/{w}ind")) is not None
    }
    assert indents["BodyText"] == {"firstLine": "480", "firstLineChars": "200"}
    assert indents["FirstParagraph"] == indents["BodyText"]  # the first paragraph after a heading too
    assert indents["Compact"] == {"firstLine": "0", "firstLineChars": "0"}  # lists and table cells
    assert indents["BlockText"]["firstLineChars"] == "0" and indents["BlockText"].get(
        "left"
    )  # a quote keeps its margin


def test_a_doubled_reference_word_is_quoted_as_the_style_prints_the_reference(tmp_path: Path) -> None:
    chapter = """\
# Results

![A map.](figures/map.png){#fig:map}

| a | b |
|---|---|
| 1 | 2 |

: First. {#tbl:one}

| a | b |
|---|---|
| 3 | 4 |

: Second. {#tbl:two}

As figure @fig:map shows, table @tbl:one and table @tbl:two agree.
"""
    meta = "title: T\nauthors:\n  - name: A. Author\nstyle: two-column\n"
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-text.md": chapter, "bibliography/refs.bib": ""}
    root = make_project(tmp_path, files)
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "map.png").write_bytes(png(1200, 10))
    assert [line.split("; ")[0] for line in check_lines(root)] == [
        "manuscript/01-text.md:17:11: warning[doubled-reference-word]: 'figure @fig:map' reads 'figure Fig. 1': the "
        "reference prints its kind word itself",
        "manuscript/01-text.md:17:33: warning[doubled-reference-word]: 'table @tbl:one' reads 'table Table I': the "
        "reference prints its kind word itself",
        "manuscript/01-text.md:17:52: warning[doubled-reference-word]: 'table @tbl:two' reads 'table Table II': the "
        "reference prints its kind word itself",
    ]


HARBOUR = (
    "The harbour grew with the trade that passed through it, and its quays were rebuilt twice as ships became "
    "larger and the river silted up. "
) * 3


def test_a_heading_right_before_a_wide_figure_stays_with_the_text_it_heads(tmp_path: Path) -> None:
    chapter = (
        "# Summary\n\n" + f"{HARBOUR}\n\n" * 9 + "# Figures\n\n![A coast.](figures/coast.png){#fig:coast .wide}\n\n"
        "Closing words on the coast, which the figure shows.\n"
    )
    meta = "title: Harbours of the North\nauthors:\n  - name: Ada Lovelace\nstyle: two-column\n"
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": chapter, "bibliography/refs.bib": ""}
    make_project(tmp_path, {**files, "manuscript/figures/.keep": ""})
    (tmp_path / "manuscript" / "figures" / "coast.png").write_bytes(png(2000, 1400))
    assert main(["pdf", "--project", str(tmp_path), "--quiet"]) == 0
    pages = subprocess.run(["pdftotext", str(tmp_path / "build" / "paper.pdf"), "-"], capture_output=True).stdout
    texts = [normalize(page) for page in pages.decode().split("\f") if page.strip()]
    assert len(texts) == 2
    assert "2. FIGURES" not in texts[0]  # it had stood alone at the foot of the first page
    assert "Fig. 1. A coast. 2. FIGURES Closing words on the coast, which the figure shows." in texts[1]


def test_a_subfigure_divs_label_names_its_first_figure_when_every_image_has_its_own(tmp_path: Path) -> None:
    body = """\
::: {#fig-pair layout="[[1,1]]" .column-page}
![Left](l.png){#fig-l width=40%}

![Right](r.png){#fig-r}

Two views.
:::

See @fig-pair and @fig-r; `@fig-pair` in code stays.
"""
    plan = Plan(tmp_path, "Quarto article")
    written = quarto_text.convert(plan, tmp_path / "a.qmd", body.encode(), 1, {}).decode()
    assert written.splitlines()[:3] == [
        "![Two views. (a) Left](l.png){#fig-l width=40% .column-page}",
        "",
        "![Two views. (b) Right](r.png){#fig-r .column-page}",
    ]
    assert written.count("\n") == body.count("\n")  # what follows keeps its line number
    assert "See @fig-l and @fig-r; `@fig-pair` in code stays." in written
    assert [d.message for d in plan.diagnostics] == [
        "subfigure div '#fig-pair' is written as 2 figures, captioned 'Two views. (a) ...': paperbuild has no "
        "subfigures; @fig-pair now refers to the first, @fig-l"
    ]
