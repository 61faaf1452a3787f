"""Where the synced registry lives: the archive's ``sites`` table in the data directory
(``$XXGK_DATA``), written through the archive's writer and read through its queries."""

from __future__ import annotations

import os
from dataclasses import asdict

from archive import queries
from archive.coverage import refresh_coverage
from archive.db import read_only
from archive.paths import Layout
from archive.sites import SyncCounts
from archive.store import Archive


def synced(data: str | os.PathLike | None = None, withdrawn: bool = False) -> list[dict]:
    """The sites of the last sync (rows of ``sites``); [] when nothing was synced there."""
    db_path = Layout(data).db
    if not db_path.exists():
        return []
    with read_only(db_path) as db:
        return queries.sites(db, withdrawn=withdrawn)


def save(sites: list, synced_at: str, source: str,
         data: str | os.PathLike | None = None) -> SyncCounts:
    """Write a sync's :class:`~crawler.registry.build.Site` records."""
    with Archive(data) as arc:
        counts = arc.record_sites([asdict(s) for s in sites], synced_at, source)
        refresh_coverage(arc)       # the organs expected have changed
        return counts
