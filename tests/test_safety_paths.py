"""The path policy (issue #15): nothing outside the project is read or written, whatever links, FIFOs, devices,
deep folders or huge files a stranger's project holds. Each attack ends in a located error or is ignored, fast."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_BIB, REPO, make_project

from paperbuild.cli import main
from paperbuild.csl import collection_dir, resolve
from paperbuild.pipeline import Options, run_build

CHAPTER = "# Intro\n\nText [@knuth1984].\n"
CANARY = "CANARY-7f3a"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path / "paper", {"manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB})


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the project, holding a file with a canary in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"{CANARY}: [\n")
    return folder


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Exit code and stderr lines of a command on the project, without the count of errors and warnings."""
    code = main([*args, "--project", str(root), "--quiet"])
    return code, [line for line in capsys.readouterr().err.splitlines() if not re.match(r"\d+ error", line)]


@pytest.fixture
def forbidden(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make opening anything under a folder fail the test at once (before a byte is read)."""
    folders: list[Path] = []
    real_io_open, real_os_open = io.open, os.open

    def refuse(path: Any) -> None:
        if isinstance(path, (str, os.PathLike)):
            real = Path(os.path.realpath(os.fspath(path)))
            if any(real.is_relative_to(folder) for folder in folders):
                raise AssertionError(f"opened {path}")

    def io_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(file)
        return real_io_open(file, *args, **kwargs)

    def os_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(path)
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr(os, "open", os_open)
    return lambda folder: folders.append(folder.resolve())


@pytest.fixture
def alarm() -> Iterator[Callable[[int], int]]:
    """Fail the test after some seconds instead of hanging (a FIFO opened for reading blocks forever)."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError("hung")

    previous = signal.signal(signal.SIGALRM, expired)
    yield signal.alarm
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def house_style(root: Path) -> Path:
    """A copy of the default style as the project's style 'house', chosen in metadata.yaml (line 4)."""
    folder = root / "styles/house"
    shutil.copytree(REPO / "styles/default", folder)
    with (root / "manuscript/metadata.yaml").open("a") as meta:
        meta.write("style: house\n")
    return folder


@pytest.mark.parametrize("name", ["paper.css", "print.css", "paper.html.j2"])
def test_a_style_file_linked_outside_is_refused_not_inlined(
    root: Path, outside: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = outside / name
    target.write_text(f"/* {CANARY} */\n" if name.endswith(".css") else f"<p>{CANARY}</p>\n")
    (house_style(root) / name).unlink()
    (root / "styles/house" / name).symlink_to(target)
    code, err = run(root, "html", capsys=capsys)
    assert (code, err) == (
        1,
        [
            f"styles/house/{name}: error[unsafe-resource]: '{name}' is a link to {target}, outside the project; "
            "copy the file into the project instead of linking to it"
        ],
    )
    assert not (root / "build/paper.html").exists()


def test_a_style_folder_linked_outside_is_refused_before_reading_any_of_it(
    root: Path, outside: Path, forbidden: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "styles/default", outside / "style")
    (outside / "style/huge.bin").touch()
    os.truncate(outside / "style/huge.bin", 3 * 1024**3)  # sparse: a folder like /usr, at no cost
    house_style(root)
    shutil.rmtree(root / "styles/house")
    (root / "styles/house").symlink_to(outside / "style")
    forbidden(outside)
    code, err = run(root, "html", capsys=capsys)
    assert code == 1
    assert err[0] == (
        f"manuscript/metadata.yaml:4: error[metadata]: style 'house': styles/house is a link to {outside / 'style'}, "
        "outside the project; copy the style into styles/ instead of linking to it"
    )


COMMANDS = [["all"], ["pdf"], ["html"], ["docx"], ["bundle"], ["diff", "HEAD"], ["clean"], ["watch", "--port", "0"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_build_folder_committed_as_a_link_is_refused_by_every_command(
    root: Path, outside: Path, command: list[str]
) -> None:
    (outside / "paper.html").write_text(CANARY)
    (root / "build").symlink_to(outside)
    git = ["git", "-C", str(root), "-c", "user.name=A", "-c", "user.email=a@b.c"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), *command, "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=60,  # watch, were it not refused, would serve until stopped
    )
    assert (done.returncode, done.stderr) == (
        1,
        f"paperbuild: error: build: {root / 'build'} is a link to {outside}; paperbuild writes and cleans only a "
        "folder of its own: make it a plain folder, or choose another with --out\n",
    )
    assert sorted(p.name for p in outside.iterdir()) == ["paper.html", "secret.txt"]
    assert (outside / "paper.html").read_text() == CANARY


@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("manuscript/build", "lies in the project's manuscript/"),
        ("styles", "lies in the project's styles/"),
        (".", "is the project folder or holds it"),
        ("..", "is the project folder or holds it"),
    ],
)
def test_an_output_folder_among_the_sources_is_a_usage_error(
    root: Path, out: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "build").mkdir()
    assert run(root, "clean", "--out", str(root / out), capsys=capsys) == (
        2,
        [
            f"paperbuild: error: --out {root / out}: {(root / out).resolve()} {problem}; outputs go in a folder of "
            "their own"
        ],
    )
    assert (root / "manuscript/01-a.md").exists()


def test_an_output_folder_under_a_link_inside_the_project_is_refused(
    root: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "out").symlink_to(outside)
    assert run(root, "clean", "--out", str(root / "out/build"), capsys=capsys) == (
        2,
        [
            f"paperbuild: error: --out {root / 'out/build'}: {root / 'out'} is a link to {outside}; paperbuild writes "
            "and cleans only a folder of its own: make it a plain folder, or choose another with --out"
        ],
    )


def test_clean_removes_only_regular_files_never_what_a_link_named_like_an_output_points_to(
    root: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "build").mkdir()
    (root / "build/paper.pdf").symlink_to(outside / "secret.txt")
    (root / "build/paper.html").write_text("<p>old</p>")
    assert run(root, "clean", capsys=capsys)[0] == 0
    assert sorted(p.name for p in (root / "build").iterdir()) == ["paper.pdf"]
    assert (outside / "secret.txt").read_text() == f"{CANARY}: [\n"


def test_a_journal_profile_linked_outside_is_refused_and_never_printed(
    root: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "journal.yaml").symlink_to(outside / "secret.txt")
    code, err = run(root, "check", capsys=capsys)
    assert (code, err) == (
        1,
        [
            f"journal.yaml: error[unsafe-resource]: 'journal.yaml' is a link to {outside / 'secret.txt'}, outside "
            "the project; copy the file into the project instead of linking to it"
        ],
    )


def test_a_lock_file_linked_outside_creates_nothing_there(
    root: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "build").mkdir()
    (root / "build/.paperbuild.lock").symlink_to(outside / "planted")
    code, err = run(root, "html", capsys=capsys)
    assert (code, err[-1]) == (
        1,
        f"paperbuild: error: {root / 'build/.paperbuild.lock'}: cannot be paperbuild's lock (a link); delete it",
    )
    assert not (outside / "planted").exists()


def test_a_csl_parent_link_never_leaves_the_collection(root: Path, tmp_path: Path) -> None:
    (tmp_path / "evil.csl").write_text((collection_dir() / "apa.csl").read_text())
    climb = "../" * (len(collection_dir().parts) - 1) + str(tmp_path / "evil").lstrip("/")
    (root / "bibliography/journal.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"><info>'
        f'<link href="http://www.zotero.org/styles/{climb}" rel="independent-parent"/></info></style>\n'
    )
    path, [problem] = resolve("bibliography/journal.csl", root, "manuscript/metadata.yaml", 3)
    assert path is None
    assert problem.format() == (
        f"manuscript/metadata.yaml:3: error[csl]: citation style 'bibliography/journal.csl' names '{climb}', which "
        "is not a style of the collection"
    )


def _build_capped(root: Path) -> subprocess.CompletedProcess[str]:
    """`html` in a process of its own with 3 GB of address space and 60 s: reading /dev/zero or a FIFO fails it."""
    script = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
        "from paperbuild.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", script, "html", "--project", str(root), "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


@pytest.mark.parametrize("name", [".paperbuild-cache.json", ".paperbuild-citations.json"])
@pytest.mark.parametrize("kind", ["link to /dev/zero", "FIFO"])
def test_a_cache_file_that_is_a_device_or_a_fifo_is_no_cache_and_is_replaced(root: Path, name: str, kind: str) -> None:
    (root / "build").mkdir()
    cache = root / "build" / name
    if kind == "FIFO":
        os.mkfifo(cache)
    else:
        cache.symlink_to("/dev/zero")
    done = _build_capped(root)
    assert (done.returncode, done.stderr) == (0, "")
    assert CANARY not in (root / "build/paper.html").read_text() and "Text" in (root / "build/paper.html").read_text()
    assert cache.is_file() and not cache.is_symlink() and cache.read_bytes().startswith(b"{")


def test_a_large_file_the_manuscript_does_not_name_is_never_read(
    root: Path, forbidden: Callable[[Path], None], alarm: Callable[[int], int]
) -> None:
    (root / "manuscript/data").mkdir()
    big = root / "manuscript/data/raw.bin"
    big.touch()
    os.truncate(big, 3 * 1024**3)  # sparse: 3 GB at no cost
    forbidden(big.parent)
    alarm(60)
    result = run_build(root, ("html",), Options())
    assert (result.ok, sorted(result.written)) == (True, ["html"])
    assert run_build(root, ("html",), Options()).up_to_date == ["html"]


@pytest.mark.parametrize("folder", ["manuscript", "styles/house"])
def test_folders_nested_a_thousand_deep_are_a_located_error(
    root: Path, folder: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if folder.startswith("styles"):
        house_style(root)
    deepest = root / folder
    for _ in range(1100):  # os.makedirs (and shutil.rmtree, pytest's cleanup) recurse, one call per level
        deepest /= "d"
        deepest.mkdir()
    try:
        code, err = run(root, "html", capsys=capsys)
    finally:
        while deepest != root / folder:
            deepest.rmdir()
            deepest = deepest.parent
    assert (code, err) == (
        1,
        [
            f"{folder}/{'d/' * 32}d: error[unsafe-resource]: folders nested more than 32 levels deep; paperbuild "
            "looks no deeper; flatten the folders"
        ],
    )


LIMITS = {
    "manuscript/02-long.md": ("a chapter", 5_000_000),
    "manuscript/metadata.yaml": ("a metadata file", 1_000_000),
    "bibliography/big.bib": ("a .bib file", 20_000_000),
    "journal.yaml": ("a metadata file", 1_000_000),
    "styles/house/paper.css": ("a style's file", 32_000_000),
}


@pytest.mark.parametrize("rel", list(LIMITS))
def test_every_file_read_has_a_size_limit_named_in_its_error(
    root: Path, rel: str, capsys: pytest.CaptureFixture[str]
) -> None:
    house_style(root)
    kind, limit = LIMITS[rel]
    (root / rel).touch()
    os.truncate(root / rel, limit + 1)  # sparse: nothing is written, and nothing may be read
    code, err = run(root, "check", capsys=capsys)
    assert (code, err) == (
        1,
        [
            f"{rel}: error[unsafe-resource]: '{Path(rel).name}' is {limit + 1:,} bytes; paperbuild reads at most "
            f"{limit:,} bytes of {kind}; split it, or make it smaller"
        ],
    )


def test_chapters_over_the_limit_together_stop_the_build_before_pandoc_parses_them(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("02-b.md", "03-c.md", "04-d.md"):
        (root / "manuscript" / name).write_text("Words and words.\n\n" * 100_000)  # 1.8 MB each
    assert run(root, "check", capsys=capsys) == (
        1,
        [
            "paperbuild: error: manuscript/04-d.md: the chapters up to this one hold 5,400,028 bytes; paperbuild "
            "reads at most 5,000,000 bytes of chapters in all"
        ],
    )


def test_a_csl_file_over_its_limit_is_a_csl_error(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "bibliography/big.csl").touch()
    os.truncate(root / "bibliography/big.csl", 2_000_001)
    with (root / "manuscript/metadata.yaml").open("a") as meta:
        meta.write("csl: bibliography/big.csl\n")
    assert run(root, "check", capsys=capsys) == (
        1,
        [
            "manuscript/metadata.yaml:4: error[csl]: 'big.csl' is 2,000,001 bytes; paperbuild reads at most "
            "2,000,000 bytes of a CSL style; split it, or make it smaller"
        ],
    )


@pytest.mark.slow
def test_the_pdf_typesetter_refuses_a_fifo_a_stylesheet_names_without_blocking(
    root: Path, alarm: Callable[[int], int], capsys: pytest.CaptureFixture[str]
) -> None:
    style = house_style(root)
    os.mkfifo(root / "manuscript/pipe.png")
    with (style / "print.css").open("a") as css:
        css.write("\nbody { background: url(../../manuscript/pipe.png); }\n")
    alarm(120)
    code, err = run(root, "pdf", capsys=capsys)
    assert code == 0
    assert [line.split(": Failed to load")[0] for line in err] == ["styles/house: warning[refused-resource]"]
    assert "'pipe.png' is a FIFO (named pipe), not a regular file" in err[0]
