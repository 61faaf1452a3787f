"""The shapes the OCR steps hand one another: boxes on the page and runs along a line."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Box(NamedTuple):
    """A rectangle in page pixels: x0, y0 included, x1, y1 not."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


class Span(NamedTuple):
    """[start, end) along one line of pixels."""

    start: int
    end: int


def runs(mask_1d: np.ndarray) -> list[Span]:
    """The runs of True."""
    padded = np.concatenate(([False], mask_1d, [False]))
    d = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [Span(a, b) for a, b in zip(d[0::2].tolist(), d[1::2].tolist())]


def merge_runs(spans: list[Span], gap: int) -> list[Span]:
    """Runs no more than `gap` apart joined into one."""
    out: list[list[int]] = []
    for a, b in spans:
        if out and a - out[-1][1] <= gap:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [Span(a, b) for a, b in out]


def line_height(boxes: list[Box]) -> float:
    """The typical height of the page's text lines (as the detector boxed them)."""
    hs = [b.height for b in boxes if b.width > b.height]
    return float(np.median(hs)) if hs else 40.0
