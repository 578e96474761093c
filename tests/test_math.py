"""Formulas are typeset as math in every format: MathML in the HTML, vector drawings in the PDF, Word equations in
the DOCX; never raw TeX. A formula the renderer cannot typeset is a diagnostic at its line."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, normalize, pdf_text

from paperbuild.cli import main
from paperbuild.pipeline import Options, run_check
from paperbuild.render.html import page_text

FORMULAS = r"""
The mean $\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i$ is inline.

$$ \begin{aligned} a &= \frac{1}{2}\sum_{i=1}^{n} x_i \\ b &= \text{mean}(x) \end{aligned} $$ {#eq:mean}

$$ \int_0^1 f(x)\,dx = F(1) - F(0) $$ {#eq:integral}

$$ \lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e $$ {#eq:e}

$$ \sqrt{a^2 + b^2} \le |a| + |b| $$ {#eq:triangle}

By @eq:mean, @eq:integral, @eq:e and @eq:triangle.
"""
TEX_LEFTOVER = re.compile(r"\$|\\[A-Za-z]+")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("math") / "paper"
    shutil.copytree(FIXTURES / "small-paper", root)
    chapter = root / "manuscript/03-conclusions.md"
    chapter.write_text(chapter.read_text() + FORMULAS)
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


@pytest.mark.slow
def test_html_has_mathml_and_no_raw_tex(built: Path) -> None:
    html = (built / "paper.html").read_text()
    assert html.count("<math") == 5 and html.count('display="block"') >= 4
    text = normalize(page_text(html))
    assert TEX_LEFTOVER.findall(text) == []
    assert "By Eq. (1), Eq. (2), Eq. (3) and Eq. (4)." in text


@pytest.mark.slow
def test_pdf_draws_formulas_as_vectors_with_numbers(built: Path) -> None:
    text = normalize(pdf_text(built / "paper.pdf"))
    assert TEX_LEFTOVER.findall(text) == []
    assert all(f"({n})" in text for n in range(1, 5))
    assert "By Eq. (1), Eq. (2), Eq. (3) and Eq. (4)." in text


@pytest.mark.slow
def test_docx_has_native_word_equations(built: Path) -> None:
    with zipfile.ZipFile(built / "paper.docx") as docx:
        xml = docx.read("word/document.xml").decode()
    # the four numbered equations: a math zone each, between the tab stops of a Display Equation paragraph
    assert xml.count('<w:pStyle w:val="DisplayEquation" />') == 4 and xml.count("<m:oMath>") >= 5
    visible = " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert TEX_LEFTOVER.findall(visible) == []


@pytest.mark.parametrize(
    ("tex", "problem"),
    [
        (r"\frac{1}{", "cannot be typeset (NoAvailableTokensError: an unbalanced brace or a missing argument?)"),
        (r"\mathfrak{g} + \foo{x}", r"uses '\foo', which the math renderer does not know"),
    ],
)
def test_formulas_the_renderer_cannot_typeset_are_diagnostics(tmp_path: Path, tex: str, problem: str) -> None:
    root = tmp_path / "paper"
    shutil.copytree(FIXTURES / "small-paper", root)
    chapter = root / "manuscript/03-conclusions.md"
    chapter.write_text(chapter.read_text() + f"\nBroken: ${tex}$ here.\n")
    line = chapter.read_text().count("\n")
    [diagnostic] = [d.format() for d in run_check(root, Options()).diagnostics]
    assert diagnostic == (
        f"manuscript/03-conclusions.md:{line}:10: error[math]: formula '{tex}' {problem}; check the TeX; commands of "
        "LaTeX packages beyond amsmath are not available"
    )
