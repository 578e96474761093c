"""Keep active content out of the HTML: an allowlist of elements, attributes and URL schemes, nothing else.

Takes an HTML fragment as pandoc wrote it (chapters' raw HTML included); gives the same fragment with scripts,
event handlers, `javascript:` URLs, iframes, forms and anything else not on the list removed. Uses nh3, the Python
binding of the Ammonia sanitizer, rather than a hand-written filter.
"""

from __future__ import annotations

import nh3

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
    "margin",
    "margin-left",
    "margin-right",
    "padding",
}
IMAGE_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;", "data:image/svg+xml;")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """data: URLs only as image sources, and only of image types."""
    if value.strip().lower().startswith("data:"):
        return value if tag == "img" and attribute == "src" and value.lower().startswith(IMAGE_DATA) else None
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
