"""Issue #16: papers written for other tools build with every word out and only their true problems.

The fixtures of tests/fixtures/import/ (a JOSS paper, a Manubot manuscript, the Quarto PLOS template, a pandoc
thesis: public examples, see their NOTICE files) are imported by `paperbuild import` and built in every format.
Each build reports exactly the paper's own problems; once the author fixes those (fetches the references Manubot
looked up online, writes the chapters the thesis extract leaves out), it exits 0, and what a reader sees in the
HTML, the DOCX and the PDF holds the title, the first author and the body, and no TeX, `$`, `[@`, `^[` or `{#`.
The smaller tests pin each fix these papers needed: Manubot's citation tags, plain raw HTML, sized delimiters.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXTURES, check_lines, make_project, normalize, pdf_text

from paperbuild.cli import main
from paperbuild.formulas import formula_problem, formula_svg, math_text
from paperbuild.output import FORMATS
from paperbuild.pipeline import Options, run_build
from paperbuild.render.html import page_text

SOURCES = FIXTURES / "import"
MARKUP = re.compile(r"\\[A-Za-z]|\$|\[@|\^\[|\{#")
"""Signs of markup a writer left as text: a TeX command, a dollar of math, a citation, an inline note, a label."""
DOCX_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<m:t(?:\s[^>]*)?>([^<]*)</m:t>|(</w:p>)")


def docx_text(path: Path) -> str:
    """The text a reader sees in a DOCX: the runs of the document and its footnotes, a paragraph a line."""
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in ("word/document.xml", "word/footnotes.xml"):
            if name in archive.namelist():
                for match in DOCX_TEXT.finditer(archive.read(name).decode("utf-8")):
                    parts.append("\n" if match.group(3) else match.group(1) or match.group(2) or "")
    return "".join(parts).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def build(root: Path) -> tuple[bool, list[str]]:
    """`all` on a project: whether it wrote the outputs, and its diagnostics without their hints, sorted as printed."""
    result = run_build(root, FORMATS, Options())
    return bool(result.written), [d.format().split("; ")[0] for d in sorted(result.diagnostics)]


def fetched_references(root: Path) -> None:
    """What `curl -LH "Accept: application/x-bibtex" https://doi.org/...` gives for the four references the
    Manubot paper cites by identifier, keyed as the import's hints say."""
    entries = [
        ("doi:10.1515/9781400839452", "Nielsen, Michael", "Reinventing Discovery", "2011"),
        ("doi:10.17226/25116", "{National Academies of Sciences}", "Open Science by Design", "2018"),
        ("pmcid:PMC4719068", "Law, Edith and Gajos, Krzysztof", "Crowdsourcing as a Tool for Research", "2016"),
        ("doi:10.1098/rsif.2017.0387", "Ching, Travers", "Opportunities and obstacles for deep learning", "2018"),
    ]
    (root / "bibliography" / "fetched.bib").write_text(
        "".join(
            f"@misc{{{key},\n  author = {{{who}}},\n  title = {{{title}}},\n  year = {{{year}}}\n}}\n"
            for key, who, title, year in entries
        ),
        encoding="utf-8",
    )


def written_chapters(root: Path) -> None:
    """The thesis chapters the extract leaves out, which the introduction refers to, in a chapter of their own; and
    `\\argmin`, which the thesis's LaTeX template defines, written out."""
    sections = ("code", "figure", "table", "final")
    text = "".join(f"# Research {name} {{#sec:research-{name}}}\n\nThe {name} chapter.\n\n" for name in sections)
    (root / "manuscript" / "11-research.md").write_text(text, encoding="utf-8")
    chapter = root / "manuscript" / "10-chapter_2.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("\\argmin_", "\\operatorname*{arg\\,min}_"))


def missing_label(line: int, col: int, name: str) -> str:
    return (
        f"manuscript/09-chapter_1.md:{line}:{col}: error[undefined-label]: '@sec:research-{name}' refers to no "
        f"element labelled '{{#sec:research-{name}}}'"
    )


def layout_note(chapter: str, line: int, command: str) -> str:
    return (
        f"manuscript/{chapter}:{line}:1: note[raw-tex]: the layout command '{command}' has no equivalent in the "
        "outputs and is dropped"
    )


def undefined(line: int, col: int, key: str) -> str:
    return (
        f"manuscript/02-main-text.md:{line}:{col}: error[undefined-citation]: '{key}' is not in "
        "bibliography/manual-references.bib"
    )


def appendix_link(col: int, number: int, slug: str) -> str:
    """The JATS's warning on a link of the thesis to an appendix the extract leaves out (render/jats.py)."""
    return (
        f"manuscript/09-chapter_1.md:40:{col}: warning[jats-omitted]: the link to '#appendix-{number}-{slug}' leads "
        "to no heading, figure, table or equation of the paper, so paper.xml keeps its words without the link"
    )


THESIS_NOTES = [
    layout_note("03-summary.md", 1, "\\pagenumbering{roman}"),  # left when its abstract became metadata
    layout_note("03-summary.md", 2, "\\setcounter{page}{1}"),
    layout_note("09-chapter_1.md", 1, "\\setcounter{page}{1}"),
    layout_note("09-chapter_1.md", 2, "\\pagenumbering{arabic}"),
    layout_note("09-chapter_1.md", 3, "\\doublespacing"),
    layout_note("09-chapter_1.md", 4, "\\setlength{\\parindent}{0.5in}"),
    layout_note("18-references.md", 1, "\\footnotesize"),
    layout_note("18-references.md", 2, "\\singlespacing"),
    layout_note("18-references.md", 3, "\\setlength{\\parindent}{0in}"),
]


ARGMIN = (SOURCES / "thesis" / "source" / "10_chapter_2.md").read_text(encoding="utf-8").split("$$")[3]
"""The thesis's display formula, which uses \\argmin."""


@dataclass(frozen=True)
class Paper:
    """An imported fixture, what its first build reports, how its author fixes that, and what a reader must see."""

    source: str
    """Under tests/fixtures/import/."""
    problems: list[str]
    """The first build's diagnostics (the paper's true problems), without their hints, sorted."""
    fix: Callable[[Path], None] | None
    """What the author does about the errors among them (None: there are none)."""
    remaining: list[str]
    """The diagnostics of the build after the fix (notes and warnings only)."""
    shown: tuple[str, ...]
    """The title, the first author and a sentence of the body."""


PAPERS = {
    "joss": Paper(
        "joss",
        [],
        None,
        [],
        (
            "mwarp1d: Manual one-dimensional data warping in Python and PyQt",
            "Todd C. Pataky",
            "An example is shown in Fig.1 below, where an original 1D observation (a force trajectory) is warped",
        ),
    ),
    "manubot": Paper(
        "manubot",
        [
            undefined(4, 134, "doi:10.1515/9781400839452"),
            undefined(5, 86, "doi:10.17226/25116"),
            undefined(9, 216, "pmcid:PMC4719068"),  # after the tag, which import rewrites to its entry's key
            undefined(10, 24, "doi:10.1098/rsif.2017.0387"),
        ],
        fetched_references,
        [],
        (
            "Open collaborative writing with Manubot",
            "Daniel S. Himmelstein",
            "Based on our experience leading a recent open review",
        ),
    ),
    "quarto": Paper(
        "quarto/template.qmd",
        [],
        None,
        [],
        ("PLOS template", "Name1 Surname", "Curabitur eget porta erat."),
    ),
    "thesis": Paper(
        "thesis",
        [
            *THESIS_NOTES[:6],
            missing_label(40, 298, "code"),
            missing_label(40, 354, "figure"),
            missing_label(40, 436, "table"),
            missing_label(40, 495, "final"),
            f"manuscript/10-chapter_2.md:26:3: error[math]: formula '{ARGMIN.strip()}' uses '\\argmin', which pandoc "
            "cannot convert for the HTML and DOCX (it would print as TeX)",
            *THESIS_NOTES[6:],
        ],
        written_chapters,
        [
            *THESIS_NOTES[:6],
            appendix_link(585, 1, "some-extra-stuff"),
            appendix_link(725, 2, "some-more-extra-stuff"),
            *THESIS_NOTES[6:],
        ],
        (
            "This is the title of the thesis",
            "Firstname Surname",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
        ),
    ),
}


@pytest.fixture(scope="module", params=sorted(PAPERS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Paper, Path]:
    """A fixture imported, built, fixed as its author would and built again; the paper and the project."""
    paper = PAPERS[request.param]
    root = tmp_path_factory.mktemp("real") / request.param
    assert main(["import", str(SOURCES / paper.source), str(root), "--quiet"]) == 0
    assert build(root) == (paper.fix is None, paper.problems)
    if paper.fix is not None:
        paper.fix(root)
        assert build(root) == (True, paper.remaining)
    return paper, root


def reader_texts(root: Path) -> dict[str, str]:
    out = root / "build"
    return {
        "html": page_text((out / "paper.html").read_text(encoding="utf-8")),
        "docx": docx_text(out / "paper.docx"),
        "pdf": pdf_text(out / "paper.pdf"),
    }


def test_an_imported_paper_builds_with_only_its_true_problems_and_every_word_shown(built: tuple[Paper, Path]) -> None:
    paper, root = built
    for fmt, text in reader_texts(root).items():
        leftover = [text[max(m.start() - 30, 0) : m.end() + 30] for m in MARKUP.finditer(text)]
        assert leftover == [], f"{paper.source} {fmt}"
        flowing = normalize(text)
        assert [part for part in paper.shown if normalize(part) not in flowing] == [], f"{paper.source} {fmt}"


# ---------------------------------------------------------------------------------- the fixes these papers needed


def test_a_manubot_tag_cites_what_it_names_and_its_definition_prints_nothing(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/01-a.md": "# A\n\nAs blogged [@tag:blog], and @tag:blog again.\n\n"
            "[@tag:blog]: url:https://example.org/blog/\n",
            "bibliography/refs.bib": "@misc{url:https://example.org/blog/, author={Perkel, Jeffrey}, "
            "title={TechBlog}, year={2018}}\n",
        },
    )
    assert check_lines(root) == []
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    text = normalize(page_text((root / "build" / "paper.html").read_text(encoding="utf-8")))
    assert "As blogged (Perkel 2018), and Perkel (2018) again." in text
    assert "tag:" not in text and "example.org" not in text


def test_plain_raw_html_reaches_the_docx_as_what_it_means(tmp_path: Path) -> None:
    chapter = (
        "# A\n\nH<sub>2O, never closed.\n\n"
        "H<sub>x</sub>O, y<sup>z</sup>, <em>e</em> <i>i</i> <strong>s</strong> <b>b</b> <u>u</u>,\na line<br>break.\n"
    )
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter})
    assert [d.format() for d in sorted(run_build(root, ["docx"], Options()).diagnostics)] == [
        "manuscript/01-a.md:3:2: warning[raw-html]: raw HTML '<sub>' has no DOCX equivalent: pandoc drops it; write "
        "it in Markdown (H~2~O, x^2^, *emphasis*, a line ending in a backslash, a pipe table, an image)"
    ]
    with zipfile.ZipFile(root / "build" / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    runs = {text: style for style, text in re.findall(r"<w:r>(?:<w:rPr>(.*?)</w:rPr>)?<w:t[^>]*>([^<]*)</w:t>", xml)}
    assert 'w:val="subscript"' in runs["x"] and 'w:val="superscript"' in runs["z"]
    assert "<w:i" in runs["e"] and "<w:i" in runs["i"] and "<w:b" in runs["s"] and "<w:b" in runs["b"]
    assert "<w:u " in runs["u"]
    assert re.search(r"a line</w:t></w:r><w:r><w:br ?/></w:r><w:r><w:t[^>]*>break", xml)


def test_sized_delimiters_given_as_commands_typeset() -> None:
    """latex2mathml writes `\\Big\\{` as the text '\\{'; the checks and the PDF's drawing get the brace."""
    assert formula_problem(r"\Big\{ x \Big\} + \bigl\langle y \bigr\rangle") == ""
    assert math_text(r"\Big\{ x \Big\}") == "{ x }"
    svg, _ = formula_svg(r"\Big\{ x \Big\}", True)
    assert svg.startswith("<svg")


def test_a_formula_pandoc_cannot_convert_is_a_math_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": "# A\n\nThe best $\\argmin_x f(x)$ and $\\min_x f(x)$.\n"})
    assert check_lines(root) == [
        "manuscript/01-a.md:3:11: error[math]: formula '\\argmin_x f(x)' uses '\\argmin', which pandoc cannot convert "
        "for the HTML and DOCX (it would print as TeX); check the TeX; commands of LaTeX packages beyond amsmath are "
        "not available"
    ]
