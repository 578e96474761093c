"""Images: only files inside the project are read, never the network; accepted ones are embedded in every output."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import MINIMAL_BIB, make_project, png

from paperbuild.cli import main
from paperbuild.pipeline import Options, run_check

CANARY = "CANARY-d41d8cd98f00b204e980"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project beside a canary file that no output may ever contain."""
    (tmp_path / "secret.png").write_text(CANARY)
    root = make_project(
        tmp_path / "paper", {"manuscript/01-a.md": "# A\n\nText [@knuth1984].\n", "bibliography/refs.bib": MINIMAL_BIB}
    )
    figures = root / "manuscript/figures"
    figures.mkdir()
    (figures / "box.png").write_bytes(png(30, 20))
    (figures / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="15"/></svg>'
    )
    (figures / "link.png").symlink_to(tmp_path / "secret.png")
    return root


def add(root: Path, text: str) -> None:
    chapter = root / "manuscript/01-a.md"
    chapter.write_text(chapter.read_text() + "\n" + text + "\n")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("../../secret.png", "error[unsafe-resource]: image '../../secret.png' lies outside the project"),
        (
            "figures/%2e%2e/%2e%2e/%2e%2e/secret.png",
            "error[unsafe-resource]: image 'figures/%2e%2e/%2e%2e/%2e%2e/secret.png' lies outside the project",
        ),
        ("figures/link.png", "error[unsafe-resource]: image 'figures/link.png' lies outside the project"),
        ("/etc/hostname", "error[unsafe-resource]: image '/etc/hostname' lies outside the project"),
        ("file:///etc/hostname", "error[unsafe-resource]: image 'file:///etc/hostname' lies outside the project"),
        (
            "http://127.0.0.1:9/x.png",
            "error[remote-resource]: image 'http://127.0.0.1:9/x.png' is on the network; builds never download",
        ),
        ("figures/none.png", "error[missing-resource]: image 'figures/none.png' does not exist"),
        ("01-a.md", "error[missing-resource]: image '01-a.md' is not an image (png, jpg, gif, svg, webp)"),
    ],
)
def test_refused_images_are_diagnostics_at_their_place(project: Path, target: str, expected: str) -> None:
    add(project, f"![Figure]({target})")
    found = [d.format() for d in run_check(project, Options()).diagnostics]
    assert len(found) == 1
    assert found[0].startswith(f"manuscript/01-a.md:5:11: {expected}; ")


@pytest.mark.slow
def test_refused_image_leaves_previous_outputs_and_leaks_nothing(project: Path) -> None:
    assert main(["all", "--project", str(project), "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in (project / "build").glob("paper.*")}
    add(project, "![Figure](figures/link.png)")
    assert main(["all", "--project", str(project), "--quiet"]) == 1
    after = {p.name: p.read_bytes() for p in (project / "build").glob("paper.*")}
    assert after == before
    for data in after.values():
        assert CANARY.encode() not in data and base64.b64encode(CANARY.encode())[:20] not in data


@pytest.mark.slow
def test_accepted_images_are_embedded_in_every_output(project: Path) -> None:
    add(project, "![A box](figures/box.png){#fig:box}\n\n![A dot](figures/dot.svg){#fig:dot}\n\n@fig:box, @fig:dot.")
    assert main(["all", "--project", str(project), "--quiet"]) == 0
    html = (project / "build/paper.html").read_text()
    assert html.count('src="data:image/png;base64,') == 1 and html.count('src="data:image/svg+xml;base64,') == 1
    assert 'alt="A box"' in html
    pdf = pypdf.PdfReader(project / "build/paper.pdf")
    assert sum(len(page.images) for page in pdf.pages) >= 1  # the PNG; the SVG is drawn as vectors
    with zipfile.ZipFile(project / "build/paper.docx") as docx:
        media = sorted(Path(n).suffix for n in docx.namelist() if n.startswith("word/media/"))
    assert media == [".png", ".png", ".svg"]  # the SVG travels with a PNG fallback for older Word
