"""Cross-reference groups and their places: a group of several kinds (`[@fig:a; @tbl:b]`) prints as "Figure 1 and
Table 1" in every output, each number a link (crossref.py); a group that mixes cross-references and citations is
reported at its own place, not at the first use of its key (checks/claims.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from conftest import MINIMAL_BIB, check_lines, make_project, normalize, parse_html, pdf_text

from paperbuild.cli import main

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>\n'
TABLE = "| A | B |\n|---|---|\n| 1 | 2 |\n\n: Two {#tbl:two}\n\n"


def test_a_group_of_a_figure_and_a_table_prints_both_in_every_output(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        {
            "manuscript/01-intro.md": f"# Intro\n\nSee [@fig:one; @tbl:two].\n\n![One](one.svg){{#fig:one}}\n\n{TABLE}",
            "manuscript/one.svg": SVG,
        },
    )
    out = tmp_path / "out"
    assert check_lines(root) == []
    assert main(["all", "--project", str(root), "--out", str(out), "--quiet"]) == 0
    paragraph = next(p for p in parse_html(out / "paper.html").iter("p") if "".join(p.itertext()).startswith("See"))
    assert "".join(paragraph.itertext()) == "See Figure\u00a01 and Table\u00a01."
    assert [(a.get("href"), a.text) for a in paragraph.iter("a")] == [
        ("#fig:one", "Figure\u00a01"),
        ("#tbl:two", "Table\u00a01"),
    ]
    assert "See Figure 1 and Table 1." in normalize(pdf_text(out / "paper.pdf"))
    with zipfile.ZipFile(out / "paper.docx") as docx:
        document = docx.read("word/document.xml").decode()
    assert "REF _Ref_fig_one" in document and "REF _Ref_tbl_two" in document
    jats = next(p for p in ET.parse(out / "paper.xml").iter("p") if (p.text or "").startswith("See"))
    assert "".join(jats.itertext()) == "See Figure\u00a01 and Table\u00a01."
    assert [(x.get("rid"), x.get("ref-type")) for x in jats.iter("xref")] == [
        ("figU003Aone", "fig"),
        ("tblU003Atwo", "table"),
    ]


def test_a_mixed_group_is_reported_where_it_is_not_at_the_first_use_of_its_key(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/01-intro.md": "# Intro\n\nFirst see [@fig:one].\n\n![One](one.svg){#fig:one}\n\n"
            "Later a mixed group [@fig:one; @knuth1984].\nAgain [@fig:one; @knuth1984].\n",
            "manuscript/one.svg": SVG,
            "bibliography/references.bib": MINIMAL_BIB,
        },
    )
    message = (
        "error[mixed-reference]: '@fig:one' and '@knuth1984' form one group that mixes cross-references and "
        "citations, which cannot print; pandoc joins both '[@fig:a; @key]' and '@fig:a [@key]' into one group: "
        "put words between them"
    )
    assert check_lines(root) == [f"manuscript/01-intro.md:7:22: {message}", f"manuscript/01-intro.md:8:8: {message}"]
