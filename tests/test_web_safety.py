"""The archive's Datasette is safe to publish as it is: queries stopped after the time limit,
robots kept out, no SQL of the reader's own unless allowed, no server path shown, no 500 on an
empty feed or a POST, and one slow reader cannot stall every other page (a real ``xxgk serve``)."""

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
import pytest_asyncio
from archive_fixtures import marked_server_fixture, started_datasette

from archive.datasette_app import SQL_TIME_LIMIT_MS, make_datasette
from archive.store import Archive

# Never ends by itself: only the time limit stops it.
ENDLESS = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
           "SELECT count(*) FROM c")


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    root = tmp_path_factory.mktemp("empty")
    Archive(root).close()
    return root


@pytest_asyncio.fixture
async def ds(empty):
    return await started_datasette(empty)


@pytest.mark.asyncio
@pytest.mark.parametrize("feed", ["changes_feed", "new_reports"])
async def test_an_empty_feed_is_a_valid_feed(ds, feed):
    r = await ds.client.get(f"/archive/{feed}.atom")
    assert r.status_code == 200
    root = ET.fromstring(r.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.find("{http://www.w3.org/2005/Atom}entry") is None


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/archive/search", "/archive/late_reports", "/archive/reports"])
async def test_a_post_is_refused_not_a_500(ds, path):
    r = await ds.client.post(path, data={"q": "公开"})
    assert r.status_code == 405 and "read-only" in r.text


@pytest.mark.asyncio
async def test_no_server_path_is_shown(ds, empty):
    for path in ("/-/databases.json", "/-/metadata.json", "/-/settings.json", "/.json",
                 "/archive.json", "/archive/nowhere", "/-/plugins.json"):
        r = await ds.client.get(path)
        assert str(empty) not in r.text, path


@pytest.mark.asyncio
async def test_sql_of_ones_own_is_off_by_default_and_hides_paths_when_on(empty):
    d = make_datasette(empty)
    r = await d.client.get("/archive.json", params={"sql": "SELECT 1 AS one"})
    assert r.status_code == 403
    r = await d.client.get("/archive/reports.json", params={"_where": "1 = 1"})
    assert r.status_code == 403
    r = await d.client.get("/archive/search.json", params={"q": "公开", "_shape": "array"})
    assert r.status_code == 200  # canned queries still run
    d = make_datasette(empty, allow_sql=True)
    r = await d.client.get("/archive.json", params={
        "sql": "SELECT name, file FROM pragma_database_list", "_shape": "array"})
    assert r.status_code == 200 and r.json() == [{"name": "main", "file": None}]


@pytest.mark.asyncio
async def test_the_dashboard_draws_with_sql_off(ds):
    from archive.dashboard import CHARTS

    query = CHARTS["requests-by-year"]["query"].replace("[[ AND year = :year ]]", "AND year = :year")
    r = await ds.client.get("/archive.json", params={"sql": query, "year": "2023",
                                                     "_shape": "objects"})
    assert r.status_code == 200 and r.json()["columns"] == ["year", "requests"]


@pytest.mark.asyncio
async def test_robots_are_kept_out(ds):
    r = await ds.client.get("/robots.txt")
    assert r.status_code == 200 and "Disallow: /" in r.text.splitlines()


@pytest.mark.asyncio
async def test_a_long_query_is_stopped(empty):
    d = await started_datasette(empty, allow_sql=True)
    await d.client.get("/archive")  # schemas read once
    t = time.perf_counter()
    r = await d.client.get("/archive.json", params={"sql": ENDLESS})
    took = time.perf_counter() - t
    assert r.status_code == 400 and "took too long" in r.json()["error"]
    assert took < SQL_TIME_LIMIT_MS / 1000 + 1.0


server = marked_server_fixture("stall", "--allow-sql")


def _get(url: str, timeout: float = 30) -> tuple[int, float]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    return status, time.perf_counter() - t


def test_six_slow_readers_do_not_stall_a_page(server):
    slow = f"{server}/archive.json?" + urllib.parse.urlencode({"sql": ENDLESS})
    pages = ("/", "/-/search?q=%E5%85%AC%E5%BC%80", "/archive/reports/1", "/archive/late_reports")
    quiet = [_get(f"{server}{p}") for p in pages]  # the server's first requests, unhurried
    results = []
    readers = [threading.Thread(target=lambda: results.append(_get(slow))) for _ in range(6)]
    for t in readers:
        t.start()
    time.sleep(0.3)  # all six are running
    busy = [_get(f"{server}{p}") for p in pages]
    for t in readers:
        t.join()
    print("quiet:", quiet, "with six slow readers:", busy)
    for status, took in busy:
        assert status == 200 and took < 1.0, (quiet, busy)
    assert len(results) == 6
    for status, took in results:
        assert status == 400, results
