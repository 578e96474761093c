"""Journal profiles by name (`journal: NAME` in metadata.yaml, `--journal NAME`): each shipped profile builds a paper in
its citation style and enforces its rules; a project's journal.yaml extends one; an unknown name says which exist."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, check_lines, make_project, png

from paperbuild import journal_profiles
from paperbuild.cli import main
from paperbuild.csl import collection_dir
from paperbuild.journal_profiles import SHIPPED_DIR, read_shipped, shipped_names
from paperbuild.pipeline import Options, run_check
from paperbuild.project import load_project

OKAFOR = (
    "@article{okafor2015,\n  author = {Okafor, Chidi},\n  title = {Reading tide gauges},\n"
    "  journal = {Journal of Coastal Gauges},\n  volume = {12},\n  pages = {45--67},\n  year = {2015},\n}\n"
)
KEYWORDS = ["tides", "gauges", "sea level", "coasts", "records"]


def abstract(words: int) -> str:
    return " ".join(f"w{i}" for i in range(words))


def meta(journal: str, *, words: int = 180, keywords: list[str] = KEYWORDS, extra: str = "") -> str:
    return (
        "title: Tide Gauges\n"
        "authors:\n"
        "  - name: Ada Lovelace\n"
        "    email: ada@example.org\n"
        "    orcid: 0000-0002-1825-0097\n"
        "    corresponding: true\n"
        f"keywords: [{', '.join(keywords)}]\n"
        f"abstract: {abstract(words)}\n"
        "funding: The Tide Fund.\n"
        f"{extra}"
        f"journal: {journal}\n"
    )


SECTIONS = {  # the headings each profile asks for beyond an introduction and conclusions; Funding is metadata's
    "plos-one": ["Materials and methods", "Results", "Discussion", "Data availability", "Author contributions",
                 "Competing interests"],
    "elsevier": ["Declaration of competing interest", "CRediT authorship contribution statement",
                 "Data availability"],
    "springer-nature": ["Competing interests", "Data availability", "Author contributions"],
    "mdpi": ["Author contributions", "Data availability statement", "Conflicts of interest"],
    "ieee-transactions": [],
    "chinese-journal": [],
}  # fmt: skip


def chapter(sections: list[str]) -> str:
    body = "# Introduction\n\nGauges drift [@okafor2015].\n\nAs @fig:gauge shows, one drifts.\n\n"
    body += "![A tide gauge.](figures/gauge.png){#fig:gauge}\n\n"
    body += "".join(f"# {title}\n\nText of {title.lower()}.\n\n" for title in sections)
    return body + "# Conclusions\n\nThey do.\n"


def paper(root: Path, journal: str, *, sections: list[str] | None = None, **meta_args: object) -> Path:
    text = meta_args.pop("text", None) or meta(journal, **meta_args)  # type: ignore[arg-type]
    make_project(
        root,
        {
            "manuscript/metadata.yaml": str(text),
            "manuscript/01-paper.md": chapter(SECTIONS.get(journal, []) if sections is None else sections),
            "bibliography/refs.bib": OKAFOR,
        },
    )
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / "gauge.png").write_bytes(png(2400, 2))  # 300 ppi across any style's text
    return root


def html_text(root: Path) -> str:
    page = (root / "build" / "paper.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))  # "Figure&nbsp;1" reads "Figure 1"


def test_six_profiles_are_shipped() -> None:
    assert shipped_names() == [
        "chinese-journal", "elsevier", "ieee-transactions", "mdpi", "plos-one", "springer-nature"
    ]  # fmt: skip


@pytest.mark.parametrize("name", shipped_names())
def test_each_shipped_profile_loads_cleanly_and_names_its_guidelines(tmp_path: Path, name: str) -> None:
    profile, problems = read_shipped(name)
    assert problems == []
    assert profile is not None
    assert profile.guidelines.startswith("https://")
    assert f"| {profile.guidelines} |" in README_PROFILES  # the README table names it
    assert (collection_dir() / f"{profile.settings['csl'].value}.csl").is_file()  # a style of the collection
    project, found = load_project(paper(tmp_path, name))
    assert found == []
    assert project.style.name == profile.settings["style"].value
    assert project.csl_file == collection_dir() / f"{profile.settings['csl'].value}.csl"


README = (REPO / "README.md").read_text(encoding="utf-8")
README_PROFILES = README[README.index("## Submitting to a journal") :]


MARKS = {  # what a reader sees of the profile's citation style: the citation in the text, the reference's start
    "plos-one": ("Gauges drift [1]", "1. Okafor C. Reading tide gauges."),
    "elsevier": ("Gauges drift (Okafor, 2015)", "Okafor, C., 2015. Reading tide gauges."),
    "springer-nature": ("Gauges drift (Okafor 2015)", "Okafor C (2015) Reading tide gauges."),
    "mdpi": ("Gauges drift [1]", "1. Okafor, C. Reading Tide Gauges."),
    "ieee-transactions": ("Gauges drift [1]", "[1] C. Okafor, “Reading tide gauges,”"),
    "chinese-journal": ("Gauges drift[1]", "[1] OKAFOR C. Reading tide gauges[J]."),
}
STYLE_MARKS = {  # and of its house style: the figure moved to the end, IEEE's "Index Terms"
    "plos-one": "[Figure 1 about here]",
    "elsevier": "[Figure 1 about here]",
    "springer-nature": "[Figure 1 about here]",
    "ieee-transactions": "Index Terms—tides",
}


@pytest.mark.parametrize("name", shipped_names())
def test_each_profile_builds_in_its_citation_style_with_no_diagnostic(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = paper(tmp_path, name)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert capsys.readouterr().err == ""  # every rule quiet on a paper that keeps them
    text = html_text(root)
    cited, reference = MARKS[name]
    assert cited in text
    assert reference in text
    assert STYLE_MARKS.get(name, "Keywords: tides") in text  # MDPI and the Chinese journal: the default style


def breach(name: str) -> tuple[dict[str, object], str]:
    """A paper that breaks one rule of the profile `name`, and the diagnostic that says so."""
    return {
        "plos-one": (
            {"sections": [s for s in SECTIONS["plos-one"] if s != "Data availability"]},
            "manuscript/metadata.yaml:10: error[required-section]: no section 'Data availability' or 'Data "
            "availability statement'; PLOS ONE requires it (the rule 'required-sections' of the plos-one profile); "
            "add a heading '# Data availability' to a chapter",
        ),
        "elsevier": (
            {"keywords": [*KEYWORDS, "waves", "ports", "storms"]},
            "manuscript/metadata.yaml:7: error[keyword-count]: metadata.yaml lists 8 keywords; the Elsevier journal "
            "allows at most 7; remove 1 keyword",
        ),
        "springer-nature": (
            {"words": 100},
            "manuscript/metadata.yaml:8: error[abstract-words]: the abstract has 100 words; the Springer Nature "
            "journal asks for at least 150; add 50 more words",
        ),
        "mdpi": (
            {"words": 210},
            "manuscript/metadata.yaml:8: error[abstract-words]: the abstract has 210 words; MDPI allows at most 200; "
            "cut 10 words",
        ),
        "ieee-transactions": (
            {"words": 149},
            "manuscript/metadata.yaml:8: error[abstract-words]: the abstract has 149 words; IEEE Transactions asks "
            "for at least 150; add 1 more word",
        ),
        "chinese-journal": (
            {"keywords": ["潮汐", "验潮站"]},
            "manuscript/metadata.yaml:7: error[keyword-count]: metadata.yaml lists 2 keywords; the Chinese journal "
            "(GB/T 7713.2-2022, GB/T 7714-2015) asks for at least 3; add 1 more keyword",
        ),
    }[name]


@pytest.mark.parametrize("name", shipped_names())
def test_each_profile_reports_a_breach_of_its_rules(tmp_path: Path, name: str) -> None:
    changes, expected = breach(name)
    assert check_lines(paper(tmp_path, name, **changes)) == [expected]


def test_a_section_written_from_metadata_counts_and_its_absence_is_reported(tmp_path: Path) -> None:
    """Springer's Funding is the section `funding:` prints; without it, the profile asks for the heading."""
    text = meta("springer-nature").replace("funding: The Tide Fund.\n", "")
    assert check_lines(paper(tmp_path, "springer-nature", text=text)) == [
        "manuscript/metadata.yaml:9: error[required-section]: no section 'Funding'; the Springer Nature journal "
        "requires it (the rule 'required-sections' of the springer-nature profile); add a heading '# Funding' to a "
        "chapter"
    ]


def test_the_command_line_journal_overrides_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = paper(tmp_path, "elsevier", words=149)
    assert check_lines(root) == []
    found = [d.format() for d in run_check(root, Options(journal="ieee-transactions")).diagnostics]
    assert found == [
        "manuscript/metadata.yaml:8: error[abstract-words]: the abstract has 149 words; IEEE Transactions asks "
        "for at least 150; add 1 more word"
    ]
    assert main(["html", "--project", str(paper(tmp_path / "ieee", "elsevier")), "--journal", "ieee-transactions"]) == 0
    assert MARKS["ieee-transactions"][0] in html_text(tmp_path / "ieee")


def test_metadata_csl_and_style_come_before_the_profiles(tmp_path: Path) -> None:
    root = paper(tmp_path, "elsevier", extra="csl: ieee\nstyle: review\n")
    project, found = load_project(root)
    assert found == []
    assert (project.csl_file, project.style.name) == (collection_dir() / "ieee.csl", "review")
    project, _ = load_project(root, csl="apa", style="default")
    assert (project.csl_file, project.style.name) == (collection_dir() / "apa.csl", "default")


def test_a_project_profile_extends_a_shipped_one_and_changes_one_rule(tmp_path: Path) -> None:
    root = paper(tmp_path, "mdpi", text=meta("mdpi").replace("journal: mdpi\n", ""))
    (root / "journal.yaml").write_text("extends: mdpi\nabstract-words: 150\nseverity: warning\n", encoding="utf-8")
    assert check_lines(root) == [
        "manuscript/metadata.yaml:8: warning[abstract-words]: the abstract has 180 words; MDPI allows at most 150; "
        "cut 30 words"
    ]
    project, _ = load_project(root)
    assert project.csl_file == collection_dir() / "multidisciplinary-digital-publishing-institute.csl"
    (root / "manuscript" / "01-paper.md").write_text(chapter(["Author contributions"]), encoding="utf-8")
    assert [line.split(": error")[0] for line in check_lines(root) if "required-section" in line] == [
        "journal.yaml:1",  # the shipped rules still hold, as the profile says, shown where it is extended
        "journal.yaml:1",
    ]


def test_a_project_profile_extending_another_journal_than_metadata_names(tmp_path: Path) -> None:
    root = paper(tmp_path, "mdpi")
    (root / "journal.yaml").write_text("name: Tides\nextends: elsevier\n", encoding="utf-8")
    assert check_lines(root) == [
        "journal.yaml:2: error[journal-profile]: 'extends: elsevier' differs from metadata's 'journal: mdpi', which "
        "is used; name the journal in one place"
    ]


def test_an_unknown_journal_name_says_which_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = "shipped profiles: chinese-journal, elsevier, ieee-transactions, mdpi, plos-one, springer-nature"
    root = paper(tmp_path, "plos_one")
    assert check_lines(root) == [
        f"manuscript/metadata.yaml:10: error[journal-profile]: unknown journal profile 'plos_one'; did you mean "
        f"'plos-one'? {shipped}"
    ]
    capsys.readouterr()
    assert main(["check", "--project", str(root), "--journal", "ieee"]) == 2
    assert capsys.readouterr().err.strip() == f"paperbuild: error: --journal: unknown journal profile 'ieee'; {shipped}"


def test_a_changed_shipped_profile_makes_an_up_to_date_build_check_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = tmp_path / "journals"
    shutil.copytree(SHIPPED_DIR, shipped)
    monkeypatch.setattr(journal_profiles, "SHIPPED_DIR", shipped)
    root = paper(tmp_path / "paper", "ieee-transactions")
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    profile = shipped / "ieee-transactions.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("max: 250", "max: 170"), encoding="utf-8")
    capsys.readouterr()
    assert main(["html", "--project", str(root), "--quiet"]) == 1
    assert "the abstract has 180 words; IEEE Transactions allows at most 170" in capsys.readouterr().err


def test_a_missing_abstract_is_shown_in_metadata_with_the_key_to_add(tmp_path: Path) -> None:
    text = meta("ieee-transactions").replace(f"abstract: {abstract(180)}\n", "")
    assert check_lines(paper(tmp_path, "ieee-transactions", text=text)) == [
        "manuscript/metadata.yaml: error[abstract-words]: the abstract has 0 words; IEEE Transactions asks for at "
        "least 150; add 'abstract: ...' to metadata.yaml"
    ]


@pytest.mark.parametrize(
    ("journal", "name"), [("plos-one", "PLOS ONE"), ("elsevier", "the Elsevier journal"), ("mdpi", "MDPI")]
)
def test_a_journal_with_only_a_maximum_still_requires_an_abstract(tmp_path: Path, journal: str, name: str) -> None:
    text = meta(journal).replace(f"abstract: {abstract(180)}\n", "")
    found = [line for line in check_lines(paper(tmp_path, journal, text=text)) if "abstract" in line]
    assert found == [
        f"manuscript/metadata.yaml: error[required-metadata]: {name} requires an abstract, and metadata.yaml has "
        "none; add 'abstract: ...' to metadata.yaml"
    ]


def test_a_journal_name_is_never_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "paperbuild" / "journals"
    shutil.copytree(SHIPPED_DIR, shipped)
    monkeypatch.setattr(journal_profiles, "SHIPPED_DIR", shipped)
    (tmp_path / "secret.yaml").write_text("name: Secret\nabstract-words: 1\n", encoding="utf-8")
    root = paper(tmp_path / "paper", "../../secret")
    assert [line.split(";")[0] for line in check_lines(root)] == [
        "manuscript/metadata.yaml:10: error[journal-profile]: unknown journal profile '../../secret'"
    ]


def test_a_project_profile_extends_the_journal_metadata_names(tmp_path: Path) -> None:
    root = paper(tmp_path, "mdpi")
    (root / "journal.yaml").write_text("name: Tides (MDPI)\nkeywords: {max: 4}\n", encoding="utf-8")
    assert check_lines(root) == [
        "manuscript/metadata.yaml:7: error[keyword-count]: metadata.yaml lists 5 keywords; Tides (MDPI) allows at "
        "most 4; remove 1 keyword"
    ]
    assert load_project(root)[0].csl_file == collection_dir() / "multidisciplinary-digital-publishing-institute.csl"


def test_authors_roles_give_the_author_contributions_section_unless_the_style_hides_authors(tmp_path: Path) -> None:
    text = meta("plos-one").replace("    corresponding: true\n", "    corresponding: true\n    roles: [software]\n")
    root = paper(
        tmp_path, "plos-one", sections=[s for s in SECTIONS["plos-one"] if s != "Author contributions"], text=text
    )
    assert check_lines(root) == []
    found = [d.format() for d in run_check(root, Options(style="review")).diagnostics]
    rule = "(the rule 'required-sections' of the plos-one profile)"
    assert found == [
        "manuscript/metadata.yaml:11: error[required-section]: no section 'Author contributions'; PLOS ONE requires "
        f"it {rule}; add a heading '# Author contributions' to a chapter",
        "manuscript/metadata.yaml:11: error[required-section]: no section 'Funding' or 'Financial disclosure'; PLOS "
        f"ONE requires it {rule}; add a heading '# Funding' to a chapter",
    ]


def test_a_journal_that_is_neither_a_name_nor_rules(tmp_path: Path) -> None:
    assert check_lines(paper(tmp_path, "[plos-one]")) == [
        "manuscript/metadata.yaml:10: error[journal-profile]: 'journal' must name a journal profile or hold its "
        "rules; e.g. 'journal: plos-one'"
    ]
