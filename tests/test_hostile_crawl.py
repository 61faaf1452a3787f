"""A crawl of a hostile portal on 127.0.0.1: a report that is a gzip bomb (1 MB → 1 GiB), one
announced and sent at 1 GiB, one whose connection closes halfway through its body and one whose
server stops sending halfway until DOWNLOAD_TIMEOUT. Every URL leaves a row with its error, the
bytes that arrived are in a WARC record (cut ones marked ``WARC-Truncated``: ``length``,
``disconnect``, ``time``), the crawl finishes, and the whole process tree stays under 1 GiB."""

from __future__ import annotations

import io

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import queries
from archive.db import read_only
from archive.warc import payload_digest
from crawl_fixtures import rows, start_crawl, stats_of
from crawler.jobs.nightly import NightlyResult, PortalRun, summary_lines
from hostile_portal import REPORT_HTML, HostilePortal
from parsers.limits import MAX_FILE_BYTES
from process_tree import PeakTreeRSS

GiB = 1024 ** 3
STALL_TIMEOUT = 10   # DOWNLOAD_TIMEOUT: the stalled body waits this long; the 128 MiB one needs far less


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    portal = HostilePortal(reports=("ok", "bomb", "huge", "drop", "stall"),
                           hang_seconds=STALL_TIMEOUT * 3)
    data = tmp_path_factory.mktemp("hostile-crawl")
    try:
        proc = start_crawl("discover", data, portal.base_url, "-a",
                           f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                           settings={"DOWNLOAD_TIMEOUT": str(STALL_TIMEOUT)},
                           log=data / "crawl.log")
        peak = PeakTreeRSS(proc.pid)
        proc.wait(timeout=300)
        yield {"data": data, "base": portal.base_url, "rc": proc.returncode, "peak": peak.stop(),
               "log": (data / "crawl.log").read_text("utf-8", "replace")}
    finally:
        portal.close()


def _fetch(crawled, name):
    (row,) = rows(crawled["data"], "SELECT * FROM fetches WHERE url = ?",
                  (f"{crawled['base']}/gk/nb/{name}.html",))
    return row


def _warc_record(crawled, row):
    with open(crawled["data"] / row["warc_file"], "rb") as fh:
        fh.seek(row["warc_offset"])
        blob = fh.read(row["warc_length"])
    rec = next(iter(ArchiveIterator(io.BytesIO(blob), check_digests=True)))
    return rec, rec.raw_stream.read()  # as sent: not inflated


def test_the_crawl_finishes_in_bounded_memory(crawled):
    assert crawled["rc"] == 0, crawled["log"][-3000:]
    assert "Traceback" not in crawled["log"]
    (crawl,) = rows(crawled["data"], "SELECT status FROM crawls")
    assert crawl["status"] == "finished"
    assert crawled["peak"] < GiB, f"peak RSS of the crawl's process tree: {crawled['peak'] >> 20} MiB"


def test_a_body_past_the_limit_is_kept_cut_and_marked(crawled):
    row = _fetch(crawled, "huge")
    assert row["status"] == 200 and row["truncated"] == "length"
    assert row["error"].startswith("over DOWNLOAD_MAXSIZE (128 MiB): response cut after")
    assert MAX_FILE_BYTES <= row["raw_size"] < MAX_FILE_BYTES + 2 ** 20
    assert row["document_id"] is None   # a cut body is not a document
    rec, payload = _warc_record(crawled, row)
    assert rec.rec_type == "response"
    assert rec.rec_headers.get_header("WARC-Truncated") == "length"
    assert len(payload) == row["raw_size"]
    assert rec.http_headers.get_header("Content-Length") == str(GiB)  # what the server said


def test_a_gzip_bomb_is_kept_as_sent_with_its_error(crawled):
    row = _fetch(crawled, "bomb")
    assert row["status"] == 200 and row["document_id"] is None
    assert row["error"].startswith("over DOWNLOAD_MAXSIZE (128 MiB): the body (")
    assert "inflates past it" in row["error"]
    rec, payload = _warc_record(crawled, row)
    assert rec.http_headers.get_header("Content-Encoding") == "gzip"
    assert len(payload) == row["raw_size"] < 2 * 2 ** 20   # the wire bytes, whole


def test_a_body_cut_short_by_the_server_is_kept_and_marked(crawled):
    row = _fetch(crawled, "drop")
    assert row["status"] == 200 and row["truncated"] == "disconnect"
    assert row["error"].startswith("connection closed after ")
    assert "incomplete" in row["error"] and row["document_id"] is None
    rec, payload = _warc_record(crawled, row)
    assert rec.rec_headers.get_header("WARC-Truncated") == "disconnect"
    announced = int(rec.http_headers.get_header("Content-Length"))
    assert 0 < len(payload) == row["raw_size"] < announced
    assert "政府信息公开" in payload.decode("utf-8", "replace")


def test_a_body_stalled_past_the_download_timeout_is_kept_and_marked(crawled):
    row = _fetch(crawled, "stall")
    assert row["status"] == 200 and row["truncated"] == "time"
    assert row["error"] == (f"over DOWNLOAD_TIMEOUT ({STALL_TIMEOUT} s): the server stopped "
                            f"sending after {row['raw_size']} bytes of {2 * row['raw_size']} "
                            "announced; the body is incomplete")
    assert row["document_id"] is None
    rec, payload = _warc_record(crawled, row)
    assert rec.rec_headers.get_header("WARC-Truncated") == "time"
    assert 0 < len(payload) == row["raw_size"]
    assert payload_digest(payload) == row["payload_digest"]
    assert rec.rec_headers.get_header("WARC-Payload-Digest") == row["payload_digest"]
    assert payload.decode("utf-8") == REPORT_HTML   # the half that came, whole


def test_the_good_report_is_archived_beside_them(crawled):
    row = _fetch(crawled, "ok")
    assert row["error"] is None and row["document_id"] is not None


def test_the_stats_and_the_nightly_summary_name_them(crawled):
    stats = stats_of(crawled["log"])
    assert stats.get("xxgk/oversized/truncated") == 1
    assert stats.get("xxgk/oversized/inflated") == 1
    with read_only(crawled["data"] / "archive.db") as db:
        (portal,) = [r["portal"] for r in db.query("SELECT portal FROM crawls")]
        facts = queries.crawl_facts(db, portal, "2000-01-01")
    run = PortalRun(portal, exit_code=0, **facts)
    (line,) = [ln for ln in summary_lines(NightlyResult([run], [], [], None, 0, []))
               if "DOWNLOAD_MAXSIZE" in ln]
    assert stats.get("xxgk/oversized/disconnect") == 1
    assert stats.get("xxgk/oversized/timeout") == 1
    assert "4 response(s)" in line and "drop.html" in line and "stall.html" in line
    assert f"{crawled['base']}/gk/nb/huge.html" in line and "bomb.html" in line


def test_a_body_the_server_stopped_sending_is_cut_by_the_idle_limit(tmp_path):
    """DOWNLOAD_TIMEOUT as by default (60 s, a whole download's bound): the stalled body is kept
    once no byte has come for XXGK_DOWNLOAD_IDLE_TIMEOUT, its error naming that limit."""
    portal = HostilePortal(reports=("ok", "stall"), hang_seconds=90)
    try:
        proc = start_crawl("discover", tmp_path, portal.base_url, "-a",
                           f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                           settings={"DOWNLOAD_TIMEOUT": "60", "XXGK_DOWNLOAD_IDLE_TIMEOUT": "3"},
                           log=tmp_path / "crawl.log")
        assert proc.wait(timeout=120) == 0
    finally:
        portal.close()
    (row,) = rows(tmp_path, "SELECT * FROM fetches WHERE url = ?", (f"{portal.base_url}/gk/nb/stall.html",))
    assert row["status"] == 200 and row["truncated"] == "time"
    assert row["error"] == ("over XXGK_DOWNLOAD_IDLE_TIMEOUT (3 s): the server stopped sending "
                            f"after {row['raw_size']} bytes of {2 * row['raw_size']} announced; "
                            "the body is incomplete")
    assert stats_of((tmp_path / "crawl.log").read_text("utf-8")).get("xxgk/oversized/timeout") == 1


def test_with_data_loss_an_error_a_stalled_body_fails_as_in_scrapy(tmp_path):
    """DOWNLOAD_FAIL_ON_DATALOSS on: the stalled body is not kept, the fetch fails with Scrapy's
    DownloadTimeoutError (and is recorded so), as Scrapy's own handler does."""
    portal = HostilePortal(reports=("ok", "stall"), hang_seconds=15)
    try:
        proc = start_crawl("discover", tmp_path, portal.base_url, "-a",
                           f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                           settings={"DOWNLOAD_TIMEOUT": "3", "DOWNLOAD_FAIL_ON_DATALOSS": "True",
                                     "RETRY_TIMES": "0"}, log=tmp_path / "crawl.log")
        assert proc.wait(timeout=120) == 0
    finally:
        portal.close()
    (row,) = rows(tmp_path, "SELECT * FROM fetches WHERE url = ?", (f"{portal.base_url}/gk/nb/stall.html",))
    assert row["truncated"] is None and row["status"] is None and row["raw_size"] is None
    assert row["error"].startswith("DownloadTimeoutError: ") and "took longer than 3" in row["error"]
    assert "xxgk/oversized/timeout" not in stats_of((tmp_path / "crawl.log").read_text("utf-8"))
