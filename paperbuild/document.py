"""Split the parsed manuscript into the parts of a paper, numbered once, for every renderer to lay out.

Takes the Project and its Manuscript; gives a `Paper`: title block data, abstract, keywords, the numbered body
(images embedded as data: URIs), the publication record (history dates, licence), back matter (acknowledgements,
funding, the authors' CRediT contributions statement) and the reference list, each as Pandoc AST pieces. A heading
of the author's own that titles the reference list ("# References" as the last heading, or just before a `{#refs}`
div) is left out: every renderer prints the list under its own heading, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from paperbuild.crossref import Target, number_and_resolve
from paperbuild.figure_sizes import sized_figures
from paperbuild.manuscript import Manuscript
from paperbuild.metadata import Metadata
from paperbuild.pandoc_ast import (
    Node,
    copy_tree,
    is_reference_list,
    meta_blocks,
    meta_inlines,
    para,
    span,
    split_reference_list,
    stringify,
    text,
)
from paperbuild.project import Project
from paperbuild.resources import embed_images
from paperbuild.words import printed_date, words_for

REFERENCE_HEADINGS = frozenset(
    {
        "references",
        "reference list",
        "bibliography",
        "literature cited",
        "works cited",
        "cited literature",
        "références",
        "bibliographie",
        "literatur",
        "literaturverzeichnis",
        "referencias",
        "bibliografía",
        "bibliografia",
        "referências",
        "riferimenti bibliografici",
        "参考文献",
        "参考资料",
        "文献",
    }
)
"""What authors title their reference list with (casefolded), in the languages papers are commonly written in."""
GENERATED_CLASS = "generated-words"
"""Class of the Spans holding words the pipeline prints from metadata's data (the history's "Received 5 January
2026", a known licence's name): the conservation check does not look for them in the outputs."""
PUNCTUATION_CLASS = "generated-punctuation"
"""Class of the Spans holding punctuation the pipeline writes between the manuscript's words (the contributions
statement's colons, commas, parentheses): the conservation check counts the words, not these."""


@dataclass(frozen=True)
class Paper:
    """The paper's parts as Pandoc AST pieces, ready for the renderers."""

    metadata: Metadata
    """Authors, affiliations and the other plain metadata."""
    title: list[Node]
    """Title inlines."""
    subtitle: list[Node]
    """Subtitle inlines; [] when none."""
    abstract: list[Node]
    """Abstract blocks."""
    keywords: list[list[Node]]
    """Each keyword's inlines."""
    authors: list[list[Node]]
    """Each author's name as inlines (Markdown: it may hold a footnote), in byline order; [] under review."""
    affiliations: dict[str, list[Node]]
    """Each affiliation's printed line (department, institution, city, country) as inlines, by id (Markdown: it may
    hold a footnote); {} under review."""
    body: list[Node]
    """The chapters' blocks, headings numbered."""
    acknowledgements: list[Node]
    """Acknowledgements blocks."""
    funding: list[Node]
    """Funding statement blocks."""
    notices: list[Node]
    """The publication record printed under the keywords: the history's dates ("Received 5 January 2026; accepted
    9 April 2026.") and the licence ("Licence: Creative Commons Attribution 4.0 International", linked), a
    paragraph each; [] when metadata gives neither."""
    contributions: list[Node]
    """The authors' contributions in CRediT's form, one paragraph: "**Ada Lovelace:** Conceptualization, Software
    (lead). **Bo Li:** Validation."; [] when no author has roles (and under review)."""
    references: list[Node]
    """The reference list produced by citeproc (entries as Divs); [] when nothing is cited."""
    targets: dict[str, Target]
    """Label -> what it numbers (sections, figures, tables, equations)."""
    api_version: list[int]
    """pandoc-api-version of the AST, needed to hand pieces back to pandoc."""
    floats: list[Node] = field(default_factory=list)
    """Figures and tables the style puts after the references (figure_placement.py), under their headings; []
    when they stay in the body."""
    image_sources: dict[str, str] = field(default_factory=dict)
    """Each embedded image's `data:` URI -> the file it was read from, as the chapter names it (for the JATS)."""
    short_title: list[Node] = field(default_factory=list)
    """The running head's inlines (Markdown, as the title); [] when the metadata gives none."""

    def document(self, blocks: list[Node], meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """A Pandoc JSON document holding `blocks` (and `meta`), for a writer run."""
        return {"pandoc-api-version": self.api_version, "meta": meta or {}, "blocks": blocks}


def _titles_references(block: Node) -> bool:
    return block["t"] == "Header" and stringify(block["c"][2]).strip(" .:：").casefold() in REFERENCE_HEADINGS


def without_references_heading(blocks: list[Node]) -> list[Node]:
    """`blocks` less the author's own heading of the reference list: the heading just before citeproc's list (which
    citeproc puts where a `{#refs}` div stands, else at the end), or a last heading with nothing under it."""
    at = next((i for i, block in enumerate(blocks) if is_reference_list(block)), len(blocks))
    if at > 0 and _titles_references(blocks[at - 1]) and (at < len(blocks) or blocks[-1]["t"] == "Header"):
        return blocks[: at - 1] + blocks[at:]
    return blocks


def contributions(metadata: Metadata, names: list[list[Node]]) -> list[Node]:
    """The contributions statement as journals print it: each author with roles, in byline order, the name (its
    footnote left out: the byline has it) in bold, then the roles in the order given, a degree in parentheses."""
    labels = words_for(metadata.lang).labels
    inlines: list[Node] = []
    for author, name in zip(metadata.authors, names, strict=False):
        if not author.roles:
            continue
        shown = copy_tree([node for node in name if node["t"] != "Note"])
        inlines += [{"t": "Space"}] if inlines else []
        inlines += [{"t": "Strong", "c": [*shown, _punctuation(labels["colon"])]}, *text(labels["space"])]
        for index, role in enumerate(author.roles):
            inlines += [_punctuation(","), {"t": "Space"}] if index else []
            inlines += text(role.name)
            if role.degree:
                inlines += [{"t": "Space"}, _punctuation("("), *text(role.degree), _punctuation(")")]
        inlines.append(_punctuation("."))
    return [para(inlines)] if inlines else []


def notices(metadata: Metadata) -> list[Node]:
    """The paragraphs of `Paper.notices`: the history's dates in the language's words, the licence as a link (its
    text the author's, or the known licence's name)."""
    labels = words_for(metadata.lang).labels
    blocks: list[Node] = []
    if metadata.history:
        events = [labels[event].format(printed_date(date, metadata.lang)) for event, date in metadata.history]
        line = labels["separator"].join(events)
        blocks.append(para([span(text(line[0].upper() + line[1:]), [GENERATED_CLASS]), _punctuation(".")]))
    licence = metadata.license
    if licence is not None:
        shown = text(licence.text or licence.url)
        words = [span(shown, [GENERATED_CLASS])] if licence.known else shown
        label = span([{"t": "Strong", "c": text(labels["license"] + labels["colon"])}], [GENERATED_CLASS])
        link = {"t": "Link", "c": [["", ["license"], []], words, [licence.url, ""]]}
        blocks.append(para([label, *text(labels["space"]), link]))
    return blocks


def funding_statement(metadata: Metadata) -> list[Node]:
    """The funding statement printed from `funding`'s list of funders: "This work was supported by the National
    Natural Science Foundation of China (grant 62173012); the Ministry of Education." — the funders' names and
    grant numbers are the author's words, the rest the pipeline's."""
    labels = words_for(metadata.lang).labels
    before, after = labels["funded"].split("{}", 1)
    grant_before, grant_after = labels["grant"].split("{}", 1)
    inlines: list[Node] = [_generated(before)]
    for index, funder in enumerate(metadata.funders):
        inlines += [_generated(labels["separator"])] if index else []
        inlines += text(funder.funder)
        if funder.award:
            inlines += [_generated(grant_before), *text(funder.award), _generated(grant_after)]
    return [para([*inlines, _generated(after)])]


def _generated(words: str) -> Node:
    return span(text(words), [GENERATED_CLASS])


def _punctuation(chars: str) -> Node:
    return span(text(chars), [PUNCTUATION_CLASS])


def assemble(manuscript: Manuscript, project: Project) -> Paper:
    """Cut the AST into the paper's parts, embed its images, size its figures to the text width (unless they give
    a width), and number the body's sections."""
    meta = manuscript.ast["meta"]
    metadata = project.metadata
    if project.style.anonymous:  # double-blind review: nothing that names the authors
        metadata = replace(metadata, authors=(), affiliations=(), acknowledgements="", funding="", funders=())
    blocks = without_references_heading(manuscript.ast["blocks"])
    sources: dict[str, str] = {}
    funding = meta_blocks(meta.get("funding")) if metadata.funding else []
    body, references = split_reference_list(sized_figures(embed_images(blocks, project, sources)))
    body, targets = number_and_resolve(body, metadata.lang, project.style.words(metadata.lang))
    keywords = meta.get("keywords", {"t": "MetaList", "c": []})
    authors = [meta_inlines(a) for a in meta.get("paperbuild-authors", {"c": []})["c"]] if metadata.authors else []
    return Paper(
        metadata=metadata,
        title=meta_inlines(meta.get("title")),
        subtitle=meta_inlines(meta.get("subtitle")),
        abstract=meta_blocks(meta.get("abstract")),
        keywords=[meta_inlines(k) for k in keywords["c"]] if keywords["t"] == "MetaList" else [],
        authors=authors,
        affiliations={
            affiliation.id: meta_inlines(line)
            for affiliation, line in zip(
                metadata.affiliations, meta.get("paperbuild-affiliations", {"c": []})["c"], strict=False
            )
        },
        body=body,
        acknowledgements=meta_blocks(meta.get("acknowledgements")) if metadata.acknowledgements else [],
        funding=funding_statement(metadata) if metadata.funders else funding,
        notices=notices(metadata),
        contributions=contributions(metadata, authors),
        references=references,
        targets=targets,
        api_version=manuscript.ast["pandoc-api-version"],
        image_sources=sources,
        short_title=meta_inlines(meta.get("paperbuild-short-title")),
    )
