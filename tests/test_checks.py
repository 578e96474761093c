"""The checks stage: one tiny project per diagnostic code, compared as exact lines, and a paper with mixed faults."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_BIB, check_lines, make_project, normalize, png
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paperbuild import checks, pandoc
from paperbuild.cli import main
from paperbuild.diagnostics import CODES
from paperbuild.manuscript import READER
from paperbuild.markers import scan
from paperbuild.pandoc_ast import walk
from paperbuild.project import SourceFile
from paperbuild.render.html import page_text

BOOK = MINIMAL_BIB  # @book{knuth1984, ...}


def project(tmp_path: Path, chapter: str, bib: str = BOOK, **more: str) -> Path:
    return make_project(tmp_path, {"manuscript/01-intro.md": chapter, "bibliography/refs.bib": bib, **more})


def test_the_list_of_codes_is_pinned() -> None:
    assert list(CODES) == [
        "undefined-citation",
        "uncited-entry",
        "unresolved-claim",
        "undefined-label",
        "glued-marker",
        "mixed-reference",
        "doubled-reference-word",
        "duplicate-label",
        "unused-label",
        "undefined-footnote",
        "unused-footnote",
        "missing-resource",
        "unsafe-resource",
        "remote-resource",
        "unsafe-svg",
        "empty-chapter",
        "unclosed-fence",
        "math",
        "active-content",
        "dropped-style",
        "wide-table",
        "unsafe-link",
        "control-character",
        "code-cell",
        "conditional-content",
        "bookdown-reference",
        "leftover-marker",
        "lost-text",
        "refused-resource",
        "missing-glyph",
        "wide-formula",
        "unconvertible-figure",
        "multipage-figure",
        "low-resolution",
        "raw-tex",
        "raw-html",
        "jats-omitted",
        "repeated-section",
        "bib-syntax",
        "duplicate-bib-key",
        "missing-field",
        "invalid-field",
        "unknown-entry-type",
        "metadata",
        "unknown-role",
        "yaml-syntax",
        "encoding",
        "skipped-file",
        "duplicate-chapter",
        "csl",
        "style",
        "journal-profile",
        "abstract-words",
        "body-words",
        "keyword-count",
        "reference-count",
        "figure-count",
        "table-count",
        "required-section",
        "required-metadata",
        "not-imported",
        "import-detected",
        "unfetched-citation",
        "input-limit",
    ]
    # the registered checks, in CODES' order; the remaining codes come from the other stages
    assert list(checks.CHECKS) == [code for code in CODES if code in checks.CHECKS]
    assert set(CODES) - set(checks.CHECKS) == {
        "leftover-marker", "lost-text", "refused-resource", "missing-glyph", "wide-formula", "raw-tex", "raw-html",
        "jats-omitted", "repeated-section", "bib-syntax",
        "duplicate-bib-key", "missing-field", "invalid-field", "metadata", "yaml-syntax", "encoding", "skipped-file",
        "duplicate-chapter", "csl", "style", "journal-profile", "not-imported", "import-detected", "unfetched-citation",
        "unknown-role",
        "input-limit", "unknown-entry-type",
    }  # fmt: skip


def test_a_clean_project_has_no_diagnostics(tmp_path: Path) -> None:
    assert check_lines(project(tmp_path, "# Intro\n\nAs @knuth1984 shows [@knuth1984, p. 3].\n")) == []


def test_undefined_citation_with_did_you_mean(tmp_path: Path) -> None:
    root = project(tmp_path, "# Intro\n\nSee [@knuth1984] and\nalso [@knuht1984].\n")
    assert check_lines(root) == [
        "manuscript/01-intro.md:4:7: error[undefined-citation]: 'knuht1984' is not in bibliography/refs.bib; "
        "did you mean 'knuth1984'?"
    ]


def test_citation_differing_only_in_case_names_the_right_key(tmp_path: Path) -> None:
    root = project(tmp_path, "# Intro\n\n@Knuth1984 wrote.\n")
    assert check_lines(root) == [
        "manuscript/01-intro.md:3:1: error[undefined-citation]: 'Knuth1984' is not in bibliography/refs.bib, "
        "but 'knuth1984' is; write '@knuth1984' (citation keys are case-sensitive for pandoc)",
    ]


def test_email_addresses_and_code_are_not_citations(tmp_path: Path) -> None:
    chapter = "# Intro\n\nMail a@knuth1984.org, run `@nothere`, cite [@knuth1984].\n\n```\n@alsonot\n```\n"
    assert check_lines(project(tmp_path, chapter)) == []


def test_keys_of_urls_and_dois_are_cited_as_pandoc_reads_them(tmp_path: Path) -> None:
    bib = (
        "@misc{url:https://example.org/a/1, title={Page}, author={Ann Lee}, year={2020}}\n"
        "@misc{doi:10.1164/x, title={Paper}, author={Bo Li}, year={2021}}\n"
    )
    chapter = "# Intro\n\nSee [@url:https://example.org/a/1], as @doi:10.1164/x.\n"
    assert check_lines(project(tmp_path, chapter, bib)) == []


def test_quarto_cross_references_resolve_and_are_checked_as_cross_references(tmp_path: Path) -> None:
    chapter = (
        "# Intro {#sec-intro}\n\n![A map](figures/a.png){#fig-map}\n\n| x |\n|---|\n| 1 |\n\n: Data {#tbl-data}\n\n"
        "$$\nE = mc^2\n$$ {#eq-energy}\n\nIn @sec-intro, @fig-map, @tbl-data and @eq-energy, as in [@knuth1984]; "
        "@fig-mop.\n"
    )
    root = project(tmp_path, chapter)
    (root / "manuscript" / "figures" / "a.png").parent.mkdir(parents=True)
    (root / "manuscript" / "figures" / "a.png").write_bytes(png(1900, 10))
    assert check_lines(root) == [
        "manuscript/01-intro.md:15:72: error[undefined-label]: '@fig-mop' refers to no element labelled "
        "'{#fig-mop}'; did you mean 'fig-map'?"
    ]


def test_a_cross_reference_after_its_own_kind_word_is_a_warning(tmp_path: Path) -> None:
    chapter = (
        "# Intro {#sec:intro}\n\n![A map](figures/a.png){#fig:map}\n\n$$ x $$ {#eq:e}\n\n"
        "See figure @fig:map and Eq. @eq:e, in the\nSection [@sec:intro; @sec:intro]; 见图 [@fig:map].\n\n"
        "Figure [-@fig:map], the subfigure @fig:map and @fig:map are right.\n"
    )
    root = project(tmp_path, chapter, "")
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "a.png").write_bytes(png(1900, 10))
    assert check_lines(root) == [
        "manuscript/01-intro.md:7:12: warning[doubled-reference-word]: 'figure @fig:map' reads 'figure Figure 1': "
        "the reference prints its kind word itself; write 'figure [-@fig:map]' to print the number alone, or drop "
        "'figure'",
        "manuscript/01-intro.md:7:29: warning[doubled-reference-word]: 'Eq. @eq:e' reads 'Eq. Eq. (1)': the "
        "reference prints its kind word itself; write 'Eq. [-@eq:e]' to print the number alone, or drop 'Eq.'",
        "manuscript/01-intro.md:8:10: warning[doubled-reference-word]: 'Section @sec:intro' reads 'Section Section "
        "1': the reference prints its kind word itself; write 'Section [-@sec:intro]' to print the number alone, or "
        "drop 'Section'",
        "manuscript/01-intro.md:8:39: warning[doubled-reference-word]: '图 @fig:map' reads '图 Figure 1': the "
        "reference prints its kind word itself; write '图 [-@fig:map]' to print the number alone, or drop '图'",
    ]


def test_a_marker_joined_to_the_word_before_it_is_an_error(tmp_path: Path) -> None:
    chapter = (
        "# 引言 {#sec:intro}\n\n见@sec:intro，作者@knuth1984认为。\n\n"
        "As see@knuth1984 shows; mail a@knuth1984.org or a@unknown2000.\n\n"
        "见[@sec:intro]，作者[@knuth1984]认为。\n\n作者@Knuth1984认为。\n"
    )
    hint = "put a space before '@', or write '[@{}]', which needs none (as Chinese text wants)"
    assert check_lines(project(tmp_path, chapter)) == [
        "manuscript/01-intro.md:3:2: error[glued-marker]: '@sec:intro' is joined to the word before it, so pandoc "
        "reads it as text, not as a cross-reference; " + hint.format("sec:intro"),
        "manuscript/01-intro.md:3:15: error[glued-marker]: '@knuth1984' is joined to the word before it, so pandoc "
        "reads it as text, not as a citation; " + hint.format("knuth1984"),
        "manuscript/01-intro.md:5:7: error[glued-marker]: '@knuth1984' is joined to the word before it, so pandoc "
        "reads it as text, not as a citation; " + hint.format("knuth1984"),
        "manuscript/01-intro.md:9:3: error[glued-marker]: '@Knuth1984' is joined to the word before it, so pandoc "
        "reads it as text, not as a citation; " + hint.format("Knuth1984"),  # keys compare ignoring case
    ]


def test_uncited_entry_at_its_bib_line_unless_in_nocite(tmp_path: Path) -> None:
    bib = BOOK + "\n@misc{extra2000,\n  title = {Extra},\n}\n"
    root = project(tmp_path, "# Intro\n\n[@knuth1984]\n", bib)
    assert check_lines(root) == [
        "bibliography/refs.bib:8: error[uncited-entry]: 'extra2000' is never cited; cite it, delete it, or list it "
        "under 'nocite' in metadata.yaml"
    ]
    (root / "manuscript/metadata.yaml").write_text("title: T\nnocite: [extra2000]\n")
    assert check_lines(root) == []


def test_unresolved_claim_placeholders(tmp_path: Path) -> None:
    root = project(tmp_path, "# Intro\n\nTrue [@?]. Also [citation needed]. [@knuth1984]\n")
    assert check_lines(root) == [
        "manuscript/01-intro.md:3:6: error[unresolved-claim]: placeholder [@?] still waits for its source; "
        "replace it with a citation such as [@key]",
        "manuscript/01-intro.md:3:17: error[unresolved-claim]: placeholder [citation needed] still waits for its "
        "source; replace it with a citation such as [@key]",
    ]


def test_labels_undefined_duplicate_and_unused(tmp_path: Path) -> None:
    chapter = (
        "# Intro {#sec:intro}\n\nSee @sec:intro, @fig:mapp, and [@knuth1984].\n\n"
        "# Again {#sec:intro}\n\n![Map](figures/map.png){#fig:map}\n"
    )
    root = project(tmp_path, chapter)
    (root / "manuscript/figures").mkdir()
    (root / "manuscript/figures/map.png").write_bytes(png(1890, 2))  # 300 ppi across the text
    assert check_lines(root) == [
        "manuscript/01-intro.md:3:17: error[undefined-label]: '@fig:mapp' refers to no element labelled "
        "'{#fig:mapp}'; did you mean 'fig:map'?",
        "manuscript/01-intro.md:5:9: error[duplicate-label]: label 'sec:intro' is already defined at "
        "manuscript/01-intro.md:1",
        "manuscript/01-intro.md:7:24: warning[unused-label]: label 'fig:map' is never referred to",
    ]


def test_footnotes_undefined_and_unused(tmp_path: Path) -> None:
    chapter = "# Intro\n\nText[^a] and[^b] [@knuth1984].\n\n[^a]: Defined.\n\n[^c]: Never used.\n"
    assert check_lines(project(tmp_path, chapter)) == [
        "manuscript/01-intro.md:3:13: error[undefined-footnote]: footnote '[^b]' has no definition '[^b]:'",
        "manuscript/01-intro.md:7:1: warning[unused-footnote]: footnote '[^c]' is defined but never referred to",
    ]


def test_bib_syntax_unclosed_brace_and_missing_comma_each_at_their_line(tmp_path: Path) -> None:
    bib = (
        BOOK + "\n@article{a,\n  author = {A, B},\n  title = {Open\n  journal = {J},\n  year = {2000},\n}\n"
        "\n@article{b,\n  author = {A, B}\n  title = {T},\n}\n"
    )
    root = project(tmp_path, "# Intro\n\n[@knuth1984; @a; @b; @nothere]\n", bib)
    assert check_lines(root) == [  # citing the broken entries adds nothing: their bib-syntax errors say it
        "bibliography/refs.bib:10: error[bib-syntax]: 'title' has an unclosed '{'; add the missing '}'",
        "bibliography/refs.bib:17: error[bib-syntax]: '}' expected; is a comma missing at the end of the previous "
        "field?",
        "manuscript/01-intro.md:3:22: error[undefined-citation]: 'nothere' is not in bibliography/refs.bib",
    ]


def test_duplicate_bib_key_across_files_ignoring_case(tmp_path: Path) -> None:
    other = "@book{Knuth1984,\n  author = {K, D},\n  title = {T},\n  publisher = {P},\n  year = {1984},\n}\n"
    root = project(tmp_path, "# Intro\n\n[@knuth1984]\n", **{"bibliography/z-more.bib": other})
    assert check_lines(root) == [
        "bibliography/z-more.bib:1: error[duplicate-bib-key]: key 'Knuth1984' is already defined at "
        "bibliography/refs.bib:1; keys compare ignoring case; rename or delete one entry"
    ]


def test_missing_and_invalid_fields(tmp_path: Path) -> None:
    bib = "@article{a2000,\n  author = {A, B},\n  title = {T},\n  year = {20x0},\n  doi = {doi.org/10.1/x},\n}\n"
    root = project(tmp_path, "# Intro\n\n[@a2000]\n", bib)
    assert check_lines(root) == [
        "bibliography/refs.bib:1: error[missing-field]: @article{a2000} has no 'journal' or 'journaltitle'; "
        "add journal = {...}",
        "bibliography/refs.bib:4: error[invalid-field]: year '20x0' of 'a2000' is not a four-digit year such as 2011",
        "bibliography/refs.bib:5: error[invalid-field]: doi 'doi.org/10.1/x' of 'a2000' is not a DOI such as "
        "10.1000/xyz123, without https://doi.org/",
    ]


def test_unknown_csl_name_suggests_a_close_one(tmp_path: Path) -> None:
    root = project(tmp_path, "# Intro\n\n[@knuth1984]\n", **{"manuscript/metadata.yaml": "title: T\ncsl: iee\n"})
    [line] = check_lines(root)
    assert line.startswith("manuscript/metadata.yaml:2: error[csl]: unknown citation style 'iee'; did you mean '")


def test_leftover_marker_in_what_the_reader_sees_stops_the_build(tmp_path: Path) -> None:
    root = project(tmp_path, "# Intro\n\nWhat?? [@knuth1984]\n")
    out = tmp_path / "out"
    assert main(["html", "--project", str(root), "--out", str(out), "--quiet"]) == 1
    assert not (out / "paper.html").exists()
    result = checks.leftover_markers({"build/paper.pdf": "text with knuth1984? in it"}, {"knuth1984"})
    assert [d.format() for d in result] == [
        "build/paper.pdf: error[leftover-marker]: 'knuth1984?' appears in the output, a marker that did not "
        'resolve: "text with knuth1984? in it"'
    ]


@given(
    text=st.text(alphabet="ab?1 ", max_size=40),
    keys=st.sets(st.text(alphabet="ab?1", min_size=1, max_size=4), max_size=6),
)
def test_unresolved_keys_are_found_where_a_search_for_each_finds_them(text: str, keys: set[str]) -> None:
    expected = {key: text.find(f"{key}?") for key in keys if f"{key}?" in text}
    assert checks.first_unresolved_keys(text, keys) == expected


def test_unresolved_keys_are_reported_in_key_order_each_with_its_context() -> None:
    keys = {"zhao2011", "li2009", "wang2011a", "wang2011", "chen2015", "ba1", "a1"}
    text = "Cited as zhao2011? then chen2015? and wang2011a?, ba1? — li2009? last."
    found = checks.leftover_markers({"build/paper.html": text}, keys | {"never2000"})
    shown = ["a1?", "ba1?", "chen2015?", "li2009?", "wang2011a?", "zhao2011?"]  # wang2011 only as part of wang2011a
    assert [d.message.split("'")[1] for d in found] == shown
    assert all(d.path == "build/paper.html" and d.code == "leftover-marker" for d in found)
    assert found[-1].message.endswith('"Cited as zhao2011? then chen2015? and"')


MIXED_FAULTS = [
    "bibliography/refs.bib:8: error[uncited-entry]: 'backus1957' is never cited; cite it, delete it, or list it "
    "under 'nocite' in metadata.yaml",
    "bibliography/refs.bib:12: error[invalid-field]: year '57' of 'backus1957' is not a four-digit year such as 2011",
    "bibliography/refs.bib:15: error[missing-field]: @book{knuth1968} has no 'publisher'; add publisher = {...}",
    "bibliography/refs.bib:21: error[uncited-entry]: 'wirth1971' is never cited; cite it, delete it, or list it "
    "under 'nocite' in metadata.yaml",
    "bibliography/refs.bib:26: error[invalid-field]: doi 'https://doi.org/10.1007/BF00264291' of 'wirth1971' is not "
    "a DOI such as 10.1000/xyz123, without https://doi.org/",
    "bibliography/supplement.bib:1: error[duplicate-bib-key]: key 'Hopper1952' is already defined at "
    "bibliography/refs.bib:1; keys compare ignoring case; rename or delete one entry",
    "bibliography/supplement.bib:10: error[bib-syntax]: 'title' has an unclosed '{'; add the missing '}'",
    "manuscript/01-introduction.md:1:16: warning[unused-label]: label 'sec:intro' is never referred to",
    "manuscript/01-introduction.md:3:57: error[undefined-citation]: 'backus1975' is not in bibliography/refs.bib, "
    "bibliography/supplement.bib; did you mean 'backus1957'?",
    "manuscript/01-introduction.md:4:20: error[unresolved-claim]: placeholder [@?] still waits for its source; "
    "replace it with a citation such as [@key]",
    "manuscript/01-introduction.md:6:5: error[undefined-label]: '@sec:method' refers to no element labelled "
    "'{#sec:method}'; did you mean 'sec:methods'?",
    "manuscript/02-methods.md:3:26: error[unresolved-claim]: placeholder [citation needed] still waits for its "
    "source; replace it with a citation such as [@key]",
    "manuscript/02-methods.md:3:49: error[undefined-footnote]: footnote '[^note]' has no definition '[^note]:'",
    "manuscript/02-methods.md:9:8: warning[unused-label]: label 'tbl:data' is never referred to",
    "manuscript/02-methods.md:11:1: warning[unused-footnote]: footnote '[^orphan]' is defined but never referred to",
    "manuscript/03-results.md:1:11: error[duplicate-label]: label 'sec:intro' is already defined at "
    "manuscript/01-introduction.md:1",
    "manuscript/metadata.yaml:5:12: error[metadata]: ORCID '0000-0002-1825-0098' of 'Grace Hopper' is not valid; an "
    "ORCID iD reads 0000-0002-1825-0097 and ends in a check digit; copy it from orcid.org",
    "manuscript/metadata.yaml:9:1: warning[metadata]: unknown key 'keywrods' in 'metadata.yaml'; did you mean "
    "'keywords'?",
    "14 error(s), 4 warning(s)",
]

FIXES = {
    "manuscript/metadata.yaml": [
        ("1825-0098", "1825-0097"),
        ("keywrods", "keywords"),
        ("[compilers]\n", "[compilers]\nnocite: [ritchie1974]\n"),
    ],
    "manuscript/01-introduction.md": [
        ("backus1975", "backus1957"),
        ("still open [@?]", "now sourced [@wirth1971]"),
        ("@sec:method for", "@sec:methods for"),
    ],
    "manuscript/02-methods.md": [
        ("[citation needed]", "[@hopper1952]"),
        ("[^note]", "[^orphan]"),
        ("We follow", "@tbl:data lists them. We follow"),
    ],
    "manuscript/03-results.md": [
        ("{#sec:intro}", "{#sec:results}"),
        (
            "results agree with @sec:methods.",
            "results [@hopper1953] agree with @sec:methods, as @sec:intro and @sec:results say.",
        ),
    ],
    "bibliography/refs.bib": [
        ("{57}", "{1957}"),
        ("{The Art of Computer Programming},", "{The Art of Computer Programming},\n  publisher = {Addison-Wesley},"),
        ("https://doi.org/10.1007", "10.1007"),
    ],
    "bibliography/supplement.bib": [("Hopper1952", "hopper1953"), ("time-sharing system,", "time-sharing system},")],
}


@pytest.mark.slow
def test_mixed_faults_are_all_reported_in_one_run_and_the_fixed_paper_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "paper"
    shutil.copytree(FIXTURES / "mixed-faults", root)
    assert main(["all", "--project", str(root), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == MIXED_FAULTS
    assert not (root / "build").exists()

    for rel, replacements in FIXES.items():
        path = root / rel
        text = path.read_text()
        for old, new in replacements:
            assert old in text, (rel, old)
            text = text.replace(old, new)
        path.write_text(text)
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    text = normalize(page_text((root / "build/paper.html").read_text()))
    assert "Table 1 lists them." in text
    assert "agree with Section 2, as Section 1 and Section 3 say." in text


def test_a_label_on_an_element_nothing_numbers_and_a_mixed_group_are_errors(tmp_path: Path) -> None:
    chapter = (
        "# Intro\n\nA [phrase]{#fig:phrase} and @fig:phrase.\n\nBoth [@sec:two; @knuth1984].\n\n"
        "# Two {#sec:two}\n\nText.\n"
    )
    assert check_lines(project(tmp_path, chapter)) == [
        "manuscript/01-intro.md:3:29: error[undefined-label]: '{#fig:phrase}' is on an element that is not numbered, "
        "so '@fig:phrase' has nothing to print; put the label on a heading, a figure, a table caption or a display "
        "equation",
        "manuscript/01-intro.md:5:7: error[mixed-reference]: '@sec:two' and '@knuth1984' form one group that mixes "
        "cross-references and citations, which cannot print; pandoc joins both '[@fig:a; @key]' and '@fig:a [@key]' "
        "into one group: put words between them",
    ]


CITED = st.tuples(
    st.sampled_from(["", "[", "[-", "(", "see ", "[see "]),
    st.text(alphabet="aZ1_é:./-?#=*&~{} ", min_size=1, max_size=14),
    st.sampled_from(["", "]", ".", ", p. 2]", ")", "; @b]"]),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(CITED, min_size=1, max_size=15))
@example([("", "doi:10.1164/x.", ""), ("", "https://example.org/a/1,", ""), ("[", "url:https://x.org/a?b=1", "]")])
@example([("", "{a{b}c}.", ""), ("[", "{x.y.}", "]"), ("", "{braced key}", ""), ("", "a::b c:/d e//f", "")])
def test_citation_keys_are_the_ones_pandoc_reads(cited: list[tuple[str, str, str]]) -> None:
    """The source scan finds each citation with the key pandoc's own parse gives it (pandoc's full key grammar:
    URLs, DOIs, braced keys), so no check loses a citation whose key it read differently."""
    text = "\n\n".join(f"As {before}@{key}{after}" for before, key, after in cited) + "\n"  # not a list's "@a."
    scanned = [m.key for m in scan(SourceFile(Path("x.md"), "x.md", text)) if m.kind in ("citation", "crossref")]
    ast = json.loads(pandoc.run(["-f", READER, "-t", "json"], text.encode()))
    parsed = [c["citationId"] for node in walk(ast["blocks"]) if node["t"] == "Cite" for c in node["c"][0]]
    assert scanned == parsed
