"""A journal's submission rules, checked like every other rule: word limits, keywords, references, figures, tables,
required sections and metadata.

Takes the journal profile the project uses (journal_profiles.py reads it: a shipped one by name, the project's
journal.yaml or metadata's `journal:` mapping) and the parsed manuscript; gives a Diagnostic for each breach, with the
severity the profile asks for (error unless it says `warning`), located at the metadata key it concerns or else at the
rule in the project's profile, or, for a shipped profile's rule, where the project chose that profile. The checks are
registered in the checks' registry (registry.py), last, so `check` and every build run them. Without a profile they
find nothing.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from paperbuild import safe_paths
from paperbuild.checks.registry import CheckContext, check
from paperbuild.diagnostics import Diagnostic
from paperbuild.journal_profiles import METADATA_ITEMS, PROFILE_FILE, Profile, Rule
from paperbuild.metadata import Author
from paperbuild.pandoc_ast import stringify
from paperbuild.safe_paths import METADATA
from paperbuild.stats import Stats, count
from paperbuild.words import ENGLISH

LIMITS = {  # rule -> (code, what the count says: one, several)
    "abstract-words": ("abstract-words", ("the abstract has {} word", "the abstract has {} words")),
    "body-words": ("body-words", ("the body has {} word", "the body has {} words")),
    "keywords": ("keyword-count", ("metadata.yaml lists {} keyword", "metadata.yaml lists {} keywords")),
    "references": ("reference-count", ("the reference list has {} entry", "the reference list has {} entries")),
    "figures": ("figure-count", ("the paper has {} figure", "the paper has {} figures")),
    "tables": ("table-count", ("the paper has {} table", "the paper has {} tables")),
}
METADATA_KEYS = {"abstract-words": "abstract", "keywords": "keywords"}
"""The rules that count a metadata key, and the key."""
AUTHOR_ITEMS = {"orcid": ("ORCID iD", "orcid: 0000-0002-1825-0097"), "email": ("e-mail address", "email: ...")}


@dataclass(frozen=True)
class _Facts:
    profile: Profile | None
    stats: Stats | None


_last: list[tuple[CheckContext, _Facts]] = []
_lock = threading.Lock()


def _facts(ctx: CheckContext) -> _Facts:
    """The profile and the counts, computed once per check run (every journal check asks for them)."""
    with _lock:
        if _last and _last[0][0] is ctx:
            return _last[0][1]
    profile = ctx.project.journal
    metadata = ctx.project.metadata
    stats = count(ctx.manuscript.ast, metadata.lang, len(metadata.keywords)) if profile and profile.rules else None
    facts = _Facts(profile, stats)
    with _lock:
        _last[:] = [(ctx, facts)]
    return facts


def _limit_check(rule_name: str) -> Any:
    code, (one, several) = LIMITS[rule_name]

    def run(ctx: CheckContext) -> list[Diagnostic]:
        facts = _facts(ctx)
        rule = facts.profile.rules.get(rule_name) if facts.profile else None
        if rule is None or facts.stats is None or facts.profile is None:
            return []
        value = _counted(rule_name, facts.stats)
        journal = facts.profile.name
        what = one if value == 1 else several
        if rule.maximum is not None and value > rule.maximum:
            message = f"{what.format(value)}; {journal} allows at most {rule.maximum}"
            hint = _hint(rule_name, facts.stats, value - rule.maximum)
        elif rule.minimum is not None and value < rule.minimum:
            message = f"{what.format(value)}; {journal} asks for at least {rule.minimum}"
            hint = _shortfall(rule_name, rule.minimum - value, value)
        else:
            return []
        path, line, named = _where(rule_name, rule, ctx)
        return [Diagnostic(path, line, 0, rule.severity, code, message + named, hint)]

    run.__doc__ = f"The profile's `{rule_name}` limit."
    return run


def _counted(rule_name: str, stats: Stats) -> int:
    return {
        "abstract-words": stats.abstract_words,
        "body-words": stats.body_words,
        "keywords": stats.keywords,
        "references": stats.references,
        "figures": stats.figures,
        "tables": stats.tables,
    }[rule_name]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _hint(rule_name: str, stats: Stats, excess: int) -> str:
    if rule_name == "body-words":
        longest = sorted(stats.sections, key=lambda s: -s.words)[:2]
        names = ", ".join(f"'{s.title}' ({s.words})" for s in longest)
        return f"cut {_plural(excess, 'word')}; the longest sections are {names}"
    if rule_name == "abstract-words":
        return f"cut {_plural(excess, 'word')}"
    if rule_name == "keywords":
        return f"remove {_plural(excess, 'keyword')}"
    if rule_name == "references":
        return f"cite {_plural(excess, 'source')} fewer"
    kind = "figure" if rule_name == "figures" else "table"
    return f"merge or remove {_plural(excess, kind)}, or move them to the supplementary material"


def _shortfall(rule_name: str, missing: int, value: int) -> str:
    if value == 0 and rule_name in METADATA_KEYS:
        return f"add '{METADATA_KEYS[rule_name]}: ...' to metadata.yaml"
    return f"add {_plural(missing, 'more word' if rule_name == 'abstract-words' else 'more keyword')}"


def _where(rule_name: str, rule: Rule, ctx: CheckContext) -> tuple[str, int, str]:
    """Where a breach is shown, and the words naming a shipped profile's rule (see `_chosen`): the metadata key it
    concerns (metadata.yaml when the key is missing), else the rule."""
    metadata = ctx.project.metadata
    key = METADATA_KEYS.get(rule_name)
    if key:
        return ctx.project.metadata_file, metadata.lines.get(key, 0), ""
    return _chosen(rule, rule.line, ctx)


def _chosen(rule: Rule, line: int, ctx: CheckContext) -> tuple[str, int, str]:
    """Where a breach of `rule` (its item at `line`) is shown, and the words naming the rule. A rule the project
    wrote (journal.yaml, metadata's `journal:` mapping) is shown where it is written. A shipped profile's rule is
    shown where the researcher chose that profile, which they can change (the file installed with paperbuild
    they cannot): metadata's `journal: NAME`, else journal.yaml's `extends: NAME`, else the `--journal` option."""
    profile = ctx.project.journal
    name = profile.shipped[0][0] if profile is not None and profile.shipped else ""
    metadata_file = ctx.project.metadata_file
    if not name or rule.path in (PROFILE_FILE, metadata_file):
        return rule.path, line, ""
    named = f" (the rule '{rule.name}' of the {name} profile)"
    journal_line = ctx.project.metadata.lines.get("journal", 0)
    written = ctx.project.metadata_source.text.splitlines()
    if journal_line and re.search(rf"journal:\s*['\"]?{re.escape(name)}\b", written[journal_line - 1]):
        return metadata_file, journal_line, named
    data = safe_paths.read(ctx.project.root / PROFILE_FILE, (ctx.project.root,), METADATA)
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else ""
    extends = re.search(rf"^extends:\s*['\"]?{re.escape(name)}\b", text, re.MULTILINE)
    if extends:
        return PROFILE_FILE, text.count("\n", 0, extends.start()) + 1, named
    return f"--journal {name}", 0, named


for _rule in LIMITS:
    check(LIMITS[_rule][0])(_limit_check(_rule))


def _normalize(title: str) -> str:
    return " ".join(title.casefold().replace("&", "and").split()).strip(" .:")


def _printed_sections(ctx: CheckContext) -> set[str]:
    """The headings of the sections the build writes from metadata (acknowledgements, funding, the authors'
    contributions from their CRediT roles), as the style prints them and in English; none under an anonymous style,
    which prints none of them."""
    metadata = ctx.project.metadata
    if ctx.project.style.anonymous:
        return set()
    printed = {
        "acknowledgements": bool(metadata.acknowledgements),
        "funding": bool(metadata.funding),
        "contributions": any(author.roles for author in metadata.authors),
    }
    labels = (ENGLISH.labels, ctx.project.style.words(metadata.lang).labels)
    return {_normalize(words[part]) for part, shown in printed.items() if shown for words in labels}


@check("required-section")
def required_section(ctx: CheckContext) -> list[Diagnostic]:
    """A section the profile requires that no heading names (`A | B` accepts either, case does not matter); a
    section the build writes from metadata (`funding:` prints "Funding", authors' `roles` "Author contributions")
    counts as a heading."""
    facts = _facts(ctx)
    rule = facts.profile.rules.get("required-sections") if facts.profile else None
    if rule is None or facts.profile is None:
        return []
    headings = {_normalize(stringify(node["c"][2])) for node in ctx.manuscript.ast["blocks"] if node["t"] == "Header"}
    headings |= _printed_sections(ctx)
    out = []
    for item, line in rule.items:
        choices = [choice.strip() for choice in item.split("|") if choice.strip()]
        if not any(_normalize(choice) in headings for choice in choices):
            wanted = " or ".join(f"'{c}'" for c in choices)
            path, shown_line, named = _chosen(rule, line, ctx)
            out.append(
                Diagnostic(
                    path,
                    shown_line,
                    0,
                    rule.severity,
                    "required-section",
                    f"no section {wanted}; {facts.profile.name} requires it{named}",
                    f"add a heading '# {choices[0]}' to a chapter",
                )
            )
    return out


def corresponding_authors(authors: tuple[Author, ...]) -> tuple[Author, ...]:
    """The authors marked `corresponding: true`; the first author when none is marked."""
    marked = tuple(a for a in authors if a.corresponding)
    return marked or authors[:1]


@check("required-metadata")
def required_metadata(ctx: CheckContext) -> list[Diagnostic]:
    """Metadata the profile requires and metadata.yaml lacks (an ORCID iD or e-mail for the corresponding author,
    a funding statement, ...)."""
    facts = _facts(ctx)
    rule = facts.profile.rules.get("required-metadata") if facts.profile else None
    if rule is None or facts.profile is None:
        return []
    metadata = ctx.project.metadata
    journal = facts.profile.name
    severity = rule.severity
    author_line = metadata.lines.get("authors", metadata.lines.get("author", 0))

    def breach(line: int, message: str, hint: str) -> Diagnostic:
        return Diagnostic(ctx.project.metadata_file, line, 0, severity, "required-metadata", message, hint)

    out = []
    for item, _ in rule.items:
        if item not in ("orcid", "email"):
            if not getattr(metadata, item):
                out.append(
                    breach(
                        metadata.lines.get(item, 0),
                        f"{journal} requires {METADATA_ITEMS[item]}, and metadata.yaml has none",
                        f"add '{item}: ...' to metadata.yaml",
                    )
                )
            continue
        authors = corresponding_authors(metadata.authors)
        if not authors:
            out.append(
                breach(
                    author_line,
                    f"{journal} requires {METADATA_ITEMS[item]}, and metadata.yaml lists no authors",
                    "add 'authors:' to metadata.yaml",
                )
            )
        for author in authors:
            if not (author.orcid if item == "orcid" else author.email):  # an invalid ORCID iD: metadata.py says so
                what, example = AUTHOR_ITEMS[item]
                out.append(
                    breach(
                        author.line or author_line,
                        f"the corresponding author '{author.name}' has no {what}; {journal} requires one",
                        f"add '{example}' (the real one) to the author",
                    )
                )
    return out
