"""Which organ issued a report, which year its statistics cover, and which template it uses."""

from __future__ import annotations

import re
from typing import NamedTuple

from . import schema
from .numbers import compact

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "Ｏ": "0", "O": "0"}
_CN_YEAR = re.compile(r"[二][〇○零Ｏ O][一二三四五六七八九〇○零Ｏ O]{2}(?=年)")

# "<organ><year>年(度)政府信息公开(工作)年度报告" in a title.
_TITLE = re.compile(
    r"(?P<organ>[\u4e00-\u9fff（）()·]{2,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*"
    r"(?:的)?(?:政府)?信息公开\s*(?:工作)?\s*(?:年度)?\s*报\s*告")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:政府)?信息公开")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计时间|数据统计)[^。]{0,10}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_ORGAN_END = re.compile(r"(人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|管理委员会|管委会|"
                        r"委员会|政府|局|委|厅|署|办|院|中心|街道办事处|办事处|街道|镇|乡|苏木|站|队|所|会|"
                        r"区|县|市|州|旗|盟|省|处|社|部|团|场)$")
# A county name can be one character and 县 (泗县, 蠡县): the province or city before it is optional.
_COUNTY_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|州|盟|地区))?[\u4e00-\u9fff]{1,5}?(?:县|区|市|旗)"
                            r"(?=[\u4e00-\u9fff]{1,8}(?:乡|镇|街道|苏木))")
_TOWNSHIP = re.compile(r"(乡|镇|街道|苏木)(人民政府|政府|办事处)?$")
_NOISE = re.compile(r"^(?:关于|印发|公布|发布)")


class Issuer(NamedTuple):
    organ: str | None
    year: int | None  # the year the statistics cover


def _cn_year(text: str) -> str:
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS.get(c, c) for c in m.group(0)), text)


def _clean_organ(organ: str) -> str:
    organ = organ.strip("（）() ·")
    organ = _NOISE.sub("", organ)
    organ = re.sub(r"^[\u4e00-\u9fff]*?(?:省|自治区)(?=[\u4e00-\u9fff]+(?:市|州|盟))", "", organ) \
        if organ.count("市") + organ.count("州") > 1 else organ
    m = _COUNTY_PREFIX.match(organ)
    if m and _TOWNSHIP.search(organ):
        organ = organ[m.end():]
    # "X镇政府" is the short form of "X镇人民政府": the documents name the township itself.
    if organ.endswith("政府") and not organ.endswith("人民政府") and _TOWNSHIP.search(organ):
        organ = organ[:-2]
    return organ


def find_year_and_organ(text: str, title: str | None = None) -> Issuer:
    """Organ and statistics year from the title (or the document's first lines), then the body."""
    head_lines = [ln for ln in text.splitlines()[:15] if ln.strip()]
    candidates = []
    if title:
        candidates.append(compact(_cn_year(title)))
    # Titles are often broken over two or three lines.
    head = compact(_cn_year("".join(head_lines[:6])))
    candidates.append(head)
    organ = year = None
    for cand in candidates:
        m = _TITLE.search(cand)
        if m:
            year = int(m.group("year"))
            organ_raw = m.group("organ")
            # The organ name is the tail of what precedes the year, after any markup.
            organ_raw = re.split(r"[#:：、，。\s]", organ_raw)[-1]
            if organ_raw and _ORGAN_END.search(organ_raw):
                organ = _clean_organ(organ_raw)
            break
    body = compact(_cn_year(text[:20000]))
    if year is None:
        m = _YEAR_IN_TITLE.search(body)
        if m:
            year = int(m.group(1))
    if year is None:
        m = _PERIOD.search(body)
        if m:
            year = int(m.group(1))
    if organ is None:
        m = _TITLE.search(body)
        if m:
            organ_raw = re.split(r"[#:：、，。\s《》“”\"]", m.group("organ"))[-1]
            for pre in ("现将", "特编制", "编制", "发布", "本报告由", "根据"):
                if pre in organ_raw:
                    organ_raw = organ_raw.split(pre)[-1]
            if organ_raw and _ORGAN_END.search(organ_raw):
                organ = _clean_organ(organ_raw)
    return Issuer(organ, year)


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
