"""What three canned queries show, kept by the archive as it writes, not computed per request.

Computed from every report, ``requests_by_region``, ``late_reports`` and ``missing_reports``
take seconds at a million reports. Each figure depends on a few rows only, so SQLite triggers
keep it current in the same transaction as the rows it derives from, whoever writes them:

- ``report_lateness``: each late report (by its publication date and its organ type's
  deadline, as the ``coverage`` view says ``late = 1``), its deadline and days late; indexed in
  the page's order, latest first. Kept when a report's organ, organ type, year or publication
  date changes, and when a deadline rule does.
- ``organ_year_requests``: each organ's report of each year that ``requests_by_region`` counts
  (the copy with most cells; among equals, the first in ``reports_year_totals``' order), with
  its region and request numbers; ``region_year_requests``: their sums per province, region
  and year, indexed in the page's order. Kept when a report's organ, year, cells count, place
  or request numbers change.
- ``organs_seen``: per organ, what ``missing_reports`` shows of it (type, region, portals,
  last year, years seen). Kept when a report's organ, year, type, region or portal changes.
  Whether the organ misses the latest year, and whether its deadline has passed, are asked
  at read time: they depend on the latest year and today.

A report deleted is taken out of all of them. Each is filled once from the reports when an
archive gets it (migration ``0013_kept_figures``); :func:`rebuild` fills them again.
"""

from __future__ import annotations

# The request numbers requests_by_region sums (in reports_year_totals' order).
REQUEST_NUMBERS = ("requests_new", "requests_carried_in", "granted", "partial",
                   "results_total", "carried_out")
_NUMS = ", ".join(REQUEST_NUMBERS)
# The years requests_by_region counts (its :year range when blank).
_YEARS = "year BETWEEN -9999 AND 9999"

# -- late reports ------------------------------------------------------------------------------
_DEADLINE = "printf('%04d-%02d-%02d', r.year + 1, d.month, d.day)"


def _late_insert(where: str) -> str:
    """The late reports among those ``where`` picks (``r`` a report, ``d`` its deadline rule):
    late as the coverage view says it — a publication date after the deadline."""
    return (f"INSERT OR REPLACE INTO report_lateness (report_id, year, deadline, days_late) "
            f"SELECT r.id, r.year, {_DEADLINE}, "
            f"CAST(julianday(r.published) - julianday({_DEADLINE}) AS INTEGER) "
            f"FROM reports r JOIN deadlines d ON d.organ_type = r.organ_type "
            f"WHERE {where} AND r.organ IS NOT NULL AND r.year IS NOT NULL "
            f"AND r.published IS NOT NULL AND r.published > {_DEADLINE}")


# -- requests by region ------------------------------------------------------------------------
def _organ_year_insert(where: str) -> str:
    """The copy requests_by_region counts of each organ-year ``where`` picks: max() takes its
    other columns from the first copy with most cells, in the index's order, as the canned
    query always read them."""
    return (f"INSERT INTO organ_year_requests (organ, year, n_cells, province, region, {_NUMS}) "
            f"SELECT organ, year, max(coalesce(n_cells, 0)), province, region, {_NUMS} "
            f"FROM reports INDEXED BY reports_year_totals "
            f"WHERE {where} AND organ IS NOT NULL AND {_YEARS} GROUP BY year, organ")


def _region_year_insert(where: str) -> str:
    return (f"INSERT INTO region_year_requests (year, province, region, organs, {_NUMS}) "
            f"SELECT year, province, region, count(*), "
            f"{', '.join(f'sum({n})' for n in REQUEST_NUMBERS)} FROM organ_year_requests "
            f"WHERE {where} GROUP BY year, province, region")


def _region_year_refresh(row: str) -> str:
    """The sums of the region-year of organ_year_requests' row ``row`` (old or new)."""
    same = f"year = {row}.year AND province IS {row}.province AND region IS {row}.region"
    return f"DELETE FROM region_year_requests WHERE {same};\n{_region_year_insert(same)};\n"


def _organ_year_refresh(row: str) -> str:
    """The counted copy of report ``row``'s organ-year (old or new) chosen again."""
    return (f"DELETE FROM organ_year_requests WHERE organ = {row}.organ AND year = {row}.year;\n"
            f"{_organ_year_insert(f'year = {row}.year AND organ = {row}.organ')};\n")


# -- missing reports ---------------------------------------------------------------------------
def _organ_seen_insert(where: str) -> str:
    # The organ's reports in (organ, year) order: its portals listed as the view lists them.
    return ("INSERT OR REPLACE INTO organs_seen (organ, organ_type, region, portals, last_year, "
            "years_seen) SELECT organ, max(organ_type), max(region), group_concat(DISTINCT "
            "portal), max(year), count(DISTINCT year) FROM reports INDEXED BY reports_organ_year "
            f"WHERE {where} AND organ IS NOT NULL AND year IS NOT NULL GROUP BY organ")


def _organ_seen_refresh(row: str) -> str:
    return (f"DELETE FROM organs_seen WHERE organ = {row}.organ;\n"
            f"{_organ_seen_insert(f'organ = {row}.organ')};\n")


# -- what each change of a report moves ------------------------------------------------------
# A report's columns each kept figure reads.
LATE_WATCHES = ("organ", "year", "organ_type", "published")
REGION_WATCHES = ("organ", "year", "n_cells", "province", "region", *REQUEST_NUMBERS)
SEEN_WATCHES = ("organ", "year", "organ_type", "region", "portal")


def _changed(columns) -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)


TABLES = (
    """CREATE TABLE report_lateness (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    year INTEGER, deadline TEXT, days_late INTEGER)""",
    # The page's order: the latest first; a year's alone from the second.
    "CREATE INDEX report_lateness_order ON report_lateness (days_late DESC, report_id)",
    "CREATE INDEX report_lateness_year ON report_lateness (year, days_late DESC, report_id)",
    # No type affinity on the numbers: each is stored as reports holds it, each sum as sum()
    # gives it.
    f"""CREATE TABLE organ_year_requests (
    organ TEXT NOT NULL, year INTEGER NOT NULL, n_cells INTEGER, province TEXT, region TEXT,
    {', '.join(REQUEST_NUMBERS)}, PRIMARY KEY (organ, year))""",
    "CREATE INDEX organ_year_requests_region ON organ_year_requests (year, province, region)",
    f"""CREATE TABLE region_year_requests (
    year INTEGER NOT NULL, province TEXT, region TEXT, organs INTEGER NOT NULL,
    {', '.join(REQUEST_NUMBERS)})""",
    "CREATE INDEX region_year_requests_order ON region_year_requests "
    "(year DESC, requests_new DESC, province, region)",
    "CREATE INDEX region_year_requests_place ON region_year_requests (year, province, region)",
    """CREATE TABLE organs_seen (
    organ TEXT PRIMARY KEY, organ_type TEXT, region TEXT, portals TEXT, last_year INTEGER,
    years_seen INTEGER)""",
    # missing_reports' order, with the year it filters on.
    "CREATE INDEX organs_seen_order ON organs_seen (region, organ, last_year)",
)

# A region-year's sums follow its organs' counted copies.
SUM_TRIGGERS = (
    f"""CREATE TRIGGER kept_figures_organ_year_in AFTER INSERT ON organ_year_requests BEGIN
{_region_year_refresh('new')}END""",
    f"""CREATE TRIGGER kept_figures_organ_year_out AFTER DELETE ON organ_year_requests BEGIN
{_region_year_refresh('old')}END""",
)
_LATE_OF = "r.id = {row}.id"
TRIGGERS = (
    f"""CREATE TRIGGER kept_figures_report_in AFTER INSERT ON reports BEGIN
{_late_insert(_LATE_OF.format(row='new'))};
{_organ_year_refresh('new')}{_organ_seen_refresh('new')}END""",
    f"""CREATE TRIGGER kept_figures_report_out AFTER DELETE ON reports BEGIN
DELETE FROM report_lateness WHERE report_id = old.id;
{_organ_year_refresh('old')}{_organ_seen_refresh('old')}END""",
    f"""CREATE TRIGGER kept_figures_late AFTER UPDATE OF {', '.join(LATE_WATCHES)} ON reports
WHEN {_changed(LATE_WATCHES)} BEGIN
DELETE FROM report_lateness WHERE report_id = old.id;
{_late_insert(_LATE_OF.format(row='new'))};
END""",
    f"""CREATE TRIGGER kept_figures_region AFTER UPDATE OF {', '.join(REGION_WATCHES)} ON reports
WHEN {_changed(REGION_WATCHES)} BEGIN
{_organ_year_refresh('old')}{_organ_year_refresh('new')}END""",
    f"""CREATE TRIGGER kept_figures_seen AFTER UPDATE OF {', '.join(SEEN_WATCHES)} ON reports
WHEN {_changed(SEEN_WATCHES)} BEGIN
{_organ_seen_refresh('old')}{_organ_seen_refresh('new')}END""",
    # A deadline rule changed (archive/deadlines.json, loaded on open): its organ type's
    # reports are late or not again.
    f"""CREATE TRIGGER kept_figures_deadline_in AFTER INSERT ON deadlines BEGIN
{_late_insert("r.organ_type = new.organ_type")};
END""",
    """CREATE TRIGGER kept_figures_deadline_out AFTER DELETE ON deadlines BEGIN
DELETE FROM report_lateness WHERE report_id IN
    (SELECT id FROM reports WHERE organ_type = old.organ_type);
END""",
    f"""CREATE TRIGGER kept_figures_deadline_change AFTER UPDATE ON deadlines BEGIN
DELETE FROM report_lateness WHERE report_id IN
    (SELECT id FROM reports WHERE organ_type = old.organ_type);
{_late_insert("r.organ_type = new.organ_type")};
END""",
)


def create(db) -> None:
    """The tables and their triggers, filled from the archive's reports."""
    for statement in TABLES:   # one by one: a script would end the migration's transaction
        db.execute(statement)
    rebuild(db)
    for statement in TRIGGERS:
        db.execute(statement)


def rebuild(db) -> None:
    """Every kept figure computed again from the reports, set by set (the region-years' sums
    once, after every organ-year, not once per organ-year)."""
    for name in ("kept_figures_organ_year_in", "kept_figures_organ_year_out"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("report_lateness", "organ_year_requests", "region_year_requests", "organs_seen"):
        db.execute(f"DELETE FROM {table}")
    db.execute(_late_insert("1"))
    db.execute(_organ_year_insert("1"))
    db.execute(_region_year_insert("1"))
    db.execute(_organ_seen_insert("1"))
    for statement in SUM_TRIGGERS:
        db.execute(statement)
