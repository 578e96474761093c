"""Raw TeX in the chapters (rawtex.py): converted in every output, or reported at its place; never dropped."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import MINIMAL_BIB, make_project, normalize, parse_html, png
from pypdf import PdfReader

from paperbuild.cli import main
from paperbuild.pipeline import Options, run_check
from paperbuild.render.docx import docx_text

CHAPTER = r"""# Results \label{sec:results}

As shown in \autoref{fig:gauge} and in Section \ref{sec:results}, IL-1\ensuremath{\beta} rises.
\textbf{Strongly} so, says \citet{knuth1984}.

\begin{equation}\label{eq:x}
E = mc^2
\end{equation}

\begin{align*}
a &= b \\
c &= d
\end{align*}

By Eq. \eqref{eq:x} and \cref{energy}:

\begin{equation}
F = ma \label{energy}
\end{equation}

\newpage

![A tide gauge \label{fig:gauge}](figures/gauge.png)

The second page.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(
        tmp_path_factory.mktemp("rawtex"),
        {"manuscript/01-results.md": CHAPTER, "bibliography/refs.bib": MINIMAL_BIB},
    )
    (root / "manuscript/figures").mkdir()
    (root / "manuscript/figures/gauge.png").write_bytes(png(40, 20))
    assert main(["all", "--project", str(root), "--quiet"]) == 0
    return root / "build"


def test_tex_reads_as_its_meaning_in_the_html(built: Path) -> None:
    page = parse_html(built / "paper.html")
    links = {a.get("href"): "".join(a.itertext()) for a in page.iter("a") if "cross-reference" in a.get("class", "")}
    assert links == {"#fig:gauge": "Figure\u00a01", "#sec:results": "1", "#eq:x": "(1)", "#energy": "Eq.\u00a0(2)"}
    equation = next(s for s in page.iter("span") if s.get("id") == "eq:x")
    assert equation.get("class") == "equation"
    assert [m.tag for m in equation] == ["math", "span"] and "".join(equation[1].itertext()) == "(1)"
    paragraph = next(p for p in page.iter("p") if "IL-1" in "".join(p.itertext()))
    assert [e.tag for e in paragraph if e.tag in ("math", "strong")] == ["math", "strong"]
    assert "".join(next(paragraph.iter("mi")).itertext()) == "β"
    assert normalize("".join(paragraph.itertext())).endswith("Strongly so, says Knuth (1984).")
    assert page.find(".//figure").get("id") == "fig:gauge"
    assert page.find(".//h2/..").get("id") == "sec:results"
    assert [d for d in page.iter("div") if d.get("class") == "page-break"]


def test_tex_reads_as_its_meaning_in_the_pdf(built: Path) -> None:
    # the text layer in the page's content order: pypdf reads the content stream as drawn; pdftotext regroups text
    # by size and position, and where it puts a formula's 0.1px text layer depends on how the line broke
    layer = normalize(" ".join(page.extract_text() for page in PdfReader(built / "paper.pdf").pages))
    assert "As shown in Figure 1 and in Section 1, IL-1 β rises." in layer  # the formula's text, beside its drawing
    assert "Strongly so, says Knuth (1984)." in layer
    assert "By Eq. (1) and Eq. (2):" in layer
    assert "E=mc2 (1)" in layer  # the text layer joins a formula's symbols (word joiners), so it reads as one word
    second = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(built / "paper.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Figure 1. A tide gauge" in normalize(second) and "The second page." in second  # \newpage


def test_tex_reads_as_its_meaning_in_the_docx(built: Path) -> None:
    data = (built / "paper.docx").read_bytes()
    with zipfile.ZipFile(built / "paper.docx") as archive:
        xml = archive.read("word/document.xml").decode()
    assert "<m:t>β</m:t>" in xml
    assert '<w:br w:type="page" />' in xml or '<w:br w:type="page"/>' in xml
    assert "<w:b />" in xml.split("Strongly")[0][-200:] or "<w:b/>" in xml.split("Strongly")[0][-200:]
    assert xml.count("SEQ Equation") == 2  # two numbered equations; the align* is not numbered
    text = normalize(docx_text(data))
    assert "As shown in Figure 1 and in Section 1, IL-1" in text and "Strongly so, says Knuth (1984)." in text


def test_what_cannot_be_converted_is_reported_where_it_was_written(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "manuscript/01-a.md": "# A\n\nSome \\foo{x} text.\n\n\\noindent Indented.\n\nIn `\\foo{x}` code.\n",
            "manuscript/02-b.md": "# B\n\nAgain \\foo{x} and\n\\vspace{2em}\n\nH<sub>2O, never closed.\n",
        },
    )
    diagnostics = [d.format() for d in sorted(run_check(root, Options()).diagnostics)]
    unknown = "means nothing the PDF, HTML or DOCX can show: it would be dropped; write it in Markdown (or as $...$ "
    unknown += "math); paperbuild converts only common text, math and reference commands"
    assert diagnostics == [
        f"manuscript/01-a.md:3:6: error[raw-tex]: raw TeX '\\foo{{x}}' {unknown}",
        "manuscript/01-a.md:5:1: note[raw-tex]: the layout command '\\noindent' has no equivalent in the outputs and "
        "is dropped; the style lays the paper out; remove it",
        f"manuscript/02-b.md:3:7: error[raw-tex]: raw TeX '\\foo{{x}}' {unknown}",
        "manuscript/02-b.md:4:1: note[raw-tex]: the layout command '\\vspace{2em}' has no equivalent in the outputs "
        "and is dropped; the style lays the paper out; remove it",
        "manuscript/02-b.md:6:2: warning[raw-html]: raw HTML '<sub>' has no DOCX equivalent: pandoc drops it; write it "
        "in Markdown (H~2~O, x^2^, *emphasis*, a line ending in a backslash, a pipe table, an image)",
    ]
    assert main(["check", "--project", str(root), "--quiet"]) == 1


def test_tex_labels_and_references_are_checked_like_markdown_ones(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {"manuscript/01-a.md": "# A \\label{sec:a}\n\nSee \\ref{sec:a} and \\autoref{fig:none}.\n\n\\label{sec:b}\n"},
    )
    assert [d.format() for d in sorted(run_check(root, Options()).diagnostics)] == [
        "manuscript/01-a.md:3:21: error[undefined-label]: '\\autoref{fig:none}' refers to no element labelled "
        "'{#fig:none}'",
        "manuscript/01-a.md:5:1: warning[unused-label]: label 'sec:b' is never referred to",
    ]
