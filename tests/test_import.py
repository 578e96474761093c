"""`import SRC [DIR]`: JOSS, Manubot, Quarto and pandoc papers (real extracts in tests/fixtures/import/) laid out as
projects whose chapters keep their text byte for byte, whose metadata.yaml holds the mapped authors, and on which
`check` reports only the paper's own problems."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, metadata, parse_html, run_import

from paperbuild.authorship.schemas import map_authors
from paperbuild.cli import main
from paperbuild.yaml_nodes import compose, field

SOURCES = FIXTURES / "import"


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """`check --format json` on an imported project: its diagnostics as 'path:line: code: message'."""
    main(["check", "--project", str(root), "--format", "json"])
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    return [f"{d['path']}:{d['line']}: {d['code']}: {d['message']}" for d in found]


def test_a_joss_paper_checks_clean_and_keeps_its_text_authors_and_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mwarp1d"
    assert run_import(SOURCES / "joss", root, capsys, hints=True) == []
    source = (SOURCES / "joss" / "paper.md").read_bytes()
    body = (root / "manuscript" / "01-paper.md").read_bytes()
    assert source.endswith(body) and source[: -len(body)].endswith(b"bibliography: paper.bib\n\n---\n")
    assert body.startswith(b"\n# Summary\n")
    assert (root / "manuscript" / "figure.png").read_bytes() == (SOURCES / "joss" / "figure.png").read_bytes()
    assert (root / "bibliography" / "paper.bib").read_bytes() == (SOURCES / "joss" / "paper.bib").read_bytes()
    assert (root / "build.py").is_file() and "build/" in (root / ".gitignore").read_text(encoding="utf-8")
    assert metadata(root) == {
        "title": "mwarp1d: Manual one-dimensional data warping in Python and PyQt",
        "authors": [
            {"name": "Todd C. Pataky", "affiliations": ["1"], "orcid": "0000-0002-8292-7189"},
            {"name": "Hanaa Naouma", "affiliations": ["1", "2"]},
            {"name": "Cyril J. Donnelly", "affiliations": ["3"]},
        ],
        "affiliations": [
            {"id": "1", "name": "Kyoto University, Department of Human Health Sciences"},
            {"id": "2", "name": "Shinshu University, Department of Bioengineering"},
            {"id": "3", "name": "Nanyang Technological University, Rehabilitation Research Institute of Singapore"},
        ],
        "keywords": ["Python", "PyQt", "biomechanics", "dynamics", "kinematics", "electromyography"],
        "date": "11 October 2019",
    }
    assert check(root, capsys) == []


@pytest.mark.slow
def test_an_imported_joss_paper_builds_to_html_with_its_title_authors_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mwarp1d"
    run_import(SOURCES / "joss", root, capsys, hints=True)
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    page = parse_html(root / "build" / "paper.html")
    text = " ".join("".join(page.itertext()).split())
    assert "mwarp1d: Manual one-dimensional data warping in Python and PyQt" in text
    assert "Todd C. Pataky" in text and "Cyril J. Donnelly" in text
    assert "Kyoto University, Department of Human Health Sciences" in text
    assert "no manual techniques exist for 1D registration" in text
    assert [img.get("alt") for img in page.iter("img")] == ["Figure 1"]


def test_a_manubot_manuscript_reports_citations_by_identifier_with_the_command_that_fetches_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "meta-review"
    printed = run_import(SOURCES / "manubot", root, capsys, hints=True)
    fetch = 'fetch it: curl -LH "Accept: application/x-bibtex" https://doi.org/'
    assert printed == [
        "content/00.front-matter.md:1: warning[not-imported]: '00.front-matter.md' is a Jinja2 template for "
        "Manubot's own data; left out; paperbuild prints the title, authors and affiliations from metadata.yaml",
        "content/02.main-text.md:4:134: warning[unfetched-citation]: 'doi:10.1515/9781400839452' is cited by "
        f"identifier, which Manubot looked up online; it has no BibTeX entry; {fetch}10.1515/9781400839452 >> "
        "bibliography/references.bib, then change the entry's key to 'doi:10.1515/9781400839452'",
        "content/02.main-text.md:5:86: warning[unfetched-citation]: 'doi:10.17226/25116' is cited by identifier, "
        f"which Manubot looked up online; it has no BibTeX entry; {fetch}10.17226/25116 >> "
        "bibliography/references.bib, then change the entry's key to 'doi:10.17226/25116'",
        # [@tag:techblog-manubot] cites the manual reference its tag names: nothing to say
        "content/02.main-text.md:9:176: warning[unfetched-citation]: 'pmcid:PMC4719068' is cited by identifier, "
        "which Manubot looked up online; it has no BibTeX entry; fetch it: manubot cite pmcid:PMC4719068 | pandoc "
        "-f csljson -t bibtex >> bibliography/references.bib (pip install manubot), then change the entry's key to "
        "'pmcid:PMC4719068'",
        "content/02.main-text.md:10:24: warning[unfetched-citation]: 'doi:10.1098/rsif.2017.0387' is cited by "
        f"identifier, which Manubot looked up online; it has no BibTeX entry; {fetch}10.1098/rsif.2017.0387 >> "
        "bibliography/references.bib, then change the entry's key to 'doi:10.1098/rsif.2017.0387'",
        "content/02.main-text.md:16:37: warning[not-imported]: Manubot template variable '{{deep_review_authors}}' "
        "stays as text; write its value into the text",
        *[
            f"content/metadata.yaml:{line}:5: warning[not-imported]: author field '{key}' (of {who}) has no place "
            "in paperbuild's metadata; left out; paperbuild's authors have name, affiliations, email, orcid, "
            "corresponding, equal-contributor and roles"
            for line, key, who in (
                (10, "github", "Daniel S. Himmelstein, Anthony Gitter"),
                (12, "initials", "Daniel S. Himmelstein, Anthony Gitter"),
                (14, "twitter", "Daniel S. Himmelstein, Anthony Gitter"),
            )
        ],
    ]
    content = SOURCES / "manubot" / "content"
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == [
        "02-main-text.md",  # 01.abstract.md, its '## Abstract' and text, is the metadata's abstract
        "90-back-matter.md",
        "metadata.yaml",
    ]
    tag = "[@tag:techblog-manubot]"
    definition = f"{tag}: url:http://blogs.nature.com/naturejobs/2018/02/20/techblog-manubot-powers-a-crowdsourced-deep-learning-review/"
    key = "blogs-nature-com-naturejobs-2018-02-20-techblog-manubot-powe"  # its manual reference's id, made citable
    source = (content / "02.main-text.md").read_text(encoding="utf-8")
    imported = (root / "manuscript" / "02-main-text.md").read_text(encoding="utf-8")
    # its sections move up a level (## -> #: the title is metadata's); its text is the source's
    assert imported == source.replace(definition, "").replace(tag, f"[@{key}]").replace("## ", "# ")
    meta = metadata(root)
    assert str(meta.pop("abstract")).startswith("Open, collaborative research is a powerful paradigm")
    assert meta["authors"] == [
        {
            "name": "Daniel S. Himmelstein",
            "affiliations": ["aff1"],
            "email": "daniel.himmelstein@gmail.com",
            "orcid": "0000-0002-3012-7446",
            "corresponding": True,
            "roles": ["Conceptualization", "Data curation"],  # Manubot's "Formal analysis: false" is no role
        },
        {
            "name": "Anthony Gitter",
            "affiliations": ["aff2", "aff3"],
            "email": "gitter@biostat.wisc.edu",
            "orcid": "0000-0002-5324-9833",
            "corresponding": True,
            "roles": ["Conceptualization", "Data curation"],
        },
    ]
    usa = "United States of America"  # at the end of Manubot's affiliations: their country
    assert [(a["name"], a["country"]) for a in meta["affiliations"]] == [  # type: ignore[attr-defined]
        (
            "Department of Systems Pharmacology and Translational Therapeutics, University of Pennsylvania, "
            "Philadelphia, Pennsylvania",
            usa,
        ),
        (
            "Department of Biostatistics and Medical Informatics, University of Wisconsin-Madison, Madison, Wisconsin",
            usa,
        ),
        ("Morgridge Institute for Research, Madison, Wisconsin", usa),
    ]
    assert meta["keywords"] == ["manubot", "deep review", "publishing"] and meta["lang"] == "en-US"
    assert meta["funding"] == "Daniel S. Himmelstein was funded by G-2018-11163 and GBMF4552."  # his funders
    bib = (root / "bibliography" / "manual-references.bib").read_text(encoding="utf-8")
    assert bib.count("\n@") + bib.startswith("@") == 2 and "{url:https://elifesciences.org/for-the-press/" in bib
    found = check(root, capsys)
    assert "manuscript/02-main-text.md:4: undefined-citation: 'doi:10.1515/9781400839452' is not in " in "\n".join(
        found
    )
    assert {line.split(": ")[1] for line in found} <= {"undefined-citation", "uncited-entry"}  # no schema noise


def test_a_manubot_tag_for_an_identifier_without_an_entry_names_the_key_to_give_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "src" / "content"
    content.mkdir(parents=True)
    (content / "metadata.yaml").write_text("title: T\nauthors:\n  - name: A\n", encoding="utf-8")
    (content / "01.text.md").write_text("# T\n\nAs [@tag:a] found.\n\n[@tag:a]: doi:10.1/x\n", encoding="utf-8")
    assert run_import(tmp_path / "src", tmp_path / "out", capsys, hints=True) == [
        "content/01.text.md:3:5: warning[unfetched-citation]: 'tag:a' is cited by identifier, which Manubot looked "
        'up online; it has no BibTeX entry; fetch it: curl -LH "Accept: application/x-bibtex" https://doi.org/10.1/x '
        ">> bibliography/references.bib, then change the entry's key to 'doi:10.1/x'"
    ]


def test_a_quarto_article_maps_refs_and_equal_contributors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "plos"
    printed = run_import(SOURCES / "quarto" / "template.qmd", root, capsys, hints=True)
    assert printed[:2] == [
        "template.qmd:3:1: warning[not-imported]: 'format' has no place in paperbuild's metadata; left out; how "
        "the outputs look is set by the house style (styles/) and paperbuild's options",
        "template.qmd:29:5: warning[not-imported]: author field 'current-address' (of Name3 Surname, Name6 "
        "Surname) has no place in paperbuild's metadata; left out; paperbuild's authors have name, affiliations, "
        "email, orcid, corresponding, equal-contributor and roles",
    ]
    meta = metadata(root)
    authors = meta["authors"]
    assert isinstance(authors, list)
    assert authors[0] == {"name": "Name1 Surname", "affiliations": ["aff1", "aff2"], "equal-contributor": True}
    assert authors[6] == {
        "name": "Name7 Surname",
        "affiliations": ["aff1", "aff2", "aff3"],
        "email": "correspondingauthor@institute.edu",
        "corresponding": True,
    }
    assert meta["affiliations"] == [
        {"id": f"aff{n}", "name": f"Affiliation {what}, Institution Name", "city": "City, State", "country": "Country"}
        for n, what in ((1, "Dept"), (2, "Center"), (3, "Program"))
    ]
    assert str(meta["abstract"]).startswith("Lorem ipsum dolor sit amet, consectetur adipiscing elit.")
    source = (SOURCES / "quarto" / "template.qmd").read_bytes()
    assert source.endswith((root / "manuscript" / "01-template.md").read_bytes())
    assert check(root, capsys) == []  # Quarto's cross-reference @eq-schemeP resolves as @eq:x does


def test_a_pandoc_thesis_becomes_numbered_chapters_with_its_bibliography(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "thesis"
    printed = run_import(SOURCES / "thesis", root, capsys, hints=True)
    assert printed[0] == (
        "source/metadata.yml:2:1: warning[not-imported]: 'pagetitle' has no place in paperbuild's metadata; left "
        "out; how the outputs look is set by the house style (styles/) and paperbuild's options"
    )
    assert printed[4] == (
        "source/metadata.yml:12:1: warning[not-imported]: 'eqnPrefix' has no place in paperbuild's metadata; left "
        "out; paperbuild numbers sections, figures, tables and equations itself, in the paper's language"
    )
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == [
        "03-summary.md",  # its '# Abstract' and text went to the metadata, its \pagenumbering stays
        "09-chapter_1.md",
        "10-chapter_2.md",
        "18-references.md",
        "metadata.yaml",
    ]
    assert (root / "manuscript" / "10-chapter_2.md").read_bytes() == (
        SOURCES / "thesis" / "source" / "10_chapter_2.md"
    ).read_bytes()
    summary = (SOURCES / "thesis" / "source" / "03_summary.md").read_text(encoding="utf-8")
    abstract = summary.split("-->")[1].split("\\pagenumbering")[0].strip()
    assert metadata(root) == {
        "title": "This is the title of the thesis",
        "subtitle": "This is the subtitle of the thesis",
        "authors": [{"name": "Firstname Surname"}],
        "date": "January 2015",
        "abstract": abstract,
    }
    codes = {line.split(": ")[1] for line in check(root, capsys)}
    assert codes == {"undefined-label", "math", "raw-tex"}  # chapters left out of the extract; a TeX command (see
    # report); the template's layout commands (\\doublespacing), dropped with a note


def test_a_quarto_project_reads_the_article_its_quarto_yml_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    (src / "images").mkdir(parents=True)
    (src / "_quarto.yml").write_text(
        "project:\n  type: manuscript\nmanuscript:\n  article: paper.qmd\nbibliography: refs.bib\n", encoding="utf-8"
    )
    shutil.copy(SOURCES / "joss" / "figure.png", src / "images" / "map.png")
    (src / "refs.bib").write_text("@book{knuth84, author={Knuth, D.}, title={T}, publisher={P}, year={1984}}\n")
    (src / "paper.qmd").write_text(
        "---\ntitle: A\nauthor:\n  - name: {given: Ada, family: Lovelace}\n    orcid: https://orcid.org/0000-0002-1825-0097\n"
        "    affiliations:\n      - id: eng\n        name: Analytical Engines\n        department: Notes\n"
        "    attributes:\n      corresponding: true\ndate: last-modified\n---\n\nText [@knuth84].\n\n"
        "![A map](images/map.png)\n\n```{python}\nprint(1)\n```\n",
        encoding="utf-8",
    )
    printed = run_import(src, tmp_path / "out", capsys, hints=True)
    assert printed == [
        "paper.qmd:12:7: warning[not-imported]: 'date: last-modified' is computed by Quarto when it renders; left "
        "out; write the date, e.g. 'date: 2024-05-01'",
        "paper.qmd:19: warning[not-imported]: a python code cell is kept as code; paperbuild does not run it; run "
        "it with Quarto once and put its output (a figure, a table) in the text",
    ]
    assert metadata(tmp_path / "out") == {
        "title": "A",
        "authors": [
            {
                "name": {"given": "Ada", "family": "Lovelace", "literal": "Ada Lovelace"},
                "affiliations": ["eng"],
                "orcid": "https://orcid.org/0000-0002-1825-0097",
                "corresponding": True,
            }
        ],
        "affiliations": [{"id": "eng", "name": "Analytical Engines", "department": "Notes"}],
    }
    assert (tmp_path / "out" / "manuscript" / "images" / "map.png").is_file()
    assert (tmp_path / "out" / "bibliography" / "refs.bib").is_file()


def test_import_refuses_a_used_folder_and_a_source_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    assert main(["import", str(SOURCES / "joss"), str(used)]) == 2
    assert (
        capsys.readouterr().err
        == f"paperbuild: error: import: {used} already exists and is not empty; name a new folder\n"
    )
    assert sorted(p.name for p in used.iterdir()) == ["x"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["import", str(empty), str(tmp_path / "out")]) == 2
    assert "is not a paper import can read" in capsys.readouterr().err
    assert main(["check", "x", "y"]) == 2


def test_authors_map_joss_indexes_quarto_refs_and_manubot_names_in_order() -> None:
    joss = compose(
        'author:\n - {name: A, affiliation: "2, 1"}\naffiliations: [{name: One, index: 1}, {name: Two, index: 2}]'
    )
    people = map_authors(field(joss, "author"), field(joss, "affiliations"))
    assert people.authors == [{"name": "A", "affiliations": ["2", "1"]}]
    assert people.affiliations == [{"id": "1", "name": "One"}, {"id": "2", "name": "Two"}]
    manubot = compose(
        "authors:\n - name: B\n   affiliations: [Uni X, 'Lab, Y']\n - name: C\n   affiliations: [Uni X]\n"
    )
    people = map_authors(field(manubot, "authors"), None)
    assert people.authors == [{"name": "B", "affiliations": ["aff1", "aff2"]}, {"name": "C", "affiliations": ["aff1"]}]
    assert [a["name"] for a in people.affiliations] == ["Uni X", "Lab, Y"]


def test_aliased_authors_are_read_once_not_multiplied(tmp_path: Path) -> None:
    """A front matter of a few kilobytes whose aliases name millions of affiliations stays fast and small."""
    affs = "[" + ", ".join(["*a"] * 2000) + "]"
    text = f"---\ntitle: T\nx: &a {{name: Uni}}\nauthor:\n  - &p {{name: P, affiliations: {affs}}}\n"
    text += "  - *p\n" * 2000 + "---\n\nText.\n"
    (tmp_path / "paper.md").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "paperbuild", "import", str(tmp_path / "paper.md"), str(tmp_path / "out")]
    # 0.9 s; 23 s when each alias was read again
    subprocess.run([*command, "--quiet"], cwd=REPO, timeout=10, check=True, capture_output=True)
    authors = metadata(tmp_path / "out")["authors"]
    assert isinstance(authors, list) and len(authors) == 2001 and authors[1] == {"name": "P", "affiliations": ["aff1"]}


def test_a_manubot_tag_list_linked_outside_the_source_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "manuscript"
    shutil.copytree(SOURCES / "manubot", source)
    (tmp_path / "secret.tsv").write_text("tag\tcitation\nx\tdoi:10.1/SECRET\n", encoding="utf-8")
    (source / "content/citation-tags.tsv").symlink_to(tmp_path / "secret.tsv")
    assert main(["import", str(source), str(tmp_path / "out")]) == 1  # InputError, as for any file of the source
    err = capsys.readouterr().err
    assert "citation-tags.tsv" in err and "outside" in err and "SECRET" not in err
    assert not (tmp_path / "out").exists()


def test_a_rule_at_the_top_of_a_markdown_file_is_text_not_front_matter(tmp_path: Path) -> None:
    """`---` followed by a blank line is a horizontal rule for pandoc (and for the build): the importer must not
    take the text down to the next rule for YAML and drop it from the chapter."""
    source = tmp_path / "notes.md"
    text = "---\n\nA first paragraph under a rule.\n\n---\n\n# Body\n\nMore text.\n"
    source.write_text(text, encoding="utf-8")
    assert main(["import", str(source), str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out/manuscript/01-notes.md").read_text(encoding="utf-8") == text
