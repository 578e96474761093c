"""What other tools' papers write as text that a paperbuild project says otherwise: hand numbers and the abstract.

Takes a chapter's bytes, or the new project's files; gives the chapter with its headings' hand-written numbers
taken off (`## 1. Introduction` -> `## Introduction`: paperbuild numbers every section itself, so the number would
print twice, "1. 1. Introduction", and a journal's required-section rule looks for "Introduction"), and the text of
an `Abstract` heading that opens the paper, moved out of the chapters (it is the metadata's `abstract`, which every
format sets apart; as a chapter it was section "1. Abstract"): its paragraphs but those that are only an HTML comment
(which print nothing) or TeX layout commands (`\\pagenumbering{roman}`, left in the chapter, where check notes them).
Fenced code is left as it is.
"""

from __future__ import annotations

import re

FENCE = re.compile(rb"^ {0,3}(`{3,}|~{3,})")
HAND_NUMBER = re.compile(rb"^( {0,3}#{1,6}[ \t]+)(?:\d+\.)+\d*[ \t]+(?=\S)")  # 1. / 2.1 / 2.1. ; not "2020 in"
HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
LAYOUT = re.compile(r"(?:[ \t]*\\[a-zA-Z]+\*?(?:\[[^\]\n]*\]|\{[^{}\n]*(?:\{[^{}\n]*\}[^{}\n]*)*\})*[ \t]*(?:\n|$))+$")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)  # a paragraph that is only a comment prints nothing
ABSTRACT = re.compile(r"^ {0,3}#{1,6}[ \t]+abstract[ \t]*#*[ \t]*(?:\{[^{}\n]*\})?[ \t]*$", re.IGNORECASE)


def outside_code(lines: list[str] | list[bytes]) -> list[bool]:
    """For each line, whether it lies outside fenced code (a fence line counts as inside)."""
    outside, fence = [], ""
    for line in lines:
        raw = line.encode() if isinstance(line, str) else line
        match = FENCE.match(raw)
        if fence:
            outside.append(False)
            if match and match.group(1)[:1] == fence[:1] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            outside.append(False)
            fence = match.group(1).decode()
        else:
            outside.append(True)
    return outside


def unnumber(body: bytes) -> bytes:
    """`body` with the hand-written numbers of its ATX headings taken off."""
    lines = body.splitlines(keepends=True)
    return b"".join(
        HAND_NUMBER.sub(rb"\1", line) if outside else line
        for line, outside in zip(lines, outside_code(lines), strict=True)
    )


def lift_abstract(files: dict[str, bytes]) -> str:
    """The abstract when the first chapter opens with an `Abstract` heading: its text up to the next heading,
    taken out of `files` (the chapter too, when nothing else is left in it); "" when the paper opens otherwise."""
    chapters = sorted(rel for rel in files if rel.startswith("manuscript/") and rel.endswith(".md"))
    if not chapters:
        return ""
    lines = files[chapters[0]].decode("utf-8", "replace").splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or not ABSTRACT.match(lines[start]):
        return ""
    outside = outside_code(lines)
    end = next((n for n in range(start + 1, len(lines)) if outside[n] and HEADING.match(lines[n])), len(lines))
    paragraphs = re.split(r"\n[ \t]*\n", "".join(lines[start + 1 : end]).strip())
    abstract = "\n\n".join(p for p in paragraphs if p and not LAYOUT.match(p) and not COMMENT.fullmatch(p))
    if not abstract:
        return ""
    kept = "\n\n".join(p for p in paragraphs if LAYOUT.match(p))  # TeX layout commands: check notes them there
    rest = (kept + "\n\n" if kept else "") + "".join(lines[end:])
    if rest.strip():
        files[chapters[0]] = rest.encode("utf-8")
    else:
        del files[chapters[0]]
    return abstract
