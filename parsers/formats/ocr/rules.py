"""Ruling lines: where a page's rules are, found on its ink with the text taken out.

A scan's rules are faint, broken, and cut where text is set against them; characters touch
them in cramped rows. The masks here mend what a real scan does to rules and tell a rule from a
character's stroke, so that every region the rules enclose is one cell.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from .geometry import Box, runs

LINE_DARKNESS = 18  # a rule's darkness against the paper, averaged along it (0-255)


class Rules(NamedTuple):
    """The page's rules as masks (255 on a rule)."""

    hor: np.ndarray
    ver: np.ndarray


def darkness(gray: np.ndarray) -> np.ndarray:
    """How much darker than the paper around it each pixel is (0 on paper): a grey or uneven
    scan background drops out."""
    h, w = gray.shape
    f = 8
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(small, np.ones((7, 7), np.uint8))
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.GaussianBlur(cv2.subtract(paper, gray), (3, 3), 0)


def _open(img: np.ndarray, kw: int, kh: int) -> np.ndarray:
    return cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh)))


def _anchored(seg: np.ndarray, other: np.ndarray, horizontal: bool, reach: int = 7) -> np.ndarray:
    """The segments whose two ends meet a line of the other direction, as rules do, and those
    that cross two lines of the other direction or more: the rules of a table that runs on
    to the next page end in the open at the page's foot (and start so at the next page's head)."""
    near = cv2.dilate(other, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(seg, connectivity=8)
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if horizontal:
            ends = near[y:y + h, x:x + 3].any() and near[y:y + h, x + w - 3:x + w].any()
            along = other[y:y + h, x:x + w].any(axis=0)
        else:
            ends = near[y:y + 3, x:x + w].any() and near[y + h - 3:y + h, x:x + w].any()
            along = other[y:y + h, x:x + w].any(axis=1)
        keep[i] = ends or len(runs(along[3:-3])) >= 2
    return np.where(keep[lab], 255, 0).astype(np.uint8)


def _closed(hor: np.ndarray, ver: np.ndarray, clear: int, reach: int = 7) -> np.ndarray:
    """The horizontal rules, with a rule drawn where three vertical rules or more end together
    in the open (a table broken off at the foot of a page, or taken up at the head of the
    next): the last row's cells are closed as the page shows them."""
    near = cv2.dilate(hor, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    ends: list[tuple[int, int, int]] = []  # (y, x0, x1) of each open end
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        # Open, and at the table's edge: no horizontal rule beyond it for a while (inside
        # a table, a stroke that stops short of a rule is a character's).
        x0, x1 = max(0, x - 3), x + w + 3
        if not near[y:y + 3, x:x + w].any() and not hor[max(0, y - clear):y, x0:x1].any():
            ends.append((int(y), int(x), int(x + w)))
        if (not near[y + h - 3:y + h, x:x + w].any()
                and not hor[y + h:y + h + clear, x0:x1].any()):
            ends.append((int(y + h - 1), int(x), int(x + w)))
    out = hor.copy()
    h = hor.shape[0]
    loose = []
    for y, x0, x1 in ends:
        # An open end level with a horizontal rule that stops short of it (the head of a
        # page where only some columns are ruled across) is joined to that rule.
        band = hor[max(0, y - 6):min(h, y + 7)]
        rows = np.count_nonzero(band, axis=1)
        if rows.max(initial=0) == 0:
            loose.append((y, x0, x1))
            continue
        r = max(0, y - 6) + int(np.argmax(rows))
        xs = np.flatnonzero(hor[r])
        near_x = int(xs[np.argmin(np.abs(xs - (x0 + x1) / 2))])
        cv2.line(out, ((x0 + x1) // 2, r), (near_x, r), 255, 3)
    ends = sorted(loose)
    group: list[tuple[int, int, int]] = []
    for e in ends + [(10 ** 9, 0, 0)]:
        if group and e[0] - group[0][0] > 6:
            if len(group) >= 3:
                y = int(round(sum(g[0] for g in group) / len(group)))
                x0, x1 = min(g[1] for g in group), max(g[2] for g in group)
                cv2.line(out, (x0, y), (x1, y), 255, 3)
            group = []
        group.append(e)
    return out


def without_text(dark: np.ndarray, ink: np.ndarray, boxes: list[Box], line_h: float) -> np.ndarray:
    """The page's darkness with the detected characters taken out: each connected piece of ink
    that lies inside a text box and is not a thin stroke (a faint rule breaks into thin pieces)
    is removed, with its anti-aliased rim."""
    inside = np.zeros(ink.shape, np.uint8)
    for x0, y0, x1, y1 in boxes:
        inside[max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2] = 1
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    counted = np.bincount(lab[inside > 0], minlength=n)
    thick = max(5, int(0.2 * line_h))
    text = ((counted >= 0.98 * stats[:, cv2.CC_STAT_AREA]) & (stats[:, cv2.CC_STAT_WIDTH] >= thick)
            & (stats[:, cv2.CC_STAT_HEIGHT] >= thick))
    text[0] = False
    gone = cv2.dilate(text[lab].astype(np.uint8), np.ones((3, 3), np.uint8))
    return np.where(gone > 0, 0, dark).astype(np.uint8)


def line_masks(line_dark: np.ndarray, ink: np.ndarray, boxes: list[Box], line_h: float) -> Rules:
    """Horizontal and vertical rules. A scan's faint, broken rules are found on the page's
    darkness with the text taken out, averaged along the rule (bridging gaps, evening out
    noise) and over a pixel of wobble across it; darkness is capped first, so that a black
    stroke is not smeared past its end, and what is thick (text left in, where it touches a
    rule) is dropped. Solid horizontal rules are also taken as long runs of ink, which holds
    where text between two close rules touches both."""
    h, w = line_dark.shape
    hk = max(60, w // 28)
    d = np.minimum(line_dark, 60)
    solid = _open(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8)), hk, 1)
    hor = cv2.dilate(cv2.blur(d, (9, 1)), np.ones((3, 1), np.uint8))
    hor = _open(np.where(hor > LINE_DARKNESS, 255, 0).astype(np.uint8), hk, 1)
    hor = _open(_thin(hor, horizontal=True), hk, 1) | solid
    # What is left is long runs only: bridge the gaps left where a rule passed close to text.
    hor = cv2.morphologyEx(hor, cv2.MORPH_CLOSE, np.ones((1, 31), np.uint8))
    # The vertical kernel must be shorter than the lowest table row and longer than most
    # strokes of a character: take it from the spacing of the horizontal rules.
    ys = np.flatnonzero((hor > 0).any(axis=1))
    gaps = np.diff(ys)
    gaps = gaps[gaps > 12]
    vk = int(np.clip(0.6 * gaps.min(), 15, 60)) if len(gaps) else 30
    ver = cv2.dilate(cv2.blur(d, (1, 9)), np.ones((1, 3), np.uint8))
    ver = _open(np.where(ver > LINE_DARKNESS, 255, 0).astype(np.uint8), 1, vk)
    ver = _open(_thin(ver, horizontal=False), 1, vk)
    # Where a character touches a rule (a label set flush against its cell's edge) the two
    # were thinned away together, leaving a gap a character high.
    ver = _grown(ver, (d > LINE_DARKNESS) & (cv2.dilate(hor, np.ones((3, 1), np.uint8)) == 0),
                 1.2 * line_h)
    # A rule runs from one horizontal rule to the next; a character's stroke touching a rule
    # stops short of the other one.
    ver = _anchored(ver, hor, horizontal=False, reach=5)
    ver = _aligned(ver, hor, float(np.median(gaps)) if len(gaps) else 40.0)
    ver = _outside_text(ver, hor, ink, boxes)
    hor = _closed(_anchored(hor, ver, horizontal=True), ver, int(2 * line_h))
    # A rule whose end was thinned away where text touches the rule it meets (a heading
    # set right under a table) stops a few pixels short of it: join the two again, or the
    # cells on either side run into one another through the gap.
    # (Only rules: the stubs left where a character's stroke was taken out stay stubs.)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    tall = stats[:, cv2.CC_STAT_HEIGHT] >= 12
    tall[0] = False
    ver = np.where(tall[lab], 255, 0).astype(np.uint8)
    reach = np.ones((11, 1), np.uint8)
    ver = ver | (cv2.dilate(ver, reach) & cv2.dilate(hor, reach))
    return Rules(hor, ver)


def _outside_text(ver: np.ndarray, hor: np.ndarray, ink: np.ndarray,
                  boxes: list[Box]) -> np.ndarray:
    """The vertical rules without the strokes of characters that touch the rules of a cramped
    row (the 丨 of 上, a bracket, a lone 1 or 7, or digits stacked in one column).

    Each piece of a vertical rule between two horizontal rules is looked at in the page's ink:
    a rule's ink there is the rule alone, as thin as the rule; a character's stroke belongs to
    a wider piece of ink (the slant or bar of 7, the foot of 1). Such a piece is dropped where
    it is not part of a long rule (two rows at most), where it stands inside a text line the
    detector found, or where no piece of its "rule" is thin. A rule the detector's line ran
    across keeps its thin ink, and stays."""
    across = cv2.dilate(hor, np.ones((7, 1), np.uint8))
    pieces = cv2.bitwise_and(ver, cv2.bitwise_not(across))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(pieces, connectivity=8)
    if n <= 1:
        return ver
    body = cv2.bitwise_and(ink, cv2.bitwise_not(across))
    _, blab, bstats, _ = cv2.connectedComponentsWithStats(body, connectivity=8)
    _, vlab, vstats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    # The rule each piece belongs to, and how many rows that rule spans.
    rule_of = np.zeros(n, np.int64)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        v = vlab[y + h // 2, x:x + w]
        v = v[v > 0]
        rule_of[i] = int(v[0]) if len(v) else 0
    rows_spanned = np.bincount(rule_of[1:], minlength=len(vstats))
    line_h = float(np.median(b[:, 3] - b[:, 1])) if len(b) else 40.0
    drop = np.zeros(n, bool)
    glyphlike = np.zeros(n, bool)
    thin = np.zeros(len(vstats), np.int64)  # thin pieces of each rule
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if h > 1.2 * line_h:
            thin[rule_of[i]] += 1
            continue  # taller than a line of text: no character's stroke
        ids = np.unique(blab[y:y + h, x:x + w])
        ids = ids[ids > 0]
        if not len(ids):
            continue
        x0 = min(bstats[j, cv2.CC_STAT_LEFT] for j in ids)
        x1 = max(bstats[j, cv2.CC_STAT_LEFT] + bstats[j, cv2.CC_STAT_WIDTH] for j in ids)
        # The rule's own width: its narrowest rows (a glyph is as wide as a rule only
        # in its thinnest stroke).
        counts = np.count_nonzero(body[y:y + h, x:x + w], axis=1)
        counts = counts[counts > 0]
        rule = float(np.percentile(counts, 20)) if len(counts) else 0.0
        if x1 - x0 < rule + 3:
            thin[rule_of[i]] += 1
            continue  # as thin as the rule: a rule
        glyphlike[i] = True
        short = rule_of[i] == 0 or rows_spanned[rule_of[i]] <= 2
        cx = x + w / 2
        overlap = np.minimum(b[:, 3], y + h) - np.maximum(b[:, 1], y)
        in_line = ((b[:, 0] + 4 < cx) & (cx < b[:, 2] - 4) & (overlap >= 0.6 * h)).any()
        drop[i] = short or bool(in_line)
    # A "rule" none of whose pieces is thin is a column of characters set one above the other
    # (digits aligned in a column, each touching the rules of its cramped row).
    drop |= glyphlike & (thin[rule_of] == 0)
    if not drop.any():
        return ver
    gone = cv2.dilate(np.where(drop[lab], 255, 0).astype(np.uint8), np.ones((9, 3), np.uint8))
    return cv2.bitwise_and(ver, cv2.bitwise_not(gone))


def _grown(ver: np.ndarray, dark: np.ndarray, least: float) -> np.ndarray:
    """Each vertical rule carried on, up and down, as far as its own column stays dark, up to
    the next horizontal rule (dark is False there). Text set against a rule is thinned away
    with it, over a line of text or two; the rule's own pixels are still there, straight,
    under the text. Never past a horizontal rule: a rule ends where its cells end, and a
    character's stroke in line with it below says nothing. Only what is taller than a line
    of text (`least`) is a rule to carry on; a shorter piece may be a character's stroke."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    if n <= 1:
        return ver
    h = ver.shape[0]
    out = ver.copy()
    for i in range(1, n):
        x, y, w, sh, _ = stats[i]
        if sh <= least:
            continue
        c = x + w // 2
        column = dark[:, max(0, c - 1):c + 2].any(axis=1)
        top, bottom = y, y + sh - 1
        while top > 0 and column[top - 1]:
            top -= 1
        while bottom < h - 1 and column[bottom + 1]:
            bottom += 1
        if top < y or bottom > y + sh - 1:
            out[top:bottom + 1, x:x + w] = 255
    return out


def _thin(mask: np.ndarray, horizontal: bool) -> np.ndarray:
    """The mask without its thick parts: a rule is a few pixels thick, a line of text that
    touches the rules (and so was not taken out) smears into a block."""
    k = (1, 11) if horizontal else (11, 1)
    return cv2.bitwise_and(mask, cv2.bitwise_not(_open(mask, *k)))


def _aligned(ver: np.ndarray, hor: np.ndarray, pitch: float) -> np.ndarray:
    """Vertical rules that span two rows or more (as tall as two rows, or meeting three
    horizontal rules: rows are not all of one height), and the one-row pieces in line with
    them. A character as tall as a cramped row touches both of its rules, but it stands where
    no column rule runs."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ver, connectivity=8)
    if n <= 1:
        return ver
    centres = stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH] / 2
    long = stats[:, cv2.CC_STAT_HEIGHT] >= 1.8 * pitch
    near = cv2.dilate(hor, np.ones((11, 1), np.uint8))
    for i in range(1, n):
        if not long[i]:
            x, y, w, h, _ = stats[i]
            long[i] = len(runs(near[y:y + h, x:x + w].any(axis=1))) >= 3
    long[0] = False
    columns = centres[long]
    keep = long.copy()
    for i in range(1, n):
        if not keep[i] and len(columns) and np.min(np.abs(columns - centres[i])) <= 5:
            keep[i] = True
    return np.where(keep[lab], 255, 0).astype(np.uint8)
