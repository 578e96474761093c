"""What other tools' papers write as text that a paperbuild project says otherwise: hand numbers and the abstract.

Takes a chapter's bytes, or the new project's files; gives the chapter with its headings' hand-written numbers
taken off (`## 1. Introduction` -> `## Introduction`: paperbuild numbers every section itself, so the number would
print twice, "1. 1. Introduction", and a journal's required-section rule looks for "Introduction"), and the text of
an `Abstract` (摘要) heading that opens the paper, with its keywords, moved out of the chapters (it is the
metadata's `abstract`, which every format sets apart; as a chapter it was section "1. Abstract"): its paragraphs but
those that are only an HTML comment (which print nothing) or TeX layout commands (`\\pagenumbering{roman}`, left in
the chapter, where check notes them). Fenced code is left as it is. And whether the chapters are written in Chinese
(a paper without `lang` then gets `lang: zh`, so its cross-references read 式 (1), not 式 Eq. (1)).
"""

from __future__ import annotations

import re

FENCE = re.compile(rb"^ {0,3}(`{3,}|~{3,})")
HAND_NUMBER = re.compile(rb"^( {0,3}#{1,6}[ \t]+)(?:\d+\.)+\d*[ \t]+(?=\S)")  # 1. / 2.1 / 2.1. ; not "2020 in"
HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
ATX_LEVEL = re.compile(r"^( {0,3})(#{1,6})(?=[ \t\r\n]|$)")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*\r?$")
LAYOUT = re.compile(r"(?:[ \t]*\\[a-zA-Z]+\*?(?:\[[^\]\n]*\]|\{[^{}\n]*(?:\{[^{}\n]*\}[^{}\n]*)*\})*[ \t]*(?:\n|$))+$")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)  # a paragraph that is only a comment prints nothing
SPACING = r"(?:[ \t\u3000]|\\[A-Za-z]+\{[^{}\n]*\})*"  # 摘　要, and the CQU template's 摘\Space{4}要


def _heading(title: str) -> re.Pattern[str]:
    """An ATX heading whose text is `title` (a regex), with closing #s or attributes (`{-}`) after it."""
    return re.compile(rf"^ {{0,3}}#{{1,6}}[ \t]+(?:{title})[ \t]*#*[ \t]*(?:\{{[^{{}}\n]*\}})?[ \t]*$", re.IGNORECASE)


ABSTRACT = _heading(rf"abstract|(?:内容|中文)?摘{SPACING}要")
KEYWORDS_HEADING = _heading(rf"key[ \t]*words|关{SPACING}键{SPACING}[词字]")
KEYWORDS_LINE = re.compile(
    r"^[*_]{0,2}(?:key[ \t]*words|关键[词字])[*_]{0,2}[ \t]*[:：][*_]{0,2}[ \t]*(.+)$", re.I | re.S
)
"""A paragraph of the abstract that lists its keywords: `**关键词**：a；b` or `Keywords: a, b`."""
SEPARATORS = re.compile(r"[,;，；、]")
MATTER = re.compile(r"^[ \t]*\\(front|main|back)matter\b")
UNNUMBERED = re.compile(r"\{[^{}]*(?:\.unnumbered|(?<![\w-])-(?![\w-]))[^{}]*\}[ \t]*$")
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
LATIN = re.compile(r"[A-Za-z]")
OTHER_CJK = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")  # kana, Hangul


def outside_code(lines: list[str] | list[bytes]) -> list[bool]:
    """For each line, whether it lies outside fenced code (a fence line counts as inside)."""
    outside, fence = [], ""
    for line in lines:
        raw = line.encode() if isinstance(line, str) else line
        match = FENCE.match(raw)
        if fence:
            outside.append(False)
            closer = match is not None and not raw[match.end() :].strip()  # a closing fence has no info string
            if closer and match and match.group(1).decode()[:1] == fence[:1] and len(match.group(1)) >= len(fence):
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


def unnumber_front_matter(files: dict[str, bytes]) -> None:
    """Mark unnumbered (`{-}`) the headings of the chapters before a `\\mainmatter` line and after a `\\backmatter`
    line, as LaTeX's book class leaves them (a thesis' Abstract and Preface were sections "1." and "2.")."""
    chapters = sorted(rel for rel in files if rel.startswith("manuscript/") and rel.endswith(".md"))
    texts = {rel: files[rel].decode("utf-8", "replace").splitlines(keepends=True) for rel in chapters}
    if not any(MATTER.match(line) and "mainmatter" in line for lines in texts.values() for line in lines):
        return
    numbered = False
    for rel in chapters:
        lines = texts[rel]
        for n, (line, outside) in enumerate(zip(lines, outside_code(lines), strict=True)):
            matter = MATTER.match(line)
            if matter:
                numbered = matter.group(1) == "main"
            elif outside and not numbered and HEADING.match(line) and not UNNUMBERED.search(line):
                lines[n] = _unnumbered(line)
        files[rel] = "".join(lines).encode("utf-8")


def promote_sections(files: dict[str, bytes]) -> int:
    """Move every ATX heading of the chapters up by the levels none of them uses (Manubot, and many Quarto and JOSS
    papers, write their sections as `##` under a title of level 1, which paperbuild prints from the metadata: as
    they were, the sections were numbered 0.1, 0.2). Nothing moves when a chapter has a level-1 heading or a setext
    one (underlined: its level is not written with #s). Gives the number of levels moved."""
    chapters = sorted(rel for rel in files if rel.startswith("manuscript/") and rel.endswith(".md"))
    texts = {rel: files[rel].decode("utf-8", "replace").splitlines(keepends=True) for rel in chapters}
    levels = []
    for lines in texts.values():
        for n, (line, outside) in enumerate(zip(lines, outside_code(lines), strict=True)):
            if not outside:
                continue
            if n and SETEXT_UNDERLINE.match(line) and lines[n - 1].strip() and outside_code(lines[n - 1 : n])[0]:
                return 0  # an underlined heading (or a rule after a paragraph, which pandoc reads as one)
            match = ATX_LEVEL.match(line)
            if match:
                levels.append(len(match.group(2)))
    shift = min(levels, default=1) - 1
    if shift <= 0:
        return 0
    for rel, lines in texts.items():
        files[rel] = "".join(
            ATX_LEVEL.sub(lambda m: m.group(1) + "#" * (len(m.group(2)) - shift), line, count=1) if outside else line
            for line, outside in zip(lines, outside_code(lines), strict=True)
        ).encode("utf-8")
    return shift


def _unnumbered(heading: str) -> str:
    """An ATX heading line with the unnumbered class added to its attributes (or `{-}` when it has none)."""
    body = heading.rstrip("\r\n")
    end = heading[len(body) :]
    attributes = re.search(r"\{([^{}]*)\}[ \t]*$", body)
    if attributes:
        return f"{body[: attributes.start()]}{{{attributes.group(1).strip()} .unnumbered}}{end}"
    return f"{body.rstrip()} {{-}}{end}"


def lift_abstract(files: dict[str, bytes]) -> tuple[str, list[str]]:
    """The abstract and keywords when the first chapter opens with an `Abstract` (or 摘要) heading: its text up to
    the next heading, and the keywords of a paragraph `Keywords: a, b` in it or of a `Keywords` (关键词) section
    right after it, taken out of `files` (the chapter too, when nothing else is left in it); ("", []) when the paper
    opens otherwise."""
    chapters = sorted(rel for rel in files if rel.startswith("manuscript/") and rel.endswith(".md"))
    if not chapters:
        return "", []
    lines = files[chapters[0]].decode("utf-8", "replace").splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or not ABSTRACT.match(lines[start]):
        return "", []
    outside = outside_code(lines)
    end = next((n for n in range(start + 1, len(lines)) if outside[n] and HEADING.match(lines[n])), len(lines))
    paragraphs = re.split(r"\n[ \t]*\n", "".join(lines[start + 1 : end]).strip())
    keywords = [p for p in paragraphs if KEYWORDS_LINE.match(p)]
    if end < len(lines) and KEYWORDS_HEADING.match(lines[end]):
        after = next((n for n in range(end + 1, len(lines)) if outside[n] and HEADING.match(lines[n])), len(lines))
        keywords.append("".join(lines[end + 1 : after]))
        del lines[end:after]
    text = [p for p in paragraphs if p and not LAYOUT.match(p) and not COMMENT.fullmatch(p) and p not in keywords]
    abstract = "\n\n".join(text)
    if not abstract:
        return "", []
    kept = "\n\n".join(p for p in paragraphs if LAYOUT.match(p))  # TeX layout commands: check notes them there
    rest = (kept + "\n\n" if kept else "") + "".join(lines[end:])
    if rest.strip():
        files[chapters[0]] = rest.encode("utf-8")
    else:
        del files[chapters[0]]
    return abstract, [word.strip(" \t\n*_。.") for p in keywords for word in SEPARATORS.split(_listed(p))]


def _listed(paragraph: str) -> str:
    """The list of keywords a paragraph holds: after `Keywords:` when it says so, else the whole paragraph."""
    match = KEYWORDS_LINE.match(paragraph.strip())
    return match.group(1) if match else paragraph


def chinese(files: dict[str, bytes]) -> bool:
    """Whether the chapters are written in Chinese: Han characters outnumber half the Latin letters (a character
    is a word, a Latin word some 5 letters), with no kana (Japanese) or Hangul (Korean), and at least 20 of them."""
    text = "".join(data.decode("utf-8", "replace") for rel, data in files.items() if rel.endswith(".md"))
    han = len(HAN.findall(text))
    return han >= 20 and han * 2 > len(LATIN.findall(text)) and not OTHER_CJK.search(text)
