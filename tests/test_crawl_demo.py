"""The real spiders against the demo portal: ``scrapy crawl demo-<family>`` in child processes,
real Scrapy, real Chromium for the JS-only list and the cookie challenges, a temporary archive.

One crawl of the ten demo portals feeds every test in this module."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawl_fixtures import (archived_report_urls, demo_server, live_reports,  # noqa: F401
                            report_doc_shas, rows, run_crawl, stats_of)

SITES = ["trs", "hanweb", "lonsun", "gkmlpt", "avalon", "boda", "ucap", "public", "hebei", "nmg"]
PARSED_SITE = "boda"        # parsed by the pool after the crawl (the others only archived, to keep this fast)


@pytest.fixture(scope="module")
def crawled(demo_server, tmp_path_factory):  # noqa: F811
    from archive.store import Archive

    data = tmp_path_factory.mktemp("archive")
    base = demo_server.base_url_
    Archive(data).close()       # create it once, before three crawls open it at the same time

    def one(site):
        return site, run_crawl(f"demo-{site}", data, base, log=data / f"crawl-{site}.log")

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(pool.map(one, SITES))
    manifest = demo_server.site.manifest(base)
    return {"data": data, "base": base, "results": results, "manifest": manifest}


def _fail(crawled, site, msg):
    return f"{msg}\n--- log of demo-{site} (tail) ---\n" + crawled["results"][site].log[-4000:]


@pytest.mark.parametrize("site", SITES)
def test_crawl_finishes(crawled, site):
    res = crawled["results"][site]
    assert res.returncode == 0, _fail(crawled, site, "scrapy crawl failed")
    assert "'finish_reason': 'finished'" in res.log, _fail(crawled, site, "did not finish")
    assert "Traceback" not in res.log, _fail(crawled, site, "a traceback in the log")
    crawl = rows(crawled["data"], "SELECT * FROM crawls WHERE portal = ?", (f"demo-{site}",))
    assert [c["status"] for c in crawl] == ["finished"]


@pytest.mark.parametrize("site", SITES)
def test_every_report_found(crawled, site):
    data = crawled["data"]
    urls = archived_report_urls(data)
    shas = report_doc_shas(data)
    missing = []
    for d in live_reports(crawled["manifest"], site):
        if d["format"] == "html" and d["page_url"] == d["url"]:
            ok = d["url"] in urls          # the page itself is the report (with its frame)
        else:
            ok = d["sha256"] in shas       # the file, byte for byte, linked to a report
        if not ok:
            missing.append((d["id"], d["format"], d["url"]))
    assert not missing, _fail(crawled, site, f"reports not archived: {missing}")


@pytest.mark.parametrize("site", SITES)
def test_no_distractor_archived_as_report(crawled, site):
    urls = archived_report_urls(crawled["data"])
    bad = [d for d in crawled["manifest"]["distractors"]
           if d["site"] == site and d["url"] and d["url"] in urls]
    assert not bad, bad


def test_report_urls_are_canonical(crawled):
    """One canonical URL per report; mobile/nav/dynamic spellings are aliases."""
    reports = [r["url"] for r in rows(crawled["data"], "SELECT url FROM reports")]
    for url in reports:
        assert "isMobile" not in url and "activeId" not in url and "/wap/" not in url, url
        assert "/public/content/" not in url, url
    aliases = {r["url"]: r["report"] for r in rows(
        crawled["data"], "SELECT a.url, r.url AS report FROM report_aliases a JOIN reports r ON r.id = a.report_id")}
    live = live_reports(crawled["manifest"])
    # every alias the site gives its pages (?isMobile=true, dynamic twins, /wap/ mirrors) that
    # the crawler saw points at the report's canonical URL
    for d in live:
        for alias in d["aliases"]:
            if alias in aliases:
                assert aliases[alias] == d["page_url"] or aliases[alias] == d["url"], (alias, aliases[alias])
    mobile = [a for a in aliases if a.endswith("?isMobile=true")]
    assert mobile, "no ?isMobile=true alias recorded"
    dynamic = [a for a in aliases if "/lonsun/public/content/" in a]
    assert dynamic, "no Lonsun dynamic twin recorded as alias"


def test_picture_and_text_copies_are_one_report(crawled):
    """TRS lists the 2022 report twice (文字版 page, 图片版 PDF): one report, two documents."""
    variants = [d for d in live_reports(crawled["manifest"], "trs") if d["variant"]]
    assert {d["variant"] for d in variants} >= {"文字版", "图片版"}
    got = rows(crawled["data"],
               "SELECT r.url, d.sha256 FROM report_documents rd JOIN reports r ON r.id = rd.report_id "
               "JOIN documents d ON d.id = rd.document_id")
    report_of_sha = {g["sha256"]: g["url"] for g in got}
    text = next(d for d in variants if d["variant"] == "文字版")
    picture = next(d for d in variants if d["variant"] == "图片版")
    assert report_of_sha[picture["sha256"]] == text["url"]


def test_attachments_of_every_format_stored(crawled):
    data = crawled["data"]
    atts = rows(data, "SELECT f.url, f.format, d.blob FROM fetches f JOIN documents d ON d.id = f.document_id "
                      "WHERE f.role IN ('attachment', 'report') AND f.status = 200")
    formats = {a["format"] for a in atts}
    assert {"pdf", "doc", "docx", "xls", "xlsx", "html"} <= formats, formats
    for a in atts:
        assert (data / a["blob"]).is_file(), a
    # WPS files are DOC bytes: the .wps URLs are there
    assert any(a["url"].endswith(".wps") for a in atts) or any(
        d["format"] == "wps" for d in live_reports(crawled["manifest"]))


def test_challenges_passed_in_chromium(crawled):
    data = crawled["data"]
    for site, status in (("avalon", 412), ("gkmlpt", 521), ("ucap", 412)):
        ch = rows(data, "SELECT url, status FROM fetches WHERE portal = ? AND role = 'challenge'",
                  (f"demo-{site}",))
        assert ch and all(c["status"] == status for c in ch), (site, ch)
        ok = rows(data, "SELECT count(*) AS n FROM fetches WHERE portal = ? AND status = 200",
                  (f"demo-{site}",))[0]["n"]
        assert ok > 5, site
        st = stats_of(crawled["results"][site].log)
        assert st.get("xxgk/challenge/passed", 0) >= 1, st


def test_js_only_list_read_through_the_browser(crawled):
    """avalon builds its list in the browser from a POST whose endpoint and token only its
    script knows: the rendered list is read, its pager clicked, the XHRs archived."""
    data = crawled["data"]
    posts = rows(data, "SELECT url, status, form FROM fetches WHERE portal = 'demo-avalon' AND method = 'POST'")
    assert len(posts) >= 2 and all(p["status"] == 200 for p in posts), posts
    assert {"page=1", "page=2"} <= {part for p in posts for part in (p["form"] or "").split("&")}


def test_robots_offsite_and_prefix_respected(crawled):
    data, base = crawled["data"], crawled["base"]
    disallowed = [urlsplit(u).path for u in crawled["manifest"]["robots_disallowed"]]
    fetched = rows(data, "SELECT portal, url, final_url FROM fetches")
    for f in fetched:
        for u in filter(None, (f["url"], f["final_url"])):
            assert u.startswith(base + "/"), f           # never off the demo host
            path = urlsplit(u).path
            assert not any(path.startswith(p) for p in disallowed), f
            site = f["portal"].split("-", 1)[1]
            assert path.startswith(f"/{site}/"), f       # each portal stays under its prefix
    offsite = crawled["manifest"]["offsite"]
    assert not any(f["url"] in offsite for f in fetched)


def test_soft_deleted_page_is_not_a_report(crawled):
    data = crawled["data"]
    soft = [d for d in crawled["manifest"]["distractors"] if d["kind"] == "soft_deleted"]
    assert soft
    for d in soft:
        got = rows(data, "SELECT role, error FROM fetches WHERE url = ?", (d["url"],))
        assert got and all(g["role"] == "page" and "soft-deleted" in (g["error"] or "") for g in got), (d, got)


def test_transient_errors_retried(crawled):
    data = crawled["data"]
    for url in crawled["manifest"]["flaky"]:
        got = rows(data, "SELECT status FROM fetches WHERE url = ? OR final_url = ?", (url, url))
        if not got:
            continue  # a flaky URL the crawl never needed
        statuses = [g["status"] for g in got]
        assert 200 in statuses, (url, statuses)


def test_queued_for_the_parse_pool_then_parsed(crawled):
    """The crawl parses nothing: every report document it stored waits as pending (its count in
    the crawl's stats); the parse pool's worker processes parse them afterwards and the archive
    stores what they found (a failure is stored, never fatal)."""
    from archive.parse_pool import ParsePool
    from archive.store import Archive

    data = crawled["data"]
    query = ("SELECT DISTINCT d.sha256, d.parse_status, d.n_cells FROM fetches f JOIN documents d "
             "ON d.id = f.document_id WHERE f.portal = ? AND f.role IN ('report', 'attachment') "
             "AND f.status = 200")
    docs = rows(data, query, (f"demo-{PARSED_SITE}",))
    assert docs and {d["parse_status"] for d in docs} == {"pending"}, docs
    st = stats_of(crawled["results"][PARSED_SITE].log)
    assert st.get("xxgk/parse/queued") == len(docs), st
    assert "waiting for" not in crawled["results"][PARSED_SITE].log
    with Archive(data) as arc:
        counts = ParsePool(arc, workers=2).drain([d["sha256"] for d in docs])
    assert sum(counts.values()) == len(docs)
    docs = rows(data, query, (f"demo-{PARSED_SITE}",))
    assert all(d["parse_status"] in ("ok", "warnings", "error") for d in docs), docs
    assert sum(1 for d in docs if d["n_cells"]) >= 3


def test_gbk_pages_decoded(crawled):
    """TRS township pages are GB2312 without a charset header: titles are read correctly."""
    got = rows(crawled["data"], "SELECT title FROM fetches WHERE url LIKE '%/xzjd/hmcz/%' AND role = 'report'")
    assert got and any("花马池镇" in (g["title"] or "") for g in got), got


def test_provenance_recorded(crawled):
    data = crawled["data"]
    f = rows(data, "SELECT * FROM fetches WHERE portal = 'demo-hanweb' AND role = 'attachment' AND status = 200 LIMIT 1")[0]
    assert f["referer"] and "/hanweb/art/" in f["referer"]
    assert f["final_url"] and "/attach/0/" in f["final_url"]   # downfile.jsp → 302 → /attach/0/
    assert "downfile.jsp" in f["url"]
    assert f["warc_file"] and (Path(data) / f["warc_file"]).is_file()
    assert f["request_headers"] and "xxgk-archive" in f["request_headers"]
    assert f["http_version"] == "HTTP/1.1" and f["ip_address"] == "127.0.0.1"


def test_organ_directories_walked_and_recorded(crawled):
    """Lonsun's organ directory and the query-addressed platform's 部门 / 乡镇（街道） tabs name their
    organs; each organ's 年报 column is walked, the organ is recorded with its column, the page that
    named it and its division, and its reports know it."""
    data = crawled["data"]
    organs = {(o["portal"], o["name"]): o for o in rows(data, "SELECT * FROM organs")}
    for portal, name, code in (("demo-lonsun", "渠沟镇人民政府", None), ("demo-lonsun", "相山区财政局", "340603"),
                               ("demo-public", "金水区丰产路街道办事处", "410105009"),
                               ("demo-public", "金水区民政局", "410105"), ("demo-trs", "花马池镇", "640323100")):
        o = organs[(portal, name)]
        assert o["column_url"] and o["directory_url"], o
        if code:
            assert o["division_code"] == code, o
    listed = {r["url"]: r["listed_organ"] for r in rows(data, "SELECT url, listed_organ FROM reports")}
    for d in live_reports(crawled["manifest"]):
        if d["site"] in ("lonsun", "public") and d["page_url"] in listed and \
                not d["organ_printed"].endswith(("区人民政府", "县人民政府")):
            assert listed[d["page_url"]] == d["organ_printed"], d["page_url"]
    # a footer's link to another government is no organ of the portal's
    assert not any(name.startswith("宁夏回族自治区") for _, name in organs)
