"""A stranger's paper cannot run code or plant active content: style templates, raw HTML and OpenXML, SVG figures,
links, the bundle, and inputs built to make the checks slow."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, make_project

from paperbuild.cli import main

CANARY = "CANARY-5b1d"


def paper(tmp_path: Path, body: str = "", **files: str) -> Path:
    """A small project whose one chapter cites its one entry and holds `body`."""
    chapter = f"# Intro\n\nText [@knuth1984].\n\n{body}\n"
    return make_project(
        tmp_path / "paper", {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB, **files}
    )


# --------------------------------------------------------------------------------------------- style templates


def house_style(template: str) -> dict[str, str]:
    """A project style `house` extending the default one, with `template` as its page template."""
    return {"styles/house/style.yaml": "extends: default\n", "styles/house/paper.html.j2": template}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute '__init__' "
            "of 'type' object is unsafe.",
        ),
        (
            "{{ lipsum.__globals__['__builtins__']['open']('CANARY', 'w').write('x') }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute "
            "'__globals__' of 'function' object is unsafe.",
        ),
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute "
            "'__class__' of 'str' object is unsafe.",
        ),
        (
            "{{ authors.append(1) }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute 'append' "
            "of 'list' object is unsafe.",
        ),
        (
            "{% if %}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: Expected an expression, got "
            "'end of statement block'",
        ),
        (
            "{{ no_such_name.x }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: 'no_such_name' is undefined",
        ),
    ],
)
def test_a_style_template_runs_no_code_and_its_errors_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, line: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)  # where the canary would be written
    template = '{% extends "default/paper.html.j2" %}\n{% block byline %}\n' + line + "\n{% endblock %}\n"
    root = paper(tmp_path, **house_style(template))
    assert main(["html", "--project", str(root), "--style", "house", "--quiet"]) == 1
    assert capsys.readouterr().err == f"paperbuild: error: {expected}\n"
    assert not (tmp_path / "CANARY").exists()
    assert not (root / "build/paper.html").exists()
