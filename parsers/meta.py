"""Whether a file is a report at all, and which template a report uses."""

from __future__ import annotations

import re
from typing import NamedTuple

from . import schema
from .numbers import compact
from .titles import TitleParts

# A section heading of a report (both templates, and the free-form reports before 2019).
_SECTIONS = {
    "overview": r"总体情况|概述|基本情况",
    "active": r"主动公开",
    "requests": r"收到和处理|依申请公开",
    "fees": r"收费|减免",
    "appeals": r"行政复议|行政诉讼",
    "problems": r"存在的主要问题|改进情况",
    "other": r"其他需要报告",
}
_HEADING = re.compile(r"(?:^|[\s。；;）)])[一二三四五六七八]\s*[、.．]\s*[^\n]{0,12}?(?:"
                      + "|".join(f"(?P<{k}>{v})" for k, v in _SECTIONS.items()) + ")", re.M)
# Labels only the template's tables print: a blank form has them, a report has them filled.
_TABLE_LABELS = re.compile(r"本年新收|上年结转|予以公开|部分公开|不予公开|无法提供|不予处理|结转下年|"
                           r"本年制发件数|本年新制作数量|信息内容|尚未审结|复议后起诉|直接起诉")
MIN_SECTIONS = 3
MIN_TABLE_LABELS = 6


class Kind(NamedTuple):
    kind: str    # "report" or "not_a_report"
    status: str  # one line for the user


def sections(text: str) -> set[str]:
    """Which of a report's sections have their numbered heading in the text."""
    found = set()
    for m in _HEADING.finditer(text):
        found.update(k for k, v in m.groupdict().items() if v)
    return found


def table_labels(text: str) -> int:
    return len(set(_TABLE_LABELS.findall(compact(text))))


def find_kind(text: str, title: TitleParts | None, named: bool, tables: int,
              hinted: bool = False) -> Kind:
    """A report: two of the template's tables hold numbers, or one does under a report's title
    or sections, or it has a report's title of its own and a report's sections or table labels.
    Not a report: a blank form of the template (tables that hold no number, no organ, no year),
    a document about a report (its 解读, a 通知 that publishes it), a page that only names one,
    anything else. ``named``: the document itself (not what the caller knows of it) names an
    organ or a year; ``hinted``: the caller's hints name the report (a link's text, a page's
    title), which makes a document with a report's sections and no title of its own one."""
    heads = sections(text)
    labels = table_labels(text)
    own_title = title is not None and not title.about
    if tables >= 2 or (tables == 1 and (own_title or len(heads) >= 2)):
        return Kind("report", f"report: {tables} of the template's 3 tables hold numbers")
    if labels >= MIN_TABLE_LABELS and not named:
        return Kind("not_a_report", "not a report: a blank form of the report template (its "
                                    "tables hold no number, it names no organ and no year)")
    if title is not None and title.about:
        return Kind("not_a_report", "not a report: a document about a report (its title is "
                                    "of a 解读 or a notice), with none of its tables")
    if own_title and (len(heads) >= MIN_SECTIONS or labels >= MIN_TABLE_LABELS):
        return Kind("report", "report: its tables hold no numbers that could be read; text only")
    if not own_title and len(heads) >= MIN_SECTIONS + 1 and (named or hinted):
        return Kind("report", "report without a title of its own: its sections, no table "
                              "numbers that could be read")
    if own_title:
        return Kind("not_a_report", "not a report: it names a report but holds none of a "
                                    "report's sections or tables")
    return Kind("not_a_report", "not a report: no report title, none of a report's sections "
                                "and none of its tables")


def find_template(text: str, year: int | None, has_cells: bool) -> str:
    """The template: told by the wording only one template prints, else by the year; a
    document with neither is taken for 2021 if it has tables, else for a pre-2019 report."""
    t21 = len(set(schema.TEMPLATE_WORDS["2021"].findall(text)))
    t19 = len(set(schema.TEMPLATE_WORDS["2019"].findall(text)))
    if t21 or t19:
        return "2021" if t21 >= t19 else "2019"
    if year is not None:
        if year >= 2021:
            return "2021"
        if year >= 2019:
            return "2019"
        return "pre2019"
    return "2021" if has_cells else "pre2019"
