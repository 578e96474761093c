"""Issue #17 read as a reader checks it, where the earlier tests left a gap: a paragraph written right to left in
a left-to-right paper (and the other way round) is set in its own direction in the HTML, the PDF and the DOCX; the
scripts are shaped in the PDF; a figure's resolution is judged at the width it prints at in a two-column style;
headings and figures keep with what follows them at a page foot."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, parse_html, png
from test_figures import build, docx_pictures, html_images, pdf_drawn_widths
from test_figures import project as figures_project
from test_html_valid import vnu_errors

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # builds run pandoc and WeasyPrint

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_RIGHT_EDGE = (210 - 34) / 25.4 * 72
"""The right edge of the default style's text block in points: A4 less its 34 mm right margin."""

# ------------------------------------------------------------------------------------------ right to left

ARABIC = "العلم نور والجهل ظلام. هذه فقرة عربية كاملة."
HEBREW = "הספר מונח על השולחן. זוהי פסקה בעברית."
HINDI = "क्षत्रिय और द्वार में संयुक्ताक्षर हैं।"
ENGLISH = "An English paragraph ends the chapter."
QUOTED = "قال: العلم نور."
LISTED = "بند أول."
NUMBERED = "الخطوة الأولى."
RTL_CHAPTER = (
    f"# Quotations\n\nText [@knuth1984; @khwarizmi].\n\n{ARABIC}\n\n{HEBREW}\n\n{HINDI}\n\n> {QUOTED}\n\n"
    f"- {LISTED}\n- An English item.\n\n1. {NUMBERED}\n2. الخطوة الثانية.\n\n{ENGLISH}\n"
)
ARABIC_ENTRY = (
    "@book{khwarizmi,\n  author = {الخوارزمي, محمد},\n  title = {كتاب الجبر},\n  publisher = {دار الحكمة},\n"
    "  year = {1831},\n}\n"
)
"""A reference entry that starts right to left: the author's name."""


@pytest.fixture(scope="module")
def rtl_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(
        tmp_path_factory.mktemp("rtl"),
        {"manuscript/01-a.md": RTL_CHAPTER, "bibliography/refs.bib": MINIMAL_BIB + ARABIC_ENTRY},
    )
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def directions(page: Path, texts: list[str]) -> list[str]:
    """For each of `texts`: the `dir` of the innermost element of the HTML page whose text starts with it, or of
    its nearest ancestor that has one ("" if none)."""
    root = parse_html(page)
    parents = {child: parent for parent in root.iter() for child in parent}
    found: list[str] = []
    for wanted in texts:
        element: ET.Element | None = [e for e in root.iter() if "".join(e.itertext()).strip().startswith(wanted)][-1]
        direction = ""
        while element is not None and not direction:
            direction, element = element.get("dir", ""), parents.get(element)
        found.append(direction)
    return found


def test_a_right_to_left_paragraph_is_marked_so_in_the_html(rtl_build: Path) -> None:
    texts = [ARABIC, HEBREW, QUOTED, LISTED, NUMBERED, "الخوارزمي", ENGLISH, "An English item.", "Knuth"]
    assert directions(rtl_build / "paper.html", texts) == ["rtl"] * 6 + [""] * 3
    page = parse_html(rtl_build / "paper.html")
    assert [div.get("dir") for div in page.iter("div") if div.find("ol") is not None] == ["rtl"], "its numbers too"
    assert vnu_errors(rtl_build / "paper.html") == []
    assert re.search(r"<html lang=\"en\">", (rtl_build / "paper.html").read_text(encoding="utf-8"))


def words_on_page_one(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(yMin, xMin, xMax, text) of each word pdftotext finds on the first page; a right-to-left word's letters come
    in the order they are drawn, left to right."""
    layout = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(y), float(x0), float(x1), word)
        for x0, y, x1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', layout
        )
    ]


@pytest.mark.parametrize("sentence", [ARABIC, HEBREW], ids=["arabic", "hebrew"])
def test_a_right_to_left_paragraph_starts_at_the_right_edge_and_ends_with_its_full_stop_at_the_left(
    rtl_build: Path, sentence: str
) -> None:
    words = words_on_page_one(rtl_build / "paper.pdf")
    first, last = sentence.split()[0], sentence.split()[-1].rstrip(".")
    line = next(y for y, _, _, word in words if word.strip(".") == first[::-1])  # the paragraph, then the quote
    drawn = sorted((x0, x1, word) for y, x0, x1, word in words if abs(y - line) < 4)  # a dot's box sits lower
    assert drawn[-1][2] == first[::-1], "the first word is the rightmost"
    assert drawn[-1][1] == pytest.approx(TEXT_RIGHT_EDGE, abs=0.5), "it starts at the text block's right edge"
    assert drawn[0][2] == "." + last[::-1], "the full stop ends the paragraph at its left end"


def glyphs_by_text(pdf: Path) -> dict[str, dict[str, set[int]]]:
    """For each font of the PDF (its name without the subset tag): the text each of its glyphs stands for (from
    the font's ToUnicode map) -> the glyph ids drawn for it. A shaped script shows in it: several glyphs for one
    Arabic letter (its initial, medial, final forms), one glyph for a Devanagari conjunct of several letters."""
    import pypdf

    found: dict[str, dict[str, set[int]]] = {}
    for page in pypdf.PdfReader(pdf).pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            glyphs = found.setdefault(str(font["/BaseFont"]).split("+")[-1], {})
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
                for glyph, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    glyphs.setdefault(bytes.fromhex(text).decode("utf-16-be"), set()).add(int(glyph, 16))
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
                for first, last, text in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
                    for glyph in range(int(first, 16), int(last, 16) + 1):
                        code = int(text, 16) + glyph - int(first, 16)
                        glyphs.setdefault(chr(code), set()).add(glyph)
    return found


def test_arabic_letters_are_joined_and_devanagari_conjuncts_formed_in_the_pdf(rtl_build: Path) -> None:
    fonts = glyphs_by_text(rtl_build / "paper.pdf")
    arabic, devanagari = fonts["Noto-Naskh-Arabic"], fonts["Noto-Serif-Devanagari"]
    assert len(arabic["ل"]) >= 2 and len(arabic["ع"]) >= 2, "lam and ain in their joined forms"
    assert {"क्ष", "द्व"} <= set(devanagari), "क्ष and द्व each drawn as one glyph"


def test_a_right_to_left_paragraph_is_a_bidi_paragraph_of_right_to_left_runs_in_the_docx(rtl_build: Path) -> None:
    import docx

    paragraphs = {p.text: p._p for p in docx.Document(str(rtl_build / "paper.docx")).paragraphs}
    entry = next(text for text in paragraphs if text.startswith("الخوارزمي"))
    styles = {ARABIC: "BodyText", HEBREW: "BodyText", QUOTED: "BlockText", NUMBERED: "Compact", entry: "Bibliography"}
    for sentence, style in {**styles, LISTED: "Compact"}.items():
        paragraph = paragraphs[sentence]
        bidi = paragraph.find(f"{W}pPr/{W}bidi") is not None
        assert bidi == (sentence != LISTED), f"{sentence}: an item of a list of both directions keeps the list's"
        runs = paragraph.findall(f".//{W}r")
        assert runs and all(run.find(f"{W}rPr/{W}rtl") is not None for run in runs), sentence
        assert paragraph.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == style, "pandoc's style, kept"
    for english in (paragraphs[ENGLISH], paragraphs["An English item."]):
        assert english.find(f"{W}pPr/{W}bidi") is None and english.find(f".//{W}rtl") is None


def test_an_arabic_paper_is_right_to_left_and_its_english_paragraph_left_to_right(tmp_path: Path) -> None:
    meta = "title: العلم نور\nlang: ar\nauthors:\n  - name: Ada Lovelace\n"
    chapter = f"# مقدمة\n\n{ARABIC} [@knuth1984]\n\n{ENGLISH}\n\n| السنة | النمو |\n|---|---|\n| 2020 | 2.3 |\n"
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB}
    root = make_project(tmp_path, files)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    page = root / "build" / "paper.html"
    assert '<html lang="ar" dir="rtl">' in page.read_text(encoding="utf-8")
    assert directions(page, [ENGLISH]) == ["ltr"]
    with zipfile.ZipFile(root / "build" / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p>.*?</w:p>", xml, re.DOTALL)
    [arabic] = [p for p in paragraphs if "والجهل" in p]
    [english] = [p for p in paragraphs if ENGLISH in p]
    assert "<w:bidi />" in arabic and "<w:rtl />" in arabic
    assert "<w:bidi />" not in english and "<w:rtl />" not in english
    [table] = re.findall(r"<w:tblPr>.*?</w:tblPr>", xml, re.DOTALL)
    assert re.match(r'<w:tblPr><w:tblStyle w:val="Table" /><w:bidiVisual/>', table), "its columns from the right"


def test_an_arabic_papers_table_and_caption_are_set_from_the_right(tmp_path: Path) -> None:
    meta = "title: العلم نور\nlang: ar\nauthors:\n  - name: Ada Lovelace\n"
    chapter = (
        "# مقدمة\n\nانظر @tbl:t والمرجع [@knuth1984].\n\n| السنة | النمو في المدينة |\n|---|---|\n"  # noqa: RUF001
        "| الأولى | قليل |\n| الثانية | كثير جدا |\n\n: جدول النمو حسب السنة. {#tbl:t}\n"
    )
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB}
    root = make_project(tmp_path, files)
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    right = {word: x1 for _, _, x1, word in words_on_page_one(root / "build" / "paper.pdf")}
    # pdftotext gives a right-to-left word's letters as drawn, left to right
    first_column, second_column = ("الأولى", "الثانية"), ("قليل", "كثير")
    for column in (first_column, second_column):
        assert right[column[0][::-1]] == pytest.approx(right[column[1][::-1]], abs=0.5), "a column's cells end alike"
    assert right["ةنسلا"] > right[first_column[0][::-1]] > right["ومنلا"], "the first column is the rightmost"
    caption_end = max(x1 for word, x1 in right.items() if word.strip(".") in ("لودج", "1", "Table"))
    assert caption_end > right[first_column[0][::-1]], "the caption starts at the table's right edge"


# ------------------------------------------------------------------------------------------ figures


def test_in_two_columns_resolution_is_judged_at_the_width_a_column_prints_at(tmp_path: Path) -> None:
    # a column is 3.53 in wide in the PDF and the DOCX: 1890 pixels are 536 ppi there, not 261 ppi across the
    # page's 7.25 in of text, which only a wide figure spans
    chapter = (
        "# Intro\n\n![Column.](figures/sharp.png)\n\n![Coarse.](figures/coarse.png)\n\n"
        "![Drawn.](figures/drawn.svg)\n\n![Half.](figures/half.png){width=50%}\n\n"
        "![Across the page.](figures/sharp.png){.wide}\n"
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    figures = {"sharp.png": png(1890, 2), "coarse.png": png(700, 2), "half.png": png(530, 2)}
    root = figures_project(tmp_path, chapter, figures, "two-column")
    (root / "manuscript" / "figures" / "drawn.svg").write_text(svg, encoding="utf-8")
    assert [line for line in check_lines(root) if "low-resolution" in line] == [
        "manuscript/01-intro.md:5:12: warning[low-resolution]: figure 'figures/coarse.png' prints at 198 ppi (700 "
        "pixels across 3.52 in); 300 ppi needs 1058 pixels; export it at least 1058 pixels wide, or as SVG or PDF",
        "manuscript/01-intro.md:11:21: warning[low-resolution]: figure 'figures/sharp.png' prints at 260 ppi (1890 "
        "pixels across 7.25 in); 300 ppi needs 2175 pixels; export it at least 2175 pixels wide, or as SVG or PDF",
    ]


@pytest.mark.parametrize(("style", "full"), [("manuscript", (210 - 2 * 25.4) / 25.4 * 72), ("two-column", 253.8)])
def test_figures_are_as_wide_as_the_text_or_their_column_in_the_manuscript_and_two_column_styles(
    tmp_path: Path, style: str, full: float
) -> None:
    chapter = "# Intro\n\n![Full.](figures/a.png)\n\n![Half.](figures/b.png){width=50%}\n"
    root = figures_project(tmp_path, chapter, {"a.png": png(360, 400), "b.png": png(361, 200)}, style)
    assert build(root).ok
    assert [style for _, _, style in html_images(root)] == ["width:100.0%", "width:50.0%"]
    assert pdf_drawn_widths(root) == [pytest.approx(w, abs=0.5) for w in (full, full / 2)]
    docx_full = 453.1 if style == "manuscript" else full  # the DOCX's text block, or its column (7.05 in / 2)
    assert [w for w, _, _ in docx_pictures(root)] == [pytest.approx(w, abs=1) for w in (docx_full, docx_full / 2)]


# ------------------------------------------------------------------------------------------ keeps at a page foot

FILLER = "the tide rises over the harbour wall while ships wait for the morning light and cargo moves"


def filler(words: int, seed: int) -> str:
    """A sentence of `words` words of FILLER, the same for the same seed."""
    vocabulary = FILLER.split()
    return " ".join(vocabulary[(seed * 7 + i * 3) % len(vocabulary)] for i in range(words)).capitalize() + "."


@pytest.fixture(scope="module")
def keeps_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A paper of 30 sections, each a heading, a paragraph, a figure with a caption of three lines and a
    paragraph, their lengths varied so that headings and figures fall at every height of a page, the foot
    included (about 14 pages; with `break-after: auto` on headings, or `break-inside: auto` on figures, one of
    them parts from what follows it)."""
    sections = []
    for i in range(30):
        caption = f"Caption of figure {i:02d}. {filler(30, i)}"
        sections.append(
            f"# Heading {i:02d}\n\n{filler(20 + (i * 37) % 120, i)}\n\n"
            f"![{caption}](figures/f.png)\n\n{filler(10 + (i * 23) % 70, i + 1)}\n"
        )
    meta = "title: Keeps\nauthors:\n  - name: Ada Lovelace\n"
    root = make_project(
        tmp_path_factory.mktemp("keeps"), {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": "\n".join(sections)}
    )
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "f.png").write_bytes(png(1890, 600))
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    return root / "build" / "paper.pdf"


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's lines of text, the running head and the page number left out."""
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [
        [line.strip() for line in page.splitlines() if line.strip() and not re.fullmatch(r"\d+|Keeps", line.strip())]
        for page in pages.stdout.split("\f")
        if page.strip()
    ]


def test_a_heading_never_ends_a_page(keeps_pdf: Path) -> None:
    pages = page_lines(keeps_pdf)
    assert len(pages) >= 8
    heading = re.compile(r"\d+\. Heading \d\d")
    assert [n for n, lines in enumerate(pages[:-1], 1) if heading.fullmatch(lines[-1])] == []
    assert sum(heading.fullmatch(line) is not None for lines in pages for line in lines) == 30


def test_a_figure_is_on_the_page_of_its_caption(keeps_pdf: Path) -> None:
    listing = subprocess.run(["pdfimages", "-list", str(keeps_pdf)], capture_output=True, text=True, check=True)
    image_pages = sorted(int(line.split()[0]) for line in listing.stdout.splitlines()[2:])
    caption_pages = sorted(
        n for n, lines in enumerate(page_lines(keeps_pdf), 1) for line in lines if re.match(r"Figure \d+\. ", line)
    )
    assert len(caption_pages) == 30 and image_pages == caption_pages


def test_a_full_line_of_the_default_style_holds_65_to_80_characters(keeps_pdf: Path) -> None:
    # lines over 40 characters: the paragraphs' lines without their short last lines (and a few captions' lines)
    text = subprocess.run(["pdftotext", str(keeps_pdf), "-"], capture_output=True, text=True, check=True).stdout
    lengths = sorted(len(line) for line in text.splitlines() if len(line) > 40)
    assert len(lengths) > 200
    assert 65 <= lengths[len(lengths) // 2] <= 80


# ------------------------------------------------------------------------------------------ DOCX


def test_docx_bold_and_italic_styles_are_bold_and_italic_in_every_script(tmp_path: Path) -> None:
    # Word and LibreOffice set Arabic, Hebrew, Devanagari and Thai with the complex-script properties (w:bCs, w:iCs):
    # a heading that is only w:b printed them in the regular weight (the title, headings, captions and affiliations
    # of the reference documents; pandoc's own styles for code and footnote quotes are left as pandoc makes them)
    from test_docx_style import converted_by_libreoffice

    chapter = "# Scripts\n\nText [@knuth1984].\n\n# العلم نور\n\nText.\n\n# हिन्दी भाषा\n\nText.\n"
    meta = "title: Quoting ภาษาไทย\nauthors:\n  - name: Ada Lovelace\n"
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB}
    root = make_project(tmp_path, files)
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    with zipfile.ZipFile(root / "build" / "paper.docx") as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    styled = re.findall(r'<w:style [^>]*w:styleId="([^"]+)".*?(<w:rPr>.*?</w:rPr>)', styles, re.DOTALL)
    checked = [(name, rpr) for name, rpr in styled if name.startswith(("Title", "Subtitle", "Heading", "Abstract"))]
    assert len(checked) >= 20  # paragraph styles and their linked character styles
    for style_id, properties in [*checked, *(s for s in styled if s[0] in ("Affiliation", "Caption"))]:
        for latin, complex_script in (("b", "bCs"), ("i", "iCs")):
            turned = re.search(rf'<w:{latin}( w:val="\w+")?\s*/>', properties)
            if turned:
                assert re.search(rf"<w:{complex_script}{turned.group(1) or ''}\s*/>", properties), style_id
    listing = subprocess.run(
        ["pdffonts", str(converted_by_libreoffice(root / "build" / "paper.docx", tmp_path / "lo"))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    faces = [line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]]
    for script in ("Devanagari", "Thai"):
        assert [face for face in faces if script in face and "Bold" in face], f"{script}: {faces}"
