"""A paper written in Chinese (`lang: zh-CN`), built as a Chinese reader expects it.

The parts paperbuild writes itself are labelled in Chinese: the abstract, keywords, corresponding-author line and
back-matter headings read 摘要, 关键词, 通讯作者, 致谢, 基金项目 and 参考文献, with full-width punctuation, in the HTML
page, the PDF and the DOCX alike, and nothing of the English labels is left. A line break between two Chinese
characters in a chapter joins them instead of leaving a space.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from conftest import MINIMAL_BIB, make_project, normalize, parse_html, pdf_text

from paperbuild.cli import main
from paperbuild.render.html import page_text

pytestmark = pytest.mark.slow  # builds with pandoc and WeasyPrint

META = """\
title: 辽宁港口的发展
authors:
  - name: 王伟
    email: wang@example.org
    corresponding: true
abstract: 本文讨论辽宁港口的发展。
keywords: [港口, 区域合作]
acknowledgements: 感谢审稿人。
funding: 国家社会科学基金资助。
lang: zh-CN
"""
CHAPTER = "# 引言\n\n港口是区域合作的\n基础 [@knuth1984]。Port\ncities grow.\n"  # line breaks inside the text
ENGLISH_LABELS = ("Abstract", "Keywords", "Corresponding author", "Acknowledgements", "Funding", "References")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(
        tmp_path_factory.mktemp("zh"),
        {"manuscript/metadata.yaml": META, "manuscript/01-intro.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB},
    )
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def test_html_labels_are_chinese(build: Path) -> None:
    page = parse_html(build / "paper.html")
    headings = ["".join(h.itertext()).strip() for h in page.iter("h2")]
    assert headings[0] == "摘要" and headings[-3:] == ["致谢", "基金项目", "参考文献"]
    text = normalize(page_text((build / "paper.html").read_text(encoding="utf-8")))
    assert "关键词：港口；区域合作" in text and "通讯作者：王伟, wang@example.org" in text
    assert not [label for label in ENGLISH_LABELS if label in text]
    assert [a.get("aria-label") for a in page.iter("a") if "backlink" in a.get("class", "")] == ["返回正文"]


def test_a_line_break_between_chinese_characters_leaves_no_space(build: Path) -> None:
    html = normalize(page_text((build / "paper.html").read_text(encoding="utf-8")))
    assert "港口是区域合作的基础" in html and "Port cities grow." in html  # a break between English words stays a space
    paragraphs = [p.text for p in docx.Document(str(build / "paper.docx")).paragraphs]
    assert any(t.startswith("港口是区域合作的基础") and "Port cities grow." in t for t in paragraphs), paragraphs


def test_pdf_labels_are_chinese(build: Path) -> None:
    text = normalize(pdf_text(build / "paper.pdf")).replace(" ", "")
    for expected in ("摘要：本文讨论辽宁港口的发展。", "关键词：港口；区域合作", "致谢", "基金项目", "参考文献"):
        assert expected in text
    assert not [label for label in ENGLISH_LABELS if label.replace(" ", "") in text]


def test_docx_labels_are_chinese(build: Path) -> None:
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(build / "paper.docx")).paragraphs]
    assert [t for style, t in paragraphs if style == "Abstract"] == ["摘要：本文讨论辽宁港口的发展。"]
    assert [t for style, t in paragraphs if style == "Keywords"] == ["关键词：港口；区域合作"]
    assert "*通讯作者：王伟, wang@example.org" in [t for style, t in paragraphs if style == "Affiliation"]
    headings = [t for style, t in paragraphs if style.startswith("Heading")]
    assert headings[-3:] == ["致谢", "基金项目", "参考文献"]
    assert not [label for label in ENGLISH_LABELS if any(label in t for _, t in paragraphs)]


def test_review_byline_is_chinese(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {"manuscript/metadata.yaml": META, "manuscript/01-intro.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB},
    )
    assert main(["html", "--project", str(root), "--style", "review", "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--style", "review", "--quiet"]) == 0
    page = parse_html(root / "build" / "paper.html")
    byline = "匿名作者——双盲评审稿件"
    assert ["".join(p.itertext()) for p in page.iter("p") if "authors" in p.get("class", "")] == [byline]
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(root / "build" / "paper.docx")).paragraphs]
    assert [t for style, t in paragraphs if style == "Author"] == [byline]
    assert not [t for _, t in paragraphs if "王伟" in t]
