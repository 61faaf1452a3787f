"""Incremental crawls: the second crawl sends the archive's validators and fetches no unchanged
body (304, or 'unchanged' by content hash); a report replaced at the same URL is noticed; raw
bytes (gzip as sent) reach the WARC."""

from __future__ import annotations

import io

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive_fixtures import xxgk
from crawl_fixtures import ConditionalServer, demo_cache_dir, live_reports, rows, run_crawl


@pytest.fixture(scope="module")
def cond_server(request):
    from crawler.demo.site import Behaviour, DemoSite

    site = DemoSite(demo_cache_dir(request.config), seed=2024,
                    behaviour=Behaviour(challenge_412=(), challenge_521=(), flaky=False))
    server = ConditionalServer(site)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def three_crawls(cond_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("incr")
    base = cond_server.base_url
    first = run_crawl("demo-trs", data, base, log=data / "c1.log")
    n_log = len(cond_server.log)
    second = run_crawl("demo-trs", data, base, log=data / "c2.log")
    second_requests = cond_server.log[n_log:]
    change = cond_server.site.revise_report()             # same URL, new bytes
    third = run_crawl("demo-trs", data, base, log=data / "c3.log")
    third.parse = xxgk("parse-pending", "--data", data, "--workers", "2")
    crawls = [c["id"] for c in rows(data, "SELECT id FROM crawls ORDER BY started_at, rowid")]
    return {"data": data, "base": base, "runs": [first, second, third], "crawls": crawls,
            "change": change, "second_requests": second_requests}


def test_three_crawls_finished(three_crawls):
    for run in three_crawls["runs"]:
        assert run.returncode == 0, run.log[-3000:]
    parse = three_crawls["runs"][2].parse
    assert parse.returncode == 0 and "[1/" in parse.stdout, parse.stderr
    assert len(three_crawls["crawls"]) == 3


def test_second_crawl_sends_validators(three_crawls):
    sent = three_crawls["second_requests"]
    conditional = [p for m, p, h in sent if "if-none-match" in h or "if-modified-since" in h]
    assert len(conditional) >= 20, len(conditional)


def test_second_crawl_fetches_no_unchanged_body(three_crawls):
    data, second = three_crawls["data"], three_crawls["crawls"][1]
    got = rows(data, "SELECT url, role, status, unchanged, sha256 FROM fetches WHERE crawl_id = ? "
                     "AND status IS NOT NULL", (second,))
    assert got
    for f in got:
        assert f["status"] == 304 or f["unchanged"] == 1, f
    not_modified = [f for f in got if f["status"] == 304]
    assert len(not_modified) >= 20
    # every unchanged attachment came back as a 304: no bytes downloaded again
    for f in got:
        if f["role"] == "attachment":
            assert f["status"] == 304, f
    # nothing new in the archive
    firsts = {r["sha256"] for r in rows(data, "SELECT DISTINCT sha256 FROM fetches WHERE crawl_id = ?",
                                        (three_crawls["crawls"][0],))}
    assert {f["sha256"] for f in got} <= firsts


def test_304_pages_still_walked(three_crawls):
    """A listing or report page that answers 304 is walked from its stored body: the second crawl
    reaches every report and attachment the first one did."""
    data, (c1, c2, _) = three_crawls["data"], three_crawls["crawls"]
    urls = [{r["url"] for r in rows(data, "SELECT url FROM fetches WHERE crawl_id = ? AND role IN "
                                          "('report', 'attachment') AND status IN (200, 304)", (c,))}
            for c in (c1, c2)]
    assert urls[0] == urls[1]


def test_replaced_report_noticed(three_crawls):
    data, change = three_crawls["data"], three_crawls["change"]
    url = three_crawls["base"] + change["urls"][0]
    third = three_crawls["crawls"][2]
    got = rows(data, "SELECT status, unchanged, sha256 FROM fetches WHERE crawl_id = ? AND "
                     "(url = ? OR final_url = ?)", (third, url, url))
    assert got and got[0]["status"] == 200 and got[0]["unchanged"] == 0, got
    assert got[0]["sha256"] == change["sha256"]
    doc = rows(data, "SELECT parse_status FROM documents WHERE sha256 = ?", (change["sha256"],))
    assert doc and doc[0]["parse_status"] in ("ok", "warnings"), doc
    others = rows(data, "SELECT count(*) AS n FROM fetches WHERE crawl_id = ? AND status = 200 AND "
                        "unchanged = 0 AND role = 'attachment'", (third,))[0]["n"]
    assert others <= 1


def test_raw_gzip_bytes_in_warc(three_crawls):
    """The server gzipped the pages: the WARC response holds the gzip bytes as sent, with their
    Content-Encoding, while the blob store holds the decoded page."""
    data = three_crawls["data"]
    f = rows(data, "SELECT * FROM fetches WHERE role = 'listing' AND status = 200 AND warc_type = 'response' "
                   "AND response_headers LIKE '%gzip%' LIMIT 1")
    assert f, "no gzipped listing recorded"
    f = f[0]
    assert f["raw_size"] < f["size"]
    with open(data / f["warc_file"], "rb") as fh:
        fh.seek(f["warc_offset"])
        blob = fh.read(f["warc_length"])
    rec = next(iter(ArchiveIterator(io.BytesIO(blob))))
    assert rec.rec_type == "response"
    assert rec.http_headers.get_header("Content-Encoding") == "gzip"
    assert rec.raw_stream.read()[:2] == b"\x1f\x8b"


def test_every_report_reached(three_crawls, cond_server):
    data, base = three_crawls["data"], three_crawls["base"]
    urls = {r["url"] for r in rows(data, "SELECT url FROM fetches WHERE status IN (200, 304)")}
    urls |= {r["final_url"] for r in rows(data, "SELECT final_url FROM fetches WHERE final_url IS NOT NULL")}
    missing = [d["url"] for d in live_reports(cond_server.site.manifest(base), "trs") if d["url"] not in urls]
    assert not missing
