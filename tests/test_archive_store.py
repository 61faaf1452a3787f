"""The archive store: content-addressed bodies, provenance, crawls, reports, parse results."""

import gzip
import json
import os
import threading

import pytest
from archive_fixtures import REAL_PDFS, seed_variant

import parsers
from archive.blobs import BlobStore, clean_tmp
from archive.paths import Layout, data_dir
from archive.fetches import FetchRecord
from archive.store import Archive


@pytest.fixture
def arc(tmp_path):
    a = Archive(tmp_path / "data")
    yield a
    a.close()


def rows(arc, sql, params=()):
    return list(arc.db.query(sql, params))


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("XXGK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert data_dir() == tmp_path / "data"
    monkeypatch.setenv("XXGK_DATA", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"


def test_blob_stored_once_atomically(tmp_path):
    layout = Layout(tmp_path).create()
    store = BlobStore(layout)
    sha, new = store.put(b"report bytes")
    assert new and store.read(sha) == b"report bytes" and store.verify(sha)
    assert store.put(b"report bytes") == (sha, False)
    assert not os.access(store.path(sha), os.W_OK) or os.geteuid() == 0  # read-only file
    assert list(layout.tmp.iterdir()) == []
    # A writer killed mid-write leaves only a .part in tmp/, which the next open removes.
    (layout.tmp / f"{'0' * 64}.999999999.abcd.part").write_bytes(b"half")
    assert clean_tmp(layout) == 1 and list(layout.tmp.iterdir()) == []


def test_fetch_provenance_recorded(arc):
    crawl = arc.begin_crawl("example", "example_spider")
    html = "<html><head><title>年报</title></head><body>公开</body></html>".encode()
    res = arc.record_fetch(FetchRecord(
        crawl, "example", "http://www.example.gov.cn/list?page=2", method="POST",
        form={"page": "2", "q": "年报"}, final_url="http://www.example.gov.cn/list2",
        redirects=["http://www.example.gov.cn/list2"], status=200, reason="OK",
        request_headers=[(b"User-Agent", b"xxgk-test")],
        response_headers=[(b"Content-Type", b"text/html; charset=utf-8"),
                          (b"Content-Encoding", b"gzip"), (b"ETag", b'"v1"'),
                          (b"Last-Modified", b"Mon, 01 Jan 2024 00:00:00 GMT")],
        raw_body=gzip.compress(html), fetched_at="2024-02-01T08:00:00Z",
        referer="http://www.example.gov.cn/", link_text="下一页", role="listing",
        ip_address="192.0.2.1"))
    assert res.new_document and res.format == "html" and res.size == len(html)
    assert arc.blobs.read(res.sha256) == html  # stored decoded, once
    [f] = rows(arc, "SELECT * FROM fetches")
    assert f["crawl_id"] == crawl and f["portal"] == "example" and f["method"] == "POST"
    assert json.loads(f["form"]) == {"page": "2", "q": "年报"}
    assert json.loads(f["redirects"]) == ["http://www.example.gov.cn/list2"]
    assert f["final_url"] == "http://www.example.gov.cn/list2" and f["status"] == 200
    assert ["Content-Encoding", "gzip"] in json.loads(f["response_headers"])
    assert f["etag"] == '"v1"' and f["fetched_at"] == "2024-02-01T08:00:00Z"
    assert f["referer"] == "http://www.example.gov.cn/" and f["link_text"] == "下一页"
    assert f["sha256"] == res.sha256 and f["format"] == "html" and f["raw_size"] > 0
    assert f["ip_address"] == "192.0.2.1" and f["warc_file"] and f["warc_type"] == "response"
    assert arc.fetched_urls(crawl) == {"http://www.example.gov.cn/list?page=2"}


def test_failed_fetch_is_recorded(arc):
    crawl = arc.begin_crawl("example", "s")
    res = arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/x",
                                       error="TimeoutError: took longer than 180 s"))
    assert res.sha256 is None and not res.new_document
    [f] = rows(arc, "SELECT url, status, error, document_id FROM fetches")
    assert f == {"url": "http://www.example.gov.cn/x", "status": None,
                 "error": "TimeoutError: took longer than 180 s", "document_id": None}
    assert arc.fetched_urls(crawl) == {"http://www.example.gov.cn/x"}
    assert arc.fetched_urls(crawl, include_errors=False) == set()


def test_validators_unchanged_and_304(arc):
    crawl = arc.begin_crawl("example", "s")
    url = "http://www.example.gov.cn/a.pdf"
    assert arc.validators(url) is None
    body = REAL_PDFS[0].read_bytes()
    first = arc.record_fetch(FetchRecord(crawl, "example", url, status=200, body=body,
                                         response_headers=[("ETag", "abc"),
                                                           ("Last-Modified", "Tue, 02 Jan 2024")],
                                         role="report"))
    assert arc.validators(url) == {"etag": "abc", "last_modified": "Tue, 02 Jan 2024",
                                   "sha256": first.sha256}
    again = arc.record_fetch(FetchRecord(crawl, "example", url, status=200, body=body,
                                         role="report"))
    assert again.unchanged and not again.new_document and again.sha256 == first.sha256
    nm = arc.record_fetch(FetchRecord(crawl, "example", url, status=304, role="report"))
    assert nm.unchanged and nm.sha256 == first.sha256
    kinds = [r["warc_type"] for r in rows(arc, "SELECT warc_type FROM fetches ORDER BY id")]
    assert kinds == ["response", "revisit", "revisit"]
    assert rows(arc, "SELECT count(*) AS n FROM documents")[0]["n"] == 1


def test_resume_unfinished_crawl(tmp_path):
    a = Archive(tmp_path)
    crawl = a.begin_crawl("portal1", "s")
    a.record_fetch(FetchRecord(crawl, "portal1", "http://x.gov.cn/1", status=200, body=b"one"))
    a.close()  # as if killed: never ended
    b = Archive(tmp_path)
    assert b.begin_crawl("portal1", "s") == crawl
    assert b.fetched_urls(crawl) == {"http://x.gov.cn/1"}
    b.end_crawl(crawl, stats={"pages": 1})
    assert b.begin_crawl("portal1", "s") != crawl  # finished: a new crawl starts
    assert rows(b, "SELECT resumed, status FROM crawls WHERE id = ?", (crawl,)) == [
        {"resumed": 1, "status": "finished"}]
    b.close()


def test_report_cells_come_from_best_document(arc):
    crawl = arc.begin_crawl("example", "s")
    page_url = "http://www.example.gov.cn/art/2024/1/1/art_1.html"
    # The HTML page only links to the PDF: no tables in it.
    page = ("<html><body><h1>洪泽区人民政府2023年政府信息公开工作年度报告</h1>"
            "<a href='/a.pdf'>附件</a></body></html>").encode()
    arc.record_fetch(FetchRecord(crawl, "example", page_url, status=200, body=page,
                                 role="report", title="洪泽区2023年报", published="2024-01-20"))
    pdf = arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/a.pdf",
                                       status=200, body=REAL_PDFS[0].read_bytes(),
                                       role="attachment", report_url=page_url,
                                       aliases=["http://mirror.example.gov.cn/a.pdf"]))
    for sha in {r["sha256"] for r in rows(arc, "SELECT sha256 FROM documents")}:
        arc.parse_document(sha)
    [rep] = rows(arc, "SELECT * FROM reports")
    assert rep["url"] == page_url and rep["sha256"] == pdf.sha256
    assert rep["organ"] == "洪泽区人民政府" and rep["year"] == 2023 and rep["n_cells"] > 100
    assert rep["title"] == "洪泽区2023年报" and rep["published"] == "2024-01-20"
    assert rep["published_source"] == "stated"
    # Where the organ sits, from its own name on the division list.
    assert (rep["province"], rep["city"], rep["county"], rep["division_code"]) == (
        "江苏省", "淮安市", "洪泽区", "320813")
    assert (rep["region"], rep["level"], rep["tier"], rep["organ_type"], rep["place_source"]) == (
        "江苏省淮安市洪泽区", "县级", "县", "政府", "organ")
    aliases = {r["url"] for r in rows(arc, "SELECT url FROM report_aliases")}
    assert aliases == {"http://www.example.gov.cn/a.pdf", "http://mirror.example.gov.cn/a.pdf"}
    assert rows(arc, "SELECT count(*) AS n FROM report_documents")[0]["n"] == 2


def test_bad_input_is_archived_with_its_error(arc):
    crawl = arc.begin_crawl("example", "s")
    broken = b"%PDF-1.7\n" + os.urandom(2000)  # a PDF header over noise
    res = arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/bad.pdf",
                                       status=200, body=broken, role="report"))
    summary = arc.parse_document(res.sha256)
    assert summary["status"] == "error" and summary["error"]
    [doc] = rows(arc, "SELECT parse_status, parse_error, parser_version FROM documents")
    assert doc["parse_status"] == "error" and doc["parse_error"] == summary["error"]
    assert doc["parser_version"] == parsers.__version__
    assert arc.blobs.read(res.sha256) == broken  # the raw file is kept
    [rep] = rows(arc, "SELECT parse_status, parse_error FROM reports")
    assert rep == {"parse_status": "error", "parse_error": summary["error"]}


def test_warnings_and_checks_stored(arc):
    crawl = arc.begin_crawl("example", "s")
    res = arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/r.pdf",
                                       status=200, body=REAL_PDFS[0].read_bytes(), role="report"))
    report = parsers.parse_bytes(REAL_PDFS[0].read_bytes())
    summary = arc.parse_document(res.sha256)
    assert summary["cells"] == len(report.cells)
    checks = rows(arc, 'SELECT "check", status, detail FROM checks')
    assert len(checks) == len(report.checks)
    assert {"check": "appeals.row_sum", "status": "fail", "detail": "10+1+0+0 = 11 ≠ 0"} in checks
    labels = rows(arc, "SELECT row_label, col_label FROM cells WHERE \"table\" = 'requests' "
                       "AND \"row\" = 'new' AND col = 'natural_person'")
    assert labels == [{"row_label": "一、本年新收政府信息公开申请数量", "col_label": "自然人"}]
    assert rows(arc, "SELECT check_status FROM reports")[0]["check_status"] == "fail"
    failed = rows(arc, "SELECT * FROM failed_checks")
    assert {f["check"] for f in failed} == {"appeals.row_sum"}


def test_views_requests_wide_and_totals(arc):
    crawl = arc.begin_crawl("example", "s")
    res = arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/r.txt",
                                       status=200, body=seed_variant(0), role="report"))
    arc.parse_document(res.sha256)
    wide = rows(arc, "SELECT * FROM requests_wide WHERE row_key = 'new'")
    assert len(wide) == 1 and wide[0]["natural_person"] == 1 and wide[0]["total"] == 1
    assert set(wide[0]) >= {"natural_person", "commercial", "research", "social_org",
                            "legal_service", "other", "total", "row_label"}
    [tot] = rows(arc, "SELECT * FROM organ_year_totals")
    assert tot["organ"] == "尹庄镇人民政府" and tot["year"] == 2021 and tot["requests_new"] == 1
    [reg] = rows(arc, "SELECT * FROM region_year_totals")
    assert reg["region"] == "河南省三门峡市灵宝市尹庄镇" and reg["organs"] == 1 and reg["requests_new"] == 1


def test_calls_from_threads(arc):
    crawl = arc.begin_crawl("example", "s")
    errors = []

    def worker(k):
        try:
            for i in range(10):
                arc.record_fetch(FetchRecord(crawl, "example", f"http://x.gov.cn/{k}/{i}",
                                             status=200, body=f"{k}-{i}".encode()))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(arc.fetched_urls(crawl)) == 40


def test_ingested_file_gets_its_url_later(arc, tmp_path):
    from archive.ingest import ingest_file

    p = tmp_path / "r.txt"
    p.write_bytes(seed_variant(1))
    first = ingest_file(arc, p)
    [rep] = rows(arc, "SELECT url FROM reports")
    assert rep["url"] == f"urn:sha256:{first['sha256']}"
    ingest_file(arc, p, url="http://www.example.gov.cn/r.html", portal="example")
    [rep] = rows(arc, "SELECT id, url FROM reports")
    assert rep["url"] == "http://www.example.gov.cn/r.html"
    assert rows(arc, "SELECT url FROM report_aliases") == [{"url": f"urn:sha256:{first['sha256']}"}]


def test_writer_waits_out_a_long_lock(arc):
    """Another process holding the write lock longer than busy_timeout: the fetch is retried
    with back-off, not lost."""
    import sqlite3
    import time

    arc.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(arc.layout.db), isolation_level=None, timeout=1,
                            check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Timer(1.5, lambda: other.execute("COMMIT"))
    released.start()
    t0 = time.monotonic()
    res = arc.record_fetch(FetchRecord(crawl_id=None, portal="p", url="http://127.0.0.1/x.html",
                                       status=200, body=b"<html>x</html>", role="page"))
    assert time.monotonic() - t0 >= 1.0
    released.join()
    other.close()
    assert rows(arc, "SELECT url FROM fetches WHERE id = ?", (res.fetch_id,)) == [
        {"url": "http://127.0.0.1/x.html"}]


def test_deadline_rules_come_from_data(arc):
    import json as _json

    from archive.db import DEADLINES

    rules = _json.loads(DEADLINES.read_text(encoding="utf-8"))["rules"]
    got = {r["organ_type"]: (r["month"], r["day"]) for r in rows(arc, "SELECT * FROM deadlines")}
    assert got == {r["organ_type"]: (r["month"], r["day"]) for r in rules}
    assert got["部门"] == (1, 31) and got["政府"] == (3, 31)
