"""CLOSESPIDER_PAGECOUNT bounds a distributed crawl as a whole: two workers against one Redis
stop together at the crawl's bound (not at twice it), and the crawl is ended as one Scrapy
stopped early — recorded with Scrapy's reason, not left open to be resumed."""

from __future__ import annotations

import json
import subprocess

import redis

from crawl_fixtures import ROOT, rows
from redis_fixtures import redis_url  # noqa: F401
from test_distributed_crawl import env_for, nightly, server  # noqa: F401

CAP = 12
WORKERS = 2


def test_the_page_count_is_the_crawls_not_each_workers(server, redis_url, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    cmd = nightly(data, server.base_url, redis_url, WORKERS, ["trs"])
    out = subprocess.run([*cmd, "-s", f"CLOSESPIDER_PAGECOUNT={CAP}"], env=env_for(server.base_url),
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode in (0, 1), out.stderr[-4000:]
    crawls = rows(data, "SELECT id, status, stats FROM crawls")
    assert len(crawls) == 1
    stats = json.loads(crawls[0]["stats"])
    assert crawls[0]["status"] == "finished"
    assert stats["finish_reason"] == "closespider_pagecount", stats
    # The portal has far more pages than twice the bound; each worker counting its own would
    # have fetched up to 2 × CAP. Requests in flight when the bound is reached still arrive
    # (two a worker here); robots.txt is not one of the crawl's pages.
    pages = [p for _, _, p in server.seen if not p.endswith("/robots.txt")]
    fetched = rows(data, "SELECT count(*) AS n FROM fetches")[0]["n"]
    assert CAP <= len(pages) <= CAP + 2 * WORKERS, pages
    assert fetched == len(pages)
    # Nothing of the crawl is left in Redis to be resumed.
    assert not [k for k in redis.Redis.from_url(redis_url).scan_iter(f"xxgk:{crawls[0]['id']}:*")]
