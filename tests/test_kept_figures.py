"""What requests_by_region, late_reports and missing_reports show is kept by the archive as it
writes (archive/kept_figures.py): the pages give the rows, columns and order the figures
computed from every report give, after a build, two demo nights, and each change that moves
them — a new report, a new date, a reparse changing its numbers, a report taken down, another
organ, a deadline rule, a report deleted — and a page is read from an index, not from every
report."""

import shutil
import sys

import pytest

from archive import db as archive_db
from archive import kept_figures, reports
from archive.canned_queries import CANNED_QUERIES
from archive.changes import status
from conftest import ROOT, needs_corpus

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic_archive  # noqa: E402

# The figures as computed from every report, with the columns and names of each page.
_NUMBERS = ("requests_new", "requests_carried_in", "granted", "partial", "results_total",
            "carried_out")
_YEAR_OR = "(CASE WHEN :year = '' THEN {} ELSE CAST(:year AS INTEGER) END)"
LIVE = {
    "requests_by_region": (
        "SELECT year AS 年度, province AS 省份, region AS 地区, count(*) AS 机关数, "
        + ", ".join(f"sum({n})" for n in _NUMBERS)
        + f" FROM (SELECT organ, year, province, region, max(coalesce(n_cells, 0)), "
        f"{', '.join(_NUMBERS)} FROM reports WHERE organ IS NOT NULL AND year BETWEEN "
        f"{_YEAR_OR.format(-9999)} AND {_YEAR_OR.format(9999)} GROUP BY organ, year) "
        "GROUP BY province, region, year ORDER BY year DESC, sum(requests_new) DESC, "
        "province, region"),
    "late_reports": (
        "SELECT report_id, organ, organ_type, year, deadline, published, published_source, "
        "days_late, status, portal, url FROM coverage WHERE late = 1 "
        "AND (:year = '' OR year = CAST(:year AS INTEGER)) ORDER BY days_late DESC, report_id"),
    "missing_reports": (
        "SELECT organ, organ_type, region, portals, last_year, missing_year, deadline, overdue "
        "FROM missing_reports ORDER BY region, organ"),
}


def answers(db, name, year):
    params = {"year": year} if "year" in CANNED_QUERIES[name].get("params", []) else {}
    kept = [tuple(r) for r in db.execute(CANNED_QUERIES[name]["sql"], params)]
    live = [tuple(r) for r in db.execute(LIVE[name], params)]
    return kept, live


def assert_kept(db) -> dict:
    """Every page, every year and all years, as the figures computed from every report; the
    row counts of each."""
    years = [""] + [str(y) for (y,) in db.execute(
        "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL")]
    counts = {}
    for name in LIVE:
        for year in years if name != "missing_reports" else [""]:
            kept, live = answers(db, name, year)
            assert kept == live, (name, year, set(kept) ^ set(live))
            counts[(name, year)] = len(kept)
    return counts


def in_transaction(db, fn):
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        fn(db)


pytestmark = needs_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("kept") / "archive.db"
    synthetic_archive.build(path, 1500)
    return path


@pytest.fixture
def db(built, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(built, path)
    db = archive_db.open_db(path)
    yield db
    db.close()


def test_pages_read_a_page_from_an_index(db):
    """No page reads every report: each walks an index in its own order (nothing sorted)."""
    for name in LIVE:
        for year in ("", "2020"):
            plan = [r[3] for r in db.execute(
                "EXPLAIN QUERY PLAN " + CANNED_QUERIES[name]["sql"],
                {"year": year} if name != "missing_reports" else {})]
            assert not [s for s in plan if "TEMP B-TREE" in s], (name, plan)
            # Reports are only looked up (one by key, or the latest year from an index).
            assert all(s.startswith("SEARCH") for s in plan
                       if s.split()[1:2] in (["reports"], ["r"])), (name, plan)


def test_kept_after_a_build(db):
    counts = assert_kept(db)
    assert counts[("late_reports", "")] > 100 and counts[("requests_by_region", "")] > 100
    assert counts[("missing_reports", "")] > 10


def test_kept_after_each_change_that_moves_them(db):
    late = db.execute("SELECT l.report_id, r.year FROM report_lateness l JOIN reports r "
                      "ON r.id = l.report_id ORDER BY l.report_id LIMIT 1").fetchone()
    on_time = db.execute("SELECT id FROM reports WHERE id NOT IN (SELECT report_id FROM "
                         "report_lateness) AND organ_type IS NOT NULL LIMIT 1").fetchone()[0]

    # A new date: the page gives an earlier one; the report is on time, the other late.
    def dated(db):
        for rid, day in ((late[0], f"{late[1] + 1}-01-02"), (on_time, "2099-12-01")):
            db.execute("INSERT INTO report_dates (report_id, url, source, date, first_seen) "
                       "VALUES (?, '', 'page_meta', ?, '2100-01-01T00:00:00Z')", (rid, day))
            db.execute("UPDATE reports SET first_seen = '2100-01-01T00:00:00Z' WHERE id = ?",
                       (rid,))
            reports.refresh(db, rid)
    in_transaction(db, dated)
    kept = {r for (r,) in db.execute("SELECT report_id FROM report_lateness")}
    assert late[0] not in kept and on_time in kept
    assert_kept(db)

    # A reparse changes a report's request numbers (its document's 本年新收申请 cell).
    rid, doc = db.execute("SELECT id, document_id FROM reports WHERE requests_new > 0 "
                          "ORDER BY id LIMIT 1").fetchone()

    def reparsed(db):
        db.execute("UPDATE cells SET value = value + 1000 WHERE document_id = ? AND "
                   "\"table\" = 'requests' AND \"row\" = 'new' AND col = 'total'", (doc,))
        for (r,) in db.execute("SELECT id FROM reports WHERE document_id = ?", (doc,)).fetchall():
            reports.refresh(db, r)
    before = answers(db, "requests_by_region", "")[0]
    in_transaction(db, reparsed)
    assert answers(db, "requests_by_region", "")[0] != before
    assert_kept(db)

    # A report taken down: its status on the late page at once.
    def taken_down(db):
        db.execute("INSERT INTO crawls (id, portal, started_at) VALUES ('c1', 'p', '2100-01-02')")
        db.execute("INSERT INTO changes (kind, new_crawl, report_id, reason, detected_at) "
                   "VALUES ('removed', 'c1', ?, '404', '2100-01-02T00:00:00Z')", (on_time,))
        status.refresh(db, [on_time])
    in_transaction(db, taken_down)
    assert ("removed",) in {r[8:9] for r in answers(db, "late_reports", "")[0]}
    assert_kept(db)

    # A new report, of a year after every other: every organ but its own misses that year.
    def new_report(db):
        cols = [c for c in db["reports"].columns_dict if c not in ("id", "url")]
        db.execute(f"INSERT INTO reports (url, {', '.join(cols)}) SELECT 'http://new.example/1', "
                   f"{', '.join(cols)} FROM reports WHERE id = ?", (rid,))
        db.execute("UPDATE reports SET year = (SELECT max(year) + 1 FROM reports), "
                   "published = '2100-06-01' WHERE url = 'http://new.example/1'")
    missing = len(answers(db, "missing_reports", "")[0])
    in_transaction(db, new_report)
    assert len(answers(db, "missing_reports", "")[0]) > missing
    assert_kept(db)

    # An organ's reports named for another organ, one of them placed elsewhere, then that
    # one deleted: the figures of the organs and regions it was and is follow.
    organ = db.execute("SELECT organ FROM reports WHERE id = ?", (rid,)).fetchone()[0]

    def renamed(db):
        db.execute("UPDATE reports SET organ = organ || '（新）' WHERE organ = ?", (organ,))
        db.execute("UPDATE reports SET region = 'elsewhere' WHERE id = ?", (rid,))
    in_transaction(db, renamed)
    assert not db.execute("SELECT 1 FROM organs_seen WHERE organ = ?", (organ,)).fetchall()
    assert_kept(db)

    def deleted(db):
        for table in ("report_documents", "report_dates", "report_aliases", "changes"):
            db.execute(f"DELETE FROM {table} WHERE report_id = ?", (rid,))
        db.execute("DELETE FROM reports WHERE id = ?", (rid,))
    in_transaction(db, deleted)
    assert not db.execute("SELECT 1 FROM report_lateness WHERE report_id = ?", (rid,)).fetchall()
    assert_kept(db)


def test_kept_when_a_deadline_rule_changes(db):
    before = assert_kept(db)[("late_reports", "")]
    in_transaction(db, lambda db: db.execute("UPDATE deadlines SET day = 10 WHERE month = 1"))
    assert assert_kept(db)[("late_reports", "")] > before
    in_transaction(db, lambda db: db.execute("DELETE FROM deadlines"))
    assert assert_kept(db)[("late_reports", "")] == 0
    # Opened again: the rules of archive/deadlines.json, and the late reports they make.
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    db.close()
    again = archive_db.open_db(path)
    try:
        assert assert_kept(again)[("late_reports", "")] == before
    finally:
        again.close()


def test_rebuild_gives_what_was_kept(db):
    tables = ("report_lateness", "organ_year_requests", "region_year_requests", "organs_seen")
    kept = {t: sorted(map(tuple, db.execute(f"SELECT * FROM {t}"))) for t in tables}
    in_transaction(db, kept_figures.rebuild)
    assert {t: sorted(map(tuple, db.execute(f"SELECT * FROM {t}"))) for t in tables} == kept


def test_the_dashboard_sums_requests_as_the_reports_do(db):
    """The dashboard's requests per year and its regions with most requests, with its year
    filter and without, are the sums over each organ-year's counted copy of every report."""
    from datasette_dashboards import replace_opts_in_query

    from archive.dashboard import CHARTS

    # One copy per organ and year, as requests_by_region counts it.
    copies = (f"(SELECT organ, year, region, max(coalesce(n_cells, 0)), requests_new FROM reports "
              f"WHERE organ IS NOT NULL AND year IS NOT NULL GROUP BY organ, year)")
    live = {"requests-by-year": f"SELECT year, sum(requests_new) FROM {copies} WHERE 1 {{}} "
                                f"GROUP BY year ORDER BY year",
            "top-regions": f"SELECT region, sum(requests_new) AS requests FROM {copies} "
                           f"WHERE region IS NOT NULL {{}} GROUP BY region "
                           f"ORDER BY requests DESC, region LIMIT 20"}
    year = str(db.execute("SELECT max(year) FROM reports").fetchone()[0])
    for name, sql in live.items():
        for options, where in (({}, ""), ({"year": year}, "AND year = :year")):
            got = db.execute(replace_opts_in_query(CHARTS[name]["query"], options),
                             options).fetchall()
            want = db.execute(sql.format(where), options).fetchall()
            assert [tuple(r) for r in got] == [tuple(r) for r in want], (name, options)
            assert got and all(r[1] for r in got), (name, options)


def test_organ_history_finds_organs_as_a_scan_of_every_report_does(db):
    """organ_history looks names up in the organs the archive keeps (report_organs): the same
    rows, in the same order, as matching every report's organ, for a rare part of a name, a
    common one and none; also after an organ is renamed and a report deleted."""
    sql = CANNED_QUERIES["organ_history"]["sql"]
    scan = sql.replace("organ IN (SELECT organ FROM report_organs WHERE organ LIKE '%' || :organ "
                       "|| '%')", "organ LIKE '%' || :organ || '%'")
    assert scan != sql
    rare = db.execute("SELECT organ FROM reports WHERE organ IS NOT NULL ORDER BY id "
                      "LIMIT 1").fetchone()[0]

    def same(part):
        got = db.execute(sql, {"organ": part}).fetchall()
        assert got == db.execute(scan, {"organ": part}).fetchall(), part
        return len(got)

    assert 0 < same(rare) < same("人民政府")
    same("")
    in_transaction(db, lambda d: d.execute("UPDATE reports SET organ = '某某新区人民政府' "
                                           "WHERE organ = ?", (rare,)))
    assert same("某某新区") > 0 and same(rare) == 0

    def deleted(db):
        ids = "(SELECT id FROM reports WHERE organ = '某某新区人民政府')"
        for table in ("report_documents", "report_dates", "report_aliases", "changes"):
            db.execute(f"DELETE FROM {table} WHERE report_id IN {ids}")
        db.execute(f"DELETE FROM reports WHERE id IN {ids}")
    in_transaction(db, deleted)
    assert same("某某新区") == 0
