# ruff: noqa: RUF001  (the Chinese paper's full-width parentheses are meant)
"""Measure the typography of paperbuild's PDF against pandoc -> LaTeX on the same papers.

Takes, on the command line:
  --papers paper,figures,crossref,urls,zh   which papers (default: all five, see PAPERS)
  --no-latex                                skip the LaTeX builds
  --json FILE, --keep                       also write the numbers as JSON; keep the temporary folder

Gives, on standard output, a Markdown table: per paper and typesetter, read back from `pdftotext -bbox-layout`, the
body lines, their median length in characters, the share of them that end in a hyphen and the longest run of such
lines, the words past the text block's right edge, URLs broken with a hyphen, captions parted from their table or
figure, lines ending a page in a hyphen, and headings left at the foot of a page. Progress goes to standard error.

The LaTeX side is the paper exactly as paperbuild reads, cites and numbers it (its front matter, body and back
matter as the DOCX gets them), written by pandoc with its default LaTeX template and typeset by pdfLaTeX, or by
XeLaTeX for a Chinese paper (pdfLaTeX cannot set it). Run by hand, never from the test suite (DESIGN.md section 5).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench as sizes  # bench/bench.py: the synthetic paper generator

REPO = Path(__file__).resolve().parent.parent
XHTML = "{http://www.w3.org/1999/xhtml}"
HYPHENS = ("-", "\u2010", "\u00ad")
EDGE_TOLERANCE = 3.0
"""Points a word may pass the text block's right edge before it counts as overfull: pdftotext's boxes of a
line-end comma or hyphen in a LaTeX line stick out by up to 2 pt."""
BODY_LINE_SHARE = 0.6
"""A body line is at least this share of the text block wide: running text, not a table cell or a short last line."""
CAPTION_START = re.compile(r"^(Table|Figure|Fig\.|表|图)\s*\d+")
LOOSE = 1.5
"""A justified line is loose when its mean word space is wider than this many normal spaces."""
JUSTIFIED_TOLERANCE = 1.0
"""Points short of the text block's right edge a line may end and still count as justified (not a last line)."""
URL = re.compile(r"(?:https?://|www\.|doi\.org/|10\.\d{4,}/)[^\s<>\]\)]+")

# --------------------------------------------------------------------------------------------------------------------
# The papers

URLS_CHAPTER = """\
# Data and sources {#sec:data}

The port statistics come from the open data portal of the Liaoning Provincial Bureau of Statistics at
<https://tjj.ln.gov.cn/tjj/tjxx/xxcx/tjnj/index.shtml>, which publishes the yearly abstracts as scanned tables, and
from the United Nations Conference on Trade and Development, whose liner shipping connectivity index is kept at
<https://unctadstat.unctad.org/datacentre/dataviewer/US.LSCI> with a documentation page at
<https://unctad.org/topic/transport-and-trade-logistics/review-of-maritime-transport>. Container throughput of the
ports of Dalian, Yingkou and Jinzhou was checked against the annual reports of Liaoning Port Group
(<https://www.liaoningport.com/investor-relations/annual-reports/2023-annual-report-full-text.pdf>) and against the
World Bank's container port performance index, documented in @worldbank2023 and downloadable from
<https://openknowledge.worldbank.org/entities/publication/6e3a8a8f-8d2c-4b5a-9f7e-2a7e9e2b1c3d>.

Trade flows between the Northeast Asian economies follow the UN Comtrade database
(<https://comtradeplus.un.org/TradeFlow?Frequency=A&Flows=X&CommodityCodes=TOTAL&Partners=0&Reporters=156>), read
through its application programming interface, and the regional input-output tables of @chen2021, whose replication
files are archived under <https://doi.org/10.7910/DVN/ABCDEF> on the Harvard Dataverse. The exchange rates are those
of the Bank of Korea's economic statistics system (<https://ecos.bok.or.kr/#/SearchStat>) and of the Bank of Japan
(<https://www.stat-search.boj.or.jp/ssi/mtshtml/fm08_m_1_en.html>), converted to yuan at the monthly averages
published by the State Administration of Foreign Exchange. The answers to our survey of freight forwarders are shared
at <https://drive.google.com/drive/folders/1Qx7ZkP3vR9mT2bW8nY4cL6hJ0aD5sF1gE3iKwUo?usp=sharing>, and the method
of weighting them follows the classic treatment of @sici1998.

# Method {#sec:method}

We estimate a gravity model of trade in which the flows between two provinces or prefectures depend on their
economic mass, their distance by sea and by rail, and a set of indicators for shared borders, free-trade agreements
and port connectivity [@anderson2003; @santos2006]. The estimation uses the Poisson pseudo-maximum-likelihood
estimator, which keeps the zero flows that a logarithmic specification would drop, as implemented in the `ppmlhdfe`
package for Stata (<https://github.com/sergiocorreia/ppmlhdfe/blob/master/guide/ppmlhdfe_guide.pdf>). The code of
this paper, with a frozen copy of every input, is at <https://github.com/example-lab/liaoning-gravity-2024> and
archived at <https://doi.org/10.5281/zenodo.10234567>.

The distances by sea are the shortest routes of the searoute library
(<https://github.com/genthalili/searoute-py/tree/main/searoute/data>), and the rail distances come from the timetable
data of China Railway, scraped in March 2024 from <https://www.12306.cn/index/otn/czxx/queryByTrainNo>. For the
robustness checks we use the alternative distance matrix of @mayer2011, documented at
<http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=8>, and the port-level connectivity of
@fugazza2017.

# Results {#sec:results}

Port connectivity matters more than distance for the trade of Liaoning with the Republic of Korea and Japan: an
increase of the connectivity index by one standard deviation raises the bilateral flows by about a fifth, while the
elasticity of distance is close to the values summarised by @head2014. The prefectures along the Dalian--Shenyang
corridor gain most, which is consistent with the evidence on the Russian Far East collected by the Economic Research
Institute for Northeast Asia (<https://www.erina.or.jp/en/publications/northeast-asian-economic-review/>) and with the
case studies of the Greater Tumen Initiative (<http://www.tumenprogramme.org/?list-1524-1.html>).
"""

URLS_BIB = """\
@techreport{worldbank2023, author = {{World Bank}}, title = {The Container Port Performance Index 2022: A Comparable
  Assessment of Performance Based on Vessel Time in Port}, institution = {World Bank}, address = {Washington, DC},
  year = {2023}, url = {https://openknowledge.worldbank.org/server/api/core/bitstreams/3c4f8f2b-4b8e-4a3c-9d5a/content}}
@article{chen2021, author = {Chen, Wen and Los, Bart and McCann, Philip and Ortega-Argil\\'{e}s, Raquel},
  title = {The Continental Divide? Economic Exposure to Brexit in Regions and Countries on Both Sides of the Channel},
  journal = {Papers in Regional Science}, volume = {97}, number = {1}, pages = {25--54}, year = {2021},
  doi = {10.1111/pirs.12334}}
@article{anderson2003, author = {Anderson, James E. and van Wincoop, Eric}, title = {Gravity with Gravitas: A
  Solution to the Border Puzzle}, journal = {American Economic Review}, volume = {93}, number = {1},
  pages = {170--192}, year = {2003}, doi = {10.1257/000282803321455214}}
@article{santos2006, author = {Santos Silva, J. M. C. and Tenreyro, Silvana}, title = {The Log of Gravity},
  journal = {The Review of Economics and Statistics}, volume = {88}, number = {4}, pages = {641--658},
  year = {2006}, doi = {10.1162/rest.88.4.641}}
@techreport{mayer2011, author = {Mayer, Thierry and Zignago, Soledad}, title = {Notes on CEPII's Distances
  Measures: The GeoDist Database}, institution = {CEPII}, number = {2011-25}, year = {2011},
  url = {http://www.cepii.fr/PDF_PUB/wp/2011/wp2011-25.pdf}}
@article{fugazza2017, author = {Fugazza, Marco and Hoffmann, Jan}, title = {Liner Shipping Connectivity as
  Determinant of Trade}, journal = {Journal of Shipping and Trade}, volume = {2}, number = {1}, pages = {1--18},
  year = {2017}, doi = {10.1186/s41072-017-0019-5}}
@article{sici1998, author = {Rubin, Donald B.}, title = {Multiple Imputation after 18+ Years},
  journal = {Statistics in Medicine}, volume = {17}, number = {15}, pages = {1661--1675}, year = {1998},
  doi = {10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2}}
@incollection{head2014, author = {Head, Keith and Mayer, Thierry}, title = {Gravity Equations: Workhorse, Toolkit,
  and Cookbook}, booktitle = {Handbook of International Economics}, volume = {4}, pages = {131--195},
  publisher = {Elsevier}, year = {2014}, doi = {10.1016/B978-0-444-54314-1.00003-3}}
"""

ZH_CHAPTER = """\
# 引言 {#sec:intro}

东北亚是世界上经济发展潜力最大的地区之一。辽宁省作为东北老工业基地中唯一的沿海省份，承担着连接中国与东北亚经贸往来的重要任务，
也是中国北方地区参与东北亚区域经济合作的前沿。与黑龙江省和吉林省相比，辽宁省拥有独特的地理优势：大连、营口、锦州等港口
面向日本海和黄海，沈阳是东北地区的交通枢纽，丹东则与朝鲜隔江相望。近年来，随着“一带一路”倡议（Belt and Road Initiative）
的推进和中日韩自由贸易区谈判的重启，辽宁省在东北亚区域合作中的地位日益重要 [@zhang2020]。

本文的数据来自辽宁省统计局（<https://tjj.ln.gov.cn/tjj/tjxx/xxcx/tjnj/index.shtml>）和联合国贸易和发展会议的班轮运输连通性
指数（<https://unctadstat.unctad.org/datacentre/dataviewer/US.LSCI>）。我们首先回顾辽宁省参与东北亚区域合作的现状，然后分析
区域合作对辽宁省经济发展的影响，最后提出相应的对策建议。

# 现状 {#sec:status}

从贸易规模看，二〇二二年辽宁省对日本、韩国、俄罗斯和蒙古的进出口总额约占全省对外贸易的三分之一，其中日本和韩国是最主要的
贸易伙伴。从贸易结构看，辽宁省出口以机电产品、钢材和农产品为主，进口以原油、铁矿砂和高新技术产品为主，产业内贸易的比重
逐年提高。从投资看，日韩企业在大连、沈阳设立了大量制造业企业，辽宁省企业对俄罗斯远东地区的投资也在增加 [@li2019]。

| 港口 | 货物吞吐量（亿吨） | 集装箱吞吐量（万标箱） |
|------|------------------:|----------------------:|
| 大连 | 3.1 | 446 |
| 营口 | 2.1 | 500 |
| 锦州 | 0.8 | 190 |
| 丹东 | 0.5 | 30 |

: 二〇二二年辽宁省主要港口的吞吐量，数据来自各港口集团的年度报告和辽宁省统计年鉴。 {#tbl:ports}

如 @tbl:ports 所示，大连港和营口港是辽宁省对外贸易的主要门户。但是，与东北亚其他主要港口相比，辽宁港口的国际中转功能仍然
较弱，航线网络覆盖面不足，港口之间的同质化竞争较为严重。此外，辽宁省的营商环境、对外开放平台建设和人才储备也存在不少短板，
制约了其在区域合作中发挥更大的作用。

# 对策 {#sec:measures}

第一，推进产业结构调整和升级，发展装备制造、石化和新材料等优势产业，培育面向东北亚市场的新兴产业集群。第二，整合港口资源，
完善集疏运体系，提高港口的国际竞争力，把大连建设成为东北亚国际航运中心。第三，优化营商环境，深化“放管服”改革，提高贸易
投资便利化水平。第四，加强与日本、韩国、俄罗斯和蒙古在能源、农业、旅游和人文等领域的交流合作，构建全方位、多层次的合作
格局。第五，加快中国（辽宁）自由贸易试验区建设，发挥其制度创新的示范作用，为东北亚区域合作提供新的平台和动力。

总之，辽宁省应当抓住东北亚区域合作的新机遇，发挥自身的地理和产业优势，在构建新发展格局中实现
高质量发展 [@zhang2020; @li2019]。
"""

ZH_BIB = """\
@article{zhang2020, author = {Zhang, Wei}, title = {Liaoning in Northeast Asian Economic Cooperation},
  journal = {Northeast Asia Forum}, volume = {29}, number = {3}, pages = {45--58}, year = {2020}}
@book{li2019, author = {Li, Ming}, title = {Ports and Regional Development in Northeast China},
  publisher = {Liaoning People's Publishing House}, address = {Shenyang}, year = {2019}}
"""


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write {relative path: text} under `root`."""
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")


def urls_paper(root: Path) -> None:
    """A paper whose text and references are full of long URLs and DOIs."""
    meta = "title: Port Connectivity and the Trade of Liaoning\nauthors:\n  - name: Yuan Yue\nlang: en\n"
    write_files(
        root,
        {"manuscript/metadata.yaml": meta, "manuscript/01-paper.md": URLS_CHAPTER, "bibliography/refs.bib": URLS_BIB},
    )


def zh_paper(root: Path) -> None:
    """A paper in Chinese (as tests/test_chinese_paper.py makes one), with Latin words, URLs and a table."""
    meta = "title: 东北亚区域合作视角下的辽宁发展\nauthors:\n  - name: 袁月\nlang: zh-CN\n"
    write_files(
        root, {"manuscript/metadata.yaml": meta, "manuscript/01-paper.md": ZH_CHAPTER, "bibliography/refs.bib": ZH_BIB}
    )


PAPERS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "paper": ("this repository's paper", sizes.copy_repository_paper),
    "figures": ("synthetic, 12000 words, 8 figures, 4 tables", lambda root: sizes.generate_project(root, 12000, 2024)),
    "crossref": (
        "tests/fixtures/crossref-paper (equations)",
        lambda root: shutil.copytree(REPO / "tests/fixtures/crossref-paper", root),
    ),
    "urls": ("long URLs and DOIs", urls_paper),
    "zh": ("Chinese, zh-CN", zh_paper),
}

# --------------------------------------------------------------------------------------------------------------------
# The two typesetters


def paperbuild_pdf(project: Path, out: Path) -> Path:
    """The paper typeset by paperbuild (`build.py pdf`)."""
    command = [sys.executable, str(REPO / "build.py"), "pdf", "--project", str(project), "--out", str(out), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"paperbuild failed on {project}:\n{done.stdout}{done.stderr}")
    return out / "paper.pdf"


def latex_pdf(project: Path, out: Path) -> Path:
    """The same paper, as paperbuild reads, cites and numbers it, through pandoc's default LaTeX template."""
    from paperbuild import pandoc
    from paperbuild.document import assemble
    from paperbuild.pipeline import BuildResult, Options, gather, read
    from paperbuild.render.docx import back_matter, front_matter

    result = BuildResult()
    context = gather(read(project, Options(out_dir=out), result), result)
    paper = assemble(context.manuscript, context.project)
    lang = paper.metadata.lang
    meta = {
        "title": {"t": "MetaInlines", "c": paper.title},
        "author": {"t": "MetaList", "c": [{"t": "MetaString", "c": a.name} for a in paper.metadata.authors]},
        "lang": {"t": "MetaString", "c": "en-US" if lang == "en" else lang},
    }
    labels = context.project.style.words(lang).labels
    document = paper.document([*front_matter(paper, labels), *paper.body, *back_matter(paper, labels)], meta)
    out.mkdir(parents=True, exist_ok=True)
    engines = [["--pdf-engine=xelatex", "-V", "CJKmainfont=Noto Serif CJK SC"]] if lang.startswith("zh") else []
    engines = engines or [["--pdf-engine=pdflatex"], ["--pdf-engine=xelatex"]]  # a character pdfLaTeX cannot set
    for engine in engines:
        done = subprocess.run(
            [pandoc.pandoc_path(), "-f", "json", "-o", str(out / "latex.pdf"), *engine],
            input=json.dumps(document).encode(),
            capture_output=True,
            cwd=out,
            check=False,
        )
        if not done.returncode:
            print(f"  typeset with {engine[0].partition('=')[2]}", file=sys.stderr)
            break
    else:
        raise SystemExit(f"pandoc -> LaTeX failed on {project}:\n{done.stderr.decode()[-2000:]}")
    return out / "latex.pdf"


# --------------------------------------------------------------------------------------------------------------------
# Reading a PDF back


@dataclass
class Line:
    """One line of text as pdftotext lays it out."""

    page: int
    block: int
    words: list[str]
    x_min: float
    x_max: float
    y_min: float
    y_max: float
    word_right: list[float]
    word_left: list[float]

    @property
    def gaps(self) -> list[float]:
        """The space between each two words, as a share of the line's height (its font size, give or take)."""
        height = self.y_max - self.y_min
        return [(left - right) / height for right, left in zip(self.word_right, self.word_left[1:], strict=False)]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def read_lines(pdf: Path) -> tuple[list[Line], list[float]]:
    """Every line of the PDF in reading order, and each page's width."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(xml)
    lines: list[Line] = []
    widths: list[float] = []
    block_number = 0
    for page_number, page in enumerate(root.iter(f"{XHTML}page")):
        widths.append(float(page.get("width", "0")))
        for block in page.iter(f"{XHTML}block"):
            block_number += 1
            for line in block.iter(f"{XHTML}line"):
                words = list(line.iter(f"{XHTML}word"))
                if not words:
                    continue
                box = [float(line.get(k, "0")) for k in ("xMin", "xMax", "yMin", "yMax")]
                right = [float(w.get("xMax", "0")) for w in words]
                left = [float(w.get("xMin", "0")) for w in words]
                lines.append(Line(page_number, block_number, [w.text or "" for w in words], *box, right, left))
    return lines, widths


@dataclass
class Figures:
    """What the table reports for one PDF."""

    pages: int
    body_lines: int
    chars_per_line: float
    hyphenated_share: float
    longest_run: int
    overfull_words: int
    url_hyphens: int
    parted_captions: int
    page_end_hyphens: int
    stranded_headings: int
    loose_share: float
    widest_space: float


def furniture(lines: list[Line]) -> set[int]:
    """Indexes of running heads and page numbers: a line of digits alone, or a text repeated at the same height."""
    seen = Counter((line.text, round(line.y_min)) for line in lines)
    return {i for i, line in enumerate(lines) if line.text.isdigit() or seen[(line.text, round(line.y_min))] > 1}


def ends_in_hyphen(line: Line) -> bool:
    """The line's last word ends in a hyphen after a letter (not a dash standing alone)."""
    word = line.words[-1]
    return len(word) > 1 and word.endswith(HYPHENS) and word[-2].isalnum()


def block_edges(lines: list[Line], page_width: float) -> tuple[float, float]:
    """The left and right edges of the text block on pages `page_width` wide: where most wide lines start, and as
    far from the right side of the page (both typesetters centre the block; ragged Chinese lines do not show where
    it ends)."""
    wide = [ln for ln in lines if ln.x_max - ln.x_min >= page_width / 2] or lines
    left = Counter(round(ln.x_min * 2) / 2 for ln in wide).most_common(1)[0][0]
    return left, page_width - left


def source_texts(project: Path) -> tuple[list[str], list[str], list[str]]:
    """The paper's headings, captions and URLs, from its Markdown and BibTeX."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((project / "manuscript").glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((project / "bibliography").glob("*.bib"))]
    joined = "\n".join(texts)
    headings = [re.sub(r"\s*\{.*\}\s*$", "", h).strip() for h in re.findall(r"^#+\s+(.+)$", joined, re.MULTILINE)]
    headings += ["References", "Acknowledgements", "Funding", "参考文献", "致谢"]
    captions = re.findall(r"^: (.+)$", joined, re.MULTILINE) + re.findall(r"!\[([^\]]+)\]", joined)
    urls = [u.rstrip(".,;") for u in URL.findall(joined)]
    urls += [f"doi.org/{doi}" for doi in re.findall(r"doi = \{(.+?)\}", joined)]
    return headings, [c.replace("*", "")[:12] for c in captions], urls


def core(word: str) -> str:
    return word.strip("<>()[].,;:")


def measure(pdf: Path, project: Path) -> Figures:
    """The figures of one PDF."""
    lines, widths = read_lines(pdf)
    skip = furniture(lines)
    headings, captions, urls = source_texts(project)
    kept = [line for i, line in enumerate(lines) if i not in skip]
    edges = {w: block_edges([ln for ln in kept if widths[ln.page] == w], w) for w in set(widths)}
    right = {w: r for w, (_, r) in edges.items()}
    tops = Counter(round(min(ln.y_min for ln in kept if ln.page == p)) for p in {ln.page for ln in kept})
    top = tops.most_common(1)[0][0]

    def is_heading(line: Line) -> bool:
        stripped = re.sub(r"^[\d.]+\s*", "", line.text).replace(" ", "")
        return any(stripped and stripped.startswith(h.replace(" ", "")[:30]) for h in headings)

    def is_caption(line: Line) -> bool:
        rest = CAPTION_START.sub("", line.text).lstrip(".:： ").replace(" ", "")
        return bool(CAPTION_START.match(line.text)) and any(rest.startswith(c.replace(" ", "")[:8]) for c in captions)

    block_width = {w: r - left for w, (left, r) in edges.items()}
    body = [
        ln
        for ln in kept
        if ln.x_max - ln.x_min >= BODY_LINE_SHARE * block_width[widths[ln.page]] and not is_heading(ln)
    ]
    hyphenated = [ends_in_hyphen(ln) for ln in body]
    run = longest = 0
    for flag in (ends_in_hyphen(ln) for ln in kept):  # a shorter line between two ends a run
        run = run + 1 if flag else 0
        longest = max(longest, run)
    overfull = sum(x > right[widths[ln.page]] + EDGE_TOLERANCE for ln in kept for x in ln.word_right)
    url_hyphens = 0
    for a, b in itertools.pairwise(kept):
        if ends_in_hyphen(a):
            start, after = a.words[-1][:-1], b.words[0][:-1] if len(b.words) == 1 and ends_in_hyphen(b) else b.words[0]
            joined, kept_hyphen = core(start + after), core(f"{start}-{after}")
            url_hyphens += any(joined in u for u in urls) and not any(kept_hyphen in u for u in urls)
    pages: dict[int, list[Line]] = {}
    for line in kept:
        pages.setdefault(line.page, []).append(line)
    parted = page_end = stranded = 0
    for on_page in pages.values():
        last, first = on_page[-1], on_page[0]
        page_end += ends_in_hyphen(last) and last in body
        stranded += is_heading(last)
        for line in on_page:
            if is_caption(line) and line.text.startswith(("Table", "表")):
                parted += all(other.block == line.block for other in on_page if other.y_min > line.y_min)
        parted += is_caption(first) and first.text.startswith(("Fig", "图")) and first.y_min - top < 30
    _normal, loose, widest = spacing(kept, body, edges, widths)
    return Figures(
        pages=len(widths),
        body_lines=len(body),
        chars_per_line=statistics.median(len(ln.text) for ln in body) if body else 0.0,
        hyphenated_share=sum(hyphenated) / len(body) if body else 0.0,
        longest_run=longest,
        overfull_words=overfull,
        url_hyphens=url_hyphens,
        parted_captions=parted,
        page_end_hyphens=page_end,
        stranded_headings=stranded,
        loose_share=loose,
        widest_space=widest,
    )


def spacing(
    kept: list[Line], body: list[Line], edges: dict[float, tuple[float, float]], widths: list[float]
) -> tuple[float, float, float]:
    """The normal word space (as a share of the line height), the share of justified body lines whose mean word
    space is more than LOOSE normal spaces, and the widest mean word space of a justified line in normal spaces.

    The normal space is read from the PDF itself, whichever the font: the median space between the words of the lines
    set ragged, which start at the text block's left edge and end short of its right one (a paragraph's last line);
    a justified line is a body line of three words or more that reaches the right edge."""
    left = {w: edge for w, (edge, _) in edges.items()}
    right = {w: edge for w, (_, edge) in edges.items()}
    ragged = [
        gap
        for ln in kept
        if len(ln.words) > 2
        and abs(ln.x_min - left[widths[ln.page]]) < JUSTIFIED_TOLERANCE
        and ln.x_max < right[widths[ln.page]] - 10 * JUSTIFIED_TOLERANCE
        for gap in ln.gaps
    ]
    justified = [ln for ln in body if len(ln.words) > 2 and ln.x_max >= right[widths[ln.page]] - JUSTIFIED_TOLERANCE]
    if not ragged or not justified:
        return 0.0, 0.0, 0.0
    normal = statistics.median(ragged)
    spaces = [statistics.mean(ln.gaps) / normal for ln in justified]
    return normal, sum(space > LOOSE for space in spaces) / len(justified), max(spaces)


# --------------------------------------------------------------------------------------------------------------------


def table(rows: list[tuple[str, str, Figures]]) -> str:
    """The Markdown table of every paper and typesetter."""
    head = (
        "| paper | typesetter | pages | body lines | chars/line | hyphenated | longest run | overfull words "
        "| URL hyphens | parted captions | page-end hyphens | headings at page foot | loose lines | widest space |"
    )
    lines = [head, "|" + "---|" * 2 + "---:|" * 12]
    for paper, setter, f in rows:
        lines.append(
            f"| {paper} | {setter} | {f.pages} | {f.body_lines} | {f.chars_per_line:.0f} | "
            f"{100 * f.hyphenated_share:.1f} % | {f.longest_run} | {f.overfull_words} | {f.url_hyphens} | "
            f"{f.parted_captions} | {f.page_end_hyphens} | {f.stranded_headings} | {100 * f.loose_share:.1f} % | "
            f"{f.widest_space:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--papers", default=",".join(PAPERS), help=f"comma list of {', '.join(PAPERS)}")
    parser.add_argument("--no-latex", action="store_true", help="skip pandoc -> LaTeX")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    options = parser.parse_args(argv)
    names = [n for n in options.papers.split(",") if n]
    unknown = [n for n in names if n not in PAPERS]
    if unknown:
        parser.error(f"unknown paper(s): {', '.join(unknown)}")
    latex = not options.no_latex and shutil.which("pdflatex") is not None
    if not options.no_latex and not latex:
        print("pdflatex not found: LaTeX rows left out", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="typography-"))
    rows: list[tuple[str, str, Figures]] = []
    try:
        for name in names:
            project = work / name / "project"
            PAPERS[name][1](project)
            print(f"[{name}] paperbuild ...", file=sys.stderr)
            rows.append((name, "paperbuild", measure(paperbuild_pdf(project, work / name / "pb"), project)))
            if latex:
                print(f"[{name}] pandoc -> LaTeX ...", file=sys.stderr)
                rows.append((name, "LaTeX", measure(latex_pdf(project, work / name / "latex"), project)))
    finally:
        if options.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    if options.json:
        options.json.write_text(json.dumps([{"paper": p, "typesetter": s, **asdict(f)} for p, s, f in rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
