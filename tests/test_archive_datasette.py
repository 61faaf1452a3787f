"""Datasette on the archive (real Datasette, through datasette.client): report pages with their
tables, Chinese search, canned queries, raw files, metadata, the dashboard, read-only."""

import pytest
from archive_fixtures import REAL_PDFS, marked_fixtures

from archive.datasette_app import make_datasette


data, ds = marked_fixtures("ds")


async def report_id(ds, pdf_name):
    r = await ds.client.get("/archive/reports.json?_shape=array&url__endswith=" + pdf_name)
    return r.json()[0]["id"]


@pytest.mark.asyncio
async def test_report_page_shows_its_tables(ds):
    rid = await report_id(ds, REAL_PDFS[0].name)
    r = await ds.client.get(f"/archive/reports/{rid}")
    assert r.status_code == 200
    html = r.text
    for label in ("主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                  "政府信息公开行政复议、行政诉讼情况", "本年新收政府信息公开申请数量", "自然人"):
        assert label in html
    assert 'data-table="requests"' in html and '<tr data-row="new">' in html
    assert "appeals.row_sum" in html and "10+1+0+0 = 11 ≠ 0" in html  # failed check shown
    assert "/-/raw/" in html and 'href="http://www.example.gov.cn/xxgk/' in html


@pytest.mark.asyncio
async def test_raw_file_served_sandboxed(ds):
    rid = await report_id(ds, REAL_PDFS[0].name)
    rep = (await ds.client.get(f"/archive/reports/{rid}.json?_shape=object")).json()[str(rid)]
    r = await ds.client.get(f"/-/raw/{rep['sha256']}")
    assert r.status_code == 200 and r.content == REAL_PDFS[0].read_bytes()
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-security-policy"] == "sandbox"
    assert (await ds.client.get("/-/raw/" + "0" * 64)).status_code == 404


@pytest.mark.asyncio
@pytest.mark.parametrize("q,n", [("鹬蚌", 2), ("鼋", 2), ("鹦鹉螺 鹬蚌", 1), ("蒲公英种子 鼋", 2),
                                 ("公开", 7), ("年度报告 复议", 7), ("洪泽区 复议", 2)])
async def test_chinese_search_in_datasette(ds, q, n):
    r = await ds.client.get("/archive/search.json", params={"q": q, "_shape": "array"})
    assert r.status_code == 200, r.text
    rows = r.json()
    assert len(rows) == n
    assert all(row["url"].startswith("http://www.example.gov.cn/") for row in rows)


@pytest.mark.asyncio
async def test_search_finds_the_report_page(ds):
    r = await ds.client.get("/archive/search", params={"q": "鹦鹉螺 鹬蚌"})
    assert r.status_code == 200
    assert "http://www.example.gov.cn/xxgk/B.html" in r.text and "鹦鹉螺" in r.text


@pytest.mark.asyncio
async def test_canned_queries(ds):
    r = await ds.client.get("/archive/requests_by_region.json",
                            params={"year": "", "_shape": "array"})
    rows = r.json()
    assert r.status_code == 200 and rows
    assert {"年度", "地区", "本年新收申请"} <= set(rows[0])
    r = await ds.client.get("/archive/failed_reports.json", params={"_shape": "array"})
    [failed] = r.json()
    assert failed["机关"] == "洪泽区人民政府" and "11 ≠ 0" in failed["明细"]
    r = await ds.client.get("/archive/organ_history.json",
                            params={"organ": "洪泽区", "_shape": "array"})
    years = [row["年度"] for row in r.json()]
    assert years == sorted(years) and 2023 in years
    r = await ds.client.get("/archive/new_reports.atom")
    assert r.status_code == 200 and "<feed" in r.text


@pytest.mark.asyncio
async def test_views_and_facets(ds):
    r = await ds.client.get("/archive/requests_wide.json",
                            params={"row_key": "new", "_shape": "array"})
    rows = r.json()
    assert len(rows) == 7 and {"natural_person", "legal_service", "total"} <= set(rows[0])
    r = await ds.client.get("/archive/reports.json")
    facets = r.json()["facet_results"]
    assert {"year", "province", "tier", "status"} <= set(facets)
    assert facets["year"]["results"] and not r.json()["suggested_facets"]


@pytest.mark.asyncio
async def test_metadata_describes_every_table_and_column(ds):
    meta = ds.metadata()
    tables = meta["databases"]["archive"]["tables"]
    db = ds.get_database("archive")
    for name in await db.table_names() + await db.view_names():
        if name.startswith(("texts_fts", "texts_bigram", "texts_chars", "_sqlite")):
            continue
        assert tables.get(name, {}).get("description"), name
        for col in await db.table_columns(name):
            assert tables[name]["columns"].get(col), f"{name}.{col}"


@pytest.mark.asyncio
async def test_dashboard(ds):
    r = await ds.client.get("/-/dashboards/xxgk")
    assert r.status_code == 200 and "依申请公开数量" in r.text


@pytest.mark.asyncio
async def test_read_only(data):
    ds = make_datasette(data, allow_sql=True)
    r = await ds.client.get("/archive.json", params={"sql": "DELETE FROM reports"})
    assert r.status_code == 400
    db = ds.get_database("archive")
    with pytest.raises(Exception):
        await db.execute("INSERT INTO portals (portal) VALUES ('x')")
