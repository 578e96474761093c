"""`diff REV`: a two-commit repository made here; the HTML and the PDF mark exactly the words that changed, a renamed
chapter and a moved paragraph are not marked as deleted and inserted, references added are listed; outside a git
repository or with an unknown revision it refuses clearly."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO, make_project

from paperbuild.cli import main

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
MARLOW = "@book{marlow1998,\n  author = {Marlow, Edith},\n  title = {Tides and Their Analysis},\n"
MARLOW += "  publisher = {Harbour Press},\n  year = {1998},\n}\n"
OKAFOR = "@article{okafor2015,\n  author = {Okafor, Ngozi},\n  title = {Tidal lag in a small harbour},\n"
OKAFOR += "  journal = {Journal of Coastal Gauges},\n  volume = {12},\n  pages = {45--67},\n  year = {2015},\n}\n"
META = "title: Tidal Rhythms of Small Harbours\nauthors: [Maren Holt]\nabstract: |\n  {abstract}\ncsl: apa\n"
FIRST = {
    "manuscript/metadata.yaml": META.replace("{abstract}", "We compare gauge records from two harbours."),
    "manuscript/01-introduction.md": (
        "# Introduction\n\nSmall harbours keep tide gauges that few people read [@marlow1998].\n\n"
        "Their records are long but rarely studied.\n\nThis paragraph will be deleted entirely.\n"
    ),
    "manuscript/02-results.md": (
        "# Results\n\nThe tidal rhythms drift apart by a few minutes each decade.\n\n"
        "| Harbour | Lag |\n|---------|----:|\n| Eastport | 12 |\n\n: Mean lag in minutes. {#tbl:lag}\n\n"
        "@tbl:lag lists the lag.\n"
    ),
    "manuscript/03-conclusions.md": "# Conclusions\n\nSmall harbours are worth reading.\n",
    "bibliography/refs.bib": MARLOW,
}
INSERTED = ["three years of", "seldom read", "two", "13", "A new paragraph cites new work (Okafor, 2015)."]
DELETED = ["rarely studied", "This paragraph will be deleted entirely.", "a few", "12"]


def git(root: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def second_version(root: Path) -> None:
    """Edit words, delete and insert a paragraph, change a table cell, cite a new source, rename a chapter."""
    meta = root / "manuscript" / "metadata.yaml"
    meta.write_text(META.replace("{abstract}", "We compare three years of gauge records from two harbours."))
    intro = root / "manuscript" / "01-introduction.md"
    text = intro.read_text().replace("rarely studied", "seldom read")
    intro.write_text(text.replace("\nThis paragraph will be deleted entirely.\n", ""))
    results = root / "manuscript" / "02-results.md"
    text = results.read_text().replace("a few minutes", "two minutes").replace("| 12 |", "| 13 |")
    results.write_text(text + "\nA new paragraph cites new work [@okafor2015].\n")
    (root / "bibliography" / "refs.bib").write_text(MARLOW + "\n" + OKAFOR)
    git(root, "mv", "manuscript/03-conclusions.md", "manuscript/04-conclusions.md")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A paper in a git repository with two commits: the first submission and its revision."""
    root = make_project(tmp_path / "paper", FIRST)
    git(root, "init", "-q")
    commit(root, "First submission")
    second_version(root)
    commit(root, "Revision after review")
    return root


VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


class Marks(HTMLParser):
    """The text inside each <ins> and <del> of a page, in order, and whether it sits in the summary box."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[tuple[str, str, bool]] = []
        self.moved: list[str] = []
        self._open: list[str] = []
        self._summary_depth = 0
        self._depth = 0
        self._moved_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        self._depth += 1
        if "diff-summary" in classes:
            self._summary_depth = self._depth
        if "diff-moved" in classes:
            self._moved_depth = self._depth
            self.moved.append("")
        if tag in ("ins", "del"):
            self._open.append(tag)
            self.marks.append((tag, "", bool(self._summary_depth)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag in ("ins", "del") and self._open:
            self._open.pop()
        if self._depth == self._summary_depth:
            self._summary_depth = 0
        if self._depth == self._moved_depth:
            self._moved_depth = 0
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text, summary = self.marks[-1]
            self.marks[-1] = (tag, text + data, summary)
        if self._moved_depth:
            self.moved[-1] += data


def marks(html: str) -> Marks:
    parser = Marks()
    parser.feed(html.split("<body>", 1)[1])
    return parser


def coloured_text(pdf: Path) -> dict[str, str]:
    """The text the PDF draws in the colour of insertions and of deletions (diff CSS: #0b4f9c, #b0171f), in
    order, without white space (a PDF has no spaces between separately drawn runs, only positions)."""
    from pypdf import PdfReader

    colours = {(0.043, 0.31, 0.612): "ins", (0.69, 0.09, 0.122): "del"}
    current: list[str | None] = [None]
    runs: dict[str, list[str]] = {"ins": [], "del": []}

    def before(operator: bytes, operands: list[object], cm: object, tm: object) -> None:
        if operator == b"rg":
            current[0] = colours.get(tuple(round(float(v), 3) for v in operands))  # type: ignore[arg-type]

    def shown(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if current[0]:
            runs[current[0]].append(text)

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_operand_before=before, visitor_text=shown)
    return {tag: squeeze(re.sub("\u2010\\s*\n", "", "".join(texts))) for tag, texts in runs.items()}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_html_and_pdf_mark_exactly_the_changed_words(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD~1", "--project", str(repo)]) == 0
    err = capsys.readouterr().err
    html_path, pdf_path = repo / "build" / "paper-diff.html", repo / "build" / "paper-diff.pdf"
    assert f"wrote {html_path}" in err and f"wrote {pdf_path}" in err
    short = git(repo, "rev-parse", "--short", "HEAD~1").strip()
    assert f"compared with {short} (First submission): 4 changed, 1 inserted, 1 deleted, 0 moved" in err

    found = marks(html_path.read_text(encoding="utf-8"))
    body = [(tag, " ".join(text.split())) for tag, text, summary in found.marks if not summary]
    assert [text for tag, text in body if tag == "ins"] == INSERTED
    assert [text for tag, text in body if tag == "del"] == DELETED
    assert body == [
        ("ins", "three years of"),
        ("del", "rarely studied"),
        ("ins", "seldom read"),
        ("del", "This paragraph will be deleted entirely."),
        ("del", "a few"),
        ("ins", "two"),
        ("del", "12"),
        ("ins", "13"),
        ("ins", "A new paragraph cites new work (Okafor, 2015)."),
    ]
    summary = [(tag, " ".join(text.split())) for tag, text, in_summary in found.marks if in_summary]
    assert len(summary) == 1 and summary[0][0] == "ins"
    assert summary[0][1].startswith("Okafor, N. (2015). Tidal lag in a small harbour.")

    coloured = coloured_text(pdf_path)
    assert coloured["del"] == squeeze("".join(DELETED))
    # the abstract, then the summary box's reference added, then the body
    assert coloured["ins"] == squeeze("".join([INSERTED[0], summary[0][1], *INSERTED[1:]]))


def test_the_unchanged_text_keeps_its_formatting_and_numbers(repo: Path) -> None:
    assert main(["diff", "HEAD~1", "--project", str(repo), "--quiet"]) == 0
    html = (repo / "build" / "paper-diff.html").read_text(encoding="utf-8")
    assert "Small harbours keep tide gauges that few people read" in html
    assert 'href="#ref-marlow1998"' in html  # the citation still links to its entry
    assert "3. Conclusions" in re.sub(r"<[^>]+>", "", html)  # the renamed chapter, unmarked
    assert "Revision after review" not in html


def test_a_moved_paragraph_is_marked_moved_not_deleted_and_inserted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paragraph = "This paragraph travels from the first chapter to the second."
    root = make_project(
        tmp_path / "moving",
        {
            "manuscript/01-a.md": f"# First\n\nIt stays here.\n\n{paragraph}\n",
            "manuscript/02-b.md": "# Second\n\nAnother paragraph stays.\n",
        },
    )
    git(root, "init", "-q")
    commit(root, "before")
    (root / "manuscript" / "01-a.md").write_text("# First\n\nIt stays here.\n")
    (root / "manuscript" / "02-b.md").write_text(f"# Second\n\nAnother paragraph stays.\n\n{paragraph}\n")
    commit(root, "after")
    assert main(["diff", "HEAD~1", "--project", str(root)]) == 0
    assert "0 changed, 0 inserted, 0 deleted, 1 moved" in capsys.readouterr().err
    found = marks((root / "build" / "paper-diff.html").read_text(encoding="utf-8"))
    assert [m for m in found.marks if not m[2]] == []
    assert [" ".join(text.split()) for text in found.moved] == [paragraph]


def test_the_working_tree_is_compared_even_before_it_is_committed(repo: Path) -> None:
    chapter = repo / "manuscript" / "04-conclusions.md"
    chapter.write_text(chapter.read_text().replace("worth reading", "worth a close reading"))
    assert main(["diff", "HEAD", "--project", str(repo), "--quiet"]) == 0
    found = marks((repo / "build" / "paper-diff.html").read_text(encoding="utf-8"))
    assert [(tag, text) for tag, text, _ in found.marks] == [("ins", "a close")]


def test_a_project_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo" / "papers" / "tides", FIRST)
    git(tmp_path / "repo", "init", "-q")
    commit(tmp_path / "repo", "First submission")
    second_version(root)
    commit(tmp_path / "repo", "Revision")
    assert main(["diff", "HEAD~1", "--project", str(root), "--quiet"]) == 0
    found = marks((root / "build" / "paper-diff.html").read_text(encoding="utf-8"))
    assert [text for tag, text, summary in found.marks if tag == "del" and not summary] == DELETED


def test_outside_a_git_repository_it_refuses_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path / "plain", {"manuscript/01-a.md": "# A\n\nText.\n"})
    expected = f"paperbuild: error: not a git repository: {root}; diff compares the manuscript with a git revision\n"
    assert main(["diff", "HEAD~1", "--project", str(root)]) == 1
    assert capsys.readouterr() == ("", expected)
    proc = subprocess.run(
        [sys.executable, "build.py", "diff", "HEAD~1", "--project", str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stderr, proc.stdout) == (1, expected, "")
    assert not (root / "build").exists()


def test_an_unknown_revision_gives_gits_message(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "no-such-branch", "--project", str(repo)]) == 1
    assert capsys.readouterr().err == (
        "paperbuild: error: unknown revision 'no-such-branch' (git: bad revision 'no-such-branch')\n"
    )
    assert main(["diff", "--", "--project", str(repo)]) == 2


def test_a_revision_without_the_paper(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = tmp_path / "repo"
    top.mkdir()
    (top / "README").write_text("no paper yet\n")
    git(top, "init", "-q")
    commit(top, "empty")
    root = make_project(top / "paper", FIRST)
    commit(top, "paper")
    assert main(["diff", "HEAD~1", "--project", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("paperbuild: error: paper did not exist at ")


def test_errors_in_the_working_tree_stop_the_diff(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chapter = repo / "manuscript" / "04-conclusions.md"
    chapter.write_text(chapter.read_text() + "\nSee [@nobody].\n")
    assert main(["diff", "HEAD~1", "--project", str(repo), "--quiet"]) == 1
    assert "error[undefined-citation]" in capsys.readouterr().err
    assert not (repo / "build" / "paper-diff.html").exists()


def test_the_diff_page_is_valid_html(repo: Path) -> None:
    from test_html_valid import vnu_errors

    assert main(["diff", "HEAD~1", "--project", str(repo), "--quiet"]) == 0
    assert vnu_errors(repo / "build" / "paper-diff.html") == []


def rendered(inlines: list[dict[str, object]]) -> str:
    """Inlines as the HTML writer joins them: words, spaces and the raw <ins>/<del> tags."""
    return "".join(
        str(n["c"][1]) if n["t"] == "RawInline" else " " if n["t"] == "Space" else str(n["c"]) for n in inlines
    )  # type: ignore[index]


@pytest.mark.parametrize(
    ("old", "new", "marked"),
    [
        ("drift by a few minutes", "drift by two minutes", "drift by <del>a few</del> <ins>two</ins> minutes"),
        ("drift apart.", "drift apart, slowly.", "drift apart<ins>, slowly</ins>."),
        ("Old start here", "here", "<del>Old start</del> here"),
        ("东北亚是世界上经济", "东北亚是全球经济", "东北亚是<del>世界上</del><ins>全球</ins>经济"),
    ],
)
def test_word_diff(old: str, new: str, marked: str) -> None:
    from paperbuild.submission.worddiff import Counts, word_diff

    assert rendered(word_diff(old, new, Counts())) == marked
