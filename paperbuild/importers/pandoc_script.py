"""Read a plain pandoc project — Markdown chapters built by a Makefile or a shell script (`build.sh`) — as a project.

Takes the project folder (or its Makefile or script); gives a layout Plan from the script's pandoc command line,
read, never run: its Markdown inputs in the order given (variables, `$(wildcard chapters/*.md)`, a shell glob and
make's `$^` / `$<` expanded, globs sorted as make and bash sort them), its `--bibliography` and `--csl`, its
`--metadata-file` (and `.yaml` inputs) as metadata, each chapter's YAML block too, and the images the text names,
looked up along `--resource-path` as pandoc does. Other options are how pandoc's outputs look, which the house style
sets; they are not reported. A folder whose script runs no pandoc on Markdown files is not of this kind (None).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from paperbuild import safe_paths
from paperbuild.errors import InputError
from paperbuild.importers.frontmatter import Mapped
from paperbuild.importers.layout import Plan, add_chapter, add_metadata
from paperbuild.importers.pandoc_file import SUFFIXES, read_block
from paperbuild.yaml_nodes import split_front_matter

KIND = "pandoc project"
MAKEFILES = ("Makefile", "makefile", "GNUmakefile")
MAX_SCRIPTS = 20  # shell scripts looked at in the folder
MAX_INPUTS = 300  # as layout.MAX_CHAPTERS
MAX_EXPANDED = 100_000  # characters of a line with its variables expanded: `A = $(A) $(A)` doubles at each line
ASSIGNMENT = re.compile(r"^(?:export[ \t]+)?([A-Za-z_][\w.]*)[ \t]*(\?=|:=|::=|\+=|=)[ \t]*(.*)$")
SHELL_ASSIGNMENT = re.compile(r"^(?:export[ \t]+)?([A-Za-z_]\w*)=(\S*)[ \t]*$")
RULE = re.compile(r"^([^\t#=:][^=:]*?):(?!=)[ \t]*([^;=]*)$")
REFERENCE = re.compile(r"\$(?:\((\w+)\)|\{(\w+)\}|(\w+)|([\^<+@]))")
WILDCARD = re.compile(r"\$\((?:wildcard|sort)[ \t]+([^()]*)\)")
PANDOC = re.compile(r"(?:^|[\s;&|(/])pandoc(?=\s)")
WITH_VALUE = frozenset(
    re.findall(
        r"\S+",
        "-f -r -t -w -o -d -F -L -V -M -H -B -A -c -T --from --read --to --write --output --defaults --filter "
        "--lua-filter --variable --metadata --metadata-file --template --pdf-engine --pdf-engine-opt "
        "--include-in-header --include-before-body --include-after-body --reference-doc --css --title-prefix "
        "--toc-depth --number-offset --top-level-division --highlight-style --syntax-definition --data-dir --columns "
        "--dpi --wrap --eol --tab-stop --shift-heading-level-by --extract-media --resource-path --bibliography --csl "
        "--citation-abbreviations --epub-cover-image --epub-metadata --epub-embed-font --split-level --log "
        "--request-header --abbreviations --default-image-extension --email-obfuscation --id-prefix "
        "--indented-code-classes --markdown-headings --reference-location --slide-level --ipynb-output "
        "--chunk-template --variable-json",
    )
)
"""pandoc's options that take the next argument as their value (unless written `--opt=value`)."""
SEPARATORS = frozenset({"&&", "||", ";", "|", ">", ">>", "2>", "&"})  # the pandoc command ends there


def read(src: Path) -> Plan | None:
    """A Plan for a folder (or its Makefile or .sh script) whose script runs pandoc on Markdown files; None
    otherwise."""
    folder = src if src.is_dir() else src.parent
    scripts = [src] if src.is_file() else [folder / name for name in MAKEFILES if (folder / name).is_file()]
    if src.is_dir():
        scripts += sorted(folder.glob("*.sh"))[:MAX_SCRIPTS]
    if src.is_file() and src.name not in MAKEFILES and src.suffix != ".sh":
        return None
    plan = Plan(root=folder, kind=KIND)
    for script in scripts:
        found = _command(plan, script)
        if found is not None:
            return _layout(plan, script, *found)
    return None


def _command(plan: Plan, script: Path) -> tuple[list[str], int] | None:
    """The first pandoc command line of `script` that names Markdown inputs, as arguments with the variables and
    globs expanded, and its line; None when it has none."""
    make = script.name in MAKEFILES
    lines = plan.read(script, safe_paths.METADATA).decode("utf-8", "replace").replace("\\\n", " ").split("\n")
    variables: dict[str, str] = {}
    prerequisites: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        assignment = (ASSIGNMENT if make else SHELL_ASSIGNMENT).match(line.strip())
        if assignment and not line.startswith("\t"):
            name = assignment.group(1)
            operator, value = assignment.group(2, 3) if make else ("=", assignment.group(2))
            if operator == "?=" and name in variables:
                continue
            value = _expand(value.strip().strip("'\""), variables, prerequisites, plan.root, make)
            variables[name] = f"{variables.get(name, '')} {value}".strip() if operator == "+=" else value
            continue
        rule = RULE.match(line) if make else None
        if rule:
            prerequisites = _expand(rule.group(2), variables, [], plan.root, make).split()
            continue
        if not PANDOC.search(line):
            continue
        expanded = _expand(line, variables, prerequisites, plan.root, make)
        try:
            words = shlex.split(expanded[PANDOC.search(expanded).end() :], comments=True)  # type: ignore[union-attr]
        except ValueError:
            continue
        arguments = [w for word in words for w in _glob(word, plan.root)]
        if any(Path(a).suffix.lower() in SUFFIXES for a in _inputs(arguments)):
            return arguments, number
    return None


def _expand(text: str, variables: dict[str, str], prerequisites: list[str], root: Path, make: bool) -> str:
    """`text` with `$(VAR)`, `${VAR}`, `$VAR` (shell), make's `$^ $+ $<` and `$(wildcard ...)` replaced."""

    def variable(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or ("" if make else match.group(3))
        if name:
            return variables.get(name, "")
        automatic = match.group(4)
        if automatic in ("^", "+") and make:
            return " ".join(prerequisites)
        if automatic == "<" and make:
            return prerequisites[0] if prerequisites else ""
        return match.group(0)

    text = REFERENCE.sub(variable, text)
    if len(text) > MAX_EXPANDED:
        raise InputError(f"import: a line of the build script expands past {MAX_EXPANDED} characters; not read")
    return WILDCARD.sub(lambda m: " ".join(w for pattern in m.group(1).split() for w in _glob(pattern, root)), text)


def _glob(word: str, root: Path) -> list[str]:
    """A word with `*` or `?` as the sorted files it names under `root` (itself when none); other words as they are."""
    if not any(c in word for c in "*?[") or word.startswith(("-", "/")) or ".." in Path(word).parts:
        return [word]
    found = sorted(p.relative_to(root).as_posix() for p in root.glob(word) if p.is_file())
    return found[:MAX_INPUTS] or [word]


def _options(arguments: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The inputs of a pandoc command line, and each option's values."""
    inputs: list[str] = []
    options: dict[str, list[str]] = {}
    n = 0
    while n < len(arguments):
        word = arguments[n]
        if word.startswith("--") and "=" in word:
            name, value = word.split("=", 1)
            options.setdefault(name, []).append(value)
        elif word in WITH_VALUE and n + 1 < len(arguments):
            options.setdefault(word, []).append(arguments[n + 1])
            n += 1
        elif word in SEPARATORS:
            break  # the next command
        elif not word.startswith("-"):
            inputs.append(word)
        n += 1
    return inputs, options


def _inputs(arguments: list[str]) -> list[str]:
    return _options(arguments)[0]


def _layout(plan: Plan, script: Path, arguments: list[str], line: int) -> Plan:
    inputs, options = _options(arguments)
    root = plan.root
    resource = [root / part for value in options.get("--resource-path", []) for part in value.split(":") if part]
    mapped: list[tuple[Path, Mapped]] = [
        (
            root / name,
            read_block(plan, root / name, plan.read(root / name, safe_paths.METADATA).decode("utf-8", "replace")),
        )
        for name in [*options.get("--metadata-file", []), *(i for i in inputs if Path(i).suffix in (".yaml", ".yml"))]
        if (root / name).is_file()
    ]
    chapters = [root / name for name in inputs if Path(name).suffix.lower() in SUFFIXES]
    for number, path in enumerate(chapters, start=1):
        if not path.is_file():
            plan.warn(script, line, 0, "not-imported", f"chapter '{plan.name(path)}' is not in the source; left out")
            continue
        data = plan.read(path)
        block, body = split_front_matter(data)
        if block:
            mapped.append((path, read_block(plan, path, block)))
        first_line = data[: len(data) - len(body)].count(b"\n") + 1
        add_chapter(plan, number, path, body, first_line, [path.parent, *resource, root])
    named = Mapped(
        bibliography=[(value, line) for value in options.get("--bibliography", [])],
        csl=(options["--csl"][-1], line) if "--csl" in options else None,
    )
    add_metadata(plan, [(script, named), *mapped], [])
    return plan
