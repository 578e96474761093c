"""Read the words and symbols of a rendered output, as the conservation check (conservation.py) compares them.

Takes one output (the HTML page, the DOCX file, the JATS XML, the text WeasyPrint laid out on the PDF's pages), or
plain text; gives its normalized tokens (NFKC, casefolded, hyphenation undone): a CJK character, a run of letters
and digits, or any other visible character alone. Formulas count by the letters and digits they show.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
TOKEN = re.compile(rf"[{CJK}]|[^\W_{CJK}]+|[^\w\s]|_")
"""A CJK character, a run of letters and digits, or any other visible character alone."""
SPLIT = re.compile(r"\d+|[^\W\d_]+")

MAX_JOIN = 200
"""Longest run of text joined across PDF line ends (a URL broken over lines of a narrow table column)."""

HIDDEN_HTML = re.compile(r"<(head|style|script|template|annotation)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
MATH_HTML = re.compile(r"<math\b.*?</math\s*>", re.DOTALL | re.IGNORECASE)
INLINE_TAG = re.compile(
    r"</?(?:a|span|em|strong|b|i|u|s|sub|sup|code|small|mark|abbr|cite|q|kbd|var|samp|dfn|time|del|ins)\b[^>]*>",
    re.IGNORECASE,
)
TAG = re.compile(r"<[^>]*>")
HIDDEN_JATS = re.compile(r"<(tex-math|alt-text|element-citation)\b.*?</\1\s*>", re.DOTALL)
"""What a JATS reader is not shown as the text (the TeX behind a formula), or what repeats it (a figure's alt text,
a reference's structured copy), which would hide a word lost from the text itself."""
MATH_JATS = re.compile(r"<mml:math\b.*?</mml:math\s*>", re.DOTALL)
INLINE_JATS = re.compile(
    r"</?(?:italic|bold|sup|sub|sc|monospace|underline|strike|overline|roman|sans-serif|xref|named-content|"
    r"styled-content|ext-link|uri|email|abbrev|inline-formula)\b[^>]*>"
)
DOCX_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<m:t(?:\s[^>]*)?>([^<]*)</m:t>|<w:(?:br|tab|cr)\b|</w:p>")
DOCX_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
HYPHENS = ("\u2010", "\u00ad")
"""WeasyPrint's automatic hyphen (U+2010), or a soft hyphen, at a line end: the word goes on on the next line."""
HYPHEN_LINES = 8
"""How many lines on the second part of a hyphenated word may be (running heads, page numbers, footnotes)."""


def normalize(token: str) -> str:
    """A token as the comparison sees it: NFKC (ligatures, mathematical letters, full-width forms), casefolded."""
    return unicodedata.normalize("NFKC", token).casefold()


def tokens(text: str) -> list[str]:
    """The normalized tokens of plain text."""
    return [normalize(t) for t in TOKEN.findall(text)]


def output_words(text: str) -> list[str]:
    """The tokens of an output's text, and, for a token of letters and digits, its letters and its digits apart as
    well: a superscript mark is set close to its word ("Holt¹", "effect¹" for a note or a citation)."""
    found = tokens(text)
    found += [part for token in found if not (token.isalpha() or token.isdigit()) for part in SPLIT.findall(token)]
    return found


def _spaced_math(text: str) -> str:
    return " " + " ".join(ch for ch in normalize(text) if ch.isalnum()) + " "


def html_tokens(page: str) -> list[str]:
    """The tokens of an HTML page as a browser shows it: no head, style or script, no TeX behind MathML."""
    page = HIDDEN_HTML.sub(" ", page)
    page = MATH_HTML.sub(lambda m: _spaced_math(html.unescape(TAG.sub(" ", m.group(0)))), page)
    return output_words(html.unescape(TAG.sub(" ", INLINE_TAG.sub("", page))))


def jats_tokens(xml: str) -> list[str]:
    """The tokens of a JATS article's text: its elements' text, formulas by their MathML's characters."""
    xml = HIDDEN_JATS.sub(" ", xml)
    xml = MATH_JATS.sub(lambda m: _spaced_math(html.unescape(TAG.sub(" ", m.group(0)))), xml)
    return output_words(html.unescape(TAG.sub(" ", INLINE_JATS.sub("", xml))))


def docx_tokens(data: bytes) -> list[str]:
    """The tokens of a DOCX's text: the document, its footnotes and endnotes; formulas by their characters."""
    parts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for name in (n for n in DOCX_PARTS if n in names):
            xml = archive.read(name).decode("utf-8")
            for match in DOCX_TEXT.finditer(xml):
                if match.group(1) is not None:
                    parts.append(html.unescape(match.group(1)))
                elif match.group(2) is not None:
                    parts.append(_spaced_math(html.unescape(match.group(2))))
                else:
                    parts.append(" ")
    return output_words("".join(parts))


def pdf_tokens(text: str) -> list[str]:
    """The tokens of the text laid out on a PDF's pages (a line per line box), hyphenation undone; a word broken
    over a line end without a hyphen (overflow-wrap in a narrow column) counts joined as well as in pieces."""
    found: list[str] = []
    carry = ""
    hyphenated: list[tuple[str, int]] = []  # a word's first part, and the lines left to find its second part in
    for line in text.replace("\u200b", "").split("\n"):  # the zero-width spaces the PDF's URLs break at
        broken = line.rstrip().endswith(HYPHENS)
        shown = line.rstrip().rstrip("".join(HYPHENS)) if broken else line
        words = tokens(shown)  # the line's own tokens, in order: its first and last are the ones broken off
        if not words:
            continue
        found += output_words(shown)
        if carry:
            found.append(carry + words[0])
        # the running head and the page number lie between the two parts of a word broken over a page end
        found += [first + words[0] for first, _ in hyphenated]
        hyphenated = [(first, left - 1) for first, left in hyphenated if left > 1]
        if broken:
            hyphenated.append((words[-1], HYPHEN_LINES))
            carry = ""
        else:
            carry = (carry + words[0] if len(words) == 1 and carry else words[-1])[-MAX_JOIN:]
    return found
