"""Reading text lines: the crops the recogniser sees, and what is mended in what it reads.

Numbers read by OCR are data a person did not type. A number read with low confidence is read
again from a second crop and the surer reading kept; a lone stroke is told apart (1, 7, /) by its
shape; a cell that is numeric but for a letter (``O`` for ``0``, ``l`` for ``1``) is mended;
nothing else is guessed. The template's consistency checks then flag a misread digit.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from ...numbers import parse_number
from .engine import Reading, recognise
from .geometry import Box

TEXT_FRACTION = 0.5  # of a crop's height that its text fills (the recogniser's input is 48 high)
SURE = 0.95  # a number read with less confidence is read again


def read_lines(gray: np.ndarray, crops: list[np.ndarray], lines: list[Box | None]) -> list[Reading]:
    """What each crop reads. lines[i] is the box crop i was cut from in a table's cell (read
    again if need be, its lone stroke told by its shape), None for text outside the tables."""
    texts = recognise(crops)
    _reread(gray, lines, texts)
    for i, (txt, score) in enumerate(texts):
        if lines[i] is not None and len(txt) == 1 and txt in _STEMS:
            shape = _stem_glyph(crops[i])
            # The recogniser seldom reads a 7 that is not one; it reads 7 and / as 1.
            if shape and not (txt == "7" and shape == "/"):
                texts[i] = Reading(shape, score)
    return texts


def crop(gray: np.ndarray, box: Box, fraction: float = TEXT_FRACTION) -> np.ndarray:
    """A line of text with a white margin; the text fills `fraction` of the crop's height
    (the recogniser's work grows with the width it sees at its fixed height)."""
    x0, y0, x1, y1 = box
    h, w = gray.shape
    line = gray[max(0, y0 - 1):min(h, y1 + 1), max(0, x0 - 1):min(w, x1 + 1)]
    th = line.shape[0]
    pv = max(2, int(round(th * (1 / fraction - 1) / 2)))
    ph = max(2, int(round(th * 0.25)))
    return cv2.copyMakeBorder(line, pv, pv, ph, ph, cv2.BORDER_CONSTANT, value=255)


_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0",
                             "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "]": "1",
                             "[": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                             "g": "9", "q": "9"})
_DASHES = set("-—–―─一－_~")


def numberish(text: str) -> bool:
    """Digits, possibly misread as look-alike letters: what a number cell gives."""
    t = text.replace(" ", "")
    if not t or len(t) > 14 or not any(ch.isdigit() for ch in t):
        return False
    return parse_number(t.translate(_CONFUSABLE)) is not None


_ALONE = {"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "○": "0", "l": "1", "I": "1",
          "|": "1"}
_MIDDOT = re.compile(r"(?<=\d)\s*[·•・]\s*(?=\d)")
_ITEM_DOT = re.compile(r"^(\d{1,2})\s*[·•・]")


def clean_cell(text: str) -> str:
    """Mend a number cell's look-alike letters and a dash read as 一; leave other cells."""
    t = text.strip()
    if t and len(t) <= 3 and set(t) <= _DASHES:
        return "—"
    if t in _ALONE:  # a cell of one character that looks like a digit is that digit
        return _ALONE[t]
    # A full stop set in the middle of its box (full-width ．) reads as a middle dot: between
    # digits it is a decimal point, after an item's number the item's full stop.
    t = _ITEM_DOT.sub(r"\1.", _MIDDOT.sub(".", t))
    if " " not in t and numberish(t):
        digits = sum(ch.isdigit() for ch in t)
        if digits * 2 >= len(t):  # mostly digits already: the letters are misreadings
            return t.translate(_CONFUSABLE)
    return t


def _reread(gray: np.ndarray, lines: list[Box | None], texts: list[Reading]) -> None:
    """Read again, from a looser crop, each number read with low confidence; keep the surer
    reading (in place)."""
    redo = [i for i, (t, s) in enumerate(texts) if s < SURE and numberish(t)
            and lines[i] is not None]
    if not redo:
        return
    again = recognise([crop(gray, lines[i], fraction=0.4) for i in redo])
    for i, reading in zip(redo, again):
        if reading.score > texts[i].score and numberish(reading.text):
            texts[i] = reading


_STEMS = set("1Il|/\\7i!LJTtfr")


def _stem_glyph(image: np.ndarray) -> str | None:
    """Tell 1, 7 and / apart by their shape: a cell's lone stroke is read as 1 whatever its
    slant or bar. A 7 has its bar at the top, 1 its foot at the bottom, / neither and leans
    right. None when the shape says nothing sure."""
    ink = (image < 128).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    big = stats[:, cv2.CC_STAT_AREA] > 3
    big[0] = False
    if not big.any():
        return None
    ys, xs = np.nonzero(big[lab])
    h = int(ys.max() - ys.min() + 1)
    if h < 8 or len(ys) < 10:
        return None
    slope = float(np.polyfit(ys - ys.mean(), xs - xs.mean(), 1)[0])
    band = max(1, h // 5)

    def spread(rows: np.ndarray) -> float:
        cols = np.flatnonzero(rows.any(axis=0))
        return (cols[-1] - cols[0] + 1) / h if len(cols) else 0.0

    top = spread(big[lab][ys.min():ys.min() + band])
    bottom = spread(big[lab][ys.max() - band + 1:ys.max() + 1])
    if top >= 0.5 and bottom < 0.4:
        return "7"
    if slope <= -0.2 and top < 0.3 and bottom < 0.3:
        return "/"
    if abs(slope) < 0.15 and bottom >= 0.45 and top < 0.5:
        return "1"
    return None
