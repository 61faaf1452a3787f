"""A report as a person reads it in a terminal."""

from __future__ import annotations

from . import schema
from .report import Report


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _table(title: str, rows: list[str], cols: list[str], cells: dict, row_label, col_label) -> list[str]:
    present_rows = [r for r in rows if any((r, c) in cells for c in cols)]
    present_cols = [c for c in cols if any((r, c) in cells for r in rows)]
    if not present_rows:
        return [f"{title}: (none)"]
    head = [row_label(r) for r in present_rows]
    width = max(len(h) for h in head) + 1
    out = [title, " " * width + "".join(f"{col_label(c):>10}" for c in present_cols)]
    for r, h in zip(present_rows, head):
        out.append(f"{h:<{width}}" + "".join(f"{_fmt(cells.get((r, c))):>10}" for c in present_cols))
    return out


def render(path: str, report: Report) -> str:
    lines = [f"== {path}",
             f"organ: {report.organ or '?'}   year: {report.year or '?'}   template: "
             f"{report.template}   format: {report.format}"]
    by_table: dict[str, dict] = {"active": {}, "requests": {}, "appeals": {}}
    for c in report.cells:
        by_table[c["table"]][(c["row"], c["col"])] = c["value"]
    if report.template != "pre2019":
        lines += _table("二、主动公开 (active)", list(schema.ACTIVE_ROWS), list(schema.ACTIVE_COLS),
                        by_table["active"], lambda r: r, lambda c: c[:9])
        lines += _table("三、申请 (requests)", list(schema.REQUEST_ROWS), schema.REQUEST_COLS,
                        by_table["requests"], lambda r: r, lambda c: c[:9])
        lines += _table("四、复议诉讼 (appeals)", list(schema.APPEAL_ROWS), schema.APPEAL_COLS,
                        by_table["appeals"], lambda r: r, lambda c: c[:9])
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
