"""The build cache: each kind of input change rebuilds exactly the formats that read it; a bad cache is ignored."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, REPO, make_project, png

from paperbuild.output import CACHE_FILE
from paperbuild.pipeline import BuildResult, Options, run_build

ALL = ("html", "pdf", "docx")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A tiny project with its own copy of the default style, built once in all formats."""
    root = make_project(
        tmp_path, {"manuscript/01-a.md": "# A\n\nText [@knuth1984].\n", "bibliography/refs.bib": MINIMAL_BIB}
    )
    shutil.copytree(REPO / "styles" / "default", root / "styles" / "default")
    (root / "manuscript/figures").mkdir()
    (root / "manuscript/figures/plot.png").write_bytes(png(8, 6))
    append(root / "manuscript/01-a.md", "\n![A plot](figures/plot.png)\n")
    assert sorted(build(root).written) == sorted(ALL)
    return root


def build(root: Path, options: Options | None = None) -> BuildResult:
    result = run_build(root, ALL, options or Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode())


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


CHANGES: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "chapter": (lambda r: append(r / "manuscript/01-a.md", "\nMore text.\n"), set(ALL)),
    "bib entry": (lambda r: replace(r / "bibliography/refs.bib", "{The {TeXbook}}", "{The {METAFONT}book}"), set(ALL)),
    "metadata": (lambda r: append(r / "manuscript/metadata.yaml", "keywords: [k]\n"), set(ALL)),
    "csl in metadata": (lambda r: append(r / "manuscript/metadata.yaml", "csl: apa\n"), set(ALL)),
    "reference.docx rewritten with the same bytes": (lambda r: append(r / "styles/default/reference.docx", ""), set()),
    "print.css": (lambda r: append(r / "styles/default/print.css", "\n/* x */\n"), {"pdf"}),
    "paper.css": (lambda r: append(r / "styles/default/paper.css", "\n/* x */\n"), {"html", "pdf"}),
    "template": (lambda r: append(r / "styles/default/paper.html.j2", "\n"), {"html", "pdf"}),
    "font": (lambda r: append(r / "styles/default/fonts/NotoSerif-Bold.ttf", "\0"), {"html", "pdf"}),
    "figure": (lambda r: append(r / "manuscript/figures/plot.png", "\0"), set(ALL)),
    "deleted output": (lambda r: (r / "build/paper.docx").unlink(), {"docx"}),
    "edited output": (lambda r: append(r / "build/paper.html", "<!-- edited -->"), {"html"}),
}


def test_nothing_changed_means_no_rendering(built: Path) -> None:
    result = build(built)
    assert result.written == {}
    assert sorted(result.up_to_date) == sorted(ALL)
    assert [stage for stage, _ in result.timings] == ["read"]  # not even pandoc ran


@pytest.mark.slow
@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_rebuilds_exactly_what_reads_it(built: Path, change: str) -> None:
    edit, expected = CHANGES[change]
    edit(built)
    assert set(build(built).written) == expected


def test_a_changed_docx_reference_rebuilds_only_the_docx(built: Path) -> None:
    reference = built / "styles/default/reference.docx"
    reference.write_bytes(reference.read_bytes() + b"\0")  # a zip tolerates trailing bytes
    assert set(build(built).written) == {"docx"}


@pytest.mark.slow
def test_command_line_style_and_csl_rebuild_everything(built: Path) -> None:
    assert set(build(built, Options(csl="ieee")).written) == set(ALL)
    assert build(built, Options(csl="ieee")).written == {}
    shutil.copytree(built / "styles/default", built / "styles/other")
    assert set(build(built, Options(csl="ieee", style="other")).written) == set(ALL)


@pytest.mark.parametrize(
    "garbage", [b"", b"{not json", b'{"version": 1}', b'{"version": 1, "entries": 3}', b"\xff\xfe"]
)
def test_a_corrupted_cache_is_ignored(built: Path, garbage: bytes) -> None:
    (built / "build" / CACHE_FILE).write_bytes(garbage)
    assert set(build(built).written) == set(ALL)
    assert build(built).written == {}


def test_a_deleted_figure_is_reported_not_taken_for_up_to_date(built: Path) -> None:
    (built / "manuscript/figures/plot.png").unlink()
    result = run_build(built, ALL, Options())
    assert [d.code for d in result.diagnostics] == ["missing-resource"] and result.written == {}


def test_source_date_epoch_is_part_of_the_key(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert set(build(built).written) == set(ALL)
    assert build(built).written == {}
