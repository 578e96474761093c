"""Keep active content out of every output: one set of rules for raw HTML and raw OpenXML, and the HTML sanitizer.

Takes raw content as pandoc read it (a RawInline or RawBlock from a chapter, a metadata field, a caption or a
footnote) and gives what makes it active, for the checks to report (`raw_problem`); takes an HTML fragment as pandoc
wrote it and gives it with scripts, event handlers, `javascript:` URLs, iframes, forms and anything else not on the
allowlist removed (`clean_html`, with nh3, the Python binding of the Ammonia sanitizer, rather than a hand-written
filter), and with the declarations of its style attributes that could hide text dropped (`readable_style`: a colour
without enough contrast, type too small to read), which the checks report too. Raw OpenXML goes verbatim into the
DOCX, so it must be on a small allowlist of text formatting: no Word fields, embedded objects, VML or relationships
(the DOCX renderer checks what pandoc wrote once more).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from urllib.parse import unquote

import nh3
import tinycss2
import tinycss2.color3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml

MATHML_TAGS = {
    "math",
    "semantics",
    "annotation",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mstyle",
    "merror",
    "mpadded",
    "mphantom",
    "mfenced",
    "menclose",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "none",
    "mtable",
    "mtr",
    "mtd",
    "mlabeledtr",
}
MATHML_ATTRIBUTES = {
    "display",
    "displaystyle",
    "mathvariant",
    "mathsize",
    "stretchy",
    "fence",
    "separator",
    "accent",
    "accentunder",
    "form",
    "lspace",
    "rspace",
    "largeop",
    "movablelimits",
    "symmetric",
    "minsize",
    "maxsize",
    "linethickness",
    "scriptlevel",
    "columnalign",
    "rowalign",
    "columnspacing",
    "rowspacing",
    "columnlines",
    "rowlines",
    "frame",
    "width",
    "height",
    "depth",
    "notation",
    "encoding",
    "xmlns",
}
TAGS = nh3.ALLOWED_TAGS | {"section", "main", "tfoot", "source", "picture"} | MATHML_TAGS
GENERIC_ATTRIBUTES = {"id", "class", "role", "title", "lang", "dir", "style"}
ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": GENERIC_ATTRIBUTES,
    "a": {"href", "hreflang"},
    "img": {"alt", "src", "width", "height"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align"},
    "col": {"span", "width"},
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}
STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font-style",
    "font-weight",
    "font-variant",
    "font-size",
    "text-align",
    "text-decoration",
    "vertical-align",
    "width",
    "height",
    "min-width",
    "margin",
    "margin-left",
    "margin-right",
    "padding",
}
IMAGE_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;", "data:image/svg+xml;")


MIN_CONTRAST = 3.0
"""The least contrast ratio between a text's colour and its background that a style attribute may set (WCAG 2's
least for large text: red on white, 4:1, stays; white on pale yellow, 1.1:1, goes)."""
PAGE_COLOURS = {"color": (0.102, 0.102, 0.102), "background-color": (1.0, 1.0, 1.0)}
"""The colours an element has when its style sets none: the style's near-black text on the page's white."""
COLOUR_WORDS = {"color": "text", "background-color": "background"}
TEXT_LAYER_STYLE = "color: transparent; font-size: 0.1px"
"""A formula's text beside its drawing in the PDF (formulas.py): in the text layer, not on the page. The one style
the sanitizer keeps whole though it shows nothing (an inline style, so that every house style gets it); written in
a chapter, it is a dropped-style warning all the same."""
SMALLEST_TYPE_PT = 5.0
"""The smallest type a style attribute may ask for (`font-size: 4pt` or `0.3em` are dropped, `0` hid the text)."""
POINTS = {"pt": 1.0, "px": 0.75, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "q": 72 / 101.6}
RELATIVE = {"em": 11.0, "rem": 11.0, "ex": 5.5, "ch": 5.5, "%": 0.11}
"""Relative sizes in points of the 11pt text (an `ex` or `ch` about half an em)."""


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2's contrast ratio of two colours, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _colour(tokens: list[tinycss2.ast.Node]) -> tuple[float, float, float] | None:
    """An opaque colour written as one CSS value, else None (transparent, currentColor, a variable, an image)."""
    values = [token for token in tokens if token.type not in ("whitespace", "comment")]
    found = tinycss2.color3.parse_color(values[0]) if len(values) == 1 else None
    if not isinstance(found, tinycss2.color3.RGBA) or found.alpha < 1:
        return None
    return found.red, found.green, found.blue


def _readable_size(tokens: list[tinycss2.ast.Node]) -> bool:
    """Whether a font-size is a keyword or a size of at least SMALLEST_TYPE_PT (relative ones taken of 11pt)."""
    values = [token for token in tokens if token.type not in ("whitespace", "comment")]
    if len(values) != 1:
        return False
    value = values[0]
    if value.type == "ident":
        return True
    unit = "%" if value.type == "percentage" else getattr(value, "lower_unit", "") or ""
    scale = POINTS.get(unit) or RELATIVE.get(unit)
    return scale is not None and value.value * scale >= SMALLEST_TYPE_PT


@lru_cache(maxsize=4096)
def readable_style(style: str) -> tuple[str, tuple[str, ...]]:
    """A style attribute's declarations that keep the text readable, and why each other one is dropped (cached: a
    paper repeats its styles).

    A text colour and a background colour are kept as a pair only when they contrast by MIN_CONTRAST, one set alone
    only when it contrasts so with the page's white or the style's text (`background: <colour>` counts as
    `background-color`); otherwise both go, so that no colour of the author's makes text invisible (white text
    whose background was dropped). A font-size under SMALLEST_TYPE_PT is dropped. Properties not on
    STYLE_PROPERTIES are dropped: the house style sets the layout."""
    kept: dict[str, str] = {}
    colours: dict[str, tuple[float, float, float] | None] = {}
    dropped: list[str] = []
    for item in tinycss2.parse_blocks_contents(style, skip_whitespace=True, skip_comments=True):
        if item.type != "declaration":
            continue
        written = f"{item.name}: {tinycss2.serialize(item.value).strip()}"
        name = "background-color" if item.lower_name == "background" and _colour(item.value) else item.lower_name
        if name in COLOUR_WORDS:
            kept[name], colours[name] = written.partition(":")[2].strip(), _colour(item.value)
        elif name == "font-size" and not _readable_size(item.value):
            dropped.append(f"'{written}' is dropped: type under {SMALLEST_TYPE_PT:.0f}pt is hard to read or hidden")
        elif name in STYLE_PROPERTIES:
            kept[name] = written.partition(":")[2].strip()
        else:
            dropped.append(f"'{written}' is dropped: the house style sets the layout")
    pair = [colours.get(name, PAGE_COLOURS[name]) for name in ("color", "background-color")]
    ratio = contrast(pair[0], pair[1]) if pair[0] and pair[1] else 0.0
    if colours and ratio < MIN_CONTRAST:
        for name in colours:
            what = f"{COLOUR_WORDS[name]} colour '{kept.pop(name)}'"
            dropped.append(
                f"the {what} is dropped: it is not an opaque colour"
                if colours[name] is None
                else f"the {what} is dropped: its text would be hard to see or invisible (contrast {ratio:.1f}:1, "
                f"at least {MIN_CONTRAST:.0f}:1 is kept)"
            )
    return "; ".join(f"{name}: {value}" for name, value in kept.items()), tuple(dropped)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """data: URLs only as image sources, and only of image types; style attributes as `readable_style` keeps them."""
    if value.strip().lower().startswith("data:"):
        return value if tag == "img" and attribute == "src" and value.lower().startswith(IMAGE_DATA) else None
    if attribute == "style":
        return value if value == TEXT_LAYER_STYLE else readable_style(value)[0] or None
    return value


def clean_html(fragment: str) -> str:
    """`fragment` with everything that is not on the allowlist removed."""
    return nh3.clean(
        fragment,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        generic_attribute_prefixes={"aria-", "data-"},
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
        link_rel=None,
        strip_comments=True,
    )


HTML_FORMATS = frozenset({"html", "html4", "html5"})
"""The raw formats pandoc's HTML writer copies into the page (pandoc compares formats without case)."""
OPENXML_FORMAT = "openxml"
"""The raw format pandoc's DOCX writer copies into word/document.xml."""
ACTIVE_HTML = re.compile(
    r"<\s*(script|iframe|frame|object|embed|applet|form|input|button|textarea|select|link|meta|base|style)\b"
    r"|\bon[a-z]+\s*=|(?:java|vb)script\s*:",
    re.IGNORECASE,
)
ACTIVE_URL = re.compile(r"(?:java|vb)script\s*:|data\s*:\s*text/html", re.IGNORECASE)
"""A URL that runs code, looked for once character references are decoded (`java&#115;cript:`)."""

MEDIA_TAG = re.compile(r"<(?:img|source|video|audio|track|input)\b[^>]*", re.IGNORECASE)
SOURCE_ATTRIBUTE = re.compile(r"""\bsrc(?:set)?\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def raw_image_sources(fragment: str) -> list[str]:
    """The `src` and `srcset` values of a raw HTML fragment's images and media, in order. A tag's text runs to the
    next `>`, or to the end when there is none, so each character is read once (a lazy `[^>]*?src` per `<img`
    read the rest of the text for each one: minutes on 200 KB of `<img `)."""
    return [src for tag in MEDIA_TAG.finditer(fragment) for src in SOURCE_ATTRIBUTE.findall(tag.group())]


SAFE_LINK_SCHEMES = ("", "http", "https", "mailto", "ftp", "doi")
LOCAL_PATH = re.compile(r"^\s*(?:\\|/[\\/]|[A-Za-z]:[\\/])")
"""`\\\\host\\share`, `//host/share`, `\\x`, `C:\\x`: a UNC, drive-rooted or drive path, which a DOCX, a PDF
or an HTML file opened from disk resolves to a file on another machine (handing it the reader's credentials) or on
the reader's disk."""


URL_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


def link_problem(target: str) -> str:
    """Why a link target is not allowed, as the end of a sentence ("uses the scheme 'file:', which ..."); ""
    when it is an http(s), mailto, ftp or DOI address, or a relative one."""
    if LOCAL_PATH.match(unquote(target)):
        return "is a path to a file on a network share or a local disk"
    found = URL_SCHEME.match(target)
    scheme = found.group(1).lower() if found else ""
    return "" if scheme in SAFE_LINK_SCHEMES else f"uses the scheme '{scheme}:', which is not allowed"


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
OPENXML_TEXT = frozenset({
    "p", "pPr", "r", "rPr", "t", "br", "cr", "tab", "tabs", "noBreakHyphen", "softHyphen", "sym", "pStyle", "rStyle",
    "jc", "ind", "spacing", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "contextualSpacing",
    "suppressAutoHyphens", "bidi", "rtl", "textDirection", "textAlignment", "outlineLvl", "numPr", "ilvl", "numId",
    "b", "bCs", "i", "iCs", "u", "strike", "dstrike", "caps", "smallCaps", "color", "sz", "szCs", "highlight", "shd",
    "vertAlign", "rFonts", "lang", "noProof", "kern", "position", "w", "emboss", "imprint", "outline", "shadow",
    "vanish", "bdr", "pBdr", "top", "left", "bottom", "right", "start", "end", "between", "bar", "insideH",
    "insideV", "bookmarkStart", "bookmarkEnd", "lastRenderedPageBreak", "tbl", "tblPr", "tblStyle", "tblW", "tblInd",
    "tblBorders", "tblLayout", "tblCellMar", "tblLook", "tblGrid", "gridCol", "tr", "trPr", "trHeight", "tblHeader",
    "cantSplit", "tc", "tcPr", "tcW", "gridSpan", "vMerge", "hMerge", "vAlign", "tcBorders", "tcMar", "noWrap",
})  # fmt: skip
"""The WordprocessingML elements raw OpenXML may use: paragraphs, runs, text, breaks, formatting, bookmarks and
tables. Office Math (m:) is allowed as a whole."""
OPENXML_ACTIVE = {
    "fldSimple": "a Word field, which can run a command or load a file",
    "fldChar": "a Word field, which can run a command or load a file",
    "instrText": "a Word field, which can run a command or load a file",
    "delInstrText": "a Word field, which can run a command or load a file",
    "altChunk": "an embedded document",
    "object": "an embedded object",
    "pict": "a VML picture, which can embed objects",
    "control": "an ActiveX control",
    "subDoc": "a subdocument loaded from a file",
    "hyperlink": "a link through a relationship",
    "drawing": "a drawing, which loads its picture through a relationship",
}


def raw_problem(fmt: str, content: str) -> str:
    """Why raw content written for `fmt` is not allowed, as a diagnostic's message; "" when it is harmless or when
    no output of paperbuild writes that format (the writers drop it)."""
    fmt = fmt.lower()
    if fmt in HTML_FORMATS:
        match = ACTIVE_HTML.search(content) or ACTIVE_URL.search(html.unescape(content))
        return f"raw HTML '{match.group(0).strip()}' is active content and is not allowed" if match else ""
    if fmt == OPENXML_FORMAT:
        return openxml_problem(content)
    return ""


def openxml_problem(content: str) -> str:
    """Why a raw OpenXML fragment is not allowed ("" when it only formats text): it is read as XML with the w:, m:
    and r: prefixes bound, without DTD, and each element must be on the allowlist, each attribute in w: or xml:."""
    wrapped = f'<raw xmlns:w="{W_NS}" xmlns:m="{M_NS}" xmlns:r="{R_NS}">{content}</raw>'
    try:
        root = parse_xml(wrapped, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException):
        return (
            "raw OpenXML that is not well-formed XML with the prefixes w: and m: cannot be checked and is not allowed"
        )
    for element in root.iter():
        if element is root:
            continue
        namespace, _, name = element.tag[1:].partition("}")
        if namespace != M_NS and (namespace != W_NS or name not in OPENXML_TEXT):
            why = OPENXML_ACTIVE.get(name, "not on the list of text formatting raw OpenXML may use")
            return f"raw OpenXML '<{_prefixed(element.tag)}>' is {why}, and is not allowed"
        for attribute in element.attrib:
            if not attribute.startswith((f"{{{W_NS}}}", f"{{{M_NS}}}", f"{{{XML_NS}}}")):
                return (
                    f"raw OpenXML '{_prefixed(attribute)}' on '<{_prefixed(element.tag)}>' is not allowed: only "
                    "w: attributes (r: ones refer to other parts or external targets)"
                )
    return ""


def _prefixed(name: str) -> str:
    """`{namespace}local` with the usual prefix of its namespace ("w:fldSimple")."""
    prefixes = {W_NS: "w", M_NS: "m", R_NS: "r", XML_NS: "xml"}
    namespace, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
    if namespace and namespace not in prefixes:
        return f"{local} (of {namespace})"
    return f"{prefixes[namespace]}:{local}" if namespace else local
