"""Building a stranger's paper runs nothing of theirs: git ignores the repository's commands, build.py imports no
module lying in the project, the watch server answers only this machine's pages, and nothing a file name carries
reaches the terminal as a control sequence. And the tests need nothing outside a clone of the repository."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, MINIMAL_BIB, REPO, make_project

from paperbuild.cli import main
from paperbuild.scaffold_templates import BUILD_PY
from paperbuild.submission import gitrev
from paperbuild.watch import Reloads, serve

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=True).stdout


def committed_paper(root: Path) -> Path:
    """The small paper in a repository of its own, one commit."""
    shutil.copytree(FIXTURES / "small-paper", root)
    (root / ".gitattributes").write_text("*.md filter=x\n*.bib filter=x\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Submitted")
    return root


def arm(root: Path, canary: Path) -> None:
    """Give the repository's own config commands that git runs on status, archive, checkout: each touches `canary`.
    Set after the commit, as a stranger's repository arrives."""
    touch = f"touch '{canary}'"
    with (root / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[core]\n\tfsmonitor = {touch}\n\tpager = {touch}\n[diff]\n\texternal = {touch}\n")
        config.write(f'[filter "x"]\n\tsmudge = {touch}; cat\n\tclean = {touch}; cat\n\trequired = true\n')
    hook = root / ".git" / "hooks" / "post-index-change"
    hook.write_text(f"#!/bin/sh\n{touch}\n", encoding="utf-8")
    hook.chmod(0o755)


@pytest.fixture
def armed(tmp_path: Path) -> Path:
    """A committed paper whose repository config and hooks touch tmp_path/PWNED, with a chapter edited since: status
    must read it again (its time is later), diff has something to mark."""
    root = committed_paper(tmp_path / "paper")
    arm(root, tmp_path / "PWNED")
    chapter = root / "manuscript" / "03-conclusions.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added since.\n", encoding="utf-8")
    later = chapter.stat().st_mtime + 60
    for path in (root / "manuscript").iterdir():
        os.utime(path, (later, later))
    return root


def test_diff_runs_nothing_the_repository_config_names(armed: Path) -> None:
    assert main(["diff", "HEAD", "--project", str(armed), "--quiet"]) == 0
    assert not (armed.parent / "PWNED").exists()
    page = (armed / "build" / "paper-diff.html").read_text(encoding="utf-8")
    assert "<ins>A sentence added since.</ins>" in page and "Tide gauges in small harbours" in page


def test_bundle_runs_nothing_the_repository_config_names(armed: Path) -> None:
    assert main(["bundle", "--project", str(armed), "--quiet"]) == 0
    assert not (armed.parent / "PWNED").exists()
    commit = git(armed, "rev-parse", "HEAD").strip()
    with zipfile.ZipFile(armed / "build" / "paper-submission.zip") as archive:
        assert f"git commit: {commit} (with uncommitted changes)\n" in archive.read("MANIFEST").decode()


@pytest.mark.parametrize(
    ("rev", "code", "message"),
    [
        ("HEAD^{tree}", 1, "'HEAD^{tree}' names a folder (tree), not a commit"),
        ("HEAD:manuscript/01-introduction.md", 1, "'HEAD:manuscript/01-introduction.md' names a file (blob), not a"),
        ("HEAD~3", 1, "unknown revision 'HEAD~3' (git: bad revision 'HEAD~3')"),
        ("--output=x", 2, "'--output=x' is not a revision"),
        ("-h", 2, "'-h' is not a revision"),
    ],
)
def test_a_revision_that_is_no_commit_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rev: str, code: int, message: str
) -> None:
    root = committed_paper(tmp_path / "paper")
    assert main(["--project", str(root), "diff", "--", rev]) == code
    err = capsys.readouterr().err
    assert err.startswith(f"paperbuild: error: {message}") and err.count("\n") == 1
    assert sorted(path.name for path in root.iterdir()) == [".git", ".gitattributes", "bibliography", "manuscript"]


def test_a_blob_id_is_refused_as_a_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = committed_paper(tmp_path / "paper")
    blob = git(root, "rev-parse", "HEAD:manuscript/metadata.yaml").strip()
    assert main(["diff", blob, "--project", str(root)]) == 1
    assert capsys.readouterr().err.startswith(f"paperbuild: error: '{blob}' names a file (blob), not a commit")


def test_a_file_too_large_at_the_revision_is_an_error_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = committed_paper(tmp_path / "paper")
    monkeypatch.setattr(gitrev, "MAX_FILE_BYTES", 600)
    assert main(["diff", "HEAD", "--project", str(root), "--quiet"]) == 1
    short = git(root, "rev-parse", "--short", "HEAD").strip()
    assert capsys.readouterr().err == (
        f"paperbuild: error: bibliography/refs.bib at {short} has 757 bytes, more than the 600 a file of a "
        "paper may have\n"
    )


SCRIPTS = {"this repository's build.py": (REPO / "build.py").read_text(encoding="utf-8"), "init's build.py": BUILD_PY}


def run_script(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:  # this checkout's paperbuild, whichever is installed
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, *args, "build.py", "check"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_build_py_imports_no_module_lying_in_the_project(tmp_path: Path, script: str) -> None:
    project = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", project)
    (project / "build.py").write_text(SCRIPTS[script], encoding="utf-8")
    for name in ("yaml", "paperbuild", "jinja2"):
        (project / f"{name}.py").write_text(f"open({str(tmp_path / name)!r}, 'w').close()\n", encoding="utf-8")
    done = run_script(project)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["paper"]  # no canary written


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_build_py_without_paperbuild_says_how_to_install_it(tmp_path: Path, script: str) -> None:
    project = make_project(tmp_path / "paper", {"build.py": SCRIPTS[script]})
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    done = run_script(project, "-S", env=env)  # -S: no site-packages, so no paperbuild
    install = f"-e {shlex.quote(str(project))}" if script.startswith("this") else "paperbuild"
    expected = f"paperbuild is not installed; install it: {shlex.quote(sys.executable)} -m pip install {install}\n"
    assert (done.returncode, done.stdout, done.stderr) == (3, "", expected)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    """A real preview server on 127.0.0.1 over an output folder holding the outputs and files that are not its to
    give: a secret, a subfolder, the build's cache. Its port."""
    out = tmp_path / "build"
    (out / "sub").mkdir(parents=True)
    (out / "paper.html").write_text("<html><body><p>The paper.</p></body></html>", encoding="utf-8")
    (out / "paper.pdf").write_bytes(b"%PDF-1.7 the paper")
    for rel in ("secret.txt", "sub/secret.txt", ".paperbuild-cache.json"):
        (out / rel).write_text("SECRET", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    running = serve(out, 0, Reloads())
    assert running.server_address[0] == "127.0.0.1"
    yield running.server_address[1]
    running.shutdown()
    running.server_close()


def get(port: int, path: str, host: str | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    answer = response.status, response.headers, response.read()
    connection.close()
    return answer


def test_the_preview_answers_only_requests_addressed_to_this_machine(server: int) -> None:
    for host in (f"127.0.0.1:{server}", f"localhost:{server}", f"[::1]:{server}", f"LOCALHOST:{server}"):
        assert get(server, "/", host)[0] == 200, host
    for host in (
        f"evil.example:{server}",
        "evil.example",
        f"127.0.0.1:{server + 1}",
        "127.0.0.1",
        f"x.127.0.0.1:{server}",
    ):
        status, _, body = get(server, "/", host)
        assert status == 403 and b"The paper." not in body, host
    with socket.create_connection(("127.0.0.1", server), timeout=10) as raw:  # HTTP/1.0 without a Host header
        raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert raw.recv(64).startswith(b"HTTP/1.0 403")


def test_the_preview_page_may_run_only_its_reload_script_and_load_nothing(server: int) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and b"<p>The paper.</p>" in body
    scripts = re.findall(rb"<script>(.*?)</script>", body)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0]).digest()).decode()
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == f"'sha256-{digest}'"
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    assert policy["img-src"] == policy["font-src"] == "data:" and policy["style-src"] == "'unsafe-inline'"
    assert policy["base-uri"] == policy["form-action"] == policy["frame-ancestors"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    status, headers, body = get(server, "/paper.pdf")
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", b"%PDF-1.7 the paper")
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "path",
    [
        "/secret.txt",
        "/sub/",
        "/sub/secret.txt",
        "/.paperbuild-cache.json",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/paper.html/../secret.txt",
        "//secret.txt",
        "/paper.html%00",
        "/paper.docx",
    ],
)
def test_the_preview_serves_no_other_file_of_the_output_folder(server: int, path: str) -> None:
    status, headers, body = get(server, path)
    assert status == 404 and b"SECRET" not in body and b"Directory listing" not in body
    assert "Content-Security-Policy" in headers


@pytest.mark.parametrize("port", ["70000", "-1", "65536"])
def test_a_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str], port: str) -> None:
    assert main(["watch", f"--port={port}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"paperbuild: error: argument --port: {port} is not a port number (0 to 65535; 0 picks")


CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # every control character but the newline
HOSTILE = "01-\x1b]0;pwned\x07\rintro\x1b[2J\x9b2J.md"
SHOWN = "01-\\x1b]0;pwned\\x07\\x0dintro\\x1b[2J\\x9b2J.md"


def test_control_characters_in_names_reach_the_terminal_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {f"manuscript/{HOSTILE}": "# A\n\nSee [@knuth1984] and [@nobody].\n", "bibliography/refs.bib": MINIMAL_BIB}
    root = make_project(tmp_path / "paper", files)
    assert main(["check", "--project", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert not CONTROL.search(err)
    assert f"manuscript/{SHOWN}:3:23: error[undefined-citation]: 'nobody' is not in bibliography/refs.bib\n" in err

    assert main(["check", "--project", str(root), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert not CONTROL.search(out)
    assert json.loads(out)["diagnostics"][0]["path"] == f"manuscript/{HOSTILE}"

    (root / "manuscript" / HOSTILE).write_text("# A\n\nSee [@knuth1984].\n", encoding="utf-8")
    out_dir = tmp_path / "out\x1b[2J\x1b]0;pwned\x07"
    assert main(["html", "--project", str(root), "--out", str(out_dir)]) == 0
    err = capsys.readouterr().err
    assert not CONTROL.search(err)
    assert f"wrote {tmp_path}/out\\x1b[2J\\x1b]0;pwned\\x07/paper.html\n" in err


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's tracked files, copied into a folder with nothing beside it, as a user's clone has them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    dest = tmp_path_factory.mktemp("alone") / "paperbuild"
    for rel in filter(None, listed.decode().split("\0")):
        source = REPO / rel
        if source.is_file():  # a tracked file removed in this checkout is not in a clone either
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel, follow_symlinks=False)
    assert sorted(path.name for path in dest.parent.iterdir()) == ["paperbuild"]
    return dest


def run_in(clone: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}  # the clone's own paperbuild
    return subprocess.run(
        [sys.executable, *command], cwd=clone, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_every_test_is_collected_in_a_clone_alone(clone: Path) -> None:
    done = run_in(clone, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ tests collected in [\d.]+s", summary), summary


def test_the_seed_the_paper_tests_read_is_in_a_clone(clone: Path) -> None:
    code = "import conftest; print(conftest.SEED.resolve()); print(conftest.SEED.read_text(encoding='utf-8')[:200])"
    done = run_in(clone, "-c", f"import sys; sys.path.insert(0, 'tests'); {code}")
    assert done.returncode == 0, done.stderr
    where, text = done.stdout.split("\n", 1)
    assert Path(where) == clone / "tests" / "fixtures" / "seed" / "paper.txt"
    assert "Research on the Development of Liaoning Province" in text


def test_python_m_paperbuild_imports_no_module_lying_in_the_current_folder(tmp_path: Path) -> None:
    project = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", project)
    for name in ("yaml", "jinja2"):
        (project / f"{name}.py").write_text(f"open({str(tmp_path / name)!r}, 'w').close()\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "paperbuild", "check", "--quiet"], cwd=project, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["paper"]  # no canary written
