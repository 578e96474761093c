"""Property-based fuzzing of `check`: random and mutated BibTeX, YAML and Markdown never end in a traceback or a hang.

Each example writes a small project (metadata.yaml, two chapters, one .bib file, one real PNG) into a fresh temporary
folder and runs `paperbuild check --format json --quiet` in-process. Whatever the input, the command must answer like
a compiler: exit code 0 or 1, no traceback, no exception other than the documented InputError (and that only for a
project that has no paper to speak of), and every diagnostic must point into the project with a known code.

The inputs are either random text drawn from characters that matter to the three formats (brackets, `@`, braces,
`---`, backticks, `[^`, `$$`, control characters, line separators) or a valid file with random edits: characters and
lines deleted, duplicated, swapped, and snippets inserted (YAML anchors, aliases and `!!python/object` tags, unbalanced
BibTeX braces, stray `@` entries, broken markers). Runs are derandomized so CI sees the same examples every time;
`PAPERBUILD_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py` fuzzes longer by hand.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path, PurePosixPath
from types import FrameType

import pytest
import yaml
from conftest import MINIMAL_BIB, png
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from paperbuild.authorship.authors import AFFILIATION_KEYS, AUTHOR_KEYS
from paperbuild.cli import main
from paperbuild.diagnostics import CODES, Diagnostic, Severity
from paperbuild.metadata import KNOWN_KEYS

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("PAPERBUILD_FUZZ_EXAMPLES", "40"))
"""Examples per test: each runs pandoc once (0.1-0.2 s), so the file stays well under a minute."""
HANG_SECONDS = 20
"""One example taking longer than this is a hang (a check takes a fraction of a second)."""

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never fails by chance
    database=None,  # nothing written into .hypothesis/ in the repository
    print_blob=True,
    report_multiple_bugs=False,  # one clear failure, not an exception group
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------------------------------------------------
# Valid inputs, the starting points of the mutations.

VALID_BIB = MINIMAL_BIB + (
    "\n@article{lamport1994,\n"
    "  author = {Lamport, Leslie and {Addison-Wesley Team}},\n"
    '  title = "{LaTeX}: A Document Preparation System",\n'
    "  journal = {Journal of Typesetting},\n"
    "  volume = {12},\n"
    "  pages = {1--10},\n"
    "  year = {1994},\n"
    "  doi = {10.1000/xyz123},\n"
    "}\n"
)

VALID_META = """\
title: "A Small Paper: With a Subtitle-like Title"
subtitle: On fuzzing
short-title: Small Paper
authors:
  - name: Ada Lovelace
    affiliations: [uni1, lab]
    email: ada@example.org
    orcid: 0000-0002-1825-0097
    corresponding: true
  - name: Charles Babbage
    affiliation: uni1
affiliations:
  - id: uni1
    name: University of London
    department: Mathematics
    city: London
    country: UK
  - id: lab
    name: Analytical Engine Lab
keywords:
  - fuzzing
  - typesetting
abstract: |
  We show that *paperbuild* survives random input, as argued by @knuth1984.

  A second paragraph with a footnote-free claim.
lang: en-GB
date: 2024-05-01
nocite:
  - lamport1994
"""

VALID_CHAPTER = """\
# Introduction {#sec:intro}

Typesetting is old [@knuth1984, p. 33; @lamport1994]; see also [-@knuth1984] and @knuth1984.
@sec:methods explains the method, @fig:engine shows it.[^first]

[^first]: A footnote that cites [@knuth1984].

![The engine](figures/a.png){#fig:engine width=50%}

| a | b |
|---|---|
| 1 | 2 |

Table: Numbers. {#tbl:numbers}

$$ e = mc^2 $$ {#eq:energy}

As @eq:energy and @tbl:numbers show, <span class="x">raw HTML</span> is fine.

```python
print("[@notacitation] @fig:nothing")
```

<div class="note">A block of *raw* HTML.</div>

See [the site](https://example.org) and `inline @code`.

## Methods {#sec:methods}

Nothing up my sleeve, as @sec:intro promised.
"""

SECOND_CHAPTER = """\
# Discussion

Again @knuth1984, and a second footnote.[^second]

[^second]: Second.
"""

PNG = png(945, 2)  # 300 ppi at half the widest text block (6.3 in), so the valid project draws no warning

# --------------------------------------------------------------------------------------------------------------------
# Strategies.

CONTROL = st.characters(min_codepoint=1, max_codepoint=31)
ANY_CHAR = st.characters(codec="utf-8", exclude_characters="\x00")  # no NUL (its own diagnostic), no surrogates
SHARED_TOKENS = (
    "@", "{", "}", "[", "]", "(", ")", "<", ">", ":", ",", "=", "#", "!", "%", "&", "*", "|", "\\", '"', "'",
    "`", "```", "~~~", "---", "...", "[^", "$$", "$", "-", "- ", "? ", "\n", "\n\n", "\r\n", "\r", "\t", "    ",
    "\x0b", "\x0c", "\x1b", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\u00e9", "\u4e2d\u6587", "\U0001f600",
)  # fmt: skip
BIB_SNIPPETS = (
    "{", "}", "@", "@@", "\\{", "\\}", '"', "#", ",", "=", "%", "@article{", "@misc{x,", "@book{knuth1984,\n}\n",
    "@string{jt = {Journal}}\n", "@comment{", "@comment{ @article{x, }\n", "@preamble{ \"\\x\" }\n",
    "author = {", "author = {A and B and }", "editor = {Knuth, Donald and others},", "year = {19x4},",
    "date = {2020-13-45},", "doi = {https://doi.org/10.1/x},", "title = {Unbalanced", "title = jt # {x},",
    "title = undefinedmacro,", "crossref = {knuth1984},", "@article{lamport1994,", "@ARTICLE(paren, title={x})\n",
    "\n@inproceedings{ip,\n  author = {X},\n}\n", "@online{o, url={http://[bad}, title={t}, year=2020}\n",
    "Knuth1984", "@{", "@article{,}", "@article{ k e y ,}",
)  # fmt: skip
YAML_SNIPPETS = (
    "&a ", "*a", "&b [x, *a]", "<<: *a\n", "!!python/object:os.system ", "!!python/object/apply:os.system ['ls']",
    "!!python/name:os.system", "!!binary ", "!!set ", "!!omap ", "!!str ", "!!int ", "!!float ", "!!timestamp ",
    "!!null ", "!custom ", "!<tag:x> ", "%YAML 1.1\n", "%TAG !e! tag:example.com:\n", "--- ", "---\n", "...\n", "? ",
    ": ", "- ", "{", "}", "[", "]", "|", ">", "|-\n", "#", "'", '"', "~", "null", "yes", "no", "on", "1e3", "0x1F",
    "2020-01-01", ".inf", "\t", "title: ", "title: [a, b]\n", "authors: x\n", "author: ", "affiliations: {}\n",
    "keywords: {a: b}\n", "nocite: ['*']\n", "nocite: [nothere]\n", "corresponding: maybe\n", "orcid: 1234\n",
    "date: 2020-13-45\n", "csl: manuscript/metadata.yaml\n", "style: nothere\n", "lang: '!!'\n", "titel: typo\n",
    "abstract: '@knuth1984 [^x] [@?]'\n",
    "x: &x [a, a, a, a]\ny: &y [*x, *x, *x, *x]\nz: &z [*y, *y, *y, *y]\n",
)  # fmt: skip
MD_SNIPPETS = (
    "[@knuth1984]", "@knuth1984", "[-@knuth1984]", "[@knuth1984; @lamport1994]", "[@Knuth1984]", "@{odd key}",
    "[@nothere]", "[@?]", "[citation needed]", "@sec:intro", "@sec:nothere", "@fig:engine", "@tbl:numbers",
    "@eq:energy", "{#sec:intro}", "{#fig:x}", "{#eq:", "[^first]", "[^first]: again\n", "[^x]", "\n[^y]: y\n",
    "\n```\n", "\n~~~\n", "`", "``", "$$", "$$ {#eq:e}", "<div>", "</div>", "<span>", "<script>alert(1)</script>",
    "<img src=\"x.png\">", "<img src=\"../../etc/passwd\" onerror=x>", "<!--", "-->", "![x](figures/a.png)",
    "![x](figures/nothere.png)", "![x](../outside.png)", "![x](/etc/passwd)", "![x](http://[bad)",
    "![x](data:image/png;base64,AAAA)", "![x](C:\\x.png)", "[l](javascript:alert(1))", "[l](http://[bad)",
    "<http://[bad>", "[l](file:///etc/passwd)", "\n| a | b |\n|---|---|\n| 1 |\n", "\nTable: cap {#tbl:t}\n",
    "\n::: {.x}\n", "\n:::\n", "\n---\ntitle: inner\n---\n", "\n---\nx: [\n---\n", "\n---\ncsl: x.csl\n---\n",
    "\n---\n", "\n# ", "\n## Heading {#sec:methods}\n",
    "\\", "\\@", "*", "_", "~", "^", "<", ">", "&amp;", "&#0;", "&#xD800;",
)  # fmt: skip


MUTATIONS = ("insert", "insert", "replace", "delete", "duplicate", "insert-line", "delete-line", "dup-line", "swap")


def _from_pieces(pieces: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(
            st.sampled_from(pieces),
            st.text(alphabet=ANY_CHAR, max_size=6),
            st.text(alphabet=CONTROL, min_size=1, max_size=2),
        ),
        max_size=40,
    ).map("".join)


def random_text(extra: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Random text built from characters and tokens that mean something to BibTeX, YAML or Markdown."""
    return _from_pieces(SHARED_TOKENS + extra)


@st.composite
def mutated(draw: st.DrawFn, base: str, snippets: tuple[str, ...]) -> str:
    """`base` with a few random edits: characters and lines deleted, duplicated, swapped, snippets inserted."""
    text = base
    insert = st.one_of(st.sampled_from(snippets), st.sampled_from(SHARED_TOKENS), st.text(ANY_CHAR, max_size=4))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(MUTATIONS))
        lines = text.split("\n")
        if kind in ("delete", "duplicate", "replace", "insert"):
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, min(len(text), start + 12)))
            if kind == "delete":
                text = text[:start] + text[end:]
            elif kind == "duplicate":
                text = text[:end] + text[start:end] + text[end:]
            elif kind == "replace":
                text = text[:start] + draw(insert) + text[end:]
            else:
                text = text[:start] + draw(insert) + text[start:]
        elif kind == "insert-line":
            at = draw(st.integers(0, len(lines)))
            lines.insert(at, draw(insert))
            text = "\n".join(lines)
        else:
            at = draw(st.integers(0, len(lines) - 1))
            if kind == "delete-line":
                del lines[at]
            elif kind == "dup-line":
                lines.insert(at, lines[at])
            else:  # swap two lines
                other = draw(st.integers(0, len(lines) - 1))
                lines[at], lines[other] = lines[other], lines[at]
            text = "\n".join(lines)
    return text


def fuzzed(base: str, snippets: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Mutated valid input (it gets deep into the pipeline) or random text."""
    return st.one_of(mutated(base, snippets), random_text(snippets))


# Well-formed YAML with random structure: mutated YAML is mostly a syntax error, which stops metadata.py at its first
# line; these documents parse, so every key's reader meets wrong types, empty values and odd text.
YAML_WORDS = st.sampled_from(
    ["", " ", "x", "uni1", "lab", "knuth1984", "@knuth1984", "lamport1994", "*", "[@?]", "0000-0002-1825-0097",
     "0000-0002-1825-0090", "apa", "ieee", "default", "review", "en", "de-DE", "2024-05-01", "a@b.c", "$$", "---"]
)  # fmt: skip
YAML_SCALARS = st.one_of(
    YAML_WORDS, st.text(ANY_CHAR, max_size=12), st.integers(), st.floats(), st.booleans(), st.none(), st.dates()
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(YAML_SCALARS, inner, max_size=3),
    max_leaves=8,
)
AUTHOR = st.fixed_dictionaries(
    {}, optional={key: st.one_of(YAML_WORDS, YAML_VALUES) for key in (*AUTHOR_KEYS, "affilation")}
)
AFFILIATION = st.fixed_dictionaries({}, optional={key: st.one_of(YAML_WORDS, YAML_VALUES) for key in AFFILIATION_KEYS})
STRUCTURED_META = st.fixed_dictionaries(
    {},
    optional={
        **{key: st.one_of(YAML_WORDS, YAML_VALUES) for key in (*KNOWN_KEYS, "titel", "bibliography", "")},
        "style": st.sampled_from(["default", "review"]),  # other names stop the run (allowed InputError)
        "authors": st.one_of(st.lists(AUTHOR, max_size=3), YAML_VALUES),
        "affiliations": st.one_of(st.lists(AFFILIATION, max_size=3), YAML_VALUES),
    },
).flatmap(
    lambda data: st.sampled_from([False, True, None]).map(
        lambda flow: yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    )
)


def fuzzed_metadata() -> st.SearchStrategy[str]:
    """metadata.yaml: mutated, random text, or well-formed YAML of random structure (itself perhaps mutated)."""
    return st.one_of(
        mutated(VALID_META, YAML_SNIPPETS),
        random_text(YAML_SNIPPETS),
        STRUCTURED_META,
        STRUCTURED_META.flatmap(lambda text: mutated(text, YAML_SNIPPETS)),
    )


# --------------------------------------------------------------------------------------------------------------------
# Running one example.

ALLOWED_INPUT_ERRORS = (
    "no chapters",  # no NN-slug.md file in manuscript/
    "no manuscript/ folder",
    "missing; a paper needs",  # no metadata.yaml
    "style '",  # `style:` names a house style that does not exist (the style cannot be loaded at all)
    "style name '",
)
"""InputError messages that mean "there is no paper to check": everything else must be a diagnostic."""


class Hang(Exception):
    """An example ran longer than HANG_SECONDS."""


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise Hang in the main thread after `seconds`; pandoc, if running, is killed by subprocess.run's cleanup."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"check did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def write_project(root: Path, meta: str, chapter: str, bib: str) -> None:
    """The project's files, byte for byte (no dedent, no newline translation)."""
    files = {
        "manuscript/metadata.yaml": meta,
        "manuscript/01-introduction.md": chapter,
        "manuscript/02-discussion.md": SECOND_CHAPTER,
        "bibliography/references.bib": bib,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "a.png").write_bytes(PNG)


def assert_check_survives(meta: str, chapter: str, bib: str, seconds: int = HANG_SECONDS) -> None:
    """The property: `check` on the project answers with 0 or 1 and well-formed diagnostics, never a traceback,
    within `seconds`."""
    with tempfile.TemporaryDirectory(prefix="paperbuild-fuzz-") as tmp:
        root = Path(tmp).resolve()
        write_project(root, meta, chapter, bib)
        out, err = io.StringIO(), io.StringIO()
        with time_limit(seconds), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", "--project", str(root), "--format", "json", "--quiet"])
        stdout, stderr = out.getvalue(), err.getvalue()

        assert "Traceback" not in stderr, stderr
        assert code in (0, 1), f"exit code {code}: {stderr}"
        if stderr.startswith("paperbuild: error: "):  # an InputError (or another PaperbuildError) stopped the run
            message = stderr.removeprefix("paperbuild: error: ")
            assert code == 1, f"exit code {code} for: {message}"
            assert any(allowed in message for allowed in ALLOWED_INPUT_ERRORS), (
                f"InputError instead of a diagnostic: {message}"
            )
            return

        assert not stderr.strip(), f"unexpected output on stderr: {stderr}"
        raw = json.loads(stdout)["diagnostics"]
        diagnostics = []
        for item in raw:
            assert set(item) == {"path", "line", "col", "severity", "code", "message", "hint"}, item
            assert item["code"] in CODES, item
            diagnostic = Diagnostic(**{**item, "severity": Severity(item["severity"])})
            diagnostics.append(diagnostic)
            line = diagnostic.format()
            assert isinstance(line, str) and f"[{diagnostic.code}]" in line, line
            assert "\n" not in diagnostic.path, item

            path = PurePosixPath(diagnostic.path)
            assert diagnostic.path, item
            assert not path.is_absolute() and not diagnostic.path.startswith(("/", "\\")), item
            assert ".." not in path.parts and "\\" not in diagnostic.path, item
            target = (root / path).resolve()
            assert target.is_relative_to(root) and target.exists(), f"diagnostic names no file of the project: {item}"

            assert isinstance(diagnostic.line, int) and diagnostic.line >= 0, item
            assert isinstance(diagnostic.col, int) and diagnostic.col >= 0, item
            if target.is_file() and diagnostic.line:
                text = target.read_bytes().decode("utf-8-sig", "replace")
                assert diagnostic.line <= len(text.splitlines()) + 1, f"line beyond the end of the file: {item}"
        errors = any(d.severity is Severity.ERROR for d in diagnostics)
        assert code == (1 if errors else 0), f"exit code {code}, but errors={errors}: {raw}"


# --------------------------------------------------------------------------------------------------------------------
# The tests: one per input format, the other two files kept valid, and one with all three mutated at once.


def test_the_valid_project_passes() -> None:
    """The starting point of the mutations is itself a clean paper, so mutations are what the fuzzers test."""
    with tempfile.TemporaryDirectory(prefix="paperbuild-fuzz-") as tmp:
        root = Path(tmp)
        write_project(root, VALID_META, VALID_CHAPTER, VALID_BIB)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["check", "--project", str(root), "--format", "json", "--quiet"]) == 0
        assert json.loads(out.getvalue())["diagnostics"] == []


# Crashes this fuzzer found, kept as examples. BibTeX that pybtex accepts (or skips) but pandoc's BibTeX reader
# rejects used to stop `check` with "pandoc failed: Error reading bibliography file ..."; it is now a bib-syntax
# diagnostic at the line and column pandoc names.
@FUZZ
@given(bib=fuzzed(VALID_BIB, BIB_SNIPPETS))
@example(bib="@")  # was a crash: text before (or without) any `@type{` entry is never given to pybtex
@example(bib="@comment{")  # was a crash: @comment/@preamble are skipped unparsed; an unclosed one breaks pandoc
@example(bib="@misc(p, title={x})")  # was a crash: pybtex accepts `@type(...)`, pandoc says "unexpected '('"
@example(bib="@misc2{q,}")  # was a crash: a type with a digit or '-' is no entry start; pandoc: "unexpected '2'"
def test_fuzzed_bibtex_never_crashes_check(bib: str) -> None:
    assert_check_survives(VALID_META, VALID_CHAPTER, bib)


# Found while fuzzing: a `csl:` file that is not a CSL style used to stop `check` with "pandoc failed:
# CiteprocXMLError"; it is now a csl diagnostic at metadata.yaml's csl line.
@FUZZ
@given(meta=fuzzed_metadata())
@example(meta="title: x\ncsl: manuscript/metadata.yaml\n")  # was a crash: the CSL file is not CSL
def test_fuzzed_metadata_never_crashes_check(meta: str) -> None:
    assert_check_survives(meta, VALID_CHAPTER, VALID_BIB)


# Found while fuzzing: pandoc read a `---` ... `---` block anywhere in the chapters as YAML metadata, so invalid
# YAML there, or settings naming files (`csl:`), stopped `check`. Chapters are now read without metadata blocks.
@FUZZ
@given(chapter=fuzzed(VALID_CHAPTER, MD_SNIPPETS))
@example(chapter="---\n[\n---\n")  # was a crash: invalid YAML in a chapter's metadata block
@example(chapter="---\na: *b\n---\n")  # was a crash: "Unknown alias `b`"
@example(chapter="---\ncsl: x\n---\n")  # was a crash: "File x.csl not found in resource path"
def test_fuzzed_markdown_never_crashes_check(chapter: str) -> None:
    assert_check_survives(VALID_META, chapter, VALID_BIB)


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))
@given(
    meta=mutated(VALID_META, YAML_SNIPPETS),
    chapter=mutated(VALID_CHAPTER, MD_SNIPPETS),
    bib=mutated(VALID_BIB, BIB_SNIPPETS),
)
def test_everything_mutated_at_once_never_crashes_check(meta: str, chapter: str, bib: str) -> None:
    assert_check_survives(meta, chapter, bib)


# --------------------------------------------------------------------------------------------------------------------
# Hostile input: built to eat memory or time (macro chains, deep nesting, long lines, control characters, huge
# numbers), each at a size past paperbuild's bounds but small enough to write in a moment. Every example must end
# within HOSTILE_SECONDS, in diagnostics, like any other input.

HOSTILE_SECONDS = 10
HOSTILE = settings(FUZZ, max_examples=max(EXAMPLES // 3, 1), deadline=timedelta(seconds=HOSTILE_SECONDS))
HUGE_NUMBERS = st.sampled_from(["1e309", "-1e309", "9" * 400, "0x" + "f" * 300, ".inf", "1e-400", "1_000_000" * 50])


@st.composite
def macro_chain(draw: st.DrawFn) -> str:
    """`@string`s naming each other `fanout` times, `levels` deep: up to 12 ** 12 characters if expanded, and an
    entry that uses the last one (in a field, or a name list) among the valid entries."""
    levels, fanout = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    text = f'@string{{s0 = "{draw(st.text(ANY_CHAR, min_size=1, max_size=12)).replace(chr(34), "")}"}}\n'
    for level in range(1, levels + 1):
        text += f"@string{{s{level} = {' # '.join([f's{level - 1}'] * fanout)}}}\n"
    field = draw(st.sampled_from(["title", "author", "journal", "year", "note"]))
    entry = f"@misc{{chain,\n  {field} = s{levels} # s{draw(st.integers(0, levels))},\n  title = {{T}},\n}}\n"
    return draw(st.sampled_from([text + entry + VALID_BIB, VALID_BIB + text + entry, text + VALID_BIB]))


def nested(opening: str, closing: str, middle: str = "x") -> st.SearchStrategy[str]:
    return st.integers(1, 400).map(lambda depth: opening * depth + middle + closing * depth)


# Up to 10,000 characters: 40,000 `{` in a row take markers.py's LABEL pattern 3 s a file (quadratic).
LONG_LINE = st.tuples(
    st.sampled_from(["x", "a ", "[@knuth1984] ", "*", "@", "{", "`", "\t", "\x0b"]), st.integers(1, 10_000)
)
HOSTILE_MARKDOWN = st.one_of(
    nested("> ", "\n"),
    st.integers(1, 300).map(lambda depth: "".join("  " * i + "- x\n" for i in range(depth))),
    nested("*a _b ", "_ d*"),
    nested("[a ", "]"),
    nested("[", "]{.c}"),
    nested("^[", "]"),
    nested("<span>", "</span>"),
    nested("::: x\n", ":::\n", "x\n"),
    nested("<div>\n", "</div>\n", "x\n"),
    LONG_LINE.map(lambda piece: piece[0] * piece[1]),
    st.text(CONTROL, min_size=1, max_size=2_000),
    HUGE_NUMBERS.map(lambda number: f"$$ {number} $$ {{#eq:big}}\n\nAs @eq:big shows, {number}."),
)
HOSTILE_YAML = st.one_of(
    nested("[", "]").map(lambda value: f"title: T\nkeywords: {value}\n"),
    nested("{a: ", "}", "1").map(lambda value: f"title: T\nauthors: {value}\n"),
    st.integers(1, 300).map(lambda depth: "title: T\nx:\n" + "".join("  " * i + "- \n" for i in range(1, depth))),
    st.integers(1, 300).map(lambda depth: "title: T\nx:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, depth))),
    HUGE_NUMBERS.map(lambda number: f"title: {number}\ndate: {number}\nkeywords: [{number}]\n"),
    LONG_LINE.map(lambda piece: "title: " + piece[0] * piece[1] + "\n"),
    st.text(CONTROL, min_size=1, max_size=2_000).map(lambda text: "title: T\nabstract: " + json.dumps(text) + "\n"),
    st.integers(1, 60).map(lambda depth: "title: T\nabstract: '" + "[a " * depth + "x" + "]" * depth + "'\n"),
)
HOSTILE_BIB = st.one_of(
    macro_chain(),
    nested("{", "}").map(lambda value: f"@misc{{deep, title = {value}, year = 2000}}\n" + VALID_BIB),
    HUGE_NUMBERS.map(lambda number: f"@misc{{big, title = {{T}}, year = {number}, volume = {number}}}\n" + VALID_BIB),
    LONG_LINE.map(lambda piece: f"@misc{{long, title = {{{piece[0] * piece[1]}}}}}\n" + VALID_BIB),
    st.integers(1, 3_000).map(lambda count: "@" * count + VALID_BIB),
)


STRING_BOMB = (
    '@string{s0 = "xxxxxxxxxx"}\n'
    + "".join(f"@string{{s{i} = {' # '.join([f's{i - 1}'] * 10)}}}\n" for i in range(1, 10))
    + "@misc{chain, title = s9}\n"
)
"""The issue's bomb: 10 ** 10 characters from a few lines."""


@HOSTILE
@given(chapter=HOSTILE_MARKDOWN, alone=st.booleans())
@example(chapter="> " * 300 + "deep\n", alone=False)  # was an internal error once rendered: WeasyPrint's stack
@example(chapter="*a _b " * 300 + "c" + "_ d*" * 300, alone=True)  # was a RecursionError in Python's JSON parser
@example(chapter="[a " * 20 + "x" + "]" * 20, alone=True)  # took pandoc 200 s and 4 GB
def test_hostile_markdown_is_bounded(chapter: str, alone: bool) -> None:
    text = chapter if alone else VALID_CHAPTER + "\n" + chapter
    assert_check_survives(VALID_META, text, VALID_BIB, HOSTILE_SECONDS)


@HOSTILE
@given(meta=HOSTILE_YAML)
@example(meta="title: T\nx: " + "[" * 10_000 + "]" * 10_000 + "\n")  # was a RecursionError in PyYAML's composer
def test_hostile_metadata_is_bounded(meta: str) -> None:
    assert_check_survives(meta, VALID_CHAPTER, VALID_BIB, HOSTILE_SECONDS)


@HOSTILE
@given(bib=HOSTILE_BIB)
@example(bib=STRING_BOMB + VALID_BIB)  # was a MemoryError, after taking all the memory there was
def test_hostile_bibtex_is_bounded(bib: str) -> None:
    assert_check_survives(VALID_META, VALID_CHAPTER, bib, HOSTILE_SECONDS)
