"""Where an organ sits: province, the area it names, its tier, government or department.

Told from the organ's own name (``江苏省淮安市洪泽区人民政府``); a portal's registered facts
(table ``portals``) take precedence. A county-level city (昆山市) reads as 市级: the name alone
cannot tell it apart.
"""

from __future__ import annotations

import re

PROVINCES = [
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省",
    "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
]
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
_SHORT = {p: re.sub(r"(壮族|回族|维吾尔)?(省|市|自治区|特别行政区)$", "", p) for p in PROVINCES}

# 州 is a unit (自治州, 甘孜州) unless 市 follows: 苏州市 is a city, not 苏州 + 市...
_UNIT = r"(?:自治区|自治州|自治县|自治旗|特别行政区|省|市|州(?!市)|盟|地区|新区|县|区|旗|镇|乡|街道|苏木)"
_AREA = re.compile(rf"^(?:[\u4e00-\u9fff]{{1,9}}?{_UNIT})+")
_TIER = [
    (re.compile(r"(?:省|自治区|特别行政区)$"), "省级"),
    (re.compile(r"(?:镇|乡|街道|苏木)$"), "乡级"),
    (re.compile(r"(?:县|区|旗|自治县|自治旗|新区)$"), "县级"),
    (re.compile(r"(?:市|州|盟|地区|自治州)$"), "市级"),
]
_NATIONAL = re.compile(r"^(?:国务院|国家|中国|中华人民共和国|全国)")
_GOVERNMENT = re.compile(r"(?:人民政府|政府|办事处|人民政府办公室|人民政府办公厅|管理委员会|管委会)$")


def classify(organ: str | None) -> dict:
    """``{"province", "region", "level", "organ_type"}``, each None when the name does not say."""
    out = {"province": None, "region": None, "level": None, "organ_type": None}
    if not organ:
        return out
    out["organ_type"] = "政府" if _GOVERNMENT.search(organ) else "部门"
    m = _AREA.match(organ)
    if not m:
        if _NATIONAL.match(organ):
            out["level"] = "国家级"
        return out
    area = m.group(0)
    out["region"] = area
    if organ == area:  # the parser names a township's government by the township alone
        out["organ_type"] = "政府"
    for prov in PROVINCES:
        if area.startswith(prov) or area.startswith(_SHORT[prov]):
            out["province"] = prov
            break
    if area in _MUNICIPALITIES:
        out["level"] = "省级"
    else:
        for rx, tier in _TIER:
            if rx.search(area):
                out["level"] = tier
                break
    return out
