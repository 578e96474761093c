"""The checks read code as pandoc reads it: markers, citations, labels and footnotes in and around code spans and
code blocks (markers.code_ranges), the leftover-marker check of the outputs, and the lost-text check by code."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, MINIMAL_META, check_lines, make_project

from paperbuild import checks, pandoc
from paperbuild.cli import main
from paperbuild.manuscript import READER
from paperbuild.markers import scan
from paperbuild.pandoc_ast import walk
from paperbuild.pipeline import Options, run_build, run_check
from paperbuild.project import SourceFile
from paperbuild.render import RENDERERS, Output, RenderJob, get_renderer

BIB = {"bibliography/refs.bib": MINIMAL_BIB}


def project(tmp_path: Path, *chapters: str) -> Path:
    files = {f"manuscript/0{number}-c.md": text for number, text in enumerate(chapters, 1)}
    return make_project(tmp_path, {**files, **BIB})


def test_a_lone_double_backtick_is_text_and_the_citations_after_it_are_checked(tmp_path: Path) -> None:
    # ilcpm/cqu-thesis-markdown: "可以用``实现" on one line, "注意其中的``和" far below: ~40 citations between
    # went unchecked
    root = project(
        tmp_path,
        "# T\n\nSee [@knuth1984]. A lone `` here.\n\n[A span]{#text}\nText: [@text] and [@nosuchkey].\n\n"
        "Later `` closes.\n",
    )
    assert check_lines(root) == [
        "manuscript/01-c.md:6:8: error[undefined-citation]: 'text' is not in bibliography/refs.bib",
        "manuscript/01-c.md:6:20: error[undefined-citation]: 'nosuchkey' is not in bibliography/refs.bib",
    ]
    assert main(["check", "--project", str(root), "--quiet"]) == 1


def test_an_unmatched_backtick_run_leaves_raw_tex_errors_at_their_line(tmp_path: Path) -> None:
    # pandoc reads "`` alone, `" as text then code: the span that follows is "` and `", not "`\newPage{}`"
    root = project(
        tmp_path,
        "# T\n\nA line with `` alone, `\\\\` and `x` [@knuth1984].\n\nWe write `\\newPage{}`.\n\n\\newPage{}\n",
    )
    [line] = check_lines(root)
    assert line.startswith("manuscript/01-c.md:7:1: error[raw-tex]: raw TeX '\\newPage{}' means nothing")


def test_the_citations_pandoc_reads_among_backticks_are_the_ones_checked() -> None:
    # 300 paragraphs of backtick runs, backslashes, line ends and citations, read once by pandoc: a citation is
    # checked exactly when pandoc reads one (outside code spans, found by pandoc's rule: a run of n backticks is
    # closed by the next run of exactly n in its paragraph, else its first backtick is text)
    rng = random.Random(8)
    pieces, paragraphs, count = ["1", " ", "`", "``", "\\", "\n1", "@"], [], 0
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 12)):
            piece = rng.choice(pieces)
            parts.append(f" [@k{count}] " if piece == "@" else piece)
            count += piece == "@"
        paragraphs.append("P " + "".join(parts) + " Q")
    text = "\n\n".join(paragraphs) + "\n"
    ast = json.loads(pandoc.run(["-f", READER, "-t", "json"], text.encode()))
    read = [citation["citationId"] for node in walk(ast) if node["t"] == "Cite" for citation in node["c"][0]]
    checked = [m.key for m in scan(SourceFile(Path("c.md"), "c.md", text)) if m.kind == "citation"]
    assert 150 < len(read) < count  # many citations read, many in code
    assert checked == read


def test_a_footnote_defined_in_the_block_quote_or_list_item_that_uses_it_is_defined(tmp_path: Path) -> None:
    # openjournals/inara example/paper.md (MIT): "> [^1]: ..." inside the quote; pandoc renders the note
    root = project(
        tmp_path,
        "# Quote\n\nThe output [@knuth1984]:\n\n> Articles are licensed[^1].\n>\n> [^1]: An open licence.\n\n"
        "- An item[^2].\n\n    [^2]: Its note.\n\n::: box\nIn a div[^3].\n\n[^3]: Its note.\n:::\n",
    )
    assert check_lines(root) == []


def test_indented_code_is_code_and_an_indented_list_paragraph_is_not(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "# T\n\nFermat [@knuth1984] wrote[^1].\n\n    \\label{fermat} [@incode] [^1]: not a note\n\n"
        "- An item\n\n    goes on [@nokey].\n",
    )
    assert check_lines(root) == [
        "manuscript/01-c.md:3:26: error[undefined-footnote]: footnote '[^1]' has no definition '[^1]:'",
        "manuscript/01-c.md:9:14: error[undefined-citation]: 'nokey' is not in bibliography/refs.bib",
    ]


def test_indented_paragraphs_of_metadata_are_values_not_code(tmp_path: Path) -> None:
    abstract = "abstract: |\n    First [@knuth1984].\n\n    Second [@nokey].\n"
    meta = "title: A Small Paper\n" + abstract + "authors:\n  - name: Ada Lovelace\n"
    root = make_project(tmp_path, {"manuscript/metadata.yaml": meta, **BIB})
    (root / "manuscript" / "01-c.md").write_text("# T\n\nText.\n", encoding="utf-8")
    assert check_lines(root) == [
        "manuscript/metadata.yaml:5:13: error[undefined-citation]: 'nokey' is not in bibliography/refs.bib"
    ]


def test_markers_shown_in_code_and_a_plural_after_code_build_cleanly(tmp_path: Path) -> None:
    # openjournals/inara: "`[@upper1974]` will create the reference"; a thesis: "a list of `JobResult`s"
    root = project(
        tmp_path,
        '# Citing\n\nCite an entry [@knuth1984] by its key: `[@knuth1984]` gives "[@knuth1984]".\n\n'
        "```markdown\nA claim [@x] {#lem:test}\n```\n",
        "# Design\n\nA job points to a list of `JobResult`s holding the results.\n",
    )
    result = run_build(root, ["html", "pdf", "docx", "jats"], Options())
    assert [d.format() for d in result.diagnostics] == []
    assert "<code>JobResult</code>s holding" in (root / "build" / "paper.html").read_text(encoding="utf-8")


def test_a_leftover_marker_the_code_shows_is_not_one_and_a_real_one_is_at_its_line() -> None:
    chapter = SourceFile(Path("c.md"), "manuscript/01-c.md", "# T\n\nShown: `[@x]`.\n\nBroken [@ marker.\n")
    shown = "T Shown: [@x]. Broken marker."
    assert checks.leftover_markers({"build/paper.html": shown}, set(), [chapter]) == []
    both = "T Shown: [@x]. Broken [@ marker."
    assert [d.format() for d in checks.leftover_markers({"build/paper.html": both}, set(), [chapter])] == [
        "manuscript/01-c.md:5:8: error[leftover-marker]: '[@' appears in build/paper.html, a marker that did not "
        'resolve: "T Shown: [@x]. Broken [@ marker"'
    ]


def test_a_lost_word_glued_to_code_is_at_its_chapter_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = get_renderer("html")

    def dropping(job: RenderJob) -> Output:
        output = html(job)
        page = output.data.decode().replace("<code>JobResult</code>s", "")
        return Output(page.encode(), output.text)

    monkeypatch.setitem(RENDERERS, "html", dropping)
    root = project(tmp_path, "# Intro\n\nSee [@knuth1984].\n", "# Design\n\nA list of `JobResult`s holding it.\n")
    assert [d.format() for d in run_build(root, ["html"], Options()).diagnostics] == [
        "manuscript/02-c.md:3:12: error[lost-text]: 'jobresults' written here is missing from build/paper.html; a "
        "writer dropped it: write it in plain Markdown, or report it as a paperbuild bug"
    ]


@pytest.mark.parametrize(
    ("meta", "profile", "option", "place"),
    [
        ("journal: plos-one\n", "", None, "manuscript/metadata.yaml:4"),
        ("", "severity: error\nextends: plos-one\n", None, "journal.yaml:2"),
        ("journal: elsevier\n", "", "plos-one", "--journal plos-one"),
    ],
)
def test_a_shipped_profiles_rule_is_shown_where_the_researcher_chose_the_profile(
    tmp_path: Path, meta: str, profile: str, option: str | None, place: str
) -> None:
    # tester #16: 'paperbuild/journals/plos-one.yaml:12: error[required-section]', a file a researcher cannot edit
    files = {"manuscript/metadata.yaml": MINIMAL_META + meta, **({"journal.yaml": profile} if profile else {})}
    root = make_project(tmp_path, {**files, "manuscript/01-c.md": "# Introduction\n\nText [@knuth1984].\n", **BIB})
    found = [d.format() for d in run_check(root, Options(journal=option)).diagnostics if d.code == "required-section"]
    assert found[0] == (
        f"{place}: error[required-section]: no section 'Materials and methods' or 'Methods'; PLOS ONE requires it "
        "(the rule 'required-sections' of the plos-one profile); add a heading '# Materials and methods' to a chapter"
    )
    assert {line.split(": error")[0] for line in found} == {place}
