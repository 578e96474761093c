"""The DOCX in the manuscript convention every Word can show: Times New Roman 12 pt (SimSun for East Asian text),
double spacing in the review style; numbered equations with their number at the right margin on a tab stop; tables
with their number in the alt text and space after them. Read back with python-docx and its XML, and converted with
LibreOffice (which draws Times New Roman as Liberation Serif, its metric twin from fonts-liberation)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import MINIMAL_BIB, make_project
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt
from test_docx_style import converted_by_libreoffice, resolved, style_named

from paperbuild.cli import main

CHAPTER = """# Results

The model holds [@knuth1984], as @eq:energy and @tbl:growth show.

$$E = mc^2$$ {#eq:energy}

| Year | Growth |
|------|--------|
| 2020 | 2.3    |

: Growth by *year*. {#tbl:growth}

After the table, the text goes on; 中文的段落，知识就是力量。
"""
TABLE_ALT_TEXT = "Table 1. Growth by year."
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"


def build(root: Path, *style: str) -> Path:
    make_project(root, {"manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["docx", "--project", str(root), "--quiet", *style]) == 0
    return root / "build" / "paper.docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("docx-fonts"))


@pytest.fixture(scope="module")
def document(built: Path) -> Any:
    return docx.Document(str(built))


def body_paragraphs(document: Any) -> list[Any]:
    return list(document.element.body.iter(f"{W}p"))


def style_of(paragraph: Any) -> str:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return "" if style is None else str(style.get(f"{W}val"))


@pytest.mark.slow
def test_normal_is_times_new_roman_12_with_simsun_for_east_asian_text(document: Any, built: Path) -> None:
    normal = style_named(document, "Normal")
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {a.split("}")[1]: v for a, v in fonts.attrib.items()} == {
        "ascii": "Times New Roman",
        "hAnsi": "Times New Roman",
        "cs": "Times New Roman",
        "eastAsia": "SimSun",
    }
    assert normal.font.size == Pt(12)
    for name in ("Body Text", "First Paragraph", "Heading 1", "Title", "Bibliography", "Caption"):
        assert resolved(style_named(document, name), lambda s: s.font.name) == "Times New Roman", name
    assert resolved(style_named(document, "Body Text"), lambda s: s.font.size) == Pt(12)
    with zipfile.ZipFile(built) as archive:
        font_table = archive.read("word/fontTable.xml").decode()
    assert re.search(r'<w:font w:name="SimSun"><w:altName w:val="宋体"/>.*?<w:charset w:val="86"/>', font_table)
    assert "Noto" not in font_table


@pytest.mark.slow
def test_the_review_style_is_double_spaced(tmp_path: Path) -> None:
    document = docx.Document(str(build(tmp_path, "--style", "review")))
    for name in ("Body Text", "First Paragraph", "Bibliography"):
        style = style_named(document, name)
        assert resolved(style, lambda s: s.paragraph_format.line_spacing) == 2.0, name
        assert resolved(style, lambda s: s.font.name) == "Times New Roman", name
    assert resolved(style_named(document, "Body Text"), lambda s: s.font.size) == Pt(12)


@pytest.mark.slow
def test_a_numbered_equation_is_centred_with_its_number_on_the_right_margin(document: Any) -> None:
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    stops = [(s.position, s.alignment) for s in style_named(document, "Display Equation").paragraph_format.tab_stops]
    assert len(stops) == 2
    (centre, centre_kind), (right, right_kind) = stops
    assert (centre_kind, right_kind) == (WD_TAB_ALIGNMENT.CENTER, WD_TAB_ALIGNMENT.RIGHT)
    assert abs(centre - text_width // 2) < Pt(1) and abs(right - text_width) < Pt(1)
    [equation] = [p for p in body_paragraphs(document) if style_of(p) == "DisplayEquation"]
    kinds = [child.tag for child in equation if child.tag in (f"{W}r", f"{M}oMath", f"{M}oMathPara")]
    assert kinds[:3] == [f"{W}r", f"{M}oMath", f"{W}r"], "tab, formula, tab"
    runs = [child for child in equation if child.tag == f"{W}r"]
    assert runs[0].find(f"{W}tab") is not None and runs[1].find(f"{W}tab") is not None
    assert "".join(t.text or "" for t in equation.iter(f"{W}t")) == "(1)"


@pytest.mark.slow
def test_a_table_has_its_number_in_its_alt_text_and_space_after_it(document: Any) -> None:
    [table] = document.element.body.findall(f"{W}tbl")
    properties = table.find(f"{W}tblPr")
    assert properties.find(f"{W}tblCaption").get(f"{W}val") == TABLE_ALT_TEXT
    assert properties.find(f"{W}tblDescription").get(f"{W}val") == TABLE_ALT_TEXT
    following = table.getnext()
    while following.tag != f"{W}p":
        following = following.getnext()
    assert following.find(f"{W}pPr/{W}spacing").get(f"{W}before") == "240"  # 12 pt


@pytest.fixture(scope="module")
def libreoffice_pdf(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return converted_by_libreoffice(built, tmp_path_factory.mktemp("libreoffice"))


@pytest.mark.slow
def test_libreoffice_sets_the_text_in_times_new_romans_twin_and_chinese_in_a_cjk_face(libreoffice_pdf: Path) -> None:
    listing = subprocess.run(["pdffonts", str(libreoffice_pdf)], capture_output=True, text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    assert {"LiberationSerif", "LiberationSerif-Bold"} <= fonts, sorted(fonts)
    assert not [f for f in fonts if f.startswith(("DejaVu", "NotoSerif-"))], sorted(fonts)
    assert [f for f in fonts if "CJK" in f], f"the Chinese text is in no CJK face: {sorted(fonts)}"


@pytest.mark.slow
def test_libreoffice_puts_the_equation_number_on_the_right_margin(libreoffice_pdf: Path) -> None:
    words = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(libreoffice_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', words).group(1))  # type: ignore[union-attr]
    boxes = [
        (float(x_min), float(y_min), float(x_max), word)
        for x_min, y_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', words
        )
    ]
    [formula] = [(x_min, y_min, x_max) for x_min, y_min, x_max, word in boxes if word.startswith("E=")]
    [number] = [x_max for _, y_min, x_max, word in boxes if word == "(1)" and abs(y_min - formula[1]) < 6]
    margin = 2.5 / 2.54 * 72
    assert abs(number - (page_width - margin)) < 2, "the number ends at the right margin"
    assert abs((formula[0] + formula[2]) / 2 - page_width / 2) < 20, "the formula is centred"
