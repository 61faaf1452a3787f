"""Template-aware mapping of table rows to cells.

Every extractor hands the mapper the same thing: the document's table rows in reading order,
each a list of cell texts (``None`` for a slot covered by a merged cell). Rows of one grid share
a ``grid`` id, so column positions can be compared between a header and its data rows. Text
formats give one row per line, cells split on tabs.

The mapper walks the rows through the three tables, recognises row and column labels, and
places numbers. Where the document's layout leaves a number's place open, it warns and does not
place it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from . import schema
from .document import Row
from .numbers import compact, is_placeholder, parse_number

_SECTION_TWO = re.compile(r"^[#\s]*(?:二|2)\s*[、.．]?\s*主动公开|第二十条第")
_SECTION_FIVE = re.compile(r"^[#\s]*(?:五|5)\s*[、.．]\s*存在|存在的主要问题")
_TO_REQUESTS = re.compile(r"本年新收|申请人情况|勾稽关系|收到和处理政府信息公开申请")
_TO_APPEALS = re.compile(r"行政复议")
_ITEM_NUMBER = re.compile(r"(?:^|[)）\s])(\d{1,2})\s*[.、．]\s*([^\d.、．][^)）]*)$")
_TO_ACTIVE = re.compile(r"第二十条|信息内容")
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


@dataclass
class Segment:
    """A row label and the numbers that follow it."""

    label: str
    values: list[CellText]
    width: int
    grid: int | None
    positional: bool
    last_label: int = 0  # the column of the label's last cell
    rel: list[int] | None = None  # each number's column counted from the label's


@dataclass
class Mapped:
    cells: dict[tuple[str, str, str], int | float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    found_tables: set[str] = field(default_factory=set)
    split_other: bool = False


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
        tokens = text.split()
        if len(tokens) > 1 and any(parse_number(t) is not None for t in tokens):
            # A cell or line that holds a label and numbers separated by spaces (PDF text).
            positional = False
            label_parts: list[str] = []
            for t in tokens:
                if parse_number(t) is not None or (is_placeholder(t) and label_parts == []):
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
    return Line(labels, values, len(row.cells), row.grid, positional and row.grid is not None)


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
        # appeals
        self.appeal_header: dict[int | None, list[int]] = {}
        self.appeal_values: list[tuple[int, str, int | None]] = []
        self.appeal_direct: set[str] = set()
        self.appeal_grid: int | None = None
        self.pending: list[str] = []
        self.segment: Segment | None = None

    # --- placing -------------------------------------------------------------------------
    def put(self, table: str, row: str, col: str, raw: str) -> None:
        key = (table, row, col)
        if is_placeholder(raw):
            self.out.warnings.append(f"{table}/{row}/{col}: '{raw}' is not a number; left absent")
            return
        value = parse_number(raw)
        if value is None:
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

    # --- walking -------------------------------------------------------------------------
    def run(self, rows: list[Row]) -> Mapped:
        lines = [_split_line(r) for r in rows]
        lines = [ln for ln in lines if ln.labels or ln.values]
        start = 0
        for pattern in (_SECTION_TWO, _TO_ACTIVE):
            hits = [i for i, ln in enumerate(lines)
                    if not _is_prose(ln) and pattern.search(compact("".join(t for _, t in ln.labels)))]
            if hits:
                start = hits[0]
                break
        for ln in lines[start:]:
            label_text = compact("".join(t for _, t in ln.labels))
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
                self._table_line(ln, label_text)
        self._flush()
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

    def _table_line(self, ln: Line, label_text: str) -> None:
        if ln.labels and not ln.values:
            if self._header(ln):
                self._flush()
                self.pending = []
                return
            self._flush()
            self.pending.extend(t for _, t in ln.labels)
            return
        self.active_header_open = False
        if ln.labels:
            self._flush()
            last_label = max(p for p, _ in ln.labels)
            label = " ".join(self.pending + [t for _, t in ln.labels])
            self.pending = []
            values = [v for v in ln.values if v.pos >= last_label or not ln.positional]
            rel = [v.pos - last_label - 1 for v in values] if ln.positional else None
            self.segment = Segment(label, values, ln.width, ln.grid, ln.positional,
                                   last_label=last_label, rel=rel)
            return
        # numbers only
        if self.pending:
            label = " ".join(self.pending)
            self.pending = []
            self.segment = Segment(label, list(ln.values), ln.width, ln.grid, False,
                                   last_label=-1)
        elif self.segment is not None:
            self.segment.values.extend(ln.values)
            self.segment.positional = False
        else:
            self.out.warnings.append(
                f"{self.state}: numbers {' '.join(v for _, v in ln.values)} with no row label; dropped")

    def _header(self, ln: Line) -> bool:
        """Record a header line's columns; True if the line was a header."""
        if self.state == "active":
            found = []
            for pos, text in ln.labels:
                key, _ = _rightmost(compact(text), schema.ACTIVE_COL_PATTERNS)
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
        seg, self.segment = self.segment, None
        if seg is None or not seg.values:
            return
        if self.state == "active":
            self._active_segment(seg)
        elif self.state == "requests":
            self._request_segment(seg)

    # --- active --------------------------------------------------------------------------
    def _active_segment(self, seg: Segment) -> None:
        row, _ = _rightmost(compact(seg.label), schema.ACTIVE_ROW_PATTERNS)
        if row is None:
            self.out.warnings.append(
                f"active: row label '{seg.label[:40]}' not recognised; its numbers "
                f"{' '.join(v for _, v in seg.values)} were dropped")
            return
        plausible = set(schema.ACTIVE_DEFAULT_COLS["2019"].get(row, [])) | set(
            schema.ACTIVE_DEFAULT_COLS["2021"].get(row, []))
        header = [k for k, _ in self.active_cols]
        if header and set(header) <= plausible:
            cols = header
        else:
            cols = schema.ACTIVE_DEFAULT_COLS[self.template].get(row) or \
                schema.ACTIVE_DEFAULT_COLS["2019"].get(row, [])
        values = seg.values
        if (seg.positional and header and cols == header and self.active_cols_grid == seg.grid
                and len(values) != len(cols)):
            by_pos = {p: k for k, p in self.active_cols}
            if all(p in by_pos for p, _ in values):
                for p, v in values:
                    self.put("active", row, by_pos[p], v)
                return
        self._place_in_order("active", row, cols, values)

    def _place_in_order(self, table: str, row: str, cols: list[str],
                        values: list[CellText]) -> None:
        """The row's numbers in the order of its columns; what does not fit is said."""
        n, m = len(values), len(cols)
        if n < m:
            self.out.warnings.append(
                f"{table}/{row}: {n} numbers ({' '.join(v for _, v in values)}) for {m} "
                f"columns; {_NOT_PLACED}")
            return
        for c, (_, v) in zip(cols, values):
            self.put(table, row, c, v)
        if n > m:
            self.out.warnings.append(_dropped(f"{table}/{row}", n, m, [v for _, v in values[m:]]))

    # --- requests ------------------------------------------------------------------------
    def _request_row(self, label: str) -> str | None:
        text = compact(label)
        key, _ = _rightmost(text, schema.REQUEST_ROW_PATTERNS)
        gkey, gpos = None, -1
        for group in schema.REQUEST_GROUPS:
            for m in group.pattern.finditer(text):
                if m.start() >= gpos:
                    gkey, gpos = group.name, m.start()
        if gkey:
            self.group = gkey
        tail = text[max(gpos, 0):] if gkey else text
        num = _ITEM_NUMBER.search(tail)
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

    def _request_segment(self, seg: Segment) -> None:
        row = self._request_row(seg.label)
        if row is None:
            self.out.warnings.append(
                f"requests: row label '{seg.label[:40]}' not recognised; its numbers "
                f"{' '.join(v for _, v in seg.values)} were dropped")
            return
        self.last_req_row = row
        if row.startswith("other."):
            self.out.split_other = True
        values = seg.values
        header = self.req_header.get(seg.grid) if seg.grid is not None else None
        if seg.positional and header and len(header) == 7:
            by_pos = {p: k for k, p in header.items()}
            if all(p in by_pos for p, _ in values):
                for p, v in values:
                    self.put("requests", row, by_pos[p], v)
                return
        if len(values) == 1:
            self.put("requests", row, "total", values[0].text)
        elif (len(values) < 7 and seg.rel is not None
              and seg.width - seg.last_label - 1 == len(schema.REQUEST_COLS)):
            # Fewer numbers than columns in a row as wide as the table: each in its column.
            for r, (_, v) in zip(seg.rel, values):
                self.put("requests", row, schema.REQUEST_COLS[r], v)
        else:
            self._place_in_order("requests", row, schema.REQUEST_COLS, values)

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
        for (r, c), (_, v, _) in zip(slots, values):
            self.put("appeals", r, c, v)
        if n > m:
            self.out.warnings.append(_dropped("appeals", n, m))


def _dropped(where: str, n: int, m: int, extra: list[str] | None = None) -> str:
    """The warning for numbers beyond the template's: the last ones, named if given."""
    k = n - m
    last = (f"the last ({' '.join(extra)}) {'was' if k == 1 else 'were'}" if extra is not None
            else "the last was" if k == 1 else f"the last {k} were")
    return f"{where}: {n} numbers where the template has {m}; {last} dropped"


def map_rows(rows: list[Row], template: str) -> Mapped:
    """Map a document's table rows to template cells."""
    return _Mapper(template).run(rows)
