"""The template's consistency checks (勾稽关系), as ``SCHEMA.md`` states them.

Every check result is kept: ``pass``, ``fail`` with the numbers that disagree, or ``skipped``
when a cell it needs is absent.
"""

from __future__ import annotations

from . import schema

Cells = dict[tuple[str, str, str], int | float]


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _sum_detail(parts: list, total) -> str:
    return f"{'+'.join(_fmt(p) for p in parts)} = {_fmt(sum(parts))} ≠ {_fmt(total)}"


def _equal(a, b) -> bool:
    return abs(a - b) < 1e-6


def run_checks(cells: Cells, template: str, split_other: bool) -> list[dict]:
    if template not in ("2019", "2021"):
        return []
    req = lambda row, col: cells.get(("requests", row, col))  # noqa: E731
    rows = schema.request_rows(template, split_other)
    result_rows = [r for r in rows if r not in ("new", "carried_in", "result_total", "carried_out")]
    out: list[dict] = []

    for col in schema.REQUEST_COLS:
        parts = [req(r, col) for r in ("new", "carried_in", "result_total", "carried_out")]
        res = {"check": "requests.balance", "col": col}
        if any(p is None for p in parts):
            res["status"] = "skipped"
        elif _equal(parts[0] + parts[1], parts[2] + parts[3]):
            res["status"] = "pass"
        else:
            res["status"] = "fail"
            res["detail"] = (f"{_fmt(parts[0])}+{_fmt(parts[1])} = {_fmt(parts[0] + parts[1])} ≠ "
                             f"{_fmt(parts[2])}+{_fmt(parts[3])} = {_fmt(parts[2] + parts[3])}")
        out.append(res)

    for col in schema.REQUEST_COLS:
        parts = [req(r, col) for r in result_rows]
        total = req("result_total", col)
        res = {"check": "requests.result_sum", "col": col}
        if total is None or any(p is None for p in parts):
            res["status"] = "skipped"
        elif _equal(sum(parts), total):
            res["status"] = "pass"
        else:
            res["status"] = "fail"
            res["detail"] = _sum_detail(parts, total)
        out.append(res)

    for row in rows:
        parts = [req(row, c) for c in schema.APPLICANT_COLS]
        total = req(row, "total")
        res = {"check": "requests.row_sum", "row": row}
        if total is None or any(p is None for p in parts):
            res["status"] = "skipped"
        elif _equal(sum(parts), total):
            res["status"] = "pass"
        else:
            res["status"] = "fail"
            res["detail"] = _sum_detail(parts, total)
        out.append(res)

    for row in schema.APPEAL_ROWS:
        parts = [cells.get(("appeals", row, c)) for c in schema.APPEAL_COLS[:4]]
        total = cells.get(("appeals", row, "total"))
        res = {"check": "appeals.row_sum", "row": row}
        if total is None or any(p is None for p in parts):
            res["status"] = "skipped"
        elif _equal(sum(parts), total):
            res["status"] = "pass"
        else:
            res["status"] = "fail"
            res["detail"] = _sum_detail(parts, total)
        out.append(res)
    return out
