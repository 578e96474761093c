"""Render the paper as a standalone HTML page: pandoc writes the pieces, the style's jinja2 template lays them out.

Takes a RenderJob; gives the page as UTF-8 bytes, its CSS inlined so the file stands alone. All pieces (title,
abstract, keywords, back matter, references, body) go through one pandoc run, separated by comments carrying a
random token no input can forge, and then through the sanitizer, so raw HTML in a chapter cannot add active
content. The PDF renderer asks for the same page with the style's CSS linked instead, and a URL's printed text
broken where LaTeX's url package breaks it (a zero-width space after its . _ = & ? - /: never a printed hyphen).
"""

from __future__ import annotations

import re
import secrets
import traceback
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from paperbuild import pandoc
from paperbuild.document import Paper
from paperbuild.errors import InputError
from paperbuild.formulas import as_images, math_nodes
from paperbuild.pandoc_ast import Node, copy_tree, plain, raw_block, stringify, text, text_without_notes, walk
from paperbuild.project import Project, relative
from paperbuild.render import Output, RenderJob, renderer
from paperbuild.render.direction import directed, paper_direction
from paperbuild.render.html_fonts import font_faces
from paperbuild.render.page_notes import has_notes, notes_at_page_foot
from paperbuild.sanitize import ACTIVE_URL, clean_html
from paperbuild.style import PRINT_CSS, SCREEN_CSS, TEMPLATE
from paperbuild.words import words_for

INLINE = ("title", "subtitle", "keyword", "author", "affiliation:")
"""The pieces the template puts inside an element of its own (`<h1>`, `<span>`): no Div may wrap their text."""
URL_TEXT = re.compile(r"(<a\b[^>]*>)((?:https?://|www\.|doi:|10\.\d)[^<\s]*)(</a>)")
"""A link whose text is a URL or a DOI, as pandoc writes it (the text HTML-escaped, no markup inside)."""
URL_BREAK = re.compile(r"(?:[._=?/-]|&amp;)+(?!$)")
"""The characters of a URL after which LaTeX's url package may break a line (a run of them, "//", taken as one)."""
PANDOC_HTML = ["-t", "html5", "--wrap=none", "--shift-heading-level-by=1", "--section-divs", "--sandbox", "--mathml"]


@dataclass(frozen=True)
class AuthorView:
    """One author as the template prints it."""

    name: str
    """The name as plain text (for the author meta tag), its footnote left out."""
    byline: Markup
    """The name as HTML, its footnote left out."""
    notes: Markup
    """The references to the name's footnotes, printed after the marks; "" when it has none."""
    marks: list[int]
    email: str
    orcid: str
    corresponding: bool
    equal: bool = False
    """Whether the author contributed equally (marked †, explained under the byline)."""


def link_back(body: list[Node], references: list[Node], label: str) -> tuple[list[Node], list[Node]]:
    """Copies of the body and the reference list in which each citation carries an id and each reference entry
    ends with a link back to where it is first cited, named `label` for screen readers (citeproc already links
    citations to their entries)."""
    body, references = copy_tree(body), copy_tree(references)
    first_cited: dict[str, str] = {}
    for number, cite in enumerate([n for n in walk(body) if n["t"] == "Cite"], start=1):
        anchor = f"cite-{number}"
        for citation in cite["c"][0]:
            first_cited.setdefault(citation["citationId"], anchor)
        original = {"t": "Cite", "c": cite["c"]}
        cite["t"], cite["c"] = "Span", [[anchor, ["citation-anchor"], []], [original]]
    for entry in [n for n in walk(references) if n["t"] == "Div" and n["c"][0][0].startswith("ref-")]:
        back = first_cited.get(entry["c"][0][0].removeprefix("ref-"))
        last = [n for n in walk(entry["c"][1]) if n["t"] in ("Para", "Plain")][-1:]
        if back and last:
            link = [["", ["backlink"], [["aria-label", label]]], text("↩"), [f"#{back}", ""]]
            last[0]["c"] += [{"t": "Space"}, {"t": "Link", "c": link}]
    return body, references


def html_pieces(paper: Paper, *, for_print: bool = False) -> dict[str, Markup]:
    """Every AST piece of the paper as HTML, by name, from one pandoc run; formulas as MathML and notes as endnotes,
    or for the PDF formulas as SVG images (WeasyPrint has no MathML layout) and notes where they are called, for
    the print CSS to set at the foot of their page (page_notes.py)."""
    token = secrets.token_hex(16)
    body, references = link_back(paper.body, paper.references, words_for(paper.metadata.lang).labels["backlink"])
    pieces: dict[str, list[Node]] = {
        "title": [plain(paper.title)],
        "subtitle": [plain(paper.subtitle)],
        "abstract": paper.abstract,
        "notices": paper.notices,
        "acknowledgements": paper.acknowledgements,
        "funding": paper.funding,
        "contributions": paper.contributions,
        "references": references,
        "floats": paper.floats,
    }
    pieces.update({f"keyword{i}": [plain(k)] for i, k in enumerate(paper.keywords)})
    for i, author in enumerate(paper.authors):  # a name's footnote goes after its marks, as the DOCX has it
        pieces[f"author{i}"] = [plain([n for n in author if n["t"] != "Note"])]
        pieces[f"authornotes{i}"] = [plain([n for n in author if n["t"] == "Note"])]
    pieces.update({f"affiliation:{id_}": [plain(line)] for id_, line in paper.affiliations.items()})
    pieces["body"] = body  # last: pandoc appends the footnotes after it
    base = paper_direction(paper.metadata.lang)  # a paragraph in another direction gets its own (direction.py)
    pieces.update({name: directed(blocks, base) for name, blocks in pieces.items() if not name.startswith(INLINE)})
    blocks: list[Node] = []
    for name, content in pieces.items():
        blocks += [raw_block("html", f"<!--{token}:{name}-->"), *(print_blocks(content) if for_print else content)]
    html = pandoc.run_json(PANDOC_HTML, paper.document(blocks)).decode()
    result: dict[str, Markup] = {}
    for chunk in html.split(f"<!--{token}:")[1:]:
        name, _, fragment = chunk.partition("-->")
        result[name] = Markup(clean_html(fragment.strip()))
    return result


def print_blocks(blocks: list[Node]) -> list[Node]:
    """A copy of `blocks` as the PDF sets them: formulas as images, notes at the foot of their page."""
    return list(notes_at_page_foot(as_images(blocks)))


def needs_print_pieces(paper: Paper) -> bool:
    """Whether the PDF's pieces differ from the HTML page's: the paper holds a formula or a footnote."""
    parts = [paper.title, paper.authors, paper.affiliations, paper.abstract, paper.body, paper.acknowledgements]
    return bool(math_nodes([*parts, paper.funding])) or has_notes([*parts, paper.funding])


def page(paper: Paper, pieces: dict[str, Markup], project: Project, *, inline_css: bool, font_css: str = "") -> str:
    """The HTML page of the paper in the given style: with the style's CSS inlined (a standalone file), or linked
    by file URL (for WeasyPrint, so the print CSS cascades as the page's own and its fonts resolve); `font_css`:
    @font-face rules to inline before the style's CSS."""
    meta = paper.metadata
    marks = meta.affiliation_marks()
    show_marks = len(marks) > 1
    title = text_without_notes(paper.title)
    authors = [
        AuthorView(
            stringify([n for n in name if n["t"] != "Note"]),
            pieces[f"author{i}"],
            pieces[f"authornotes{i}"],
            [marks[x] for x in a.affiliations if x in marks] if show_marks else [],
            a.email,
            a.orcid,
            a.corresponding,
            a.equal_contributor,
        )
        for i, (a, name) in enumerate(zip(meta.authors, paper.authors, strict=False))
    ]
    listed = sorted({marks[a.id]: pieces[f"affiliation:{a.id}"] for a in meta.affiliations if a.id in marks}.items())
    affiliations = [(mark if show_marks else None, line) for mark, line in listed]
    env = ImmutableSandboxedEnvironment(  # a stranger's style may be built: its template runs no Python
        loader=jinja2.FunctionLoader(project.style.template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    layers = project.style.layers(SCREEN_CSS)
    css = Markup("\n".join(path.read_text(encoding="utf-8") for path in layers)) if inline_css else ""
    context = {
        "inline_css": inline_css,
        "font_css": Markup(font_css),
        "paper_css": css,
        "stylesheets": [path.resolve().as_uri() for path in layers],
        "print_stylesheets": [path.resolve().as_uri() for path in project.style.layers(PRINT_CSS)],
        "lang": meta.lang,
        "dir": paper_direction(meta.lang),
        "labels": project.style.words(meta.lang).labels,
        "short_title": text_without_notes(paper.short_title) or title,
        "authors": authors,
        "affiliations": affiliations,
        "keywords": [pieces[f"keyword{i}"] for i in range(len(paper.keywords))],
        "date": meta.date,
        "title_text": title,
        **{name: pieces[name] for name in ("title", "subtitle", "abstract", "body", "references", "floats")},
        **{name: pieces[name] for name in ("notices", "acknowledgements", "funding", "contributions")},
    }
    try:
        html = env.get_template(TEMPLATE).render(context)
    except jinja2.TemplateError as exc:
        raise template_error(exc, project) from None
    if not inline_css:  # the PDF's page: the screen page's link text is what a reader copies, and stays as written
        html = URL_TEXT.sub(lambda m: m[1] + URL_BREAK.sub(lambda b: b[0] + "\u200b", m[2]) + m[3], html)
    problem = active_markup(html)
    if problem:  # the paper's own pieces were sanitised: this came from the style's template or stylesheet
        raise InputError(
            f"style '{project.style.name}' ({relative(project.style.folder, project.root)}): its page holds "
            f"{problem}; a style's template and CSS may not add scripts, frames, forms, event handlers or redirects"
        )
    return html


class _ActiveMarkup(HTMLParser):
    """Finds the first element or attribute of a page that runs code, loads another page or submits a form."""

    TAGS = frozenset(
        {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "base"}
    )
    URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found:
            return
        if tag in self.TAGS:
            self.found = f"a <{tag}> element"
        elif tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.found = "a <meta http-equiv=refresh>"
        for name, value in attrs:
            if not self.found and name.startswith("on"):
                self.found = f"an event handler ({name}=) on <{tag}>"
            elif not self.found and name in self.URL_ATTRIBUTES and ACTIVE_URL.search(value or ""):
                self.found = f"a script URL in <{tag} {name}=>"


def active_markup(html: str) -> str:
    """What in a finished page would run code or leave it (a script, frame, form, event handler, javascript: URL,
    meta refresh), described; "" when nothing."""
    finder = _ActiveMarkup()
    finder.feed(html)
    finder.close()
    return finder.found


def template_error(exc: jinja2.TemplateError, project: Project) -> InputError:
    """A style template's syntax error, sandbox violation or undefined name as an error that names the template
    file and line (jinja2 gives the line of a syntax error; a run-time error's is the template's frame in the
    traceback), without jinja2's traceback."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if path is None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
        path, line = (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
    where = relative(Path(path), project.root) if path else f"the template of style '{project.style.name}'"
    where += f":{line}" if path and line else ""
    return InputError(f"{where}: the style's template cannot be rendered: {exc.message or type(exc).__name__}")


class _TextExtractor(HTMLParser):
    """Collects the text of a page's body, as a browser shows it (no style, script or head)."""

    HIDDEN = frozenset({"head", "style", "script", "template", "annotation"})  # annotation: the TeX behind MathML

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in self.HIDDEN and self._hidden > 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The visible text of an HTML page."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "".join(extractor.parts)


@renderer("html")
def render_html(job: RenderJob) -> Output:
    """The HTML output file, with the style's fonts cut down to the characters of its page (the page is made once,
    with a token where the @font-face rules go, which it holds nowhere else)."""
    token = f"/*{secrets.token_hex(16)}*/"
    html = page(job.paper, job.html_pieces, job.project, inline_css=True, font_css=token)
    html = html.replace(token, font_faces(job.project.style.folders, html), 1)
    return Output(html.encode("utf-8"), page_text(html))
