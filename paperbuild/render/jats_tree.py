"""Complete the JATS pandoc writes into what a journal's production system reads (JATS4R's recommendations).

Takes the XML tree of pandoc's JATS (jats.py) and the Paper; changes the tree in place: the numbers crossref.py
printed become `label`s of their `sec`, `fig`, `table-wrap`, listing and `disp-formula` (jats_labels.py; they take
the ids their cross-references point at), every `xref` says what it points at (`ref-type`), each `ref` holds its
structured `element-citation` and the formatted `mixed-citation` side by side in `citation-alternatives` (in the
reference list's printed order), and the pieces jats.py sent in marked divs (formatted references, acknowledgements,
funding, notes on authors, the contributions statement, figures and tables moved to the end) move to `back/ack`,
`funding-group` (an award-group for each funder metadata lists), `author-notes` (with the note on equal
contributors) and `floats-group`; metadata's history and licence become `history` and `permissions`
(jats_record.py). Gives the bytes under the DOCTYPE of the Archiving and Interchange DTD 1.2 with MathML 3, and the
text a reader sees.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from paperbuild.document import PUNCTUATION_CLASS, Paper
from paperbuild.pandoc_ast import text_without_notes
from paperbuild.render.jats_body import back_statements, readable_ids, written_id
from paperbuild.render.jats_labels import label_element, number_labels, remove, text_of
from paperbuild.render.jats_record import country_codes, publication_record
from paperbuild.words import words_for

DOCTYPE = (
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.2 '
    '20190208//EN" "JATS-archivearticle1-mathml3.dtd">'
)
CARRIERS = {
    "formatted": "paperbuild-formatted-references",
    "ack": "paperbuild-acknowledgements",
    "funding": "paperbuild-funding",
    "notes": "paperbuild-author-notes",
    "contributions": "paperbuild-contributions",
    "floats": "paperbuild-floats",
}
"""Ids of the divs that carry pieces through pandoc's writer to their place."""
FORMATTED = "paperbuild-formatted-"
"""What the id of each formatted reference starts with, before the reference's own id."""
REF_TYPES = {"sec": "sec", "fig": "fig", "table-wrap": "table", "disp-formula": "disp-formula", "ref": "bibr"}
REF_TYPES |= {"fn": "fn", "aff": "aff", "corresp": "corresp", "boxed-text": "boxed-text"}
"""The `ref-type` of an xref, by the element it points at."""
AWARD_ID = re.compile(
    r"(?:\bNos?\.|\bnumbers?|\bgrants?(?: no\.?)?|\bawards?|编号|项目号)\s*[:：]?\s*([A-Z]{0,10}[-\d][\w/.-]*\w)",
    re.IGNORECASE,
)
"""A grant number as funding statements give it: "(No. LJKMR2022046)", "grant 62173012", "Grant No. ABC-123"."""
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
"""UTF-8 of the characters XML 1.0 does not allow (no byte of a longer UTF-8 sequence is below 0x80)."""


def parse(data: bytes) -> Any:
    """pandoc's JATS as an lxml tree: no DTD loaded, no entity expanded, nothing fetched. Characters XML 1.0 has
    no place for (C0 controls other than tab and line ends, U+FFFE, U+FFFF), which pandoc copies from the text,
    go: the conservation check reports them lost at their line, as it does for the DOCX."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.fromstring(NOT_XML.sub(b"", data), parser)


def jats_bytes(root: Any) -> bytes:
    """The document's bytes, under the DOCTYPE of the DTD it is valid against."""
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype=DOCTYPE))


def visible_text(root: Any) -> str:
    """The text a reader of the article sees: everything but the TeX behind each formula."""
    return " ".join(
        text for element in root.iter() if element.tag != "tex-math" for text in (element.text, element.tail) if text
    )


def _cross_references(root: Any) -> list[str]:
    """Groups of cross-references (and the pipeline's punctuation) lose their wrapper; every xref says what it
    points at. An xref to nothing (a link
    to `#x` where no element has the id x) keeps its words but is no link: the targets of those, in order."""
    for wrapper in ("cross-reference-group", PUNCTUATION_CLASS):
        for group in list(root.iterfind(f".//named-content[@content-type='{wrapper}']")):
            remove(group, keep_children=True)
    kinds = {element.get("id"): element.tag for element in root.iter() if element.get("id")}
    dangling = []
    for xref in list(root.iter("xref")):
        rid = xref.get("rid", "")
        if rid not in kinds:
            dangling.append(rid)
            remove(xref, keep_children=xref.get("ref-type") != "fn")  # a note's number, with no note: nothing
            continue
        ref_type = REF_TYPES.get(kinds[rid])
        if ref_type and not xref.get("ref-type"):
            xref.set("ref-type", ref_type)
    return dangling


def _carrier(root: Any, identifier: str) -> Any:
    """The element pandoc made of a carrier div, taken out of the body; None when jats.py sent none."""
    found = next(iter(root.xpath("//*[@id=$id]", id=identifier)), None)
    if found is not None:
        found.getparent().remove(found)
    return found


def _append_text(target: Any, text: str) -> None:
    """Add `text` at the end of `target`'s content."""
    if len(target):
        target[-1].tail = (target[-1].tail or "") + text
    else:
        target.text = (target.text or "") + text


def _join_paragraphs(target: Any, paragraphs: list[Any]) -> None:
    """Move the content of `paragraphs` into `target` (an element of inline content), a space between them."""
    for index, paragraph in enumerate(paragraphs):
        _append_text(target, (" " if index else "") + (paragraph.text or ""))
        target.extend(list(paragraph))


def _mixed_citation(entry: Any) -> tuple[str, Any]:
    """The label ("[1]", or "") and the mixed-citation of one formatted reference (the paragraphs citeproc wrote)."""
    citation = etree.Element("mixed-citation")
    label = ""
    paragraphs = list(entry.iter("p"))
    for paragraph in paragraphs:
        margin = paragraph.find("named-content[@content-type='csl-left-margin']")
        if margin is not None:
            label = label or text_of(margin)
            remove(margin)
        for inline in paragraph.findall("named-content[@content-type='csl-right-inline']"):
            remove(inline, keep_children=True)
        paragraph.text = (paragraph.text or "").lstrip()
    _join_paragraphs(citation, paragraphs)
    return label, citation


def _references(root: Any, paper: Paper) -> None:
    """Each ref: label, then its element-citation and mixed-citation in citation-alternatives; in the order the
    reference list prints them, under its heading in the paper's language."""
    formatted = _carrier(root, CARRIERS["formatted"])
    ref_list = root.find("back/ref-list")
    if formatted is None:
        return
    if ref_list is None:
        ref_list = etree.SubElement(root.find("back"), "ref-list")
    for title in ref_list.findall("title"):
        ref_list.remove(title)
    title = etree.Element("title")
    title.text = words_for(paper.metadata.lang).labels["references"]
    ref_list.insert(0, title)
    structured = {ref.get("id"): ref for ref in ref_list.findall("ref")}
    for ref in structured.values():
        ref_list.remove(ref)
    for entry in formatted.iterfind(".//*[@id]"):
        identifier = entry.get("id").removeprefix(FORMATTED)
        if identifier == entry.get("id"):
            continue
        ref = structured.pop(identifier, None)
        if ref is None:
            ref = etree.Element("ref", id=identifier)
        label, mixed = _mixed_citation(entry)
        element_citation = ref.find("element-citation")
        if element_citation is not None:
            alternatives = etree.SubElement(ref, "citation-alternatives")
            alternatives.extend([element_citation, mixed])
        else:
            ref.append(mixed)
        if label:
            ref.insert(0, label_element(label))
        ref_list.append(ref)
    ref_list.extend(structured.values())


def _back_matter(root: Any, paper: Paper) -> None:
    """Acknowledgements as `ack`, first in `back`."""
    ack = _carrier(root, CARRIERS["ack"])
    if ack is None:
        return
    ack.tag = "ack"
    ack.attrib.clear()
    title = etree.Element("title")
    title.text = words_for(paper.metadata.lang).labels["acknowledgements"]
    ack.insert(0, title)
    root.find("back").insert(0, ack)


def _funding(root: Any, paper: Paper) -> None:
    """The funding statement as the article's funding-group: an award-group for each funder metadata lists (its
    funding-source with the Crossref Funder ID, JATS4R's, and its award-id), else for each grant number the
    statement gives."""
    carrier = _carrier(root, CARRIERS["funding"])
    if carrier is None:
        return
    group = etree.Element("funding-group")
    for funder in paper.metadata.funders:
        award_group = etree.SubElement(group, "award-group")
        wrap = etree.SubElement(etree.SubElement(award_group, "funding-source"), "institution-wrap")
        etree.SubElement(wrap, "institution").text = funder.funder
        if funder.funder_id:
            etree.SubElement(wrap, "institution-id", {"institution-id-type": "doi"}).text = funder.funder_id
        if funder.award:
            etree.SubElement(award_group, "award-id").text = funder.award
    awards = dict.fromkeys(AWARD_ID.findall(text_of(carrier))) if not paper.metadata.funders else {}
    for award in awards:
        award_group = etree.SubElement(group, "award-group")
        etree.SubElement(award_group, "award-id").text = award
    _join_paragraphs(etree.SubElement(group, "funding-statement"), list(carrier.iter("p")))
    root.find("front/article-meta").append(group)


def _author_notes(root: Any, paper: Paper) -> None:
    """Footnotes written in the title, names or affiliations, each an fn of the article's author-notes, the
    contributions statement, an fn of type "con", and the note on equal contributors, of type "equal" (JATS4R)."""
    carrier = _carrier(root, CARRIERS["notes"])
    notes = list(carrier) if carrier is not None else []
    if any(author.equal_contributor for author in paper.metadata.authors):
        equal = etree.Element("fn", {"fn-type": "equal"})
        etree.SubElement(equal, "p").text = words_for(paper.metadata.lang).labels["equal"]
        notes.append(equal)
    contributions = _carrier(root, CARRIERS["contributions"])
    if contributions is not None:
        contributions.set("fn-type", "con")
        notes.append(contributions)
    if not notes:
        return
    meta = root.find("front/article-meta")
    author_notes = meta.find("author-notes")
    if author_notes is None:
        author_notes = etree.Element("author-notes")
        anchor = (meta.findall("contrib-group") + meta.findall("aff"))[-1:] or meta.findall("title-group")
        anchor[-1].addnext(author_notes)
    for note in notes:
        kind = note.get("fn-type")
        note.tag = "fn"
        note.attrib.clear()
        if kind:
            note.set("fn-type", kind)
        author_notes.append(note)


def _floats_group(root: Any) -> None:
    """Figures and tables the style moved after the references, in the article's floats-group."""
    carrier = _carrier(root, CARRIERS["floats"])
    if carrier is not None:
        group = etree.Element("floats-group")
        group.extend(element for element in carrier if element.tag in ("fig", "table-wrap"))
        root.append(group)


def _front(root: Any, paper: Paper, name_styles: list[str]) -> None:
    """The running head, the paper's language, name styles, ORCID iDs as not authenticated (nobody signed in to
    ORCID); empty elements the template leaves go, and the journal's metadata, which is the journal's to give."""
    journal = root.find("front/journal-meta")
    if journal is not None and not "".join(journal.itertext()).strip():
        journal.getparent().remove(journal)
    meta = root.find("front/article-meta")
    for orcid in meta.iterfind("contrib-group/contrib/contrib-id[@contrib-id-type='orcid']"):
        orcid.set("authenticated", "false")
    root.set(XML_LANG, paper.metadata.lang)
    title_group = meta.find("title-group")
    if paper.short_title and title_group is not None:
        running_head = text_without_notes(paper.short_title)
        etree.SubElement(title_group, "alt-title", {"alt-title-type": "running-head"}).text = running_head
    for contrib, style in zip(meta.iterfind("contrib-group/contrib"), name_styles, strict=False):
        name = contrib.find("name")
        if name is not None and style:
            name.set("name-style", style)
    for element in meta.xpath("contrib-group/contrib/name/given-names | permissions"):
        if not len(element) and not (element.text or "").strip():
            element.getparent().remove(element)


def _empty_paragraphs(root: Any) -> None:
    """Paragraphs left empty (where raw blocks were: jats.py) go from sections and boxes that hold more."""
    for paragraph in list(root.iterfind(".//p")):
        parent = paragraph.getparent()
        empty = not len(paragraph) and not (paragraph.text or "").strip() and not paragraph.attrib
        if empty and parent.tag in ("sec", "body", "boxed-text", "ack") and len(parent) > 1:
            remove(paragraph)


def _inline_code(root: Any) -> None:
    """Inline code with a class (`` `window`{.js} ``): pandoc's writer gives its `monospace` a `language`, an
    attribute JATS 1.2 has only on the block `code` (the DTD refuses it). The language goes; the words stay."""
    for element in root.iter("monospace"):
        element.attrib.pop("language", None)


def complete(root: Any, paper: Paper, name_styles: list[str]) -> tuple[list[str], list[str]]:
    """Complete pandoc's JATS in place (see the module's docstring, and jats_body.py's); the targets of links to
    no element, which are left as words, as the chapters write them, and the titles of the acknowledgement sections
    moved to `back`."""
    _front(root, paper, name_styles)
    publication_record(root.find("front/article-meta"), paper.metadata)
    country_codes(root.find("front/article-meta"), paper.metadata)
    _floats_group(root)
    _empty_paragraphs(root)
    _inline_code(root)
    number_labels(root)
    _references(root, paper)
    _back_matter(root, paper)
    moved = back_statements(root)
    _funding(root, paper)
    _author_notes(root, paper)
    dangling = _cross_references(root)
    readable_ids(root)
    return [written_id(target) for target in dangling], moved
