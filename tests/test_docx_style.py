"""The DOCX house style: the reference document's styles reach the real paper, and LibreOffice opens and converts it.

Reads the session's build of the real paper (conftest's `paper_build`) with python-docx: the styles of
`styles/default/reference.docx` (made by `tools/make_reference_docx.py`) are in the document, the paragraphs use
them, and the page is A4 with a page number in the footer. Then converts the DOCX to PDF with LibreOffice and reads
that PDF as a reader would. LibreOffice is required, not optional: CI installs it (apt packages
`libreoffice-writer-nogui`, which brings `libreoffice-core-nogui`, and `poppler-utils` for pdftotext), and a missing
`soffice` fails these tests with a message saying so rather than skipping them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from conftest import MINIMAL_BIB, make_project, normalize, pdf_text
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from test_paper_outputs import AFFILIATION, AUTHOR, REFERENCES, TITLE, missing_sentences, read_seed

from paperbuild.cli import main

pytestmark = pytest.mark.slow  # reads the session's build of the whole paper

SERIF = "Times New Roman"  # the manuscript convention, in every Word (the PDF's Noto Serif is in none)
SERIF_CJK = "SimSun"
MARGIN = Cm(2.5)
TOLERANCE = Mm(0.1)
STYLE_NAMES = (
    "Normal",
    "Title",
    "Subtitle",
    "Author",
    "Affiliation",
    "Abstract",
    "Keywords",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Body Text",
    "First Paragraph",
    "Caption",
    "Image Caption",
    "Table Caption",
    "Bibliography",
    "Footer",
)
SOFFICE_TIMEOUT = 120  # seconds


# ------------------------------------------------------------------------------------------------ python-docx


@pytest.fixture(scope="module")
def document(paper_build: Path) -> Any:
    return docx.Document(str(paper_build / "paper.docx"))


def style_named(document: Any, name: str) -> Any:
    """The style Word shows as `name` ("Caption" is spelt in pandoc's reference document as python-docx does not
    expect, so `styles[name]` would look it up by id and warn)."""
    found = [s for s in document.styles if s.name == name]
    assert found, f"the DOCX has no style {name!r}"
    return found[0]


def resolved(style: BaseStyle, get: Callable[[Any], Any]) -> Any:
    """A property of a style as Word resolves it: its own value, else the one of the style it is based on."""
    current: Any = style
    while current is not None:
        value = get(current)
        if value is not None:
            return value
        current = current.base_style
    return None


def paragraphs_in(document: Any, style: str) -> list[str]:
    return [normalize(p.text) for p in document.paragraphs if p.style.name == style]


def close(actual: Length | None, expected: Length) -> bool:
    """Equal to a tenth of a millimetre (Word stores lengths in twentieths of a point)."""
    return actual is not None and abs(actual - expected) <= TOLERANCE


def test_the_manuscript_styles_are_defined(document: Any) -> None:
    names = {s.name for s in document.styles}
    missing = [name for name in STYLE_NAMES if name not in names]
    assert not missing, f"styles missing from the DOCX: {missing}"
    # pandoc makes up a style a custom-style div names but the reference document lacks: plain Body Text
    made_up = [n for n in ("Affiliation", "Keywords") if style_named(document, n).font.size is None]
    assert not made_up, f"styles pandoc made up instead of taking them from the reference document: {made_up}"


def test_the_paragraphs_use_them(document: Any) -> None:
    seed = read_seed()
    assert paragraphs_in(document, "Title") == [TITLE]
    assert paragraphs_in(document, "Author") == [AUTHOR]
    assert paragraphs_in(document, "Affiliation") == [AFFILIATION]
    assert paragraphs_in(document, "Abstract") == [f"Abstract: {seed.abstract}"]
    assert paragraphs_in(document, "Keywords") == ["Keywords: " + "; ".join(seed.keywords)]
    assert paragraphs_in(document, "Heading 1") == [*seed.sections, "Acknowledgements", "References"]
    assert paragraphs_in(document, "Heading 2") == [
        h for h in seed.headings if h not in (*seed.sections, "Acknowledgements")
    ]
    assert paragraphs_in(document, "Bibliography") == list(REFERENCES)
    body = paragraphs_in(document, "First Paragraph") + paragraphs_in(document, "Body Text")
    assert len(body) == len(seed.paragraphs), "body paragraphs in other styles than First Paragraph and Body Text"


def test_fonts_are_times_new_roman(document: Any) -> None:
    title = style_named(document, "Title")
    assert title.font.name == SERIF
    assert title.font.bold is True
    assert title.font.size == Pt(16)
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        style = style_named(document, name)
        assert style.font.name == SERIF, f"{name} is set in {style.font.name!r}"
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == SERIF_CJK, f"{name}'s East Asian font"
        assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], f"{name} has theme fonts"
    for name in ("Body Text", "First Paragraph", "Bibliography", "Abstract", "Affiliation", "Keywords", "Caption"):
        assert resolved(style_named(document, name), lambda s: s.font.name) == SERIF, name


def test_headings_are_black_bold_and_kept_with_the_next_paragraph(document: Any) -> None:
    expected = {"Heading 1": (14, True, None), "Heading 2": (12, True, None), "Heading 3": (12, True, True)}
    for name, (size, bold, italic) in expected.items():
        style = style_named(document, name)
        assert (style.font.size, style.font.bold, style.font.italic) == (Pt(size), bold, italic), name
        assert style.font.color.rgb == RGBColor(0, 0, 0) and style.font.color.theme_color is None, f"{name} colour"
        assert style.paragraph_format.keep_with_next is True, name
    for level in range(4, 10):  # the lower levels are black too
        color = style_named(document, f"Heading {level}").font.color
        assert color.theme_color is None and color.rgb in (None, RGBColor(0, 0, 0)), f"Heading {level} colour"


def test_body_and_front_matter_sizes(document: Any) -> None:
    def size(name: str) -> Any:
        return resolved(style_named(document, name), lambda s: s.font.size)

    def line_spacing(name: str) -> Any:
        return resolved(style_named(document, name), lambda s: s.paragraph_format.line_spacing)

    assert (size("Body Text"), line_spacing("Body Text")) == (Pt(12), 1.5)
    assert (size("First Paragraph"), line_spacing("First Paragraph")) == (Pt(12), 1.5)
    affiliation = style_named(document, "Affiliation")
    assert (size("Affiliation"), affiliation.font.italic) == (Pt(11), True)
    assert affiliation.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (
        resolved(style_named(document, "Author"), lambda s: s.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    )
    abstract = style_named(document, "Abstract").paragraph_format
    assert size("Abstract") == Pt(11) and abstract.left_indent > 0 and abstract.right_indent > 0
    for name in ("Keywords", "Caption", "Image Caption", "Table Caption", "Bibliography"):
        assert size(name) == Pt(11), name
    for name in ("Image Caption", "Table Caption"):
        assert style_named(document, name).base_style.name == "Caption", f"{name} does not look like Caption"


def test_references_have_a_hanging_indent(document: Any) -> None:
    bibliography = style_named(document, "Bibliography").paragraph_format
    assert bibliography.first_line_indent is not None and bibliography.first_line_indent < 0
    assert bibliography.left_indent == -bibliography.first_line_indent


def test_page_is_a4_with_margins_and_a_numbered_footer(document: Any) -> None:
    assert len(document.sections) == 1
    section = document.sections[0]
    assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297)), "not A4"
    margins = {side: getattr(section, f"{side}_margin") for side in ("top", "bottom", "left", "right")}
    assert all(close(m, MARGIN) for m in margins.values()), f"margins (cm): { {k: m.cm for k, m in margins.items()} }"
    footer = section.footer
    assert not footer.is_linked_to_previous, "the section has no footer of its own"
    element = footer.part.element
    fields = element.xpath(".//w:instrText/text()") + element.xpath(".//w:fldSimple/@w:instr")
    assert any(f.split()[:1] == ["PAGE"] for f in fields), f"no PAGE field in the footer; fields: {fields}"
    assert [p.style.name for p in footer.paragraphs] == ["Footer"]


# ------------------------------------------------------------------------------------------------- LibreOffice


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(
            "LibreOffice is not installed (no soffice on PATH): the DOCX must open and convert in it. Install it with "
            "`apt-get install -y --no-install-recommends libreoffice-writer-nogui`."
        )
    return found


def convert_to_pdf(source: Path, workdir: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`soffice --headless --convert-to pdf` in a fresh profile (which keeps concurrent runs apart); the run and the
    PDF path. The DOCX names Times New Roman, which LibreOffice draws as Liberation Serif (fonts-liberation)."""
    outdir = workdir / "pdf"
    command = [
        soffice(),
        f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        str(source),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the whole group it leads
        process.communicate()
        pytest.fail(f"LibreOffice did not convert {source.name} within {SOFFICE_TIMEOUT} s")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), outdir / f"{source.stem}.pdf"


def converted_by_libreoffice(source: Path, outdir: Path) -> Path:
    """The PDF LibreOffice makes of `source`, failing the test when it reports an error or writes none."""
    run, pdf = convert_to_pdf(source, outdir)
    output = f"stdout: {run.stdout.strip()!r}; stderr: {run.stderr.strip()!r}"
    assert run.returncode == 0, f"soffice exited with {run.returncode}; {output}"
    assert pdf.is_file(), f"soffice wrote no PDF; {output}"
    assert "Error" not in run.stdout + run.stderr, output
    return pdf


@pytest.fixture(scope="module")
def libreoffice_pdf(paper_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return converted_by_libreoffice(paper_build / "paper.docx", tmp_path_factory.mktemp("libreoffice"))


@pytest.fixture(scope="module")
def libreoffice_pages(libreoffice_pdf: Path) -> list[str]:
    pages = pdf_text(libreoffice_pdf).split("\f")
    return [page for page in pages if page.strip()]


def test_libreoffice_converts_the_docx(libreoffice_pdf: Path, libreoffice_pages: list[str]) -> None:
    text = normalize("\n".join(libreoffice_pages))
    for expected in (TITLE, AUTHOR, AFFILIATION, "Abstract:", "Keywords:", "1. Introduction", "Acknowledgements"):
        assert expected in text, f"the LibreOffice PDF lacks {expected!r}"
    references = text[text.rindex("References") :]
    missing = [entry for entry in REFERENCES if entry not in references]
    assert not missing, f"references missing after the 'References' heading: {missing}"
    assert text.index(TITLE) < text.index("1. Introduction") < text.index("References")


def test_libreoffice_pdf_is_a4_set_in_liberation_serif_with_page_numbers(
    libreoffice_pdf: Path, libreoffice_pages: list[str]
) -> None:
    reader = pypdf.PdfReader(libreoffice_pdf)
    assert len(reader.pages) == len(libreoffice_pages) > 1
    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1, f"page {number} is {width}x{height} pt, not A4"
    feet = [page.rstrip().splitlines()[-1].strip() for page in libreoffice_pages]
    assert feet == [str(n) for n in range(1, len(feet) + 1)], f"last line of each page: {feet}"
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"].get_object().get("/Font", {}).values()
    }
    # Liberation Serif: LibreOffice's metric-compatible stand-in for Times New Roman (fonts-liberation)
    assert {"LiberationSerif", "LiberationSerif-Bold"} <= fonts, f"fonts of the LibreOffice PDF: {sorted(fonts)}"


def test_libreoffice_pdf_has_every_seed_sentence(libreoffice_pages: list[str]) -> None:
    flow = normalize("\n".join(page.rstrip().rsplit("\n", 1)[0] for page in libreoffice_pages))  # page numbers off
    missing = missing_sentences(flow, hyphens_may_vanish=True)
    assert not missing, f"{len(missing)} seed sentence(s) missing from the LibreOffice PDF; the first: {missing[0]!r}"


def test_the_date_is_printed_in_the_docx(tmp_path: Path) -> None:
    meta = "title: Dated\ndate: 2024-05-01\n"
    root = make_project(
        tmp_path,
        {
            "manuscript/metadata.yaml": meta,
            "manuscript/01-a.md": "# A\n\n[@knuth1984]\n",
            "bibliography/refs.bib": MINIMAL_BIB,
        },
    )
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(root / "build/paper.docx")).paragraphs]
    assert ("Date", "2024-05-01") in paragraphs


def test_docx_dates_are_the_build_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandoc's sandbox dates a DOCX 1970-01-01 whatever SOURCE_DATE_EPOCH says; Word shows these dates."""
    root = make_project(tmp_path, {"manuscript/01-a.md": "# A\n\nText.\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    properties = docx.Document(str(root / "build" / "paper.docx")).core_properties
    epoch = datetime.fromtimestamp(1700000000, UTC)
    assert properties.created == properties.modified == epoch
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = datetime.now(UTC).replace(microsecond=0)
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    properties = docx.Document(str(root / "build" / "paper.docx")).core_properties
    assert before <= properties.created == properties.modified <= datetime.now(UTC)
