"""The 落款 at a report's end: the organ that signs it and the date under it.

    某某县人民政府
    2024年1月15日

The date may be in Chinese numerals (二〇二四年一月十五日) and on the organ's line; page numbers,
attachments and a page's footer may follow. A date that is no calendar date (2月30日) is said and
ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from .numbers import compact
from .organs import clean_organ

_CN = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
       "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"\d{1,2}|[一二三四五六七八九十廿卅]{1,3}"
_DATE = re.compile(rf"(?P<y>(?:19|20)\d{{2}}|二[〇○零ＯO一二三四五六七八九]{{3}})年(?P<m>{_NUM})月(?P<d>{_NUM})日$")
# Lines that may follow the signature: page numbers, a page's furniture.
_AFTER = re.compile(r"^(?:[-—－]?\d{1,3}[-—－]?|第\d+页(?:共\d+页)?|\d+/\d+|附件.*|(?:主办|承办|网站标识码|"
                    r"ICP|公安机关备案|联系电话|联系我们|网站地图|版权所有|Copyright|技术支持|地址|邮编|扫一扫|"
                    r"打印|关闭|分享|【|相关链接|上一篇|下一篇|浏览次数|访问量).*)$", re.I)
TAIL_LINES = 40  # the signature is among the document's last lines (a page's footer may follow)


class Signature(NamedTuple):
    organ: str | None      # as the archive keeps it (organs.clean_organ)
    date: dt.date | None
    printed: str           # the lines as printed, for messages
    warnings: list[str]


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN.get(tens, None) if tens else 1
        o = _CN.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return _CN.get(text) if len(text) == 1 else None


def read_date(text: str) -> tuple[dt.date | None, str | None]:
    """A printed date ending ``text`` (2024年1月15日, 二〇二四年一月十五日): (date, None), or
    (None, why) when it is printed but is no date, or (None, None) when there is none."""
    m = _DATE.search(compact(text))
    if not m:
        return None, None
    y = m.group("y")
    year = int(y) if y.isdigit() else int("".join(str(_CN[c]) for c in y))
    month, day = _cn_number(m.group("m")), _cn_number(m.group("d"))
    if month is None or day is None:
        return None, f"'{m.group(0)}' is not a date"
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"'{m.group(0)}' is not a date"


def find_signature(text: str) -> Signature | None:
    """The signature among the document's last lines: a date on a line of its own (or after the
    organ on its line), the organ's name on the line above it if there is one."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    tail = lines[-TAIL_LINES:]
    for i in range(len(tail) - 1, -1, -1):
        line = tail[i]
        flat = compact(line)
        m = _DATE.search(flat)
        if not m:
            continue
        before = flat[:m.start()]
        organ = None
        if before:
            organ = clean_organ(before)
            if organ is None:
                continue  # a date inside a sentence or after a label (发布日期：…)
        elif i > 0:
            organ = clean_organ(tail[i - 1])
        # Only page furniture may stand between the signature and the end.
        if organ is None and not all(_AFTER.match(compact(x)) for x in tail[i + 1:]):
            continue
        date, why = read_date(flat)
        printed = line if before or i == 0 or organ is None else f"{tail[i - 1]} {line}"
        warnings = [f"signature: {why}; ignored"] if why else []
        return Signature(organ, date, printed, warnings)
    return None
