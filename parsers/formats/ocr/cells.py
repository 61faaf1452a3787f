"""The cells of a table: the text lines in each, and the table's grid of slots.

Each text line of a cell is found on the page's text ink (the rules taken out) and recognised
from its own crop, so a line of text never runs across a rule into the next cell. A merged cell
is one region spanning several grid slots, whose covered slots are ``None`` as in the other
extractors.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from .geometry import Box, Span, merge_runs, runs
from .reading import clean_cell, numberish
from .rules import Rules
from .tables import Table


class CellInk(NamedTuple):
    """What a cell holds: its text lines' boxes, or only a dash (no lines)."""

    lines: list[Box]
    dash: bool


class LineText(NamedTuple):
    """What a cell's text line reads, and the height of its middle on the page."""

    y: float
    text: str


def text_ink(dark: np.ndarray, rules: Rules) -> np.ndarray:
    """The ink of the text: dark enough, clear of the rules, without a scan's specks."""
    near_rules = cv2.dilate(rules.hor | rules.ver, np.ones((5, 5), np.uint8))
    ink = np.where((dark > 45) & (near_rules == 0), 255, 0).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] <= 3
    specks[0] = False
    ink[specks[lab]] = 0
    return ink


def char_height(text_ink: np.ndarray, tables: list[Table], line_h: float) -> float:
    """Typical height of a line of text inside the tables."""
    heights = []
    for t in tables:
        for x0, y0, x1, y1 in (c.box for c in t.cells):
            sub = text_ink[y0 + 2:y1 - 2, x0 + 2:x1 - 2]
            if sub.size:
                heights.extend(b - a for a, b in merge_runs(runs(sub.any(axis=1)), 2)
                               if b - a >= 8)
    return float(np.percentile(heights, 75)) if heights else 0.65 * line_h


def _split_band(counts: np.ndarray, a: int, b: int, char_h: float) -> list[Span]:
    """A band of ink taller than a line of text is lines set close together (their gap
    bridged by a descender or a speck): cut it where it is emptiest, a line's height from
    either end."""
    if b - a < 1.6 * char_h:
        return [Span(a, b)]
    lo, hi = a + int(0.7 * char_h), b - int(0.7 * char_h)
    if hi <= lo:
        return [Span(a, b)]
    cut = lo + int(np.argmin(counts[lo:hi]))
    return _split_band(counts, a, cut, char_h) + _split_band(counts, cut + 1, b, char_h)


def cell_lines(text_ink: np.ndarray, box: Box, char_h: float) -> CellInk:
    """The text lines of a cell, in page coordinates; or a dash, for a cell that holds only a
    short horizontal stroke (printed for "nothing to report")."""
    x0, y0, x1, y1 = box
    inset = 2
    sub = text_ink[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    if sub.size == 0:
        return CellInk([], False)
    # A row holds text if a few of its pixels are ink: a scan's specks do not join two lines,
    # and a lone narrow digit (1, 0) in a wide cell still counts.
    counts = np.count_nonzero(sub, axis=1)
    least = max(2.0, min(0.01 * sub.shape[1], 0.12 * char_h))
    rows = merge_runs(runs(counts >= least), max(2, int(0.35 * char_h)))
    rows = [part for a, b in rows for part in _split_band(counts, a, b, char_h)]
    lines = []
    dash = False
    for a, b in rows:
        band = sub[a:b]
        cols = np.flatnonzero(band.any(axis=0))
        if len(cols) == 0:
            continue
        width = int(cols[-1] - cols[0] + 1)
        if b - a < 0.3 * char_h:
            if width >= 0.5 * char_h and b - a <= 0.2 * char_h + 2:
                dash = True
            continue  # a dash, or a speck
        if np.count_nonzero(band) < 6:
            continue
        lines.append([x0 + inset + int(cols[0]), y0 + inset + a,
                      x0 + inset + int(cols[-1]) + 1, y0 + inset + b])
    if not lines and dash:
        return CellInk([], True)
    # Ink within a few pixels of a rule was taken out with the rule, and with it the top
    # stroke of a character in a tight row (三 read as 二, 申 as 甲): widen each line into the
    # space around it, up to the cell's edge or halfway to the next line.
    pad = max(3, int(0.35 * char_h))
    for k, ln in enumerate(lines):
        above = (lines[k - 1][3] + ln[1]) // 2 if k else y0
        below = (ln[3] + lines[k + 1][1]) // 2 if k + 1 < len(lines) else y1
        ln[0], ln[2] = max(x0, ln[0] - pad), min(x1, ln[2] + pad)
        ln[1], ln[3] = max(above, ln[1] - pad), min(below, ln[3] + pad)
    return CellInk([Box(*ln) for ln in lines], False)


def assemble_grid(t: Table, texts: dict[int, list[LineText]], dashes: set[int],
                  dark: np.ndarray, char_h: float) -> list[list[str | None]]:
    """The table's slots: each cell's text in its top-left slot, None in the slots it covers.

    A rule the scan lost merges two rows' cells: their numbers come out stacked in one cell.
    Where every number cell of a row holds the same count of stacked lines, the row is split
    between them; a cell spanning rows whose stacked lines fall in different rows is split
    the same way. A number wrapped inside its own cell stays one number."""
    ys = list(t.ys)
    single: dict[int, list[int]] = {}
    for ci, (r0, _, r1, _, _) in enumerate(t.cells):
        if r1 == r0 + 1:
            single.setdefault(r0, []).append(ci)
    extra: list[float] = []
    for r, cis in single.items():
        numeric = [ci for ci in cis if texts.get(ci) and all(numberish(x) for _, x in texts[ci])]
        counts = {len(texts[ci]) for ci in numeric}
        if len(numeric) >= 2 and len(counts) == 1 and (k := counts.pop()) >= 2:
            # The lost rule lies between consecutive numbers: where the number columns are
            # darkest (a faint rule), away from the numbers themselves.
            boxes = [t.cells[ci].box for ci in numeric]
            cols = np.concatenate([np.arange(b.x0, b.x1) for b in boxes])
            for j in range(1, k):
                lo = float(np.median([sorted(texts[ci])[j - 1].y for ci in numeric]))
                hi = float(np.median([sorted(texts[ci])[j].y for ci in numeric]))
                a, b = int(lo + 0.5 * char_h), int(hi - 0.5 * char_h)
                if b > a:
                    profile = dark[a:b][:, cols].mean(axis=1)
                    extra.append(float(a + int(np.argmax(profile))))
                else:
                    extra.append((lo + hi) / 2)
    edges = sorted(ys + extra)

    def row_of(y: float) -> int:
        return max(0, min(len(edges) - 2, int(np.searchsorted(edges, y)) - 1))

    slots: list[list[str | None]] = [[None] * t.ncols for _ in range(len(edges) - 1)]
    for ci, (r0, c0, r1, _, _) in enumerate(t.cells):
        top = edges.index(ys[r0])
        bottom = edges.index(ys[r1])
        if ci in dashes:
            slots[top][c0] = "—"
            continue
        lines = sorted(texts.get(ci, []))
        groups: dict[int, list[str]] = {}
        for yc, txt in lines:
            groups.setdefault(min(max(row_of(yc), top), bottom - 1), []).append(txt)
        splittable = all(numberish(x) for _, x in lines) or r1 == r0 + 1
        if len(groups) >= 2 and splittable:
            for r, parts in groups.items():
                slots[r][c0] = clean_cell("\n".join(parts))
        else:
            slots[top][c0] = clean_cell("\n".join(x for _, x in lines))
    return slots
