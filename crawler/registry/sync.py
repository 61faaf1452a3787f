"""A sync: the database's rows (downloaded, or from a file a user has) built into the registry's
sites and written to the data directory. What ``xxgk registry sync`` and ``import`` run.

    report = sync_from_service("https://zfwzzc.www.gov.cn/check_web/databaseInfo/download")
    report = sync_from_files(["地方所属网站.zip"])
    report.counts.added, report.problems
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone

from archive.sites import SyncCounts

from . import DEMO, RESERVED, build, overrides, store
from .download import Client
from .official import OfficialRow, read_file


@dataclass
class SyncReport:
    source: str
    rows: int
    sites: int
    counts: SyncCounts
    problems: list[str] = field(default_factory=list)
    skipped: int = 0


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sync_rows(rows: list[OfficialRow], source: str,
              data: str | os.PathLike | None = None) -> SyncReport:
    """Build the registry from ``rows`` and write it; the ids of the last sync are kept."""
    if not rows:
        raise ValueError(f"{source}: no website rows: the registry is left as it was")
    demo_ids = {p["id"] for p in overrides.entries(DEMO)}
    result = build.build(rows, previous=store.synced(data, withdrawn=True),
                         overrides=overrides.load(), reserved=set(RESERVED) | demo_ids)
    counts = store.save(result.sites, _now(), source, data)
    return SyncReport(source, len(rows), len(result.sites), counts, result.problems,
                      result.skipped)


def sync_from_service(source: str | None = None, data: str | os.PathLike | None = None,
                      groups: list[str] | None = None, **client_options) -> SyncReport:
    """Download every group of the service (or ``groups``) and sync. A group that cannot be
    downloaded stops the sync before anything is written."""
    client = Client(source, **client_options) if source else Client(**client_options)
    return sync_rows(client.rows(groups), client.source, data)


def sync_from_files(paths: list[str | os.PathLike],
                    data: str | os.PathLike | None = None) -> SyncReport:
    """Sync from files a user already has (zip, CSV, XLS, XLSX), read together."""
    rows: list[OfficialRow] = []
    for p in paths:
        rows += read_file(p)
    return sync_rows(rows, ", ".join(str(p) for p in paths), data)
