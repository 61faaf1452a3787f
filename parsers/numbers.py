"""Reading the numbers of a table cell.

Cells arrive as printed: full-width digits, thousands separators, units, and the dashes or
``无`` that mean "nothing to report". A cell is one of: a number, a placeholder (not a number,
reported as absent with a warning), or text (a label).
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_MINUS = "\u2212\u2013\u2010\u2011\ufe63"
_WRAP = re.compile(r"[ \t\u3000]*[\r\n]+[ \t\u3000]*")
# A full-width point or comma set with a space after it (３２． ４４, １， ６６０): the space is
# the mark's width.
POINT_SPACE = re.compile(r"(\d)([.．]) (\d)|(\d)([,，]) (\d{3})(?!\d)")


def join_marks(text: str) -> str:
    """３２． ４４ → ３２．４４, １， ６６０ → １，６６０ (see POINT_SPACE)."""
    return POINT_SPACE.sub(lambda m: "".join(g for g in m.groups() if g), text)

_SPLIT_DIGITS = re.compile(r"\d[ ,.]* [ ,.]*\d")
_UNIT = re.compile(r"(万元|元|件|条|项|个|次|人次|份)$")
# What a cell holds when there is nothing to report.
PLACEHOLDERS = {"—", "——", "-", "--", "/", "／", "无", "－", "―", "－－", "‐", "…", "\\", "空", "x", "X", "×", "–", "−"}
# What an extractor puts in a number's place when it cannot read the number for sure (part of
# it may be on another line): it keeps the row's count of cells, and is never a number.
UNSURE = "(?)"
# What joins the parts of a number pieced together from the lines a narrow cell cut it over (a
# laid-out page) or from both sides of a page break: it reads as one number, known to be pieced.
CUT = "\u2060"


def normalize(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) and collapsed white space."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalised text with every space removed: labels broken over lines compare equal."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def parse_number(text: str | None) -> int | float | None:
    """The number a cell holds, or None if it holds none."""
    if text is None:
        return None
    # A number wrapped in a narrow cell ("16\n4") is one number; "1 6 0" on one line is three
    # (or one misread), never joined into 160.
    s = join_marks(normalize(_WRAP.sub("", text.replace(CUT, ""))))
    if _SPLIT_DIGITS.search(s):
        return None
    s = s.replace(" ", "")
    if not s:
        return None
    s = _UNIT.sub("", s)
    if len(s) > 1 and s[0] in _MINUS:
        s = "-" + s[1:]  # a minus sign set as U+2212 or a dash (OCR reads either)
    if not _NUMBER.match(s):
        return None
    s = s.replace(",", "")
    if "." in s:
        value = float(s)
        return value
    return int(s)


def is_cut(text: str) -> bool:
    """The number was pieced together (CUT): from the lines of a page laid out by spaces, or
    over a page break; a part may have stood elsewhere. (A grid cell's lines are its own.)"""
    return CUT in text


def format_number(value: int | float) -> str:
    """A cell's number as a person writes it: 12, 0.5, 96171.6 (no trailing .0)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def is_placeholder(text: str | None) -> bool:
    """True for ``—``, ``/``, ``无`` and the like: a cell that says there is no number."""
    if text is None:
        return False
    return compact(text) in PLACEHOLDERS or text.strip() == UNSURE
