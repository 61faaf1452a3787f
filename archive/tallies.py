"""Counts of reports kept beside them, so that the pages counting the whole archive (the front
page, the country's region page, the ``reports`` table's count and facets) read a few hundred
rows instead of every report.

SQLite triggers on ``reports`` keep the tables: every insert, update and delete of a report,
whichever code makes it, changes the counts in the same transaction, so a reader never sees a
count that disagrees with the rows. An archive that predates them gets them filled once, by
migration ``0012_tallies`` (:func:`create`); :func:`rebuild` fills them again from the rows.

- ``tally_reports``: reports per combination of the columns readers count and filter by
  (:data:`FACETS`), for the ``reports`` table's count and facets;
- ``tally_areas``: per area (``''`` the whole archive, else a province's two first digits of
  ``division_code``) and year (NULL: every year), the reports, the organs named (distinct) and
  the sums of the headline numbers (with how many reports give each: a sum of none is NULL);
- ``tally_organs``: the organs named in each of ``tally_areas``' rows, with their reports —
  what lets the organs be counted distinct as reports come and go.
"""

from __future__ import annotations

# The reports' columns the kept counts are broken down by: the reports table's facets and
# what the dashboard counts by.
FACETS = ("year", "province", "tier", "status", "template", "check_status", "parse_status")
# The headline numbers summed per area (the region page's).
SUMS = ("requests_new", "granted", "reviews", "suits_direct")
# What a report row carries that the counts read.
WATCHED = (*dict.fromkeys(FACETS + ("organ", "division_code") + SUMS),)
# The digits of division_code that name a province.
PROVINCE_DIGITS = 2

TABLES = ("tally_reports", "tally_areas", "tally_organs")

_SCHEMA = [
    f"""CREATE TABLE tally_reports (
    key TEXT PRIMARY KEY,
    {', '.join(f'{c} {"INTEGER" if c == "year" else "TEXT"}' for c in FACETS)},
    reports INTEGER NOT NULL)""",
    f"""CREATE TABLE tally_areas (
    key TEXT PRIMARY KEY,
    area TEXT NOT NULL,
    year INTEGER,
    reports INTEGER NOT NULL,
    organs INTEGER NOT NULL DEFAULT 0,
    {', '.join(f'{s} NUMERIC, {s}_given INTEGER NOT NULL' for s in SUMS)})""",
    "CREATE INDEX tally_areas_area ON tally_areas (area, year)",
    """CREATE TABLE tally_organs (
    area_key TEXT NOT NULL,
    organ TEXT NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (area_key, organ)) WITHOUT ROWID""",
    # An organ named for the first time in an area counts one more; its last report gone, one
    # less.
    """CREATE TRIGGER tally_organs_first AFTER INSERT ON tally_organs BEGIN
    UPDATE tally_areas SET organs = organs + 1 WHERE key = NEW.area_key; END""",
    """CREATE TRIGGER tally_organs_last AFTER DELETE ON tally_organs BEGIN
    UPDATE tally_areas SET organs = organs - 1 WHERE key = OLD.area_key; END""",
]


def _facet_key(r: str) -> str:
    # JSON keeps NULL apart from '' and 0: a unique key where a NULL column would not be one.
    return f"json_array({', '.join(f'{r}.{c}' for c in FACETS)})"


def _areas(r: str) -> str:
    """The (key, area, year) rows of tally_areas report ``r`` (NEW or OLD) counts in."""
    return (f"(SELECT a.area || '/' || coalesce(y.year, '*') AS key, a.area, y.year FROM "
            f"(SELECT '' AS area UNION ALL SELECT substr({r}.division_code, 1, "
            f"{PROVINCE_DIGITS}) WHERE {r}.division_code IS NOT NULL) a, "
            f"(SELECT NULL AS year UNION ALL SELECT {r}.year WHERE {r}.year IS NOT NULL) y)")


def _add(r: str) -> list[str]:
    sums = ", ".join(SUMS)
    given = ", ".join(f"{s}_given" for s in SUMS)
    return [
        f"INSERT INTO tally_reports (key, {', '.join(FACETS)}, reports) VALUES "
        f"({_facet_key(r)}, {', '.join(f'{r}.{c}' for c in FACETS)}, 1) "
        f"ON CONFLICT (key) DO UPDATE SET reports = reports + 1",
        f"INSERT INTO tally_areas (key, area, year, reports, {sums}, {given}) "
        f"SELECT key, area, year, 1, {', '.join(f'{r}.{s}' for s in SUMS)}, "
        f"{', '.join(f'{r}.{s} IS NOT NULL' for s in SUMS)} FROM {_areas(r)} WHERE true "
        f"ON CONFLICT (key) DO UPDATE SET reports = reports + 1, "
        + ", ".join(f"{s} = CASE WHEN {r}.{s} IS NULL THEN {s} ELSE coalesce({s}, 0) + {r}.{s} "
                    f"END, {s}_given = {s}_given + ({r}.{s} IS NOT NULL)" for s in SUMS),
        f"INSERT INTO tally_organs (area_key, organ, reports) SELECT key, {r}.organ, 1 "
        f"FROM {_areas(r)} WHERE {r}.organ IS NOT NULL "
        f"ON CONFLICT (area_key, organ) DO UPDATE SET reports = reports + 1",
    ]


def _remove(r: str) -> list[str]:
    keys = f"(SELECT key FROM {_areas(r)})"
    return [
        f"UPDATE tally_reports SET reports = reports - 1 WHERE key = {_facet_key(r)}",
        f"DELETE FROM tally_reports WHERE key = {_facet_key(r)} AND reports = 0",
        f"UPDATE tally_organs SET reports = reports - 1 WHERE organ = {r}.organ "
        f"AND area_key IN {keys}",
        f"DELETE FROM tally_organs WHERE organ = {r}.organ AND area_key IN {keys} "
        f"AND reports = 0",
        "UPDATE tally_areas SET reports = reports - 1, "
        + ", ".join(f"{s}_given = {s}_given - ({r}.{s} IS NOT NULL), {s} = CASE WHEN "
                    f"{s}_given - ({r}.{s} IS NOT NULL) = 0 THEN NULL ELSE "
                    f"{s} - coalesce({r}.{s}, 0) END" for s in SUMS)
        + f" WHERE key IN {keys}",
        f"DELETE FROM tally_areas WHERE key IN {keys} AND reports = 0",
    ]


def triggers() -> list[str]:
    """The triggers on ``reports`` that keep the counts."""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    return [
        f"CREATE TRIGGER tally_report_added AFTER INSERT ON reports BEGIN "
        f"{'; '.join(_add('NEW'))}; END",
        f"CREATE TRIGGER tally_report_removed AFTER DELETE ON reports BEGIN "
        f"{'; '.join(_remove('OLD'))}; END",
        f"CREATE TRIGGER tally_report_changed AFTER UPDATE OF {', '.join(WATCHED)} ON reports "
        f"WHEN {changed} BEGIN {'; '.join(_remove('OLD') + _add('NEW'))}; END",
    ]


def create(db) -> None:
    """The tables and their triggers, filled from the archive's reports (migration 0012)."""
    for statement in _SCHEMA + triggers():   # one by one: a script would end the transaction
        db.execute(statement)
    rebuild(db)


def rebuild(db) -> None:
    """Every count computed again from the reports, set-based (one statement per table)."""
    for t in TABLES:
        db.execute(f"DELETE FROM {t}")
    db.execute(
        f"INSERT INTO tally_reports (key, {', '.join(FACETS)}, reports) "
        f"SELECT {_facet_key('reports')}, {', '.join(FACETS)}, count(*) FROM reports "
        f"GROUP BY {', '.join(FACETS)}")
    # Each report in its areas: the whole archive and its province, each year and every year.
    placed = (f"SELECT CASE WHEN a.province THEN substr(r.division_code, 1, {PROVINCE_DIGITS}) "
              f"ELSE '' END AS area, CASE WHEN y.every THEN NULL ELSE r.year END AS year, "
              f"r.organ, {', '.join(f'r.{s}' for s in SUMS)} FROM reports r, "
              f"(SELECT 0 AS province UNION ALL SELECT 1) a, "
              f"(SELECT 0 AS every UNION ALL SELECT 1) y "
              f"WHERE (NOT a.province OR r.division_code IS NOT NULL) "
              f"AND (y.every OR r.year IS NOT NULL)")
    db.execute(
        f"INSERT INTO tally_organs (area_key, organ, reports) "
        f"SELECT area || '/' || coalesce(year, '*'), organ, count(*) FROM ({placed}) "
        f"WHERE organ IS NOT NULL GROUP BY area, year, organ")
    db.execute(
        f"INSERT INTO tally_areas (key, area, year, reports, organs, "
        f"{', '.join(SUMS)}, {', '.join(f'{s}_given' for s in SUMS)}) "
        f"SELECT area || '/' || coalesce(year, '*'), area, year, count(*), "
        f"count(DISTINCT organ), {', '.join(f'sum({s})' for s in SUMS)}, "
        f"{', '.join(f'count({s})' for s in SUMS)} FROM ({placed}) GROUP BY area, year")


# -- what the pages read -------------------------------------------------------------------------

# The number of reports in the archive, as a scalar subquery.
ARCHIVE_REPORTS_SQL = "(SELECT coalesce((SELECT reports FROM tally_areas WHERE key = '/*'), 0))"


def kept(db) -> bool:
    """Whether the archive keeps the counts: one served read-only that no writer of this
    version has opened (and so migrated) does not; its pages count the reports instead."""
    return "tally_areas" in db.table_names()


def archive_counts(db) -> dict:
    """Reports and organs (distinct) in the whole archive."""
    if not kept(db):
        return next(db.query("SELECT count(*) AS reports, count(DISTINCT organ) AS organs "
                             "FROM reports"))
    row = next(db.query("SELECT reports, organs FROM tally_areas WHERE key = '/*'"), None)
    return row or {"reports": 0, "organs": 0}


def province_counts(db, year: int | None = None) -> dict[str, dict]:
    """Per province (the first two digits of its code), in ``year`` (every year when None):
    reports, organs and the headline sums, as :func:`archive.queries.division_totals`
    gives them."""
    if kept(db):
        rows = db.query(
            f"SELECT area, reports, organs, {', '.join(SUMS)} FROM tally_areas "
            f"WHERE area <> '' AND year IS :year", {"year": year})
    else:
        rows = db.query(
            f"SELECT substr(division_code, 1, {PROVINCE_DIGITS}) AS area, count(*) AS reports, "
            f"count(DISTINCT organ) AS organs, {', '.join(f'sum({s}) AS {s}' for s in SUMS)} "
            f"FROM reports WHERE division_code IS NOT NULL AND (:year IS NULL OR year = :year) "
            f"GROUP BY 1", {"year": year})
    return {r.pop("area"): r for r in rows}
