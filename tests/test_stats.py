"""`stats`: word counts of a fixture whose every count is known (the comments say why), in text and JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_BIB, make_project

from paperbuild.cli import main
from paperbuild.stats import count_words, pdf_pages

COUNTED = FIXTURES / "counted-paper"
# abstract: "Eight words make up this abstract, citation excluded [@knuth1984]." -> 8 (the citation is not a word)
# 1. Introduction: 10 + 6 (citation left out) + 5 (math and code left out) + 12 + 4 (the footnote) = 37
# 2. Methods: "See Table 1 and Figure 1 here." 7 + "Energy follows Eq. (1)." 4 + the equation, code, table and
#    figure 0 + the block quote 4 + the list 3 + the subsection's paragraph 5 (its heading not counted) = 23
# 3. Conclusions: 3 (the citation left out)
# references (APA): "Knuth, D. E. (1984). The TeXbook. Addison-Wesley." 7 +
#    "Lamport, L. (1994). LaTeX: A document preparation system. Addison-Wesley." 9 = 16
EXPECTED = {
    "abstract_words": 8,
    "body_words": 63,
    "sections": [
        {"number": "1", "title": "Introduction Heading Words Are Not Counted", "words": 37},
        {"number": "2", "title": "Methods", "words": 23},
        {"number": "3", "title": "Conclusions", "words": 3},
    ],
    "references": 2,
    "reference_words": 16,
    "figures": 1,
    "tables": 1,
    "keywords": 3,
}


@pytest.fixture
def counted(tmp_path: Path) -> Path:
    return Path(shutil.copytree(COUNTED, tmp_path / "counted"))


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def test_json_gives_the_known_counts_and_the_pdf_pages(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--project", str(counted), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert document["diagnostics"] == []
    stats = document["stats"]
    pages = stats.pop("pages")
    assert stats == EXPECTED
    pdf = counted / "build" / "paper.pdf"
    assert pdf.is_file()
    assert pages == page_count(pdf) >= 1
    assert err == ""


def test_text_output_lists_each_count(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--project", str(counted), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rows = [" ".join(line.split()) for line in out.splitlines()]
    pages = page_count(counted / "build" / "paper.pdf")
    assert rows == [
        "abstract 8 words",
        "body 63 words",
        "1. Introduction Heading Words Are Not Counted 37",
        "2. Methods 23",
        "3. Conclusions 3",
        "references 2 entries (16 words)",
        "figures 1",
        "tables 1",
        "keywords 3",
        f"pages {pages}",
    ]


def test_a_second_run_reuses_the_pdf(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--project", str(counted)]) == 0
    assert f"wrote {counted / 'build' / 'paper.pdf'}" in capsys.readouterr().err
    assert main(["stats", "--project", str(counted)]) == 0
    assert "wrote" not in capsys.readouterr().err


def test_errors_still_give_the_words_but_no_pages_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(
        tmp_path,
        {"manuscript/01-a.md": "# A\n\nFour words, one missing [@nobody].\n", "bibliography/refs.bib": MINIMAL_BIB},
    )
    assert main(["stats", "--project", str(root), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["stats"]["body_words"] == 4
    assert document["stats"]["pages"] is None
    assert {d["code"] for d in document["diagnostics"]} == {"undefined-citation", "uncited-entry"}
    assert not (root / "build").exists()


def test_text_before_the_first_heading_is_a_section_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": "No heading yet.\n\n# Then One\n\nTwo words.\n"})
    assert main(["stats", "--project", str(root), "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)["stats"]
    assert stats["sections"] == [
        {"number": "", "title": "(before the first heading)", "words": 3},
        {"number": "1", "title": "Then One", "words": 2},
    ]
    assert stats["body_words"] == 5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("plain words here", 3),
        ("punctuation — alone – is not a word .", 6),
        ("e.g. well-known 12.5 %", 3),
        ("东北亚区域合作", 7),  # every Chinese character is a word
        ("Liaoning 的 GDP", 3),
        ("", 0),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


def test_pdf_pages_reads_the_page_tree_of_a_weasyprint_pdf(counted: Path) -> None:
    assert main(["pdf", "--project", str(counted), "--quiet"]) == 0
    pdf = counted / "build" / "paper.pdf"
    assert pdf_pages(pdf.read_bytes()) == page_count(pdf)
    assert pdf_pages(b"not a pdf") is None
