"""Missing glyphs are an error with file:line and a font package; with the documented fonts, Chinese renders."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from conftest import MINIMAL_BIB, make_project, normalize, pdf_text

from paperbuild.cli import main
from paperbuild.glyphs import CodePointRanges, package_for

CHAPTER = "# Intro\n\nText [@knuth1984].\n"


def pdf_fonts(path: Path) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.mark.slow
def test_chinese_names_render_with_the_documented_fonts(tmp_path: Path) -> None:
    meta = "title: 辽宁 in Northeast Asia\nauthors:\n  - name: 袁悦 (Yuan Yue)\n"
    root = make_project(
        tmp_path,
        {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB},
    )
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    text = normalize(pdf_text(root / "build/paper.pdf"))
    assert "辽宁 in Northeast Asia" in text and "袁悦 (Yuan Yue)" in text
    assert any("CJK" in name for name in pdf_fonts(root / "build/paper.pdf"))


@pytest.mark.slow
def test_characters_no_font_covers_stop_the_build_with_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chapter = "# Intro\n\nText [@knuth1984].\n\nToto: \U0001e290\U0001e291 here.\n"  # Unicode 14: in no Noto of 2020
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    previous = root / "build/paper.pdf"
    previous.parent.mkdir()
    previous.write_bytes(b"previous good output")
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "manuscript/01-a.md:5: error[missing-glyph]: no available font has '\U0001e290' (U+1E290), '\U0001e291' "
        "(U+1E291); the PDF would show empty boxes; install fonts-noto-core or fonts-noto-extra (Debian/Ubuntu "
        "package), or add a font covering them to styles/default/fonts/ (in a copy of the style in your project)",
        "1 error(s), 0 warning(s)",
    ]
    assert previous.read_bytes() == b"previous good output"


def test_font_package_by_script() -> None:
    assert package_for("袁") == "fonts-noto-cjk"
    assert package_for("한") == "fonts-noto-cjk"
    assert package_for("ع") == "fonts-noto-core"
    assert package_for("\U0001e290") == "fonts-noto-core or fonts-noto-extra"


def test_code_point_ranges_merge_overlaps_and_answer_membership() -> None:
    ranges = CodePointRanges([(0x4E00, 0x4E10), (0x20, 0x7E), (0x4E05, 0x4E20), (0x7F, 0x7F), (0x100, 0x100)])
    inside = [0x20, 0x41, 0x7E, 0x7F, 0x100, 0x4E00, 0x4E10, 0x4E15, 0x4E20]
    outside = [0x0, 0x1F, 0x80, 0xFF, 0x101, 0x4DFF, 0x4E21, 0x10FFFF]
    assert all(code in ranges for code in inside) and not any(code in ranges for code in outside)
