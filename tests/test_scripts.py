"""Every script a paper may quote renders in the PDF: Arabic and Hebrew (shaped, right to left), Devanagari, Thai,
Greek, Cyrillic and Chinese, each in a Noto face (fonts-noto-core and fonts-noto-cjk, installed by .ci/setup); the
missing-glyph check names the package that draws them. The HTML page carries the style's Latin face, so a browser
never sets Latin text in a CJK face; on screen its references flow and its text hyphenates."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_BIB, MINIMAL_META, make_project
from fontTools.ttLib import TTFont
from test_html_valid import vnu_errors

from paperbuild import glyphs
from paperbuild.cli import main
from paperbuild.glyphs import CodePointRanges, package_for
from paperbuild.render.html import page_text

# script -> (a sentence in it, the Noto face the PDF must embed for it)
SENTENCES = {
    "Arabic": ("العلم نور والجهل ظلام", "Noto-Naskh-Arabic"),
    "Hebrew": ("הספר מונח על השולחן", "Noto-Serif-Hebrew"),
    "Hindi": ("भारत एक विशाल देश है।", "Noto-Serif-Devanagari"),
    "Thai": ("ภาษาไทยเป็นภาษาที่สวยงาม", "Noto-Serif-Thai"),
    "Greek": ("Η γνώση είναι δύναμη.", "Noto-Serif"),  # noqa: RUF001 (a Greek capital eta)
    "Russian": ("Знание — сила.", "Noto-Serif"),
    "Chinese": ("知识就是力量。", "Noto-Serif-CJK-SC"),
}
TITLE = "Quoting ภาษาไทย, हिन्दी, العربية and עברית in one title"
META = f"title: {TITLE}\nauthors:\n  - name: Ada Lovelace\n"
CHAPTER = "# Scripts\n\nText [@knuth1984].\n\n" + "".join(f"{name}: {s}\n\n" for name, (s, _) in SENTENCES.items())
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""The embedding marks pdftotext puts around a right-to-left run."""


def project(root: Path) -> Path:
    files = {"manuscript/metadata.yaml": META, "manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB}
    return make_project(root, files)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = project(tmp_path_factory.mktemp("scripts"))
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    return root / "build" / "paper.pdf"


def extracted_lines(pdf: Path) -> list[str]:
    """pdftotext's lines, without the bidi marks it adds around right-to-left text."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [BIDI_CONTROLS.sub("", line).strip() for line in text.splitlines()]


def no_spaces(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.slow
def test_each_script_reads_back_in_logical_order(pdf: Path) -> None:
    lines = extracted_lines(pdf)
    # a title mixing directions: pdftotext moves the spaces at the ends of a right-to-left run
    assert no_spaces(TITLE) in map(no_spaces, lines)
    for name, (sentence, _) in SENTENCES.items():
        line = next((line for line in lines if line.startswith(f"{name}:")), "")
        if name in ("Arabic", "Hebrew"):  # right to left, read back in the order it was written, word for word
            assert line == f"{name}: {sentence}", name
        else:  # pdftotext splits a Devanagari syllable whose vowel sign is drawn apart from it ("दे श"): no spaces
            assert no_spaces(line) == no_spaces(f"{name}: {sentence}"), name


@pytest.mark.slow
def test_each_script_is_set_in_a_noto_face(pdf: Path) -> None:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    for name, (_, face) in SENTENCES.items():
        assert face in fonts, f"{name} is not set in {face}; the PDF's fonts: {sorted(fonts)}"
    assert "DejaVu-Sans" not in fonts, "a script fell back to DejaVu Sans"


def test_the_package_of_each_script() -> None:
    expected = {"Chinese": "fonts-noto-cjk"}
    for name, (sentence, _) in SENTENCES.items():
        letters = {ch for ch in sentence if ch.isalpha()}
        assert {package_for(ch) for ch in letters} == {expected.get(name, "fonts-noto-core")}, name


@pytest.mark.slow
def test_without_the_fonts_the_check_names_the_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_thai_nor_devanagari = CodePointRanges([(0, 0x08FF), (0x0980, 0x0DFF), (0x0E80, 0x10FFFF)])
    monkeypatch.setattr(glyphs, "system_coverage", lambda: no_thai_nor_devanagari)
    monkeypatch.setattr(glyphs, "FEW_CHARACTERS", 0)  # fontconfig's whole listing, not a question per character
    chapter = "# Intro\n\nText [@knuth1984].\n\nThai: ภาษา\n\nHindi: भारत\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    hint = "install fonts-noto-core (Debian/Ubuntu package), or add a font covering them to styles/default/fonts/"
    assert capsys.readouterr().err.splitlines() == [
        "manuscript/01-a.md:5: error[missing-glyph]: no available font has 'ภ' (U+0E20), 'ษ' (U+0E29), 'า' (U+0E32); "
        f"the PDF would show empty boxes; {hint} (in a copy of the style in your project)",
        "manuscript/01-a.md:7: error[missing-glyph]: no available font has 'त' (U+0924), 'भ' (U+092D), 'र' (U+0930), "
        f"'ा' (U+093E); the PDF would show empty boxes; {hint} (in a copy of the style in your project)",
        "2 error(s), 0 warning(s)",
    ]


# ------------------------------------------------------------------------------------------------------- HTML

HTML_CHAPTER = """# Growth

China's growth, as “quoted” in a Chinese sentence: 知识就是力量。 See [@knuth1984].

- a list item with a long word: internationalisation
"""


def html_project(root: Path, csl: str = "") -> Path:
    meta = MINIMAL_META + (f"csl: {csl}\n" if csl else "")
    files = {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": HTML_CHAPTER, "bibliography/refs.bib": MINIMAL_BIB}
    root = make_project(root, files)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    return root / "build" / "paper.html"


@pytest.fixture(scope="module")
def author_date_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return html_project(tmp_path_factory.mktemp("author-date"))


def font_faces(html: str) -> dict[tuple[str, str], bytes]:
    """The page's @font-face rules for Noto Serif: (weight, style) -> the font's bytes."""
    rules = re.findall(
        r'@font-face \{ font-family: "Noto Serif"; font-weight: (\d+); font-style: (\w+); '
        r'src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\) format\("woff"\); \}',
        html,
    )
    return {(weight, style): base64.b64decode(data) for weight, style, data in rules}


@pytest.mark.slow
def test_the_html_embeds_the_styles_latin_face_cut_to_its_characters(author_date_page: Path) -> None:
    html = author_date_page.read_text(encoding="utf-8")
    faces = font_faces(html)
    assert set(faces) == {("400", "normal"), ("700", "normal"), ("400", "italic"), ("700", "italic")}
    with TTFont(io.BytesIO(faces[("400", "normal")])) as regular:
        covered = {chr(code) for code in regular.getBestCmap()}
    text = page_text(html)
    latin = {ch for ch in text if not ch.isspace() and ord(ch) < 0x2E80 and ch != "↩"}  # Noto Serif has no arrow
    assert latin - covered == set(), "Latin characters the embedded face lacks: a browser would take a CJK face"
    assert {"’", "“", "”", "C"} <= covered and not {"知", "识"} & covered  # only what the face draws
    assert sum(len(data) for data in faces.values()) < 80_000, "the four faces cut to this page's characters"
    stack = re.search(r"body \{[^}]*font-family: ([^;]+);", html)
    assert stack and stack.group(1).index('"Noto Serif"') < stack.group(1).index('"Noto Serif CJK SC"')


def screen_boxes(page: Path) -> dict[str, Any]:
    """The outermost box of each element with an id or a class, by '#id' and '.class', as a browser lays the page
    out on screen (WeasyPrint with the screen media type)."""
    from weasyprint import HTML

    boxes: dict[str, Any] = {}
    document = HTML(filename=str(page), media_type="screen").render()

    def visit(box: Any) -> None:
        element = getattr(box, "element", None)
        if element is not None:
            names = [f"#{element.get('id')}"] + [f".{c}" for c in (element.get("class") or "").split()]
            for name in names:
                boxes.setdefault(name, box)
        for child in getattr(box, "children", None) or []:
            visit(child)

    for page_ in document.pages:
        visit(page_._page_box)
    return boxes


@pytest.mark.slow
def test_an_author_date_reference_flows_as_text_and_text_hyphenates_on_screen(author_date_page: Path) -> None:
    boxes = screen_boxes(author_date_page)
    entry = boxes["#ref-knuth1984"]
    assert type(entry).__name__ == "BlockBox", "an author-date entry is not flex columns"
    assert {type(child).__name__ for child in entry.children} == {"LineBox"}
    assert boxes[".body"].style["hyphens"] == "auto" and boxes["#ref-knuth1984"].style["hyphens"] == "auto"
    assert boxes[".title"].style["hyphens"] == "manual"


@pytest.mark.slow
def test_a_numbered_reference_has_its_number_beside_its_text(tmp_path: Path) -> None:
    boxes = screen_boxes(html_project(tmp_path, csl="ieee"))
    number, text = boxes[".csl-left-margin"], boxes[".csl-right-inline"]
    assert number.is_floated() and abs(number.position_y - text.position_y) < 1
    assert text.content_box_x() >= number.content_box_x() + number.width


@pytest.mark.slow
def test_the_page_with_its_fonts_is_valid_html(author_date_page: Path) -> None:
    assert vnu_errors(author_date_page) == []


def test_the_embedded_faces_are_the_same_bytes_at_any_clock_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """fontTools stamps a saved font's head.modified with the time; the page must not change with the clock."""
    from fontTools.ttLib.tables import _h_e_a_d

    from paperbuild.render.html_fonts import font_faces
    from paperbuild.style import PACKAGED_STYLES

    folders = (PACKAGED_STYLES / "default",)
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 3_000_000_000)
    first = font_faces(folders, "China’s ports")
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 3_900_000_000)
    assert font_faces(folders, "China’s ports") == first
