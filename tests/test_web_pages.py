"""The reader's pages on a real Datasette (through datasette.client) over a real archive: the
front page's search box and ways in, search results with marked terms, filters and pages for
terms of every length, an organ's years side by side with CSV and XLSX that read back, a
division's organs."""

import csv
import io
import re

import openpyxl
import pytest
from archive_fixtures import marked_fixtures, seed_variant
from conftest import DATA, load_truth, needs_corpus

from archive import datasette_pages
from archive.datasette_app import make_datasette
from archive.store import Archive
from parsers import schema

pytestmark = needs_corpus
TRUTH = load_truth(DATA / "real" / "hzq2023_working.truth.json")  # 洪泽区人民政府, 2023


def truth_value(table, row, col):
    return next(c["value"] for c in TRUTH["cells"]
                if (c["table"], c["row"], c["col"]) == (table, row, col))


data, ds = marked_fixtures("pages")


@pytest.mark.asyncio
async def test_front_page_has_one_search_box_and_the_ways_in(ds):
    r = await ds.client.get("/")
    assert r.status_code == 200
    html = r.text
    assert len(re.findall(r'<input type="search"', html)) == 1
    assert 'action="/-/search"' in html
    for link in ('href="/-/region/320000"', "/archive/late_reports", "/archive/missing_reports",
                 "/-/dashboards/xxgk", "/archive/organs", "/archive/changes_feed",
                 "/-/snapshot/archive.db"):
        assert link in html, link
    assert "江苏省" in html and "按地区 / By region" in html


@pytest.mark.asyncio
@pytest.mark.parametrize("q,n", [("鼋", 2), ("鹬蚌", 2), ("鹦鹉螺", 2), ("蒲公英种子 鼋", 2),
                                 ("公开", 7)])
async def test_search_results_mark_every_term(ds, q, n):
    r = await ds.client.get("/-/search", params={"q": q})
    assert r.status_code == 200
    html = r.text
    assert re.search(r'<span class="matching">(\d+)</span>', html).group(1) == str(n)
    hits = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert len(hits) == n
    first = q.split()[0]
    assert all(f"<mark>{first}</mark>" in h for h in hits)
    assert html.count('class="report-link"') == n


@pytest.mark.asyncio
async def test_search_filters_and_pages(ds, monkeypatch):
    r = await ds.client.get("/-/search", params={"q": "公开", "year": "2023"})
    shown = int(re.search(r'<span class="matching">(\d+)</span>', r.text).group(1))
    years = re.findall(r'class="report-link"[^>]*>[^<]* (\d{4}) 年度报告', r.text)
    assert shown == len(years) and set(years) == {"2023"} and 0 < shown < 7
    monkeypatch.setattr(datasette_pages, "PAGE_SIZE", 3)
    seen = []
    for page in (1, 2, 3):
        r = await ds.client.get("/-/search", params={"q": "公开", "page": page})
        seen += re.findall(r'class="report-link" href="/archive/reports/(\d+)"', r.text)
    assert len(seen) == 7 == len(set(seen))
    assert 'rel="next"' not in r.text and 'rel="prev"' in r.text


@pytest.mark.asyncio
async def test_search_names_organs_and_places(ds):
    r = await ds.client.get("/-/search", params={"q": "洪泽区"})
    html = r.text
    assert 'href="/-/organ/%E6%B4%AA%E6%B3%BD%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"' in html
    assert 'href="/-/region/320813"' in html and "<mark>洪泽区</mark>" in html


def _cell(html, year, key):
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'<td class="num" data-year="{year}">([^<]*)', row).group(1).strip()


@pytest.mark.asyncio
async def test_organ_page_shows_its_years_and_downloads(ds):
    r = await ds.client.get("/-/organ/洪泽区人民政府")
    assert r.status_code == 200
    html = r.text
    new = truth_value("requests", "new", "total")
    assert _cell(html, 2023, "requests/new/total") == str(new)
    assert _cell(html, 2023, "active/license/decisions") == str(
        truth_value("active", "license", "decisions"))
    label = schema.label_of("active", "coercion", "decisions")
    assert f"{label.row} · {label.col}" in html
    assert "项未通过 failed" in html and "/-/raw/" in html
    xlsx = re.search(r'class="download-xlsx" href="([^"]+)"', html).group(1)
    r = await ds.client.get(xlsx.replace("&amp;", "&"))
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    head = list(rows[0])
    found = [row for row in rows[1:] if row[head.index("年度")] == 2023
             and row[head.index("row_key")] == "new" and row[head.index("col_key")] == "total"]
    assert [row[head.index("数值")] for row in found] == [new]
    assert found[0][head.index("项目")] == schema.label_of("requests", "new", "total").row
    csv_url = re.search(r'class="download-csv" href="([^"]+)"', html).group(1)
    r = await ds.client.get(csv_url.replace("&amp;", "&"))
    assert r.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert any(t["年度"] == "2023" and t["row_key"] == "new" and t["col_key"] == "total"
               and float(t["数值"]) == new for t in table)
    assert (await ds.client.get("/-/organ/没有这个机关")).status_code == 404


@pytest.mark.asyncio
async def test_region_pages(ds):
    r = await ds.client.get("/-/region")
    assert r.status_code == 200 and 'href="/-/region/320000' in r.text
    r = await ds.client.get("/-/region/320800", params={"year": "2023"})
    assert r.status_code == 200 and 'data-code="320813"' in r.text
    r = await ds.client.get("/-/region/320813")
    html = r.text
    assert r.status_code == 200 and "洪泽区人民政府" in html and "<th>2023</th>" in html
    assert (await ds.client.get("/-/region/999999")).status_code == 404


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """One organ's report of 2021 and a copy dated a year earlier."""
    from archive.ingest import ingest_file

    root = tmp_path_factory.mktemp("two_years")
    arc = Archive(root)
    text = seed_variant(0).decode("utf-8")
    for year in ("2021", "2020"):
        p = root / f"report{year}.txt"
        p.write_text(text.replace("2021", year), encoding="utf-8")
        ingest_file(arc, p, url=f"http://www.example.gov.cn/xxgk/{year}.html", portal="example")
    arc.close()
    return root


@pytest.mark.asyncio
async def test_report_page_shows_status_previous_year_and_history(two_years):
    ds = make_datasette(two_years)
    rows = (await ds.client.get("/archive/reports.json?_shape=array&_sort=year")).json()
    assert [r["year"] for r in rows] == [2020, 2021] and rows[0]["organ"] == rows[1]["organ"]
    html = (await ds.client.get(f"/archive/reports/{rows[1]['id']}")).text
    assert f'与上一年度 / Beside the year before: <a href="/archive/reports/{rows[0]["id"]}">2020' \
        in html
    beside = re.search(r'<tr data-total="requests_new">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', beside)[:2] == [
        str(rows[0]["requests_new"]), str(rows[1]["requests_new"])]
    assert 'class="xxgk-status"' in html and "变化历史 / Change history" in html
    assert 'class="organ-page" href="/-/organ/' in html
    html = (await ds.client.get(f"/archive/reports/{rows[0]['id']}")).text
    assert "no earlier report of this organ" in html
    organ = (await ds.client.get(f"/-/organ/{rows[0]['organ']}")).text
    assert organ.count('<th class="year" data-year=') == 2


@pytest.mark.asyncio
async def test_province_map_from_shipped_boundaries(ds):
    from parsers import divisions

    r = await ds.client.get("/-/map/320000.geojson")
    assert r.status_code == 200
    geo = r.json()
    codes = {f["properties"]["code"] for f in geo["features"]}
    assert codes == {d.code for d in divisions.children("320000")} and not geo["missing"]
    huai_an = next(f for f in geo["features"] if f["properties"]["code"] == "320800")
    assert huai_an["properties"]["name"] == "淮安市"
    assert huai_an["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = huai_an["geometry"]["coordinates"][0][0][0] if huai_an["geometry"]["type"] \
        == "MultiPolygon" else huai_an["geometry"]["coordinates"][0][0]
    assert 118 < lon < 120 and 32 < lat < 34.5          # where Huai'an is
    page = (await ds.client.get("/-/region/320000")).text
    assert 'data-geojson="/-/map/320000.geojson"' in page and '"320800": {' in page
    assert "data-geojson" not in (await ds.client.get("/-/region/320813")).text  # townships
    assert (await ds.client.get("/-/map/999999.geojson")).status_code == 404


@pytest.mark.asyncio
async def test_a_search_says_when_it_found_more_than_it_lists(ds, monkeypatch):
    monkeypatch.setattr(datasette_pages, "MAX_HITS", 1)
    r = await ds.client.get("/-/search", params={"q": "20"})   # not a CJK pair: texts are read
    assert '<span class="matching">1</span>+' in r.text and "add a word" in r.text


@pytest.mark.parametrize("q", ["鹬蚌", "鹦鹉螺", "蒲公英种子", "公开", "年度报告 复议", "洪泽区 复议",
                               "鹦鹉螺 鹬蚌", "政府信息公开", "PDF", "没有这样的词语", "鼋", "公",
                               "鹬蚌 鼋", "蒲公英种子 鼋 鹬蚌", "p", "P 年", "鼍"])
def test_the_indexes_find_what_reading_every_text_finds(data, q):
    from archive.db import read_only
    from archive.queries import indexed_search, search_hits

    with read_only(data / "archive.db") as db:
        fast = indexed_search(db, q)
        exact = search_hits(db, q, 10_000)
    assert [h["report_id"] for h in fast] == [h["report_id"] for h in exact]


def test_terms_the_indexes_cannot_decide_are_left_to_reading_the_texts(data):
    from archive.db import read_only
    from archive.queries import indexed_search

    with read_only(data / "archive.db") as db:
        for q in ("20", "5月", "%", "鹬蚌 鼋 20"):
            assert indexed_search(db, q) is None, q


@pytest.mark.asyncio
async def test_a_page_keeps_to_the_time_limit(data):
    d = make_datasette(data, settings={"sql_time_limit_ms": 1})
    r = await d.client.get("/-/search", params={"q": "20"})
    assert r.status_code == 503 and "took too long" in r.text
