"""Write the paper as a DOCX manuscript: pandoc's DOCX writer with the style's reference document.

Takes a RenderJob; gives the DOCX bytes. The title and authors go through pandoc's title block (Title, Subtitle,
Author styles and the document properties); affiliations, abstract and keywords are paragraphs in the styles
Affiliation, Abstract and Keywords, which the reference document defines; back matter and references follow the body.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from paperbuild import pandoc
from paperbuild.document import Paper
from paperbuild.metadata import Author
from paperbuild.pandoc_ast import Node, div, header, para, text
from paperbuild.render import Output, RenderJob, renderer

REFERENCE_DOC = "reference.docx"
CREATOR = re.compile(r"(<dc:creator>)(.*?)(</dc:creator>)", re.DOTALL)
RUN_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|</w:p>")


def _byline(paper: Paper, author: Author) -> list[Node]:
    """An author's name with superscript affiliation marks (when the paper has several affiliations)."""
    marks = paper.metadata.affiliation_marks()
    numbers = [str(marks[a]) for a in author.affiliations if a in marks] if len(marks) > 1 else []
    superscript: list[Node] = [{"t": "Superscript", "c": text(",".join(numbers))}] if numbers else []
    return [*text(author.name), *superscript]


def _with_core_creator(data: bytes, creator: str) -> bytes:
    """The DOCX with docProps/core.xml's creator set to the plain author names (pandoc writes the bylines with
    their affiliation marks run in: "Maren Holt1")."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/core.xml":
                content = CREATOR.sub(
                    lambda m: m.group(1) + html.escape(creator) + m.group(3), content.decode()
                ).encode()
            target.writestr(item, content)
    return out.getvalue()


def _labelled(label: str, blocks: list[Node]) -> list[Node]:
    """Blocks with `label` set in bold before the first paragraph's text."""
    if not blocks or blocks[0]["t"] not in ("Para", "Plain"):
        return [para([{"t": "Strong", "c": text(label)}]), *blocks]
    first = {"t": "Para", "c": [{"t": "Strong", "c": text(label)}, {"t": "Space"}, *blocks[0]["c"]]}
    return [first, *blocks[1:]]


def front_matter(paper: Paper) -> list[Node]:
    """Affiliations, abstract and keywords as custom-styled paragraphs."""
    meta = paper.metadata
    marks = meta.affiliation_marks()
    show_marks = len(marks) > 1
    blocks: list[Node] = []
    for aff in meta.affiliations:
        if aff.id in marks:
            mark = [{"t": "Superscript", "c": text(str(marks[aff.id]))}] if show_marks else []
            blocks.append(div([para([*mark, *text(aff.text)])], pairs={"custom-style": "Affiliation"}))
    for author in meta.authors:
        if author.corresponding and author.email:
            line = text(f"Corresponding author: {author.name}, {author.email}")
            blocks.append(div([para(line)], pairs={"custom-style": "Affiliation"}))
    if paper.abstract:
        blocks.append(div(_labelled("Abstract:", paper.abstract), pairs={"custom-style": "Abstract"}))
    if paper.keywords:
        inlines: list[Node] = [{"t": "Strong", "c": text("Keywords:")}]
        for index, keyword in enumerate(paper.keywords):
            inlines += [*([{"t": "Str", "c": ";"}] if index else []), {"t": "Space"}, *keyword]
        blocks.append(div([para(inlines)], pairs={"custom-style": "Keywords"}))
    return blocks


def back_matter(paper: Paper) -> list[Node]:
    """Acknowledgements, funding and the reference list, each under an unnumbered heading."""
    blocks: list[Node] = []
    for title, content in (
        ("Acknowledgements", paper.acknowledgements),
        ("Funding", paper.funding),
        ("References", paper.references),
    ):
        if content:
            blocks += [header(1, text(title), classes=["unnumbered"]), *content]
    return blocks


def docx_text(data: bytes) -> str:
    """The text of a DOCX's main document, a line per paragraph."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(html.unescape(m.group(1)) if m.group(1) is not None else "\n" for m in RUN_TEXT.finditer(xml))


@renderer("docx")
def render_docx(job: RenderJob) -> Output:
    """The DOCX output file."""
    paper, project = job.paper, job.project
    meta: dict[str, Any] = {
        "title": {"t": "MetaInlines", "c": paper.title},
        "author": {
            "t": "MetaList",
            "c": [{"t": "MetaInlines", "c": _byline(paper, a)} for a in paper.metadata.authors],
        },
        "keywords": {"t": "MetaList", "c": [{"t": "MetaInlines", "c": k} for k in paper.keywords]},
        "lang": {"t": "MetaString", "c": paper.metadata.lang},
    }
    if paper.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": paper.subtitle}
    if paper.metadata.date:
        meta["date"] = {"t": "MetaInlines", "c": text(paper.metadata.date)}
    blocks = [*front_matter(paper), *paper.body, *back_matter(paper)]
    args = [
        "-t",
        "docx",
        "-o",
        "-",
        "--reference-doc",
        str(project.style.file(REFERENCE_DOC)),
        "--sandbox",  # images are already embedded as data: URIs; pandoc reads no file but the reference doc
    ]
    data = pandoc.run_json(args, paper.document(blocks, meta))
    data = _with_core_creator(data, "; ".join(a.name for a in paper.metadata.authors))
    return Output(data, docx_text(data))
