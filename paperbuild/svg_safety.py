"""Make an SVG figure safe to embed: bounded in size, and cut down to an allowlist of elements and attributes.

Takes an SVG file's bytes; gives a `SafeSvg`: the SVG written anew from an allowlist of SVG elements and attributes,
with no reference outside the file (only `#fragment` references, and PNG or JPEG `data:` images), and what was
removed, for a warning; or why the file is refused, for an error: it is not well-formed XML, declares entities,
is not an SVG, or is too large to draw safely (too many elements, too deep, or too many once every `<use>` and
`url(#...)` reference is expanded: the "use bomb" of a few kilobytes that renderers take gigabytes to draw).
Parsing is defusedxml's: the standard library's expat with entities and external references refused.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from urllib.parse import unquote_to_bytes
from xml.sax.saxutils import escape, quoteattr

import tinycss2
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from paperbuild.errors import InputError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_ELEMENTS = 100_000
"""Elements written in the file (a dense scatter plot has tens of thousands)."""
MAX_DEPTH = 100
"""Nesting of elements, references followed (editors' files stay under 30)."""
MAX_INSTANCES = 200_000
"""Elements a renderer would draw once every reference is expanded."""
ELEMENTS = frozenset({
    "svg", "g", "defs", "desc", "title", "symbol", "use", "switch", "a", "style", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textPath", "image", "clipPath", "mask", "pattern", "marker",
    "linearGradient", "radialGradient", "stop", "filter", "feBlend", "feColorMatrix", "feComponentTransfer",
    "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow",
    "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
})  # fmt: skip
"""SVG 1.1's static elements: no script, animation, foreignObject or font loading."""
ATTRIBUTES = frozenset({
    "id", "class", "style", "transform", "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "x1", "y1", "x2",
    "y2", "d", "points", "pathLength", "viewBox", "preserveAspectRatio", "version", "fill", "fill-opacity",
    "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-dasharray", "stroke-dashoffset", "opacity", "color", "display", "visibility", "overflow", "clip",
    "font-family", "font-size", "font-size-adjust", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "direction", "unicode-bidi", "dx", "dy", "rotate", "textLength",
    "lengthAdjust", "startOffset", "method", "spacing", "side", "offset", "stop-color", "stop-opacity",
    "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy", "fr", "patternUnits", "patternContentUnits",
    "patternTransform", "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits", "filter",
    "filterUnits", "primitiveUnits", "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight",
    "markerUnits", "refX", "refY", "orient", "href", "shape-rendering", "text-rendering", "image-rendering",
    "color-interpolation", "color-interpolation-filters", "color-rendering", "flood-color", "flood-opacity",
    "lighting-color", "paint-order", "vector-effect", "mix-blend-mode", "isolation", "enable-background", "in",
    "in2", "result", "stdDeviation", "operator", "k1", "k2", "k3", "k4", "values", "type", "mode", "scale",
    "xChannelSelector", "yChannelSelector", "radius", "order", "kernelMatrix", "divisor", "bias", "targetX",
    "targetY", "edgeMode", "preserveAlpha", "surfaceScale", "specularConstant", "specularExponent", "diffuseConstant",
    "kernelUnitLength", "azimuth", "elevation", "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "z",
    "baseFrequency", "numOctaves", "seed", "stitchTiles", "tableValues", "slope", "intercept", "amplitude",
    "exponent", "media", "requiredFeatures", "systemLanguage",
})  # fmt: skip
"""Geometry, presentation and filter attributes; `href` (or `xlink:href`) only to a fragment or an image."""
EDITOR_NAMESPACES = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/",
    "http://www.bohemiancoding.com/sketch/ns",
)
"""Editors' own data (Inkscape, Illustrator, Sketch, RDF metadata): dropped without a word, no renderer draws it."""
SILENT = frozenset({"metadata"})
"""SVG elements dropped without a word: nothing draws them."""
IMAGE_DATA = re.compile(r"\s*data:image/(?:png|jpeg);base64,", re.IGNORECASE)
FRAGMENT_URL = re.compile(r"url\(\s*['\"]?\s*#([^'\")\s]+)")
LOCAL_REFERENCE = re.compile(r"\s*#(\S+)\s*$")
SVG_DATA_URI = re.compile(r"\s*data:image/svg\+xml(?P<parameters>[^,]*),(?P<payload>.*)", re.IGNORECASE | re.DOTALL)


class SvgRefused(ValueError):
    """An SVG that cannot be used safely; the message says why, to follow "the figure ..."."""


@dataclass(frozen=True)
class SafeSvg:
    """An SVG figure as it may go into the outputs."""

    data: bytes
    """The SVG written anew from what the allowlist keeps."""
    removed: tuple[str, ...]
    """What was taken out that could run code or load things ("<script>", "onload", "href 'http://e.org/x'"), in
    document order, each once."""


@lru_cache(maxsize=8)  # the checks and then the renderers ask for the same figures
def make_safe(data: bytes) -> SafeSvg:
    """`data` bounded and cleaned; raises SvgRefused when it cannot be used safely."""
    root = _parse(data)
    if root.tag == "svg":
        raise SvgRefused(f'is not in the SVG namespace (its <svg> needs xmlns="{SVG_NS}")')
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SvgRefused(f"is not an SVG image (its root element is <{_local(root.tag)}>)")
    removed: dict[str, None] = {}
    _clean(root, removed)
    _check_instances(root)  # on what is written out: removing an element can make another the target of its id
    return SafeSvg(_serialize(root).encode("utf-8"), tuple(removed))


def svg_of_data_uri(uri: str) -> bytes | None:
    """The SVG inside a `data:image/svg+xml` URI (base64 or percent-encoded); None for any other URI."""
    found = SVG_DATA_URI.match(uri)
    if found is None:
        return None
    payload = found.group("payload")
    if ";base64" not in found.group("parameters").lower():
        return unquote_to_bytes(payload)
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        return b""


def safe_data_uri(uri: str) -> str:
    """`uri` with the SVG it holds made safe (any other URI as it is); InputError when the SVG is refused (the
    checks stop a build before, so this is the guard for callers that render without them)."""
    svg = svg_of_data_uri(uri)
    return uri if svg is None else "data:image/svg+xml;base64," + base64.b64encode(safe_svg_bytes(svg, "")).decode()


def safe_svg_bytes(data: bytes, name: str) -> bytes:
    """The safe form of an SVG file's bytes; InputError naming the file (`name`) when it is refused."""
    try:
        return make_safe(data).data
    except SvgRefused as exc:
        raise InputError(f"the SVG figure {name or 'written in the text'} {exc}") from exc


def _parse(data: bytes) -> ET.Element:
    """The SVG's tree, read without entities or external references, stopping as soon as it is too large or too
    deep."""
    depth = count = 0
    root: ET.Element | None = None
    try:
        for event, element in iterparse(BytesIO(data), events=("start", "end")):
            if event == "end":
                depth -= 1
                continue
            root = element if root is None else root
            depth, count = depth + 1, count + 1
            if count > MAX_ELEMENTS:
                raise SvgRefused(f"has more than {MAX_ELEMENTS:,} elements")
            if depth > MAX_DEPTH:
                raise SvgRefused(f"nests elements more than {MAX_DEPTH} deep")
    except DefusedXmlException as exc:
        raise SvgRefused("declares XML entities or external references") from exc
    except ET.ParseError as exc:
        raise SvgRefused(f"is not well-formed XML ({exc})") from exc
    if root is None:
        raise SvgRefused("is empty")
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _references(element: ET.Element) -> list[str]:
    """The ids `element` refers to: its href to a fragment and its `url(#id)`s (attributes and a style sheet)."""
    found = []
    for name, value in element.attrib.items():
        if _local(name) == "href":
            local = LOCAL_REFERENCE.match(value)
            found += [local.group(1)] if local else []
        else:
            found += FRAGMENT_URL.findall(value)
    return found + FRAGMENT_URL.findall(element.text or "") if _local(element.tag) == "style" else found


def _check_instances(root: ET.Element) -> None:
    """Refuse an SVG whose references would make a renderer draw more than MAX_INSTANCES elements, nest deeper
    than MAX_DEPTH, or loop. Each element counts once plus its children plus every element it refers to (what a
    `<use>` instantiates; a gradient or pattern it paints with; every element holding the id, when several do);
    a style sheet's references may apply to every element. Iterative, memoised, stopped at the cap, so a bomb
    costs no more than its file's elements."""
    elements = list(root.iter())
    ids: dict[str, list[ET.Element]] = {}
    for element in elements:
        ids.setdefault(element.get("id", ""), []).append(element)
    size: dict[ET.Element, tuple[int, int]] = {}  # element -> (elements drawn, depth)
    in_progress: set[ET.Element] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, children_done = stack.pop()
        targets = [target for name in _references(element) for target in ids.get(name, [])]
        parts = [*element, *targets]
        if children_done:
            in_progress.discard(element)
            factor = len(elements) if _local(element.tag) == "style" else 1
            count = 1 + sum(size[p][0] for p in element) + factor * sum(size[t][0] for t in targets)
            depth = 1 + max((size[p][1] for p in parts), default=0)
            if count > MAX_INSTANCES:
                raise SvgRefused(f"draws more than {MAX_INSTANCES:,} elements once its <use> references are expanded")
            if depth > MAX_DEPTH:
                raise SvgRefused(f"nests more than {MAX_DEPTH} deep once its <use> references are expanded")
            size[element] = (count, depth)
        elif element not in size:
            if element in in_progress:
                raise SvgRefused(f"refers to itself through '#{element.get('id', '')}'")
            in_progress.add(element)
            stack.append((element, True))
            stack.extend((part, False) for part in parts if part not in size)


def _clean(element: ET.Element, removed: dict[str, None]) -> None:
    """Remove, in place, every child element and attribute not on the allowlists, noting the ones that matter."""
    for name, value in list(element.attrib.items()):
        problem = _attribute_problem(element.tag, name, value)
        if problem is not None:
            del element.attrib[name]
            if problem:
                removed[problem] = None
    sheet_problem = _css_problem(element.text or "", stylesheet=True) if _local(element.tag) == "style" else None
    if sheet_problem:
        removed[sheet_problem] = None
        element.text = ""
    for child in list(element):
        namespace, local = child.tag[1:].partition("}")[::2] if child.tag.startswith("{") else ("", child.tag)
        if namespace == SVG_NS and local in ELEMENTS:
            _clean(child, removed)
            continue
        element.remove(child)  # its tail, text after it, stays with the element before
        if not (namespace.startswith(EDITOR_NAMESPACES) or (namespace == SVG_NS and local in SILENT)):
            removed[f"<{local}>"] = None


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    """None to keep the attribute; "" to drop it without a word (an editor's or an unknown one); what to report
    when dropping it could matter (an event handler, an external reference)."""
    namespace, local = name[1:].partition("}")[::2] if name.startswith("{") else ("", name)
    if local.lower().startswith("on"):
        return f"{local}="
    if namespace == XML_NS:
        return None
    if local == "href" and namespace in ("", XLINK_NS):
        image = _local(tag) in ("image", "feImage") and IMAGE_DATA.match(value)
        return None if LOCAL_REFERENCE.match(value) or image else f"href '{value.strip()[:60]}'"
    if namespace or local not in ATTRIBUTES:
        return "" if namespace.startswith(EDITOR_NAMESPACES) or local not in ("src", "action", "data") else local
    return _css_problem(value, stylesheet=False) if "url(" in value.lower() or local == "style" else None


def _css_problem(css: str, *, stylesheet: bool) -> str | None:
    """What in CSS refers outside the file or imports: a `url()` other than `url(#id)`, an `@import` or
    `@font-face`; None when there is nothing of the kind. Read with tinycss2, so escapes (`\\75 rl(`) are
    decoded as a renderer decodes them."""
    nodes = tinycss2.parse_stylesheet(css) if stylesheet else tinycss2.parse_component_value_list(css)
    stack: list[object] = list(nodes)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", "")
        if kind == "at-rule" and getattr(node, "lower_at_keyword", "") in ("import", "font-face"):
            return f"@{getattr(node, 'at_keyword', '')}"
        if kind == "url" and not str(getattr(node, "value", "")).startswith("#"):
            return f"url({getattr(node, 'value', '')})"
        if kind == "function" and getattr(node, "lower_name", "") == "url":
            arguments = [a for a in getattr(node, "arguments", []) if getattr(a, "type", "") == "string"]
            if not all(str(getattr(a, "value", "")).startswith("#") for a in arguments):
                return f"url({', '.join(str(getattr(a, 'value', '')) for a in arguments)})"
        for child in ("prelude", "content", "arguments"):
            stack.extend(getattr(node, child, None) or [])
    return None


def _serialize(element: ET.Element, root: bool = True) -> str:
    """The element as SVG text: its own tag names without prefix, `xlink:href`, `xml:` attributes, and text
    escaped (ElementTree's writer would prefix every element with `ns0:`)."""
    attributes = []
    if root:
        attributes.append(f' xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"')
    for name, value in element.attrib.items():
        namespace, local = name[1:].partition("}")[::2] if name.startswith("{") else ("", name)
        prefix = {XLINK_NS: "xlink:", XML_NS: "xml:"}.get(namespace, "")
        attributes.append(f" {prefix}{local}={quoteattr(value)}")
    inner = escape(element.text or "") + "".join(
        _serialize(child, False) + escape(child.tail or "") for child in element
    )
    tag = _local(element.tag)
    return f"<{tag}{''.join(attributes)}>{inner}</{tag}>" if inner else f"<{tag}{''.join(attributes)}/>"
