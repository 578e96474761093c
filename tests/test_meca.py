"""`bundle --meca`: a MECA package (NISO RP-30) whose manifest.xml is valid against the MECA manifest DTD and lists
every file of the zip once, with its item type and media type; reproducible; a file name cannot forge an item; the
review package names no author."""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_BIB, REPO, make_project, png, zip_texts
from lxml import etree

from paperbuild.cli import main

DTD = etree.DTD(str(FIXTURES / "meca" / "manifest-1.0.dtd"))
NS = {"m": "https://manuscriptexchange.org/schema/manifest"}
HREF = "{http://www.w3.org/1999/xlink}href"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RENDITIONS = [
    ("paper.xml", "article-metadata", "application/xml"),
    ("paper.pdf", "manuscript", "application/pdf"),
    ("paper.docx", "manuscript", DOCX),
    ("paper.html", "manuscript", "text/html"),
]
JATS_DTD = etree.DTD(str(FIXTURES / "jats-dtd" / "archiving-1.2-mathml3" / "JATS-archivearticle1-mathml3.dtd"))
NAMED_META = """\
title: A Paper With Known Counts
authors:
  - name: Ada Lovelace
    affiliations: [engine]
    email: ada@example.org
    orcid: 0000-0002-1825-0097
affiliations:
  - id: engine
    name: Analytical Engine Society
acknowledgements: |
  We thank Charles Babbage for the engine.
funding: |
  Paid for by the Difference Fund.
csl: apa
"""
SHORT = {"manuscript/01-a.md": "# A\n\nText [@knuth1984].\n", "bibliography/refs.bib": MINIMAL_BIB}
"""A paper of one sentence."""
NAMES = ("Lovelace", "ada@example.org", "0000-0002-1825-0097", "Analytical Engine Society", "Babbage", "Difference")


@dataclass(frozen=True)
class Listed:
    """One item of manifest.xml, as a reader of the package sees it."""

    href: str
    item_type: str
    media_type: str
    description: str
    metadata: dict[str, str]


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def manifest(archive: zipfile.ZipFile) -> list[Listed]:
    """manifest.xml read back, after checking it against the MECA manifest DTD."""
    root = etree.fromstring(archive.read("manifest.xml"), PARSER)
    assert DTD.validate(root), DTD.error_log.filter_from_errors()
    assert root.get("manifest-version") == "2.0"
    found = []
    for item in root.iterfind("m:item", NS):
        instance = item.find("m:instance", NS)
        assert instance is not None
        metadata = {m.get("metadata-name"): m.text or "" for m in item.iterfind("m:item-metadata/m:metadata", NS)}
        description = item.findtext("m:item-description", "", NS)
        kinds = (item.get("item-type"), instance.get("media-type"))
        found.append(Listed(instance.get(HREF), *kinds, description, metadata))
    return found


def read_package(path: Path) -> tuple[list[str], list[Listed]]:
    """The zip's file names and its manifest's items, checked to match one to one, and its JATS checked to be valid
    and to name each figure by the file the package holds it in."""
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        listed = manifest(archive)
        jats = etree.fromstring(archive.read("paper.xml"), PARSER)
    assert names[0] == "manifest.xml", "manifest.xml is in the root, first"
    hrefs = [item.href for item in listed]
    assert sorted(hrefs) == sorted(names[1:]), "every file listed once, every listed file there"
    assert len(set(hrefs)) == len(hrefs)
    assert JATS_DTD.validate(jats), JATS_DTD.error_log.filter_from_errors()
    graphics = [graphic.get(HREF) for graphic in jats.iter("graphic", "inline-graphic")]
    assert graphics == [item.href for item in listed if item.item_type == "figure"]
    return names, listed


def test_the_package_lists_every_file_once_with_its_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(shutil.copytree(FIXTURES / "crossref-paper", tmp_path / "paper"))
    (root / "supplementary" / "code").mkdir(parents=True)
    (root / "supplementary" / "stations.csv").write_text("station,ice\nA1,12\n", encoding="utf-8")
    (root / "supplementary" / "code" / "fit.py").write_text("print('fit')\n", encoding="utf-8")
    assert main(["bundle", "--meca", "--project", str(root)]) == 0
    path = root / "build" / "paper-meca.zip"
    assert f"wrote {path} ({len(RENDITIONS) + 12} files, " in capsys.readouterr().err
    _, listed = read_package(path)
    assert [(i.href, i.item_type, i.media_type) for i in listed] == [
        *RENDITIONS,
        ("figures/figure-1.svg", "figure", "image/svg+xml"),
        ("figures/figure-2.png", "figure", "image/png"),
        ("supplementary/code/fit.py", "supplementary-material", "text/x-python"),
        ("supplementary/stations.csv", "supplementary-material", "text/csv"),
        ("source/bibliography/refs.bib", "article-source", "application/x-bibtex"),
        ("source/manuscript/01-introduction.md", "article-source", "text/markdown"),
        ("source/manuscript/02-methods.md", "article-source", "text/markdown"),
        ("source/manuscript/03-results.md", "article-source", "text/markdown"),
        ("source/manuscript/figures/profile.png", "article-source", "image/png"),
        ("source/manuscript/figures/valleys.svg", "article-source", "image/svg+xml"),
        ("source/manuscript/metadata.yaml", "article-source", "application/yaml"),
    ]
    figure = next(item for item in listed if item.href == "figures/figure-2.png")
    assert figure.description == "Figure 2"
    assert figure.metadata == {
        "Figure Number": "2",
        "Caption": "Figure 2. Ice thickness along the central flow line of the largest glacier.",
    }
    sources = {item.href: item.description for item in listed if item.item_type == "article-source"}
    assert sources["source/manuscript/02-methods.md"] == "Source of the paper: chapter (Pandoc Markdown), " + (
        "manuscript/02-methods.md"
    )
    with zipfile.ZipFile(path) as archive:
        for name in ("paper.pdf", "paper.docx", "paper.html"):
            assert archive.read(name) == (root / "build" / name).read_bytes()
        profile = (root / "manuscript" / "figures" / "profile.png").read_bytes()
        assert archive.read("figures/figure-2.png") == profile
        assert archive.read("supplementary/stations.csv") == b"station,ice\nA1,12\n"
    assert main(["clean", "--project", str(root), "--quiet"]) == 0
    assert not path.exists()


@pytest.mark.parametrize("paper", ["repository", "joss"])
def test_real_papers_give_a_valid_package(paper: str, tmp_path: Path) -> None:
    if paper == "repository":
        root, out = REPO, tmp_path / "out"
    else:
        root = tmp_path / "joss"
        assert main(["import", str(FIXTURES / "import" / "joss"), str(root), "--quiet"]) == 0
        out = root / "build"
    assert main(["bundle", "--meca", "--project", str(root), "--out", str(out), "--quiet"]) == 0
    names, listed = read_package(out / "paper-meca.zip")
    assert [(i.href, i.item_type, i.media_type) for i in listed[: len(RENDITIONS)]] == RENDITIONS
    types = {item.href: item.item_type for item in listed}
    figures = {name: types[name] for name in names if name.startswith("figures/")}
    assert figures == ({"figures/figure-1.png": "figure"} if paper == "joss" else {})  # this repository has none
    assert {types[name] for name in names if name.startswith("source/")} == {"article-source"}


def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    packages = []
    for name in ("first", "second-copy"):
        root = Path(shutil.copytree(FIXTURES / "counted-paper", tmp_path / name))
        assert main(["bundle", "--meca", "--project", str(root), "--quiet"]) == 0
        packages.append((root / "build" / "paper-meca.zip").read_bytes())
    assert packages[0] == packages[1]
    with zipfile.ZipFile(tmp_path / "first" / "build" / "paper-meca.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}


def test_a_hostile_file_name_or_caption_cannot_forge_an_item(tmp_path: Path) -> None:
    name = 'p" item-type="article-metadata&.png'
    caption = 'Ice & "snow" at 5 < 6 km.'
    chapter = f"# Intro\n\nAs @fig:evil shows [@knuth1984].\n\n![{caption}](<figures/{name}>){{#fig:evil}}\n"
    root = make_project(tmp_path, {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB})
    (root / "manuscript" / "figures").mkdir()
    (root / "manuscript" / "figures" / name).write_bytes(png(2000, 1000))
    assert main(["bundle", "--meca", "--project", str(root), "--quiet"]) == 0
    names, listed = read_package(root / "build" / "paper-meca.zip")
    assert f"source/manuscript/figures/{name}" in names
    hostile = [item for item in listed if item.href == f"source/manuscript/figures/{name}"]
    assert [(item.item_type, item.media_type) for item in hostile] == [("article-source", "image/png")]
    assert [item.href for item in listed if item.item_type == "article-metadata"] == [
        href for href, kind, _ in RENDITIONS if kind == "article-metadata"
    ]
    figure = next(item for item in listed if item.item_type == "figure")
    printed = "Figure 1. Ice & \u201csnow\u201d at 5 < 6 km."  # pandoc's typographic quotes
    assert figure.metadata == {"Figure Number": "1", "Caption": printed}
    with zipfile.ZipFile(root / "build" / "paper-meca.zip") as archive:
        jats = etree.fromstring(archive.read("paper.xml"), PARSER)
    assert [alt.text for alt in jats.iter("alt-text")] == [printed.removeprefix("Figure 1. ")]


def test_the_review_package_names_no_author(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "counted-paper", tmp_path / "paper"))
    (root / "manuscript" / "metadata.yaml").write_text(NAMED_META, encoding="utf-8")
    assert main(["bundle", "--meca", "--review", "--project", str(root), "--quiet"]) == 0
    path = root / "build" / "paper-review-meca.zip"
    assert not (root / "build" / "paper.pdf").exists(), "the review outputs are built aside"
    _, listed = read_package(path)
    assert [(i.href, i.item_type) for i in listed[: len(RENDITIONS)]] == [(h, t) for h, t, _ in RENDITIONS]
    seen = zip_texts(path, tmp_path)
    for name, text in seen.items():
        for person in NAMES:
            assert person not in text, f"{person!r} appears in {name}"
    assert "Anonymous author(s)" in seen["paper.html"]
    metadata = next(item for item in listed if item.href == "source/manuscript/metadata.yaml")
    assert metadata.description == "Source of the paper: metadata (YAML), without the authors, manuscript/metadata.yaml"


def test_meca_is_an_option_of_bundle_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pdf", "--meca", "--project", str(FIXTURES / "counted-paper")]) == 2
    assert "--meca is an option of bundle only" in capsys.readouterr().err


def test_the_dtd_refuses_a_manifest_that_breaks_it() -> None:
    """The validation above can fail: an item without an instance, or an unknown element, is refused."""
    head = '<manifest manifest-version="2.0" xmlns="https://manuscriptexchange.org/schema/manifest">'
    for body in ("<item item-type='figure'/>", "<item><instance/></item>", "<file href='x'/>"):
        assert not DTD.validate(etree.fromstring(f"{head}{body}</manifest>", PARSER))


@pytest.mark.parametrize(
    ("name", "command"),
    [(b"\xff\xfe.css", ["bundle"]), ("\ufffe.css".encode(), ["bundle", "--meca"])],
    ids=["not-utf-8", "not-xml"],
)
def test_a_file_name_no_zip_or_manifest_can_carry_stops_the_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: bytes, command: list[str]
) -> None:
    root = make_project(tmp_path, {**SHORT, "styles/house/style.yaml": "extends: default\n"})
    (root / "styles" / "house" / os.fsdecode(name)).write_bytes(b"x")
    assert main([*command, "--project", str(root), "--style", "house", "--quiet"]) == 1
    shown = repr("source/styles/house/" + os.fsdecode(name))
    assert capsys.readouterr().err == (
        f"paperbuild: error: cannot put {shown} in the bundle: its name holds bytes that are not UTF-8 text, or "
        "U+FFFE or U+FFFF, which no zip entry or XML manifest can name; rename the file\n"
    )
    assert not list((root / "build").glob("*.zip"))


def test_the_submission_bundle_carries_the_supplementary_material_too(tmp_path: Path) -> None:
    root = make_project(tmp_path, SHORT)
    (root / "supplementary").mkdir()
    (root / "supplementary" / "table-s1.csv").write_bytes(b"a,b\n1,2\n")
    assert main(["bundle", "--project", str(root), "--quiet"]) == 0
    with zipfile.ZipFile(root / "build" / "paper-submission.zip") as archive:
        assert archive.read("supplementary/table-s1.csv") == b"a,b\n1,2\n"
        assert "\nsupplementary/table-s1.csv\t8\t" in archive.read("MANIFEST").decode()


@pytest.mark.parametrize("attack", ["link-out", "large", "too-much"])
def test_supplementary_material_is_read_as_the_project_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, attack: str
) -> None:
    """Inside the project, regular files, 100 MB each and 200 MB in all (here scaled down to fail fast)."""
    root = make_project(tmp_path / "paper", SHORT)
    folder = root / "supplementary"
    folder.mkdir()
    if attack == "link-out":
        (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
        (folder / "data.txt").symlink_to(tmp_path / "secret.txt")
        expected = f"supplementary/data.txt: 'data.txt' is a link to {tmp_path / 'secret.txt'}, outside the project"
    elif attack == "large":
        with (folder / "huge.bin").open("wb") as sparse:
            sparse.truncate(100_000_001)  # sparse: nothing is written, and nothing must be read
        expected = (
            "supplementary/huge.bin: 'huge.bin' is 100,000,001 bytes; paperbuild reads at most 100,000,000 bytes of "
            "a supplementary file"
        )
    else:
        monkeypatch.setattr("paperbuild.submission.bundle.SUPPLEMENTARY_IN_ALL", 1000)
        for index in range(3):
            (folder / f"part-{index}.csv").write_bytes(b"x" * 400)
        expected = (
            "supplementary/ holds more than 1,000 bytes; deposit large data in a repository (Zenodo, Dryad, a "
            "university archive) and cite it from the paper"
        )
    assert main(["bundle", "--meca", "--project", str(root), "--quiet"]) == 1
    assert capsys.readouterr().err == f"paperbuild: error: {expected}\n"
    assert not (root / "build" / "paper-meca.zip").exists()
