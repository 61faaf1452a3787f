"""What the parser says about a stored document: its cells, checks, warnings, text and dates,
each row with the parser version that produced it, and which source gave its organ and year.
Parsing runs in a sandboxed child, outside the lock, with what the fetches knew of the document
as hints (:mod:`.hints`); a page's text is its main content (:mod:`.maintext`). Storing replaces
the document's earlier parse in one transaction and refreshes its reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import parsers
from parsers import ParseError, schema
from parsers.limits import MAX_PARSE_BYTES, breach
from parsers.report import Report
from parsers.sandbox import Limits

from . import dates, queries, reports
from .blobs import BlobStore
from .fetches import now_iso
from .hints import document_hints, parse_with_hints
from .maintext import MainText, main_text
from .writer import Writer

# Tables that hold one document's parse, emptied before a new parse is stored.
PARSE_TABLES = ("cells", "checks", "warnings", "texts", "document_dates")


@dataclass
class ParseOutcome:
    """What parsing one stored document gave, before it is stored: the parser's report (or
    the one-line error), a page's main content, the time it took. Crosses process boundaries
    (the parse pool's workers hand it back to the process that writes)."""

    sha256: str
    document_id: int
    report: Report | None
    error: str | None
    text: MainText | None
    version: str
    seconds: float


def parse_stored(read, blobs: BlobStore, limits: Limits, sha256: str) -> ParseOutcome:
    """Parse a stored document (in a sandboxed child) with what its fetches tell as hints;
    write nothing. ``read(fn, *args)`` runs a function of :mod:`.queries` on any connection,
    read-only or the writer's."""
    t0 = time.monotonic()
    doc = read(queries.document, sha256)
    if doc is None:
        raise KeyError(f"no document {sha256}")
    fetched = read(queries.document_fetches, doc["id"])
    text = None
    try:
        if doc["size"] > MAX_PARSE_BYTES:  # refused before it is read
            raise ParseError(breach("MAX_PARSE_BYTES", MAX_PARSE_BYTES, f"{doc['size']} bytes"))
        data = blobs.read(sha256)
        report, error = parse_with_hints(data, limits, document_hints(fetched)), None
        if doc["format"] == "html":
            selectors = list(dict.fromkeys(f["content_selector"] for f in fetched
                                           if f["content_selector"]))
            text = main_text(data, selectors, report.title)
    except ParseError as exc:
        report, error = None, str(exc)
    except FileNotFoundError:
        report, error = None, "the raw file is missing from the blob store"
    return ParseOutcome(sha256, doc["id"], report, error, text, parsers.__version__,
                        time.monotonic() - t0)


def store_outcome(writer: Writer, outcome: ParseOutcome) -> dict:
    """Store a parse in one transaction, replacing the document's earlier one, and refresh its
    reports; return ``{"status", "organ", "year", "template", "cells"}`` (and ``"error"``)."""
    doc_id = outcome.document_id
    with writer.transaction() as db:
        for table in PARSE_TABLES:
            db.conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))
        if outcome.report is None:
            summary = _store_error(db, doc_id, outcome.error, outcome.version)
        else:
            summary = _store(db, doc_id, outcome.report, outcome.version, outcome.text)
        for report_id in queries.reports_of_document(db, doc_id):
            reports.refresh(db, report_id)
    return summary


def parse_document(writer: Writer, blobs: BlobStore, limits: Limits, sha256: str) -> dict:
    """Parse a stored document and store what the parser said (:func:`parse_stored`, then
    :func:`store_outcome`) in this process."""
    return store_outcome(writer, parse_stored(writer.read, blobs, limits, sha256))


def _store_error(db, doc_id: int, error: str, version: str) -> dict:
    db.conn.execute("UPDATE documents SET parse_status = 'error', parse_error = ?, "
                    "parser_version = ?, parsed_at = ?, organ = NULL, year = NULL, "
                    "template = NULL, title = NULL, n_cells = 0, n_warnings = 0, "
                    "check_status = NULL, pages = NULL, organ_source = NULL, "
                    "year_source = NULL, kind = NULL WHERE id = ?",
                    (error, version, now_iso(), doc_id))
    return {"status": "error", "error": error, "organ": None, "year": None, "template": None,
            "cells": 0}


def _store(db, doc_id: int, report, version: str, main=None) -> dict:
    """Store a parse; ``main`` is a page's main content (:func:`maintext.main_text`), kept as
    its text instead of the whole page's."""
    c = db.conn
    cells = []
    for cell in report.cells:
        row_label, col_label = schema.label_of(cell["table"], cell["row"], cell["col"])
        cells.append((doc_id, cell["table"], cell["row"], cell["col"], cell["value"],
                      row_label, col_label, version))
    c.executemany('INSERT INTO cells (document_id, "table", "row", col, value, row_label, '
                  'col_label, parser_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', cells)
    c.executemany('INSERT INTO checks (document_id, "check", "row", col, status, detail, '
                  'parser_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
                  [(doc_id, k["check"], k.get("row"), k.get("col"), k["status"],
                    k.get("detail"), version) for k in report.checks])
    c.executemany("INSERT INTO warnings (document_id, message, parser_version) VALUES (?, ?, ?)",
                  [(doc_id, w, version) for w in report.warnings])
    content, source = (main.text, main.source) if main else (report.text, "document")
    if content:
        c.execute("INSERT INTO texts (document_id, content, parser_version, source) "
                  "VALUES (?, ?, ?, ?)", (doc_id, content, version, source))
    # What the document says of its own dates (signature, properties), when the parser reads it.
    c.executemany("INSERT OR IGNORE INTO document_dates (document_id, source, date, "
                  "parser_version) VALUES (?, ?, ?, ?)",
                  [(doc_id, d.source, d.date, version)
                   for d in dates.dated(getattr(report, "dates", None))
                   if dates.kind(d.source) == "document"])
    statuses = {k["status"] for k in report.checks}
    check_status = ("fail" if "fail" in statuses else "pass" if "pass" in statuses
                    else "skipped" if statuses else "none")
    status = "warnings" if report.warnings else "ok"
    c.execute("UPDATE documents SET parse_status = ?, parse_error = NULL, parser_version = ?, "
              "parsed_at = ?, organ = ?, year = ?, template = ?, title = ?, n_cells = ?, "
              "n_warnings = ?, check_status = ?, pages = ?, organ_source = ?, year_source = ?, "
              "kind = ? WHERE id = ?",
              (status, version, now_iso(), report.organ, report.year, report.template,
               report.title, len(cells), len(report.warnings), check_status, report.pages,
               getattr(report, "organ_source", None) if report.organ else None,
               getattr(report, "year_source", None) if report.year else None,
               getattr(report, "kind", None), doc_id))
    return {"status": status, "organ": report.organ, "year": report.year,
            "template": report.template, "cells": len(cells)}
