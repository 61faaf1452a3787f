"""Text as ``pdftotext -layout`` prints it: columns kept by runs of spaces, a table's rows line
by line, a label too long for its cell broken over the lines above and below its numbers, a
number too wide for its cell broken too (``9,06`` over ``6``), page numbers between the rows.

``layout_rows`` turns such text into the rows the mapper reads: each line's labels and numbers,
with the digits a narrow cell pushed onto the next line put back at the end of their number,
and the pages' numbers left out.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from ..document import Row
from ..numbers import CUT, UNSURE, is_placeholder, parse_number

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
MIN_GAPPED_LINES = 3
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


def _shape(text: str) -> str:
    """A token as its digits read (full-width ２，８ as 2,8; a joined number's parts as one)."""
    return unicodedata.normalize("NFKC", text.replace(CUT, ""))


def _digits(text: str) -> bool:
    return bool(_DIGITS.match(_shape(text)))


def _cut(text: str) -> bool:
    return bool(_UNFINISHED.search(_shape(text)))


def _tokens(line: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(line):
        t = m.group(0)
        out.append(Token(m.start(), m.end(), t, parse_number(t) is not None
                         or is_placeholder(t) or _digits(t)))
    return out


def _overlaps(a: Token, b: Token) -> bool:
    return a.start < b.end and b.start < a.end


def _wrapped(upper: list[Token], lower: list[Token], row_named) -> tuple[dict, bool] | None:
    """If the lower line's numbers stand under the upper line's numbers and the lower line is
    not a row of its own (a numbered row, or a label that names a row other than the upper
    line's): which numbers (index in upper → the lower tokens under it), and whether they surely
    end those numbers, cut by a narrow cell. Surely: the line's only label is a label's continuation (a cell's text goes
    on below, its number too), or it has no label and fewer numbers, a lone number under a lone
    number, or ends a number visibly cut (9,06). Otherwise which numbers end where cannot
    be told."""
    ups = [i for i, t in enumerate(upper) if t.number]
    downs = [t for t in lower if t.number]
    if not ups or not downs:
        return None
    joined: dict[int, list[Token]] = {}
    for t in downs:
        over = [i for i in ups if _overlaps(upper[i], t)]
        if len(over) != 1 or not _digits(t.text):
            joined = _in_order(upper, ups, downs)
            if joined is None:
                return None
            break
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
    # One number visibly cut makes the line a continuation: a row of its own would not leave
    # the line above unfinished.
    cut = any(_cut(upper[i].text) for i in joined)
    return joined, len(downs) < len(ups) or len(ups) == 1 or cut


def _in_order(upper: list[Token], ups: list[int], downs: list[Token]) -> dict | None:
    """A line's Chinese characters are one column each but twice as wide, so a line with few of
    them sets its numbers apart from the columns of a line with many: when the lower line's
    numbers do not stand under the upper's, they still end the upper line's numbers visibly cut
    (9,06) if there are as many of those, one by one from the left."""
    cut = [i for i in ups if _cut(upper[i].text)]
    if len(cut) != len(downs) or not all(_digits(t.text) for t in downs):
        return None
    return {i: [t] for i, t in zip(cut, downs)}


def _beside(upper: list[Token], line: list[Token]) -> bool:
    """Whether a line holds only a label of the column before upper's row label (（四）无 | 法提供
    printed beside the rows it spans): such a line may stand between a row whose number a
    narrow cell cut (２５３) and the line that goes on with the rest (作 … ０)."""
    labels = [t for t in upper if not t.number]
    return bool(labels) and not any(t.number for t in line) and all(
        t.end <= labels[0].start for t in line)


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
        if not (adjacent[i] and adjacent[i + 1]):
            continue
        if not labels:
            _centred_label(above, row, below)
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
                _digits(a.text) and _digits(b.text) for a, b in pairs):
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
                row.append(Token(min(a.start, b.start), max(a.end, b.end), a.text + CUT + b.text,
                                 True))
        row.sort(key=lambda t: t.start)
        above[:] = [t for t in above if not t.number]
        below[:] = [t for t in below if not t.number]


def _pairs(ups: list[Token], downs: list[Token]) -> list[tuple[Token, Token]]:
    """Each number of the upper line with the one number under it, if they pair one to one."""
    pairs = []
    for a in ups:
        under = [b for b in downs if _overlaps(a, b)]
        if len(under) != 1 or sum(_overlaps(x, under[0]) for x in ups) != 1:
            return []
        pairs.append((a, under[0]))
    if len(pairs) != len(downs) or not all(_digits(a.text) and _digits(b.text) for a, b in pairs):
        return []
    return pairs


def _centred_label(above: list[Token], row: list[Token], below: list[Token]) -> None:
    """A row three lines tall, set in the middle: its label on the lines above and below the
    line of its numbers, each number too wide for one line cut over those two lines too (its
    first part above, the rest below, none on the middle line). Each pair becomes one number of
    the middle line; in place."""
    ups = [t for t in above if t.number]
    downs = [t for t in below if t.number]
    if not ups or not downs or not row:
        return
    first = min(t.start for t in row + ups + downs if t.number)
    if any(t.end > first for t in above + below if not t.number):
        return
    pairs = _pairs(ups, downs)
    if not pairs or any(_overlaps(t, a) or _overlaps(t, b) for t in row for a, b in pairs):
        return
    for a, b in pairs:
        row.append(Token(min(a.start, b.start), max(a.end, b.end), a.text + CUT + b.text, True))
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
    for raw in text.split("\n"):  # a page break (\f) is no gap: a cell may go on over it
        raw = raw.lstrip("\f")
        if not raw.strip() or _PAGE_NUMBER.match(raw):
            gap = True
            continue
        lines.append(_tokens(raw))
        adjacent.append(not gap)
        gap = False
    _centred(lines, adjacent)
    out: list[list[Token]] = []
    upper: list[Token] | None = None  # the line whose numbers the next line may go on
    across = False  # a label of the column before stands between upper and this line
    for tokens, adj in zip(lines, adjacent):
        if not tokens:
            upper = None
            continue
        if upper is not None and adj and not across and _beside(upper, tokens):
            out.append(tokens)
            across = True
            continue
        if upper is not None and adj:
            wrapped = _wrapped(upper, tokens, row_named)
            if wrapped and across and all(t.number for t in tokens):
                # Bare numbers under a label of the column before may be the next row's,
                # set above its label: only a line that goes on upper's label goes on its
                # numbers.
                wrapped = None
            if wrapped:
                joined, sure = wrapped
                for k, ends in joined.items():
                    u = upper[k]
                    text = CUT.join([u.text, *(e.text for e in ends)]) if sure else UNSURE
                    upper[k] = Token(u.start, max(u.end, *(e.end for e in ends)), text, True)
                if sure:
                    # What is left is the label's continuation; the numbers may go on below it.
                    tokens = [t for t in tokens if not t.number]
                    if tokens:
                        out.append(tokens)
                    across = False
                    continue
        across = False
        if len(tokens) == 1 and _BARE_NUMBER.match(tokens[0].text) and not adj:
            upper = None
            continue  # a page's number
        out.append(tokens)
        upper = tokens if any(t.number for t in tokens) else None
    for tokens in out:
        # A number cut that could not be pieced together again (9,06 alone), or pieced together
        # into no number (a part left elsewhere): unsure.
        for k, t in enumerate(tokens):
            if t.number and parse_number(t.text) is None and not is_placeholder(t.text):
                tokens[k] = Token(t.start, t.end, UNSURE, True)
    return [Row([_line(tokens)], laid_out=True) for tokens in out]
