"""A Diff as rows of the ``changes`` table. The archive's writer stores them
(:meth:`archive.store.Archive.record_changes`): running the same diff again replaces its rows."""

from __future__ import annotations

import json

from ..writer import insert
from . import status
from .model import KINDS, Diff


def change_rows(diff: Diff, detected_at: str) -> list[dict]:
    """One row per change, in the order of :data:`KINDS`."""
    rows = []
    for kind in KINDS:
        for e in getattr(diff, kind.name):
            rows.append({
                "kind": kind.row, "portal": diff.portal, "old_crawl": diff.old_crawl,
                "new_crawl": diff.new_crawl, "report_id": e.get("report_id"), "url": e["url"],
                "document_url": e.get("document_url"), "old_url": e.get("old_url"),
                "old_document_id": e.get("old_document_id"),
                "new_document_id": e.get("new_document_id"),
                "old_sha256": e.get("old_sha256"), "new_sha256": e.get("new_sha256"),
                "old_report_id": e.get("old_report_id"),
                "reason": e.get("reason") or e.get("note"), "organ": e.get("organ"),
                "year": e.get("year"), "title": e.get("title"),
                "n_cells": len(e["cells"]) if "cells" in e else None,
                "cells": json.dumps(e["cells"], ensure_ascii=False) if e.get("cells") else None,
                "text_diff": e.get("text_diff") or None, "detected_at": detected_at})
    return rows


def write(db, diff: Diff, detected_at: str) -> int:
    """Inside the writer's transaction: replace the rows of an earlier run over the same
    crawls, and refresh the status of every report they (and the rows replaced) speak of.
    Returns how many rows were written."""
    before = db.conn.execute("SELECT report_id, old_report_id FROM changes WHERE new_crawl = ? "
                             "AND old_crawl IS ?", (diff.new_crawl, diff.old_crawl)).fetchall()
    db.conn.execute("DELETE FROM changes WHERE new_crawl = ? AND old_crawl IS ?",
                    (diff.new_crawl, diff.old_crawl))
    rows = change_rows(diff, detected_at)
    for row in rows:
        insert(db, "changes", row)
    status.refresh(db, [r for pair in before for r in pair] +
                   [r[k] for r in rows for k in ("report_id", "old_report_id")])
    return len(rows)
