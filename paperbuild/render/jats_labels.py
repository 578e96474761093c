"""The labels of pandoc's JATS: the numbers crossref.py printed, taken out of titles and captions into `label`s.

Takes the JATS tree jats_tree.py completes; changes it in place: a section's number becomes the `label` of its
`sec`, "Figure 1." and "Table 1." the `label` of their `fig` and `table-wrap` (a table's id moves to its wrapper),
a listing (listings.py) a `boxed-text` of content-type "listing" with its label, caption and code, and a numbered
equation its `disp-formula` with the label and the id. Also the small tree edits jats_tree.py shares: taking an
element out with its tail kept, and an element's visible text.
"""

from __future__ import annotations

from typing import Any

from lxml import etree


def remove(element: Any, keep_children: bool = False) -> None:
    """Take `element` out of the tree; its tail stays in place, and, with `keep_children`, its text and children
    take its place."""
    parent, before = element.getparent(), element.getprevious()
    append_after(parent, before, element.text or "" if keep_children else "")
    children = list(element) if keep_children else []
    for child in children:
        element.addprevious(child)
    append_after(parent, children[-1] if children else before, element.tail or "")
    parent.remove(element)


def append_after(parent: Any, before: Any, text: str) -> None:
    """Add `text` after `before` (a child of `parent`), or at the start of `parent`'s content when None."""
    if before is not None:
        before.tail = (before.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def lead_label(container: Any, content_type: str) -> str:
    """Take the first `named-content` of `content_type` out of `container` (a title or a caption); its text, less
    the closing full stop; "" when there is none. The space after it goes too."""
    found = next(iter(container.iterfind(f".//named-content[@content-type='{content_type}']")), None)
    if found is None:
        return ""
    label = text_of(found).rstrip(".")
    parent, before = found.getparent(), found.getprevious()
    found.tail = (found.tail or "").lstrip()
    remove(found)
    if before is None and parent.text is not None:
        parent.text = parent.text.lstrip()
    return label


def label_element(text: str) -> Any:
    element = etree.Element("label")
    element.text = text
    return element


def _number_sections(root: Any) -> None:
    for title in root.iterfind(".//sec/title"):
        label = lead_label(title, "header-section-number")
        if label:
            title.addprevious(label_element(label))


def _number_floats(root: Any) -> None:
    """Figures and tables: "Figure 1." leaves the caption for the label; a table's id moves to its table-wrap."""
    for wrapper in [*root.iter("fig"), *root.iter("table-wrap")]:
        caption = wrapper.find("caption")
        label = lead_label(caption, "caption-label") if caption is not None else ""
        if caption is not None and not text_of(caption) and not len(caption.xpath(".//*[not(self::p)]")):
            wrapper.remove(caption)
        if label:
            wrapper.insert(0, label_element(label))
        table = wrapper.find("table")
        if wrapper.tag == "table-wrap" and table is not None and table.get("id"):
            wrapper.set("id", table.attrib.pop("id"))


def _number_listings(root: Any) -> None:
    """A listing (listings.py's Div: a caption Div, then the code) becomes a boxed-text of content-type "listing"
    holding its label "Listing 1", its caption and its code; pandoc's writer nested the caption in a boxed-text."""
    for box in list(root.iter("boxed-text")):
        inner = box[0] if len(box) and box[0].tag == "boxed-text" else None
        paragraph = inner[0] if inner is not None and len(inner) == 1 and inner[0].tag == "p" else None
        label = lead_label(paragraph, "caption-label") if paragraph is not None else ""
        if paragraph is None or not label:
            continue
        box.set("content-type", "listing")
        box.remove(inner)
        caption = etree.Element("caption")
        if text_of(paragraph):
            paragraph.tail = None
            caption.append(paragraph)
            box.insert(0, caption)
        box.insert(0, label_element(label))


def _number_equations(root: Any) -> None:
    """A numbered equation (a named-content of the formula and its number) becomes its disp-formula, carrying
    the label and the id."""
    for holder in list(root.iterfind(".//named-content[@content-type='equation']")):
        formula = holder.find(".//disp-formula")
        if formula is None:
            continue
        number = holder.find(".//named-content[@content-type='equation-number']")
        if number is not None:
            formula.insert(0, label_element(text_of(number)))
        if holder.get("id"):
            formula.set("id", holder.get("id"))
        formula.tail = holder.tail
        holder.addprevious(formula)
        holder.getparent().remove(holder)


def number_labels(root: Any) -> None:
    """Sections, figures, tables, listings and equations get the labels their numbers were printed as."""
    _number_sections(root)
    _number_floats(root)
    _number_listings(root)
    _number_equations(root)
