"""The publication record in JATS: metadata's history dates and licence, where the DTD puts them in article-meta.

Takes pandoc's article-meta element (jats_tree.py) and the Metadata; adds, in place, `history` (a `date` of each
`date-type` with its `iso-8601-date`) and `permissions/license` with the licence's `ali:license_ref` and its
printed words as `license-p`, and each affiliation's country code (`country="CN"`), as JATS4R recommends.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from paperbuild.metadata import Metadata

ALI = "http://www.niso.org/schemas/ali/1.0/"
"""NISO's Access and License Indicators, whose `license_ref` JATS4R asks for."""
AFTER_PERMISSIONS = ("self-uri", "related-article", "related-object", "abstract", "trans-abstract", "kwd-group")
"""What follows `history` and `permissions` in article-meta (the DTD's order); funding-group comes later still."""


def publication_record(meta: Any, metadata: Metadata) -> None:
    """The history's dates (`date date-type` with `iso-8601-date`) and the licence as `permissions/license` with
    its `ali:license_ref` and the printed words as `license-p` (JATS4R), where the DTD puts them."""
    elements = []
    if metadata.history:
        history = etree.Element("history")
        for event, date in metadata.history:
            element = etree.SubElement(history, "date", {"date-type": event, "iso-8601-date": date.isoformat()})
            for part, value in (("day", f"{date.day:02d}"), ("month", f"{date.month:02d}"), ("year", str(date.year))):
                etree.SubElement(element, part).text = value
        elements.append(history)
    licence = metadata.license
    if licence is not None:
        permissions = etree.Element("permissions")
        element = etree.SubElement(permissions, "license")
        etree.SubElement(element, f"{{{ALI}}}license_ref").text = licence.url
        etree.SubElement(element, "license-p").text = licence.text or licence.url
        elements.append(permissions)
    following = [child for child in meta if child.tag in AFTER_PERMISSIONS]
    for element in elements:
        if following:
            following[0].addprevious(element)
        else:
            meta.append(element)
    if licence is not None:  # the namespace declared on article, where the DTD allows it
        etree.cleanup_namespaces(meta.getroottree(), top_nsmap={"ali": ALI})


def country_codes(meta: Any, metadata: Metadata) -> None:
    """Each affiliation's `country` element given its ISO 3166-1 code (`country="CN"`), when it is known."""
    marks = metadata.affiliation_marks()
    for affiliation in metadata.affiliations:
        code = affiliation.iso_country
        country = meta.find(f".//aff[@id='aff-{marks.get(affiliation.id)}']/country")
        if code and country is not None:
            country.set("country", code)
