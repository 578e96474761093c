"""Write the paper as a DOCX manuscript: pandoc's DOCX writer with the style's reference document.

Takes a RenderJob; gives the DOCX bytes. The title and authors go through pandoc's title block (Title, Subtitle,
Author styles and the document properties); affiliations, abstract and keywords are paragraphs in the styles
Affiliation, Abstract and Keywords, which the reference document defines; back matter and references follow the body,
then the figures and tables a style puts at the end (figure_placement.py).
Numbers and cross-references become Word fields (docx_fields.py). Afterwards the zip is checked and edited: a part
holding what paperbuild never writes (a field other than its own and page numbers, an embedded object or document,
VML, an external relationship other than a safe hyperlink), whether it came from raw OpenXML the checks missed or
from the style's reference document, stops the build (pandoc's own horizontal rule, a VML rectangle, is first
redrawn as a paragraph border); the document's creator is set to the plain author names, each
SVG picture gets the PNG fallback Word and LibreOffice need (docx_svg.py; pandoc's own fallback misses
images given as data: URIs), tables get their number in their alt text and space after them (docx_tables.py), and
a style with `line-numbers: true` gets Word's line numbering, continuous through the paper (none otherwise), and
footnotes are numbered through the paper, the title block's first (a reference document's per-page numbering
stays). A paragraph written against the paper's direction (Arabic in English) is a right-to-left paragraph
(direction.py), and a paper in a right-to-left language is so throughout.
"""

from __future__ import annotations

import html
import io
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

from paperbuild import pandoc
from paperbuild.build_time import build_time
from paperbuild.document import Paper
from paperbuild.errors import InputError
from paperbuild.figure_placement import WIDE
from paperbuild.figure_sizes import docx_widths, text_widths
from paperbuild.metadata import Author
from paperbuild.pandoc_ast import Node, div, header, para, stringify, text
from paperbuild.render import Output, RenderJob, renderer
from paperbuild.render.direction import directed, paper_direction
from paperbuild.render.docx_columns import column_sections, in_columns
from paperbuild.render.docx_fields import with_fields
from paperbuild.render.docx_indent import chinese_indent
from paperbuild.render.docx_svg import add_png_fallbacks
from paperbuild.render.docx_tables import described_tables
from paperbuild.sanitize import W_NS, link_problem
from paperbuild.style import REFERENCE_DOC
from paperbuild.words import words_for

CREATOR = re.compile(r"(<dc:creator>)(.*?)(</dc:creator>)", re.DOTALL)
CORE_DATE = re.compile(r"(<dcterms:(?:created|modified)\b[^>]*>)([^<]*)(</dcterms:(?:created|modified)>)")
RUN_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|</w:p>")
W = f"{{{W_NS}}}"
FIELD_TYPES = frozenset({"SEQ", "REF", "PAGE", "NUMPAGES", "SECTIONPAGES"})
"""The fields a DOCX may hold: docx_fields.py's numbers and cross-references, and a reference document's page
numbers. None of them reads a file, a URL or runs a command."""
REFUSED_ELEMENTS = {
    W + "altChunk": "an embedded document",
    W + "object": "an embedded object",
    W + "control": "an ActiveX control",
    W + "subDoc": "a subdocument",
    W + "pict": "a VML picture",
}
REFUSED_NAMESPACES = {
    "urn:schemas-microsoft-com:vml": "VML",
    "urn:schemas-microsoft-com:office:office": "an OLE object",
}
PANDOC_RULE = (
    '<w:p><w:r><w:pict><v:rect style="width:0;height:1.5pt" o:hralign="center" o:hrstd="t" o:hr="t" />'
    "</w:pict></w:r></w:p>"
)
"""A horizontal rule (`---` between paragraphs) exactly as pandoc's DOCX writer draws it: a VML rectangle."""
BORDER_RULE = (
    '<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto" /></w:pBdr>'
    '<w:spacing w:before="120" w:after="120" /></w:pPr></w:p>'
)
"""The same rule as an empty paragraph's bottom border, without VML, which the safety check refuses."""
REFUSED_PARTS = re.compile(r"(?:^|/)(?:activeX|embeddings)/|vbaProject|\.bin$", re.IGNORECASE)
SECTION = re.compile(r"(<w:sectPr\b[^>]*>)(.*?)(</w:sectPr>)", re.DOTALL)
LINE_NUMBERING = re.compile(r"\s*<w:lnNumType\b[^>]*/>")
AFTER_LINE_NUMBERING = re.compile(
    r"\s*<w:(?:pgNumType|cols|formProt|vAlign|noEndnote|titlePg|textDirection|bidi|rtlGutter|docGrid|printerSettings"
    r"|sectPrChange)\b"
)
"""What follows w:lnNumType in a w:sectPr (ECMA-376's CT_SectPr sequence, which Word holds to)."""
CONTINUOUS_NUMBERING = '<w:lnNumType w:countBy="1" w:restart="continuous" />'
FOOTNOTE_RESTART = re.compile(r'(<w:footnotePr\b(?:(?!</w:footnotePr>).)*?<w:numRestart\s+w:val=")eachSect"', re.DOTALL)
"""Footnote numbers restarting at each section, as pandoc's and the shipped reference documents have them: Word
numbers the paper's one section through, but LibreOffice restarts at every chapter heading, so the title's note and
the first chapter's both read "1"."""


def _byline(paper: Paper, author: Author, name: list[Node]) -> list[Node]:
    """An author's name with superscript affiliation marks (when the paper has several affiliations), the corresponding
    author's asterisk, an equal contributor's dagger, its footnote if it has one (a footnote of the DOCX) and a link
    to the ORCID record, as the HTML byline has them."""
    marks = paper.metadata.affiliation_marks()
    numbers = [str(marks[a]) for a in author.affiliations if a in marks] if len(marks) > 1 else []
    marked = ",".join(numbers) + ("*" if author.corresponding else "") + ("†" if author.equal_contributor else "")
    notes = [node for node in name if node["t"] == "Note"]  # after the marks, a comma between: "Jane Doe1,²"
    marked += "," if marked and notes else ""
    superscript: list[Node] = [{"t": "Superscript", "c": text(marked)}] if marked else []
    orcid: list[Node] = []
    if author.orcid:
        link = [["", ["orcid"], []], text(f"ORCID {author.orcid}"), [f"https://orcid.org/{author.orcid}", ""]]
        orcid = [{"t": "Space"}, {"t": "Link", "c": link}]
    return [*(node for node in name if node["t"] != "Note"), *superscript, *notes, *orcid]


def plain_name(name: list[Node]) -> str:
    """An author's name as plain text, its footnote left out."""
    return stringify([node for node in name if node["t"] != "Note"])


def _set_core_properties(parts: dict[str, bytes], creator: str, moment: int) -> None:
    """Set, in place, docProps/core.xml's creator to the plain author names (pandoc writes the bylines with their
    affiliation marks run in: "Maren Holt1"), and its created and modified dates to `moment` (pandoc's sandbox
    writes 1970-01-01 and ignores SOURCE_DATE_EPOCH)."""
    core = parts["docProps/core.xml"].decode("utf-8")
    core = CREATOR.sub(lambda m: m.group(1) + html.escape(creator) + m.group(3), core)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
    core = CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), core)
    parts["docProps/core.xml"] = core.encode("utf-8")


def line_numbering(xml: str, numbered: bool) -> str:
    """The document with Word's line numbering in every section's properties, continuous through the paper, when
    `numbered`; with none otherwise, whatever the reference document had."""

    def section(match: re.Match[str]) -> str:
        inside = LINE_NUMBERING.sub("", match.group(2))
        if numbered:
            after = AFTER_LINE_NUMBERING.search(inside)
            at = after.start() if after else len(inside)
            inside = inside[:at] + CONTINUOUS_NUMBERING + inside[at:]
        return match.group(1) + inside + match.group(3)

    return SECTION.sub(section, xml)


def _edited(data: bytes, creator: str, numbered: bool, rtl: bool, chinese: bool) -> bytes:
    """pandoc's DOCX with its horizontal rules drawn as borders, the creator set, SVG pictures given PNG fallbacks,
    the tables described (and laid out from the right when `rtl`), the lines `numbered` or not and the footnotes
    numbered through the paper;
    entries keep pandoc's order and dates, and new ones take the first entry's date, so the same input still gives
    the same bytes. A `chinese` paper's body paragraphs indent their first line two characters (docx_indent.py)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        parts = {info.filename: source.read(info) for info in infos}
    for part in ("word/document.xml", "word/footnotes.xml"):
        if part in parts:
            parts[part] = parts[part].replace(PANDOC_RULE.encode(), BORDER_RULE.encode())
    problem = active_content(parts)
    if problem:
        raise InputError(
            f"the DOCX pandoc wrote holds {problem}, which paperbuild never writes and does not let through; it "
            "comes from raw OpenXML in the text or from the style's reference.docx"
        )
    _set_core_properties(parts, creator, build_time())
    if chinese and "word/styles.xml" in parts:
        parts["word/styles.xml"] = chinese_indent(parts["word/styles.xml"].decode("utf-8")).encode("utf-8")
    add_png_fallbacks(parts)
    for part in ("word/document.xml", "word/footnotes.xml"):
        if part in parts:
            parts[part] = described_tables(parts[part], rtl=rtl)
    document = column_sections(parts["word/document.xml"].decode("utf-8"))
    parts["word/document.xml"] = line_numbering(document, numbered).encode("utf-8")
    for part in ("word/document.xml", "word/settings.xml"):
        if part in parts:
            parts[part] = FOOTNOTE_RESTART.sub(r'\1continuous"', parts[part].decode("utf-8")).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            target.writestr(info, parts.pop(info.filename))
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=infos[0].date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def active_content(parts: dict[str, bytes]) -> str:
    """What in a DOCX's parts could run a command or load something when Word opens it ("a Word field 'INCLUDETEXT
    ...' in word/document.xml"); "" when there is nothing of the kind."""
    for name, data in parts.items():
        if REFUSED_PARTS.search(name):
            return f"an embedded program or object ({name})"
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            root = parse_xml(data, forbid_dtd=True)
        except (ET.ParseError, DefusedXmlException):
            return f"a part that is not well-formed XML ({name})"
        problem = _external_target(root) if name.endswith(".rels") else _active_element(root)
        if problem:
            return f"{problem} in {name}"
    return ""


def _external_target(relationships: ET.Element) -> str:
    """An external relationship other than a hyperlink to an address the link checks accept."""
    for relationship in relationships:
        if relationship.get("TargetMode") != "External":
            continue
        kind, target = relationship.get("Type", "").rsplit("/", 1)[-1], relationship.get("Target", "")
        if kind != "hyperlink" or link_problem(target):
            return f"an external {kind} '{target}'"
    return ""


def _active_element(root: ET.Element) -> str:
    """A field whose type is not on FIELD_TYPES (its instruction gathered over the runs it spans), or an element
    that embeds an object, a document or VML."""
    instructions: list[str] = []
    for element in root.iter():
        namespace = element.tag[1:].partition("}")[0]
        if element.tag in REFUSED_ELEMENTS or namespace in REFUSED_NAMESPACES:
            what = REFUSED_ELEMENTS.get(element.tag) or REFUSED_NAMESPACES[namespace]
            return f"{what} ('{element.tag.rpartition('}')[2]}')"
        if element.tag == W + "fldSimple":
            instructions.append(element.get(W + "instr", ""))
        elif element.tag == W + "fldChar" and element.get(W + "fldCharType") == "begin":
            instructions.append("")
        elif element.tag in (W + "instrText", W + "delInstrText"):
            instructions[-1:] = ["".join(instructions[-1:]) + (element.text or "")]
    for instruction in instructions:
        if next(iter(instruction.split()), "").upper() not in FIELD_TYPES:
            return f"a Word field '{' '.join(instruction.split())[:80]}'"
    return ""


def _labelled(label: str, blocks: list[Node], space: str) -> list[Node]:
    """Blocks with `label` set in bold before the first paragraph's text (`space` between them: " " or "")."""
    if not blocks or blocks[0]["t"] not in ("Para", "Plain"):
        return [para([{"t": "Strong", "c": text(label)}]), *blocks]
    first = {"t": "Para", "c": [{"t": "Strong", "c": text(label)}, *text(space), *blocks[0]["c"]]}
    return [first, *blocks[1:]]


def front_matter(paper: Paper, words: dict[str, str]) -> list[Node]:
    """Affiliations, abstract, keywords and the publication record (history, licence) as custom-styled
    paragraphs, labelled with `words` (the paper's language's, or its style's labels)."""
    meta = paper.metadata
    marks = meta.affiliation_marks()
    show_marks = len(marks) > 1
    blocks: list[Node] = []
    places = {marks[a.id]: paper.affiliations[a.id] for a in meta.affiliations if a.id in marks}
    for number, place in sorted(places.items()):
        mark = [{"t": "Superscript", "c": text(str(number))}] if show_marks else []
        blocks.append(div([para([*mark, *place])], pairs={"custom-style": "Affiliation"}))
    for author, name in zip(meta.authors, paper.authors, strict=False):
        if author.corresponding:
            email = f", {author.email}" if author.email else ""
            line = text(f"{words['corresponding']}{words['colon']}{words['space']}{plain_name(name)}{email}")
            star: list[Node] = [{"t": "Superscript", "c": text("*")}]
            blocks.append(div([para([*star, *line])], pairs={"custom-style": "Affiliation"}))
    if any(author.equal_contributor for author in meta.authors):
        dagger: list[Node] = [{"t": "Superscript", "c": text("†")}, *text(words["equal"])]
        blocks.append(div([para(dagger)], pairs={"custom-style": "Affiliation"}))
    if paper.abstract:
        label = words["abstract"] + words["colon"]
        blocks.append(div(_labelled(label, paper.abstract, words["space"]), pairs={"custom-style": "Abstract"}))
    if paper.keywords:
        inlines: list[Node] = [{"t": "Strong", "c": text(words["keywords"] + words["colon"])}]
        inlines += text(words["space"])
        for index, keyword in enumerate(paper.keywords):
            inlines += [*(text(words["separator"]) if index else []), *keyword]
        blocks.append(div([para(inlines)], pairs={"custom-style": "Keywords"}))
    if paper.notices:
        blocks.append(div(paper.notices, pairs={"custom-style": "Publication Notice"}))
    return blocks


def back_matter(paper: Paper, words: dict[str, str]) -> list[Node]:
    """Acknowledgements, funding, the authors' contributions and the reference list, each under an unnumbered
    heading labelled with `words`; then the figures and tables the style puts after them (they carry their own
    headings)."""
    blocks: list[Node] = []
    for part, content in (
        ("acknowledgements", paper.acknowledgements),
        ("funding", paper.funding),
        ("contributions", paper.contributions),
        ("references", paper.references),
    ):
        if content:
            blocks += [header(1, text(words[part]), classes=["unnumbered"]), *content]
    return blocks + paper.floats


def docx_text(data: bytes) -> str:
    """The text of a DOCX's main document, a line per paragraph."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(html.unescape(m.group(1)) if m.group(1) is not None else "\n" for m in RUN_TEXT.finditer(xml))


@renderer("docx")
def render_docx(job: RenderJob) -> Output:
    """The DOCX output file."""
    paper, project = job.paper, job.project
    bylines = [_byline(paper, a, name) for a, name in zip(paper.metadata.authors, paper.authors, strict=False)]
    if project.style.anonymous:  # the authors are gone (document.assemble); the review byline takes their place
        bylines = [text(words_for(paper.metadata.lang).labels["anonymous"])]
    meta: dict[str, Any] = {
        "title": {"t": "MetaInlines", "c": paper.title},
        "author": {"t": "MetaList", "c": [{"t": "MetaInlines", "c": byline} for byline in bylines]},
        "keywords": {"t": "MetaList", "c": [{"t": "MetaInlines", "c": k} for k in paper.keywords]},
        "lang": {"t": "MetaString", "c": paper.metadata.lang},
    }
    if paper.subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": paper.subtitle}
    if paper.metadata.date:
        meta["date"] = {"t": "MetaInlines", "c": text(paper.metadata.date)}
    labels = project.style.words(paper.metadata.lang).labels
    widths = text_widths(project.style)
    text_width = widths.docx
    main = docx_widths([*paper.body, *back_matter(paper, labels)], widths, frozenset({WIDE}))  # with the floats
    body = with_fields(main, paper.targets, paper.metadata.lang, project.style.words(paper.metadata.lang))
    blocks = in_columns(front_matter(paper, labels), body, project.style, text_width)
    direction = paper_direction(paper.metadata.lang)
    blocks = directed(blocks, direction, docx=True)  # w:bidi on a paragraph written against the paper's direction
    if direction == "rtl":  # every paragraph and run right to left, unless its Div says otherwise
        meta["dir"] = {"t": "MetaString", "c": direction}
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
    creator = "; ".join(plain_name(name) for name in paper.authors)
    chinese = paper.metadata.lang.lower().split("-")[0] == "zh"
    data = _edited(data, creator, project.style.line_numbers, rtl=direction == "rtl", chinese=chinese)
    return Output(data, docx_text(data))
