"""Bugs found on real use: cross-references under a superscript citation style (GB/T 7714), the journal a bundle
was made for, the two-column style's reading order and headings.

Each test builds a tiny project with the real pandoc and WeasyPrint and reads what a reader gets: the PDF's text,
the HTML page's, the DOCX's runs.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import make_project, normalize, pdf_text, png
from test_journal_profiles import paper
from test_real_papers import docx_text

from paperbuild.cli import main
from paperbuild.output import FORMATS
from paperbuild.pipeline import Options, run_build
from paperbuild.render.html import page_text
from paperbuild.yaml_safe import BoundedLoader, TooDeep

GB_T = "china-national-standard-gb-t-7714-2015-numeric"
CROSS_REFERENCES = r"""# Introduction {#sec:intro}

Tides rise as @fig:tide shows [@knuth1984]. Heights are in @tbl:heights, as @sec:intro says, from @eq:tide
and @eq:tex.

![The tide.](tide.png){#fig:tide}

| A | B |
|---|---|
| 1 | 2 |

: Heights. {#tbl:heights}

$$h = a$$ {#eq:tide}

\begin{equation}\label{eq:tex}
h = b
\end{equation}
"""
SENTENCE = "Tides rise as Figure 1 shows[1]. Heights are in Table 1, as Section 1 says, from Eq. (1) and Eq. (2)."


def superscript_project(root: Path, chapter: str = CROSS_REFERENCES) -> Path:
    make_project(
        root,
        {
            "manuscript/metadata.yaml": f"title: Tides\nauthors:\n  - name: Ada Lovelace\ncsl: {GB_T}\n",
            "manuscript/01-intro.md": chapter,
            "bibliography/refs.bib": "@book{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {The {TeXbook}},\n"
            "  publisher = {Addison-Wesley},\n  year = {1984},\n}\n",
        },
    )
    (root / "manuscript/tide.png").write_bytes(png(600, 300))
    return root


def built_texts(root: Path) -> dict[str, str]:
    """`all` on `root`, which must succeed: each output's text as a reader sees it, whitespace collapsed."""
    result = run_build(root, FORMATS, Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    build = root / "build"
    return {
        "pdf": normalize(pdf_text(build / "paper.pdf")),
        "html": normalize(page_text((build / "paper.html").read_text(encoding="utf-8"))),
        "docx": normalize(docx_text(build / "paper.docx")),
    }


def test_cross_references_keep_their_space_under_a_superscript_citation_style(tmp_path: Path) -> None:
    """GB/T 7714's superscript citation follows its word ("shows[1]", as the style asks); a cross-reference is no
    citation and keeps the space before it, in every output, whether citeproc runs or its last output is reused."""
    root = superscript_project(tmp_path)
    for fmt, text in built_texts(root).items():
        assert SENTENCE in text, fmt
    chapter = root / "manuscript/01-intro.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Tides rise", "Tides often rise"), "utf-8")
    for fmt, text in built_texts(root).items():  # the citations of the last build, reused
        assert SENTENCE.replace("Tides rise", "Tides often rise") in text, fmt


@pytest.mark.parametrize("citation", ["\\cite{knuth1984}", "[@knuth1984]"])
def test_a_cross_reference_to_a_tex_equation_keeps_its_space(tmp_path: Path, citation: str) -> None:
    """A TeX equation's label exists once the TeX is converted, and so does a `\\cite` citation: citeproc runs
    after that, with the cross-reference held out of its way either way."""
    chapter = (
        f"# Tides\n\nIt follows from @eq:tex, as shown {citation}.\n\n"
        "\\begin{equation}\\label{eq:tex}\nh = b\n\\end{equation}\n"
    )
    for fmt, text in built_texts(superscript_project(tmp_path, chapter)).items():
        assert "It follows from Eq. (1), as shown[1]." in text, fmt


def test_a_bundle_records_the_journal_chosen_on_the_command_line(tmp_path: Path) -> None:
    """`bundle --journal ieee-transactions` on a paper whose metadata names no journal: the bundled metadata.yaml
    names it, so the editor's build of the bundle's sources prints the journal's style (IEEE's two-column
    "Abstract—", its [1] citations) and the journal's rules apply; the MANIFEST says so."""
    root = paper(tmp_path / "paper", "ieee-transactions")
    metadata = root / "manuscript/metadata.yaml"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace("journal: ieee-transactions\n", ""), "utf-8")
    assert main(["bundle", "--project", str(root), "--journal", "ieee-transactions", "--quiet"]) == 0
    rebuilt = tmp_path / "rebuilt"
    with zipfile.ZipFile(root / "build" / "paper-submission.zip") as archive:
        manifest = archive.read("MANIFEST").decode()
        for name in archive.namelist():
            if name.startswith("source/"):
                (rebuilt / name.removeprefix("source/")).parent.mkdir(parents=True, exist_ok=True)
                (rebuilt / name.removeprefix("source/")).write_bytes(archive.read(name))
        bundled = normalize(pdf_text_of(archive.read("paper.pdf"), tmp_path / "bundled.pdf"))
    assert "journal: ieee-transactions\n" in (rebuilt / "manuscript/metadata.yaml").read_text(encoding="utf-8")
    assert main(["pdf", "--project", str(rebuilt), "--quiet"]) == 0
    assert "Abstract—" in bundled
    assert normalize(pdf_text(rebuilt / "build/paper.pdf")) == bundled
    assert "\njournal: IEEE Transactions ('ieee-transactions' from --journal, set in source/manuscript/" in manifest


def pdf_text_of(data: bytes, path: Path) -> str:
    path.write_bytes(data)
    return pdf_text(path)


HEADINGS = ["1. Introduction", "2. Conclusions", "Funding", "References"]
XHTML = "{http://www.w3.org/1999/xhtml}"


def heading_lines(pdf: Path) -> list[tuple[str, int, float, float]]:
    """Each line of the PDF (as `pdftotext -bbox-layout` finds them) that reads as one of HEADINGS in any case and
    however split into words: (its text, page, left x, top y)."""
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    found = []
    for number, page in enumerate(ET.fromstring(layout.stdout).iter(f"{XHTML}page"), 1):
        for line in page.iter(f"{XHTML}line"):
            words = " ".join(word.text or "" for word in line.iter(f"{XHTML}word"))
            if _letters(words) in [_letters(h) for h in HEADINGS]:
                found.append((words, number, float(line.get("xMin", 0)), float(line.get("yMin", 0))))
    return found


def _letters(text: str) -> str:
    return "".join(text.split()).casefold()


def test_two_columns_read_down_the_left_column_then_the_right_one(tmp_path: Path) -> None:
    """A short two-column paper: the body and the back matter flow through one pair of columns, so the headings,
    taken column by column from the top, come in the order they were written (as separate two-column boxes, the
    left column read Introduction, Funding, References and the right one the figure and Conclusions); and each
    heading's text, as extracted, is the word written, in IEEE's capitals (made-up small capitals extracted as
    "IntroductIon")."""
    root = paper(tmp_path, "ieee-transactions")
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    middle = 612 / 2  # US Letter's width in points
    lines = sorted(heading_lines(root / "build/paper.pdf"), key=lambda line: (line[1], line[2] > middle, line[3]))
    assert [_letters(text) for text, *_ in lines] == [_letters(heading) for heading in HEADINGS]
    assert [line[2] > middle for line in lines] == [False, False, True, True]  # the back matter on the right
    assert [text for text, *_ in lines] == [heading.upper() for heading in HEADINGS]


TRICKY_YAML = [
    "title: T\nauthors:\n  - name: Ada   # a comment\n    affiliations: [a, b]\n",
    "a: &x [1, {k: 'v'}]\nb: *x\nbase: &b {k: 1}\nd:\n  <<: *b\n  j: 2\n",
    't: |\n  line\n  two\nf: >-\n  folded\n  text\nq: "x"\ndate: 2024-01-02\nn: ~\n',
    "- ? complex key\n  : value\n- !!str 3\n",
    "\ufeffa: 1\n",
    "",
]


def node_shape(node: yaml.Node | None) -> object:
    """A node as the readers of metadata.yaml see it: kind, tag, style, where it starts and ends, what it holds."""
    if node is None:
        return None
    start, end = node.start_mark, node.end_mark
    style = node.style if isinstance(node, yaml.ScalarNode) else node.flow_style
    shape = (type(node).__name__, node.tag, style, start.line, start.column, end.line, end.column)
    if isinstance(node, yaml.ScalarNode):
        return (*shape, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*shape, [node_shape(item) for item in node.value])
    return (*shape, [(node_shape(key), node_shape(value)) for key, value in node.value])


def test_yaml_is_composed_by_libyaml_into_the_nodes_pyyaml_would_give(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 40,000-item list took PyYAML's Python parser 4 s: a text that nests no deeper than MAX_DEPTH is composed
    by libyaml (the Python composer is never called), into the same nodes, at the same lines and columns, with the
    same styles (a plain scalar's None: metadata reads a plain date as a date); a text too deep or broken is
    reported as PyYAML reports it."""
    python_nodes = [node_shape(yaml.compose(text, Loader=yaml.SafeLoader)) for text in TRICKY_YAML]
    long_list = "keywords:\n" + "".join(f"  - keyword {i}\n" for i in range(40_000))

    def refused(*args: object) -> None:
        raise AssertionError("PyYAML's Python composer ran")

    monkeypatch.setattr(yaml.composer.Composer, "compose_document", refused)
    assert yaml.__with_libyaml__  # PyYAML's wheels and Debian's python3-yaml are built with it
    assert [node_shape(yaml.compose(text, Loader=BoundedLoader)) for text in TRICKY_YAML] == python_nodes
    last = yaml.compose(long_list, Loader=BoundedLoader).value[0][1].value[-1]
    assert (last.value, last.start_mark.line, last.start_mark.column) == ("keyword 39999", 40_000, 4)

    monkeypatch.undo()  # the C parser's events find nesting past MAX_DEPTH before libyaml composes by recursion;
    # that error, and any other, comes from the Python parser as before: its words, its place
    with pytest.raises(TooDeep) as deep:
        yaml.compose("title: T\nkeywords: " + "[" * 60, Loader=BoundedLoader)
    assert (deep.value.mark.line, deep.value.mark.column) == (1, 60)
    with pytest.raises(yaml.MarkedYAMLError) as broken:
        yaml.compose("title: T\nkeywords: [a, b\nabstract: x\n", Loader=BoundedLoader)
    assert broken.value.problem == "expected ',' or ']', but got ':'"
    assert broken.value.problem_mark is not None and broken.value.problem_mark.line == 2
