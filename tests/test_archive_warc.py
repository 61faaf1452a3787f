"""WARC files written by a crawl: standard, byte-faithful, digests that check, revisits."""

import gzip
import json
import subprocess
import sys

import pytest
from archive_fixtures import REAL_PDFS
from warcio.archiveiterator import ArchiveIterator

from archive.fetches import FetchRecord
from archive.store import Archive
from archive.warc import payload_digest, repair

HTML = "<html><head><meta charset='gbk'><title>年报</title></head><body>政府信息公开</body></html>"


@pytest.fixture
def crawled(tmp_path):
    arc = Archive(tmp_path)
    crawl = arc.begin_crawl("example", "example")
    raw = gzip.compress(HTML.encode("gbk"))
    pdf = REAL_PDFS[0].read_bytes()
    arc.record_fetch(FetchRecord(
        crawl, "example", "http://www.example.gov.cn/", status=200, reason="OK",
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                          ("Content-Length", str(len(raw))),
                          # a GBK file name sent raw: must come back byte for byte
                          (b"Content-Disposition", "attachment; filename=\"年报.html\"".encode("gbk"))],
        request_headers=[("User-Agent", "xxgk-test"), ("Accept-Encoding", "gzip")],
        raw_body=raw, role="listing", ip_address="192.0.2.7"))
    arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/a.pdf", status=200,
                                 response_headers=[("ETag", "e1")], body=pdf, role="report",
                                 referer="http://www.example.gov.cn/", link_text="2023年报"))
    # same bytes at another URL: identical-payload-digest revisit
    arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/b.pdf", status=200,
                                 body=pdf, role="attachment"))
    # conditional request answered 304: server-not-modified revisit
    arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/a.pdf", status=304,
                                 response_headers=[("ETag", "e1")],
                                 request_headers=[("If-None-Match", "e1")], role="report"))
    arc.record_fetch(FetchRecord(crawl, "example", "http://www.example.gov.cn/gone",
                                 error="DNSLookupError"))
    arc.end_crawl(crawl)
    files = sorted((tmp_path / "warc" / crawl).glob("*.warc.gz"))
    yield arc, files, raw, pdf
    arc.close()


def read_all(path):
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, check_digests=True):
            raw = rec.raw_stream.read()
            out.append((rec, raw))
            assert rec.digest_checker.passed is not False, rec.digest_checker.problems
    return out


def test_warcio_reads_and_checks_digests(crawled):
    _, files, raw, pdf = crawled
    assert len(files) == 1
    recs = read_all(files[0])
    types = [r.rec_type for r, _ in recs]
    assert types == ["warcinfo", "response", "request", "metadata", "response", "request",
                     "metadata", "revisit", "request", "metadata", "revisit", "request",
                     "metadata", "metadata"]
    for cmd in (["index"], ["check", "-v"]):
        out = subprocess.run([sys.executable, "-m", "warcio.cli", *cmd, str(files[0])],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr
    index = [json.loads(line) for line in subprocess.run(
        [sys.executable, "-m", "warcio.cli", "index", str(files[0])],
        capture_output=True, text=True).stdout.splitlines()]
    assert len(index) == len(types)


def test_response_holds_bytes_as_sent(crawled):
    _, files, raw, pdf = crawled
    rec, body = read_all(files[0])[1]
    assert rec.http_headers.statusline == "200 OK" and rec.http_headers.protocol == "HTTP/1.1"
    assert rec.http_headers.get_header("Content-Encoding") == "gzip"
    assert body == raw  # still gzip: the body before decoding
    assert rec.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(raw)
    assert rec.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
    assert rec.rec_headers.get_header("WARC-IP-Address") == "192.0.2.7"
    head = gzip.decompress(files[0].read_bytes())
    assert 'attachment; filename="年报.html"'.encode("gbk") in head  # not percent-encoded


def test_revisits_and_metadata(crawled):
    arc, files, raw, pdf = crawled
    recs = read_all(files[0])
    first_pdf = recs[4][0]
    same, not_modified = recs[7][0], recs[10][0]
    assert same.rec_headers.get_header("WARC-Profile").endswith("/identical-payload-digest")
    assert same.rec_headers.get_header("WARC-Refers-To-Target-URI") == \
        "http://www.example.gov.cn/a.pdf"
    assert same.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(pdf)
    assert not_modified.rec_headers.get_header("WARC-Profile").endswith("/server-not-modified")
    assert not_modified.http_headers.statusline.startswith("304")
    assert not_modified.rec_headers.get_header("WARC-Refers-To") == \
        first_pdf.rec_headers.get_header("WARC-Record-ID")
    meta = recs[6][1].decode()
    assert "via: http://www.example.gov.cn/" in meta and "link-text: 2023年报" in meta
    assert "crawl-id: example-" in meta and "portal: example" in meta
    assert "DNSLookupError" in recs[13][1].decode()
    # the database points at each record
    for f in arc.conn.execute("SELECT warc_file, warc_offset, warc_length, warc_record_id "
                              "FROM fetches"):
        with open(arc.layout.root / f[0], "rb") as fh:
            fh.seek(f[1])
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_headers.get_header("WARC-Record-ID") == f[3]


def test_torn_tail_is_repaired(crawled):
    _, files, _, _ = crawled
    path = files[0]
    whole = path.read_bytes()
    for torn in (whole[:200], whole[100:400]):  # a record's start, or garbage
        path.write_bytes(whole + torn)  # as a kill in the middle of a write leaves it
        assert repair(path) == len(torn)
        assert path.read_bytes() == whole
        read_all(path)
