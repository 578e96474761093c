"""Bounded work: inputs built to eat memory or time end fast in an error at their place, never in a traceback.

Each attack is scaled to fail fast on its bound: a test that passes does so in a second or two, not after the
machine's memory or minutes are gone.
"""

from __future__ import annotations

import itertools
import resource
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, check_lines, make_project, normalize, pdf_text
from pybtex.database.input import bibtex

from paperbuild import bibliography, limits, pandoc
from paperbuild.bibliography import MAX_EXPANDED_CHARS, MAX_VALUE_CHARS, read_bibliography
from paperbuild.cli import main
from paperbuild.errors import InputError
from paperbuild.project import SourceFile
from paperbuild.render import pdf_worker
from paperbuild.render.pdf_worker import PdfWorker, TypesetRequest

CHAPTER = "# Intro\n\nText [@knuth1984].\n"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    return make_project(
        tmp_path / "paper", {"manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB, **files}
    )


# --------------------------------------------------------------------------------------------------------------------
# BibTeX @string macros


def macro_chain(levels: int) -> str:
    """`@string`s that each repeat the one before ten times: 10 ** (levels + 1) characters from a few lines."""
    names = [f"m{i}" for i in range(levels + 1)]
    text = '@string{m0 = "xxxxxxxxxx"}\n'
    for before, name in itertools.pairwise(names):
        text += f"@string{{{name} = {' # '.join([before] * 10)}}}\n"
    return text


def test_a_string_bomb_stops_at_the_macro_that_grows_too_long(tmp_path: Path) -> None:
    # nine levels are 10 ** 10 characters (the 939 bytes, 4.2 GB); the sixth, 10 ** 7, is the first too long
    bib = macro_chain(9) + "@book{bomb, author = {A}, title = m9, publisher = {P}, year = {2000}}\n" + MINIMAL_BIB
    root = project(tmp_path, {"bibliography/refs.bib": bib})
    assert 10**6 <= MAX_VALUE_CHARS < 10**7
    assert check_lines(root) == [
        "bibliography/refs.bib:7: error[input-limit]: 'm6' expands to 10,000,000 characters with its @string macros "
        "(at most 1,000,000); a macro should name a journal or a publisher, not repeat other macros",
        "bibliography/refs.bib:11: error[uncited-entry]: 'bomb' is never cited; cite it, delete it, or list it under "
        "'nocite' in metadata.yaml",
    ]


def test_macros_expanded_again_and_again_stop_at_the_total_bound(tmp_path: Path) -> None:
    # each field names a 900,000-character macro (under the bound per value); the seventeenth passes the total
    fields = "".join(f"  note{i} = m5,\n" for i in range(18))
    bib = macro_chain(4) + "@string{m5 = m4 # m4 # m4 # m4 # m4 # m4 # m4 # m4 # m4}\n"
    bib += f"@misc{{big,\n{fields}}}\n" + MINIMAL_BIB
    assert MAX_EXPANDED_CHARS < 18 * 900_000
    diagnostics = read_bibliography([SourceFile(tmp_path / "refs.bib", "refs.bib", bib)])[1]
    assert [d.format() for d in diagnostics] == [
        f"refs.bib:{7 + 17}: error[input-limit]: the @string macros of the bibliography expand to more than "
        "16,000,000 characters in all (at 'm5'); a macro should name a journal or a publisher, not repeat other macros"
    ]


def test_macros_are_read_once_not_once_per_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """n macros and n entries: pybtex scans each chunk of the file once (it scanned every macro again for every
    entry, n * n steps: 4,000 of each took 15 minutes)."""
    scanned: list[int] = []
    start = bibtex.LowLevelParser.__init__

    def counting(self: bibtex.LowLevelParser, text: str, *args: object, **kwargs: object) -> None:
        scanned.append(len(text))
        start(self, text, *args, **kwargs)

    monkeypatch.setattr(bibtex.LowLevelParser, "__init__", counting)
    text = "".join(f'@string{{j{i} = "Journal {i}"}}\n' for i in range(200))
    text += "".join(f"@article{{k{i}, author = {{A}}, title = {{T}}, journal = j{i}, year = 1}}\n" for i in range(200))
    bibliography, problems = read_bibliography([SourceFile(Path("refs.bib"), "refs.bib", text)])
    assert problems == []
    assert bibliography.entries["k199"].fields["journal"] == "Journal 199"
    assert sum(scanned) == len(text)


def test_an_undefined_macro_is_named_as_such(tmp_path: Path) -> None:
    bib = "@book{knuth1984, author = {K}, title = nomacro, publisher = {P}, year = {1984}}\n"
    assert check_lines(project(tmp_path, {"bibliography/refs.bib": bib})) == [
        "bibliography/refs.bib:1: error[bib-syntax]: 'nomacro' is not a @string macro defined in the bibliography",
    ]


# --------------------------------------------------------------------------------------------------------------------
# YAML nesting


@pytest.mark.parametrize(
    ("value", "col"),
    [("[" * 10_000 + "]" * 10_000, 61), ("{a: " * 10_000 + "1" + "}" * 10_000, 207)],
    ids=["lists", "mappings"],
)
def test_deeply_nested_metadata_is_an_error_at_its_place(tmp_path: Path, value: str, col: int) -> None:
    meta = f"title: T\nkeywords: {value}\n"
    assert check_lines(project(tmp_path, {"manuscript/metadata.yaml": meta})) == [
        f"manuscript/metadata.yaml:2:{col}: error[input-limit]: lists and mappings nested more than 50 deep; "
        "metadata holds text, and lists and mappings a few levels deep",
    ]


# --------------------------------------------------------------------------------------------------------------------
# Markdown nesting


@pytest.fixture
def small_pandoc(monkeypatch: pytest.MonkeyPatch) -> None:
    """pandoc with a small heap and a short time limit: an attack that reaches pandoc fails in seconds."""
    monkeypatch.setattr(pandoc, "MEMORY_LIMIT", "+RTS -M256M -RTS")
    monkeypatch.setattr(pandoc, "TIMEOUT_SECONDS", 20)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("> " * 300 + "deep\n", 5),
        ("".join("  " * i + "- item\n" for i in range(100)), 104),
        ("*a _b " * 150 + "c" + "_ d*" * 150 + "\n", 5),
        ("::: x\n" * 100 + "deep\n" + ":::\n" * 100, 5),
    ],
    ids=["quotes", "lists", "emphasis", "divs"],
)
def test_markdown_nested_too_deeply_is_an_error_at_its_line(
    tmp_path: Path, small_pandoc: None, text: str, line: int
) -> None:
    root = project(tmp_path, {"manuscript/01-a.md": CHAPTER + "\n" + text})
    assert check_lines(root) == [
        f"manuscript/01-a.md:{line}: error[input-limit]: quotes, lists, emphasis or elements nested too deeply: the "
        "document tree is more than 100 levels deep; a paper needs a few levels; this is likely here or nearby",
    ]


def test_brackets_nested_too_deeply_are_refused_before_pandoc(tmp_path: Path, small_pandoc: None) -> None:
    # pandoc's reader takes time exponential in the depth: 20 took it 200 s and 4 GB
    chapter = CHAPTER + "\n" + "[a " * 20 + "x" + "]" * 20 + "\n"
    meta = "title: T\nabstract: '[[[[[x]]]]]'\n"
    root = project(tmp_path, {"manuscript/01-a.md": chapter, "manuscript/metadata.yaml": meta})
    hint = "pandoc takes time exponential in their depth; take some out, or escape them as \\["
    assert check_lines(root) == [
        f"manuscript/01-a.md:5:13: error[input-limit]: brackets nested more than 4 deep (links, spans, citations, "
        f"footnotes); {hint}",
        f"manuscript/metadata.yaml:2: error[input-limit]: brackets nested more than 4 deep (links, spans, citations, "
        f"footnotes); {hint}",
    ]


@pytest.mark.slow
def test_the_deepest_nesting_allowed_is_typeset(tmp_path: Path) -> None:
    """Under the bound, WeasyPrint (which recurses deepest) lays it out: lists 30 deep (60 HTML elements), and
    brackets as deep as allowed, escaped brackets and brackets in code besides."""
    text = "".join("  " * i + "- item\n" for i in range(30))
    text += "\n[a [b [c [d]]]] \\[\\[\\[\\[\\[ `[[[[[[` and [l](https://example.org)\n"
    root = project(tmp_path, {"manuscript/01-a.md": CHAPTER + "\n" + text})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    assert "[a [b [c [d]]]]" in normalize(pdf_text(root / "build/paper.pdf"))


# --------------------------------------------------------------------------------------------------------------------
# Stylesheets WeasyPrint cannot typeset, and its time limit


@pytest.mark.slow
@pytest.mark.parametrize(
    ("css", "chapter", "error"),
    [
        (
            "p { font-size: 1e30px }",
            "# A\n\nWords.\n",
            "WeasyPrint cannot typeset the page in style 'hostile' (ZeroDivisionError: float division by zero, in "
            "weasyprint/draw/text.py:206)",
        ),
        (  # with a reference list this used to hang WeasyPrint until the time limit (the limit itself is tested
            # below and in test_pdf_worker.py); since justified spaces may shrink, it fails at once
            "p { font-size: 1e30px }",
            CHAPTER,
            "WeasyPrint cannot typeset the page in style 'hostile' (ZeroDivisionError: float division by zero, in "
            "weasyprint/draw/text.py:206)",
        ),
        (
            "p {\n  color: red;\n  letter-spacing: 1e30px;\n}",
            "# A\n\nWords.\n",
            "WeasyPrint cannot typeset the page in style 'hostile' (OverflowError: int too big to convert, in "
            "weasyprint/text/line_break.py:171)",
        ),
    ],
    ids=["font-size", "font-size-with-references", "letter-spacing"],
)
def test_a_value_out_of_range_in_a_stylesheet_is_named_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    css: str,
    chapter: str,
    error: str,
) -> None:
    monkeypatch.setattr(pdf_worker, "BASE_SECONDS", 10)  # font-size 1e30px with a reference list: WeasyPrint hangs
    monkeypatch.setattr(pdf_worker, "SECONDS_PER_MB", 0)
    files = {
        "manuscript/01-a.md": chapter,
        "manuscript/metadata.yaml": "title: T\nstyle: hostile\n",
        "styles/hostile/style.yaml": "extends: default\n",
        "styles/hostile/print.css": css,
    }
    root = project(tmp_path, files if chapter == CHAPTER else {**files, "bibliography/refs.bib": ""})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 1
    declaration = next(line.strip(" ;") for line in css.replace("{", "\n").splitlines() if "1e30" in line)
    line = 1 + css.count("\n", 0, css.index("1e30"))
    assert capsys.readouterr().err == (
        f"paperbuild: error: {error}; a value out of range in style 'hostile' is the likely cause: "
        f"styles/hostile/print.css:{line}: {declaration.strip(' }')}\n"
    )
    assert not (root / "build/paper.pdf").exists()


def test_the_typesetters_time_limit_grows_with_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def request(html: str) -> TypesetRequest:
        return TypesetRequest(html, tmp_path, (tmp_path,), "pdf/ua-1", "default")

    assert request("<p>x</p>").time_limit == pytest.approx(120, abs=0.01)
    assert request("x" * 2_200_000).time_limit == 1440  # a 150,000-word book's page; typeset in 234 s
    monkeypatch.setattr(pdf_worker, "BASE_SECONDS", 1)
    monkeypatch.setattr(pdf_worker, "SECONDS_PER_MB", 0)
    endless = "<table>" + "<tr><td>cell</td></tr>" * 20_000 + "</table>"
    with pytest.raises(InputError, match=r"typesetting the PDF took longer than 1 s and was stopped"):
        PdfWorker().typeset(request(endless))


# --------------------------------------------------------------------------------------------------------------------
# The command's own memory


def test_running_out_of_memory_is_an_error_naming_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {})
    status = Path("/proc/self/status").read_text()
    heap = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmData:"))) * 1024
    monkeypatch.setattr(limits, "MEMORY_LIMIT_BYTES", heap + 256 * 1024**2)  # 3 GB in a build: scaled down here
    parse_chunk = bibliography._parse_chunk

    def hungry(*args: object) -> object:
        bytearray(512 * 1024**2)  # an entry that needs more memory than there is left under the cap
        return parse_chunk(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bibliography, "_parse_chunk", hungry)
    before = resource.getrlimit(resource.RLIMIT_DATA)
    assert main(["check", "--project", str(root), "--quiet"]) == 1
    cap = (heap + 256 * 1024**2) // 1024**2
    assert capsys.readouterr().err == (
        f"paperbuild: error: out of memory while reading the bibliography: paperbuild may use {cap:,} MB\n"
    )
    assert resource.getrlimit(resource.RLIMIT_DATA) == before  # the caller's limit back


def test_children_start_under_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandoc reserves far more address space than the cap (a terabyte): the cap counts only what is written."""
    monkeypatch.setattr(limits, "MEMORY_LIMIT_BYTES", 1024**3)
    assert main(["html", "--project", str(project(tmp_path, {})), "--quiet"]) == 0


DEEP_YAML = "[" * 5000 + "]" * 5000


def test_a_style_yaml_nested_too_deeply_is_an_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": "# A\n", "styles/house/style.yaml": f"extends: {DEEP_YAML}\n"})
    assert main(["check", "--project", str(root), "--style", "house"]) == 2  # the --style asked for is unusable
    err = capsys.readouterr().err
    assert "style.yaml: invalid YAML: lists and mappings nested more than 50 deep" in err and "Traceback" not in err


def test_importing_a_front_matter_nested_too_deeply_is_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "paper.md"
    source.write_text(f"---\ntitle: {DEEP_YAML}\n---\n\n# A\n\nText.\n", encoding="utf-8")
    assert main(["import", str(source), str(tmp_path / "imported")]) == 0
    err = capsys.readouterr().err
    assert (
        "paper.md:2:58: warning[not-imported]: the YAML is invalid (lists and mappings nested more than 50 deep)"
    ) in err
    assert (tmp_path / "imported/manuscript/01-paper.md").is_file()
