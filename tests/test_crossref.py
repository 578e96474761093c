"""Cross-references: numbered once (crossref.py), shown with the same numbers in the PDF, the HTML and the DOCX, and
live in the DOCX as Word fields (render/docx_fields.py): SEQ fields in captions and equations, bookmarked numbers,
REF fields for the references.

The unit tests number small Markdown documents. The end-to-end tests build tests/fixtures/crossref-paper (nested
sections, an SVG and a PNG figure, three tables, four equations, references to each, one inside a figure caption and
one inside a footnote) and read the numbers back from the PDF text, the HTML elements, the DOCX XML, and the PDF
LibreOffice makes of the DOCX.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FIXTURES, normalize
from test_docx_style import convert_to_pdf
from test_paper_outputs import assert_in_order, pdf_pages, reader_text

from paperbuild import pandoc
from paperbuild.cli import main
from paperbuild.crossref import Target, number_and_resolve
from paperbuild.errors import MissingDependencyError
from paperbuild.pandoc_ast import Node, stringify, walk
from paperbuild.render.docx_fields import bookmark_names, with_fields
from paperbuild.render.docx_svg import svg_to_png
from paperbuild.render.html import page_text

# ------------------------------------------------------------------------------------------ numbering (crossref)


def numbered(markdown: str, lang: str = "en") -> tuple[list[Node], dict[str, Target]]:
    """`markdown` parsed as the manuscript is, then numbered and resolved."""
    ast = json.loads(pandoc.run(["-f", "markdown", "-t", "json", "--sandbox"], markdown.encode()))
    return number_and_resolve(ast["blocks"], lang)


def headings(blocks: list[Node]) -> list[str]:
    return [stringify(b["c"][2]) for b in blocks if b["t"] == "Header"]


def references(blocks: list[Node]) -> list[str]:
    """The text of each resolved cross-reference (a single one or a group)."""
    return [stringify(n) for n in walk(blocks) if n["t"] == "Span" and "cross-reference-group" in n["c"][0][1]]


def test_nested_sections_are_numbered_by_level() -> None:
    blocks, targets = numbered(
        "# One {#sec:one}\n\n## Two\n\n### Three {#sec:three}\n\n### Four\n\n## Five {#sec:five}\n\n"
        "# Six\n\n## Seven {#sec:seven}\n"
    )
    assert headings(blocks) == [
        "1. One",
        "1.1. Two",
        "1.1.1. Three",
        "1.1.2. Four",
        "1.2. Five",
        "2. Six",
        "2.1. Seven",
    ]
    assert {label: target for label, target in targets.items() if label.startswith("sec:")} == {
        "sec:one": Target("sec", "1"),
        "sec:three": Target("sec", "1.1.1"),
        "sec:five": Target("sec", "1.2"),
        "sec:seven": Target("sec", "2.1"),
    }


def test_top_headings_at_level_two_number_from_one() -> None:
    """Manubot's content files use `##` for their top headings: 1, 2, 2.1, never 0.1."""
    blocks, targets = numbered("## Introduction\n\n## Methods {#sec:methods}\n\n### Data {#sec:data}\n")
    assert headings(blocks) == ["1. Introduction", "2. Methods", "2.1. Data"]
    assert targets["sec:data"] == Target("sec", "2.1")


def test_a_table_without_caption_or_label_is_not_numbered() -> None:
    blocks, targets = numbered(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n|---|\n| 3 |\n\n: Counts {#tbl:counts}\n\nSee @tbl:counts.\n"
    )
    captions = [stringify(b["c"][1][1]) for b in blocks if b["t"] == "Table"]
    assert captions == ["", "Table 1. Counts"]
    assert targets == {"tbl:counts": Target("tbl", "1")}


def test_a_suppressed_author_reference_prints_the_number_alone() -> None:
    """pandoc-crossref's `[-@fig:x]`: "as in Figure [-@fig:a]" reads "as in Figure 1", not "Figure Figure 1"."""
    blocks, _ = numbered(
        "![A](a.png){#fig:a}\n\n![B](b.png){#fig:b}\n\nFigure [-@fig:a], Figures [-@fig:a; -@fig:b], @fig:b.\n"
    )
    assert references(blocks) == ["1", "1 and 2", "Figure 2"]


def test_unnumbered_headings_take_no_number_and_do_not_count() -> None:
    blocks, _ = numbered("# A\n\n## Aside {-}\n\n## B\n\n# Notes {.unnumbered}\n\n# C\n\n## D\n")
    assert headings(blocks) == ["1. A", "Aside", "1.1. B", "Notes", "2. C", "2.1. D"]


def test_single_references_name_the_kind() -> None:
    blocks, _ = numbered(
        "# A {#sec:a}\n\n![A](a.png){#fig:a}\n\n| x |\n|---|\n| 1 |\n\n: T {#tbl:a}\n\n$$ x $$ {#eq:a}\n\n"
        "See @sec:a, @fig:a, @tbl:a and @eq:a.\n"
    )
    assert references(blocks) == ["Section 1", "Figure 1", "Table 1", "Eq. (1)"]
    captions = [stringify(b["c"][1][1]) for b in blocks if b["t"] in ("Figure", "Table")]
    assert captions == ["Figure 1. A", "Table 1. T"]


def test_quarto_labels_and_references_are_numbered_alike() -> None:
    blocks, _ = numbered(
        "# A {#sec-a}\n\n![A](a.png){#fig-a}\n\n| x |\n|---|\n| 1 |\n\n: T {#tbl-a}\n\n$$\nx\n$$ {#eq-a}\n\n"
        "See @sec-a, @fig-a, @tbl-a and @eq-a.\n"
    )
    assert references(blocks) == ["Section 1", "Figure 1", "Table 1", "Eq. (1)"]
    assert "{#eq-a}" not in stringify(blocks)


FIVE_FIGURES = "".join(f"![F{n}](f{n}.png){{#fig:f{n}}}\n\n" for n in range(1, 6))


@pytest.mark.parametrize(
    ("citation", "shown", "links"),
    [
        ("[@fig:f1; @fig:f2]", "Figures 1 and 2", ["fig:f1", "fig:f2"]),
        ("[@fig:f2; @fig:f1]", "Figures 1 and 2", ["fig:f1", "fig:f2"]),  # in numeric order
        ("[@fig:f1; @fig:f2; @fig:f3]", "Figures 1–3", ["fig:f1", "fig:f3"]),  # a range links its ends
        ("[@fig:f1; @fig:f3]", "Figures 1 and 3", ["fig:f1", "fig:f3"]),
        ("[@fig:f1; @fig:f3; @fig:f5]", "Figures 1, 3 and 5", ["fig:f1", "fig:f3", "fig:f5"]),
        ("[@fig:f1; @fig:f2; @fig:f3; @fig:f5]", "Figures 1–3 and 5", ["fig:f1", "fig:f3", "fig:f5"]),
    ],
)
def test_groups_and_ranges(citation: str, shown: str, links: list[str]) -> None:
    blocks, _ = numbered(f"{FIVE_FIGURES}See {citation}.\n")
    assert references(blocks) == [shown]
    [group] = [n for n in walk(blocks) if n["t"] == "Span" and "cross-reference-group" in n["c"][0][1]]
    assert [n["c"][2][0] for n in walk(group) if n["t"] == "Link"] == [f"#{label}" for label in links]


def test_groups_of_equations_and_sections() -> None:
    blocks, _ = numbered(
        "# A {#sec:a}\n\n## B {#sec:b}\n\n$$ x $$ {#eq:x}\n\n$$ y $$ {#eq:y}\n\n$$ z $$ {#eq:z}\n\n"
        "By [@eq:x; @eq:y], [@eq:x; @eq:y; @eq:z] and [@sec:a; @sec:b].\n"
    )
    assert references(blocks) == ["Eqs. (1) and (2)", "Eqs. (1)–(3)", "Sections 1 and 1.1"]


def test_a_group_with_an_unknown_label_stays_a_citation_one_of_mixed_kinds_resolves() -> None:
    blocks, _ = numbered("![A](a.png){#fig:a}\n\n$$ x $$ {#eq:x}\n\nSee [@fig:a; @eq:x] and [@fig:a; @fig:none].\n")
    assert references(blocks) == ["Figure 1 and Eq. (1)"]
    assert len([n for n in walk(blocks) if n["t"] == "Cite"]) == 1


def test_references_in_captions_and_footnotes_resolve() -> None:
    blocks, _ = numbered(
        "| x |\n|---|\n| 1 |\n\n: T {#tbl:t}\n\n![Data of @tbl:t.](a.png){#fig:a}\n\nText.[^n]\n\n[^n]: See @fig:a.\n"
    )
    assert references(blocks) == ["Table 1", "Table 1", "Figure 1"]  # the caption's, its copy in the alt text


def test_chinese_words() -> None:
    blocks, _ = numbered(
        "# 引言 {#sec:a}\n\n## 背景 {#sec:b}\n\n"
        + "".join(f"![图{n}](f{n}.png){{#fig:f{n}}}\n\n" for n in range(1, 4))
        + "| a |\n|---|\n| 1 |\n\n: 数据 {#tbl:a}\n\n$$ x $$ {#eq:a}\n\n$$ y $$ {#eq:b}\n\n"
        "见 @fig:f1、[@fig:f1; @fig:f2; @fig:f3]、[@fig:f1; @fig:f3]、@tbl:a、@sec:b、[@sec:a; @sec:b]、@eq:a 和 "
        "[@eq:a; @eq:b]。\n",
        lang="zh-CN",
    )
    assert headings(blocks) == ["1. 引言", "1.1. 背景"]
    captions = [stringify(b["c"][1][1]) for b in blocks if b["t"] in ("Figure", "Table")]
    assert captions == ["图 1 图1", "图 2 图2", "图 3 图3", "表 1 数据"]
    assert references(blocks) == [
        "图 1",
        "图 1–3",
        "图 1、3",
        "表 1",
        "第 1.1 节",
        "第 1、1.1 节",
        "式 (1)",
        "式 (1)、(2)",
    ]


# ------------------------------------------------------------------------------ Word fields (docx_fields.py)


def raw_xml(blocks: list[Node]) -> str:
    return "".join(n["c"][1] for n in walk(blocks) if n["t"] == "RawInline" and n["c"][0] == "openxml")


def test_bookmark_names_are_valid_and_unique() -> None:
    labels = ["fig:map", "fig_map", "FIG:MAP", "sec:" + "x" * 60, "sec:" + "x" * 61, "fig:地图", "tbl:表"]
    names = bookmark_names(labels)
    assert names["fig:map"] == "_Ref_fig_map"
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", n) for n in names.values()), names
    assert len({n.lower() for n in names.values()}) == len(labels), names  # Word ignores case
    assert bookmark_names(labels) == names  # the same every build


def test_fields_for_captions_equations_sections_and_references() -> None:
    blocks, targets = numbered(
        "# A {#sec:a}\n\n![Unlabelled.](u.png)\n\n![Map.](m.png){#fig:m}\n\n| x |\n|---|\n| 1 |\n\n: T {#tbl:t}\n\n"
        "$$ x $$ {#eq:x}\n\nSee @fig:m, [@tbl:t], @eq:x and **@sec:a**.\n"
    )
    xml = raw_xml(with_fields(blocks, targets, "en"))
    assert re.findall(r"instrText[^>]*> ([^<]*) <", xml) == [
        r"SEQ Figure \* ARABIC",  # the unlabelled figure still counts in Word
        r"SEQ Figure \* ARABIC",
        r"SEQ Table \* ARABIC",
        r"SEQ Equation \* ARABIC",
        r"REF _Ref_fig_m \h \* MERGEFORMAT",
        r"REF _Ref_tbl_t \h \* MERGEFORMAT",
        r"REF _Ref_eq_x \h \* MERGEFORMAT",
        r"REF _Ref_sec_a \h \* MERGEFORMAT",
    ]
    assert re.findall(r"<w:t [^>]*>([^<]*)</w:t>", xml) == ["1", "2", "1", "1", "2", "1", "(1)", "1"]
    assert re.findall(r'w:name="([^"]+)"', xml) == ["_Ref_sec_a", "_Ref_fig_m", "_Ref_tbl_t", "_Ref_eq_x"]
    assert xml.count("<w:b/>") == 3 * 5 + 5  # the captions' fields (5 runs each) and the reference in bold
    # the input is left as it was: the HTML and the PDF are made from it
    assert "RawInline" not in json.dumps(blocks)


def test_references_without_a_bookmarked_target_stay_links() -> None:
    blocks, targets = numbered("![Map.](m.png){#fig:m}\n\nSee @fig:m.\n")
    targets = {**targets, "fig:gone": Target("fig", "7")}
    words = [{"t": "Str", "c": "Figure"}, {"t": "Space"}, {"t": "Str", "c": "7"}]
    blocks.append({"t": "Para", "c": [{"t": "Link", "c": [["", ["cross-reference"], []], words, ["#fig:gone", ""]]}]})
    out = with_fields(blocks, targets, "en")
    assert [n["c"][2][0] for n in walk(out) if n["t"] == "Link"] == ["#fig:gone"]


def test_image_descriptions_keep_their_words() -> None:
    blocks, targets = numbered("| x |\n|---|\n| 1 |\n\n: T {#tbl:t}\n\n![Data of @tbl:t.](a.png){#fig:a}\n")
    out = with_fields(blocks, targets, "en")
    [image] = [n for n in walk(out) if n["t"] == "Image"]
    assert stringify(image["c"][1]) == "Data of Table 1."


def test_chinese_captions_get_fields() -> None:
    blocks, targets = numbered("![地图](m.png){#fig:m}\n\n见 @fig:m。\n", lang="zh")
    out = with_fields(blocks, targets, "zh")
    [figure] = [b for b in out if b["t"] == "Figure"]
    assert r"SEQ Figure \* ARABIC" in raw_xml([figure])
    assert stringify(figure["c"][1][1]).startswith("图")
    assert r"REF _Ref_fig_m \h" in raw_xml(out)


def test_svg_figures_need_rsvg_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    svg = (FIXTURES / "crossref-paper/manuscript/figures/valleys.svg").read_bytes()
    assert svg_to_png(svg).startswith(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(MissingDependencyError, match="librsvg2-bin"):
        svg_to_png(svg)


# ------------------------------------------------------------------------------- the fixture paper, end to end

FIXTURE = FIXTURES / "crossref-paper"
RUNNING_HEADS = {"Ice Loss", "Ice Loss in Three Northern Valleys"}
NUMBERS = {
    "sec:intro": "1",
    "sec:earlier": "1.1",
    "sec:campaigns": "1.1.1",
    "sec:methods": "2",
    "sec:mapping": "2.1",
    "sec:balance": "2.1.1",
    "sec:results": "3",
    "fig:valleys": "1",
    "fig:profile": "2",
    "tbl:sites": "1",
    "tbl:stakes": "2",
    "tbl:loss": "3",
    "eq:balance": "(1)",
    "eq:volume": "(2)",
    "eq:mean": "(3)",
    "eq:rate": "(4)",
}
"""Every label of the fixture and its number as a reference prints it."""
LINKS = Counter(
    {
        "sec:intro": 1,
        "sec:earlier": 1,
        "sec:campaigns": 1,
        "sec:methods": 1,
        "sec:mapping": 1,
        "sec:balance": 2,
        "sec:results": 1,
        "fig:valleys": 2,
        "fig:profile": 2,
        "tbl:sites": 3,  # one from inside the caption of Figure 1
        "tbl:stakes": 1,  # "Tables 1–3" links its ends only
        "tbl:loss": 2,
        "eq:balance": 2,
        "eq:volume": 2,  # one from inside the footnote
        "eq:mean": 2,
        "eq:rate": 2,
    }
)
"""How many linked numbers point at each label."""
READER_TEXT = (
    "1. Introduction",
    "Figure 1 shows the valleys we surveyed and Figure 2 a typical profile of the ice; Figures 1 and 2 together "
    "give the setting.",
    "The sites are listed in Table 1, and Section 2 explains how we measured them.",
    "1.1. Earlier surveys",
    "the method of Eq. (1).",
    "Section 1.1.1 describes the campaigns that followed.",
    "1.1.1. Field campaigns",
    "the stakes of Table 2 were read at its start and end, as Section 2.1.1 sets out.",
    "A note on names",
    "2. Methods",
    "2.1. Mapping",
    "Figure 1. The three surveyed valleys; the station codes are those of Table 1.",
    "Figure 2. Ice thickness along the central flow line of the largest glacier.",
    "2.1.1. Mass balance",
    "monthly budgets:",
    "(1)",
    "along the flow line:",
    "(2)",
    "over the area:",
    "(3)",
    "change over time:",
    "(4)",
    "Eq. (3) and Eq. (4) follow from Eq. (2); Section 2.1 gave the widths.",
    "3. Results",
    "Table 1. The surveyed sites.",
    "Table 2. Ablation at the stakes.",
    "Table 3. Yearly ice loss by valley.",
    "Table 3 gives the yearly loss, computed with Eq. (4); Tables 1–3 hold all the data, and Eqs. (1)–(3) the "
    "method of Section 2.1.1 and Section 1.1.",
    "Section 3 closes the paper that Section 1 opened.",
)
"""What a reader sees, in this order, in every output (formulas aside)."""
FOOTNOTE = "All lengths are in metres; the volume of the ice follows from Eq. (2)."


def test_the_fixture_refers_to_every_label() -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((FIXTURE / "manuscript").glob("*.md")))
    defined = re.findall(r"\{#((?:sec|fig|tbl|eq):[\w-]+)\}", text)
    assert sorted(defined) == sorted(NUMBERS) == sorted(LINKS)
    assert {p.suffix for p in (FIXTURE / "manuscript/figures").iterdir()} == {".svg", ".png"}


def pdf_reader_text(path: Path, heads: set[str]) -> str:
    """The PDF's text as a reader sees it; a range broken after its dash at a line end ("(1)–" + "(3)") joined."""
    return re.sub(r"–\s+", "–", reader_text(pdf_pages(path), heads))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture paper built in all three formats; the output folder."""
    project = shutil.copytree(FIXTURE, tmp_path_factory.mktemp("crossref") / "project")
    out = tmp_path_factory.mktemp("crossref-build")
    assert main(["all", "--project", str(project), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.mark.slow
def test_pdf_shows_the_numbers(built: Path) -> None:
    text = pdf_reader_text(built / "paper.pdf", RUNNING_HEADS)
    assert_in_order(text, READER_TEXT, "PDF")
    assert FOOTNOTE in text
    assert not re.search(r"\d\.? A note on names", text), "the unnumbered heading got a number"


# ------------------------------------------------------------------------------------------------------ HTML


@pytest.mark.slow
def test_html_shows_the_numbers_and_links_them(built: Path) -> None:
    html = (built / "paper.html").read_text(encoding="utf-8")
    text = normalize(page_text(html))
    assert_in_order(text, READER_TEXT, "HTML")
    assert FOOTNOTE in text
    links = re.findall(r'<a href="#([^"]+)" class="cross-reference">([^<]*)</a>', html)
    assert Counter(label for label, _ in links) == LINKS
    wrong = [(label, shown) for label, shown in links if not shown.endswith(NUMBERS[label])]
    assert not wrong, f"links whose number is not their target's: {wrong}"
    for label in NUMBERS:
        assert html.count(f'id="{label}"') == 1, f"target {label} missing or repeated"
    equations = re.findall(
        r'<span id="(eq:[^"]+)" class="equation">.*?<span class="equation-number">([^<]*)</span>', html
    )
    assert dict(equations) == {k: v for k, v in NUMBERS.items() if k.startswith("eq:")}
    assert 'src="data:image/svg+xml;base64,' in html and 'src="data:image/png;base64,' in html


# ------------------------------------------------------------------------------------------------------ DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class WordFields:
    """The fields and bookmarks of one part of a DOCX, read as Word reads them."""

    seq: list[tuple[str, str, str]] = field(default_factory=list)
    """(instruction, cached result, paragraph style) of each SEQ field."""
    ref: list[tuple[str, str]] = field(default_factory=list)
    """(instruction, cached result) of each REF field."""
    bookmarks: dict[str, str] = field(default_factory=dict)
    """Bookmark name -> the text it covers."""
    ids: list[str] = field(default_factory=list)
    """w:id of each bookmarkStart; ends: those of each bookmarkEnd."""
    ends: list[str] = field(default_factory=list)


def read_fields(xml: bytes, fields: WordFields) -> None:
    """Add the complex fields and bookmarks of a document part (document.xml, footnotes.xml) to `fields`."""
    style = ""
    stack: list[dict[str, str]] = []  # open fields: instruction, result, and whether the result has begun
    open_marks: dict[str, str] = {}
    for element in ET.fromstring(xml).iter():
        tag = element.tag
        if tag == f"{W}p":
            style = ""
        elif tag == f"{W}pStyle":
            style = element.get(f"{W}val", "")
        elif tag == f"{W}fldChar":
            kind = element.get(f"{W}fldCharType")
            if kind == "begin":
                stack.append({"instruction": "", "result": "", "in_result": ""})
            elif kind == "separate":
                stack[-1]["in_result"] = "yes"
            elif kind == "end":
                done = stack.pop()
                instruction = done["instruction"].strip()
                if instruction.startswith("SEQ "):
                    fields.seq.append((instruction, done["result"], style))
                elif instruction.startswith("REF "):
                    fields.ref.append((instruction, done["result"]))
        elif tag == f"{W}instrText":
            stack[-1]["instruction"] += element.text or ""
        elif tag == f"{W}t":
            if stack and stack[-1]["in_result"]:
                stack[-1]["result"] += element.text or ""
            for name in open_marks.values():
                fields.bookmarks[name] += element.text or ""
        elif tag == f"{W}bookmarkStart":
            identifier, name = element.get(f"{W}id", ""), element.get(f"{W}name", "")
            fields.ids.append(identifier)
            open_marks[identifier] = name
            assert name not in fields.bookmarks, f"bookmark {name} twice"
            fields.bookmarks[name] = ""
        elif tag == f"{W}bookmarkEnd":
            fields.ends.append(element.get(f"{W}id", ""))
            open_marks.pop(element.get(f"{W}id", ""), None)
    assert not stack, "a field without its end"


@pytest.fixture(scope="module")
def docx_parts(built: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(built / "paper.docx") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def word_fields(docx_parts: dict[str, bytes]) -> WordFields:
    fields = WordFields()
    read_fields(docx_parts["word/document.xml"], fields)
    read_fields(docx_parts["word/footnotes.xml"], fields)
    return fields


def bookmark_of(label: str) -> str:
    return "_Ref_" + label.replace(":", "_")


@pytest.mark.slow
def test_docx_captions_and_equations_are_seq_fields(word_fields: WordFields, docx_parts: dict[str, bytes]) -> None:
    seq = word_fields.seq
    assert [s for s in seq if "Figure" in s[0]] == [(r"SEQ Figure \* ARABIC", n, "ImageCaption") for n in "12"]
    assert [s for s in seq if "Table" in s[0]] == [(r"SEQ Table \* ARABIC", n, "TableCaption") for n in "123"]
    assert [s[:2] for s in seq if "Equation" in s[0]] == [(r"SEQ Equation \* ARABIC", n) for n in "1234"]
    assert len(seq) == 9
    styles = docx_parts["word/styles.xml"].decode()
    for style in ("ImageCaption", "TableCaption"):  # Word's Table of Figures looks for the Caption style
        definition = re.search(rf'<w:style [^>]*w:styleId="{style}".*?</w:style>', styles, re.DOTALL)
        assert definition and '<w:basedOn w:val="Caption"' in definition.group(0), f"{style} is not based on Caption"


@pytest.mark.slow
def test_docx_targets_are_bookmarked_with_their_numbers(word_fields: WordFields) -> None:
    ours = {name: text for name, text in word_fields.bookmarks.items() if name.startswith("_Ref")}
    assert ours == {bookmark_of(label): number for label, number in NUMBERS.items()}
    for name in ours:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", name), f"{name} is not a valid Word bookmark name"
    assert len(set(word_fields.ids)) == len(word_fields.ids), "two bookmarks share a w:id"
    assert sorted(word_fields.ids) == sorted(word_fields.ends), "a bookmark without its end"


@pytest.mark.slow
def test_docx_references_are_ref_fields_showing_the_targets_number(word_fields: WordFields) -> None:
    found: Counter[str] = Counter()
    for instruction, result in word_fields.ref:
        match = re.fullmatch(r"REF (\w+) \\h \\\* MERGEFORMAT", instruction)
        assert match, f"unexpected REF field {instruction!r}"
        name = match.group(1)
        assert name in word_fields.bookmarks, f"{instruction!r} points at no bookmark"
        assert result == word_fields.bookmarks[name], f"{instruction!r} shows {result!r}"
        found[name] += 1
    assert found == Counter({bookmark_of(label): count for label, count in LINKS.items()})


@pytest.mark.slow
def test_docx_reads_with_the_same_numbers(docx_parts: dict[str, bytes]) -> None:
    def visible(part: str) -> str:
        xml = docx_parts[part].decode()
        paragraphs = re.findall(r"<w:p\b.*?</w:p>", xml, re.DOTALL)
        return normalize(" ".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs))

    assert_in_order(visible("word/document.xml").replace("&amp;", "&"), READER_TEXT, "DOCX")
    assert FOOTNOTE in visible("word/footnotes.xml")
    assert '<w:hyperlink w:anchor="fig:' not in docx_parts["word/document.xml"].decode()


@pytest.mark.slow
def test_docx_has_both_figures_and_a_png_fallback_for_the_svg(docx_parts: dict[str, bytes]) -> None:
    xml = docx_parts["word/document.xml"].decode()
    relationships = docx_parts["word/_rels/document.xml.rels"].decode()
    rels = dict(re.findall(r'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"', relationships))
    blips = re.findall(r'<a:blip r:embed="([^"]+)"', xml)
    assert len(blips) == 2, "each figure's picture embeds a PNG"
    for blip in blips:
        assert docx_parts["word/" + rels[blip]].startswith(b"\x89PNG\r\n\x1a\n"), rels[blip]
    [svg] = re.findall(r'<asvg:svgBlip [^>]*r:embed="([^"]+)"', xml)
    assert docx_parts["word/" + rels[svg]].lstrip().startswith(b"<svg")
    types = docx_parts["[Content_Types].xml"].decode()
    assert all(f'PartName="/word/{rels[blip]}" ContentType="image/png"' in types for blip in blips)


@pytest.mark.slow
def test_libreoffice_shows_the_same_numbers(built: Path, tmp_path: Path) -> None:
    run, pdf = convert_to_pdf(built / "paper.docx", tmp_path)
    assert run.returncode == 0 and pdf.is_file(), f"soffice failed: {run.stdout!r} {run.stderr!r}"
    text = pdf_reader_text(pdf, set())
    assert_in_order(text, READER_TEXT, "LibreOffice PDF")
    assert FOOTNOTE in text
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    drawn = listing.splitlines()[2:]  # two header lines, then an image drawn on a page a line
    assert len(drawn) == 2, f"LibreOffice drew {len(drawn)} of the 2 figures:\n{listing}"
