"""BibTeX as Zotero (Better BibTeX), Mendeley and JabRef write it: it checks clean and renders (issue #16)."""

from __future__ import annotations

from pathlib import Path

from conftest import MINIMAL_BIB, check_lines, make_project, normalize

from paperbuild.cli import main
from paperbuild.render.html import page_text

MANAGERS_BIB = """\
@article{doe2021,
  author = {Doe, Jane},
  title = {{Protected Title}},
  journal = {Journal of Things},
  year = {{2021}},
  month = jan,
}

@incollection{roe2020,
  author = {Roe, Rich},
  title = {A Chapter},
  booktitle = {Collected Works},
  publisher = {Pub House},
  year = 2020,
}

@online{site2021,
  title = {A Web Site},
  url = {https://example.org/page},
  urldate = {2021-03-04},
}

@report{poe2019,
  author = {Poe, Ed},
  title = {A Report},
  institution = {The Institute},
  date = {2019-05},
}

@thesis{moe2018,
  author = {Moe, Al},
  title = {A Thesis},
  institution = {The University},
  date = {2018-03-04},
  type = {phdthesis},
}

@article{bee2017,
  author = {Bee, Bo},
  title = {Biblatex Fields},
  journaltitle = {Biblatex Journal},
  date = {2017-03-04},
}
"""
CITE_ALL = "# Intro\n\n[@doe2021; @roe2020; @site2021; @poe2019; @moe2018; @bee2017]\n"


def project(tmp_path: Path, chapter: str, bib: str) -> Path:
    return make_project(tmp_path, {"manuscript/01-intro.md": chapter, "bibliography/refs.bib": bib})


def test_reference_managers_bibtex_checks_clean_and_renders(tmp_path: Path) -> None:
    root = project(tmp_path, CITE_ALL, MANAGERS_BIB)
    assert check_lines(root) == []
    out = tmp_path / "out"
    assert main(["html", "--project", str(root), "--out", str(out), "--quiet"]) == 0
    text = normalize(page_text((out / "paper.html").read_text(encoding="utf-8")))
    for shown in (
        'Doe, Jane. 2021. "Protected Title." Journal of Things, January.',  # month = jan read as a macro
        'Roe, Rich. 2020. "A Chapter." In Collected Works. Pub House.',
        '"A Web Site." n.d. Accessed March 4, 2021. https://example.org/page.',
        "Poe, Ed. 2019. A Report. The Institute.",
        'Moe, Al. 2018. "A Thesis." PhD thesis, The University.',
        'Bee, Bo. 2017. "Biblatex Fields." Biblatex Journal, March 4.',
    ):
        assert shown in text


def test_an_unknown_entry_type_is_a_warning_with_did_you_mean(tmp_path: Path) -> None:
    typo = "@artcle{typo2020,\n  author = {Typo, T},\n  title = {T},\n  journal = {J},\n  year = {2020},\n}\n"
    bib = MINIMAL_BIB + "\n" + typo
    root = project(tmp_path, "# Intro\n\n[@knuth1984; @typo2020]\n", bib)
    assert check_lines(root) == [
        "bibliography/refs.bib:8: warning[unknown-entry-type]: @artcle{typo2020} is not a BibTeX or biblatex entry "
        "type; styles print it as a generic one; did you mean 'article'?"
    ]


def test_a_duplicate_entry_s_own_problems_are_reported_in_the_same_run(tmp_path: Path) -> None:
    bib = MINIMAL_BIB + "\n@article{Knuth1984,\n  author = {K, D},\n  title = {T},\n  year = {84},\n}\n"
    root = project(tmp_path, "# Intro\n\n[@knuth1984]\n", bib)
    assert check_lines(root) == [
        "bibliography/refs.bib:8: error[duplicate-bib-key]: key 'Knuth1984' is already defined at "
        "bibliography/refs.bib:1; keys compare ignoring case; rename or delete one entry",
        "bibliography/refs.bib:8: error[missing-field]: @article{Knuth1984} has no 'journal' or 'journaltitle'; "
        "add journal = {...}",
        "bibliography/refs.bib:11: error[invalid-field]: year '84' of 'Knuth1984' is not a four-digit year such as "
        "2011",
    ]
