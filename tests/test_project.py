"""Chapter discovery and project gathering (DESIGN.md §1): which files are chapters, in what order, and what is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, make_project

from paperbuild.diagnostics import Severity
from paperbuild.errors import InputError, UsageError
from paperbuild.project import load_project
from paperbuild.style import PACKAGED_STYLES

HINT = "chapters are named NN-slug.md (or NN.slug.md, NN_slug.md), e.g. 07-discussion.md"


def formatted(diagnostics: list) -> list[str]:
    return [d.format() for d in sorted(diagnostics)]


def test_chapters_in_numeric_order_of_two_or_more_digits(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        {
            "manuscript/100-d.md": "# D\n",
            "manuscript/10-c.md": "# C\n",
            "manuscript/02-b.md": "# B\n",
        },
    )
    project, diagnostics = load_project(tmp_path)
    assert [c.rel for c in project.chapters] == ["manuscript/02-b.md", "manuscript/10-c.md", "manuscript/100-d.md"]
    assert [c.text for c in project.chapters] == ["# B\n", "# C\n", "# D\n"]
    assert [c.path for c in project.chapters] == [tmp_path.resolve() / c.rel for c in project.chapters]
    assert diagnostics == []


def test_chapter_text_is_decoded_and_a_bom_dropped(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# Ä\n"})
    (tmp_path / "manuscript/02-b.md").write_bytes("\ufeff# B\n".encode())
    project, diagnostics = load_project(tmp_path)
    assert [c.text for c in project.chapters] == ["# Ä\n", "# B\n"]
    assert diagnostics == []


def test_chapters_may_be_named_as_manubot_and_thesis_templates_name_them(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        {"manuscript/00.front-matter.md": "# F\n", "manuscript/01_intro.md": "# A\n", "manuscript/02-b.md": "# B\n"},
    )
    project, diagnostics = load_project(tmp_path)
    assert [c.rel for c in project.chapters] == [
        "manuscript/00.front-matter.md",
        "manuscript/01_intro.md",
        "manuscript/02-b.md",
    ]
    assert diagnostics == []


@pytest.mark.parametrize("name", ["notes.md", "3-x.md", "04-x.MD", "02-b.markdown", "README.txt", "05.md", "06x.md"])
def test_markdown_like_non_chapter_is_skipped_with_a_warning_naming_it(tmp_path: Path, name: str) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", f"manuscript/{name}": "# not a chapter\n"})
    project, diagnostics = load_project(tmp_path)
    assert [c.rel for c in project.chapters] == ["manuscript/01-a.md"]
    assert formatted(diagnostics) == [
        f"manuscript/{name}: warning[skipped-file]: '{name}' is not a chapter and is skipped; {HINT}"
    ]
    assert diagnostics[0].severity is Severity.WARNING


def test_every_skipped_file_is_reported_at_once(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        {
            "manuscript/01-a.md": "# A\n",
            "manuscript/notes.md": "n",
            "manuscript/3-x.md": "x",
            "manuscript/04-x.MD": "x",
        },
    )
    project, diagnostics = load_project(tmp_path)
    assert [c.rel for c in project.chapters] == ["manuscript/01-a.md"]
    assert formatted(diagnostics) == [
        f"manuscript/04-x.MD: warning[skipped-file]: '04-x.MD' is not a chapter and is skipped; {HINT}",
        f"manuscript/3-x.md: warning[skipped-file]: '3-x.md' is not a chapter and is skipped; {HINT}",
        f"manuscript/notes.md: warning[skipped-file]: 'notes.md' is not a chapter and is skipped; {HINT}",
    ]


@pytest.mark.parametrize("name", [".x.md", "x.md~", "#x.md#", ".#01-a.md", "01-b.md~", "#01-b.md#"])
def test_hidden_files_and_editor_backups_are_skipped_silently(tmp_path: Path, name: str) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", f"manuscript/{name}": "# backup\n"})
    project, diagnostics = load_project(tmp_path)
    assert [c.rel for c in project.chapters] == ["manuscript/01-a.md"]
    assert diagnostics == []


def test_other_files_and_folders_in_manuscript_are_not_chapters(tmp_path: Path) -> None:
    make_project(
        tmp_path,
        {
            "manuscript/01-a.md": "# A\n",
            "manuscript/figures/02-figure.md": "a Markdown file in a subfolder is not a chapter",
            "manuscript/figures/plot.svg": "<svg/>",
            "manuscript/01-a.md.bak": "backup",
        },
    )
    project, diagnostics = load_project(tmp_path)
    assert [c.rel for c in project.chapters] == ["manuscript/01-a.md"]
    assert diagnostics == []


def test_two_chapters_with_the_same_number_is_an_error_naming_both(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", "manuscript/01-b.md": "# B\n", "manuscript/02-c.md": "c"})
    _, diagnostics = load_project(tmp_path)
    assert len(diagnostics) == 1
    (diagnostic,) = diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.col) == ("manuscript/01-b.md", 0, 0)
    assert (diagnostic.severity, diagnostic.code) == (Severity.ERROR, "duplicate-chapter")
    assert diagnostic.format().startswith(
        "manuscript/01-b.md: error[duplicate-chapter]: chapter number 1 is used twice"
    )
    assert "01-a.md" in diagnostic.message
    assert "01-b.md" in diagnostic.message
    assert diagnostic.hint == "renumber one of them"


def test_same_number_with_different_widths_is_a_duplicate(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", "manuscript/001-b.md": "# B\n"})
    _, diagnostics = load_project(tmp_path)
    assert [(d.code, d.severity) for d in diagnostics] == [("duplicate-chapter", Severity.ERROR)]
    assert "01-a.md" in diagnostics[0].message
    assert "001-b.md" in diagnostics[0].message


def test_non_utf8_chapter_is_an_encoding_error_with_its_line(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n"})
    (tmp_path / "manuscript/02-b.md").write_bytes(b"# B\n\ncaf\xe9 au lait\n")
    project, diagnostics = load_project(tmp_path)
    assert formatted(diagnostics) == [
        "manuscript/02-b.md:3: error[encoding]: not valid UTF-8 (byte 8: b'\\xe9'); save the file as UTF-8"
    ]
    assert [c.rel for c in project.chapters] == ["manuscript/01-a.md"]


def test_non_utf8_bib_file_is_an_encoding_error(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n"})
    (tmp_path / "bibliography").mkdir()
    (tmp_path / "bibliography/refs.bib").write_bytes(b"@book{a,\n  title = {Stra\xdfe},\n}\n")
    project, diagnostics = load_project(tmp_path)
    assert formatted(diagnostics) == [
        "bibliography/refs.bib:2: error[encoding]: not valid UTF-8 (byte 24: b'\\xdf'); save the file as UTF-8"
    ]
    assert project.bib_files == ()


def test_non_utf8_metadata_is_only_an_encoding_error(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n"})
    (tmp_path / "manuscript/metadata.yaml").write_bytes(b"title: Caf\xe9\n")
    _, diagnostics = load_project(tmp_path)
    assert formatted(diagnostics) == [
        "manuscript/metadata.yaml:1: error[encoding]: not valid UTF-8 (byte 10: b'\\xe9'); save the file as UTF-8"
    ]


def test_no_manuscript_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_project(tmp_path)
    expected = f"{tmp_path.resolve()}: no manuscript/ folder; is this a paperbuild project? (see --project)"
    assert str(info.value) == expected


def test_no_metadata_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "manuscript").mkdir()
    (tmp_path / "manuscript/01-a.md").write_text("# A\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_project(tmp_path)
    assert str(info.value) == "manuscript/metadata.yaml: missing; a paper needs at least 'title: ...' there"


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"manuscript/notes.md": "n", "manuscript/.01-a.md": "hidden"},
    ],
    ids=["empty", "only-non-chapters"],
)
def test_no_chapters_is_an_input_error(tmp_path: Path, files: dict[str, str]) -> None:
    make_project(tmp_path, files)
    with pytest.raises(InputError) as info:
        load_project(tmp_path)
    assert str(info.value) == "manuscript: no chapters; name them like 01-introduction.md"


def test_unknown_style_on_the_command_line_is_a_usage_error_listing_the_known_styles(tmp_path: Path) -> None:
    not_styles = {"styles/notes/todo.md": "", "styles/__pycache__/x.pyc": "", "styles/.cache/paper.css": ""}
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", "styles/journal/paper.css": "", **not_styles})
    with pytest.raises(UsageError) as info:
        load_project(tmp_path, style="fancy")
    assert str(info.value) == (
        "--style: style 'fancy' not found in the project's styles/ or among paperbuild's "
        "(known: default, journal, manuscript, manuscript-tables-end, review, two-column)"
    )
    with pytest.raises(UsageError, match="must be a plain folder name"):
        load_project(tmp_path, style="__pycache__")


def test_unknown_style_in_metadata_is_a_diagnostic_at_its_line(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/metadata.yaml": "title: T\nstyle: fancy\n", "manuscript/01-a.md": "# A\n"})
    project, diagnostics = load_project(tmp_path)
    assert formatted(diagnostics) == [
        "manuscript/metadata.yaml:2: error[metadata]: style 'fancy' not found in the project's styles/ or among "
        "paperbuild's (known: default, manuscript, manuscript-tables-end, review, two-column)"
    ]
    assert project.style.name == "default"  # the other checks still run


@pytest.mark.parametrize("name", ["../default", "default/../default", "/etc"])
def test_style_name_must_be_a_plain_folder_name(tmp_path: Path, name: str) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n"})
    with pytest.raises(UsageError) as info:
        load_project(tmp_path, style=name)
    assert str(info.value) == f"--style: style name '{name}' must be a plain folder name under styles/"


def test_project_without_styles_uses_the_styles_shipped_in_the_repo(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n"})
    project, _ = load_project(tmp_path)
    assert project.style.folder == REPO / "styles" / "default"
    assert PACKAGED_STYLES == REPO / "styles"
    assert (project.style.folder / "paper.html.j2").is_file()


def test_project_style_wins_over_the_shipped_one(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", "styles/default/paper.css": "body {}\n"})
    project, _ = load_project(tmp_path, style="default")
    assert project.style.folder == tmp_path.resolve() / "styles" / "default"


def test_project_paths_and_defaults(tmp_path: Path) -> None:
    make_project(tmp_path, {"manuscript/01-a.md": "# A\n", "bibliography/b.bib": "", "bibliography/a.bib": ""})
    project, diagnostics = load_project(tmp_path)
    root = tmp_path.resolve()
    assert diagnostics == []
    assert project.root == root
    assert project.out_dir == root / "build"
    assert project.manuscript_dir == root / "manuscript"
    assert project.metadata_file == "manuscript/metadata.yaml"
    assert project.metadata.title == "A Small Paper"
    assert [b.rel for b in project.bib_files] == ["bibliography/a.bib", "bibliography/b.bib"]
    assert project.csl_file is None
    other, _ = load_project(tmp_path, out_dir=tmp_path / "elsewhere")
    assert other.out_dir == root / "elsewhere"
