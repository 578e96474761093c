"""Read metadata.yaml's publication record: the `license`, the `history` dates and `funding` given as funders.

Takes the composed nodes of the top-level `license`, `history` and `funding` keys and a MetadataReader; gives a
License (a known short name such as `CC-BY-4.0` mapped to its URL and name, or the author's own `{url, text}`), the
history as (event, date) pairs in the order received, revised, accepted, and Funders (`funding: [{funder,
funder-id, award}]`); the reader holds a Diagnostic, at its line, for an unknown licence name (with the closest
known one), a mapping without `url`, an event that is no ISO 8601 date, a funder without a name, a funder id that
is no Crossref Funder ID.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import yaml

from paperbuild.diagnostics import did_you_mean
from paperbuild.metadata_reader import MetadataReader

CREATIVE_COMMONS = {
    "CC-BY-4.0": ("by/4.0", "Creative Commons Attribution 4.0 International"),
    "CC-BY-SA-4.0": ("by-sa/4.0", "Creative Commons Attribution-ShareAlike 4.0 International"),
    "CC-BY-ND-4.0": ("by-nd/4.0", "Creative Commons Attribution-NoDerivatives 4.0 International"),
    "CC-BY-NC-4.0": ("by-nc/4.0", "Creative Commons Attribution-NonCommercial 4.0 International"),
    "CC-BY-NC-SA-4.0": ("by-nc-sa/4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International"),
    "CC-BY-NC-ND-4.0": ("by-nc-nd/4.0", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International"),
}
KNOWN_LICENSES = {
    name: (f"https://creativecommons.org/licenses/{path}/", title) for name, (path, title) in CREATIVE_COMMONS.items()
}
KNOWN_LICENSES["CC0-1.0"] = ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0 Universal")
"""SPDX identifier -> (the licence's URL, its name): the licences open-access journals publish under."""
LICENSE_KEYS = ("url", "text")
FUNDER_KEYS = ("funder", "funder-id", "award")
FUNDER_ID = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?(10\.13039/\w+)$")
"""A Crossref Funder ID, a DOI under 10.13039 (https://doi.org/10.13039/501100001809 or the DOI alone)."""
HISTORY_EVENTS = ("received", "revised", "accepted")
"""The history's events, in the order they happen and are printed (JATS's `date-type`s)."""


@dataclass(frozen=True)
class License:
    """The licence the paper is published under."""

    url: str
    """The licence's URL (JATS4R: `ali:license_ref`)."""
    text: str
    """What is printed: the author's words (`{url, text}`), or the known licence's name."""
    known: bool = False
    """Whether `text` is the known licence's name (the pipeline's words, not the author's)."""


def read_license(reader: MetadataReader, node: yaml.Node) -> License | None:
    """The licence `license` names: an SPDX identifier paperbuild knows, or `{url, text}`; None when it is wrong."""
    if isinstance(node, yaml.ScalarNode):
        name = reader.string(node, "license").strip()
        known = {key.casefold(): key for key in KNOWN_LICENSES}
        if name.casefold() in known:
            url, title = KNOWN_LICENSES[known[name.casefold()]]
            return License(url, title, known=True)
        hint = did_you_mean(name, list(KNOWN_LICENSES)) or f"known: {', '.join(KNOWN_LICENSES)}"
        reader.report(node, "metadata", f"unknown licence '{name}'", f"{hint}; or give '{{url: ..., text: ...}}'")
        return None
    fields = reader.mapping(node, "license", LICENSE_KEYS)
    url, text = (reader.string(fields[key], key).strip() if key in fields else "" for key in LICENSE_KEYS)
    if not url.startswith(("https://", "http://")):
        reader.report(fields.get("url", node), "metadata", "a licence needs the 'url' of its text", "url: https://...")
        return None
    return License(url, text)


def read_history(reader: MetadataReader, node: yaml.Node) -> tuple[tuple[str, datetime.date], ...]:
    """The `history` dates (`received`, `revised`, `accepted`: ISO 8601, 2026-01-05), in the order they happen."""
    fields = reader.mapping(node, "history", HISTORY_EVENTS)
    dates: dict[str, datetime.date] = {}
    for event, value in fields.items():
        if event not in HISTORY_EVENTS:
            continue
        written = str(value.value).strip() if isinstance(value, yaml.ScalarNode) else ""
        try:
            dates[event] = datetime.date.fromisoformat(written)
        except ValueError:
            shown = f"'{written}'" if written else "this"
            reader.report(value, "metadata", f"history '{event}': {shown} is no date", "write it as 2026-01-05")
    return tuple((event, dates[event]) for event in HISTORY_EVENTS if event in dates)


@dataclass(frozen=True)
class Funder:
    """One funder of the work, and the grant it gave (JATS4R's award-group)."""

    funder: str
    """The funding institution's name, as printed."""
    funder_id: str = ""
    """Its Crossref Funder ID, a DOI: 10.13039/501100001809."""
    award: str = ""
    """The grant's number."""


def read_funders(reader: MetadataReader, node: yaml.Node) -> tuple[Funder, ...]:
    """The funders a `funding` list gives, each `{funder, funder-id, award}` (only `funder` required)."""
    funders = []
    for entry in reader.sequence(node, "funding"):
        fields = reader.mapping(entry, "funding", FUNDER_KEYS)
        funder, funder_id, award = (
            reader.string(fields[key], key).strip() if key in fields else "" for key in FUNDER_KEYS
        )
        match = FUNDER_ID.match(funder_id)
        if funder_id and match is None:
            hint = "a Crossref Funder ID reads 10.13039/501100001809; find it at search.crossref.org/funding"
            reader.report(fields["funder-id"], "metadata", f"funder id '{funder_id}' is no Crossref Funder ID", hint)
        if not funder:
            reader.report(entry, "metadata", "a funding entry has no 'funder'", "name it: 'funder: ...'")
        else:
            funders.append(Funder(funder, match.group(1) if match else "", award))
    return tuple(funders)
