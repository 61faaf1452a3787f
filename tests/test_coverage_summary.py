"""The coverage summary the archive keeps (archive/coverage.py ``refresh_coverage``): written
by ``xxgk coverage refresh`` and at the end of every nightly, it holds the numbers the views
organ_coverage and division_coverage compute, and the coverage canned query reads it."""

from __future__ import annotations

import json
import os

import pytest
import pytest_asyncio
from archive_fixtures import started_datasette, xxgk
from region_fixtures import EXPECTED, STATES, YEAR, coverage_archive

from archive.db import read_only


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The archive without its summary, then refreshed by the command a user runs."""
    root = coverage_archive(tmp_path_factory.mktemp("summary"), refresh=False)
    with read_only(root / "archive.db") as db:
        assert db["coverage_refreshed"].count == 0
    run = xxgk("coverage", "refresh", "--json", "--data", root)
    assert run.returncode == 0, run.stderr
    facts = json.loads(run.stdout)
    assert facts["years"] == 1 and facts["organs"] == len(STATES)
    return root


def test_the_counts_are_division_coverage_s(data):
    with read_only(data / "archive.db") as db:
        view = {(r["division_code"], r["year"]): (r["organs_expected"], r["organs_reported"],
                                                  r["reports_found"])
                for r in db.query("SELECT * FROM division_coverage")}
        kept = {(r["division_code"], r["year"]): (r["expected"], r["reported"],
                                                  r["reports_found"])
                for r in db.query("SELECT * FROM coverage_counts WHERE scope = 'area'")}
        by_state = {r["division_code"]: tuple(r[k] for k in (
            "expected", "reported", "on_time", "late", "undated", "missing", "not_crawled"))
            for r in db.query("SELECT * FROM coverage_counts WHERE scope = 'area'")}
    assert view and kept == view
    assert {c: by_state[c] for c in EXPECTED} == EXPECTED


def test_each_organ_s_report_is_organ_coverage_s(data):
    with read_only(data / "archive.db") as db:
        view = {(r["organ"], r["region_code"], r["year"]): r["report_id"]
                for r in db.query("SELECT * FROM organ_coverage")}
        kept = {(r["organ"], r["region_code"], r["year"]): r["report_id"]
                for r in db.query("SELECT * FROM coverage_states")}
        states = {r["organ"]: r["state"] for r in db.query("SELECT * FROM coverage_states")}
    assert kept == view and states == STATES


@pytest_asyncio.fixture
async def ds(data):
    return await started_datasette(data)


async def by_division(ds, division: str) -> dict[str, dict]:
    """coverage_by_division's rows for ``division`` ('': the provinces), latest year."""
    r = await ds.client.get("/archive/coverage_by_division.json",
                            params={"_shape": "array", "division": division, "year": ""})
    assert r.status_code == 200, r.text
    return {row["division_code"]: row for row in r.json()}


@pytest.mark.asyncio
async def test_coverage_by_division_reads_the_summary(ds, data):
    got = await by_division(ds, "320800")
    with read_only(data / "archive.db") as db:
        view = {r["division_code"]: r for r in db.query(
            "SELECT * FROM division_coverage WHERE (parent = '320800' OR division_code = "
            "'320800') AND year = ?", [YEAR])}
    assert set(got) == set(view)
    for code, v in view.items():
        assert (got[code]["应有机关"], got[code]["已见年报机关"], got[code]["organs_missing"],
                got[code]["门户上的年报"]) == (v["organs_expected"], v["organs_reported"],
                                           v["organs_missing"], v["reports_found"])
    provinces = await by_division(ds, "")
    assert {c: p["地区"] for c, p in provinces.items()} == {"100000": "国家机关",
                                                          "320000": "江苏省"}


@pytest.mark.asyncio
async def test_the_page_says_when_the_coverage_was_computed(ds):
    html = (await ds.client.get("/-/region/320000")).text
    assert "coverage as of 20" in html and "has changed since" not in html
    summary = (await ds.client.get("/-/region/320000.json")).json()
    assert summary["coverage_stale"] is False and summary["total"]["expected"] == 8


def test_the_nightly_refreshes_the_summary(tmp_path):
    """Even a nightly whose only crawl fails ends by writing the summary."""
    coverage_archive(tmp_path, refresh=False)
    env = {**os.environ, "XXGK_DATA": str(tmp_path)}
    run = xxgk("nightly", "--portal", "demo-trs", "-s", "SCHEDULER=no_such_module.Scheduler",
               env=env, timeout=300)
    assert "coverage refreshed as of" in run.stderr, run.stderr[-3000:]
    with read_only(tmp_path / "archive.db") as db:
        assert db["coverage_refreshed"].count == 1
        kept = {r["division_code"]: (r["expected"], r["reported"]) for r in db.query(
            "SELECT * FROM coverage_counts WHERE scope = 'area' AND year = ?", [YEAR])}
    assert {c: kept[c] for c in EXPECTED} == {c: v[:2] for c, v in EXPECTED.items()}


def test_a_registry_import_refreshes_the_summary(tmp_path):
    """The organs expected change with the registry: the import ends by refreshing coverage."""
    from registry_fixtures import registry_csv

    from archive.coverage import refreshed

    data = coverage_archive(tmp_path / "data")
    with read_only(data / "archive.db") as db:
        before = refreshed(db)["computed_at"]
    csv = tmp_path / "sites.csv"
    csv.write_bytes(registry_csv([("金湖县人民政府", "http://www.jinhu.gov.cn/", "3208310001",
                                   "政府门户网站")]))
    run = xxgk("registry", "import", csv, "--data", data)
    assert run.returncode == 0, run.stderr
    with read_only(data / "archive.db") as db:
        now = refreshed(db)
        view = {r["division_code"]: (r["organs_expected"], r["organs_reported"])
                for r in db.query("SELECT * FROM division_coverage WHERE year = ?", [YEAR])}
        kept = {r["division_code"]: (r["expected"], r["reported"]) for r in db.query(
            "SELECT * FROM coverage_counts WHERE scope = 'area' AND year = ?", [YEAR])}
    assert now["stale"] is False and now["computed_at"] >= before
    assert kept == view and kept["320831"] == (1, 0)
