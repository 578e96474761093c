"""The words each supported language uses for what paperbuild writes itself, not the author.

Takes the document's language (a BCP 47 tag, metadata `lang`); gives `Words`: how numbered things are named in
captions and cross-references ("Figure 1", "图 1"), and the labels of the paper's parts ("Abstract", "摘要") that
the HTML page, the PDF and the DOCX print. English unless the language is Chinese.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Words:
    """How a language names what is numbered and the parts of a paper."""

    single: dict[str, str]
    """Kind -> template for one reference, e.g. "Figure {}" (the {} takes the number)."""
    several: dict[str, str]
    """Kind -> template for a group, e.g. "Figures {}" (the {} takes "1 and 2" or "1–3")."""
    caption: dict[str, str]
    """Kind -> template for a caption label, e.g. "Figure {}."."""
    last_joiner: str
    """Between the last two numbers of a group: " and "."""
    labels: dict[str, str]
    """Part -> its heading or label: abstract, keywords, acknowledgements, funding, contributions (the authors' CRediT
    roles), references, figures and tables (the headings of those a style moves after the references), placeholder
    (the line left where one was: "[{} about here]", the {} taking "Figure 1"), corresponding (the corresponding
    author's line), anonymous (the byline of a paper under double-blind review), backlink (what a screen reader says
    for a reference's link back to the text), received, revised and accepted (the history's dates, the {} taking the
    date), license (the label of the licence's line), equal (the note under the byline that explains the equal
    contributors' mark †), funded and grant (the funding statement printed from a list of funders, the {} taking the
    funders, then a grant's number); and the punctuation around them: colon (ends an inline label), space (after that
    colon), separator (between keywords and history dates)."""
    joiner: str = ", "
    """Between the other numbers of a group."""
    numerals: dict[str, str] = field(default_factory=dict)
    """Kind -> how its numbers are written, when not "arabic": "upper-roman" for IEEE's "TABLE I" (numbering.py)."""


ENGLISH = Words(
    single={"sec": "Section {}", "fig": "Figure {}", "tbl": "Table {}", "eq": "Eq. {}", "lst": "Listing {}"},
    several={"sec": "Sections {}", "fig": "Figures {}", "tbl": "Tables {}", "eq": "Eqs. {}", "lst": "Listings {}"},
    caption={"fig": "Figure {}.", "tbl": "Table {}.", "lst": "Listing {}."},
    last_joiner=" and ",
    labels={
        "abstract": "Abstract",
        "keywords": "Keywords",
        "acknowledgements": "Acknowledgements",
        "funding": "Funding",
        "contributions": "Author contributions",
        "references": "References",
        "figures": "Figures",
        "tables": "Tables",
        "placeholder": "[{} about here]",
        "corresponding": "Corresponding author",
        "anonymous": "Anonymous author(s) — manuscript submitted for double-blind review",
        "backlink": "back to the text",
        "received": "Received {}",
        "revised": "revised {}",
        "accepted": "accepted {}",
        "license": "Licence",
        "equal": "These authors contributed equally.",
        "funded": "This work was supported by {}.",
        "grant": " (grant {})",
        "colon": ":",
        "space": " ",
        "separator": "; ",
    },
)
CHINESE = Words(
    single={"sec": "第 {} 节", "fig": "图 {}", "tbl": "表 {}", "eq": "式 {}", "lst": "代码 {}"},
    several={"sec": "第 {} 节", "fig": "图 {}", "tbl": "表 {}", "eq": "式 {}", "lst": "代码 {}"},
    caption={"fig": "图 {}", "tbl": "表 {}", "lst": "代码 {}"},
    last_joiner="、",
    labels={
        "abstract": "摘要",
        "keywords": "关键词",
        "acknowledgements": "致谢",
        "funding": "基金项目",
        "contributions": "作者贡献",
        "references": "参考文献",
        "figures": "附图",
        "tables": "附表",
        "placeholder": "[{}置于此处]",
        "corresponding": "通讯作者",
        "anonymous": "匿名作者——双盲评审稿件",
        "backlink": "返回正文",
        "received": "收稿日期：{}",
        "revised": "修回日期：{}",
        "accepted": "录用日期：{}",
        "license": "许可协议",
        "equal": "同等贡献作者",
        "funded": "本研究受{}资助。",
        "grant": "\uff08项目编号：{}\uff09",  # full-width parentheses
        "colon": "：",
        "space": "",
        "separator": "；",
    },
    joiner="、",
)


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def printed_date(date: datetime.date, lang: str) -> str:
    """A date as journals of the language print it: "5 January 2026", 2026年1月5日."""
    if words_for(lang) is CHINESE:
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def words_for(lang: str) -> Words:
    """The words of the document's language (BCP 47 tag); English unless it is Chinese."""
    return CHINESE if lang.lower().split("-")[0] == "zh" else ENGLISH
