"""Template-aware mapping of table rows to cells.

Every extractor hands the mapper the same thing: the document's table rows in reading order,
each a list of cell texts (``None`` for a slot covered by a merged cell). Rows of one grid share
a ``grid`` id, so column positions can be compared between a header and its data rows. Text
formats give one row per line, cells split on tabs (or on runs of spaces, as ``pdftotext
-layout`` prints them).

The mapper walks the rows through the three tables. A row's numbers are placed by its own label:
a label broken over lines is read whole, but a row never takes the label of another row — a row
left wholly blank keeps nothing, and the numbers after it are not moved into it. Columns are told
by the header's positions in a grid, else by the count (all the columns, or the total alone in a
table that prints only totals). Where a number's place cannot be told for sure, it is not placed
and a warning names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from . import schema
from .document import Row
from .numbers import CUT, UNSURE, compact, is_cut, is_placeholder, join_marks, parse_number

_SECTION_TWO = re.compile(r"^[#\s]*(?:二|2)\s*[、.．]?\s*主动公开|第二十条第")
_SECTION_FIVE = re.compile(r"^[#\s]*(?:五|5)\s*[、.．]\s*存在|存在的主要问题")
_TO_REQUESTS = re.compile(r"本年新收|申请人情况|勾稽关系|收到和处理政府信息公开申请")
_TO_APPEALS = re.compile(r"行政复议")
_ITEM_SPACED = re.compile(r"(\d{1,2}) [\u4e00-\u9fff]")  # its full stop set elsewhere
_ITEM_NUMBER = re.compile(r"(?:^|[)）\s])(\d{1,2})\s*[.、．]\s*([^\d.、．][^)）]*)$")
# A row's own numbering: 一、 （一） 1． — a label fragment without one continues a label.
_MARKER = re.compile(r"(?:^|\s)(?:[一二三四五六七八九十]\s*、|[（(]\s*[一二三四五六七八九十]\s*[)）]|\d{1,2}\s*[.．、])")
_TO_ACTIVE = re.compile(r"第二十条|信息内容")
_ANY_SECTION = re.compile(r"^[#\s]*[一二三四五六七八]\s*[、.．]")
# Only digits and their separators, over several lines: the parts of one number.
_FRAGMENTS = re.compile(r"^[\d,.，．\s]+$")
# An item's number set apart from its label ("1 属于国家秘密", its full stop pushed elsewhere).
_ITEM_FIRST = re.compile(r"^\d{1,2}[.．、]?$")
_WORDS = re.compile(r"^[\u4e00-\u9fff（(“]")
PROSE_CHARS = 90
_NOT_PLACED = "their places cannot be told, not placed"


class CellText(NamedTuple):
    """A label or a number, and the column it stands in."""

    pos: int
    text: str


@dataclass
class Line:
    """A row split into its labels and its numbers."""

    labels: list[CellText]
    values: list[CellText]
    width: int
    grid: int | None
    positional: bool  # a grid's row whose numbers keep their columns
    tabbed: bool = False  # a text row whose numbers each stand in a cell of their own
    laid_out: bool = False  # Row.laid_out: its numbers never continue the line above


@dataclass
class Segment:
    """A row's own label fragments, the numbers on its line, and the label lines around it."""

    labels: list[str]
    values: list[CellText]
    width: int
    grid: int | None
    positional: bool
    before: list[str] = field(default_factory=list)  # label lines above it, since the last row
    last_label: int = -1  # the column of the label's last cell
    rel: list[int] | None = None  # each number's column counted from the label's
    tabbed: bool = False  # Line.tabbed: its numbers' cells counted from the row's end tell columns


@dataclass
class Mapped:
    cells: dict[tuple[str, str, str], int | float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    found_tables: set[str] = field(default_factory=set)
    split_other: bool = False
    cut: set[tuple[str, str, str]] = field(default_factory=set)  # read from a number cut over lines


class Placed(NamedTuple):
    """A request row recognised, waiting for its columns: they are told once the whole table
    is read (a table that prints only totals is known by all its rows)."""

    row: str
    seg: Segment
    header: dict[str, int] | None


def _split_line(row: Row) -> Line:
    labels: list[CellText] = []
    values: list[CellText] = []
    positional = True
    prev = None
    for pos, cell in enumerate(row.cells):
        if cell is None:
            continue
        text = cell.strip()
        if not text:
            continue
        if parse_number(text) is not None or is_placeholder(text):
            values.append(CellText(pos, text))
            continue
        if row.grid is not None and len(row.cells) > 1 and _FRAGMENTS.match(text):
            # A grid cell's digits that make no number (1,51: a part outside the cell, or on
            # the next page): a number all the same, read for sure only if its rest is found.
            values.append(CellText(pos, text))
            continue
        tokens = join_marks(text).split()
        if len(tokens) > 1 and _ITEM_FIRST.match(tokens[0]) and _WORDS.match(tokens[1]):
            tokens = [tokens[0] + tokens[1]] + tokens[2:]  # "1 属于国家秘密": an item's number
        if len(tokens) > 1 and (any(parse_number(t) is not None or t == UNSURE for t in tokens)
                                or is_placeholder(tokens[-1])):
            # A cell or line that holds a label and numbers separated by spaces (PDF text).
            positional = False
            label_parts: list[str] = []
            numeric = [parse_number(t) is not None for t in tokens]
            for i, t in enumerate(tokens):
                # A dash is a cell's placeholder among numbers or last, else part of a label.
                if numeric[i] or (is_placeholder(t) and (
                        label_parts == [] or i + 1 == len(tokens) or numeric[i + 1]
                        or is_placeholder(tokens[i + 1]))):
                    if label_parts:
                        labels.append(CellText(pos, " ".join(label_parts)))
                        label_parts = []
                    values.append(CellText(pos, t))
                else:
                    label_parts.append(t)
            if label_parts:
                labels.append(CellText(pos, " ".join(label_parts)))
            continue
        if text == prev:
            continue  # a merged label repeated over its span
        labels.append(CellText(pos, text))
        prev = text
    return Line(labels, values, len(row.cells), row.grid, positional and row.grid is not None,
                tabbed=positional and row.grid is None and len(row.cells) > 1,
                laid_out=row.laid_out)


def _label_text(ln: Line) -> str:
    return compact("".join(t for _, t in ln.labels))


def _start(lines: list[Line]) -> int:
    """Where table 二 begins: its section heading (二、主动公开…), the one a table follows — a
    目录 before the title lists the headings too — else its first item (第二十条, 信息内容)."""
    for pattern in (_SECTION_TWO, _TO_ACTIVE):
        hits = [i for i, ln in enumerate(lines)
                if not _is_prose(ln) and pattern.search(_label_text(ln))]
        for i in hits:
            for ln in lines[i + 1:]:
                text = _label_text(ln)
                if ln.values or _TO_ACTIVE.search(text):
                    return i
                if _ANY_SECTION.match(text):
                    break
        if hits:
            return hits[0]
    return 0


def _is_prose(ln: Line) -> bool:
    """A paragraph between tables: long text, read for nothing."""
    return any(len(t) > PROSE_CHARS for _, t in ln.labels)


def _rightmost(text: str, patterns) -> tuple[str | None, int]:
    best, best_pos = None, -1
    for key, pat in patterns:
        for m in pat.finditer(text):
            if m.start() >= best_pos:
                best, best_pos = key, m.start()
    return best, best_pos


def _has_marker(fragments: list[str]) -> bool:
    return any(_MARKER.search(f) for f in fragments)


def _last_label(lines: list[str]) -> list[str]:
    """The label lines of the last row among them: from the last that has a numbering of its
    own (the ones before are rows left blank, or group headings)."""
    marked = [i for i, line in enumerate(lines) if _MARKER.search(line)]
    return lines[marked[-1]:] if marked else lines


def _numbers(values: list[CellText]) -> str:
    return " ".join(v for _, v in values)


class _Mapper:
    def __init__(self, template: str):
        self.template = template if template in ("2019", "2021") else "2021"
        self.out = Mapped()
        self.state = "active"
        # active
        self.active_cols: list[tuple[str, int]] = []
        self.active_cols_grid: int | None = None
        self.active_header_open = False
        # requests
        self.req_header: dict[int | None, dict[str, int]] = {}
        self.group: str | None = None
        self.last_req_row: str | None = None
        self.requests: list[Placed] = []
        # appeals
        self.appeal_header: dict[int | None, list[int]] = {}
        self.appeal_values: list[tuple[int, str, int | None]] = []
        self.appeal_direct: set[str] = set()
        self.appeal_grid: int | None = None
        self.pending: list[str] = []  # label lines since the last row that held numbers
        self.segment: Segment | None = None

    # --- placing -------------------------------------------------------------------------
    def put(self, table: str, row: str, col: str, raw: str) -> None:
        key = (table, row, col)
        value = parse_number(raw)
        if raw.strip() == UNSURE or (value is None and not is_placeholder(raw)):
            self.out.warnings.append(f"{table}/{row}/{col}: the number is cut over two lines and "
                                     f"cannot be read for sure; left absent")
            return
        if is_placeholder(raw):
            self.out.warnings.append(f"{table}/{row}/{col}: '{raw}' is not a number; left absent")
            return
        if isinstance(value, float) and col not in schema.MONEY_COLS:
            if value.is_integer():
                value = int(value)
            else:
                self.out.warnings.append(
                    f"{table}/{row}/{col}: {raw} is not a whole number; kept as printed")
        if key in self.out.cells:
            self.out.warnings.append(
                f"{table}/{row}/{col}: a second value {raw} was found; the first "
                f"({self.out.cells[key]}) was kept")
            return
        self.out.cells[key] = value
        self.out.found_tables.add(table)
        if is_cut(raw):
            self.out.cut.add(key)

    # --- walking -------------------------------------------------------------------------
    def run(self, rows: list[Row]) -> Mapped:
        lines = [_split_line(r) for r in rows]
        lines = [ln for ln in lines if ln.labels or ln.values]
        for ln in lines[_start(lines):]:
            label_text = _label_text(ln)
            if label_text and _SECTION_FIVE.search(label_text) and not ln.values:
                if self.state != "active" or self.out.found_tables:
                    break
            if _is_prose(ln):
                self._flush()
                self.pending = []
                continue
            self._transition(label_text, ln)
            if self.state == "done":
                break
            if self.state == "appeals":
                self._appeal_line(ln, label_text)
            else:
                self._table_line(ln)
        self._flush()
        self._finish_requests()
        self._finish_appeals()
        return self.out

    def _transition(self, label_text: str, ln: Line) -> None:
        if not label_text:
            return
        if self.state == "active" and _TO_REQUESTS.search(label_text):
            self._flush()
            self.state = "requests"
            self.pending = []
        elif self.state in ("active", "requests") and _TO_APPEALS.search(label_text):
            if self.state == "active" and not self.out.found_tables:
                return
            self._flush()
            self.state = "appeals"
            self.pending = []

    def _table_line(self, ln: Line) -> None:
        if ln.labels and not ln.values:
            if self._header(ln):
                self._flush()
                self.pending = []
                return
            self.pending.extend(t for _, t in ln.labels)
            return
        self.active_header_open = False
        if self.segment is not None and not self.pending and self._goes_on(self.segment, ln):
            return
        if not ln.labels and not self.pending and self.segment is not None:
            if ln.grid is None and not ln.laid_out:
                # More of the same row's numbers (a text with a cell per line).
                self.segment.values.extend(ln.values)
                self.segment.positional = self.segment.tabbed = False
                self.segment.rel = None
                return
            # In a grid or on a page laid out by spaces, numbers on a line of their own right
            # under a row are the rest of that row's cut over a page break or out of a narrow
            # cell: which part goes with which cannot be told, so neither is placed.
            seg = self.segment
            self.out.warnings.append(
                f"{self.state}: numbers {_numbers(ln.values)} stand alone under the row of "
                f"'{' '.join(seg.labels or seg.before)[:40]}', whose numbers may go on in them; "
                f"neither is placed")
            seg.values = [CellText(p, UNSURE) for p, _ in seg.values]
            return
        self._flush()
        before, self.pending = self.pending, []
        if ln.labels:
            last_label = max(p for p, _ in ln.labels)
            values = [v for v in ln.values if v.pos >= last_label or not ln.positional]
            rel = [v.pos - last_label - 1 for v in values] if ln.positional else None
            self.segment = Segment([t for _, t in ln.labels], values, ln.width, ln.grid,
                                   ln.positional, before, last_label=last_label, rel=rel,
                                   tabbed=ln.tabbed)
        else:
            self.segment = Segment([], list(ln.values), ln.width, ln.grid, ln.positional,
                                   before, tabbed=ln.tabbed)

    @staticmethod
    def _goes_on(seg: Segment, ln: Line) -> bool:
        """A table cut by a page break goes on in a grid of its own on the next page, and the
        row cut in two goes on in its first row: the rest of the label (no numbering, naming
        no row) and the rest of the numbers, each in its column (counted from the right). A
        number of the row above each of them: they are pieced together (in place), and doubted
        like any number cut over lines."""
        if not (seg.positional and ln.positional and seg.grid is not None and ln.grid is not None
                and seg.grid != ln.grid and ln.values):
            return False
        labels = [t for _, t in ln.labels]
        if labels and (_has_marker(labels) or schema.row_named(" ".join(labels)) is not None):
            return False
        # Columns counted from the right: the label columns of the two pages' grids may differ.
        mine = {seg.width - p: i for i, (p, _) in enumerate(seg.values)}
        if not all(ln.width - p in mine and seg.values[mine[ln.width - p]].text != UNSURE
                   and not is_placeholder(seg.values[mine[ln.width - p]].text)
                   for p, _ in ln.values):
            return False
        for p, text in ln.values:
            i = mine[ln.width - p]
            seg.values[i] = CellText(seg.values[i].pos, seg.values[i].text + CUT + text)
        seg.labels = seg.labels + labels
        return True

    def _header(self, ln: Line) -> bool:
        """Record a header line's columns; True if the line was a header."""
        if self.state == "active":
            found = []
            for pos, text in ln.labels:
                for part in re.split(r"\s{2,}", text):
                    key, _ = _rightmost(compact(part), schema.ACTIVE_COL_PATTERNS)
                    if key:
                        found.append((key, pos))
            if not found:
                return False
            if self.active_header_open and ln.grid is None:
                self.active_cols.extend(found)
                self.active_cols_grid = None
            else:
                self.active_cols = found
                self.active_cols_grid = ln.grid if ln.grid is not None else -1
            self.active_header_open = True
            return True
        if self.state == "requests":
            found = {}
            for pos, text in ln.labels:
                c = compact(text)
                for key, pat in schema.REQUEST_COL_PATTERNS:
                    if pat.match(c):
                        found[key] = pos
            if len(found) >= 2 and not _rightmost(compact("".join(t for _, t in ln.labels)),
                                                 schema.REQUEST_ROW_PATTERNS[:2])[0]:
                if ln.grid is not None:
                    self.req_header.setdefault(ln.grid, {}).update(found)
                return True
            return False
        return False

    def _flush(self) -> None:
        """Place the row read last, now that the label lines after it are known too."""
        seg, self.segment = self.segment, None
        if seg is None or not seg.values:
            return
        after = list(self.pending)
        if self.state == "active":
            self._active_segment(seg, after)
        elif self.state == "requests":
            self._request_segment(seg, after)

    def _identify(self, seg: Segment, after: list[str], match) -> str | None:
        """The row a segment's numbers belong to, told by its own label; a label broken over
        lines is read whole (the lines before or after it that carry no numbering of their
        own), but another row's label is never borrowed: a wholly blank row keeps nothing."""
        own = seg.labels
        if own:
            key = match(own)
            if key is not None:
                return key
            tail = []
            for frag in after[:2]:
                if _has_marker([frag]):
                    break  # the next row's label
                tail.append(frag)
            if tail:
                key = match(own + tail)
                if key is not None:
                    return key
            if _has_marker(own):
                return None
            # The label's first part is on the lines above (a label cell broken over lines).
            if seg.before and not (seg.positional and self._complete(seg.before, match)):
                return match(_last_label(seg.before) + own)
            return None
        if not seg.before:
            return None
        # Numbers on a line of their own, under their label. In a grid, a label that names a
        # row by itself is a row left blank: the numbers below it are not its.
        if seg.positional and self._complete(seg.before, match):
            return None
        return match(_last_label(seg.before))

    @staticmethod
    def _complete(labels: list[str], match) -> bool:
        return _has_marker(labels[-1:]) and match(labels[-1:]) is not None

    # --- active --------------------------------------------------------------------------
    def _active_row(self, labels: list[str]) -> str | None:
        row, _ = _rightmost(compact("".join(labels)), schema.ACTIVE_ROW_PATTERNS)
        return row

    def _active_segment(self, seg: Segment, after: list[str]) -> None:
        row = self._identify(seg, after, self._active_row)
        if row is None:
            self._unrecognised("active", seg)
            return
        plausible = set(schema.ACTIVE_DEFAULT_COLS["2019"].get(row, [])) | set(
            schema.ACTIVE_DEFAULT_COLS["2021"].get(row, []))
        header = [k for k, _ in self.active_cols]
        values = seg.values
        if (seg.positional and header and set(header) <= plausible
                and self.active_cols_grid == seg.grid):
            by_pos = {p: k for k, p in self.active_cols}
            if all(p in by_pos for p, _ in values):
                for p, v in values:
                    self.put("active", row, by_pos[p], v)
                return
        defaults = schema.ACTIVE_DEFAULT_COLS[self.template].get(row) or \
            schema.ACTIVE_DEFAULT_COLS["2019"].get(row, [])
        if header and set(header) <= plausible and len(header) == len(set(header)) == len(values):
            cols = header
        elif len(values) == len(defaults) or not (header and set(header) <= plausible):
            cols = defaults  # the header is not this row's, or was read in part
        else:
            cols = header
        self._place_in_order("active", row, cols, values)

    def _place_in_order(self, table: str, row: str, cols: list[str],
                        values: list[CellText]) -> None:
        """The row's numbers in the order of its columns, when their count tells each one's
        column; else none is placed and the warning says which."""
        n, m = len(values), len(cols)
        if n < m:
            self.out.warnings.append(
                f"{table}/{row}: {n} numbers ({_numbers(values)}) for {m} "
                f"columns; {_NOT_PLACED}")
            return
        if n > m:
            if not _all_shifts_agree([v for _, v in values], m):
                self.out.warnings.append(
                    f"{table}/{row}: {n} numbers ({_numbers(values)}) for {m} columns; "
                    f"{_NOT_PLACED}")
                return
            self.out.warnings.append(_dropped(f"{table}/{row}", n, m, [v for _, v in values[m:]]))
        for c, (_, v) in zip(cols, values):
            self.put(table, row, c, v)

    def _unrecognised(self, table: str, seg: Segment) -> None:
        label = " ".join(seg.labels or seg.before) or "(none)"
        self.out.warnings.append(
            f"{table}: row label '{label[:40]}' not recognised; its numbers "
            f"{_numbers(seg.values)} were not placed")

    # --- requests ------------------------------------------------------------------------
    def _group(self, labels: list[str]) -> None:
        """The group heading (（三）不予公开 …) the labels name last, for the items after it."""
        text = compact("".join(labels))
        gkey, gpos = None, -1
        for group in schema.REQUEST_GROUPS:
            for m in group.pattern.finditer(text):
                if m.start() >= gpos:
                    gkey, gpos = group.name, m.start()
        if gkey:
            self.group = gkey

    def _request_row(self, labels: list[str]) -> str | None:
        text = compact("".join(labels))
        key, _ = _rightmost(text, schema.REQUEST_ROW_PATTERNS)
        self._group(labels)
        # A numbered item (2．…) of the group: its label may be damaged, its number is not.
        num = None
        for frag in reversed(labels):
            spaced = " ".join(compact(p) for p in frag.split())
            num = _ITEM_NUMBER.search(spaced) or _ITEM_SPACED.match(spaced)
            if num or _MARKER.search(frag):
                break
        if key == "other" and num:
            key = None
        if key is not None and key != "other":
            if key in ("new", "carried_in", "result_total", "carried_out", "granted", "partial"):
                self.group = None
            return key
        if num and self.group:
            items = next(g.items for g in schema.REQUEST_GROUPS if g.name == self.group)
            k = int(num.group(1))
            if 1 <= k <= len(items):
                return items[k - 1]
        if key == "other":
            return "other"
        if re.search(r"其他$", text) and self.group == "other":
            return "other.other"
        if text.endswith("其他") and self.last_req_row in ("other.no_fee", "other.no_correction"):
            return "other.other"
        return None

    def _request_segment(self, seg: Segment, after: list[str]) -> None:
        self._group(seg.before)  # a group's heading may stand on the lines above its item
        row = self._identify(seg, after, self._request_row)
        if row is None:
            self._unrecognised("requests", seg)
            return
        self.last_req_row = row
        if row.startswith("other."):
            self.out.split_other = True
        header = self.req_header.get(seg.grid) if seg.grid is not None else None
        self.requests.append(Placed(row, seg, header))

    def _finish_requests(self) -> None:
        """Place each request row's numbers in their columns: by the header's positions in a
        grid; by the count (seven numbers: every column); in a tab-separated text, by the cells
        the full rows of the same width put each column in; a lone number in the total column
        only in a table whose rows all print their total alone (the 2019 habit)."""
        totals_only = all(len(p.seg.values) <= 1 for p in self.requests)
        n_cols = len(schema.REQUEST_COLS)
        # Tab-separated text: the cell (counted from the row's end) of each column, learnt from
        # the rows that fill every column; None where rows of one width disagree.
        columns: dict[int, dict[int, str | None]] = {}
        for _, seg, _ in self.requests:
            if seg.tabbed and len(seg.values) == n_cols:
                cols = columns.setdefault(seg.width, {})
                for (p, _), col in zip(seg.values, schema.REQUEST_COLS):
                    cols[seg.width - p] = col if cols.get(seg.width - p, col) == col else None
        for row, seg, header in self.requests:
            values = seg.values
            if seg.positional and header and len(header) == n_cols:
                by_pos = {p: k for k, p in header.items()}
                if all(p in by_pos for p, _ in values):
                    for p, v in values:
                        self.put("requests", row, by_pos[p], v)
                    continue
            learnt = columns.get(seg.width, {}) if seg.tabbed else {}
            if (len(values) <= n_cols and seg.rel is not None
                    and seg.width - seg.last_label - 1 == n_cols):
                # A row as wide as the table: each number in its column.
                for r, (_, v) in zip(seg.rel, values):
                    self.put("requests", row, schema.REQUEST_COLS[r], v)
            elif len(values) < n_cols and values and all(learnt.get(seg.width - p)
                                                         for p, _ in values):
                for p, v in values:
                    self.put("requests", row, learnt[seg.width - p], v)
            elif len(values) == 1 and (totals_only or self._far_right(seg)):
                self.put("requests", row, "total", values[0].text)
            else:
                self._place_in_order("requests", row, schema.REQUEST_COLS, values)

    @staticmethod
    def _far_right(seg: Segment) -> bool:
        """A lone number in a tab-separated row after at least five blank cells, in the row's
        last cell: the total column (some cells of a row may be missing, never six)."""
        (p, _), = seg.values
        return seg.tabbed and bool(seg.labels) and p - seg.last_label - 1 >= len(
            schema.APPLICANT_COLS) - 1

    # --- appeals -------------------------------------------------------------------------
    def _appeal_line(self, ln: Line, label_text: str) -> None:
        if ln.labels and not ln.values:
            subs = []
            for pos, text in ln.labels:
                key, _ = _rightmost(compact(text), schema.APPEAL_COL_PATTERNS)
                if key:
                    subs.append(pos)
            if subs and ln.grid is not None:
                self.appeal_header.setdefault(ln.grid, []).extend(subs)
            return
        if ln.labels and ln.values:
            row, _ = _rightmost(label_text, schema.APPEAL_ROW_PATTERNS)
            if row and len(ln.values) == 5 and row not in self.appeal_direct:
                self.appeal_direct.add(row)
                for c, (_, v) in zip(schema.APPEAL_COLS, ln.values):
                    self.put("appeals", row, c, v)
                return
        if len(self.appeal_values) >= 15 and ln.grid != self.appeal_grid:
            self.state = "done"  # the appeals table is complete; what follows is not part of it
            return
        self.appeal_grid = ln.grid
        for p, v in ln.values:
            self.appeal_values.append((p, v, ln.grid if ln.positional else None))

    def _finish_appeals(self) -> None:
        values = self.appeal_values
        if not values:
            return
        rows = [r for r in schema.APPEAL_ROWS if r not in self.appeal_direct]
        slots = [(r, c) for r in rows for c in schema.APPEAL_COLS]
        n, m = len(values), len(slots)
        grid = values[0][2]
        header = self.appeal_header.get(grid) if grid is not None else None
        if n < m and header and len(header) == 15 and all(g == grid for _, _, g in values):
            by_pos = {p: slots[i] for i, p in enumerate(header)}
            if all(p in by_pos for p, _, _ in values):
                for p, v, _ in values:
                    r, c = by_pos[p]
                    self.put("appeals", r, c, v)
                return
        if n < m:
            self.out.warnings.append(
                f"appeals: {n} numbers where the template has {m}; {_NOT_PLACED}")
            return
        if n > m and not _all_shifts_agree([v for _, v, _ in values], m):
            self.out.warnings.append(
                f"appeals: {n} numbers where the template has {m}; {_NOT_PLACED}")
            return
        for (r, c), (_, v, _) in zip(slots, values):
            self.put("appeals", r, c, v)
        if n > m:
            self.out.warnings.append(_dropped("appeals", n, m))


def _all_shifts_agree(values: list[str], m: int) -> bool:
    """More numbers than columns: which are extra cannot be told, unless every way of choosing
    ``m`` consecutive ones gives each column the same number (a row of zeros and one more)."""
    windows = [values[i:i + m] for i in range(len(values) - m + 1)]
    return all(parse_number(w) == parse_number(windows[0][j]) and
               is_placeholder(w) == is_placeholder(windows[0][j])
               for win in windows for j, w in enumerate(win))


def _dropped(where: str, n: int, m: int, extra: list[str] | None = None) -> str:
    """The warning for numbers beyond the template's: the last ones, named if given."""
    k = n - m
    last = (f"the last ({' '.join(extra)}) {'was' if k == 1 else 'were'}" if extra is not None
            else "the last was" if k == 1 else f"the last {k} were")
    return f"{where}: {n} numbers where the template has {m}; {last} dropped"


def map_rows(rows: list[Row], template: str) -> Mapped:
    """Map a document's table rows to template cells."""
    return _Mapper(template).run(rows)
