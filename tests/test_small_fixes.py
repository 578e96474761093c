"""Small defects: control characters in a chapter, a short title written in Markdown, notes in tables."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from paperbuild.cli import main
from tests.conftest import check_lines, make_project, normalize, parse_html, pdf_text

HINT = "delete it, or type a space"


@pytest.mark.parametrize(("char", "name"), [("\x0b", "U+000B"), ("\ufffe", "U+FFFE"), ("\x0c", "U+000C")])
def test_a_control_character_in_a_chapter_is_an_error_at_its_place(
    tmp_path: Path, char: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": f"# A\n\n| x |\n|---|\n| one{char}two |\n\nMore{char}.\n"})
    expected = (
        f"manuscript/01-a.md:5:6: error[control-character]: a control character, {name}, that no output can carry "
        f"(the file's first); {HINT}"
    )
    assert check_lines(root) == [expected]
    assert main(["docx", "--project", str(root)]) == 1
    assert expected in capsys.readouterr().err
    assert not (root / "build" / "paper.docx").exists()


def test_a_control_character_in_a_bib_file_is_an_error_at_its_place(tmp_path: Path) -> None:
    bib = "@book{k,\n  title = {A\x0bB},\n  author = {Doe, Jo},\n  year = {2000},\n  publisher = {P},\n}\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": "# A\n\nAs [@k].\n", "bibliography/references.bib": bib})
    assert check_lines(root) == [
        f"bibliography/references.bib:2:13: error[control-character]: a control character, U+000B, that no output "
        f"can carry (the file's first); {HINT}"
    ]


def test_a_short_title_in_markdown_is_the_running_head_as_text(tmp_path: Path) -> None:
    meta = 'title: "*Tides* of the North"\nshort-title: "*Tides* ^[Short.] and *ice*"\nauthors:\n  - name: Ada\n'
    chapter = "# One\n\n" + "A sentence about the tides and the ice.\n\n" * 150
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, "manuscript/01-a.md": chapter})
    assert main(["html", "--project", str(root)]) == 0
    heads = [p for p in parse_html(root / "build" / "paper.html").iter("p") if p.get("class") == "running-head"]
    assert ["".join(p.itertext()) for p in heads] == ["Tides and ice"]
    assert main(["pdf", "--project", str(root)]) == 0
    pages = pdf_text(root / "build" / "paper.pdf").split("\f")
    assert len(pages) > 2
    assert all(page.lstrip().startswith("Tides and ice") for page in pages[1:] if page.strip()), pages[1][:200]
    assert "*" not in pdf_text(root / "build" / "paper.pdf")
    assert main(["jats", "--project", str(root)]) == 0
    jats = (root / "build" / "paper.xml").read_text(encoding="utf-8")
    assert '<alt-title alt-title-type="running-head">Tides and ice</alt-title>' in jats


def test_notes_in_a_table_cell_and_a_caption_reach_every_output_even_right_after_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chapter = (
        "# Sites\n\nThe kelp grew 12^[Bodynote alpha.] metres.\n\n| Site | Depth |\n|------|-------|\n"
        "| Kelp[^t] | 45^[Cellnote gamma.] |\n\n: Depths at the sites^[Captionnote delta.] {#tbl:d}\n\n"
        "See @tbl:d.\n\n[^t]: Tablenote beta.\n"
    )
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter})
    assert main(["all", "--project", str(root), "--quiet"]) == 0, capsys.readouterr().err
    notes = ["Bodynote alpha.", "Captionnote delta.", "Tablenote beta.", "Cellnote gamma."]
    build = root / "build"
    pdf = normalize(pdf_text(build / "paper.pdf"))
    assert all(note in pdf for note in notes), pdf
    assert "grew 121 metres" in pdf and "Kelp3 454" in pdf  # the marks set close to their words, numbered in order
    html = "".join(parse_html(build / "paper.html").itertext())
    assert all(note in html for note in notes)
    with zipfile.ZipFile(build / "paper.docx") as docx:
        footnotes = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", docx.read("word/footnotes.xml").decode()))
        body = docx.read("word/document.xml").decode()
    assert all(note in footnotes for note in notes)
    assert body.count("<w:footnoteReference ") == 4
    assert all(note in (build / "paper.xml").read_text(encoding="utf-8") for note in notes)
