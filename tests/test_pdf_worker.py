"""The PDF typesetter runs in its own process with a time limit and a memory cap, and says so when it hits them."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyphen
import pytest

import paperbuild
from paperbuild.errors import InputError
from paperbuild.render import pdf_worker
from paperbuild.render.pdf_worker import PdfWorker, TypesetRequest, load_hyphenation, typeset


def request(tmp_path: Path, html: str) -> TypesetRequest:
    return TypesetRequest(
        html=html, base_folder=tmp_path, allowed=(tmp_path,), pdf_variant="pdf/ua-1", style_name="default"
    )


def test_a_page_is_typeset_in_the_worker(tmp_path: Path) -> None:
    done = PdfWorker().typeset(request(tmp_path, "<p>Hello from the worker.</p>"))
    assert done.pdf.startswith(b"%PDF-") and "Hello from the worker." in done.text and done.refused == []


LONG_WORDS = "<p style='width: 4em; hyphens: auto'>" + "internationalisation characteristically " * 6 + "</p>"
HYPHENATED = "charac\u2010\nteristic"  # a hyphen (U+2010) and a line break where en-GB's patterns allow one


def test_the_worker_says_when_it_is_ready_before_it_reads_the_page(tmp_path: Path) -> None:
    worker = PdfWorker()
    worker.prepare(["en-GB"])
    assert worker.wait_until_ready(timeout=120) and worker._process.poll() is None  # ready, and waiting for a page
    done = worker.typeset(request(tmp_path, f"<html lang='en-GB'>{LONG_WORDS}</html>"))
    assert HYPHENATED in done.text  # hyphenated; the signal left the answer whole


def test_the_hyphenation_loaded_ahead_is_the_one_weasyprint_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyphen.hdcache.pop(pyphen.LANGUAGES["en_GB"], None)
    load_hyphenation(["en-GB", "zz-ZZ"])  # a language without patterns is passed over
    assert pyphen.LANGUAGES["en_GB"] in pyphen.hdcache

    def load_again(path: Any) -> None:
        raise AssertionError(f"WeasyPrint loaded {path} again")

    monkeypatch.setattr(pyphen, "HyphDict", load_again)
    done = typeset(request(tmp_path, f"<html lang='en-GB'>{LONG_WORDS}</html>"))
    assert HYPHENATED in done.text


def test_the_worker_runs_the_same_paperbuild_as_the_build(tmp_path: Path) -> None:
    # a copy of the package, first on the parent's sys.path only (as build.py in a checkout is, beside an install),
    # run from a folder that holds another paperbuild
    copy = tmp_path / "checkout"
    shutil.copytree(Path(paperbuild.__file__).parent, copy / "paperbuild", ignore=shutil.ignore_patterns("__pycache__"))
    marker = tmp_path / "worker-file.txt"
    worker_module = copy / "paperbuild/render/pdf_worker.py"
    main_block = 'if __name__ == "__main__":\n'
    source = worker_module.read_text()
    assert main_block in source
    record_file = f"    open({str(marker)!r}, 'w').write(__file__)\n"
    worker_module.write_text(source.replace(main_block, main_block + record_file))
    code = (
        f"import sys; sys.path.insert(0, {str(copy)!r})\n"
        "from pathlib import Path\n"
        "from paperbuild.render.pdf_worker import PdfWorker, TypesetRequest\n"
        f"page = TypesetRequest('<p>x</p>', Path({str(tmp_path)!r}), (), 'pdf/ua-1', 'default')\n"
        "PdfWorker().typeset(page)"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    elsewhere = Path(paperbuild.__file__).parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert Path(marker.read_text()) == worker_module


def test_a_page_that_takes_too_long_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    endless = "<table>" + "<tr><td>cell</td></tr>" * 20_000 + "</table>"
    with pytest.raises(InputError, match=r"typesetting the PDF took longer than 1 s and was stopped"):
        PdfWorker().typeset(request(tmp_path, endless), timeout=1)


def test_a_page_that_needs_too_much_memory_ends_in_an_error_not_a_killed_build(tmp_path: Path) -> None:
    huge = "<table>" + "<tr><td>cell</td><td>more</td></tr>" * 20_000 + "</table>"
    # either WeasyPrint raises MemoryError and says so, or the process dies first and the parent says so
    with pytest.raises(InputError, match=r"more than 230 MB of memory"):
        PdfWorker(memory_limit=230 * 1024**2).typeset(request(tmp_path, huge))


@pytest.mark.parametrize(("peak_mb", "kind"), [(225, "input"), (40, "crash")])
def test_an_error_raised_at_the_memory_cap_is_reported_as_out_of_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, peak_mb: int, kind: str
) -> None:
    # a C library's failed allocation reaches Python as its caller's error, e.g. cffi's SystemError
    def fail(request: TypesetRequest) -> None:
        raise SystemError("error return without exception set")

    monkeypatch.setattr(pdf_worker, "typeset", fail)
    monkeypatch.setattr(pdf_worker, "_peak_address_space", lambda: peak_mb * 1024**2)
    answer = pdf_worker._typeset_answer(request(tmp_path, "<p>x</p>"), memory_limit=230 * 1024**2)
    assert answer[0] == kind
    assert ("needed more than 230 MB of memory" in answer[1]) == (kind == "input")


def test_resources_it_refuses_are_reported(tmp_path: Path) -> None:
    page = '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><p>Text.</p>'
    done = PdfWorker().typeset(request(tmp_path, page))
    assert len(done.refused) == 1 and "refused to load http://127.0.0.1:9/x.css" in done.refused[0]


def run_python(code: str, *path: Path) -> str:
    """Run `code` in a fresh interpreter (WeasyPrint not yet imported), with `path` first on sys.path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


COUNT_LIBRARY_SEARCHES = """
import ctypes.util, subprocess
searches, started = [], []
real_search, real_popen = ctypes.util.find_library, subprocess.Popen.__init__
ctypes.util.find_library = lambda name: searches.append(name) or real_search(name)
subprocess.Popen.__init__ = lambda self, *a, **k: started.append(a) or real_popen(self, *a, **k)
from paperbuild.render.pdf_worker import import_weasyprint
import_weasyprint()
import sys
print(len(searches), len(started), "weasyprint" in sys.modules, ctypes.util.find_library.__name__)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
def test_weasyprint_is_imported_without_searching_for_its_libraries() -> None:
    # a plain `import weasyprint` asks find_library some twenty times, each running ldconfig and gcc
    searches, started, imported, restored = run_python(COUNT_LIBRARY_SEARCHES).split()
    assert (searches, started, imported, restored) == ("0", "0", "True", "<lambda>")


def test_a_library_found_only_by_searching_is_still_found(tmp_path: Path) -> None:
    # a stand-in WeasyPrint whose library loads only through find_library, as on a system without sonames
    (tmp_path / "weasyprint").mkdir()
    (tmp_path / "weasyprint" / "__init__.py").write_text(
        "import ctypes.util\n"
        "print('WeasyPrint could not import some external libraries')\n"
        "if ctypes.util.find_library('c') is None:\n"
        "    raise OSError('cannot load library')\n"
    )
    code = (
        "import ctypes.util, sys\n"
        "real = ctypes.util.find_library\n"
        "from paperbuild.render.pdf_worker import import_weasyprint\n"
        "import_weasyprint()\n"
        "print(sys.modules['weasyprint'].__file__.endswith('weasyprint/__init__.py'), ctypes.util.find_library is real)"
    )
    # WeasyPrint's advice on a failed load goes to stderr: stdout carries the worker's answer
    assert run_python(code, tmp_path).split() == ["True", "True"]


def test_the_worker_runs_without_the_garbage_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a stand-in WeasyPrint records whether the collector is on when the worker imports it
    (tmp_path / "weasyprint").mkdir()
    record = tmp_path / "collector.txt"
    (tmp_path / "weasyprint" / "__init__.py").write_text(
        f"import gc\nopen({str(record)!r}, 'w').write(repr(gc.isenabled()))\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    worker = PdfWorker()
    try:
        assert worker.wait_until_ready(timeout=120)
    finally:
        worker.close()
    assert record.read_text() == "False" and gc.isenabled()  # off there, not in the process that started it
