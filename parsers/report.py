"""From an extracted document to the report object of ``docs/schema.md``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import schema
from .checks import covered, run_checks
from .dates import document_dates
from .document import Extracted
from .issuer import find_issuer
from .limits import MAX_WARNINGS
from .mapper import map_rows
from .meta import find_kind, find_template
from .numbers import normalize
from .signature import find_signature

CELL_ORDER = {
    "active": (list(schema.ACTIVE_ROWS), list(schema.ACTIVE_COLS)),
    "requests": (list(schema.REQUEST_ROWS), schema.REQUEST_COLS),
    "appeals": (list(schema.APPEAL_ROWS), schema.APPEAL_COLS),
}
TABLE_ORDER = ["active", "requests", "appeals"]
KINDS = ("report", "not_a_report")
# Where the document itself names its organ or year, plainly (not what the caller knows of it,
# nor a mention in its text, which may be another report's: a page's 相关链接).
OWN_SOURCES = ("title", "signature")
HINTED = ("link_text", "file_name")  # hints that name the report itself (the page's title is
# reported as "title" and counted with the document's)


@dataclass
class Report:
    organ: str | None
    year: int | None
    template: str | None  # None when the file is not a report
    cells: list[dict]
    checks: list[dict]
    warnings: list[str]
    format: str
    text: str = field(repr=False, default="")
    title: str | None = None
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)
    kind: str = "report"          # one of KINDS
    status: str = ""              # one line: what the file is, as the summary says it
    organ_source: str | None = None  # one of issuer.SOURCES, None when organ is None
    year_source: str | None = None
    dates: list[dict] = field(default_factory=list)  # {"date": "YYYY-MM-DD", "source": …}

    def to_json(self, with_text: bool = False) -> dict:
        out = {
            "kind": self.kind,
            "status": self.status,
            "organ": self.organ,
            "organ_source": self.organ_source,
            "year": self.year,
            "year_source": self.year_source,
            "template": self.template,
            "dates": self.dates,
            "cells": self.cells,
            "checks": self.checks,
            "warnings": self.warnings,
            "format": self.format,
        }
        if self.title:
            out["title"] = self.title
        if self.ocr_pages:
            out["ocr_pages"] = self.ocr_pages
        if with_text:
            out["text"] = self.text
        return out


def _sort_key(cell_key):
    table, row, col = cell_key
    rows, cols = CELL_ORDER[table]
    return (TABLE_ORDER.index(table), rows.index(row) if row in rows else 99,
            cols.index(col) if col in cols else 99)


def capped(warnings: list[str]) -> list[str]:
    """At most MAX_WARNINGS warnings: the first ones, then one that sums up the rest by kind
    (the words before the first colon, numbers as N)."""
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    kept, rest = warnings[:MAX_WARNINGS - 1], warnings[MAX_WARNINGS - 1:]
    kinds = Counter(re.sub(r"\d+", "N", w.split(":", 1)[0][:40]) for w in rest)
    top = ", ".join(f"{n} {k!r}" for k, n in kinds.most_common(3))
    return kept + [f"{len(rest)} more warnings not kept (MAX_WARNINGS {MAX_WARNINGS}): {top}"
                   + (", …" if len(kinds) > 3 else "")]


def build_report(doc: Extracted, hints: dict | None = None) -> Report:
    text = normalize_text(doc.text)
    signature = find_signature(text)
    issuer = find_issuer(text, doc.title, signature, hints)
    template = find_template(text, issuer.year, has_cells=bool(doc.rows))
    warnings = list(doc.warnings)
    cells: list[dict] = []
    checks: list[dict] = []
    table_warnings: list[str] = []
    found_tables: set[str] = set()
    if template != "pre2019":
        mapped = map_rows(doc.rows, template)
        table_warnings.extend(mapped.warnings)
        found_tables = mapped.found_tables
        checks = run_checks(mapped.cells, template, mapped.split_other)
        doubtful = _doubtful(mapped, checks, template)
        if doubtful:
            for key in sorted(doubtful, key=_sort_key):
                del mapped.cells[key]
                table_warnings.append(f"{'/'.join(key)}: read from a number cut over lines, and "
                                      f"every check it is in fails; left absent")
            checks = run_checks(mapped.cells, template, mapped.split_other)
        for key in sorted(mapped.cells, key=_sort_key):
            table, row, col = key
            cells.append({"table": table, "row": row, "col": col, "value": mapped.cells[key]})
        for name in TABLE_ORDER:
            if name not in mapped.found_tables:
                table_warnings.append(f"{name}: table not found ({schema.TABLE_LABELS[name]})")
    named = issuer.organ_source in OWN_SOURCES or issuer.year_source in OWN_SOURCES
    hinted = issuer.organ_source in HINTED or issuer.year_source in HINTED
    kind, status = find_kind(text, issuer.title, named, len(found_tables), hinted)
    if signature:
        warnings.extend(signature.warnings)
    dates, date_warnings = document_dates(signature.date if signature else None, doc.properties)
    warnings.extend(date_warnings)
    if kind != "report":
        return Report(None, None, None, [], [], capped(warnings), doc.format, text=text, title=doc.title,
                      pages=doc.pages, ocr_pages=doc.ocr_pages, kind=kind, status=status,
                      dates=dates)
    warnings.extend(table_warnings)
    warnings.extend(issuer.warnings)
    if issuer.organ is None:
        warnings.append("organ: the issuing organ could not be found in the title, signature, "
                        "body or hints")
    if issuer.year is None:
        warnings.append("year: the statistics year could not be found in the title, body or "
                        "hints")
    if template == "pre2019":
        status = f"{status} (a report before the 2019 template: text only)"
    return Report(issuer.organ, issuer.year, template, cells, checks, capped(warnings), doc.format,
                  text=text, title=doc.title, pages=doc.pages, ocr_pages=doc.ocr_pages,
                  kind=kind, status=status, organ_source=issuer.organ_source,
                  year_source=issuer.year_source, dates=dates)


def _doubtful(mapped, checks: list[dict], template: str) -> set:
    """The cells pieced together from a number cut over lines (a part may have stood elsewhere)
    whose every check fails: not sure, so not kept. The other cells of a failing check stay:
    a report may print a total wrong."""
    outcome: dict[tuple, list[bool]] = {}
    for result in checks:
        if result["status"] in ("pass", "fail"):
            for key in covered(result, template, mapped.split_other):
                if key in mapped.cut:
                    outcome.setdefault(key, []).append(result["status"] == "fail")
    return {key for key, fails in outcome.items() if all(fails)}


def normalize_text(text: str) -> str:
    return "\n".join(normalize(line) if "\t" not in line else line for line in text.splitlines())
