"""CLOSESPIDER_PAGECOUNT and CLOSESPIDER_TIMEOUT bound a distributed crawl as a whole: two
workers against one Redis stop together at the crawl's page bound (not at twice it); a worker
that joins late stops at the crawl's time bound (not its own); and the crawl is ended as one
Scrapy stopped early — recorded with Scrapy's reason, not left open to be resumed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import redis

from crawl_fixtures import ROOT, rows
from redis_fixtures import redis_url  # noqa: F401
from test_distributed_crawl import env_for, nightly, server  # noqa: F401

from crawler.jobs.shared_crawl import portal_key

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


TIMEOUT = 10.0
SLOW = ["-s", "DOWNLOAD_DELAY=1.0"]      # a second a request: the portal takes far longer


def test_the_timeout_is_the_crawls_not_each_workers(server, redis_url, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    bound = ["-s", f"CLOSESPIDER_TIMEOUT={TIMEOUT:g}"]
    crawl = subprocess.Popen([*nightly(data, server.base_url, redis_url, 1, ["trs"]), *SLOW,
                              *bound], env=env_for(server.base_url), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # A second worker joins once the crawl has run half its time.
    r = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 120
    while not server.seen and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.seen, "the crawl never started"
    first = min(t for t, _, _ in server.seen)
    time.sleep(max(0.0, first + TIMEOUT / 2 - time.monotonic()))
    assert r.get(portal_key("demo-trs")), "the crawl ended before the second worker joined"
    joined = time.monotonic()
    late = subprocess.run([sys.executable, "-m", "crawler.cli", "worker", "demo-trs", "--data",
                           str(data), "--redis", redis_url, *SLOW, *bound],
                          env=env_for(server.base_url), cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    out, err = crawl.communicate(timeout=300)
    assert crawl.returncode in (0, 1), err[-4000:]
    assert late.returncode == 0, late.stderr[-4000:]
    # The late worker stopped when the crawl's time was up, not TIMEOUT after it joined.
    assert "closespider_timeout" in late.stderr, late.stderr[-3000:]
    told = re.search(r"the crawl started ([\d.]+) s ago: CLOSESPIDER_TIMEOUT \(10 s\) stops this "
                     r"worker in ([\d.]+) s", late.stderr)
    assert told, late.stderr[-3000:]
    ago, left = map(float, told.groups())
    assert ago >= joined - first - 1 and abs(left - max(0.0, TIMEOUT - ago)) < 0.5, (ago, left)
    crawls = rows(data, "SELECT id, status, stats FROM crawls")
    assert len(crawls) == 1 and crawls[0]["status"] == "finished"
    stats = json.loads(crawls[0]["stats"])
    assert stats["finish_reason"] == "closespider_timeout", stats
    # After the crawl's time, only what was already on its way when a worker stopped (a
    # worker that opens past the end may have sent its first requests as it closes): at most
    # CONCURRENT_REQUESTS (2) a worker. A worker on its own clock would go on for 10 s more.
    after = sorted((round(t - first, 1), p) for t, _, p in server.seen
                   if t > first + TIMEOUT + 1 and not p.endswith("/robots.txt"))
    assert len(after) <= 2 * 2, after
    assert not [k for k in r.scan_iter(f"xxgk:{crawls[0]['id']}:*")]
