"""What changed in a report between two versions: cells, text, or only the page around it.

Plain functions over plain values; the archive feeds them stored versions and keeps what they
find in its ``changes`` table.
"""

from __future__ import annotations

import difflib
import re

Key = tuple[str, str, str]

# Where a report's own text starts and ends inside a web page: the title or section 一 opens
# it, section 六 (or the last table) closes it; around it are navigation, dates and widgets.
_START = re.compile(r"(?:19|20)\d{2}\s*年\s*度?\s*(?:政府)?信息公开\s*(?:工作)?\s*(?:年度)?\s*报\s*告|"
                    r"^[#\s]*一\s*[、.．]\s*总体情况", re.M)
_END = re.compile(r"^[#\s]*六\s*[、.．]\s*其他需要报告的事项", re.M)
_PARAGRAPH_END = re.compile(r"\n\s*\n")
# Lines of page furniture that change without the report changing.
_CHROME_LINE = re.compile(r"(浏览次数|浏览量|访问量|访问者|阅读数|阅读量|阅读次数|点击数|点击量|"
                          r"点击率|点击\s*[:：]|下载次数|已下载\s*\d+\s*次|已分享|发布时间|更新时间|"
                          r"打印|关闭|字号|分享到|当前位置|首页|版权所有|备案|网站地图|联系我们|"
                          r"相关链接|相关文章|星期[一二三四五六日天]|政务日历|今天是|"
                          r"\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日)")
# A line of nothing but numbers, dates and punctuation (a counter, a clock).
_NUMBERS_ONLY = re.compile(r"^[\s\d:：/.\-年月日时分秒()（）|]*$")
_CHROME_MAX = 80   # a longer line is prose, whatever it mentions


def is_chrome_line(line: str) -> bool:
    line = line.strip()
    return bool(_NUMBERS_ONLY.match(line)) or (len(line) < _CHROME_MAX
                                               and bool(_CHROME_LINE.search(line)))


def cell_changes(old: dict[Key, float | int], new: dict[Key, float | int]) -> list[dict]:
    """Every cell added, removed or changed, in table order."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a != b:
            table, row, col = key
            out.append({"table": table, "row": row, "col": col, "old": a, "new": b})
    return out


def report_body(text: str) -> str:
    """The report's own text, without the page chrome around it."""
    m = _START.search(text)
    start = m.start() if m else 0
    end = len(text)
    e = _END.search(text, start)
    if e:
        # Section 六 runs to the end of its paragraphs: stop at the first chrome line after it.
        tail = text[e.end():]
        lines = tail.splitlines()
        kept = []
        for line in lines:
            if _CHROME_LINE.search(line) and len(line) < 60:
                break
            kept.append(line)
        end = e.end() + len("\n".join(kept))
    body = text[start:end]
    return "\n".join(line.strip() for line in body.splitlines() if line.strip())


def text_diff(old: str, new: str, old_name: str = "old", new_name: str = "new",
              context: int = 2) -> str:
    """A unified diff of two texts, line by line."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name,
                                 n=context, lineterm="")
    return "\n".join(lines)


def classify_revision(old_text: str, new_text: str, old_cells: dict, new_cells: dict) -> str:
    """'content' when the report's cells or own text changed, else 'chrome_only': every line
    that differs (outside the report's body, or anywhere if the body cannot be told) is page
    furniture — a date, a counter, a navigation line."""
    if cell_changes(old_cells, new_cells):
        return "content"
    a, b = report_body(old_text), report_body(new_text)
    if a == b:
        return "chrome_only"
    for line in difflib.unified_diff(a.splitlines(), b.splitlines(), n=0, lineterm=""):
        if line.startswith(("---", "+++", "@@")):
            continue
        if not is_chrome_line(line[1:]):
            return "content"
    return "chrome_only"
