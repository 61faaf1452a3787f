"""Coverage of a division in a year: the organs expected in it (``expected_organs``: the
registry's sites, the organs directories name) against the reports the archive found, per part
of the division, with what the archive can say of each organ and no more:

- ``on_time``: a report, dated before its deadline by its page, URL or document, or first
  fetched before the deadline (an upper bound that proves "on time" and nothing else);
- ``late``: a report whose publication date (a page, URL or document date, archive/dates.py)
  is after the deadline;
- ``undated``: a report nothing dates on either side of the deadline;
- ``missing``: no report found, though the organ's portal was crawled completely (the crawl
  that says so is named);
- ``not_crawled``: no report found, and no complete crawl of the organ's portal: the archive
  cannot tell whether the organ published.

Coverage is reported / expected; a part with nothing expected has no coverage (not 0 %).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from dataclasses import asdict, dataclass, field

from . import queries, tallies
from .changes.completeness import completeness
from .views import PLACE

STATES = ("on_time", "late", "undated", "missing", "not_crawled")
REPORTED = ("on_time", "late", "undated")


@dataclass
class Counts:
    """How many organs expected in an area are in each state."""
    expected: int = 0
    on_time: int = 0
    late: int = 0
    undated: int = 0
    missing: int = 0
    not_crawled: int = 0

    @property
    def reported(self) -> int:
        return sum(getattr(self, s) for s in REPORTED)

    @property
    def coverage(self) -> float | None:
        """reported / expected; None when nothing is expected (no expectation known)."""
        return self.reported / self.expected if self.expected else None

    def add(self, state: str, n: int = 1) -> None:
        self.expected += n
        setattr(self, state, getattr(self, state) + n)

    def as_dict(self) -> dict:
        return {**asdict(self), "reported": self.reported, "coverage": self.coverage}


@dataclass
class RegionCoverage:
    """A division's coverage in a year: the whole area, each part, the division's own organs
    (in no part), and the expected organs in each state (the first ``limit`` of each), each
    with its ``state`` and, without a report, its portal's ``crawl``."""
    total: Counts = field(default_factory=Counts)
    parts: dict[str, Counts] = field(default_factory=dict)
    own: Counts = field(default_factory=Counts)
    listed: dict[str, list[dict]] = field(default_factory=lambda: {s: [] for s in STATES})


# Whether a crawl completed never changes once it has ended: kept, by archive and crawl.
_complete: dict[tuple[str, str], tuple[bool, str | None]] = {}


def _database_file(db) -> str:
    return next((r["file"] for r in db.query("PRAGMA database_list") if r["name"] == "main"), "")


def last_complete_crawls(db, portals) -> dict[str, dict]:
    """Each portal's latest complete crawl (``id``, ``ended_at``), or, for a portal with none,
    ``{"id": None, "reason": …}`` saying why (never crawled, or why its last crawl is
    incomplete)."""
    here = _database_file(db)
    never = {"id": None, "ended_at": None, "reason": "never crawled"}
    out = {}
    for portal, crawls in queries.finished_crawls_of(db, portals).items():
        for i, (crawl_id, ended_at) in enumerate(crawls):
            key = (here, crawl_id)
            if key not in _complete:
                c = completeness(db, crawl_id)
                _complete[key] = (c.complete, c.reason)
            complete, reason = _complete[key]
            if complete:
                out[portal] = {"id": crawl_id, "ended_at": ended_at}
                break
            if i == 0:
                out[portal] = {"id": None, "ended_at": None, "reason": reason}
    return {p: out.get(p, never) for p in portals if p}


def state_of(organ: queries.ExpectedOrgan, crawled: dict | None) -> str:
    if organ.report_id is not None:
        return {1: "late", 0: "on_time"}.get(organ.late, "undated")
    return "missing" if crawled and crawled.get("id") else "not_crawled"


def region_coverage(db, code: str | None, level: int, year: int | None,
                    limit: int | None = None) -> RegionCoverage:
    """The coverage of division ``code`` (None: the country; ``level`` 0) in ``year``, with
    the first ``limit`` organs of each state listed (all when None)."""
    out = RegionCoverage()
    if year is None:
        return out
    # An organ is its name in its division (as division_coverage counts it): named by the
    # registry and by a directory, it is one organ, reported if either row found a report.
    one: dict[tuple, queries.ExpectedOrgan] = {}
    for o in queries.expected_in(db, code, level, year):
        key = (o.organ, o.region_code or "")
        if key not in one or (one[key].report_id is None and o.report_id is not None):
            one[key] = o
    organs = list(one.values())
    crawls = last_complete_crawls(db, {o.portal for o in organs if o.report_id is None})
    tally: Counter = Counter()
    for o in organs:
        crawl = crawls.get(o.portal) if o.report_id is None else None
        state = state_of(o, crawl)
        tally[o.part, state] += 1
        if limit is None or len(out.listed[state]) < limit:
            out.listed[state].append({**o._asdict(), "state": state, "crawl": crawl})
    for (part, state), n in tally.items():
        counts = out.parts.setdefault(part, Counts()) if part else out.own
        counts.add(state, n)
        out.total.add(state, n)
    return out


# -- the summary the archive keeps ---------------------------------------------------------------
#
# Computing a country's coverage reads every expected organ and its reports (seconds at
# 100,000 reports), too slow for a page. The archive keeps it instead, in three tables written
# together by refresh_coverage (after each nightly, ``xxgk coverage refresh``, a registry sync):
# coverage_states (each expected organ's state per year), coverage_counts (per division, year
# and scope, the organs in each state) and coverage_refreshed (when, and against which state of
# the archive). Pages read them; when the archive has changed since, they say so.

# An organ's place on the division list, as the coverage views place it, by its region code.
_PLACES = """SELECT e.region_code, d.province, d.prefecture, d.county
FROM (SELECT DISTINCT region_code FROM expected_organs WHERE region_code IS NOT NULL) e
LEFT JOIN divisions d ON d.code = {place}"""

# What coverage depends on, cheap to read: rows added to (max key) or removed from (count) the
# tables it reads (cells: the latest document parsed; counting them would take long), and the
# latest crawl ended. A change elsewhere does not make it stale.
_WATCHED = {"reports": "rowid", "report_dates": "rowid", "document_dates": "rowid",
            "cells": "document_id", "sites": "rowid", "organs": "rowid", "crawls": "rowid"}

# The scopes of coverage_counts: ``area`` everything placed in the division (for 100000 the
# national bodies, as division_coverage counts them), ``own`` the division's organs in none of
# its parts (for 100000 the national bodies and organs placed nowhere), ``country`` the whole
# country (100000 only).
# The levels whose parts a region page counts (as expected_in's part): the country's provinces,
# a province's prefectures and counties, a prefecture's counties.
_WITH_PARTS = (0, 1, 2)
# The column of coverage_states an area is read by, by level.
_AREA_COLUMN = {1: "province", 2: "prefecture", 3: "county", 4: "region_code"}
# coverage_states' columns besides an ExpectedOrgan's (its part aside: it depends on the page).
_ORGAN_EXTRA = ("year", "province", "prefecture", "county", "state", "crawl_id",
                "crawl_ended_at", "crawl_reason")


def organ_columns() -> list[str]:
    return [f for f in queries.ExpectedOrgan._fields if f != "part"] + list(_ORGAN_EXTRA)


def archive_state(db) -> dict:
    """What the coverage summary was computed against (``_WATCHED``)."""
    tables = set(db.table_names())
    # The reports are counted by the archive as they are written (archive/tallies.py).
    counted = {"reports": tallies.ARCHIVE_REPORTS_SQL} if "tally_areas" in tables else {}
    parts = [f"(SELECT max({key}) FROM {t}), {counted.get(t, f'(SELECT count(*) FROM {t})')}"
             if t != "cells" else f"(SELECT max({key}) FROM {t}), NULL"
             for t, key in _WATCHED.items() if t in tables]
    row = list(db.execute(f"SELECT {', '.join(parts)}, "
                          f"(SELECT max(ended_at) FROM crawls)").fetchone())
    out = {}
    for t in _WATCHED:
        if t in tables:
            out[t] = [row.pop(0), row.pop(0)]
    out["crawls_ended"] = row.pop(0)
    return out


def _places(db) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in db.execute(_PLACES.format(place=PLACE))}


def _scopes_of(province, prefecture, county, region_code) -> list[tuple[str, str]]:
    """The (scope, division) rows of coverage_counts an organ so placed counts in."""
    out = [("country", "100000")]
    areas = [c for c in (province, prefecture, county) if c]
    if region_code and len(region_code) == 9:
        areas.append(region_code)
    if region_code == "100000":
        areas.append("100000")
    out += [("area", c) for c in dict.fromkeys(areas)]
    # Own: the country's when in no province; a province's when in neither a prefecture nor a
    # county; a prefecture's when in no county; a county's and a township's, always.
    if not province:
        out.append(("own", "100000"))
    elif not prefecture and not county:
        out.append(("own", province))
    elif prefecture and not county:
        out.append(("own", prefecture))
    if county:
        out.append(("own", county))
    if region_code and len(region_code) == 9:
        out.append(("own", region_code))
    return out


def refresh_coverage(arc) -> dict:
    """Compute every year's coverage on the archive ``arc`` (an :class:`archive.store.Archive`)
    and replace the summary tables with it in one transaction (readers see the old summary
    or the new, never half); returns coverage_refreshed's row. The computing reads outside
    the transaction: other writers wait only for the writing."""
    state = arc.writer.read(archive_state)
    years = [r[0] for r in arc.writer.read(lambda d: list(d.execute(
        "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY year")))]
    places = arc.writer.read(_places)
    columns = organ_columns()
    # Tuples in the table's column order: a big archive has hundreds of thousands.
    organ_rows, counts = [], {}
    for year in years:
        cov = arc.writer.read(region_coverage, None, 0, year)
        for state_name, organs in cov.listed.items():
            for o in organs:
                province, prefecture, county = places.get(o["region_code"], (None,) * 3)
                crawl = o["crawl"] or {}
                extra = {"year": year, "province": province, "prefecture": prefecture,
                         "county": county, "state": state_name, "crawl_id": crawl.get("id"),
                         "crawl_ended_at": crawl.get("ended_at"),
                         "crawl_reason": crawl.get("reason")}
                organ_rows.append(tuple(extra[c] if c in extra else o[c] for c in columns))
                for scope, code in _scopes_of(province, prefecture, county, o["region_code"]):
                    counts.setdefault((code, year, scope), Counts()).add(state_name)
        del cov
    computed_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    refreshed = {"id": 1, "computed_at": computed_at, "archive_state": json.dumps(state),
                 "years": len(years), "organs": len(organ_rows)}
    with arc.writer.transaction() as db:
        db.execute("DELETE FROM coverage_states")
        db.execute("DELETE FROM coverage_counts")
        db.conn.executemany(f"INSERT INTO coverage_states ({', '.join(columns)}) VALUES "
                            f"({', '.join('?' * len(columns))})", organ_rows)
        db["coverage_counts"].insert_all(
            ({"division_code": code, "year": year, "scope": scope,
              **{k: v for k, v in c.as_dict().items() if k != "coverage"}}
             for (code, year, scope), c in counts.items()), batch_size=2000)
        db.execute(_REPORTS_FOUND)
        db["coverage_refreshed"].upsert(refreshed, pk="id")
    return refreshed


# Every report found on the portals of a division's expected organs (organs no source lists
# included), as division_coverage counts it: for the area rows of provinces, prefectures,
# counties and the national bodies.
_REPORTS_FOUND = """
WITH at_level (division, portal) AS (
    SELECT province, portal FROM coverage_states WHERE province IS NOT NULL
    UNION SELECT prefecture, portal FROM coverage_states WHERE prefecture IS NOT NULL
    UNION SELECT county, portal FROM coverage_states WHERE county IS NOT NULL
    UNION SELECT region_code, portal FROM coverage_states WHERE region_code = '100000'
),
found AS (
    SELECT a.division, r.year, count(DISTINCT r.id) AS n
    FROM at_level a JOIN reports r ON r.portal = a.portal AND r.year IS NOT NULL
    WHERE a.portal IS NOT NULL GROUP BY a.division, r.year
)
UPDATE coverage_counts SET reports_found = coalesce(
    (SELECT n FROM found f WHERE f.division = coverage_counts.division_code
     AND f.year = coverage_counts.year), 0)
WHERE scope = 'area' AND length(division_code) = 6
"""


def refreshed(db) -> dict | None:
    """coverage_refreshed's row, with ``stale``: whether the archive has changed since; None
    if the summary was never written."""
    if "coverage_refreshed" not in db.table_names():
        return None
    row = next(db.query("SELECT * FROM coverage_refreshed WHERE id = 1"), None)
    if row is None:
        return None
    return {**row, "stale": json.loads(row["archive_state"]) != archive_state(db)}


def _counts(row: dict | None) -> Counts:
    return Counts(**{f: row[f] for f in ("expected", *STATES)}) if row else Counts()


def kept_region_coverage(db, code: str | None, level: int, year: int | None,
                         limit: int | None = None) -> RegionCoverage:
    """:func:`region_coverage` as the summary tables keep it (written by
    :func:`refresh_coverage`)."""
    out = RegionCoverage()
    if year is None:
        return out
    here = code or "100000"
    rows = {(r["division_code"], r["scope"]): r for r in db.query(
        "SELECT * FROM coverage_counts WHERE year = ? AND (division_code = ? OR division_code "
        "IN (SELECT code FROM divisions WHERE parent = ?) OR (? = '100000' AND division_code "
        "IN (SELECT code FROM divisions WHERE level = 1)))", [year, here, here, here])}
    out.total = _counts(rows.get((here, "country" if here == "100000" else "area")))
    out.own = _counts(rows.get((here, "own")))
    for (division, scope), r in rows.items():
        if scope == "area" and division != here and level in _WITH_PARTS:
            out.parts[division] = _counts(r)
    column = _AREA_COLUMN.get(level)
    where = f"AND {column} = :code" if column else ""
    for state in STATES:
        for r in db.query(
                f"SELECT * FROM coverage_states WHERE year = :year AND state = :state {where} "
                f"ORDER BY region_code, organ" + (" LIMIT :limit" if limit is not None else ""),
                {"year": year, "state": state, "code": code, "limit": limit}):
            crawl = None if r["report_id"] is not None else (
                {"id": r["crawl_id"], "ended_at": r["crawl_ended_at"]} if r["crawl_id"]
                else {"id": None, "ended_at": None, "reason": r["crawl_reason"]})
            out.listed[state].append({**{k: r[k] for k in organ_columns()
                                         if k not in _ORGAN_EXTRA},
                                      "part": None, "state": state, "crawl": crawl})
    return out
