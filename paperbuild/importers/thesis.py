"""Read a multi-file pandoc thesis — `source/*.md` chapters, `source/metadata.yml`, a `.bib` — as a project.

Takes the thesis folder (tompollard/phd_thesis_markdown's layout: `source/NN_name.md` built by a Makefile from the
folder above; or a repository whose `thesis/` holds the numbered chapters), or a folder of numbered Markdown files;
gives a layout Plan: the files in name order as chapters (`09_chapter_1.md` -> `09-chapter_1.md`), the metadata
file mapped to metadata.yaml (pandoc-crossref settings reported as left out: paperbuild numbers cross-references
itself), every .bib copied, and the images the text names, looked up beside the chapters and from the thesis
folder (`source/figures/x.jpg`).
"""

from __future__ import annotations

import re
from pathlib import Path

from paperbuild.importers.frontmatter import Mapped
from paperbuild.importers.layout import Plan, add_chapter, add_metadata
from paperbuild.importers.pandoc_file import markdown_files, read_block
from paperbuild.yaml_nodes import split_front_matter

KIND = "pandoc thesis"
NUMBERED = re.compile(r"^(\d+)")
METADATA_FILES = ("metadata.yml", "metadata.yaml")
CHAPTER_FOLDERS = ("source", "thesis")  # phd_thesis_markdown's; thesis/ as baltpeter/thesis-mobile-consent-dialogs


def read(src: Path) -> Plan | None:
    """A Plan for a thesis folder; None when `src` is not one."""
    if not src.is_dir():
        return None
    folder = next((src / name for name in CHAPTER_FOLDERS if (src / name).is_dir()), src)
    chapters = markdown_files(folder)
    if len(chapters) < 2 or (folder.name != "source" and not all(NUMBERED.match(p.name) for p in chapters)):
        return None
    plan = Plan(root=src, kind=KIND)
    numbers = [int(m.group(1)) if (m := NUMBERED.match(p.name)) else -1 for p in chapters]
    if -1 in numbers or len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(chapters) + 1))
    mapped: list[tuple[Path, Mapped]] = []
    meta = next((folder / name for name in METADATA_FILES if (folder / name).is_file()), None)
    if meta is not None:
        mapped.append((meta, read_block(plan, meta, plan.read(meta).decode("utf-8", "replace"))))
    for number, path in zip(numbers, chapters, strict=True):
        data = plan.read(path)
        block, body = split_front_matter(data)
        if block:
            mapped.append((path, read_block(plan, path, block)))
        add_chapter(plan, number, path, body, data[: len(data) - len(body)].count(b"\n") + 1, [folder, src])
    add_metadata(plan, mapped, sorted(folder.glob("*.bib")))
    return plan
