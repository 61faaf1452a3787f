"""The search page's results on a real archive: terms of one, two and more characters decided by
the indexes give exactly what reading every text gives, counted in full or (past the counting
limit) counted through the indexes and walked page by page; the page says what it counted; the
canned query gives the same reports, in the same order, whichever way it finds them (every hit
sorted, or the reports walked in order and tested against a set of the hits or by asking the
indexes); an archive made before the character index gets it filled when it is opened."""

import re
import shutil

import pytest
import sqlite_utils
from archive_fixtures import marked_archive, marked_fixtures
from conftest import needs_corpus

from archive import datasette_pages, queries
from archive.db import connect, migrations, open_db, read_only
from archive.queries import search, search_hits, search_results
from archive.search import PLANS, search_sql
from archive.store import Archive

pytestmark = needs_corpus

data, ds = marked_fixtures("search-results")

QUERIES = ["鼋", "公", "年", "p", "P 年", "鼍", "鹬蚌", "公开", "鹦鹉螺", "蒲公英种子 鼋 鹬蚌",
           "鹬蚌 鼋", "年度报告 复议", "没有这样的词语"]


def truth(db, query: str, of: str = "rd.report_id") -> set[int]:
    """Reports (or documents) whose text holds every term (ASCII case aside): the brute-force
    answer."""
    words = [w.lower() for w in query.split()]
    return {rid for rid, content in db.execute(
        f"SELECT {of}, t.content FROM texts t "
        "JOIN report_documents rd ON rd.document_id = t.document_id")
        if all(w in content.lower() for w in words)}


# Past the counting limit the walk tells hits from a set of their ids (rare terms) or by asking
# the index about each document (common ones): both ways are tried on every query.
WAYS = [(5000, 200), (0, 10**9), (0, 0)]
WAY_IDS = ["counted", "walked-set", "walked-lookup"]


@pytest.mark.parametrize("count_limit,lookup_cost", WAYS, ids=WAY_IDS)
@pytest.mark.parametrize("q", QUERIES)
def test_results_are_exactly_the_texts_holding_every_term(data, q, count_limit, lookup_cost,
                                                         monkeypatch):
    monkeypatch.setattr(queries, "LOOKUP_COST", lookup_cost)
    with read_only(data / "archive.db") as db:
        exact = [h["report_id"] for h in search_hits(db, q, 10_000)]
        found = search_results(db, q, offset=0, limit=100, count_limit=count_limit)
        assert set(exact) == truth(db, q)
        documents = truth(db, q, of="t.document_id")
    assert [h["report_id"] for h in found.hits] == exact       # the same order
    assert not found.more
    if count_limit and exact:
        assert found.counted and found.total == found.matching == len(exact)
    elif exact:      # past the counting limit: the documents counted, the reports walked
        assert not found.counted and found.total == len(documents) and found.matching is None


@pytest.mark.parametrize("count_limit,lookup_cost", WAYS, ids=WAY_IDS)
def test_pages_and_filters(data, count_limit, lookup_cost, monkeypatch):
    monkeypatch.setattr(queries, "LOOKUP_COST", lookup_cost)
    with read_only(data / "archive.db") as db:
        every = search_hits(db, "公", 10_000)
        seen = []
        for offset in (0, 3, 6, 9):
            page = search_results(db, "公", offset=offset, limit=3, count_limit=count_limit)
            assert len(page.hits) == min(3, max(0, len(every) - offset))
            assert page.more == (offset + 3 < len(every))
            seen += [h["report_id"] for h in page.hits]
        assert seen == [h["report_id"] for h in every] and len(every) == 7
        year = str(every[0]["year"])
        in_year = [h["report_id"] for h in every if str(h["year"]) == year]
        page = search_results(db, "公", {"year": year}, limit=100, count_limit=count_limit)
        assert [h["report_id"] for h in page.hits] == in_year and len(in_year) < 7
        if count_limit:
            assert page.total == 7 and page.matching == len(in_year)
        province = next(h["division_code"][:2] + "0000" for h in every if h["division_code"])
        in_province = [h["report_id"] for h in every
                       if (h["division_code"] or "").startswith(province[:2])]
        page = search_results(db, "公", {"province": province}, limit=100,
                              count_limit=count_limit)
        assert [h["report_id"] for h in page.hits] == in_province


def test_facets_count_every_hit_or_say_they_do_not(data):
    with read_only(data / "archive.db") as db:
        every = search_hits(db, "鼋", 10_000)
        counted = search_results(db, "鼋", count_limit=5000)
        walked = search_results(db, "鼋", count_limit=0)
    years = {}
    for h in every:
        years[h["year"]] = years.get(h["year"], 0) + 1
    assert {f["value"]: f["n"] for f in counted.facets["year"]} == years
    assert not walked.counted and all(f["n"] is None for f in walked.facets["year"])
    # Not counted: the archive's years and provinces, each once, in order.
    with read_only(data / "archive.db") as db:
        assert [f["value"] for f in walked.facets["year"]] == [r[0] for r in db.execute(
            "SELECT DISTINCT year FROM reports WHERE year IS NOT NULL ORDER BY year")]
        assert [f["value"] for f in walked.facets["province"]] == [r[0] for r in db.execute(
            "SELECT DISTINCT substr(division_code, 1, 2) || '0000' FROM reports "
            "WHERE division_code IS NOT NULL ORDER BY 1")]


@pytest.mark.asyncio
@pytest.mark.parametrize("count_limit", [5000, 0], ids=["counted", "walked"])
async def test_the_page_answers_a_one_character_search_with_its_count(ds, data, monkeypatch,
                                                                      count_limit):
    monkeypatch.setattr(datasette_pages, "COUNT_LIMIT", count_limit)
    monkeypatch.setattr(datasette_pages, "PAGE_SIZE", 3)
    with read_only(data / "archive.db") as db:
        expected = [str(h["report_id"]) for h in search_hits(db, "公", 10_000)]
        documents = len(truth(db, "公", of="t.document_id"))
    seen = []
    for page in (1, 2, 3):
        r = await ds.client.get("/-/search", params={"q": "公", "page": page})
        assert r.status_code == 200
        if count_limit:
            assert re.search(r'<span class="matching">(\d+)</span>', r.text).group(1) == "7"
        else:
            assert 'class="not-counted"' in r.text and 'class="matching"' not in r.text
            assert re.search(r'<span class="documents">(\d+)</span>', r.text).group(1) == \
                str(documents)
        seen += re.findall(r'class="report-link" href="/archive/reports/(\d+)"', r.text)
        assert all("<mark>公</mark>" in s
                   for s in re.findall(r'<p class="snippet">(.*?)</p>', r.text, re.S))
        assert ('rel="next"' in r.text) == (page < 3)
    assert seen == expected


@pytest.mark.asyncio
@pytest.mark.parametrize("q", ["鼋", "公", "鹬蚌 鼋", "P 年"])
async def test_the_canned_search_and_the_command_find_the_same_reports(ds, data, q):
    r = await ds.client.get("/archive/search.json", params={"q": q, "_shape": "array"})
    canned = [row["report_id"] for row in r.json()]
    with read_only(data / "archive.db") as db:
        page = [h["report_id"] for h in search_results(db, q, limit=100).hits]
        command = [h["report_id"] for h in search(db, q)]
    assert canned == page == command and page


def in_search_order(db, report_ids) -> list[int]:
    marks = ", ".join("?" * len(report_ids))
    return [r[0] for r in db.execute(
        f"SELECT id FROM reports WHERE id IN ({marks}) ORDER BY year DESC, organ, id",
        list(report_ids))]


@pytest.mark.parametrize("q", QUERIES + ["年度报告 P", "没有"])
def test_every_plan_of_the_search_query_gives_the_same_rows(data, q):
    """The plan (sort, set, ask) only changes what the query costs: each gives the reports
    holding every term, newest year first then by organ, with the same snippet and document."""
    with read_only(data / "archive.db") as db:
        expected = in_search_order(db, truth(db, q))
        chosen = [tuple(r) for r in db.execute(search_sql("1000"), {"q": q})]
        assert [r[0] for r in chosen] == expected
        for plan in PLANS:
            assert [tuple(r) for r in db.execute(search_sql("1000", plan), {"q": q})] == chosen
            # The command's query with a limit: the first rows of the same.
            assert [tuple(r) for r in db.execute(search_sql(":limit", plan) + "LIMIT :limit",
                                                 {"q": q, "limit": 2})] == chosen[:2]


def test_a_report_shows_the_document_that_holds_the_terms(data, tmp_path):
    """A report with a second document: its best document when that holds every term
    (in_best_document 1), else the other, in every way and on the page alike."""
    path = tmp_path / "archive.db"
    shutil.copy(data / "archive.db", path)
    db = open_db(path)
    report = db.execute("SELECT id, document_id FROM reports ORDER BY id LIMIT 1").fetchone()
    best = db.execute("SELECT * FROM documents WHERE id = ?", [report[1]]).fetchone()
    other = max(r[0] for r in db.execute("SELECT id FROM documents")) + 1
    columns = [r[1] for r in db.execute("PRAGMA table_info(documents)")]
    row = dict(zip(columns, best), id=other, sha256="0" * 64)
    db["documents"].insert(row)
    db["texts"].insert({"document_id": other, "content": "修订本 鼍鼍鼍 政府信息公开"})
    db["report_documents"].insert({"report_id": report[0], "document_id": other,
                                   "url": "http://www.example.gov.cn/xxgk/A-revised.html"})
    db.conn.commit()
    for q, document, sha256 in (("鼍鼍鼍", other, "0" * 64), ("政府信息公开", best[0], best[1])):
        for plan in (None, *PLANS):
            rows = list(db.query(search_sql("1000", plan), {"q": q}))
            mine = [r for r in rows if r["report_id"] == report[0]]
            assert len(mine) == 1
            assert mine[0]["sha256"] == sha256
            assert mine[0]["in_best_document"] == (document == best[0])
        page = search_results(db, q, limit=100, count_limit=0)
        assert [h["document_id"] for h in page.hits if h["report_id"] == report[0]] == [document]
    db.close()


def organs_by_name(db) -> list[tuple[str, int]]:
    return [tuple(r) for r in db.execute(
        "SELECT organ, count(*) FROM reports WHERE organ IS NOT NULL GROUP BY organ")]


def organs_named_by_reading_every_report(db, words: str) -> list[dict]:
    return list(db.query(
        "SELECT organ, count(*) AS reports, group_concat(DISTINCT year) AS years, "
        "max(division_code) AS division_code, max(region) AS region FROM reports "
        "WHERE instr(organ, :w) > 0 GROUP BY organ "
        "ORDER BY organ = :w DESC, length(organ), organ LIMIT 20", {"w": words}))


def test_the_organs_named_like_the_words_follow_the_reports(data, tmp_path):
    """The organ names the search page looks through are kept with the reports: a new
    organ, a report renamed, one left without an organ and one deleted are all seen."""
    path = tmp_path / "archive.db"
    shutil.copy(data / "archive.db", path)
    db = open_db(path)

    def in_step():
        assert [tuple(r) for r in db.execute("SELECT organ, reports FROM report_organs")] == \
            organs_by_name(db)
        for words in ("人民政府", "镇", "洪泽区人民政府", "测试局", "政府", "没有"):
            assert queries.organs_named(db, words) == \
                organs_named_by_reading_every_report(db, words)

    in_step()
    first, second = [r[0] for r in db.execute("SELECT id FROM reports ORDER BY id LIMIT 2")]
    db.execute("INSERT INTO reports (url, organ, year) VALUES "
               "('http://www.example.gov.cn/new.html', '测试局', 2024)")
    assert queries.organs_named(db, "测试局")[0]["organ"] == "测试局"
    in_step()
    db.execute("UPDATE reports SET organ = '洪泽区人民政府' WHERE id = ?", [first])
    in_step()
    db.execute("UPDATE reports SET organ = NULL WHERE id = ?", [second])
    in_step()
    db.execute("DELETE FROM reports WHERE url = 'http://www.example.gov.cn/new.html'")
    assert queries.organs_named(db, "测试局") == []
    in_step()
    db.close()


def test_an_older_archive_gets_its_characters_indexed_when_opened(tmp_path):
    arc = Archive(tmp_path / "new")
    marked_archive(arc)
    arc.close()
    # The same reports in an archive whose schema stops before the character index.
    old = tmp_path / "old.db"
    conn = connect(old)
    migrations.apply(sqlite_utils.Database(conn), stop_before="0007_search_chars")
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'texts_chars'").fetchone()
    conn.execute(f"ATTACH '{tmp_path / 'new' / 'archive.db'}' AS new")
    for table in ("documents", "texts", "reports", "report_documents"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM new.{table}")
    conn.execute("DETACH new")
    conn.close()
    upgraded = open_db(old)
    assert [tuple(r) for r in upgraded.execute("SELECT organ, reports FROM report_organs")] == \
        organs_by_name(upgraded) != []
    for q in ("鼋", "公", "P 年", "鹬蚌 鼋"):
        found = search_results(upgraded, q, limit=100)
        assert {h["report_id"] for h in found.hits} == truth(upgraded, q) != set()
    upgraded.execute("INSERT INTO texts_chars (texts_chars) VALUES ('integrity-check')")
    upgraded.close()
