"""From an extracted document to the report object of ``docs/schema.md``."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .checks import run_checks
from .document import Extracted
from .mapper import map_rows
from .meta import find_template, find_year_and_organ
from .numbers import normalize

CELL_ORDER = {
    "active": (list(schema.ACTIVE_ROWS), list(schema.ACTIVE_COLS)),
    "requests": (list(schema.REQUEST_ROWS), schema.REQUEST_COLS),
    "appeals": (list(schema.APPEAL_ROWS), schema.APPEAL_COLS),
}
TABLE_ORDER = ["active", "requests", "appeals"]


@dataclass
class Report:
    organ: str | None
    year: int | None
    template: str
    cells: list[dict]
    checks: list[dict]
    warnings: list[str]
    format: str
    text: str = field(repr=False, default="")
    title: str | None = None
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)

    def to_json(self, with_text: bool = False) -> dict:
        out = {
            "organ": self.organ,
            "year": self.year,
            "template": self.template,
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


def build_report(doc: Extracted) -> Report:
    text = normalize_text(doc.text)
    organ, year = find_year_and_organ(text, doc.title)
    template = find_template(text, year, has_cells=bool(doc.rows))
    warnings = list(doc.warnings)
    cells: list[dict] = []
    checks: list[dict] = []
    if template != "pre2019":
        mapped = map_rows(doc.rows, template)
        warnings.extend(mapped.warnings)
        for key in sorted(mapped.cells, key=_sort_key):
            table, row, col = key
            cells.append({"table": table, "row": row, "col": col, "value": mapped.cells[key]})
        checks = run_checks(mapped.cells, template, mapped.split_other)
        for name in TABLE_ORDER:
            if name not in mapped.found_tables:
                warnings.append(f"{name}: table not found ({schema.TABLE_LABELS[name]})")
    if organ is None:
        warnings.append("organ: the issuing organ could not be found in the title or body")
    if year is None:
        warnings.append("year: the statistics year could not be found in the title or body")
    return Report(organ, year, template, cells, checks, warnings, doc.format, text=text,
                  title=doc.title, pages=doc.pages, ocr_pages=doc.ocr_pages)


def normalize_text(text: str) -> str:
    return "\n".join(normalize(line) if "\t" not in line else line for line in text.splitlines())
