"""The record stream of a distributed crawl against a real redis-server and a real archive:
what workers add reaches the one writer; a writer killed between storing records and
acknowledging them loses none and stores none twice when it starts again."""

from __future__ import annotations

import pickle
import sqlite3

import redis

from redis_fixtures import redis_url  # noqa: F401

from archive.fetches import FetchRecord, now_iso
from archive.store import Archive
from crawler.distributed import Keys
from crawler.recordstream import CONSUMER, GROUP, STATS, RecordStream


def fetch(crawl_id: str, i: int) -> FetchRecord:
    body = f"<html><body>page {i}</body></html>".encode()
    return FetchRecord(crawl_id=crawl_id, portal="p", url=f"http://www.example.gov.cn/{i}.html",
                       status=200, raw_body=body, body=body, fetched_at=now_iso(),
                       response_headers=[["Content-Type", "text/html; charset=utf-8"]])


def test_a_writer_killed_before_acknowledging_loses_nothing_and_stores_once(  # noqa: F811
        tmp_path, redis_url):
    server = redis.Redis.from_url(redis_url)
    with Archive(tmp_path / "data") as arc:
        crawl = arc.begin_crawl("p", "p")
        stream = RecordStream(server, Keys(crawl))
        for i in range(5):
            stream.add(fetch(crawl, i))
        stream.add((STATS, {"downloader/request_count": 5, "xxgk/resumed": False}))

        # A first writer reads three records, stores two, and dies before acknowledging any.
        server.xgroup_create(Keys(crawl).records, GROUP, id="0", mkstream=True)
        got = server.xreadgroup(GROUP, CONSUMER, {Keys(crawl).records: ">"}, count=3)
        for _, fields in got[0][1][:2]:
            arc.record_fetch(pickle.loads(fields[b"r"]))

        # The writer again: the three come back first; the two stored are known.
        counts = stream.consume(arc, stop=lambda: True, block_ms=100)
        assert counts["duplicate"] == 2 and counts["fetch"] == 3, counts
        assert counts["stats:downloader/request_count"] == 5
        assert server.xlen(Keys(crawl).records) == 0          # acknowledged and deleted
    conn = sqlite3.connect(tmp_path / "data" / "archive.db")
    urls = [r[0] for r in conn.execute("SELECT url FROM fetches ORDER BY url")]
    conn.close()
    assert urls == [f"http://www.example.gov.cn/{i}.html" for i in range(5)]


def test_the_writer_waits_for_records_until_told_to_stop(tmp_path, redis_url):  # noqa: F811
    server = redis.Redis.from_url(redis_url)
    with Archive(tmp_path / "data") as arc:
        crawl = arc.begin_crawl("p", "p")
        stream = RecordStream(server, Keys(crawl))
        polls = []

        def stop():
            # A worker adds a record while the writer is waiting; then the workers are done.
            polls.append(1)
            if len(polls) == 2:
                stream.add(fetch(crawl, 9))
            return len(polls) > 3

        counts = stream.consume(arc, stop=stop, block_ms=50)
    assert counts["fetch"] == 1

