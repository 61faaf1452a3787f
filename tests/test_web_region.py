"""Region pages coloured by coverage, on a real Datasette over an archive whose coverage is known
by construction (tests/region_fixtures.py): the map's numbers (``/-/region/<code>.json``) give
each part its organs reported and expected, a part with nothing expected has no coverage (not
0 %), and the page lists the expected organs missing, not crawled, late, undated and on time,
in the same counts."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from archive_fixtures import started_datasette
from region_fixtures import DIRECTORY, EXPECTED, SITES, STATES, YEAR, coverage_archive

from archive import queries
from archive.coverage import STATES as STATE_NAMES
from archive.db import read_only
from archive.views import organ_coverage_sql

FIELDS = ("expected", "reported", "on_time", "late", "undated", "missing", "not_crawled")


@pytest.fixture(scope="module", params=["kept", "computed"])
def data(request, tmp_path_factory):
    """The archive with its coverage summary written (as after a nightly), and without (the
    page computes it): the pages read the same either way."""
    return coverage_archive(tmp_path_factory.mktemp("region"), refresh=request.param == "kept")


@pytest_asyncio.fixture
async def ds(data):
    return await started_datasette(data)


def counts(row: dict) -> tuple:
    return tuple(row[f] for f in FIELDS)


async def map_data(ds, code: str = "") -> dict:
    r = await ds.client.get(f"/-/region{'/' + code if code else ''}.json")
    assert r.status_code == 200
    return r.json()


@pytest.mark.asyncio
async def test_each_part_of_the_map_counts_its_organs_reported_and_expected(ds):
    province = await map_data(ds, "320000")
    parts = {p["code"]: p for p in province["parts"]}
    assert province["year"] == YEAR and counts(province["total"]) == EXPECTED["320000"]
    assert counts(parts["320800"]) == EXPECTED["320800"]
    assert counts(parts["320100"]) == EXPECTED["320100"]
    assert parts["320800"]["coverage"] == pytest.approx(3 / 7)
    assert parts["320800"]["url"] == f"/-/region/320800?year={YEAR}"
    city = {p["code"]: p for p in (await map_data(ds, "320800"))["parts"]}
    for code in ("320804", "320813", "320826"):
        assert counts(city[code]) == EXPECTED[code], code
    # the parts' organs and the city's own (淮安市教育局) make the city's whole
    whole = await map_data(ds, "320800")
    assert [sum(p[f] for p in whole["parts"]) + whole["own"][f] for f in FIELDS] == \
        list(EXPECTED["320800"])


@pytest.mark.asyncio
async def test_a_part_with_nothing_expected_has_no_coverage_not_zero(ds):
    country = await map_data(ds)
    parts = {p["code"]: p for p in country["parts"]}
    assert parts["330000"]["expected"] == 0 and parts["330000"]["coverage"] is None
    assert parts["320000"]["coverage"] == pytest.approx(4 / 8)
    # the national body is the country's own organ, not any province's
    assert counts(country["own"]) == (1, 0, 0, 0, 0, 0, 1)
    # a part whose organs all lack a report is 0 %, which is not "nothing expected"
    city = {p["code"]: p for p in (await map_data(ds, "320800"))["parts"]}
    assert city["320813"]["coverage"] == 0 and city["320803"]["coverage"] is None
    page = (await ds.client.get("/-/region")).text
    row = re.search(r'<tr data-code="330000"[^>]*>(.*?)</tr>', page, re.S).group(1)
    assert "no expectation known" in row and "0%" not in row


def listed(html: str, state: str) -> list[str]:
    section = re.search(rf'<section class="organ-state state-{state}" data-count="(\d+)">(.*?)'
                        r"</section>", html, re.S)
    names = re.findall(r'<tr data-organ="([^"]+)">', section.group(2))
    assert int(section.group(1)) == len(names)
    return names


@pytest.mark.asyncio
@pytest.mark.parametrize("code", ["", "320000", "320800", "320804"])
async def test_the_page_lists_the_expected_organs_by_what_the_archive_can_say(ds, code):
    html = (await ds.client.get(f"/-/region/{code}" if code else "/-/region")).text
    got = {name: state for state in STATE_NAMES for name in listed(html, state)}
    places = {organ: place for organ, place, _, _ in SITES.values()}
    places[DIRECTORY[1]] = DIRECTORY[2]
    assert got == {o: s for o, s in STATES.items()
                   if not code or places[o].startswith(code.rstrip("0"))}
    # the page's totals and its parts' rows are the map's
    data = await map_data(ds, code)
    summary = re.search(r'class="coverage-summary" data-expected="(\d+)" data-reported="(\d+)"',
                        html)
    assert (int(summary.group(1)), int(summary.group(2))) == \
        (data["total"]["expected"], data["total"]["reported"])
    assert sum(got[o] in ("on_time", "late", "undated") for o in got) == data["total"]["reported"]
    for p in data["parts"]:
        row = re.search(rf'<tr data-code="{p["code"]}" data-expected="(\d+)" '
                        r'data-reported="(\d+)"', html)
        assert (int(row.group(1)), int(row.group(2))) == (p["expected"], p["reported"])


@pytest.mark.asyncio
async def test_missing_says_when_the_portal_was_crawled_and_not_crawled_says_why(ds, data):
    html = (await ds.client.get("/-/region/320800")).text
    with read_only(data / "archive.db") as db:
        hongze = db.execute("SELECT substr(ended_at, 1, 10) FROM crawls "
                            "WHERE portal = 'hongze'").fetchone()[0]
    row = re.search(r'<tr data-organ="洪泽区人民政府">(.*?)</tr>', html, re.S).group(1)
    assert hongze in row and "no report found by the archive" in row
    assert "http://www.hongze.gov.cn/" in row
    row = re.search(r'<tr data-organ="盱眙县人民政府">(.*?)</tr>', html, re.S).group(1)
    assert "stopped early (closespider_timeout)" in row and "no report found" not in row
    row = re.search(r'<tr data-organ="涟水县人民政府">(.*?)</tr>', html, re.S).group(1)
    assert "never crawled" in row
    # late on a stated date, with the days; the organ's page linked
    row = re.search(r'<tr data-organ="淮安市教育局">(.*?)</tr>', html, re.S).group(1)
    assert "2024-03-01" in row and "2024-01-31" in row and "+30 天" in row
    assert 'href="/-/organ/%E6%B7%AE%E5%AE%89%E5%B8%82%E6%95%99%E8%82%B2%E5%B1%80"' in row


def test_the_view_and_the_page_read_the_same_coverage(data):
    """organ_coverage (every year) and the region page's read of one year agree."""
    with read_only(data / "archive.db") as db:
        view = {(r["source"], r["portal"], r["organ"]): r["report_id"] for r in db.query(
            "SELECT * FROM organ_coverage WHERE year = ?", [YEAR])}
        one = {(r["source"], r["portal"], r["organ"]): r["report_id"] for r in db.query(
            organ_coverage_sql(one_year=True), {"year": YEAR})}
        page = {(r.source, r.portal, r.organ): r.report_id
                for r in queries.expected_in(db, None, 0, YEAR)}
        # an area read on its own is the area's part of the whole
        city = {(r.source, r.portal, r.organ): r.report_id
                for r in queries.expected_in(db, "320800", 2, YEAR)}
    assert view == one == page and len(view) == len(STATES) + 1      # 洪泽区 named twice
    assert city == {k: v for k, v in view.items() if k[1] not in ("xuanwu", "ndrc")}
    assert sum(v is not None for v in view.values()) == 4


@pytest.mark.asyncio
async def test_a_long_list_shows_its_first_organs_and_links_the_rest(ds, monkeypatch):
    from archive import datasette_pages

    monkeypatch.setattr(datasette_pages, "LIST_SIZE", 1)
    html = (await ds.client.get("/-/region/320800")).text
    section = re.search(r'<section class="organ-state state-missing" data-count="2">(.*?)'
                        r"</section>", html, re.S).group(1)
    assert len(re.findall(r"<tr data-organ=", section)) == 1
    assert "1 more" in section and \
        f"/archive/coverage_organs?division=320800&amp;year={YEAR}&amp;missing=1" in section


@pytest.mark.asyncio
async def test_the_numbers_follow_the_archive_as_it_changes(data, tmp_path):
    """Computed, a region's coverage follows the archive; kept, the page says the archive has
    changed since, until ``xxgk coverage refresh``."""
    import shutil

    from archive.coverage import refresh_coverage
    from archive.store import Archive

    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    ds = await started_datasette(copy)
    before = await map_data(ds, "320800")
    assert "has changed since" not in (await ds.client.get("/-/region/320800")).text
    with Archive(copy) as arc:
        arc.record_sites([{"portal": "jinhu", "organ": "金湖县人民政府", "region_code": "320831",
                           "source_group": "另一组"}],
                         "2026-12-02T00:00:00Z", "test")
    kept = before["coverage_as_of"] is not None
    if kept:
        assert await map_data(ds, "320800") == {**before, "coverage_stale": True}
        html = (await ds.client.get("/-/region/320800")).text
        assert f"coverage as of {before['coverage_as_of']}; the archive has changed since" in html
        assert "xxgk coverage refresh" in html
        with Archive(copy) as arc:
            refresh_coverage(arc)
    after = await map_data(ds, "320800")
    assert after["total"]["expected"] == before["total"]["expected"] + 1
    assert {p["code"]: p["expected"] for p in after["parts"]}["320831"] == 1
    assert after["coverage_stale"] is False


def test_the_parts_counts_are_division_coverage_s(data):
    """The region page counts an organ as division_coverage does: its name in its division."""
    import asyncio

    async def read():
        ds = await started_datasette(data)
        return await map_data(ds, "320800")

    parts = {p["code"]: p for p in asyncio.run(read())["parts"]}
    with read_only(data / "archive.db") as db:
        view = {r["division_code"]: r for r in db.query(
            "SELECT * FROM division_coverage WHERE parent = '320800' AND year = ?", [YEAR])}
    assert view and all((parts[c]["expected"], parts[c]["reported"]) ==
                        (v["organs_expected"], v["organs_reported"]) for c, v in view.items())
