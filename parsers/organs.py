"""Organ names as reports print them: where a name ends, the form the archive keeps, and whether
two names stand for the same organ."""

from __future__ import annotations

import re

from .numbers import compact

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "Ｏ": "0", "O": "0"}
_CN_YEAR = re.compile(r"[二][〇○零Ｏ O][一二三四五六七八九〇○零Ｏ O]{2}(?=\s*年)")

ORGAN_END = re.compile(r"(人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|管理委员会|管委会|"
                       r"委员会|政府|局|委|厅|署|办|院|中心|街道办事处|办事处|街道|镇|乡|苏木|站|队|所|会|"
                       r"区|县|市|州|旗|盟|省|处|社|部|团|场)$")
# What a name may be made of: Chinese characters, brackets and the middle dot.
_NAME = re.compile(r"^[\u4e00-\u9fff（）()·]{2,40}$")
# A blank form's stand-ins for a name (XX县, ××单位, （单位名称）) are no organ.
_PLACEHOLDER = re.compile(r"[XxＸｘ×＊*_＿]|单位名称|机关名称|[（(]市、?区[)）]|[（(]县、?市、?区[)）]")
# Words of a page or a report, never of an organ's name.
_NOT_A_NAME = re.compile(r"信息公开|年报|报告|首页|当前位置|栏目|附件|^(?:人民)?政府|^(?:我|该|各)")
# A county name can be one character and 县 (泗县, 蠡县): the province or city before it is optional.
_COUNTY_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|州|盟|地区))?[\u4e00-\u9fff]{1,5}?(?:县|区|市|旗)"
                            r"(?=[\u4e00-\u9fff]{1,8}(?:乡|镇|街道|苏木))")
_TOWNSHIP = re.compile(r"(乡|镇|街道|苏木)(人民政府|政府|办事处)?$")
_NOISE = re.compile(r"^(?:关于|印发|公布|发布|现将)")
# The office that compiles a report on its organ's behalf (县政府办公室 for 县人民政府).
_OFFICE = re.compile(r"(?:办公室|办公厅|办)$")
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")


def cn_year(text: str) -> str:
    """二〇二三年 → 2023年 (only a year, before 年)."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS.get(c, c) for c in m.group(0)), text)


def clean_organ(raw: str | None) -> str | None:
    """The organ as the archive keeps it, or None if ``raw`` is no organ's name.

    A township is named without its county (彭阳县小岔乡人民政府 → 小岔乡人民政府) and X镇政府
    is the township itself (X镇); a province before a city and county is dropped."""
    if not raw:
        return None
    organ = compact(raw).strip("（）()·《》“”\"'")
    organ = _NOISE.sub("", organ)
    end = ORGAN_END.search(organ)
    if (not _NAME.match(organ) or _PLACEHOLDER.search(organ) or _NOT_A_NAME.search(organ)
            or end is None or end.start() == 0):
        return None
    if organ.count("市") + organ.count("州") > 1:
        organ = re.sub(r"^[\u4e00-\u9fff]*?(?:省|自治区)(?=[\u4e00-\u9fff]+(?:市|州|盟))", "", organ)
    m = _COUNTY_PREFIX.match(organ)
    if m and _TOWNSHIP.search(organ):
        organ = organ[m.end():]
    # "X镇政府" is the short form of "X镇人民政府": the documents name the township itself.
    if organ.endswith("政府") and not organ.endswith("人民政府") and _TOWNSHIP.search(organ):
        organ = organ[:-2]
    return organ if len(organ) >= 2 else None


def _core(name: str) -> str:
    """The place and body a name stands for, without 人民政府 or the office that speaks for it."""
    name = _OFFICE.sub("", name)
    return _GOVERNMENT.sub("", name)


def same_organ(a: str, b: str) -> bool:
    """Two names of one organ: one is the other with its region before it (洪泽区人民政府,
    淮安市洪泽区人民政府), with or without 人民政府, or its office (县政府办公室 for 县人民政府)."""
    if a == b:
        return True
    ca, cb = _core(a), _core(b)
    if len(ca) < 2 or len(cb) < 2:
        return False
    return ca.endswith(cb) or cb.endswith(ca)

