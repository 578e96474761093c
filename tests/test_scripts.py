"""Every script a paper may quote renders in the PDF: Arabic and Hebrew (shaped, right to left), Devanagari, Thai,
Greek, Cyrillic and Chinese, each in a Noto face (fonts-noto-core and fonts-noto-cjk, installed by .ci/setup); and
the missing-glyph check names the package that draws them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, make_project

from paperbuild import glyphs
from paperbuild.cli import main
from paperbuild.glyphs import CodePointRanges, package_for

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
