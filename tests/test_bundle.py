"""`bundle`: the submission zip's files, the MANIFEST's sizes and hashes, reproducibility under SOURCE_DATE_EPOCH,
the anonymised review bundle, and the git commit it records."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_BIB, make_project, zip_texts

from paperbuild.cli import main

FILES = [
    "paper.pdf",
    "paper.docx",
    "paper.html",
    "figures/figure-1.png",
    "source/bibliography/refs.bib",
    "source/manuscript/01-introduction.md",
    "source/manuscript/02-methods.md",
    "source/manuscript/03-conclusions.md",
    "source/manuscript/figures/plot.png",
    "source/manuscript/metadata.yaml",
    "MANIFEST",
]
NAMED_META = """\
title: A Paper With Known Counts
authors:
  - name: Ada Lovelace   # the author
    affiliations: [engine]
    email: ada@example.org
    corresponding: true
affiliations:
  - id: engine
    name: Analytical Engine Society
    city: London
    country: United Kingdom
keywords: [counting, words, fixtures]
abstract: |
  Eight words make up this abstract, citation excluded [@knuth1984].
acknowledgements: |
  We thank Charles Babbage for the engine.
funding: |
  Paid for by the Difference Fund.
csl: apa
"""
NAMES = ("Lovelace", "ada@example.org", "Analytical Engine Society", "Babbage", "Difference Fund")
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


@pytest.fixture
def counted(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "counted-paper", tmp_path / "counted"))


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def manifest_rows(archive: zipfile.ZipFile) -> list[list[str]]:
    text = archive.read("MANIFEST").decode("utf-8")
    table = text.split("file\tsize\tsha256\n", 1)[1]
    return [line.split("\t") for line in table.splitlines()]


def test_the_bundle_holds_outputs_figures_sources_and_a_manifest(
    counted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bundle", "--project", str(counted)]) == 0
    path = counted / "build" / "paper-submission.zip"
    assert f"wrote {path} (11 files, " in capsys.readouterr().err
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == FILES
        assert archive.testzip() is None
        for name in ("paper.pdf", "paper.docx", "paper.html"):
            assert archive.read(name) == (counted / "build" / name).read_bytes()
        figure = (counted / "manuscript" / "figures" / "plot.png").read_bytes()
        assert archive.read("figures/figure-1.png") == figure
        assert archive.read("source/manuscript/figures/plot.png") == figure
        assert archive.read("source/bibliography/refs.bib") == (counted / "bibliography" / "refs.bib").read_bytes()


def test_the_manifest_lists_every_file_with_its_size_and_sha256(counted: Path) -> None:
    assert main(["bundle", "--project", str(counted), "--quiet"]) == 0
    with zipfile.ZipFile(counted / "build" / "paper-submission.zip") as archive:
        rows = manifest_rows(archive)
        assert [row[0] for row in rows] == FILES[:-1]
        for name, size, digest in rows:
            data = archive.read(name)
            assert int(size) == len(data)
            assert digest == hashlib.sha256(data).hexdigest()
        head = archive.read("MANIFEST").decode().split("\n\n")[0].splitlines()
    assert head[0] == "paperbuild submission bundle"
    assert "created: 2023-11-14T22:13:20Z" in head
    assert "git commit: none (not in a git repository)" in head
    tools = next(line for line in head if line.startswith("tools: "))
    assert "paperbuild 0.1.0" in tools
    assert "pandoc 3." in tools
    assert "WeasyPrint " in tools


def test_the_zip_is_reproducible_under_source_date_epoch(tmp_path: Path) -> None:
    zips = []
    for name in ("first", "second-copy"):
        root = Path(shutil.copytree(FIXTURES / "counted-paper", tmp_path / name))
        assert main(["bundle", "--project", str(root), "--quiet"]) == 0
        zips.append((root / "build" / "paper-submission.zip").read_bytes())
    assert zips[0] == zips[1]
    with zipfile.ZipFile(tmp_path / "first" / "build" / "paper-submission.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}


def test_a_review_bundle_is_anonymous(counted: Path, tmp_path: Path) -> None:
    (counted / "manuscript" / "metadata.yaml").write_text(NAMED_META, encoding="utf-8")
    assert main(["bundle", "--project", str(counted), "--review", "--quiet"]) == 0
    path = counted / "build" / "paper-review-submission.zip"
    assert not (counted / "build" / "paper.pdf").exists(), "the review outputs are built aside"
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == FILES
    seen = zip_texts(path, tmp_path)
    for name, text in seen.items():
        for person in NAMES:
            assert person not in text, f"{person!r} appears in {name}"
    metadata = seen["source/manuscript/metadata.yaml"]
    assert metadata.startswith("title: A Paper With Known Counts\nkeywords: [counting, words, fixtures]\n")
    assert "A Paper With Known Counts" in seen["paper.html"]
    assert "git commit: withheld (review bundle)" in seen["MANIFEST"]
    assert "style: review" in seen["MANIFEST"]
    assert "Anonymous author(s)" in seen["paper.html"]


def test_review_needs_an_anonymous_style(counted: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bundle", "--project", str(counted), "--review", "--style", "default"]) == 2
    assert "--review needs an anonymous style, and 'default' is not one" in capsys.readouterr().err


def test_errors_stop_the_bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, {"manuscript/01-a.md": "See [@nobody].\n", "bibliography/refs.bib": MINIMAL_BIB})
    assert main(["bundle", "--project", str(root), "--quiet"]) == 1
    assert "error[undefined-citation]" in capsys.readouterr().err
    assert not (root / "build" / "paper-submission.zip").exists()


def test_the_manifest_records_the_git_commit(counted: Path) -> None:
    (counted / ".gitignore").write_text("", encoding="utf-8")  # build/ is left out of the status all the same
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Submitted"]):
        subprocess.run([*GIT, *command], cwd=counted, check=True, capture_output=True)
    commit = subprocess.run([*GIT, "rev-parse", "HEAD"], cwd=counted, check=True, capture_output=True, text=True)
    assert main(["bundle", "--project", str(counted), "--quiet"]) == 0
    with zipfile.ZipFile(counted / "build" / "paper-submission.zip") as archive:
        assert f"git commit: {commit.stdout.strip()}\n" in archive.read("MANIFEST").decode()
    with (counted / "manuscript" / "03-conclusions.md").open("a", encoding="utf-8") as chapter:
        chapter.write("\nOne more sentence.\n")
    assert main(["bundle", "--project", str(counted), "--quiet"]) == 0
    with zipfile.ZipFile(counted / "build" / "paper-submission.zip") as archive:
        expected = f"git commit: {commit.stdout.strip()} (with uncommitted changes)\n"
        assert expected in archive.read("MANIFEST").decode()


def test_the_journal_profile_travels_with_the_sources_and_clean_removes_the_zip(
    counted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (counted / "journal.yaml").write_text("name: Marine Letters\nfigures: 3\n", encoding="utf-8")
    assert main(["bundle", "--project", str(counted), "--quiet"]) == 0
    path = counted / "build" / "paper-submission.zip"
    with zipfile.ZipFile(path) as archive:
        assert archive.read("source/journal.yaml") == b"name: Marine Letters\nfigures: 3\n"
    assert main(["clean", "--project", str(counted)]) == 0
    assert f"removed {path}" in capsys.readouterr().err
    assert not (counted / "build").exists()
