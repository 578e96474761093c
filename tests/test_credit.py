"""CRediT author roles (issue #18): `roles` in metadata.yaml as CRediT, Quarto and pandoc write them, an unknown role
reported at its line with the closest role, and the "Author contributions" statement in the PDF, HTML and DOCX."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from conftest import FIXTURES, make_project, normalize, parse_html, pdf_text

from paperbuild.authorship.credit import Role
from paperbuild.cli import main
from paperbuild.metadata import read_metadata
from paperbuild.pipeline import Options, run_build
from paperbuild.render import RENDERERS, Output, RenderJob, get_renderer

PATH = "manuscript/metadata.yaml"
META = """\
title: Tides
authors:
  - name: "Yuan Yue^[Now at West Lab.]"
    roles: [conceptualization, Methodology, "Writing – original draft"]
  - name: Bo Li
    roles:
      - {role: software, degree: lead}
      - data-curation
  - name: Cy Wu
acknowledgements: We thank the sea.
"""
CHAPTER = "# Introduction\n\nThe sea rises.\n"
STATEMENT = "Yuan Yue: Conceptualization, Methodology, Writing – original draft. Bo Li: Software (lead), Data curation."


def role(slug: str, name: str, degree: str = "") -> Role:
    return Role(name, f"https://credit.niso.org/contributor-roles/{slug}/", degree)


def roles_of(text: str) -> list[tuple[Role, ...]]:
    metadata, diagnostics = read_metadata(text, PATH)
    assert [d.format() for d in diagnostics] == []
    return [author.roles for author in metadata.authors]


def test_roles_are_read_as_credit_spells_them_as_slugs_and_in_quartos_and_pandocs_forms() -> None:
    as_credit = 'roles: ["Writing – Review & Editing", Formal analysis, "writing - original draft", Visualisation]'
    slugs = "roles: [writing-review-editing, formal-analysis, writing-original-draft, visualization]"
    quarto = "role: [{editing: lead}, analysis, {writing: supporting}, {Methodology: false}, {visualization: true}]"
    pandoc = "roles: [{credit: writing-review-editing, degree: Lead}, {role: formal analysis}, writing, visualization]"
    for spelling, (first, third) in {
        as_credit: ("", ""),
        slugs: ("", ""),
        quarto: ("lead", "supporting"),
        pandoc: ("lead", ""),
    }.items():
        assert roles_of(f"title: T\nauthors:\n  - name: Ada\n    {spelling}\n") == [
            (
                role("writing-review-editing", "Writing – review & editing", first),
                role("formal-analysis", "Formal analysis"),
                role("writing-original-draft", "Writing – original draft", third),
                role("visualization", "Visualization"),
            )
        ], spelling
    # Quarto's author schema (affiliations by ref) is read with its roles too
    quarto_schema = "title: T\nauthor:\n  - name: Ada\n    affiliations: [{ref: a}]\n    roles: investigation\n"
    assert roles_of(quarto_schema + "affiliations:\n  - id: a\n    name: North University\n") == [
        (role("investigation", "Investigation"),)
    ]


def test_an_unknown_role_is_an_error_at_its_line_with_the_closest_role() -> None:
    text = "title: T\nauthors:\n  - name: Ada Lovelace\n    roles: [software, Conceptualisaton, {role: software}]\n"
    metadata, diagnostics = read_metadata(text, PATH)
    hint = (
        "CRediT's 14 roles are Conceptualization, Data curation, Formal analysis, Funding acquisition, Investigation, "
        "Methodology, Project administration, Resources, Software, Supervision, Validation, Visualization, "
        "Writing – original draft, Writing – review & editing"
    )
    assert [d.format() for d in diagnostics] == [
        "manuscript/metadata.yaml:4:23: error[unknown-role]: role 'Conceptualisaton' of 'Ada Lovelace' is not a "
        f"CRediT role; did you mean 'Conceptualization'? {hint}",
        "manuscript/metadata.yaml:4:48: error[metadata]: role 'Software' of 'Ada Lovelace' is given twice; give "
        "each role once",
    ]
    assert metadata.authors[0].roles == (role("software", "Software"),)
    wrong_degree = "title: T\nauthors:\n  - name: Ada\n    roles: [{role: software, degree: main}, Chief]\n"
    assert [d.format() for d in sorted(read_metadata(wrong_degree, PATH)[1])] == [
        "manuscript/metadata.yaml:4:38: error[metadata]: degree 'main' of role 'software' of 'Ada' is not CRediT's; "
        "a degree is lead, equal or supporting",
        f"manuscript/metadata.yaml:4:45: error[unknown-role]: role 'Chief' of 'Ada' is not a CRediT role; {hint}",
    ]
    # in Quarto's author schema, an unknown role is the same error
    quarto = "title: T\nauthor:\n  - name: Ada\n    affiliation: [{name: North University}]\n    roles: Boss\n"
    assert [d.code for d in read_metadata(quarto, PATH)[1]] == ["unknown-role"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("credit"), {PATH: META, "manuscript/01-introduction.md": CHAPTER})
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def test_the_statement_is_in_the_html_under_its_heading(built: Path) -> None:
    page = parse_html(built / "paper.html")
    section = page.find(".//section[@class='contributions back-matter']")
    assert section is not None
    assert [normalize("".join(h.itertext())) for h in section.iter("h2")] == ["Author contributions"]
    paragraph = section.find("p")
    assert paragraph is not None and normalize("".join(paragraph.itertext())) == STATEMENT
    assert [normalize("".join(s.itertext())) for s in paragraph.iter("strong")] == ["Yuan Yue:", "Bo Li:"]
    back = [s.get("class") for s in page.iter("section") if "back-matter" in (s.get("class") or "")]
    assert back == ["acknowledgements back-matter", "contributions back-matter"]


def test_the_statement_is_in_the_docx_as_a_heading_and_a_paragraph(built: Path) -> None:
    paragraphs = docx.Document(str(built / "paper.docx")).paragraphs
    texts = [normalize(p.text) for p in paragraphs]
    at = texts.index("Author contributions")
    assert paragraphs[at].style is not None and paragraphs[at].style.name == "Heading 1"
    assert texts[at + 1] == STATEMENT
    bold = [run.text for run in paragraphs[at + 1].runs if run.bold]
    assert "".join(bold) == "Yuan Yue:Bo Li:"


def test_the_statement_is_in_the_pdf(built: Path) -> None:
    flow = normalize(pdf_text(built / "paper.pdf"))
    assert f"Author contributions {STATEMENT}" in flow
    assert flow.count("Now at West Lab.") == 1  # the name's footnote stays with the byline


def test_the_review_style_leaves_the_statement_out(tmp_path: Path) -> None:
    root = make_project(tmp_path, {PATH: META, "manuscript/01-introduction.md": CHAPTER})
    assert main(["all", "--project", str(root), "--style", "review", "--quiet"]) == 0
    out = root / "build"
    page = normalize("".join(parse_html(out / "paper.html").itertext()))
    paragraphs = [normalize(p.text) for p in docx.Document(str(out / "paper.docx")).paragraphs]
    pdf = normalize(pdf_text(out / "paper.pdf"))
    for text in (page, "\n".join(paragraphs), pdf):
        assert "The sea rises." in text
        assert "Author contributions" not in text and "Conceptualization" not in text and "Yuan Yue" not in text


def test_a_chinese_paper_heads_the_statement_in_chinese(tmp_path: Path) -> None:
    meta = META.replace("title: Tides", "title: 潮汐\nlang: zh")
    root = make_project(tmp_path, {PATH: meta, "manuscript/01-introduction.md": "# 引言\n\n海平面上升。\n"})
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    section = parse_html(root / "build/paper.html").find(".//section[@class='contributions back-matter']")
    assert section is not None
    assert normalize("".join(section.itertext())) == (
        "作者贡献 Yuan Yue：Conceptualization, Methodology, Writing – original draft. Bo Li：Software (lead), "
        "Data curation."
    )


def test_the_conservation_check_fails_when_a_writer_drops_the_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = get_renderer("html")

    def dropping(job: RenderJob) -> Output:
        output = html(job)
        page = re.sub(r'<section class="contributions back-matter">.*?</section>', "", output.data.decode(), flags=re.S)
        return Output(page.encode(), output.text)

    monkeypatch.setitem(RENDERERS, "html", dropping)
    root = make_project(tmp_path, {PATH: META, "manuscript/01-introduction.md": CHAPTER})
    found = [d.format() for d in sorted(run_build(root, ["html"], Options()).diagnostics)]
    out = "build/paper.html"
    hint = "a writer dropped it: write it in plain Markdown, or report it as a paperbuild bug"
    assert found == [  # the names and roles, at the lines that write them; not the statement's punctuation
        f"manuscript/metadata.yaml:3:12: error[lost-text]: 'yue', 'yuan' written here are missing from {out}; {hint}",
        "manuscript/metadata.yaml:4:13: error[lost-text]: 'conceptualization', 'methodology', 'writing', '–', "
        f"'original', 'draft' written here are missing from {out}; {hint}",
        f"manuscript/metadata.yaml:5:11: error[lost-text]: 'bo', 'li' written here are missing from {out}; {hint}",
        "manuscript/metadata.yaml:7:16: error[lost-text]: 'software', 'lead' written here are missing from "
        f"{out}; {hint}",
        "manuscript/metadata.yaml:8:9: error[lost-text]: 'data', 'curation' written here are missing from "
        f"{out}; {hint}",
    ]
    assert not (root / "build" / "paper.html").exists()


def test_a_quarto_paper_with_roles_imports_and_builds_with_the_statement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "import" / "quarto", source)
    qmd = source / "template.qmd"
    text = qmd.read_text(encoding="utf-8")
    text = text.replace(
        "  - name: Name1 Surname\n", "  - name: Name1 Surname\n    roles: [conceptualization, {investigation: lead}]\n"
    )
    text = text.replace("  - name: Name2 Surname\n", "  - name: Name2 Surname\n    roles: Wrote the manuscript.\n")
    text = text.replace("  - name: Name7 Surname\n", "  - name: Name7 Surname\n    role: editing\n")
    qmd.write_text(text, encoding="utf-8")
    root = tmp_path / "plos"
    assert main(["import", str(qmd), str(root)]) == 0
    printed = capsys.readouterr().err
    assert (
        "template.qmd:23:12: warning[not-imported]: role 'Wrote the manuscript.' of 'Name2 Surname' is not a CRediT "
        "role; left out; CRediT's 14 roles are "
    ) in printed
    authors = yaml.safe_load((root / "manuscript" / "metadata.yaml").read_text(encoding="utf-8"))["authors"]
    assert [author.get("roles") for author in authors] == [
        ["Conceptualization", {"role": "Investigation", "degree": "lead"}],
        *[None] * 5,
        ["Writing – review & editing"],
        None,
    ]
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    section = parse_html(root / "build" / "paper.html").find(".//section[@class='contributions back-matter']")
    assert section is not None
    assert normalize("".join(section.itertext())) == (
        "Author contributions Name1 Surname: Conceptualization, Investigation (lead). Name7 Surname: Writing – "
        "review & editing."
    )


def test_a_flood_of_roles_is_read_up_to_a_cap() -> None:
    text = "title: T\nauthors:\n  - name: Ada\n    roles: [" + ", ".join(["software"] + ["xq"] * 9999) + "]\n"
    metadata, diagnostics = read_metadata(text, PATH)
    assert metadata.authors[0].roles == (role("software", "Software"),)
    assert [d.code for d in diagnostics].count("unknown-role") == 27
    assert diagnostics[-1].format() == (
        "manuscript/metadata.yaml:4:131: error[metadata]: 'Ada' has 10000 roles; the first 28 are read; CRediT has "
        "14 roles; give each once"
    )
