"""`watch`: a real watcher process serving the HTML on 127.0.0.1, rebuilding on save and firing the reload event."""

from __future__ import annotations

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


@pytest.mark.slow
def test_watch_serves_rebuilds_on_save_and_fires_reload(tmp_path: Path) -> None:
    project = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", project)
    proc = subprocess.Popen(
        [sys.executable, "build.py", "watch", "--project", str(project), "--port", "0"],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", first)
        assert match, first
        url = match.group(1)
        assert "html: html" in proc.stderr.readline()  # the first build
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
        assert "Added while watching." in (project / "build" / "paper.html").read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert err.rstrip().endswith("stopped")
