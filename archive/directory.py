"""Organs found in portals' organ directories (a county's departments and townships, each with
its own 年报 column): their ``organs`` rows. One row per portal and organ name; a later crawl
refreshes what it saw (its column, the directory page, the last time it was seen) and keeps what
it did not.

Runs inside the writer's transaction (:meth:`archive.store.Archive.record_organ`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .fetches import now_iso


@dataclass
class OrganRecord:
    portal: str
    name: str                          # as the directory names it: 花马池镇, 县教育局
    column_url: str | None = None      # the organ's 年报 column, once found
    directory_url: str | None = None   # the page that named the organ
    division_code: str | None = None   # where parsers.divisions places it (6 or 9 digits)
    seen: str | None = None            # UTC; now when None


def upsert(db, rec: OrganRecord) -> int:
    """Insert or refresh the organ's row; its id."""
    seen = rec.seen or now_iso()
    db.conn.execute(
        "INSERT INTO organs (portal, name, column_url, directory_url, division_code, first_seen, "
        "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (portal, name) DO UPDATE SET "
        "column_url = coalesce(excluded.column_url, column_url), "
        "directory_url = coalesce(excluded.directory_url, directory_url), "
        "division_code = coalesce(excluded.division_code, division_code), "
        "first_seen = min(first_seen, excluded.first_seen), "
        "last_seen = max(last_seen, excluded.last_seen)",
        (rec.portal, rec.name, rec.column_url, rec.directory_url, rec.division_code, seen, seen))
    return db.conn.execute("SELECT id FROM organs WHERE portal = ? AND name = ?",
                           (rec.portal, rec.name)).fetchone()[0]
