"""The tables a page's rules draw: every region the rules enclose is a cell, placed on the grid
of the cells' edges; a merged cell spans several slots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from .geometry import Box
from .rules import Rules


class Cell(NamedTuple):
    """A region the rules enclose, spanning grid rows r0 to r1 and columns c0 to c1 (ends
    excluded)."""

    r0: int
    c0: int
    r1: int
    c1: int
    box: Box


@dataclass
class Table:
    box: Box  # the outer border
    cells: list[Cell]
    ys: list[float]  # the rows' edges: row r lies between ys[r] and ys[r + 1]
    ncols: int

    def holds(self, box: Box) -> bool:
        """True if the box's middle lies within the table."""
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        return self.box.x0 <= cx <= self.box.x1 and self.box.y0 <= cy <= self.box.y1


def _cluster(values: list[int], tol: float) -> list[float]:
    values = sorted(values)
    groups = [[values[0]]]
    for v in values[1:]:
        if v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def find_tables(rules: Rules) -> list[Table]:
    """Each connected set of rules that encloses two or more regions is a table; the regions
    are its cells, placed on the grid of their edges. Top to bottom."""
    lines = cv2.dilate(rules.hor | rules.ver, np.ones((3, 3), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    tables = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if w < 150 or h < 40:
            continue
        free = np.where(lab[y:y + h, x:x + w] == i, 0, 255).astype(np.uint8)
        m, _, cstats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
        boxes = []
        for j in range(1, m):
            cx, cy, cw, ch, area = cstats[j]
            if cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h:
                continue  # outside the outer border
            if cw < 10 or ch < 10 or area < 0.6 * cw * ch:
                continue  # a gap between double rules, or a region the rules do not close
            boxes.append(Box(int(x + cx), int(y + cy), int(x + cx + cw), int(y + cy + ch)))
        if len(boxes) < 2:
            continue
        # Neighbouring cells' edges lie a rule's width apart: one grid line.
        xs = _cluster([b.x0 for b in boxes] + [b.x1 for b in boxes], 10)
        ys = _cluster([b.y0 for b in boxes] + [b.y1 for b in boxes], 10)
        cells = []
        for b in boxes:
            c0, c1 = _nearest(xs, b.x0), _nearest(xs, b.x1)
            r0, r1 = _nearest(ys, b.y0), _nearest(ys, b.y1)
            if c1 > c0 and r1 > r0:
                cells.append(Cell(r0, c0, r1, c1, b))
        if len(cells) < 2:
            continue
        tables.append(Table(Box(int(x), int(y), int(x + w), int(y + h)), cells, ys,
                            max(c.c1 for c in cells)))
    tables.sort(key=lambda t: (t.box.y0, t.box.x0))
    return tables
