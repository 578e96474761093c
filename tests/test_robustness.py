"""Bad input and bad luck: each ends in a clear diagnostic or message, exit code, no traceback, outputs intact."""

from __future__ import annotations

import errno
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, REPO, check_lines, make_project

from paperbuild import output, pandoc
from paperbuild.cli import main
from paperbuild.pipeline import Options, run_build
from paperbuild.render import RENDERERS, get_renderer

CHAPTER = "# Intro\n\nText [@knuth1984].\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path / "paper", {"manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB})


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` pixels, with almost no data: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_empty_chapter_is_a_warning_and_an_unclosed_fence_an_error(root: Path) -> None:
    (root / "manuscript/02-empty.md").write_text("\n\n")
    (root / "manuscript/03-code.md").write_text("# Code\n\n~~~~ python\nx = 1\n~~~\nstill code\n")
    assert check_lines(root) == [
        "manuscript/02-empty.md: warning[empty-chapter]: the chapter is empty; write it, or delete the file",
        "manuscript/03-code.md:3:1: error[unclosed-fence]: the code block opened by '~~~~' is never closed; the rest "
        "of the chapter would print as code; close it with a line holding ~~~~",
    ]


def test_binary_and_linked_chapters_are_refused_without_reading_them(root: Path, tmp_path: Path) -> None:
    (root / "manuscript/02-bin.md").write_bytes(b"# T\n\nab\0cd")
    (tmp_path / "secret.md").write_text("# Secret\n")
    (root / "manuscript/03-link.md").symlink_to(tmp_path / "secret.md")
    assert check_lines(root) == [
        "manuscript/02-bin.md:3: error[encoding]: binary data (a NUL byte at byte 7), not text; chapters and .bib "
        "files are plain UTF-8 text",
        f"manuscript/03-link.md: error[unsafe-resource]: '03-link.md' is a link to {tmp_path / 'secret.md'}, outside "
        "the project; copy the file into the project instead of linking to it",
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.png", png_header(10_000, 6_000), "is too large to decode safely (over 50 megapixels)"),
        ("huge.png", png_header(40_000, 40_000), "is too large to decode safely (over 50 megapixels)"),
        (
            "laughs.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
            "declares XML entities, which can expand without bound",
        ),
    ],
)
def test_image_bombs_are_refused_from_their_headers(root: Path, name: str, data: bytes, message: str) -> None:
    (root / "manuscript/figures").mkdir()
    (root / "manuscript/figures" / name).write_bytes(data)
    (root / "manuscript/01-a.md").write_text(CHAPTER + f"\n![Bomb](figures/{name})\n")
    [line] = check_lines(root)
    assert line.startswith(f"manuscript/01-a.md:5:9: error[unsafe-resource]: image 'figures/{name}' {message}; ")


def test_a_yaml_alias_bomb_is_read_in_no_time(root: Path) -> None:
    bomb = (
        "title: T\nbomb: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"l{i}: &a{i} [{', '.join(['*a' if i == 0 else f'*a{i - 1}'] * 9)}]\n" for i in range(9))
        + "keywords: *a8\n"
    )
    (root / "manuscript/metadata.yaml").write_text(bomb)
    found = check_lines(root)
    assert "manuscript/metadata.yaml:2:1: warning[metadata]: unknown key 'bomb' in 'metadata.yaml'" in found
    assert any("'keywords' must be text, not a list" in line for line in found)


def test_pathological_markdown_ends_in_an_error_not_an_out_of_memory_kill(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pandoc, "MEMORY_LIMIT", "+RTS -M16M -RTS")  # the real cap is 4G; same mechanism
    (root / "manuscript/01-a.md").write_text(CHAPTER + "> " * 300_000 + "\n")
    assert main(["check", "--project", str(root)]) == 1
    err = capsys.readouterr().err
    assert "pandoc failed" in err and "Heap exhausted" in err and "Traceback" not in err


def test_ctrl_c_while_rendering_exits_130_and_leaves_the_previous_outputs(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    before = (root / "build/paper.html").read_bytes()
    (root / "manuscript/01-a.md").write_text(CHAPTER + "\nChanged.\n")
    get_renderer("html")

    def interrupted(job: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setitem(RENDERERS, "html", interrupted)
    assert main(["html", "--project", str(root), "--quiet"]) == 130
    assert (root / "build/paper.html").read_bytes() == before
    assert sorted(p.name for p in (root / "build").iterdir() if p.name.endswith(".tmp")) == []


def test_a_full_disk_leaves_every_previous_output_and_no_litter(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in (root / "build").glob("paper.*")}
    (root / "manuscript/01-a.md").write_text(CHAPTER + "\nChanged.\n")
    real = output._temporary
    calls: list[Path] = []

    def disk_full_on_second(path: Path, data: bytes) -> Path:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data)

    monkeypatch.setattr(output, "_temporary", disk_full_on_second)
    assert main(["all", "--project", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "the previous outputs are unchanged" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (root / "build").glob("paper.*")} == before
    assert [p.name for p in (root / "build").iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
def test_two_builds_at_once_take_turns_and_leave_a_consistent_cache(root: Path) -> None:
    command = [sys.executable, "build.py", "all", "--project", str(root), "--quiet"]
    builds = [subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
    again = run_build(root, ("html", "pdf", "docx"), Options())
    assert again.written == {} and sorted(again.up_to_date) == ["docx", "html", "pdf"]


def test_a_too_old_pandoc_is_reported_in_one_line_with_the_fix(
    tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pypandoc

    fake = tmp_path / "pandoc"
    fake.write_text("#!/bin/sh\necho 'pandoc 2.9.2'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pypandoc, "get_pandoc_path", lambda: str(fake))
    pandoc.pandoc_path.cache_clear()
    try:
        assert main(["check", "--project", str(root), "--quiet"]) == 3
    finally:
        pandoc.pandoc_path.cache_clear()
    assert capsys.readouterr().err.splitlines() == [
        f"paperbuild: error: {fake} (pandoc 2.9.2) is too old or broken; paperbuild needs pandoc 3.1 or newer: "
        "python -m pip install -U pypandoc-binary"
    ]


def test_an_unreadable_image_is_named(root: Path) -> None:
    (root / "manuscript/figures").mkdir()
    (root / "manuscript/figures/broken.png").write_bytes(b"\x89PNG but not really")
    (root / "manuscript/01-a.md").write_text(CHAPTER + "\n![Broken](figures/broken.png)\n")
    assert check_lines(root) == [
        "manuscript/01-a.md:5:11: error[missing-resource]: image 'figures/broken.png' cannot be read as an image; "
        "export the figure again as PNG or SVG"
    ]
