"""A report as a person reads it in a terminal."""

from __future__ import annotations

from .numbers import format_number
from .report import CELL_ORDER, TABLE_ORDER, Report

TITLES = {"active": "二、主动公开 (active)", "requests": "三、申请 (requests)",
          "appeals": "四、复议诉讼 (appeals)"}


def _table(title: str, rows: list[str], cols: list[str], cells: dict) -> list[str]:
    """The table's rows and columns that hold a cell, under their keys (columns cut to 9)."""
    present_rows = [r for r in rows if any((r, c) in cells for c in cols)]
    present_cols = [c for c in cols if any((r, c) in cells for r in rows)]
    if not present_rows:
        return [f"{title}: (none)"]
    width = max(len(r) for r in present_rows) + 1
    out = [title, " " * width + "".join(f"{c[:9]:>10}" for c in present_cols)]
    for r in present_rows:
        values = (cells.get((r, c)) for c in present_cols)
        out.append(f"{r:<{width}}" + "".join(
            f"{'' if v is None else format_number(v):>10}" for v in values))
    return out


def _from(source: str | None) -> str:
    return f" ({source})" if source else ""


def render(path: str, report: Report) -> str:
    lines = [f"== {path}", report.status]
    if report.kind != "report":
        lines.append(f"format: {report.format}")
    else:
        lines.append(f"organ: {report.organ or '?'}{_from(report.organ_source)}   "
                     f"year: {report.year or '?'}{_from(report.year_source)}   "
                     f"template: {report.template}   format: {report.format}")
    if report.dates:
        lines.append("dates: " + ", ".join(f"{d['date']} ({d['source']})" for d in report.dates))
    if report.kind != "report":
        lines += [f"  warning: {w}" for w in report.warnings]
        return "\n".join(lines)
    by_table: dict[str, dict] = {name: {} for name in TABLE_ORDER}
    for c in report.cells:
        by_table[c["table"]][(c["row"], c["col"])] = c["value"]
    if report.template != "pre2019":
        for name in TABLE_ORDER:
            lines += _table(TITLES[name], *CELL_ORDER[name], by_table[name])
        counts: dict[str, int] = {}
        for ch in report.checks:
            counts[ch["status"]] = counts.get(ch["status"], 0) + 1
        lines.append("checks: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        for ch in report.checks:
            if ch["status"] == "fail":
                where = ch.get("col") or ch.get("row")
                lines.append(f"  FAIL {ch['check']} [{where}]: {ch.get('detail', '')}")
    else:
        lines.append("pre-2019 free-form report: archived as text, no cells")
    for w in report.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
