"""The counts the archive keeps of its reports (archive/tallies.py) against the same counts
computed from the reports, as the pages computed them: after ingest, after a reparse, after
reports change organ, place, year, numbers or status, after deletion, and on an archive that
predates the counts (the migration fills them)."""

from __future__ import annotations

import shutil

import pytest
from archive_fixtures import marked_archive, started_datasette, xxgk

from archive import queries, tallies
from archive.db import open_db, read_only
from archive.store import Archive


def live(db) -> dict:
    """Every kept figure computed from the reports themselves."""
    facets = ", ".join(tallies.FACETS)
    by_facets = {tuple(r[:-1]): r[-1] for r in db.execute(
        f"SELECT {facets}, count(*) FROM reports GROUP BY {facets}")}
    sums = ", ".join(f"sum({s})" for s in tallies.SUMS)
    areas = {}
    for area in ("''", "substr(division_code, 1, 2)"):
        for year in ("NULL", "year"):
            for r in db.execute(
                    f"SELECT {area}, {year}, count(*), count(DISTINCT organ), {sums} FROM reports "
                    f"WHERE {area} IS NOT NULL AND {year} IS NOT {'1' if year == 'NULL' else 'NULL'} "
                    f"GROUP BY 1, 2"):
                areas[r[0], r[1]] = tuple(r[2:])
    return {"facets": by_facets, "areas": areas}


def kept(db) -> dict:
    facets = ", ".join(tallies.FACETS)
    sums = ", ".join(tallies.SUMS)
    return {
        "facets": {tuple(r[:-1]): r[-1] for r in db.execute(
            f"SELECT {facets}, reports FROM tally_reports")},
        "areas": {(r[0], r[1]): tuple(r[2:]) for r in db.execute(
            f"SELECT area, year, reports, organs, {sums} FROM tally_areas")},
    }


def assert_kept(path) -> dict:
    with read_only(path) as db:
        now = live(db)
        assert kept(db) == now
        # Nothing left behind for organs no report names any more.
        assert db.execute("SELECT count(*) FROM tally_organs WHERE reports <= 0").fetchone()[0] == 0
    return now


@pytest.fixture
def data(tmp_path):
    arc = Archive(tmp_path)
    marked_archive(arc)
    arc.close()
    return tmp_path


def test_ingest_keeps_the_counts(data):
    now = assert_kept(data / "archive.db")
    assert sum(now["facets"].values()) >= 4 and now["areas"]


def _change(path, sql, params=()):
    db = open_db(path)
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        db.execute(sql, params)
    db.close()


@pytest.mark.parametrize("sql", [
    # Placed, then moved: counted in a province, then in another.
    "UPDATE reports SET division_code = '110101' WHERE id % 2 = 0",
    "UPDATE reports SET division_code = '320102', year = year + 1 WHERE id % 3 = 0",
    # Taken down, revised: the status facet moves.
    "UPDATE reports SET status = 'removed' WHERE id = (SELECT min(id) FROM reports)",
    "UPDATE reports SET status = 'revised' WHERE id = (SELECT max(id) FROM reports)",
    # Numbers and organs change (a reparse's doing), some to none.
    "UPDATE reports SET requests_new = coalesce(requests_new, 0) + 7, organ = '某某局' WHERE id % 2",
    "UPDATE reports SET requests_new = NULL, granted = NULL, organ = NULL WHERE id % 2 = 0",
    "UPDATE reports SET year = NULL WHERE id = (SELECT min(id) FROM reports)",
])
def test_each_change_keeps_the_counts(data, sql):
    path = data / "archive.db"
    _change(path, "UPDATE reports SET division_code = '440300', year = 2023")
    before = assert_kept(path)
    _change(path, sql)
    assert assert_kept(path) != before


def _delete(path, where):
    # The archive keeps every report; deleting one (by hand) leaves its documents' rows behind.
    db = open_db(path)
    db.conn.execute("PRAGMA foreign_keys = OFF")
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"DELETE FROM reports WHERE {where}")
    db.close()


def test_deletion_keeps_the_counts(data):
    path = data / "archive.db"
    _change(path, "UPDATE reports SET division_code = '440300' WHERE id % 2")
    _delete(path, "id = (SELECT min(id) FROM reports)")
    assert_kept(path)
    _delete(path, "1")
    with read_only(path) as db:
        assert kept(db) == {"facets": {}, "areas": {}}
        assert db.execute("SELECT count(*) FROM tally_organs").fetchone()[0] == 0


def test_reparse_keeps_the_counts(data):
    run = xxgk("reparse", "--all", "--data", data)
    assert run.returncode == 0, run.stderr
    assert_kept(data / "archive.db")


def test_migration_fills_an_older_archive(data, tmp_path_factory):
    """An archive made before the counts were kept: the migration counts its reports."""
    old = tmp_path_factory.mktemp("old") / "archive.db"
    shutil.copy(data / "archive.db", old)
    db = open_db(old)
    for t in tallies.TABLES:
        db.execute(f"DROP TABLE {t}")
    for name in ("tally_report_added", "tally_report_removed", "tally_report_changed"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0012_tallies'")
    db.execute("UPDATE reports SET division_code = '110101', year = 2022 WHERE id % 2")
    db.close()
    # Served read-only before any writer migrates it, its pages count the reports.
    with read_only(old) as db:
        n = db.execute("SELECT count(*) FROM reports").fetchone()[0]
        assert queries.front_page(db)["reports"] == n
        assert queries.division_totals(db, [("110000", 1)], 2022)["110000"]["reports"] == \
            db.execute("SELECT count(*) FROM reports WHERE id % 2").fetchone()[0]
    open_db(old).close()
    assert_kept(old)


def test_pages_read_the_kept_counts(data):
    """The front page's and the country's figures are the reports' own."""
    path = data / "archive.db"
    _change(path, "UPDATE reports SET division_code = '110101', year = 2023 WHERE id % 2")
    with read_only(path) as db:
        front = queries.front_page(db)
        assert front["reports"] == db.execute("SELECT count(*) FROM reports").fetchone()[0]
        assert front["organs"] == db.execute(
            "SELECT count(DISTINCT organ) FROM reports").fetchone()[0]
        beijing = next(p for p in front["provinces"] if p["code"] == "110000")
        assert beijing["reports"] == db.execute(
            "SELECT count(*) FROM reports WHERE division_code LIKE '11%'").fetchone()[0] > 0
        for year in (None, 2023, 2019):
            totals = queries.division_totals(db, [("110000", 1)], year)
            n = db.execute("SELECT count(*), count(DISTINCT organ), sum(requests_new) "
                           "FROM reports WHERE division_code LIKE '11%' AND "
                           "(:y IS NULL OR year = :y)", {"y": year}).fetchone()
            assert (totals.get("110000", {}).get("reports", 0),
                    totals.get("110000", {}).get("organs", 0),
                    totals.get("110000", {}).get("requests_new")) == (n[0], n[1], n[2])


# -- the reports table's page ---------------------------------------------------------------------

def _live_page(db, where: str = "", params=()) -> dict:
    out = {"count": db.execute(f"SELECT count(*) FROM reports {where}", params).fetchone()[0]}
    for col in ("year", "province", "tier", "status"):
        out[col] = {r[0]: r[1] for r in db.execute(
            f"SELECT {col}, count(*) FROM reports {where} {'AND' if where else 'WHERE'} "
            f"{col} IS NOT NULL GROUP BY 1", params)}
    return out


async def _page(ds, query: str) -> dict:
    r = await ds.client.get(f"/archive/reports.json?{query}")
    assert r.status_code == 200, r.text
    data = r.json()
    out = {"count": data["filtered_table_rows_count"]}
    for col in ("year", "province", "tier", "status"):
        out[col] = {v["value"]: v["count"] for v in data["facet_results"][col]["results"]}
    return out


@pytest.mark.asyncio
async def test_the_reports_page_counts_as_the_reports_do(data):
    path = data / "archive.db"
    _change(path, "UPDATE reports SET province = '北京市', tier = 'county', year = 2023, "
                  "status = 'online' WHERE id % 2")
    _change(path, "UPDATE reports SET status = 'removed', year = 2022 WHERE id % 3 = 0")
    cases = [("", "", ()),
             ("year=2023", "WHERE year = 2023", ()),
             ("status=online&province=北京市", "WHERE status = 'online' AND province = '北京市'",
              ()),
             ("year__gt=2022&tier__not=county", "WHERE year > 2022 AND tier <> 'county'", ()),
             ("status__isnull=1", "WHERE status IS NULL", ()),
             # A column not kept: Datasette's own queries, the same answer.
             ("organ__contains=政府", "WHERE instr(organ, '政府') > 0", ())]
    ds = await started_datasette(data)
    with read_only(path) as db:
        for query, where, params in cases:
            assert await _page(ds, query) == _live_page(db, where, params), query


@pytest.mark.asyncio
async def test_the_reports_page_reads_the_kept_counts(data):
    """Counts the kept table holds (made wrong here on purpose) are the page's; filtered on a
    column not kept, the page counts the reports."""
    path = data / "archive.db"
    with read_only(path) as db:
        n = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    _change(path, "UPDATE tally_reports SET reports = reports + 1000")
    with read_only(path) as db:
        groups = db.execute("SELECT count(*) FROM tally_reports").fetchone()[0]
        named = _live_page(db, "WHERE organ IS NOT NULL")
        year, in_year, groups_in_year = db.execute(
            "SELECT year, sum(reports) - 1000 * count(*), count(*) FROM tally_reports "
            "WHERE year IS NOT NULL GROUP BY year ORDER BY year LIMIT 1").fetchone()
    ds = await started_datasette(data)
    assert (await _page(ds, ""))["count"] == n + 1000 * groups
    filtered = await _page(ds, f"year={year}")
    assert filtered["count"] == in_year + 1000 * groups_in_year
    assert filtered["year"] == {year: in_year + 1000 * groups_in_year}
    assert await _page(ds, "organ__notnull=1") == named


def test_the_dashboard_counts_as_the_reports_do(data):
    """Each of the dashboard's counts, with its year filter and without, is what the same
    count over the reports gives."""
    from datasette_dashboards import replace_opts_in_query

    from archive.dashboard import CHARTS

    path = data / "archive.db"
    _change(path, "UPDATE reports SET year = 2023, check_status = 'fail' WHERE id % 2")
    counted = [c["query"] for c in CHARTS.values() if "tally_reports" in c["query"]]
    assert len(counted) == 4
    with read_only(path) as db:
        for query in counted:
            for options in ({}, {"year": "2023"}, {"year": "2019"}):
                sql = replace_opts_in_query(query, options)
                live = (sql.replace("coalesce(sum(reports), 0)", "count(*)")
                        .replace("sum(reports)", "count(*)").replace("tally_reports", "reports"))
                params = options or None
                assert sorted(db.execute(sql, params or {}).fetchall()) == \
                    sorted(db.execute(live, params or {}).fetchall()), (query, options)


def test_coverage_sees_a_report_gone(data):
    """The coverage summary says it is stale once a report is gone, counted by the kept counts
    (the largest id unchanged)."""
    from archive.coverage import refresh_coverage, refreshed

    arc = Archive(data)
    refresh_coverage(arc)
    arc.close()
    path = data / "archive.db"
    with read_only(path) as db:
        assert refreshed(db)["stale"] is False
    _delete(path, "id = (SELECT min(id) FROM reports)")
    with read_only(path) as db:
        assert refreshed(db)["stale"] is True
