"""The registry's government websites as synced from the national database: a sync's rows
written in one transaction, each under its portal id. A site of a group the sync read
(``source_group``: 部委门户, 地方所属网站 …) that it no longer lists keeps its row, marked
``withdrawn`` with that sync's time; one that comes back is live again. Sites of groups the sync
did not read are left as they are."""

from __future__ import annotations

from dataclasses import dataclass

from . import queries

# Columns a sync fills (the rest are the archive's: first_synced, last_synced, withdrawn).
FACT_COLUMNS = ("site_code", "name", "url", "organ", "supervisor", "region_code", "level",
                "parent", "province", "region", "area", "site_type", "icp", "police_record",
                "source_group", "notes")


@dataclass
class SyncCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0      # live before, not in this sync
    returned: int = 0       # withdrawn before, in this sync again


def record(db, rows: list[dict], synced_at: str, source: str) -> SyncCounts:
    """Write one sync's sites (dicts with ``portal`` and the fact columns), inside the
    caller's transaction."""
    before = {r["portal"]: r for r in queries.sites(db, withdrawn=True)}
    by_code = {r["site_code"]: r["portal"] for r in before.values() if r["site_code"]}
    counts = SyncCounts()
    seen = set()
    columns = ("portal", *FACT_COLUMNS, "source", "first_synced", "last_synced", "withdrawn")
    upsert = (f"INSERT INTO sites ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
              f"ON CONFLICT (portal) DO UPDATE SET "
              + ", ".join(f"{c} = excluded.{c}" for c in columns[1:]))
    for row in rows:
        portal = row["portal"]
        seen.add(portal)
        facts = {c: row.get(c) for c in FACT_COLUMNS}
        renamed = by_code.get(facts["site_code"])
        if renamed and renamed != portal and renamed not in seen:
            # The site has a new id (an override now names it): its row follows.
            db.execute("UPDATE sites SET portal = ? WHERE portal = ?", (portal, renamed))
            before[portal] = before.pop(renamed)
        old = before.get(portal)
        if old is None:
            counts.added += 1
        elif old["withdrawn"]:
            counts.returned += 1
        elif any(old[c] != facts[c] for c in FACT_COLUMNS):
            counts.changed += 1
        else:
            counts.unchanged += 1
        db.execute(upsert, (portal, *facts.values(), source,
                            old["first_synced"] if old else synced_at, synced_at, None))
    groups = {row.get("source_group") for row in rows}
    for portal, old in before.items():
        if portal not in seen and not old["withdrawn"] and old["source_group"] in groups:
            db.execute("UPDATE sites SET withdrawn = ? WHERE portal = ?", (synced_at, portal))
            counts.withdrawn += 1
    return counts
