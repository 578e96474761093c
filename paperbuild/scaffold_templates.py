"""The files `paperbuild init` writes: a paper project that builds and passes `check` as it is.

Plain string constants, by path relative to the new project; `{version}` is replaced by paperbuild's version.
"""

from __future__ import annotations

METADATA = """\
# The paper's metadata. Replace the placeholders; every key is described in paperbuild's README.
title: Title of the Paper
short-title: Short Title                # the running head of the PDF
authors:
  - name: First Author
    affiliations: [inst1]
    email: first.author@example.org     # printed for the corresponding author
    corresponding: true
    # orcid: 0000-0000-0000-0000        # your ORCID iD, from orcid.org
affiliations:
  - id: inst1
    department: Department
    name: University
    city: City
    country: Country
keywords:
  - first keyword
  - second keyword
abstract: |
  One paragraph: the question, what was done, what was found, and why it matters.
# funding: |
#   The funding statement, printed before the references.
csl: apa                                # citation style: a CSL name (apa, ieee, ...) or a .csl file
lang: en
"""

INTRODUCTION = """\
# Introduction

Replace this chapter with the introduction of your paper. Cite a source by its key in the bibliography, like
this [@knuth1984], and refer to a section, figure or table by its label: @sec:method describes the method.

Chapters are the files `NN-slug.md` in `manuscript/`, joined in the order of their numbers.
"""

METHOD = """\
# Method {#sec:method}

Describe what you did. A table has a caption and a label, and the text refers to it by the label, as in
@tbl:example.

| Quantity | Value |
|----------|------:|
| Samples  |    12 |
| Repeats  |     3 |

: An example table. {#tbl:example}
"""

BIBLIOGRAPHY = """\
@book{knuth1984,
  author    = {Knuth, Donald E.},
  title     = {The {TeXbook}},
  publisher = {Addison-Wesley},
  address   = {Reading, MA},
  year      = {1984},
}
"""

GITIGNORE = """\
# outputs of paperbuild, never committed
build/
# environments and caches
.venv/
__pycache__/
"""

BUILD_PY = '''\
"""Build the paper in this folder: `python build.py [pdf|html|docx|all|check|stats|bundle|diff REV] [options]`."""

import os
import sys

if __name__ == "__main__":
    # Python put this file's folder first on sys.path: a yaml.py or paperbuild.py lying here would be imported
    # instead of the installed packages. Take it off (os and sys were loaded before this file ran).
    here = os.path.dirname(os.path.realpath(__file__))
    if not sys.flags.safe_path and sys.path and os.path.realpath(sys.path[0]) == here:
        del sys.path[0]
    try:
        from paperbuild.cli import main_entry
    except ModuleNotFoundError as exc:
        if exc.name != "paperbuild":
            raise
        import shlex

        python = shlex.quote(sys.executable)
        sys.stderr.write(f"paperbuild is not installed; install it: {python} -m pip install paperbuild\\n")
        sys.exit(3)
    main_entry()
'''

README = """\
# Title of the Paper

Written in Markdown (`manuscript/`) with BibTeX references (`bibliography/`), built with paperbuild:

```sh
python build.py check     # every check, nothing rendered
python build.py           # build/paper.pdf, build/paper.html, build/paper.docx, build/paper.xml (JATS)
python build.py stats     # word counts, references, figures, tables, pages
python build.py bundle    # build/paper-submission.zip for the journal
```
"""

WORKFLOW = """\
# Build the paper on every push: check it, build the PDF, HTML and DOCX, and keep them as artifacts of the run.
name: paper

on:
  push:
  workflow_dispatch:

jobs:
  build:
    runs-on: ubuntu-24.04
    env:
      # Where pip finds paperbuild: a version on your package index, or a source such as
      # git+https://github.com/OWNER/paperbuild.git
      PAPERBUILD: paperbuild=={version}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history, so that `python build.py diff REV` can compare with a revision
      - name: Install Pango and fonts (what the PDF needs)
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends \\
            libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk
      - name: Install paperbuild
        run: python3 -m venv .venv && .venv/bin/pip install -q "$PAPERBUILD"
      - name: Check
        run: .venv/bin/python build.py check
      - name: Build PDF, HTML and DOCX
        run: SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" .venv/bin/python build.py all
      - name: Keep the outputs
        uses: actions/upload-artifact@v4
        with:
          name: paper
          path: |
            build/paper.pdf
            build/paper.html
            build/paper.docx
          if-no-files-found: error
"""

FILES = {
    "manuscript/metadata.yaml": METADATA,
    "manuscript/01-introduction.md": INTRODUCTION,
    "manuscript/02-method.md": METHOD,
    "bibliography/references.bib": BIBLIOGRAPHY,
    ".gitignore": GITIGNORE,
    ".github/workflows/build.yml": WORKFLOW,
    "build.py": BUILD_PY,
    "README.md": README,
}
"""Path in the new project -> contents."""
