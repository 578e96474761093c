"""Read metadata.yaml's publication record: the `license` the paper is published under and its `history` dates.

Takes the composed nodes of the top-level `license` and `history` keys and a MetadataReader; gives a License (a
known short name such as `CC-BY-4.0` mapped to its URL and name, or the author's own `{url, text}`) and the history
as (event, date) pairs in the order received, revised, accepted; the reader holds a Diagnostic, at its line, for an
unknown licence name (with the closest known one), a mapping without `url`, an event that is no ISO 8601 date.
"""

from __future__ import annotations

import datetime
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
