"""README.md's promise: its install-and-build command builds the paper from a clean copy, and its test command is
exactly what CI (`.ci/run`) runs last."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, normalize, pdf_text

TITLE = "Research on the Development of Liaoning Province from the Perspective of Northeast Asia Regional Cooperation"


def sh_blocks() -> list[str]:
    """The ```sh code blocks of README.md, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [m.group(1).strip() for m in re.finditer(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE)]


def install_command() -> str:
    return sh_blocks()[0]


def readme_test_command() -> str:
    return sh_blocks()[1]


def ci_commands() -> list[str]:
    """The commands of .ci/run: its lines without blank lines, comments and shell options."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_readme_has_an_install_and_a_test_command() -> None:
    blocks = sh_blocks()
    assert len(blocks) >= 2
    assert "\n" not in blocks[0], "the install-and-build command is one line a reader can paste"
    assert "\n" not in blocks[1], "the test command is one line a reader can paste"


def test_ci_runs_the_readme_test_command_verbatim_and_last() -> None:
    command = readme_test_command()
    raw_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in raw_lines
    assert ci_commands()[-1] == command


def test_ci_sets_up_the_machine_the_readme_way() -> None:
    assert "bash .ci/setup" in ci_commands()
    setup = (REPO / ".ci" / "setup").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in setup
    assert re.search(r"\.venv/bin/pip install (?:-\S+ )*-e '\.\[test\]'", setup), setup


def test_install_command_sets_up_and_builds_the_pdf() -> None:
    command = install_command()
    assert command.startswith("bash .ci/setup && ")
    assert command.endswith("build.py pdf")


def build_part() -> list[str]:
    """The build step of the install command, as argv, with the fresh venv's python replaced by this one."""
    last = install_command().split(" && ")[-1]
    argv = shlex.split(last)
    assert argv[0] == ".venv/bin/python", last
    return [sys.executable, *argv[1:]]


def repository_files() -> list[str]:
    """Files a fresh clone (plus not-yet-committed, not-ignored work) holds."""

    def git(*args: str) -> list[str]:
        proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True)
        return proc.stdout.splitlines()

    return sorted(set(git("ls-files") + git("ls-files", "--others", "--exclude-standard")))


@pytest.mark.slow
def test_install_command_builds_the_paper_pdf_in_a_clean_copy(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for rel in repository_files():
        source = REPO / rel
        if not source.is_file():  # deleted in the working tree but not yet in the index
            continue
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    assert not (copy / "build").exists()

    proc = subprocess.run(build_part(), cwd=copy, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    pdf = copy / "build" / "paper.pdf"
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert TITLE in normalize(pdf_text(pdf))


def test_readme_lists_every_diagnostic_code() -> None:
    import paperbuild.checks  # noqa: F401  (registers the journal profile's codes too)
    from paperbuild.diagnostics import CODES

    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"| `{code}` |" not in text] == []


def limits_table() -> dict[str, str]:
    """The rows of README's table of limits (under "Building papers you did not write"): what -> limit."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Building papers you did not write") :]
    table = section[section.index("| what | limit |") :].split("\n\n")[0]
    rows = [line.strip("|").split(" | ") for line in table.splitlines()[2:]]
    return {what.strip(): limit.strip() for what, limit in rows}


def test_the_readme_states_the_limits_the_code_enforces() -> None:
    """Each limit README promises a stranger's project is the value in the code, so neither can drift."""
    from paperbuild import (
        bibliography,
        figure_formats,
        limits,
        manuscript,
        pandoc,
        rawhtml,
        resources,
        safe_paths,
        svg_safety,
        yaml_safe,
    )
    from paperbuild.render import pdf_worker
    from paperbuild.submission import bundle, gitrev

    gib = 1024**3
    assert limits_table() == {
        "a chapter": f"{safe_paths.CHAPTER.max_bytes:,} bytes",
        "all chapters together": f"{safe_paths.CHAPTERS_IN_ALL:,} bytes",
        "`metadata.yaml`, `journal.yaml`, `style.yaml`": f"{safe_paths.METADATA.max_bytes:,} bytes",
        "a `.bib` file": f"{safe_paths.BIBLIOGRAPHY.max_bytes:,} bytes",
        "a `.bib` field or `@string` after macro expansion": f"{bibliography.MAX_VALUE_CHARS:,} characters",
        "text added by `@string` macros, all `.bib` files together": f"{bibliography.MAX_EXPANDED_CHARS:,} characters",
        "a style's file (CSS, template, fonts, `reference.docx`), and anything the PDF engine loads": (
            f"{safe_paths.STYLE_FILE.max_bytes:,} bytes"
        ),
        "a CSL file": f"{safe_paths.CSL.max_bytes:,} bytes",
        "an image": f"{safe_paths.IMAGE.max_bytes:,} bytes, {resources.MAX_IMAGE_PIXELS:,} pixels",
        "an SVG figure": (
            f"{svg_safety.MAX_ELEMENTS:,} elements, {svg_safety.MAX_DEPTH} levels deep; "
            f"{svg_safety.MAX_INSTANCES:,} drawn after `<use>` expansion"
        ),
        "a PDF or EPS figure's conversion": (
            f"{figure_formats.TIMEOUT} s, {figure_formats.MEMORY_LIMIT // 1024**2} MiB of memory, "
            f"{figure_formats.MAX_OUTPUT_BYTES:,} bytes written"
        ),
        "folders below `manuscript/`, `supplementary/` or a style's folder": (
            f"{safe_paths.MAX_DEPTH} levels, {safe_paths.MAX_ENTRIES:,} files and folders"
        ),
        "YAML lists and mappings inside each other": str(yaml_safe.MAX_DEPTH),
        "keywords in metadata": str(limits.MAX_KEYWORDS),
        "Markdown brackets inside each other": str(manuscript.MAX_BRACKET_DEPTH),
        "the parsed document's nesting": f"{manuscript.MAX_TREE_DEPTH} levels",
        "raw HTML converted to formatting, nesting": str(rawhtml.MAX_DEPTH),
        "pandoc, each run": f"{pandoc.TIMEOUT_SECONDS} s, {pandoc.MEMORY_LIMIT.split('-M')[1].split('G')[0]} GiB heap",
        "the typesetter (PDF)": (
            f"{pdf_worker.MEMORY_LIMIT_BYTES // gib} GiB of memory, {pdf_worker.BASE_SECONDS} s + "
            f"{pdf_worker.SECONDS_PER_MB} s per MB of page"
        ),
        "paperbuild's own process": f"{limits.MEMORY_LIMIT_BYTES // gib} GiB heap",
        "a file read from git (`diff`)": (
            f"{gitrev.MAX_FILE_BYTES:,} bytes, {gitrev.MAX_TOTAL_BYTES:,} in all, "
            f"{gitrev.TIMEOUT_SECONDS} s per git run"
        ),
        "a file of `supplementary/` (`bundle`)": (
            f"{bundle.SUPPLEMENTARY_FILE.max_bytes:,} bytes, {bundle.SUPPLEMENTARY_IN_ALL:,} in all"
        ),
    }
