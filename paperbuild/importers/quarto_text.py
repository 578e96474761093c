"""Quarto's own Markdown that pandoc does not read: shortcodes and cross-referenceable figure and table divs.

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
- `::: {#fig-x layout-ncol=2}` holding several images and a caption (Quarto's subfigures, which paperbuild has not)
  -> one figure per image, captioned 'caption (a) image caption', each keeping its own `{#fig-x-a}`, with a warning;
  `#fig-x` goes to the first image without a label, or else `@fig-x` is rewritten to name the first image.
- `::: {#tbl-x}` holding a pipe or grid table and a caption paragraph (after it, or before) -> the table with
  `Table: caption {#tbl-x}` under it, the table `@tbl-x` refers to, its caption printed once.
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
LABELLED_DIV = re.compile(r"^ {0,3}(:{3,})[ \t]*\{[ \t]*#((?:fig|tbl)-[\w-]+)([^}\n]*)\}[ \t]*$")
OWN_LABEL = re.compile(r"#(fig-[\w-]+)")
LAYOUT = re.compile(r"\blayout[\w-]*=(?:\"[^\"\n]*\"|'[^'\n]*'|\S+)")
"""Quarto's `layout-ncol=2`, `layout="[[1,1]]"`: how subfigures sit side by side, which one figure per image drops."""
DIV_FENCE = re.compile(r"^ {0,3}:{3,}")
IMAGE = re.compile(r"^!\[([^\]\n]*)\]\(([^)\s]+)(?:[ \t]+\"[^\"\n]*\")?\)(?:\{([^}\n]*)\})?$")


def convert(plan: Plan, path: Path, body: bytes, first_line: int, values: dict[str, dict[str, object]]) -> bytes:
    """`body` with its figure divs made figures and its shortcodes replaced; `values` holds the metadata and
    variables by the name a shortcode gives (`meta` / `var` -> mapping)."""
    lines = body.decode("utf-8", "replace").splitlines(keepends=True)
    lines = _divs(plan, path, lines, first_line)
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


def _divs(plan: Plan, path: Path, lines: list[str], first_line: int) -> list[str]:
    """`lines` with each figure and table div Quarto numbers written as paperbuild's figure or table, and a reference
    to a subfigure div's label pointed at the figure that now carries it."""
    out: list[str] = []
    moved: dict[str, str] = {}
    n = 0
    outside = outside_code(lines)
    while n < len(lines):
        opening = LABELLED_DIV.match(lines[n]) if outside[n] else None
        end = next((k for k in range(n + 1, len(lines)) if DIV_FENCE.match(lines[k])), None) if opening else None
        if opening is None or end is None or LABELLED_DIV.match(lines[end]) or not all(outside[n:end]):
            out.append(lines[n])
            n += 1
            continue
        label, extra = opening.group(2), opening.group(3).strip()
        paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", "".join(lines[n + 1 : end])) if p.strip()]
        table = label.startswith("tbl-")
        written = (
            _table(paragraphs, label, extra)
            if table
            else _figure((plan, path, first_line + n), paragraphs, label, extra)
        )
        if written is None:
            kind, shape = ("table", "a table") if table else ("figure", "images")
            plan.warn(
                path,
                first_line + n,
                1,
                "not-imported",
                f"{kind} div '#{label}' is not {shape} and its caption; kept as a div, which is not numbered",
                f"write it as {'the table and Table: caption' if table else '![caption](image)'} {{#{label}}}",
            )
            out.append(lines[n])
            n += 1
            continue
        text, first = written
        if first != label:
            moved[label] = first
        out += text + ["\n"] * max(end + 1 - n - len(text), 0)  # the lines the div took: what follows keeps its line
        n = end + 1
    if moved:
        reference = re.compile(rf"(`+)[^`\n]*?\1|(?<![\w@-])@({'|'.join(map(re.escape, moved))})(?![\w-])")
        out = [
            reference.sub(lambda m: "@" + moved[m.group(2)] if m.group(2) else m.group(0), line) if prose else line
            for line, prose in zip(out, outside_code(out), strict=True)
        ]
    return out


def _table(paragraphs: list[str], label: str, extra: str) -> tuple[list[str], str] | None:
    """A table div's table and caption (in either order) as the table with `Table: caption {#label}` under it."""
    tables = [p for p in paragraphs if p[:1] in "|+"]
    if len(paragraphs) != 2 or len(tables) != 1:
        return None
    caption = next(p for p in paragraphs if p is not tables[0])
    attributes = " ".join(a for a in (f"#{label}", extra) if a)
    rows = [line + "\n" for line in tables[0].splitlines()]
    return [*rows, "\n", f"Table: {' '.join(caption.split())} {{{attributes}}}\n"], label


def _figure(
    where: tuple[Plan, Path, int], paragraphs: list[str], label: str, extra: str
) -> tuple[list[str], str] | None:
    """A figure div's image and caption as the image with that caption and the div's label; a div of several
    images (Quarto's subfigures) as one figure per image, captioned '{caption} (a) {its caption}', with a warning.
    Gives the lines and the label `@label` now refers to."""
    images = [IMAGE.match(p) for p in paragraphs[:-1]]
    if len(paragraphs) < 2 or None in images:
        return None
    caption = " ".join(paragraphs[-1].split())
    found = [image for image in images if image]
    if len(found) == 1:
        attributes = " ".join(a for a in (f"#{label}", found[0].group(3) or "", extra) if a.strip())
        return [f"![{caption}]({found[0].group(2)}){{{attributes}}}\n"], label
    kept = LAYOUT.sub("", extra).strip()
    labels = [own.group(1) if (own := OWN_LABEL.search(image.group(3) or "")) else "" for image in found]
    first = label if "" in labels else labels[0]  # the div's label goes to an image without one, else names the first
    text: list[str] = []
    for number, image in enumerate(found):
        attributes = (image.group(3) or "").strip()
        if not labels[number] and label not in labels:
            attributes, labels[number] = f"#{label} {attributes}".strip(), label
        letter = chr(ord("a") + number) if number < 26 else str(number + 1)
        sub = " ".join(f"{caption} ({letter}) {image.group(1)}".split())
        text += [f"![{sub}]({image.group(2)}){{{' '.join(a for a in (attributes, kept) if a)}}}\n", "\n"]
    plan, path, line = where
    plan.warn(
        path,
        line,
        1,
        "not-imported",
        f"subfigure div '#{label}' is written as {len(found)} figures, captioned '{caption} (a) ...': paperbuild has "
        "no subfigures" + (f"; @{label} now refers to the first, @{first}" if first != label else ""),
        "refer to each figure by its own label",
    )
    return text, first
