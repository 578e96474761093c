"""`watch`: a real watcher process serving the HTML on 127.0.0.1, rebuilding on save, firing the reload event,
rebuilding PDF and DOCX behind it, and surviving a broken save."""

from __future__ import annotations

import functools
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO


def _read_events(url: str, seen: list[str], done: threading.Event) -> None:
    with urllib.request.urlopen(url, timeout=30) as stream:
        for raw in stream:
            seen.append(raw.decode())
            if raw.startswith(b"data: reload"):
                done.set()
                return


def _wait_for(lines: queue.Queue[str], pattern: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s")


@pytest.mark.slow
def test_watch_serves_rebuilds_on_save_fires_reload_and_survives_a_broken_save(tmp_path: Path) -> None:
    project = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", project)
    proc = subprocess.Popen(
        [sys.executable, "build.py", "watch", "--project", str(project), "--port", "0"],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C must reach it even when the tests run as a background job, whose shell ignores SIGINT
        preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        url = re.search(r"serving (http://127\.0\.0\.1:\d+/)", _wait_for(lines, "serving")).group(1)  # type: ignore[union-attr]
        _wait_for(lines, r"\] html: html")
        _wait_for(lines, r"\] pdf, docx: pdf, docx")  # the first PDF and DOCX, in the background
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "Added while watching." not in page
        assert "EventSource('/__paperbuild/events')" in page

        seen: list[str] = []
        reloaded = threading.Event()
        listener = threading.Thread(target=_read_events, args=(url + "__paperbuild/events", seen, reloaded))
        listener.start()
        time.sleep(0.3)
        chapter = project / "manuscript" / "01-introduction.md"
        chapter.write_text(chapter.read_text() + "\nAdded while watching.\n")
        assert reloaded.wait(20), seen
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "Added while watching." in page
        _wait_for(lines, r"\] pdf, docx: pdf, docx")  # the PDF and DOCX follow the edit

        metadata = project / "manuscript" / "metadata.yaml"
        saved = metadata.read_text()
        metadata.unlink()  # an editor's save removes the file for a moment
        _wait_for(lines, r"paperbuild: error: .*metadata.yaml: missing.*\(still watching\)")
        metadata.write_text(saved)
        _wait_for(lines, r"\] html: ")  # and watching goes on
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        reader.join(timeout=10)
        proc.stderr.close()
    assert proc.returncode == 0
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert "Traceback" not in "".join(rest)
