"""A report's status, from the changes recorded about it: ``online``, ``revised`` (when),
``removed`` (why — 404, 410, soft_deleted, unlisted, moved — and when); ``unchecked`` for a report
only ever ingested by hand. The archive's writer refreshes it whenever it stores a diff, from
every change of the report in the order of the crawls that saw them, so running an older diff
again never turns a newer status back.
"""

from __future__ import annotations

from .. import queries

# Within one crawl, the change that decides: a removal over a revision over an appearance.
_WEIGHT = {"added": 0, "moved": 0, "revised": 1, "removed": 2}


def status_of(changes: list[dict], report_id: int) -> dict | None:
    """``{"status", "status_reason", "status_since", "revised_at"}`` of a report from its
    changes (``queries.status_changes``), or None when no change speaks of it."""
    if not changes:
        return None
    out = {"status": "online", "status_reason": None, "status_since": None, "revised_at": None}
    order = sorted(changes, key=lambda c: (c["started_at"], _WEIGHT[c["kind"]], c["id"]))
    for c in order:
        when = c["started_at"]
        if c["kind"] == "moved" and c["old_report_id"] == report_id and c["report_id"] != report_id:
            out.update(status="removed", status_reason="moved", status_since=when)
        elif c["kind"] in ("added", "moved"):
            # Online since first seen; since its return, when it had been removed.
            back = out["status"] == "removed"
            out.update(status="online", status_reason=None,
                       status_since=when if back else out["status_since"])
        elif c["kind"] == "revised":
            out.update(status="revised", status_reason=None, status_since=when, revised_at=when)
        elif c["kind"] == "removed":
            out.update(status="removed", status_reason=c["reason"], status_since=when)
    return out


def refresh(db, report_ids) -> None:
    """Inside the writer's transaction: the status of each report from its changes."""
    for rid in sorted({r for r in report_ids if r is not None}):
        found = status_of(queries.status_changes(db, rid), rid)
        if found is None:
            continue
        if found["status_since"] is None:
            found["status_since"] = (queries.report(db, rid) or {}).get("first_seen")
        db.conn.execute("UPDATE reports SET status = ?, status_reason = ?, status_since = ?, "
                        "revised_at = ? WHERE id = ?",
                        (found["status"], found["status_reason"], found["status_since"],
                         found["revised_at"], rid))


def status_words(report: dict) -> str:
    """A report's status in words, as ``xxgk reports`` and its page say it:
    ``removed (404) since 2025-03-12``, ``revised 2025-03-12``, ``online since 2025-03-03``."""
    status = report.get("status") or "unchecked"
    since = (report.get("status_since") or "")[:10]
    if status == "removed":
        return f"removed ({report.get('status_reason') or '?'})" + (f" since {since}" if since else "")
    if status == "revised":
        return f"revised {(report.get('revised_at') or since)[:10]}".rstrip()
    if status == "online":
        return "online" + (f" since {since}" if since else "")
    return status
