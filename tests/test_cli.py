"""The command line (DESIGN.md §3): exit codes, diagnostics on stderr or as JSON, outputs, no traceback, lazy imports.

Each contract is checked in-process through `paperbuild.cli.main(argv)` and, for the exit codes, as the user runs it:
`python build.py ...` in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_BIB, MINIMAL_META, REPO, make_project, normalize, pdf_text

from paperbuild import cli, pipeline
from paperbuild.cli import main
from paperbuild.render.pdf_worker import PdfWorker

CHAPTER = "# Introduction\n\nAs [@knuth1984] shows, typesetting is an art.\n"
BAD_CHAPTER = "# Introduction\n\nAs [@knuth1948] shows, see [@knuth1984].\n\n\n\nAnd [@zzz; @knuth1984].\n"
BAD_DIAGNOSTICS = [
    "manuscript/01-a.md:3:5: error[undefined-citation]: 'knuth1948' is not in bibliography/refs.bib; "
    "did you mean 'knuth1984'?",
    "manuscript/01-a.md:7:6: error[undefined-citation]: 'zzz' is not in bibliography/refs.bib",
    "manuscript/02-b.md:1:5: error[undefined-citation]: 'knuht1984' is not in bibliography/refs.bib; "
    "did you mean 'knuth1984'?",
    "manuscript/metadata.yaml:3:1: warning[metadata]: unknown key 'keywrods' in 'metadata.yaml'; "
    "did you mean 'keywords'?",
    "manuscript/notes.md: warning[skipped-file]: 'notes.md' is not a chapter and is skipped; "
    "chapters are named NN-slug.md (or NN.slug.md, NN_slug.md), e.g. 07-discussion.md",
    "3 error(s), 2 warning(s)",
]


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A good one-chapter project citing its only entry."""
    return make_project(tmp_path / "tiny", {"manuscript/01-a.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB})


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    """A project with undefined citations in two chapters and warnings in two more files."""
    return make_project(
        tmp_path / "bad",
        {
            "manuscript/metadata.yaml": "title: T\nauthors: [Ada Lovelace]\nkeywrods: [a]\n",
            "manuscript/01-a.md": BAD_CHAPTER,
            "manuscript/02-b.md": "Cf. @knuht1984.\n",
            "manuscript/notes.md": "not a chapter",
            "bibliography/refs.bib": MINIMAL_BIB,
        },
    )


def build_py(*args: str, cwd: Path = REPO, python_flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` as the user runs it."""
    return subprocess.run(
        [sys.executable, *python_flags, "build.py", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def outputs(folder: Path) -> list[str]:
    """The files a reader sees in an output folder (hidden bookkeeping files such as a build cache left out)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted or failed write would leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def diagnostic_lines(stderr: str) -> list[str]:
    """stderr without the progress lines (stage timings, `wrote ...`)."""
    return [line for line in stderr.splitlines() if line and not line.startswith(("  ", "wrote "))]


# -- a good project ------------------------------------------------------------------------------------------------


def test_check_good_project_exits_0_and_prints_no_diagnostics(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--project", str(tiny)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert diagnostic_lines(err) == []
    assert not (tiny / "build").exists()


@pytest.mark.parametrize("quiet", ["--quiet", "-q"])
def test_check_good_project_quiet_prints_nothing(tiny: Path, capsys: pytest.CaptureFixture[str], quiet: str) -> None:
    assert main(["check", "--project", str(tiny), quiet]) == 0
    assert capsys.readouterr() == ("", "")


def test_check_good_project_subprocess(tiny: Path) -> None:
    proc = build_py("check", "--project", str(tiny))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert diagnostic_lines(proc.stderr) == []
    assert "Traceback" not in proc.stderr


def test_json_format_good_project(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--project", str(tiny), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"diagnostics": []}
    assert err == ""


# -- a project with errors -----------------------------------------------------------------------------------------


def test_errors_exit_1_with_sorted_diagnostics_and_summary(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--project", str(bad), "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == BAD_DIAGNOSTICS


def test_errors_subprocess_exit_1_with_the_same_lines(bad: Path) -> None:
    proc = build_py("check", "--project", str(bad))
    assert proc.returncode == 1
    assert diagnostic_lines(proc.stderr) == BAD_DIAGNOSTICS
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr


def test_errors_stop_a_build_before_anything_is_written(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["html", "--project", str(bad), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == BAD_DIAGNOSTICS
    assert not (bad / "build").exists()


def test_json_format_lists_the_same_diagnostics(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--project", str(bad), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    document = json.loads(out)
    assert list(document) == ["diagnostics"]
    diagnostics = document["diagnostics"]
    assert all(set(d) == {"path", "line", "col", "severity", "code", "message", "hint"} for d in diagnostics)
    assert diagnostics[0] == {
        "path": "manuscript/01-a.md",
        "line": 3,
        "col": 5,
        "severity": "error",
        "code": "undefined-citation",
        "message": "'knuth1948' is not in bibliography/refs.bib",
        "hint": "did you mean 'knuth1984'?",
    }
    assert diagnostics[-1]["line"] == 0 and diagnostics[-1]["col"] == 0
    # the same diagnostics, in the same order, as the text output (less the summary line)
    as_text = [
        f"{d['path']}"
        + (f":{d['line']}" if d["line"] else "")
        + (f":{d['col']}" if d["col"] else "")
        + f": {d['severity']}[{d['code']}]: {d['message']}"
        + (f"; {d['hint']}" if d["hint"] else "")
        for d in diagnostics
    ]
    assert as_text == BAD_DIAGNOSTICS[:-1]


def test_json_format_subprocess(bad: Path) -> None:
    proc = build_py("check", "--project", str(bad), "--format", "json")
    assert proc.returncode == 1
    assert len(json.loads(proc.stdout)["diagnostics"]) == 5


# -- wrong usage ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["check", "--bogus"], "unrecognized arguments: --bogus"),
        (["check", "--format", "xml"], "invalid choice: 'xml'"),
        (["check", "--project"], "expected one argument"),
    ],
    ids=["subcommand", "option", "format", "missing-value"],
)
def test_wrong_usage_exits_2_with_usage_and_no_traceback(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("paperbuild: error: ")
    assert complaint in err.splitlines()[0]
    assert "usage: " in err
    assert "Traceback" not in err

    proc = build_py(*argv)
    assert proc.returncode == 2
    assert complaint in proc.stderr
    assert "usage: " in proc.stderr
    assert "Traceback" not in proc.stderr


# -- invalid input -------------------------------------------------------------------------------------------------


def test_project_without_manuscript_exits_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = f"paperbuild: error: {tmp_path}: no manuscript/ folder; is this a paperbuild project? (see --project)\n"
    assert main(["check", "--project", str(tmp_path)]) == 1
    assert capsys.readouterr() == ("", expected)

    proc = build_py("check", "--project", str(tmp_path))
    assert proc.returncode == 1
    assert proc.stderr == expected
    assert proc.stdout == ""


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from paperbuild.errors import InputError

    with pytest.raises(InputError, match="no manuscript/ folder"):
        main(["check", "--project", str(tmp_path), "--debug"])

    proc = build_py("check", "--project", str(tmp_path), "--debug")
    assert proc.returncode == 1
    assert proc.stderr.startswith("Traceback (most recent call last):")
    assert "paperbuild.errors.InputError:" in proc.stderr
    assert "no manuscript/ folder" in proc.stderr


def test_unknown_style_or_csl_on_the_command_line_is_wrong_usage(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--project", str(tiny), "--style", "fancy"]) == 2
    assert capsys.readouterr().err == (
        "paperbuild: error: --style: style 'fancy' not found in the project's styles/ or among paperbuild's "
        "(known: default, manuscript, manuscript-tables-end, review, two-column)\n"
    )
    assert main(["check", "--project", str(tiny), "--csl", "iee"]) == 2
    assert capsys.readouterr().err.startswith("paperbuild: error: --csl: unknown citation style 'iee'; did you mean")


# -- outputs -------------------------------------------------------------------------------------------------------


def test_failed_build_leaves_the_previous_output_untouched(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["html", "--project", str(tiny), "--quiet"]) == 0
    html = tiny / "build" / "paper.html"
    before = html.read_bytes()
    assert b"A Small Paper" in before

    (tiny / "manuscript" / "01-a.md").write_text(CHAPTER.replace("knuth1984", "knuth1948"), encoding="utf-8")
    capsys.readouterr()
    assert main(["html", "--project", str(tiny), "--quiet"]) == 1
    assert "error[undefined-citation]" in capsys.readouterr().err
    assert html.read_bytes() == before

    proc = build_py("html", "--project", str(tiny))
    assert proc.returncode == 1
    assert html.read_bytes() == before
    assert outputs(tiny / "build") == ["paper.html"]
    assert leftovers(tiny / "build") == []


def test_out_writes_there(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "elsewhere" / "out"
    assert main(["html", "--project", str(tiny), "--out", str(out)]) == 0
    assert outputs(out) == ["paper.html"]
    assert leftovers(out) == []
    assert not (tiny / "build").exists()
    assert f"wrote {out / 'paper.html'}" in capsys.readouterr().err.splitlines()


def test_outputs_get_ordinary_file_permissions(tiny: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    assert main(["html", "--project", str(tiny), "--quiet"]) == 0
    assert (tiny / "build" / "paper.html").stat().st_mode & 0o777 == 0o666 & ~umask


def test_no_subcommand_means_all(tiny: Path) -> None:
    proc = build_py("--project", str(tiny))
    assert proc.returncode == 0, proc.stderr
    assert diagnostic_lines(proc.stderr) == []
    build = tiny / "build"
    assert outputs(build) == ["paper.docx", "paper.html", "paper.pdf", "paper.xml"]
    assert leftovers(build) == []
    assert "A Small Paper" in (build / "paper.html").read_text(encoding="utf-8")
    assert "A Small Paper" in normalize(pdf_text(build / "paper.pdf"))
    with zipfile.ZipFile(build / "paper.docx") as docx:
        assert "A Small Paper" in docx.read("word/document.xml").decode("utf-8")
    for name in ("paper.html", "paper.pdf", "paper.docx"):
        assert f"wrote {build / name}" in proc.stderr.splitlines()


def test_project_defaults_to_the_folder_holding_build_py(tiny: Path, tmp_path: Path) -> None:
    (tiny / "build.py").write_bytes((REPO / "build.py").read_bytes())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [sys.executable, str(tiny / "build.py"), "check", "--format", "json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"diagnostics": []}


# -- start-up cost -------------------------------------------------------------------------------------------------


def test_the_command_collects_garbage_less_often() -> None:
    code = "import gc\nfrom paperbuild import cli\ncli.main = lambda: print(gc.get_threshold()) or 0\ncli.main_entry()"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, str(cli.GC_THRESHOLDS))


def test_check_does_not_import_weasyprint(tiny: Path) -> None:
    proc = build_py("check", "--project", str(tiny), python_flags=("-X", "importtime"))
    assert proc.returncode == 0, proc.stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "paperbuild.cli" in modules  # the parse found the import lines at all
    assert sorted(m for m in modules if m == "weasyprint" or m.startswith("weasyprint.")) == []


class StartOrder:
    """Records when the pipeline reads the project and when it starts WeasyPrint's process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[str] = []
        self.workers: list[PdfWorker] = []
        real_read, real_start = pipeline.read, pipeline._start_pdf_worker

        def read(*args: Any) -> Any:
            self.events.append("read")
            return real_read(*args)

        def start() -> PdfWorker:
            self.events.append("typesetter")
            self.workers.append(real_start())
            return self.workers[-1]

        monkeypatch.setattr(pipeline, "read", read)
        monkeypatch.setattr(pipeline, "_start_pdf_worker", start)

    def take(self) -> list[str]:
        events, self.events = self.events, []
        return events


def test_the_typesetter_starts_first_when_there_is_no_pdf_yet_and_only_when_needed(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = StartOrder(monkeypatch)
    assert main(["pdf", "--project", str(tiny), "--quiet"]) == 0
    assert order.take() == ["typesetter", "read"]  # no PDF: it imports WeasyPrint while the project is read
    assert main(["pdf", "--project", str(tiny), "--quiet"]) == 0
    assert order.take() == ["read"]  # up to date: never started
    (tiny / "manuscript/01-a.md").write_text(CHAPTER + "\nMore.\n")
    assert main(["pdf", "--project", str(tiny), "--quiet"]) == 0
    assert order.take() == ["read", "typesetter"]  # a PDF exists: started once the cache says it is stale
    assert all(worker._process.poll() is not None for worker in order.workers)


def test_a_typesetter_started_early_is_stopped_when_the_build_cannot_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = StartOrder(monkeypatch)
    assert main(["all", "--project", str(tmp_path), "--quiet"]) == 1  # no manuscript/ folder
    assert order.take() == ["typesetter", "read"]
    assert order.workers[0]._process.poll() is not None  # not left running


def test_the_docx_waits_for_the_typesetter_to_import_weasyprint(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # on two cores, pandoc for the DOCX would otherwise slow down the import the PDF (the longest output) waits for
    order = StartOrder(monkeypatch)
    from paperbuild.render import RENDERERS, get_renderer

    real_docx, seen = get_renderer("docx"), []

    def docx(job: Any) -> Any:
        seen.append(order.workers[0].wait_until_ready(timeout=0) and order.workers[0]._process.poll() is None)
        return real_docx(job)

    monkeypatch.setitem(RENDERERS, "docx", docx)
    read_ready_byte = PdfWorker._read_ready_byte

    def slow_import(worker: PdfWorker) -> None:  # an import that ends well after the HTML pieces are made
        time.sleep(1.5)
        read_ready_byte(worker)

    monkeypatch.setattr(PdfWorker, "_read_ready_byte", slow_import)
    assert main(["all", "--project", str(tiny), "--quiet"]) == 0
    assert seen == [True]  # started when the worker, still running, had said it was ready


def test_the_typesetter_is_told_the_papers_language_once_the_project_is_read(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tiny / "manuscript/metadata.yaml").write_text(MINIMAL_META + "lang: de-DE\n")
    order, real_prepare = StartOrder(monkeypatch), PdfWorker.prepare

    def prepare(worker: PdfWorker, languages: Sequence[str]) -> None:
        order.events.append(f"prepare {' '.join(languages)}")
        real_prepare(worker, languages)

    monkeypatch.setattr(PdfWorker, "prepare", prepare)
    assert main(["pdf", "--project", str(tiny), "--quiet"]) == 0
    # the first call counts (the typesetting's own call, with no language, changes nothing)
    assert order.take()[:3] == ["typesetter", "read", "prepare de-DE"]  # no PDF yet: started before reading
    (tiny / "manuscript/01-a.md").write_text(CHAPTER + "\nMore.\n")
    assert main(["pdf", "--project", str(tiny), "--quiet"]) == 0
    assert order.take()[:3] == ["read", "typesetter", "prepare de-DE"]  # a stale PDF: started after the cache


def test_progress_is_one_line_per_stage_quiet_silences_it_and_verbose_adds_details(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["html", "--project", str(tiny)]) == 0
    stages = [
        line.rsplit(maxsplit=2)[0].strip() for line in capsys.readouterr().err.splitlines() if line.endswith(" s")
    ]
    assert stages == ["read", "bibliography", "parse", "check", "assemble", "html pieces", "html", "conservation"]
    (tiny / "manuscript/01-a.md").write_text(CHAPTER + "\nMore.\n")
    assert main(["html", "--project", str(tiny), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    (tiny / "manuscript/01-a.md").write_text(CHAPTER + "\nEven more.\n")
    assert main(["html", "--project", str(tiny), "--verbose"]) == 0
    err = capsys.readouterr().err
    assert "read 1 chapters, 1 bibliography entries (1 cited), style 'default', citation style pandoc default" in err
    assert re.search(r"paper\.html: [\d,]+ bytes", err)


def test_an_unreadable_chapter_is_one_line_not_a_traceback(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tiny / "manuscript/02-b.md").mkdir()  # a folder named like a chapter cannot be read
    (tiny / "manuscript/03-c.md").write_text("# C\n")
    (tiny / "manuscript/03-c.md").chmod(0o000)
    try:
        code = main(["check", "--project", str(tiny), "--quiet"])
    finally:
        (tiny / "manuscript/03-c.md").chmod(0o644)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if os.geteuid() == 0:  # root reads any file: only the folder remains, which is skipped
        assert code == 0
    else:
        assert code == 1 and err.startswith("paperbuild: error: cannot access")


def test_a_bug_is_one_line_that_asks_for_a_report(
    tiny: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import paperbuild.pipeline

    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(paperbuild.pipeline, "gather", broken)
    assert main(["check", "--project", str(tiny), "--quiet"]) == 1
    assert capsys.readouterr().err == (
        "paperbuild: internal error (ZeroDivisionError: division by zero); this is a bug in paperbuild, please report "
        "it with the output of the same command run with --debug\n"
    )
