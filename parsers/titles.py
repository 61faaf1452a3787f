"""A report's title, however it is worded: the organ and the statistics year it names.

A title names the report (政府信息公开工作年度报告) with its year and usually its organ, in
either order: ``尹庄镇人民政府2023年政府信息公开工作年度报告``, ``2023年某某乡人民政府政府信息公开
工作年度报告``, ``某某市某某局2023年度政府信息公开工作年度报告``, ``某某县人民政府政府信息公开工作
年度报告（2023年度）``, ``某某县政府信息公开工作2023年度报告``. ``read_title`` takes a string that
is a title and nothing else (a line, a table cell, a link's text, a file name); ``find_in_prose``
finds a title quoted inside a sentence (现将《…年度报告》公布如下).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .numbers import compact
from .organs import clean_organ, cn_year

# What the report is called, after its organ and year (or around its year).
_CORE = r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:工作)?报告"
_YEAR = r"(?P<year>(?:19|20)\d{2})年度?"
_ORGAN = r"(?P<organ>[\u4e00-\u9fff（）()·]{2,40}?)"
# Whole-title forms, tried in order on the compacted string.
_FORMS = [re.compile(f"^{p}$") for p in (
    rf"{_ORGAN}(?:关于)?{_YEAR}(?:的)?{_CORE}",                      # organ, year, report
    rf"{_YEAR}(?:的)?{_ORGAN}(?:关于)?{_CORE}",                      # year, organ, report
    rf"{_ORGAN}{_CORE}[（(]{_YEAR}[)）]",                           # organ, report, (year)
    rf"{_ORGAN}(?:政府)?(?:信息公开|政务公开)(?:工作)?{_YEAR}(?:的)?(?:工作)?报告",  # …工作2023年度报告
    rf"{_ORGAN}?{_YEAR}(?:的)?(?:政府)?(?:信息公开|政务公开)(?:工作)?年报",     # …2023年政府信息公开年报
    rf"{_YEAR}(?:的)?{_CORE}",                                      # year, report
    rf"{_CORE}[（(]{_YEAR}[)）]",                                    # report, (year)
    rf"{_ORGAN}{_CORE}",                                            # organ, report
)]
_NAMES_A_REPORT = re.compile(r"报告|年报")
_IS_ABOUT = re.compile(r"解读|图解|一图读懂|问答|的通知|的公告|印发|关于公布|关于发布")
# Decoration around a title: markdown, a file's extension, 全文, a number before it.
_LEAD = re.compile(r"^(?:#+|\*+|【[^】]*】|\[[^\]]*\]|(?:附件)?\d{0,2}[:：.、]|标题[:：]|名称[:：])+")
# (a site's name after a dash, as a page's <title> has it: …年度报告_某某县人民政府)
_TRAIL = re.compile(r"(?:\.(?:pdf|docx?|wps|xlsx?|et|html?|txt|ofd)|[（(](?:全文|[^（）()]{0,6}[版稿]|修订|"
                    r"更正|pdf|word|\d{1,2})[)）]|全文|\*+|[-_|｜—–][^报]*|[。.])+$", re.I)
_PROSE_TITLE = re.compile(r"(?:[《“\"]|^)(?P<t>[^《》“”\"。；;，,：:]{4,80}?" + _CORE + r"(?:[（(][^)）]{0,12}[)）])?)"
                          r"(?:[》”\"]|$)")
_PROSE_ORGAN_YEAR = re.compile(
    r"(?P<organ>[\u4e00-\u9fff（）()·]{2,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?" + _CORE)
_PROSE_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})年度?(?:的)?" + _CORE)
_PROSE_LEAD = ("现将", "特编制", "编制", "发布", "本报告由", "根据", "现公布", "公布", "本报告是",
               "是", "为", "即", "对")
# 统计期限自2023年1月1日起至2023年12月31日止: the statistics year, in the body.
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计时间|数据统计|统计期|时间范围)[^。]{0,12}?((?:19|20)\d{2})年1月1日"
                     r"(?:[^。]{0,6}?(?:至|到|-|—|~)[^。]{0,4}?((?:19|20)\d{2})年12月31日)?")


class TitleParts(NamedTuple):
    organ: str | None
    year: int | None
    about: bool = False  # a document about the report (解读, 通知), not the report itself


def _strip(text: str) -> str:
    text = compact(cn_year(text)).replace("\u3000", "")
    prev = None
    while prev != text:
        prev = text
        text = _LEAD.sub("", text)
        text = _TRAIL.sub("", text)
        text = text.strip("《》“”\"'「」『』 ")
    return text


def read_title(text: str | None) -> TitleParts | None:
    """The organ and year a report's title names, if ``text`` is such a title and nothing else;
    ``about`` when the title is of a document about a report (its 解读, a 通知 that publishes it)."""
    if not text:
        return None
    s = _strip(text)
    if not _NAMES_A_REPORT.search(s) or len(s) > 90:
        return None
    about = bool(_IS_ABOUT.search(s))
    if about:
        s = re.sub(r"^(?:图解|解读|一图读懂)[:：]?|(?:的)?(?:政策)?(?:解读|图解|问答)$", "", s)
        s = re.sub(r"^.*?关于(?:印发|公布|发布)?[《“]?|[》”]?的(?:通知|公告)$", "", s)
    for form in _FORMS:
        m = form.match(s)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        organ = None
        raw = groups.get("organ")
        if raw:
            if raw.endswith("人民"):  # the report's 政府 is the organ's own (某某县人民政府信息公开…)
                raw += "政府"
            organ = clean_organ(raw)
            if organ is None:
                continue
        if organ is None and year is None:
            return None
        return TitleParts(organ, year, about)
    return None


def find_in_prose(text: str) -> TitleParts | None:
    """The organ and year of a report's title quoted in a sentence (特编制渠沟镇2021年度政府信息
    公开工作年度报告, 现将《…》公布如下), the first such."""
    flat = compact(cn_year(text))
    organ = year = None
    for m in _PROSE_TITLE.finditer(flat):
        parts = read_title(m.group("t"))
        if parts and not parts.about:
            return parts
    m = _PROSE_ORGAN_YEAR.search(flat)
    if m:
        raw = re.split(r"[#:：、，。\s《》“”\"]", m.group("organ"))[-1]
        for pre in _PROSE_LEAD:
            if pre in raw:
                raw = raw.split(pre)[-1]
        organ = clean_organ(raw)
        year = int(m.group("year"))
    else:
        m = _PROSE_YEAR.search(flat)
        if m:
            year = int(m.group("year"))
    if organ is None and year is None:
        return None
    return TitleParts(organ, year)


def period_year(text: str) -> int | None:
    """The year of the statistics period the body states (统计期限自2023年1月1日…), if one year."""
    m = _PERIOD.search(compact(text))
    if not m:
        return None
    start, end = m.group(1), m.group(2)
    if end and end != start:
        return None
    return int(start)
