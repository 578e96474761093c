"""Compare two versions of a paper's blocks: align their paragraphs, and within a changed paragraph, their words.

Takes two lists of Pandoc blocks (old and new, both numbered); gives new blocks in which inserted words are wrapped in
`<ins>` and deleted ones in `<del>` (raw HTML inlines), plus the counts of what changed. Blocks are cut into units
(a paragraph, heading, list, block quote, table, figure, code block), the units aligned with difflib by their text;
a unit that is unchanged keeps its full formatting, a changed paragraph is shown as text with its words compared,
a unit that only moved (a chapter renamed or reordered) is marked as moved, and a figure, table or code block that
changed is shown deleted, then inserted. No I/O.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from paperbuild.pandoc_ast import Node, copy_tree, div, para, plain, span, stringify, text, walk
from paperbuild.stats import CJK, count_words

TEXTUAL = frozenset({"Header", "Para", "Plain", "LineBlock", "BlockQuote"})
LISTS = frozenset({"BulletList", "OrderedList"})
TOKEN = re.compile(rf"(\s*)([{CJK}]|[^\W{CJK}]+(?:['’.\-][^\W{CJK}]+)*|\S)")
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "Figure": 0, "Table": 0, "Image": 0, "Link": 0, "Code": 0, "CodeBlock": 0}
SIMILAR = 0.5  # two paragraphs sharing at least this share of words are one paragraph edited


@dataclass(frozen=True)
class Unit:
    """A block as the comparison sees it."""

    block: Node
    """The block itself (a Div's blocks are units of their own)."""
    kind: str
    """What kind of block: `Para` (also for Plain), `Header2`, `BulletList`, `Figure`, ..."""
    text: str
    """Its text, footnotes left out."""
    notes: tuple[str, ...]
    """The text of each of its footnotes."""
    extra: str = ""
    """What else tells two versions apart: a digest of its images."""

    @property
    def key(self) -> tuple[str, str, tuple[str, ...], str]:
        """Equal keys mean the unit did not change."""
        return (self.kind, self.text, self.notes, self.extra)


@dataclass
class Counts:
    """What changed."""

    changed: int = 0
    """Units edited in place."""
    inserted: int = 0
    """Units only the new version has."""
    deleted: int = 0
    """Units only the old version had."""
    moved: int = 0
    """Units found unchanged elsewhere."""
    words_inserted: int = 0
    """Words marked inserted."""
    words_deleted: int = 0
    """Words marked deleted."""
    references_added: list[str] = field(default_factory=list)
    """Text of the reference entries only the new version has."""
    references_removed: list[str] = field(default_factory=list)
    """Text of the reference entries only the old version had."""


def _without_notes(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_notes(v) for v in value if not (isinstance(v, dict) and v.get("t") == "Note")]
    if isinstance(value, dict):
        return {k: _without_notes(v) for k, v in value.items()}
    return value


def unit(block: Node) -> Unit:
    """The unit of one block."""
    kind = block["t"]
    if kind == "Header":
        kind = f"Header{block['c'][0]}"
    elif kind == "Plain":
        kind = "Para"
    notes = tuple(stringify(n["c"]) for n in walk(block) if n["t"] == "Note")
    images = [n["c"][2][0] for n in walk(block) if n["t"] == "Image"]
    extra = hashlib.sha256("\0".join(images).encode()).hexdigest() if images else ""
    return Unit(block, kind, stringify(_without_notes(block)), notes, extra)


def units(blocks: list[Node]) -> list[Unit]:
    """The units of a list of blocks; a Div's blocks count one by one."""
    out: list[Unit] = []
    for block in blocks:
        if block["t"] == "Div":
            out += units(block["c"][1])
        else:
            out.append(unit(block))
    return out


def _tokens(text: str) -> list[str]:
    """Words, punctuation marks and CJK characters, the units that `word_diff` compares."""
    return [token for _, token in TOKEN.findall(text)]


def similarity(a: str, b: str) -> float:
    """Share of words (and CJK characters) two texts have in common (0 to 1)."""
    matcher = SequenceMatcher(None, _tokens(a), _tokens(b), autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= SIMILAR else 0.0


Change = tuple[str, "Unit | None", "Unit | None"]


def align(old: list[Unit], new: list[Unit]) -> list[Change]:
    """The two versions' units in the new version's order, each with what happened to it: `equal`, `changed`,
    `inserted`, `deleted`, `moved` (found unchanged elsewhere) or `moved-away` (its old place)."""
    matcher = SequenceMatcher(None, [u.key for u in old], [u.key for u in new], autojunk=False)
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += [("equal", o, n) for o, n in zip(old[i1:i2], new[j1:j2], strict=True)]
        else:
            changes += _pair(old[i1:i2], new[j1:j2])
    deleted = {id(c[1]): c[1] for c in changes if c[0] == "deleted" and c[1] is not None}
    by_key: dict[tuple[str, str, tuple[str, ...], str], list[int]] = {}
    for ident, gone in deleted.items():
        by_key.setdefault(gone.key, []).append(ident)
    moved_away: set[int] = set()
    for index, (what, _, n) in enumerate(changes):
        if what == "inserted" and n is not None and by_key.get(n.key):
            ident = by_key[n.key].pop(0)
            moved_away.add(ident)
            changes[index] = ("moved", deleted[ident], n)
    return [("moved-away", o, n) if w == "deleted" and id(o) in moved_away else (w, o, n) for w, o, n in changes]


def _pair(olds: list[Unit], news: list[Unit]) -> list[Change]:
    """Pair edited units in order (same kind, words mostly shared); the rest are deleted or inserted."""
    out: list[Change] = []
    start = 0
    for old_unit in olds:
        match = next(
            (
                k
                for k in range(start, len(news))
                if news[k].kind == old_unit.kind and similarity(old_unit.text, news[k].text) >= SIMILAR
            ),
            None,
        )
        if match is None:
            out.append(("deleted", old_unit, None))
            continue
        out += [("inserted", None, n) for n in news[start:match]]
        out.append(("changed", old_unit, news[match]))
        start = match + 1
    return out + [("inserted", None, n) for n in news[start:]]


def tagged(tag: str, words: str) -> list[Node]:
    """Plain words inside `<ins>` or `<del>` (`tag`)."""
    return [{"t": "RawInline", "c": ["html", f"<{tag}>"]}, *text(words), {"t": "RawInline", "c": ["html", f"</{tag}>"]}]


def word_diff(old: str, new: str, counts: Counts) -> list[Node]:
    """Inlines of `new` in which the words not in `old` are `<ins>` and the words of `old` not in `new` `<del>`,
    each deletion just before the insertion that replaces it."""
    old_tokens = TOKEN.findall(old)
    new_tokens = TOKEN.findall(new)
    matcher = SequenceMatcher(None, [t for _, t in old_tokens], [t for _, t in new_tokens], autojunk=False)
    out: list[Node] = []

    def joined(tokens: list[tuple[str, str]]) -> str:
        return tokens[0][1] + "".join(space[:1] + token for space, token in tokens[1:])

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            # after a deletion at the start, the old text's space separates the deleted words from these
            first = (new_tokens[j1][0] or (old_tokens[i1][0] if out else ""))[:1] + new_tokens[j1][1]
            out += text(first + "".join(space[:1] + token for space, token in new_tokens[j1 + 1 : j2]))
            continue
        lead = (old_tokens[i1][0] if i1 < i2 else new_tokens[j1][0])[:1]
        out += text(lead)
        if i1 < i2:
            gone = joined(old_tokens[i1:i2])
            counts.words_deleted += count_words(gone)
            out += tagged("del", gone)
        if j1 < j2:
            if i1 < i2:
                out += text(new_tokens[j1][0][:1])
            added = joined(new_tokens[j1:j2])
            counts.words_inserted += count_words(added)
            out += tagged("ins", added)
    return out


def _wrap(inlines: list[Node], tag: str) -> list[Node]:
    return [{"t": "RawInline", "c": ["html", f"<{tag}>"]}, *inlines, {"t": "RawInline", "c": ["html", f"</{tag}>"]}]


def marked(block: Node, tag: str, counts: Counts) -> Node:
    """A copy of `block` with all its text in `<ins>` or `<del>` (`tag`); blocks other than paragraphs and headings
    also in a Div of class `diff-inserted` or `diff-deleted`, so a table, figure or code block shows a bar."""
    block = copy_tree(block)
    words = count_words(stringify(block))
    if tag == "ins":
        counts.words_inserted += words
    else:
        counts.words_deleted += words
    for node in walk(block):
        if node["t"] in ("Para", "Plain"):
            node["c"] = _wrap(node["c"], tag)
        elif node["t"] == "Header":
            node["c"][2] = _wrap(node["c"][2], tag)
        elif node["t"] == "LineBlock":
            node["c"] = [_wrap(line, tag) for line in node["c"]]
    if block["t"] in ("Para", "Plain", "Header"):
        return block
    return div([block], classes=["diff-inserted" if tag == "ins" else "diff-deleted"])


def without_ids(block: Node) -> Node:
    """A copy of an old block without identifiers, so that they do not clash with the new version's."""
    block = copy_tree(block)
    for node in walk(block):
        if node["t"] in ATTR_AT and isinstance(node["c"], list):
            node["c"][ATTR_AT[node["t"]]][0] = ""
    return block


def moved(block: Node) -> Node:
    """The block marked as moved: its text in a `diff-moved` span, or, for other blocks, a `diff-moved` Div."""
    if block["t"] in ("Para", "Plain"):
        return {"t": block["t"], "c": [span(block["c"], ["diff-moved"])]}
    if block["t"] == "Header":
        level, attributes, inlines = block["c"]
        return {"t": "Header", "c": [level, attributes, [span(inlines, ["diff-moved"])]]}
    return div([block], classes=["diff-moved"])


def _changed_text(old: Unit, new: Unit, counts: Counts) -> Node:
    inlines = word_diff(old.text, new.text, counts)
    for index in range(max(len(old.notes), len(new.notes))):
        before = old.notes[index] if index < len(old.notes) else ""
        after = new.notes[index] if index < len(new.notes) else ""
        inlines.append({"t": "Note", "c": [para(word_diff(before, after, counts))]})
    block = new.block
    if block["t"] == "Header":
        return {"t": "Header", "c": [block["c"][0], block["c"][1], inlines]}
    if block["t"] == "BlockQuote":
        return {"t": "BlockQuote", "c": [para(inlines)]}
    return para(inlines)


def _items(block: Node) -> list[list[Node]]:
    return list(block["c"][1] if block["t"] == "OrderedList" else block["c"])


def _changed_list(old: Unit, new: Unit, counts: Counts) -> Node:
    """A list whose items are compared one by one."""
    old_items = [unit({"t": "Div", "c": [["", [], []], item]}) for item in _items(old.block)]
    new_items = [unit({"t": "Div", "c": [["", [], []], item]}) for item in _items(new.block)]
    items: list[list[Node]] = []
    for op, o, n in align(old_items, new_items):
        if op in ("equal", "moved") and n is not None:
            items.append(n.block["c"][1])
        elif op == "changed" and o is not None and n is not None:
            items.append([plain(word_diff(o.text, n.text, counts))])
        elif op == "inserted" and n is not None:
            items.append([marked(b, "ins", counts) for b in n.block["c"][1]])
        elif op == "deleted" and o is not None:
            items.append([marked(without_ids(b), "del", counts) for b in o.block["c"][1]])
    if new.block["t"] == "OrderedList":
        return {"t": "OrderedList", "c": [new.block["c"][0], items]}
    return {"t": "BulletList", "c": items}


def _rows(table: Node) -> list[list[Any]]:
    """The rows of a table (head, bodies, foot), each a list of cells."""
    _, _, _, head, bodies, foot = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    return [row[1] for row in rows]


def _caption(old: Node, new: Node, counts: Counts) -> None:
    """Mark, in place in `new` (a Figure or Table), the words of its caption that changed."""
    before, after = stringify(old["c"][1][1]), stringify(new["c"][1][1])
    if before != after:
        new["c"][1][1] = [plain(word_diff(before, after, counts))]


def _changed_captioned(old: Unit, new: Unit, counts: Counts) -> Node | None:
    """A table with the same rows and columns, compared cell by cell, or a figure with the same images whose
    caption changed; None for any other change."""
    block = copy_tree(new.block)
    if block["t"] == "Figure" and old.extra != new.extra:
        return None
    if block["t"] == "Table":
        old_rows, new_rows = _rows(old.block), _rows(block)
        if [len(r) for r in old_rows] != [len(r) for r in new_rows]:
            return None
        for old_row, new_row in zip(old_rows, new_rows, strict=True):
            for old_cell, new_cell in zip(old_row, new_row, strict=True):
                before, after = stringify(old_cell[4]), stringify(new_cell[4])
                if before != after:
                    new_cell[4] = [plain(word_diff(before, after, counts))]
    _caption(old.block, block, counts)
    return block


def compare(old_blocks: list[Node], new_blocks: list[Node], counts: Counts) -> list[Node]:
    """The new blocks with the changes from the old ones marked; `counts` is updated."""
    out: list[Node] = []
    for op, o, n in align(units(old_blocks), units(new_blocks)):
        if op == "equal" and n is not None:
            out.append(n.block)
        elif op == "moved" and n is not None:
            counts.moved += 1
            out.append(moved(n.block))
        elif op == "inserted" and n is not None:
            counts.inserted += 1
            out.append(marked(n.block, "ins", counts))
        elif op == "deleted" and o is not None:
            counts.deleted += 1
            out.append(marked(without_ids(o.block), "del", counts))
        elif op == "changed" and o is not None and n is not None:
            counts.changed += 1
            if o.block["t"] in TEXTUAL:
                out.append(_changed_text(o, n, counts))
            elif o.block["t"] in LISTS:
                out.append(_changed_list(o, n, counts))
            elif o.block["t"] in ("Table", "Figure") and (edited := _changed_captioned(o, n, counts)):
                out.append(edited)
            else:
                out += [marked(without_ids(o.block), "del", counts), marked(n.block, "ins", counts)]
    return out
