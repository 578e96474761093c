"""Write the paper as JATS XML: the Archiving and Interchange tag set 1.2 with MathML 3, for production systems.

Takes a RenderJob; gives paper.xml's bytes and its text. One pandoc run, its JATS writer with element citations,
writes the body, the title block, the authors with their affiliations, the abstract and keywords, and a reference
list of structured `element-citation`s from the CSL-JSON of the listed entries (pandoc's reading of the same .bib
files its citeproc read, text symbol commands as characters). The pieces the writer has no place for travel in
marked divs; jats_tree.py then moves them where JATS wants them and adds what the writer leaves out: the numbers as
labels, the kind of every cross-reference, each reference's formatted citation beside its structured one, the
acknowledgements, the funding, the contributions, the running head. Authors' CRediT roles are `role`s as JATS4R
tags them. Figures name their files as the chapters do. What JATS cannot carry (a publication date that is no
calendar date, a link to no element, raw JATS or XML) is a warning at its line. One pandoc run more turns the .bib
files into CSL-JSON.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any
from xml.sax.saxutils import escape

from pybtex.database import Person
from pybtex.exceptions import PybtexError

from paperbuild import pandoc
from paperbuild.diagnostics import Diagnostic, LineIndex, Severity
from paperbuild.document import Paper
from paperbuild.metadata import Author
from paperbuild.pandoc_ast import REFS_ID, Node, copy_tree, div, stringify, walk
from paperbuild.project import Project
from paperbuild.render import Output, RenderJob, renderer
from paperbuild.render.jats_tree import CARRIERS, FORMATTED, complete, jats_bytes, parse, visible_text
from paperbuild.tex.symbols import written_as_characters

CJK_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u3040-\u30ff]{2,}")
"""A name written in Chinese, Japanese or Korean characters, family name first and no space: 张伟."""
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m", "%Y", "%B %d, %Y", "%d %B %Y", "%B %Y")
"""The forms of metadata's `date` read as a calendar date (ISO 8601 first)."""
ORCID_ID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
"""An ORCID iD within what metadata gives (metadata.py checked its form and check digit)."""
RAW_JATS = ("jats", "jats_archiving", "jats_publishing", "jats_articleauthoring", "xml")
"""Raw formats pandoc's JATS writer would copy into the XML as written."""
FUNDING_WORDS = re.compile(r"\bfund|\bgrant|\bsupported by|资助|基金", re.IGNORECASE)
"""What marks a paragraph of the acknowledgements as the statement of the paper's funding."""


def _meta(value: Any) -> Node:
    """A value of plain JSON (CSL-JSON, strings, lists, mappings) as pandoc metadata; text stays literal."""
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {str(key): _meta(item) for key, item in value.items()}}
    if isinstance(value, list):
        return {"t": "MetaList", "c": [_meta(item) for item in value]}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    return {"t": "MetaString", "c": str(value)}


def name_parts(name: str) -> tuple[str, str, str]:
    """(surname, given names, name style) of a name as printed: a name in CJK characters is family name first
    ("eastern"); any other is read as BibTeX reads one ("Jane van Doe", "Doe, Jane"); ("", "", "") when it
    cannot be split (then the JATS gives it as a string-name)."""
    plain = name.strip()
    if CJK_NAME.fullmatch(plain):
        return plain[0], plain[1:], "eastern"
    try:
        person = Person(plain)
    except PybtexError:
        return "", "", ""
    surname = " ".join([*person.prelast_names, *person.last_names])
    given = " ".join([*person.first_names, *person.middle_names])
    return (surname, given, "western") if surname else ("", "", "")


def author_name_parts(author: Author, plain: str) -> tuple[str, str, str]:
    """(surname, given names, name style) of an author: the parts metadata gives (`name: {given, family}`), in the
    order the printed name puts them, else those of the name as printed (`name_parts`)."""
    if author.family and author.given:
        eastern = author.family_first or CJK_NAME.fullmatch(author.family + author.given)
        return author.family, author.given, "eastern" if eastern else "western"
    return name_parts(plain)


def orcid_url(orcid: str) -> str:
    """An ORCID iD in the URL form JATS4R asks for: https://orcid.org/0000-0002-1825-0097."""
    match = ORCID_ID.search(orcid)
    return f"https://orcid.org/{match.group(0)}" if match else orcid.strip()


def publication_date(text: str) -> dict[str, str] | None:
    """metadata's `date` as JATS pub-date parts, or None when it is no calendar date."""
    for form in DATE_FORMATS:
        try:
            moment = datetime.datetime.strptime(text.strip(), form)
        except ValueError:
            continue
        parts = {"year": f"{moment.year:04d}"}
        if "%m" in form or "%B" in form:
            parts["month"] = f"{moment.month:02d}"
        if "%d" in form:
            parts["day"] = f"{moment.day:02d}"
        parts["iso-8601"] = "-".join(parts[key] for key in ("year", "month", "day") if key in parts)
        return parts
    return None


def without_notes(text: str) -> str:
    """Markdown text less its inline footnotes (`^[...]`): an affiliation's fields, whose notes the JATS carries
    as author notes."""
    kept: list[str] = []
    depth = index = 0
    while index < len(text):
        if depth == 0 and text.startswith("^[", index):
            depth, index = 1, index + 2
        elif depth == 0:
            kept.append(text[index])
            index += 1
        else:
            depth += {"[": 1, "]": -1}.get(text[index], 0)
            index += 2 if text[index] == "\\" else 1
    return " ".join("".join(kept).split())


def _author(author: Author, plain: str, marks: dict[str, int], number: int) -> dict[str, Any]:
    """The template variables of one author (pandoc's JATS template names them)."""
    surname, given, _ = author_name_parts(author, plain)  # a group ("the Lorem Consortium"), a single name: as written
    fields: dict[str, Any] = {"surname": surname, "given-names": given} if surname and given else {"name": plain}
    if author.orcid:
        fields["orcid"] = orcid_url(author.orcid)
    if author.email:
        fields["email"] = author.email
    affiliations = [str(marks[a]) for a in author.affiliations if a in marks]
    if affiliations:
        fields["affiliation"] = affiliations
    if author.corresponding and author.email:
        fields["cor-id"] = str(number)
    if author.equal_contributor:
        fields["equal-contrib"] = True
    fields["roles"] = [  # JATS4R's CRediT: vocab, its identifier, the term and the term's identifier, the degree
        {"credit": role.url.rstrip("/").rsplit("/", 1)[-1], "credit-name": role.name}
        | ({"degree": role.degree} if role.degree else {})
        for role in author.roles
    ]
    return fields


def front_meta(paper: Paper, plain_names: list[str]) -> dict[str, Node]:
    """The metadata pandoc's JATS template fills the front matter from: title, authors, affiliations, the
    corresponding authors' notes, date, abstract and keywords."""
    meta = paper.metadata
    marks = meta.affiliation_marks()
    authors = [
        _author(author, name, marks, number)
        for number, (author, name) in enumerate(zip(meta.authors, plain_names, strict=False), 1)
    ]
    affiliations = [
        {"id": str(marks[a.id])}
        | {key: without_notes(getattr(a, key)) for key in ("name", "department", "city", "country")}
        for a in sorted((a for a in meta.affiliations if a.id in marks), key=lambda a: marks[a.id])
    ]
    values: dict[str, Any] = {"author": [{k: v for k, v in a.items() if v} for a in authors]}  # "" is unset
    values["affiliation"] = [{k: v for k, v in a.items() if v} for a in affiliations]
    corresponding = [{"id": a["cor-id"], "email": a["email"]} for a in authors if "cor-id" in a]
    if corresponding:
        values["article"] = {"author-notes": {"corresp": corresponding}}
    date = publication_date(meta.date) if meta.date else None
    if date:
        values["date"] = date
    fields = {key: _meta(value) for key, value in values.items() if value}
    fields["title"] = {"t": "MetaInlines", "c": _unnoted(paper.title)}
    if paper.subtitle:
        fields["subtitle"] = {"t": "MetaInlines", "c": _unnoted(paper.subtitle)}
    if paper.abstract:
        fields["abstract"] = {"t": "MetaBlocks", "c": paper.abstract}
    if paper.keywords:
        fields["tags"] = {"t": "MetaList", "c": [{"t": "MetaInlines", "c": k} for k in paper.keywords]}
    return fields


def reference_keys(paper: Paper) -> list[str]:
    """The keys of the reference list's entries, in its order (citeproc's: citation order in a numeric style)."""
    ids = [node["c"][0][0] for node in walk(paper.references) if node["t"] == "Div"]
    return [identifier.removeprefix("ref-") for identifier in ids if identifier.startswith("ref-")]


def csl_items(project: Project, keys: list[str]) -> list[dict[str, Any]]:
    """The CSL-JSON of the entries `keys` names, in that order: pandoc's reading of the project's .bib files as
    BibLaTeX, which is how its citeproc reads a .bib file."""
    if not keys:
        return []
    text = written_as_characters("\n".join(bib.text for bib in project.bib_files))  # else its reader drops them
    items = json.loads(pandoc.run(["-f", "biblatex", "-t", "csljson", "--sandbox"], text.encode("utf-8")))
    by_key = {str(item.get("id")): item for item in items if isinstance(item, dict)}
    return [by_key[key] for key in keys if key in by_key]


def _nocite(keys: list[str]) -> Node:
    """Every listed key as a citation in `nocite`: the writer lists an entry only when it is cited."""
    cites = [
        {
            "t": "Cite",
            "c": [
                [
                    {
                        "citationId": key,
                        "citationPrefix": [],
                        "citationSuffix": [],
                        "citationMode": {"t": "NormalCitation"},
                        "citationNoteNum": 0,
                        "citationHash": 0,
                    }
                ],
                [{"t": "Str", "c": f"@{key}"}],
            ],
        }
        for key in keys
    ]
    return {"t": "MetaInlines", "c": cites}


def funding_blocks(paper: Paper) -> list[Node]:
    """The funding statement: metadata's `funding`, else the paragraphs of the acknowledgements that name a fund
    or a grant (where papers commonly state it)."""
    if paper.funding:
        return paper.funding
    return [block for block in paper.acknowledgements if FUNDING_WORDS.search(stringify(block))]


def _unnoted(inlines: list[Node]) -> list[Node]:
    """Inlines less their footnotes (the writer numbers a note in the title apart from the one it lists): a note
    of the title goes to the author notes."""
    return [node for node in inlines if node["t"] != "Note"]


def _notes(pieces: list[list[Node]]) -> list[Node]:
    """The footnotes written in the title, author names and affiliations, each as a div of its blocks."""
    return [div(node["c"]) for piece in pieces for node in walk(piece) if node["t"] == "Note"]


def _figures_and_tables(blocks: list[Node]) -> list[Node]:
    """The figures and tables among `blocks` and in their divs (where a style moved them: not the headings and
    page breaks around them)."""
    found = []
    for block in blocks:
        if block["t"] in ("Figure", "Table"):
            found.append(block)
        elif block["t"] == "Div":
            found += _figures_and_tables(block["c"][1])
    return found


def carried_blocks(paper: Paper) -> list[Node]:
    """The body, the reference list for the writer to fill, and the pieces JATS places elsewhere, each in a div
    jats_tree.py finds by its id: the formatted references, acknowledgements, funding, author notes, the
    contributions statement, and the figures and tables a style moved after the references. The paper's own
    nodes, not copies: render_jats copies the whole document once, and `writable` edits the copy."""
    formatted = [  # citeproc's entries, under ids of their own
        {"t": "Div", "c": [[FORMATTED + entry["c"][0][0], [], []], entry["c"][1]]}
        for block in paper.references
        for entry in block["c"][1]
        if entry["t"] == "Div" and entry["c"][0][0]
    ]
    notes = _notes([paper.title, paper.subtitle, *paper.authors, *paper.affiliations.values()])
    pieces = {
        "formatted": formatted,
        "ack": paper.acknowledgements,
        "funding": funding_blocks(paper),
        "notes": notes,
        "contributions": paper.contributions,
        "floats": _figures_and_tables(paper.floats),
    }
    carriers = [div(blocks, CARRIERS[part]) for part, blocks in pieces.items() if blocks]
    return [*paper.body, *([div([], REFS_ID)] if paper.references else []), *carriers]


def writable(document: dict[str, Any], image_sources: dict[str, str]) -> list[str]:
    """Make `document` ready for the writer, in place: figures name their files, as the chapters do, not the bytes
    embedded for the HTML; every raw block and inline is emptied, as the JATS is made from the Markdown alone
    (the writer drops raw HTML and TeX, and would copy raw JATS or XML as written, unchecked, well-formed or
    not); a formula's `]]>` is spaced to `] ]>` (the same TeX), which would end the CDATA section the writer puts
    the TeX in; an image's description is escaped, which the writer copies into <alt-text> as it is. Gives the
    raw formats emptied that were meant for the JATS, each once."""
    meant = []
    for node in walk(document):
        kind = node["t"]
        if kind == "Image":  # pandoc (3.9) copies an image's description into <alt-text> unescaped: "p < 0.05"
            node["c"][1] = [{"t": "Str", "c": escape(stringify(node["c"][1]))}] if node["c"][1] else []
            node["c"][0][2] = [[key, escape(value) if key == "alt" else value] for key, value in node["c"][0][2]]
            node["c"][2][0] = image_sources.get(node["c"][2][0], node["c"][2][0])
        elif kind == "Math":
            node["c"][1] = node["c"][1].replace("]]>", "] ]>")
        elif kind in ("RawInline", "RawBlock"):
            if node["c"][0] in RAW_JATS:
                meant.append(node["c"][0])
            node["t"], node["c"] = ("Str", "") if kind == "RawInline" else ("Plain", [])
    return list(dict.fromkeys(meant))


def _first_written(project: Project, needle: str, skip: int = 0) -> tuple[str, int, int]:
    """The file, line and column where `needle` is first written in the chapters (`skip` characters into it), or
    metadata.yaml with no line when no chapter writes it."""
    for source in project.chapters:
        offset = source.text.find(needle)
        if offset >= 0:
            line, col = LineIndex(source.text).position(offset + skip)
            return source.rel, line, col
    return project.metadata_file, 0, 0


def _raw_problems(project: Project, formats: list[str]) -> list[Diagnostic]:
    """A warning at the first raw block or inline of each format meant for the JATS."""
    found = []
    for fmt in formats:
        found.append(
            Diagnostic(
                *_first_written(project, f"{{={fmt}}}"),
                Severity.WARNING,
                "jats-omitted",
                f"raw {fmt} ('{{={fmt}}}') is left out of paper.xml, which is made from the Markdown alone",
                "write it in Markdown; a journal's own markup is the journal's to add",
            )
        )
    return found


def _date_problem(project: Project) -> list[Diagnostic]:
    meta = project.metadata
    if not meta.date or publication_date(meta.date) is not None:
        return []
    return [
        Diagnostic(
            project.metadata_file,
            meta.lines.get("date", 0),
            1,
            Severity.WARNING,
            "jats-omitted",
            f"'date: {meta.date}' is not a calendar date, so paper.xml has no publication date",
            "write it as 2024-05-17 (or 2024-05, or 2024); the other outputs print it as written",
        )
    ]


def _link_problems(project: Project, targets: list[str]) -> list[Diagnostic]:
    """A warning at each link to `#x` (the first written for each x) where no element of the paper has the id x:
    JATS has no link to nowhere, so the words stay and the link goes."""
    found = []
    for target in dict.fromkeys(targets):
        found.append(
            Diagnostic(
                *_first_written(project, f"(#{target})", skip=1),
                Severity.WARNING,
                "jats-omitted",
                f"the link to '#{target}' leads to no heading, figure, table or equation of the paper, so paper.xml "
                "keeps its words without the link",
                f"label what it points at '{{#{target}}}', or link to an existing label",
            )
        )
    return found


def _repeated_acknowledgements(project: Project, titles: list[str]) -> list[Diagnostic]:
    """A warning at each acknowledgements section of the chapters, when metadata gives acknowledgements too."""
    return [
        Diagnostic(
            *_first_written(project, f"# {title}"),
            Severity.WARNING,
            "repeated-section",
            f"the section '{title}' and metadata's 'acknowledgements' both thank: every output prints both, and "
            "paper.xml keeps both in <back>",
            "keep one of them",
        )
        for title in titles
    ]


@renderer("jats")
def render_jats(job: RenderJob) -> Output:
    """The JATS XML output file."""
    paper, project = job.paper, job.project
    plain_names = [stringify([node for node in name if node["t"] != "Note"]) for name in paper.authors]
    keys = reference_keys(paper)
    meta = front_meta(paper, plain_names)
    items = csl_items(project, keys)
    if items:
        meta["references"] = _meta(items)
        meta["nocite"] = _nocite([str(item["id"]) for item in items])
    args = ["-t", "jats_archiving+element_citations", "-s", "--sandbox", "--wrap", "none"]
    document = copy_tree(paper.document(carried_blocks(paper), meta))  # the paper's pieces are the others' too
    raw = writable(document, paper.image_sources)
    root = parse(pandoc.run_json(args, document))
    styles = [author_name_parts(a, name)[2] for a, name in zip(paper.metadata.authors, plain_names, strict=False)]
    dangling, moved = complete(root, paper, styles)
    problems = _date_problem(project) + _link_problems(project, dangling) + _raw_problems(project, raw)
    problems += _repeated_acknowledgements(project, moved) if paper.acknowledgements else []
    return Output(jats_bytes(root), visible_text(root), diagnostics=problems)
