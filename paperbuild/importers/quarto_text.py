"""Quarto's own Markdown that pandoc does not read: shortcodes and cross-referenceable figure divs.

Takes a chapter's bytes (fenced code left as it is), the metadata Quarto would read (`{{< meta key >}}`) and the
project's `_variables.yml` (`{{< var key >}}`); gives the chapter as paperbuild reads it and reports, at its line,
each shortcode that has no meaning here:

- `{{< pagebreak >}}` -> `\\newpage` (a page break in the PDF and DOCX); `{{< latex >}}`, `{{< tex >}}`,
  `{{< bibtex >}}`, `{{< context >}}` -> the word ("LaTeX"...); `{{< meta x >}}` and `{{< var x >}}` -> the value
  (`a.b` looks into mappings); `{{< kbd Ctrl-C >}}` -> its keys as code. Any other shortcode (`include`, `video`,
  `embed`, an extension's) is taken out with a warning naming it: left in, it printed as `{{< video ... >}}`.
- `::: {#fig-x}` holding one image and a last paragraph (Quarto's figure div: the paragraph is its caption) ->
  `![caption](image){#fig-x ...}`, the figure `@fig-x` refers to; pandoc reads the div as no figure, so the reference
  named an element that is not numbered.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from paperbuild.importers.layout import Plan
from paperbuild.importers.structure import outside_code

SHORTCODE = re.compile(r"(?<!\{)\{\{<\s*([A-Za-z][\w-]*)([^>\n]*?)\s*>\}\}(?!\})")
"""`{{< name args >}}` on one line; `{{{< x >}}}` is Quarto's escape for the literal text and is left as it is."""
WORDS = {"latex": "LaTeX", "tex": "TeX", "bibtex": "BibTeX", "context": "ConTeXt"}
PAGE_BREAK = "\\newpage"
FIGURE_DIV = re.compile(r"^ {0,3}(:{3,})[ \t]*\{[ \t]*#(fig-[\w-]+)([^}\n]*)\}[ \t]*$")
DIV_FENCE = re.compile(r"^ {0,3}:{3,}")
IMAGE = re.compile(r"^!\[[^\]\n]*\]\(([^)\s]+)(?:[ \t]+\"[^\"\n]*\")?\)(?:\{([^}\n]*)\})?$")


def convert(plan: Plan, path: Path, body: bytes, first_line: int, values: dict[str, dict[str, object]]) -> bytes:
    """`body` with its figure divs made figures and its shortcodes replaced; `values` holds the metadata and
    variables by the name a shortcode gives (`meta` / `var` -> mapping)."""
    lines = body.decode("utf-8", "replace").splitlines(keepends=True)
    lines = _figure_divs(plan, path, lines, first_line)
    outside = outside_code(lines)
    out = []
    for number, (line, prose) in enumerate(zip(lines, outside, strict=True)):
        if prose:
            line = SHORTCODE.sub(partial(_shortcode, plan, path, first_line + number, values), line)
        out.append(line)
    return "".join(out).encode("utf-8")


def _shortcode(plan: Plan, path: Path, line: int, values: dict[str, dict[str, object]], match: re.Match[str]) -> str:
    name, args = match.group(1), match.group(2).strip()
    if name == "pagebreak":
        return PAGE_BREAK
    if name in WORDS:
        return WORDS[name]
    if name == "kbd" and args:
        return f"`{args}`"
    if name in ("meta", "var") and args:
        value = _lookup(values.get(name), args.strip("'\""))
        if value is not None:
            return value
        where = "the metadata" if name == "meta" else "_variables.yml"
        reason = f"'{args}' is not in {where}"
    else:
        reason = "paperbuild has no such shortcode"
    plan.warn(
        path,
        line,
        match.start() + 1,
        "not-imported",
        f"Quarto shortcode '{match.group(0)}' is left out: {reason}",
        "write what it stands for into the text",
    )
    return ""


def _lookup(data: object, key: str) -> str | None:
    """The text at dotted `key` of YAML `data`; None when it is missing or not text, a number or a date."""
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    if isinstance(data, bool) or data is None or isinstance(data, (dict, list)):
        return None
    return str(data).strip()


def _figure_divs(plan: Plan, path: Path, lines: list[str], first_line: int) -> list[str]:
    """`lines` with each figure div of one image and a caption written as the image with that caption and label."""
    out: list[str] = []
    n = 0
    outside = outside_code(lines)
    while n < len(lines):
        opening = FIGURE_DIV.match(lines[n]) if outside[n] else None
        end = next((k for k in range(n + 1, len(lines)) if DIV_FENCE.match(lines[k])), None) if opening else None
        if opening is None or end is None or FIGURE_DIV.match(lines[end]) or not all(outside[n:end]):
            out.append(lines[n])
            n += 1
            continue
        label, extra = opening.group(2), opening.group(3).strip()
        paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", "".join(lines[n + 1 : end])) if p.strip()]
        image = IMAGE.match(paragraphs[0]) if len(paragraphs) == 2 else None
        if image is None:
            plan.warn(
                path,
                first_line + n,
                1,
                "not-imported",
                f"figure div '#{label}' is not one image and its caption; kept as a div, which is not numbered",
                f"write it as ![caption](image){{#{label}}}",
            )
            out.append(lines[n])
            n += 1
            continue
        caption = " ".join(paragraphs[1].split())
        attributes = " ".join(a for a in (f"#{label}", image.group(2) or "", extra) if a.strip())
        out.append(f"![{caption}]({image.group(1)}){{{attributes}}}\n")
        out += ["\n"] * (end - n)  # the lines the div took: what follows keeps its line number
        n = end + 1
    return out
