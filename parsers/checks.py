"""The template's consistency checks (勾稽关系), as ``docs/schema.md`` states them.

Every check result is kept: ``pass``, ``fail`` with the numbers that disagree, or ``skipped``
when a cell it needs is absent.
"""

from __future__ import annotations

from . import schema
from .numbers import format_number as _fmt

Cells = dict[tuple[str, str, str], int | float]
# 第一项加第二项之和，等于第三项加第四项之和: new + carried_in == result_total + carried_out.
_BALANCE = ("new", "carried_in", "result_total", "carried_out")


def _side(parts: list) -> str:
    return f"{'+'.join(_fmt(p) for p in parts)} = {_fmt(sum(parts))}"


def _equal(a, b) -> bool:
    return abs(a - b) < 1e-6


def _compare(check: str, key: str, name: str, parts: list, totals: list) -> dict:
    """One check result: do the parts add up to the totals? ``skipped`` if a cell is absent;
    a failure names the numbers (one total is shown as it is, several with their sum)."""
    res = {"check": check, key: name}
    if any(p is None for p in parts + totals):
        res["status"] = "skipped"
    elif _equal(sum(parts), sum(totals)):
        res["status"] = "pass"
    else:
        res["status"] = "fail"
        right = _fmt(totals[0]) if len(totals) == 1 else _side(totals)
        res["detail"] = f"{_side(parts)} ≠ {right}"
    return res


def covered(result: dict, template: str, split_other: bool) -> list[tuple[str, str, str]]:
    """The cells a check result (of run_checks) adds up."""
    rows = schema.request_rows(template, split_other)
    check = result["check"]
    if check == "requests.balance":
        return [("requests", r, result["col"]) for r in _BALANCE]
    if check == "requests.result_sum":
        return [("requests", r, result["col"]) for r in rows if r not in _BALANCE] + [
            ("requests", "result_total", result["col"])]
    if check == "requests.row_sum":
        return [("requests", result["row"], c) for c in schema.REQUEST_COLS]
    return [("appeals", result["row"], c) for c in schema.APPEAL_COLS]


def run_checks(cells: Cells, template: str, split_other: bool) -> list[dict]:
    if template not in ("2019", "2021"):
        return []
    req = lambda row, col: cells.get(("requests", row, col))  # noqa: E731
    appeal = lambda row, col: cells.get(("appeals", row, col))  # noqa: E731
    rows = schema.request_rows(template, split_other)
    result_rows = [r for r in rows if r not in _BALANCE]
    out: list[dict] = []
    for col in schema.REQUEST_COLS:
        new, carried_in, result_total, carried_out = (req(r, col) for r in _BALANCE)
        out.append(_compare("requests.balance", "col", col, [new, carried_in],
                            [result_total, carried_out]))
    for col in schema.REQUEST_COLS:
        out.append(_compare("requests.result_sum", "col", col, [req(r, col) for r in result_rows],
                            [req("result_total", col)]))
    for row in rows:
        out.append(_compare("requests.row_sum", "row", row,
                            [req(row, c) for c in schema.APPLICANT_COLS], [req(row, "total")]))
    for row in schema.APPEAL_ROWS:
        out.append(_compare("appeals.row_sum", "row", row,
                            [appeal(row, c) for c in schema.APPEAL_COLS if c != "total"],
                            [appeal(row, "total")]))
    return out
