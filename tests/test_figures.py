"""Figures as authors bring them (issues #16 and #17): PDF and EPS figures converted to SVG, PostScript kept from
files, a raster figure too coarse for print warned about, and every figure as wide in each style and each output.

Each test builds a tiny project with a real figure (a PDF made by WeasyPrint, an EPS of a few PostScript lines, a
PNG of a known number of pixels) and reads back what a reader gets: the image in the HTML and its CSS width, the
DOCX's picture and its `wp:extent`, and the width the PDF draws it at, from the page's content stream.
"""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import make_project, parse_html, png

from paperbuild import figure_formats
from paperbuild.diagnostics import Diagnostic
from paperbuild.output import FIGURES_FOLDER, clean
from paperbuild.pipeline import BuildResult, Options, run_build, run_check

pytestmark = pytest.mark.slow  # builds run pandoc, WeasyPrint and the converters

BLUE = (0.2, 0.4, 0.6)
BLUE_IN_SVG = re.compile(rb"fill:rgb\((?:19\.9\d*|20)%,(?:39\.9\d*|40)%,(?:59\.9\d*|60)%\)")
"""The colour the test figures are filled with, so the PDF's drawing of them can be told from rules and text."""
TEXT_WIDTH_PT = {"default": 210 / 25.4 * 72 - 2 * 34 / 25.4 * 72, "review": 210 / 25.4 * 72 - 2 * 22 / 25.4 * 72}
"""The PDF's text block: A4 less the side margins of styles/default (34 mm) and styles/review (22 mm)."""
DOCX_TEXT_WIDTH_PT = (11906 - 2 * 1417) / 20
"""The DOCX's text block: the reference documents' A4 page less their side margins (twips)."""
EPS = f"""%!PS-Adobe-3.0 EPSF-3.0
%%BoundingBox: 0 0 144 72
{BLUE[0]} {BLUE[1]} {BLUE[2]} setrgbcolor
0 0 144 72 rectfill
%%EOF
"""
"""A 2 x 1 inch EPS figure, filled blue: at its own size it would print 144pt wide."""


def figure_pdf(pages: int = 1) -> bytes:
    """A PDF figure of `pages` pages, 2 x 1 inches, each filled blue."""
    import weasyprint

    red, green, blue = (round(c * 255) for c in BLUE)
    page = f"<div style='height: 1in; background: rgb({red},{green},{blue})'></div>"
    style = "<style>@page { size: 2in 1in; margin: 0 } body { margin: 0 }</style>"
    html = style + "<div style='break-after: page'></div>".join([page] * pages)
    return bytes(weasyprint.HTML(string=html).write_pdf())


def project(tmp_path: Path, chapter: str, figures: dict[str, bytes], style: str = "default") -> Path:
    """A project of one chapter and the given figures (names under manuscript/figures/)."""
    meta = f"title: Figures\nauthors:\n  - name: Ada Lovelace\nstyle: {style}\n"
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-intro.md": chapter})
    (root / "manuscript" / "figures").mkdir()
    for name, data in figures.items():
        (root / "manuscript" / "figures" / name).write_bytes(data)
    return root


def build(root: Path) -> BuildResult:
    return run_build(root, ("html", "pdf", "docx"), Options())


def formatted(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.format() for d in sorted(diagnostics)]


# ------------------------------------------------------------------------------------------ reading the outputs


def html_images(root: Path) -> list[tuple[str, bytes, str]]:
    """(media type, decoded bytes, style attribute) of each figure image of the HTML page."""
    images = []
    for figure in parse_html(root / "build" / "paper.html").iter("figure"):
        for img in figure.iter("img"):
            header, _, payload = img.get("src", "").partition(",")
            images.append(
                (header.removeprefix("data:").removesuffix(";base64"), base64.b64decode(payload), img.get("style", ""))
            )
    return images


def docx_pictures(root: Path) -> list[tuple[float, bool, bool]]:
    """(width in points, whether it carries an SVG, whether a PNG) of each picture of the DOCX, in order."""
    with zipfile.ZipFile(root / "build" / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    pictures = []
    for drawing in re.findall(r"<w:drawing>.*?</w:drawing>", xml, re.DOTALL):
        extent = re.search(r'<wp:extent cx="(\d+)"', drawing)
        assert extent is not None
        pictures.append((int(extent.group(1)) / 12700, "svgBlip" in drawing, '<a:blip r:embed="' in drawing))
    return pictures


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f] (a applied first)."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def pdf_drawn_widths(root: Path) -> list[float]:
    """How wide, in points, the PDF draws each blue shape and each raster image, page by page: the x-extent of the
    points of the paths filled blue and of the unit square of each image, through the current matrix."""
    widths = []
    for page in pypdf.PdfReader(root / "build" / "paper.pdf").pages:
        contents = page.get_contents()
        widths += _page_widths(page, contents.operations if contents is not None else [], [1, 0, 0, 1, 0, 0])
    return widths


def _page_widths(page: pypdf.PageObject, operations: list[tuple[list[object], bytes]], ctm: list[float]) -> list[float]:
    widths: list[float] = []
    stack: list[list[float]] = []
    path: list[float] = []
    blue = False
    xobjects = page["/Resources"].get("/XObject", {})
    for operands, operator in operations:
        numbers = [float(o) for o in operands if isinstance(o, int | float | pypdf.generic.FloatObject)]
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(numbers, ctm)
        elif operator in (b"rg", b"sc", b"scn") and len(numbers) == 3:
            blue = all(abs(n - c) < 0.01 for n, c in zip(numbers, BLUE, strict=True))
        elif operator in (b"m", b"l", b"c", b"re"):
            points = (
                [(numbers[0], numbers[1]), (numbers[0] + numbers[2], numbers[1])]
                if operator == b"re"
                else (list(zip(numbers[::2], numbers[1::2], strict=True)))
            )
            path += [x * ctm[0] + y * ctm[2] + ctm[4] for x, y in points]
        elif operator in (b"f", b"F", b"f*", b"B", b"b", b"n", b"S"):
            if blue and operator != b"n" and path:
                widths.append(max(path) - min(path))
            path = []
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject["/Subtype"] == "/Image":
                widths.append(abs(ctm[0]) + abs(ctm[2]))
            else:
                inner = pypdf.generic.ContentStream(xobject, page.pdf).operations
                matrix = [float(n) for n in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                widths += _page_widths(_with_resources(page, xobject), inner, _multiply(matrix, ctm))
    return widths


def _with_resources(page: pypdf.PageObject, xobject: pypdf.generic.StreamObject) -> pypdf.PageObject:
    """A stand-in page whose resources are a form XObject's (WeasyPrint draws SVG images as forms)."""
    inner = pypdf.PageObject(page.pdf)
    inner[pypdf.generic.NameObject("/Resources")] = xobject.get("/Resources", page["/Resources"])
    return inner


# ------------------------------------------------------------------------------------------ PDF and EPS (#16)


def test_a_pdf_figure_is_an_svg_at_the_text_width_in_every_output(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "# Intro\n\n![A chart drawn in LaTeX.](figures/chart.pdf){#fig:chart}\n\nSee @fig:chart.\n",
        {"chart.pdf": figure_pdf()},
    )
    result = build(root)
    assert formatted(result.diagnostics) == []
    [(media, svg, style)] = html_images(root)
    assert media == "image/svg+xml" and svg.lstrip().startswith((b"<?xml", b"<svg")) and b"<svg" in svg
    assert BLUE_IN_SVG.search(svg)  # drawn as vector paths in the figure's own colour, not as a picture of it
    assert style == "width:100.0%"
    [(width, has_svg, has_png)] = docx_pictures(root)
    assert has_svg and has_png  # the SVG, with the PNG fallback Word 2013 and LibreOffice need
    assert width == pytest.approx(DOCX_TEXT_WIDTH_PT, abs=1)  # pandoc keeps whole points
    assert pdf_drawn_widths(root) == [pytest.approx(TEXT_WIDTH_PT["default"], abs=0.5)]


def test_an_eps_figure_is_converted_and_sized_as_given(tmp_path: Path) -> None:
    chapter = "# Intro\n\n![A plot from gnuplot.](figures/plot.eps){#fig:plot width=50%}\n\nSee @fig:plot.\n"
    root = project(tmp_path, chapter, {"plot.eps": EPS.encode()})
    assert formatted(build(root).diagnostics) == []
    [(media, svg, style)] = html_images(root)
    assert media == "image/svg+xml" and BLUE_IN_SVG.search(svg)
    assert style == "width:50.0%"
    assert [w for w, _, _ in docx_pictures(root)] == [pytest.approx(DOCX_TEXT_WIDTH_PT / 2, abs=1)]
    assert pdf_drawn_widths(root) == [pytest.approx(TEXT_WIDTH_PT["default"] / 2, abs=0.5)]


def test_a_multipage_pdf_figure_shows_its_first_page_with_a_warning(tmp_path: Path) -> None:
    root = project(
        tmp_path, "# Intro\n\nThe slides:\n\n![Slides.](figures/slides.pdf)\n", {"slides.pdf": figure_pdf(3)}
    )
    result = build(root)
    assert formatted(result.diagnostics) == [
        "manuscript/01-intro.md:5:12: warning[multipage-figure]: figure 'figures/slides.pdf' has 3 pages; page 1 is "
        "used; export the page you want as a PDF of its own"
    ]
    assert [media for media, _, _ in html_images(root)] == ["image/svg+xml"]


def test_postscript_that_reads_a_file_is_refused_at_its_line(tmp_path: Path) -> None:
    evil = EPS.replace("%%EOF", "(/etc/passwd) (r) file 100 string readstring pop show\n%%EOF")
    root = project(tmp_path, "# Intro\n\nText.\n\n![Evil.](figures/evil.eps)\n", {"evil.eps": evil.encode()})
    result = build(root)
    assert formatted(result.diagnostics) == [
        "manuscript/01-intro.md:5:10: error[unconvertible-figure]: figure 'figures/evil.eps' cannot be converted: "
        "Ghostscript refused it: the PostScript reads or writes a file; export the figure again as PDF, SVG or PNG"
    ]
    assert result.written == {}


def test_postscript_that_writes_a_file_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    # Ghostscript's -dSAFER still lets PostScript write in the temporary folder (/tmp, where pytest's folders are):
    # the converter gives it a private one of its own
    target = tmp_path / "written-by-postscript"
    evil = EPS.replace("%%EOF", f"({target}) (w) file (owned) writestring\n%%EOF")
    root = project(tmp_path, "# Intro\n\n![Evil.](figures/evil.eps)\n", {"evil.eps": evil.encode()})
    assert formatted(run_check(root, Options()).diagnostics) == [
        "manuscript/01-intro.md:3:10: error[unconvertible-figure]: figure 'figures/evil.eps' cannot be converted: "
        "Ghostscript refused it: the PostScript reads or writes a file; export the figure again as PDF, SVG or PNG"
    ]
    assert not target.exists()


def test_postscript_that_never_ends_is_stopped_by_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_formats, "TIMEOUT", 1)
    loop = EPS.replace("%%EOF", "{ 1 pop } loop\n%%EOF")
    root = project(tmp_path, "# Intro\n\n![Loop.](figures/loop.eps)\n", {"loop.eps": loop.encode()})
    assert formatted(run_check(root, Options()).diagnostics) == [
        "manuscript/01-intro.md:3:10: error[unconvertible-figure]: figure 'figures/loop.eps' cannot be converted: "
        "gs took longer than 1 s; export the figure again as PDF, SVG or PNG"
    ]


def test_postscript_that_eats_memory_is_stopped_by_the_memory_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_formats, "MEMORY_LIMIT", 128 * 1024 * 1024)  # scaled down from 512 MB, to fail fast
    hungry = EPS.replace("%%EOF", "/a [] def { /a [ a 60000 string ] def } loop\n%%EOF")
    root = project(tmp_path, "# Intro\n\n![Hungry.](figures/hungry.eps)\n", {"hungry.eps": hungry.encode()})
    assert formatted(run_check(root, Options()).diagnostics) == [
        "manuscript/01-intro.md:3:12: error[unconvertible-figure]: figure 'figures/hungry.eps' cannot be converted: "
        "Ghostscript stopped with /VMerror in --string--; export the figure again as PDF, SVG or PNG"
    ]


def test_a_rebuild_converts_nothing_again_and_clean_removes_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    convert = figure_formats._convert
    monkeypatch.setattr(figure_formats, "_convert", lambda data, suffix: calls.append(suffix) or convert(data, suffix))
    root = project(
        tmp_path,
        "# Intro\n\n![Plot.](figures/plot.eps)\n\n![Chart.](figures/chart.pdf)\n",
        {"plot.eps": EPS.encode(), "chart.pdf": figure_pdf()},
    )
    assert build(root).ok
    assert sorted(calls) == [".eps", ".pdf"]
    chapter = root / "manuscript" / "01-intro.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nMore text, so the outputs are built again.\n")
    second = build(root)
    assert second.ok and set(second.written) == {"html", "pdf", "docx"}
    assert sorted(calls) == [".eps", ".pdf"]  # the second build took both from the output folder
    assert len(list((root / "build" / FIGURES_FOLDER).glob("*.json"))) == 2
    clean(root / "build")
    assert not (root / "build").exists()


# ------------------------------------------------------------------------------------------ resolution (#17)


def test_a_raster_figure_under_300_ppi_at_its_printed_width_is_a_warning(tmp_path: Path) -> None:
    chapter = (
        "# Intro\n\n"
        "![Given 5 inches.](figures/coarse.png){width=5in}\n\n"  # 360 px over 5 in: 72 ppi
        "![At the text width.](figures/small.png)\n\n"  # 300 px over the DOCX's 6.30 in, its widest text block
        "![Sharp enough.](figures/sharp.png)\n\n"  # 1890 px over 6.30 in: 300 ppi
        "![Half the text width.](figures/half.png){width=50%}\n"  # 945 px over 3.15 in: 300 ppi
    )
    figures = {
        "coarse.png": png(360, 20),
        "small.png": png(300, 20),
        "sharp.png": png(1890, 2),
        "half.png": png(945, 2),
    }
    root = project(tmp_path, chapter, figures)
    assert formatted(run_check(root, Options()).diagnostics) == [
        "manuscript/01-intro.md:3:20: warning[low-resolution]: figure 'figures/coarse.png' prints at 72 ppi (360 "
        "pixels across 5.00 in); 300 ppi needs 1500 pixels; export it at least 1500 pixels wide, or as SVG or PDF",
        "manuscript/01-intro.md:5:23: warning[low-resolution]: figure 'figures/small.png' prints at 47 ppi (300 "
        "pixels across 6.30 in); 300 ppi needs 1890 pixels; export it at least 1890 pixels wide, or as SVG or PDF",
    ]


# ------------------------------------------------------------------------------------------ sizing (#17)


@pytest.mark.parametrize("style", ["default", "review"])
def test_figures_print_at_the_text_width_or_the_width_given_in_every_style(tmp_path: Path, style: str) -> None:
    # 360 x 400 pixels: 3.75 in at 96 pixels per inch, narrower than the text, and taller than wide; it must still
    # print at the full width
    chapter = "# Intro\n\n![Full.](figures/a.png)\n\n![Half.](figures/b.png){width=50%}\n\n![Sharp.](figures/c.png)\n"
    root = project(tmp_path, chapter, {"a.png": png(360, 400), "b.png": png(361, 200), "c.png": png(1890, 20)}, style)
    assert build(root).ok
    assert [style for _, _, style in html_images(root)] == ["width:100.0%", "width:50.0%", "width:100.0%"]
    full = TEXT_WIDTH_PT[style]
    assert pdf_drawn_widths(root) == [pytest.approx(w, abs=0.5) for w in (full, full / 2, full)]
    docx_full = DOCX_TEXT_WIDTH_PT
    assert [w for w, _, _ in docx_pictures(root)] == [
        pytest.approx(w, abs=1) for w in (docx_full, docx_full / 2, docx_full)
    ]
