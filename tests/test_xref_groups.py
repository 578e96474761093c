"""Cross-reference groups, their places and listings: a group of several kinds (`[@fig:a; @tbl:b]`) prints as
"Figure 1 and Table 1" in every output, each number a link (crossref.py); a group that mixes cross-references and
citations is reported at its own place, not at the first use of its key (checks/claims.py); a code block with a
caption or a `lst:` label is "Listing 1." in every output, and `@lst:x` reads "Listing 1" (listings.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from conftest import FIXTURES, MINIMAL_BIB, check_lines, make_project, normalize, parse_html, pdf_text
from lxml import etree

from paperbuild.cli import main

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>\n'
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
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
        ("fig-one", "fig"),
        ("tbl-two", "table"),
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


LISTINGS = (
    '# Code\n\nA listing follows.\n\n```{#lst:hello .haskell caption="Hello world in Haskell"}\n'
    'main = putStrLn "Hello"\n```\n\n```{.python lst-cap="Python greeting"}\nprint("hi")\n```\n\n'
    "As @lst:hello shows, and [@lst:hello; @fig:one].\n\n![One](one.svg){#fig:one}\n\n"
    "Listing: A *paragraph* caption\n\n```{#lst:para .c}\nx = 1;\n```\n\n"
    "::: {#lst:div .listing}\nA wrapped caption\n\n```\ny = 2\n```\n:::\n\nSee [@lst:para; @lst:div].\n"
)
DTD_FILE = FIXTURES / "jats-dtd" / "archiving-1.2-mathml3" / "JATS-archivearticle1-mathml3.dtd"


def _style(paragraph: ET.Element) -> str:
    found = paragraph.find(f"{W}pPr/{W}pStyle")
    return "" if found is None else found.get(f"{W}val", "")


def test_a_captioned_code_block_is_a_numbered_listing_in_every_output(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"manuscript/01-code.md": LISTINGS, "manuscript/one.svg": SVG})
    out = tmp_path / "out"
    assert check_lines(root) == []
    assert main(["all", "--project", str(root), "--out", str(out), "--quiet"]) == 0
    page = parse_html(out / "paper.html")
    listings = [div for div in page.iter("div") if "listing" in div.get("class", "").split()]
    assert [(div.get("id"), "".join(div[0].itertext()).strip(), "".join(div[1].itertext())) for div in listings] == [
        ("lst:hello", "Listing 1. Hello world in Haskell", 'main = putStrLn "Hello"'),
        (None, "Listing 2. Python greeting", 'print("hi")'),
        ("lst:para", "Listing 3. A paragraph caption", "x = 1;"),
        ("lst:div", "Listing 4. A wrapped caption", "y = 2"),
    ]
    links = [(a.get("href"), a.text) for a in page.iter("a") if "cross-reference" in a.get("class", "")]
    assert links == [
        ("#lst:hello", "Listing\u00a01"),
        ("#lst:hello", "Listing\u00a01"),
        ("#fig:one", "Figure\u00a01"),
        ("#lst:para", "3"),
        ("#lst:div", "4"),
    ]
    printed = normalize(pdf_text(out / "paper.pdf"))
    assert 'Listing 1. Hello world in Haskell main = putStrLn "Hello" Listing 2. Python greeting print("hi")' in printed
    assert "As Listing 1 shows, and Listing 1 and Figure 1." in printed
    assert "Listing 3. A paragraph caption x = 1; Listing 4. A wrapped caption y = 2 See Listings 3 and 4." in printed
    with zipfile.ZipFile(out / "paper.docx") as docx:
        document = ET.fromstring(docx.read("word/document.xml"))
    shown = [(_style(p), normalize("".join(t.text or "" for t in p.iter(f"{W}t")))) for p in document.iter(f"{W}p")]
    caption = shown.index(("TableCaption", "Listing 1. Hello world in Haskell"))  # kept with the code that follows
    assert shown[caption + 1] == ("SourceCode", 'main = putStrLn "Hello"')
    assert [h.get(f"{W}anchor") for h in document.iter(f"{W}hyperlink")] == [
        "lst:hello",
        "lst:hello",
        "lst:para",
        "lst:div",
    ]
    jats = etree.parse(out / "paper.xml", etree.XMLParser(load_dtd=False, no_network=True))
    assert etree.DTD(str(DTD_FILE)).validate(jats)
    boxes = jats.findall(".//boxed-text[@content-type='listing']")
    assert [
        (b.get("id"), [c.tag for c in b], b.findtext("label"), "".join(b.find("caption").itertext())) for b in boxes
    ] == [
        ("lst-hello", ["label", "caption", "code"], "Listing 1", "Hello world in Haskell"),
        (None, ["label", "caption", "code"], "Listing 2", "Python greeting"),
        ("lst-para", ["label", "caption", "code"], "Listing 3", "A paragraph caption"),
        ("lst-div", ["label", "caption", "preformat"], "Listing 4", "A wrapped caption"),
    ]
    assert [x.get("ref-type") for x in jats.iter("xref")] == ["boxed-text", "boxed-text", "fig", *["boxed-text"] * 2]


def test_a_reference_to_a_missing_listing_names_the_label_not_the_bibliography(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"manuscript/01-code.md": "# Code\n\n```{#lst:hello}\nx\n```\n\nSee @lst:hallo.\n"})
    assert check_lines(root) == [
        "manuscript/01-code.md:3:4: warning[unused-label]: label 'lst:hello' is never referred to",
        "manuscript/01-code.md:7:5: error[undefined-label]: '@lst:hallo' refers to no element labelled "
        "'{#lst:hallo}'; did you mean 'lst:hello'?",
    ]
