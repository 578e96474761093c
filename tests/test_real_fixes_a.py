"""Defects a new user found building real papers (the trial's reproductions under /work/repro): the space after an
inline formula in a justified PDF line, `\\text{... $z$ ...}` in a formula, JATS validity of every pandoc inline and
block kind, and the MECA package's figures."""

from __future__ import annotations

import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

from conftest import FIXTURES, make_project, pdf_text, png
from lxml import etree

from paperbuild.cli import main
from paperbuild.pipeline import Options, run_build

XHTML = "{http://www.w3.org/1999/xhtml}"
FILLER = "Several plain words of ordinary length fill the line around the formulas so that each line is justified"


def words_by_line(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Each line's words with their left and right edges, as pdftotext -bbox-layout reads them."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    return [
        [(w.text or "", float(w.get("xMin", "0")), float(w.get("xMax", "0"))) for w in line.iter(f"{XHTML}word")]
        for line in ET.fromstring(xml).iter(f"{XHTML}line")
    ]


def test_the_space_after_an_inline_formula_is_kept_on_justified_lines(tmp_path: Path) -> None:
    # "where $b$ is" printed "where bis" in a justified line whose spaces shrank: the space after the formula was
    # one of the text layer's tiny spaces, given the shrinking line's negative spacing
    body = " ".join(f"{FILLER}, where $b$ is the number {n}." for n in range(12))
    root = make_project(tmp_path, {"manuscript/01-intro.md": f"# Intro\n\nAlone $b$is here.\n\n{body}\n"})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    lines = words_by_line(root / "build" / "paper.pdf")
    alone = next(line for line in lines if [w[0] for w in line] == ["Alone", "is", "here."])
    space = alone[2][1] - alone[1][2]
    formula = alone[1][1] - alone[0][2] - space  # the formula's width: "Alone", a space, the formula, then "is"
    gaps = []
    for line in lines[:-1]:
        texts = [w[0] for w in line]
        spaces = [b[1] - a[2] for a, b in itertools.pairwise(line) if a[0] != "where"]
        for index in (i for i, t in enumerate(texts[:-1]) if t == "where" and texts[i + 1] == "is"):
            gaps.append(line[index + 1][1] - line[index][2] - formula - min(spaces))
    assert len(gaps) >= 5
    assert min(gaps) > 0.6 * space, (gaps, space)  # a second word space, after the formula


def test_math_inside_text_in_a_formula_is_typeset_as_math(tmp_path: Path) -> None:
    chapter = "# Intro\n\n$$ q_z = \\text{ probability to catch up from $z$ blocks behind} $$\n"
    root = make_project(tmp_path, {"manuscript/01-intro.md": chapter})
    assert main(["pdf", "--project", str(root), "--quiet"]) == 0
    # the text layer reads a formula as one word; the z set as math between the words, no dollar printed
    assert "qz=probabilitytocatchupfromzblocksbehind" in pdf_text(root / "build" / "paper.pdf")


DTD_FILE = FIXTURES / "jats-dtd" / "archiving-1.2-mathml3" / "JATS-archivearticle1-mathml3.dtd"
EVERY_KIND = r"""# Every kind {#sec:every}

Code with a class, `window.__tcfapi()`{.js}, with attributes `x = 1`{#code-a .python startFrom="3"}, plain `y`.
Spans: [small caps]{.smallcaps}, [underlined]{.underline}, [marked]{.mark}, [with attributes]{#span-a .cls key="v"},
~~struck~~, H~2~O, x^2^, "double" and 'single' quotes, *emphasis*, **strong**, a link <https://example.org>, a
[named link](https://example.org "its title"), mail <ada@example.org>, raw <b>HTML</b> and `<i>raw</i>`{=html}, an
inline image ![dot](dot.png){width=1em}, math $a^2$, a note.^[A note with `code`{.c} and [caps]{.smallcaps}.]
Section @sec:every, figure @fig:one, table @tbl:spans, equation @eq:one.\
After a hard line break.

Term
:   Its definition, with `code`{.sh}.

Another term
:   First paragraph.

    Second paragraph.

| Line one of a line block
|    indented line two

> A block quote with `code`{.r}.

```python
print("a code block with a class")
```

``` {#lst:a .haskell .numberLines startFrom="10"}
main = pure ()
```

1. first
2. second
   - nested bullet
   - [ ] task

3) parenthesised

::: {#div-a .note key="v"}
A div with attributes.
:::

---

$$ E = mc^2 $$ {#eq:one}

![A figure whose caption has a note^[The note in a caption.] and `code`{.js}.](dot.png){#fig:one}

+---------------+---------------+
| Spanned header                |
+===============+===============+
| a             | b             |
+---------------+---------------+
| both columns, `code`{.js}     |
+---------------+---------------+

: A table with column spans and a note^[A note in a table caption.]. {#tbl:spans}

Text <span class="x">in a raw span</span> ends here[^long].

[^long]: A long note, with a second paragraph.

    Second paragraph of the note.
"""


def test_jats_of_every_pandoc_kind_is_valid(tmp_path: Path) -> None:
    # `x`{.js} gave <monospace language="javascript">: JATS 1.2 has no such attribute, paper.xml was invalid
    root = make_project(tmp_path, {"manuscript/01-every.md": EVERY_KIND})
    (root / "manuscript" / "dot.png").write_bytes(png(4, 4))
    result = run_build(root, ["jats"], Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    dtd = etree.DTD(str(DTD_FILE))
    tree = etree.parse(str(result.written["jats"]), etree.XMLParser(resolve_entities=False, no_network=True))
    assert dtd.validate(tree), [f"{e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()][:10]
    article: Any = tree.getroot()
    assert [c.text for c in article.iter("monospace")][:2] == ["window.__tcfapi()", "x = 1"]
    assert article.xpath("//code[@language='python']")  # a code block keeps its language


MANIFEST = "{https://manuscriptexchange.org/schema/manifest}"
FIGURES = r"""# Method {#sec:method}

| Method | Time |
|--------|-----:|
| A      |    1 |

: Times. {#tbl:bench}

\begin{figure}
\centering
\includegraphics{raw.png}
\caption{A figure written in raw LaTeX.}\label{fig:raw}
\end{figure}

![A figure written in Markdown.](plot.png){#fig:md}

![The same image again; the algorithms from \autoref{tbl:bench} are shown here.](plot.png){#fig:again}

See @fig:raw, @fig:md and @fig:again.
"""


def test_meca_packs_the_figures_the_paper_numbers(tmp_path: Path) -> None:
    # a raw-LaTeX figure was left out (the manifest's "Figure 1" was the paper's Figure 2, and paper.xml named
    # raw.png, which the zip did not hold); two figures showing one image gave one item; a caption's \autoref was lost
    root = make_project(tmp_path, {"manuscript/01-method.md": FIGURES})
    (root / "manuscript" / "raw.png").write_bytes(png(3, 3))
    (root / "manuscript" / "plot.png").write_bytes(png(5, 5))
    assert main(["bundle", "--meca", "--project", str(root), "--quiet"]) == 0
    with zipfile.ZipFile(root / "build" / "paper-meca.zip") as archive:
        names = set(archive.namelist())
        manifest = ET.fromstring(archive.read("manifest.xml"))
        jats = archive.read("paper.xml").decode()
        assert archive.read("figures/figure-1.png") == png(3, 3)
        assert archive.read("figures/figure-2.png") == archive.read("figures/figure-3.png") == png(5, 5)
    figures = {
        instance.get("{http://www.w3.org/1999/xlink}href"): [m.text for m in item.iter(f"{MANIFEST}metadata")]
        for item in manifest.iter(f"{MANIFEST}item")
        for instance in item.iter(f"{MANIFEST}instance")
        if item.get("item-type") == "figure"
    }
    assert figures == {
        "figures/figure-1.png": ["1", "Figure 1. A figure written in raw LaTeX."],
        "figures/figure-2.png": ["2", "Figure 2. A figure written in Markdown."],
        "figures/figure-3.png": [
            "3",
            "Figure 3. The same image again; the algorithms from Table 1 are shown here.",
        ],
    }
    hrefs = re.findall(r'xlink:href="([^"]*)"', jats)
    assert hrefs == ["figures/figure-1.png", "figures/figure-2.png", "figures/figure-3.png"]
    assert {"source/manuscript/raw.png", "source/manuscript/plot.png"} <= names  # the package rebuilds the paper
