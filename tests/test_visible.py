"""Nothing clipped, nothing invisible: rules, code, coloured blocks and wide tables reach the reader of every output."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, normalize, parse_html, pdf_text

from paperbuild.cli import main
from paperbuild.render.docx import active_content
from paperbuild.sanitize import clean_html

CITED = "As @knuth1984 shows.\n"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"  # noqa: E741
PANDOC_RULE = (  # a horizontal rule as pandoc's DOCX writer draws it
    '<w:p><w:r><w:pict><v:rect style="width:0;height:1.5pt" o:hralign="center" o:hrstd="t" o:hr="t" />'
    "</w:pict></w:r></w:p>"
)


def paper(tmp_path: Path, chapter: str, **more: str) -> Path:
    files = {"manuscript/01-intro.md": chapter + "\n" + CITED, "bibliography/refs.bib": MINIMAL_BIB, **more}
    return make_project(tmp_path / "paper", files)


# ------------------------------------------------------------------------------------------------ horizontal rule


def test_a_horizontal_rule_reaches_the_docx_as_a_border_without_vml(tmp_path: Path) -> None:
    root = paper(tmp_path, "# Intro\n\nAbove the rule.\n\n---\n\nBelow the rule.[^n]\n\n[^n]: A note.\n\n    ***\n")
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    with zipfile.ZipFile(root / "build/paper.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        footnotes = archive.read("word/footnotes.xml").decode("utf-8")
    rules = [xml.count('<w:pBdr><w:bottom w:val="single"') for xml in (document, footnotes)]
    assert rules == [1, 1]
    assert "w:pict" not in document + footnotes and "o:hr" not in document + footnotes
    assert document.index("Above the rule") < document.index("<w:pBdr>") < document.index("Below the rule")


def test_pandocs_vml_rule_is_still_refused_where_the_docx_did_not_redraw_it() -> None:
    xml = f'<w:document xmlns:w="{W}" xmlns:v="{V}" xmlns:o="{O}"><w:body>{PANDOC_RULE}</w:body></w:document>'
    assert active_content({"word/document.xml": xml.encode()}) == "a VML picture ('pict') in word/document.xml"


# ------------------------------------------------------------------------------------------------ code blocks

LONG_CODE = (
    "```python\n"
    "def test_expand_short_doi():\n"
    '    assert doi == "10.25313/2524-2695-2018-3-vliyanie-enhansera-copia-i-insulyatora-gypsy-na-sintez-ernk-'
    'modifikatsii-hromatina-i-svyazyvanie-insulyatornyh-belkov"\n'
    "```\n"
)


def test_a_long_code_line_wraps_inside_the_text_block(tmp_path: Path) -> None:
    root = paper(tmp_path, "# Intro\n\nA long line:\n\n" + LONG_CODE)
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    code = pdf_text(root / "build/paper.pdf").split("A long line:")[1].split("As Knuth")[0]
    assert "".join(code.split()) == (
        'deftest_expand_short_doi():assertdoi=="10.25313/2524-2695-2018-3-vliyanie-enhansera-copia-i-insulyatora-'
        'gypsy-na-sintez-ernk-modifikatsii-hromatina-i-svyazyvanie-insulyatornyh-belkov"'
    )
    assert len(code.strip().splitlines()) >= 3  # the long line is wrapped, not run off the page


def test_code_cut_off_at_the_papers_edge_is_lost_text_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    style = {"styles/house/style.yaml": "extends: default\n", "styles/house/print.css": "pre { white-space: pre; }\n"}
    root = paper(tmp_path, "# Intro\n\nA long line:\n\n" + LONG_CODE, **style)
    assert main(["pdf", "--project", str(root), "--style", "house", "--quiet"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "error[" in line]
    assert errors == [errors[0]] and errors[0].startswith("manuscript/01-intro.md:7:19: error[lost-text]: '\"', '10', ")


# ------------------------------------------------------------------------------------------------ colours


def test_a_coloured_block_keeps_its_colours_only_as_a_readable_pair(tmp_path: Path) -> None:
    chapter = (
        "# Intro\n\n"
        '::: {#kept style="background: #ad1457; color: white; margin-left: 40px;"}\nWhite on deep pink.\n:::\n\n'
        '::: {#alone style="color: white"}\nWhite alone.\n:::\n\n'
        'Raw <span id="raw" style="background: url(x.png); color: #fafafa">pale</span> and '
        '<span id="red" style="color: red">red</span>.\n'
    )
    root = paper(tmp_path, chapter)
    assert check_lines(root) == [
        "manuscript/01-intro.md:7:20: warning[dropped-style]: inline style: the text colour 'white' is dropped: its "
        "text would be hard to see or invisible (contrast 1.0:1, at least 3:1 is kept); set a text colour and its "
        "background together, with enough contrast, or neither",
        "manuscript/01-intro.md:11:27: warning[dropped-style]: inline style: 'background: url(x.png)' is dropped: "
        "the house style sets the layout; the text colour '#fafafa' is dropped: its text would be hard to see or "
        "invisible (contrast 1.0:1, at least 3:1 is kept); set a text colour and its background together, with "
        "enough contrast, or neither",
    ]
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    page = parse_html(root / "build/paper.html")
    styles = {element.get("id"): element.get("style") for element in page.iter() if element.get("id")}
    assert styles["kept"] == "background-color:#ad1457;color:white;margin-left:40px"
    assert styles["alone"] is None and styles["raw"] is None and styles["red"] == "color:red"


def test_the_sanitizer_never_leaves_a_text_colour_without_its_background() -> None:
    assert clean_html('<p style="background: url(https://e.org/t); color: white">x</p>') == "<p>x</p>"
    assert clean_html('<p style="background-color: #111; color: #222">x</p>') == "<p>x</p>"
    assert clean_html('<p style="background-color: #111; color: #eee">x</p>') == (
        '<p style="background-color:#111;color:#eee">x</p>'
    )
    assert clean_html('<p style="font-size: 0">x</p><p style="font-size: 4pt">y</p>') == "<p>x</p><p>y</p>"
    assert clean_html('<p style="font-size: 0.9em">x</p>') == '<p style="font-size:0.9em">x</p>'
    layer = '<span style="color: transparent; font-size: 0.1px">x</span>'  # a formula's text layer (formulas.py)
    assert clean_html(layer) == '<span style="color:transparent;font-size:0.1px">x</span>'


# ------------------------------------------------------------------------------------------------ wide tables


def table(digits: int) -> str:
    pi, e, more = "31415926535897932384626433832795", "27182818284590452353602874713526", "2884197169399375105820"
    return (
        "| Name | First | Second | Third | Ref. |\n|:--|--:|--:|--:|:--|\n"
        f"| pi | {pi[:digits]} | {more[: digits - 10]}{pi[:10]} | {e[:digits]} | [`piday.org`](https://e.org/p) |\n"
        f"| e | {e[:digits]} | {pi[:digits]} | {more[: digits - 10]}{e[:10]} | [`nasa.gov`](https://e.org/e) |\n\n"
        ": Digits. {#tbl:digits}\n"
    )


def test_a_wide_table_is_set_smaller_to_fit_the_text_block(tmp_path: Path) -> None:
    root = paper(tmp_path, "# Intro\n\nSee @tbl:digits.\n\n" + table(28))
    assert check_lines(root) == []
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    text = normalize(pdf_text(root / "build/paper.pdf"))
    assert "pi 3141592653589793238462643383" in text
    assert "piday.org" in "".join(text.split()) and "nasa.gov" in "".join(text.split())  # code breaks anywhere


def test_a_table_too_wide_even_in_small_type_is_reported_at_its_line(tmp_path: Path) -> None:
    root = paper(tmp_path, "# Intro\n\nSee @tbl:digits.\n\n" + table(32))
    assert check_lines(root) == [
        "manuscript/01-intro.md:5:3: warning[wide-table]: table too wide for the text block: its numbers and words "
        "need about 15.0 cm in the smallest table type (6.6 pt), the text block is 14.2 cm; split it, shorten its "
        "widest cells (numbers are never broken), or mark it {.landscape}"
    ]


# ------------------------------------------------------------------------------------------------ math glyphs


def test_a_character_the_math_font_lacks_is_a_missing_glyph_error_at_its_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chapter = "# 极限\n\n数列收敛于$a$，记为$$\\lim_{n \\rightarrow \\infty} x_{n}=a，$$有时也记为$x_n \\text{很}$。\n"
    root = paper(tmp_path, chapter)
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    assert [line for line in capsys.readouterr().err.splitlines() if "error[" in line] == [
        "manuscript/01-intro.md:3:14: error[missing-glyph]: the math font has no '，' (U+FF0C), written in the formula "
        "'\\lim_{n \\rightarrow \\infty} x_{n}=a，'; the PDF would show empty boxes; write text and punctuation "
        "outside the formula (after its closing $), or as a TeX command",
        "manuscript/01-intro.md:3:58: error[missing-glyph]: the math font has no '很' (U+5F88), written in the formula "
        "'x_n \\text{很}'; the PDF would show empty boxes; write text and punctuation outside the formula (after its "
        "closing $), or as a TeX command",
    ]
    assert not (root / "build/paper.pdf").exists()


# ------------------------------------------------------------------------------------------------ wide formulas


def test_a_display_formula_is_shrunk_to_70_percent_at_most_then_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def terms(count: int) -> str:
        return "$$y = " + "+".join(f"x_{{{i}}}" for i in range(count)) + "$$\n\n"

    root = paper(
        tmp_path / "margin", "# Intro\n\nShrunk a little:\n\n" + terms(18) + "Into the margin:\n\n" + terms(25)
    )
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "[wide-formula]" in line] == [
        "manuscript/01-intro.md:9:3: warning[wide-formula]: the formula is 1.6 times as wide as the text block: set at "
        "70% of its size, the least the PDF shrinks it to, it runs into the margin; break it over lines "
        "(\\begin{aligned} ... \\\\ ... \\end{aligned}) or shorten it"
    ]
    root = paper(tmp_path / "off", "# Intro\n\nOff the page:\n\n" + terms(40))
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    assert [line for line in capsys.readouterr().err.splitlines() if "[wide-formula]" in line] == [
        "manuscript/01-intro.md:5:3: error[wide-formula]: the formula is 2.6 times as wide as the text block: set at "
        "70% of its size, the least the PDF shrinks it to, it runs off the page, cut off; break it over lines "
        "(\\begin{aligned} ... \\\\ ... \\end{aligned}) or shorten it"
    ]


# ------------------------------------------------------------------------------------------------ byline

AUTHORS = """title: A Small Paper
authors:
  - name: Maximiliane Theodora Wolkenstein Hohenberg-Sigmaringen Ludovica
    orcid: 0000-0002-1825-0097
  - name: Bartholomew Konstantin Featherstonehaugh
    orcid: 0000-0001-5109-3700
"""


def test_an_orcid_label_and_its_id_stay_on_one_line(tmp_path: Path) -> None:
    root = paper(tmp_path, "# Intro\n\nText.\n", **{"manuscript/metadata.yaml": AUTHORS})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    byline = pdf_text(root / "build/paper.pdf").split("A Small Paper")[1].split("1. Intro")[0]
    ids = ["0000-0002-1825-0097", "0000-0001-5109-3700"]
    assert all(any(f"ORCID {orcid}" in line for line in byline.splitlines()) for orcid in ids), byline
