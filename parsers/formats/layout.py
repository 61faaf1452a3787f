"""Text as ``pdftotext -layout`` prints it: columns kept by runs of spaces, a table's rows line
by line, a label too long for its cell broken over the lines above and below its numbers, a
number too wide for its cell broken too (``9,06`` over ``6``), page numbers between the rows.

``layout_rows`` turns such text into the rows the mapper reads: each line's labels and numbers,
with the digits a narrow cell pushed onto the next line put back at the end of their number,
and the pages' numbers left out.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..document import Row
from ..numbers import UNSURE, is_placeholder, parse_number

_GAP = re.compile(r"\S {2,}\S")
_TOKEN = re.compile(r"\S+")
# A page's number, as a line of its own: -3-, — 1 —, 第3页, 3/6; a bare 3 may be the end of a
# number cut by its cell instead, and is dropped only if it is not.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|"
                          r"\d{1,3}\s*/\s*\d{1,3})\s*$")
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
# A number that cannot be whole: its last thousands group short (9,06), or a decimal point last.
_UNFINISHED = re.compile(r"(?:,\d{0,2}|[.,])$")
# What a number cut in two looks like, either half (9,06 and 6; 12. and 5).
_DIGITS = re.compile(r"^[-+]?\d[\d,]*\.?\d*$|^[.,]\d+$")
MIN_GAPPED_LINES = 5
# A row's own numbering (一、 （一） 1．): a line that has one is a row, not a continuation.
_MARKER = re.compile(r"[一二三四五六七八九十]\s*、|[（(]\s*[一二三四五六七八九十]\s*[)）]|\d{1,2}\s*[.．、]\S")


class Token(NamedTuple):
    start: int
    end: int
    text: str
    number: bool


def is_layout(text: str) -> bool:
    """Text laid out in columns by spaces (not tabs): a table's cells stand apart on its lines."""
    if "\t" in text:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    gapped = sum(1 for ln in lines if _GAP.search(ln))
    return gapped >= max(MIN_GAPPED_LINES, len(lines) // 20)


def _tokens(line: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(line):
        t = m.group(0)
        out.append(Token(m.start(), m.end(), t, parse_number(t) is not None
                         or is_placeholder(t) or bool(_DIGITS.match(t))))
    return out


def _overlaps(a: Token, b: Token) -> bool:
    return a.start < b.end and b.start < a.end


def _wrapped(upper: list[Token], lower: list[Token], row_named) -> tuple[dict, bool] | None:
    """If the lower line's numbers stand under the upper line's numbers and the lower line is
    not a row of its own (a numbered row, or a label that names a row other than the upper
    line's): which numbers (index in upper → the lower tokens under it), and whether they surely
    end those numbers, cut by a narrow cell. Surely: the line's only label is a label's continuation (a cell's text goes
    on below, its number too), or it has no label and fewer numbers, a lone number under a lone
    number, or ends only numbers visibly cut (9,06). Otherwise which numbers end where cannot
    be told."""
    ups = [i for i, t in enumerate(upper) if t.number]
    downs = [t for t in lower if t.number]
    if not ups or not downs:
        return None
    joined: dict[int, list[Token]] = {}
    for t in downs:
        over = [i for i in ups if _overlaps(upper[i], t)]
        if len(over) != 1 or not _DIGITS.match(t.text):
            return None
        joined.setdefault(over[0], []).append(t)
    labels = [t for t in lower if not t.number]
    label = " ".join(t.text for t in labels)
    first = upper[ups[0]].start
    if labels and (any(t.end > first for t in labels) or _MARKER.search(label)):
        return None  # a row of its own
    if labels and row_named(label) is not None:
        named = row_named(" ".join(t.text for t in upper if not t.number))
        if named is not None and named != row_named(label):
            return None  # another row, unnumbered (行政规范性文件 under 规章)
    if labels:
        return joined, True
    cut = all(_UNFINISHED.search(upper[i].text) for i in joined)
    return joined, len(downs) < len(ups) or len(ups) == 1 or cut


def _line(tokens: list[Token]) -> str:
    """A line again, labels apart from each other by two spaces, numbers by one."""
    parts: list[str] = []
    prev: Token | None = None
    for t in tokens:
        if prev is not None:
            gap = t.start - prev.end
            parts.append("  " if (gap >= 2 and not (t.number and prev.number)) else " ")
        parts.append(t.text)
        prev = t
    return "".join(parts)


def _centred(lines: list[list[Token]], adjacent: list[bool]) -> None:
    """Numbers cut over two lines in a cell set in the middle of its row: the first part on
    the line above the row's line, the rest on the line below, those lines holding no other
    number (only, at their left, a label of the column before, 三、本年度办理结果 broken over
    lines). Each pair (one above, one under it) becomes one number on the row's line. A pair
    around a number of the row's line is a number cut in three, which cannot be read for sure —
    unless the part above goes on a number of the line above it (a cell that flows down from
    its top): then these are two rows' numbers, each cut in two, and are left to ``_wrapped``.
    In place: the parts are taken off the lines above and below."""
    for i in range(1, len(lines) - 1):
        above, row, below = lines[i - 1], lines[i], lines[i + 1]
        labels = [t for t in row if not t.number]
        if not (adjacent[i] and adjacent[i + 1]) or not labels:
            continue
        left = labels[0].start  # the row's label; labels left of it are another column's
        ups = [t for t in above if t.number]
        downs = [t for t in below if t.number]
        if not ups or not downs or any(t.end > left for t in above + below if not t.number):
            continue
        pairs = []
        for a in ups:
            under = [b for b in downs if _overlaps(a, b)]
            if len(under) != 1 or sum(_overlaps(x, under[0]) for x in ups) != 1:
                pairs = []
                break
            pairs.append((a, under[0]))
        if not pairs or len(pairs) != len(downs) or not all(
                _DIGITS.match(a.text) and _DIGITS.match(b.text) for a, b in pairs):
            continue
        middle = {id(a): [k for k, t in enumerate(row) if t.number and _overlaps(t, a)]
                  for a, _ in pairs}
        if any(middle.values()) and i >= 2 and adjacent[i - 1] and any(
                t.number and _overlaps(t, a) for t in lines[i - 2] for a, _ in pairs):
            continue
        for a, b in pairs:
            if middle[id(a)]:
                for k in middle[id(a)]:
                    row[k] = Token(row[k].start, row[k].end, UNSURE, True)
            else:
                row.append(Token(min(a.start, b.start), max(a.end, b.end), a.text + b.text, True))
        row.sort(key=lambda t: t.start)
        above[:] = [t for t in above if not t.number]
        below[:] = [t for t in below if not t.number]


def layout_rows(text: str, row_named=lambda label: None) -> list[Row]:
    """The text's rows: one per line, labels and numbers as the mapper reads a PDF's text
    lines; numbers a narrow cell cut over two lines joined again (a number whose parts cannot
    be told for sure is UNSURE), page numbers dropped. ``row_named(label)``: the row a label
    names, if any (a line naming another row than the line above is a row of its own, not
    that line's continuation)."""
    lines: list[list[Token]] = []
    adjacent: list[bool] = []  # each line is the line just under the one before (no blank)
    gap = True
    for raw in text.splitlines():  # a page break (\f) is no gap: a cell may go on over it
        raw = raw.lstrip("\f")
        if not raw.strip() or _PAGE_NUMBER.match(raw):
            gap = True
            continue
        lines.append(_tokens(raw))
        adjacent.append(not gap)
        gap = False
    _centred(lines, adjacent)
    out: list[list[Token]] = []
    joinable = False  # the last line kept is the one just above, and holds numbers
    for tokens, adj in zip(lines, adjacent):
        if not tokens:
            joinable = False
            continue
        if joinable and adj:
            wrapped = _wrapped(out[-1], tokens, row_named)
            if wrapped:
                joined, sure = wrapped
                upper = out[-1]
                for k, ends in joined.items():
                    u = upper[k]
                    text = u.text + "".join(e.text for e in ends) if sure else UNSURE
                    upper[k] = Token(u.start, max(u.end, *(e.end for e in ends)), text, True)
                if sure:
                    tokens = [t for t in tokens if not t.number]
                    if not tokens:
                        continue
        if len(tokens) == 1 and _BARE_NUMBER.match(tokens[0].text) and not adj:
            joinable = False
            continue  # a page's number
        out.append(tokens)
        joinable = any(t.number for t in tokens)
    return [Row([_line(tokens)], laid_out=True) for tokens in out]
