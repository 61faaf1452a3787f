"""Several crawl workers against one Redis (a redis-server of the tests' own) crawl the demo
portals through `xxgk nightly --redis URL --workers N`: every report archived once, no request
sent twice, the host's turns kept across workers (by the times the server saw the requests),
and a worker killed with SIGKILL mid-crawl taken over by the others."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from crawl_fixtures import ROOT, demo_cache_dir, live_reports, rows, stats_of
from redis_fixtures import redis_url  # noqa: F401

from crawler.demo.server import DemoHandler, DemoServer

DELAY = 0.3           # seconds between two requests to the host, across every worker
# Two requests at a time a worker, so that the others find work in the frontier too.
SETTINGS = ["-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "DOWNLOAD_DELAY_JITTER=0",
            "-s", "CONCURRENT_REQUESTS=2",
            "-s", "XXGK_BACKOFF_BASE=0.1", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "LOG_LEVEL=INFO"]


class TimedHandler(DemoHandler):
    def parse_request(self):
        # Timed as soon as the request line is read, before the page is made.
        t = time.monotonic()
        ok = super().parse_request()
        if ok:
            with self.server.lock:
                self.server.seen.append((t, self.command, self.path))
        return ok


class TimedServer(DemoServer):
    handler = TimedHandler

    def __init__(self, site):
        self.seen: list = []
        self.lock = threading.Lock()
        super().__init__(site)
        self.start()


@pytest.fixture
def server(request):
    from crawler.demo.site import Behaviour, DemoSite

    # No challenges, no flaky 503s: a request seen twice is then a request sent twice.
    site = DemoSite(demo_cache_dir(request.config), seed=2024,
                    behaviour=Behaviour(challenge_412=(), challenge_521=(), flaky=False))
    srv = TimedServer(site)
    yield srv
    srv.stop()


def nightly(data: Path, base: str, url: str, workers: int, sites: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "crawler.cli", "nightly", "--data", str(data), "--redis", url,
           "--workers", str(workers), "--jobs", str(len(sites)), *SETTINGS]
    for s in sites:
        cmd += ["--portal", f"demo-{s}"]
    return cmd


def env_for(base: str) -> dict:
    return {**os.environ, "XXGK_DEMO_URL": base, "PYTHONUNBUFFERED": "1"}


def check_archive(data: Path, manifest: dict, sites: list[str]) -> None:
    """Every live report of the sites archived, each once; the crawls finished."""
    crawls = rows(data, "SELECT portal, status FROM crawls")
    assert sorted(c["portal"] for c in crawls) == sorted(f"demo-{s}" for s in sites)
    assert {c["status"] for c in crawls} == {"finished"}, crawls
    urls = {r["url"] for r in rows(data, "SELECT url FROM reports")} | \
        {r["url"] for r in rows(data, "SELECT url FROM report_aliases")}
    shas = {r["sha256"] for r in rows(data, "SELECT d.sha256 FROM report_documents rd JOIN "
                                            "documents d ON d.id = rd.document_id")}
    missing = [d["url"] for s in sites for d in live_reports(manifest, s)
               if not (d["url"] in urls if d["format"] == "html" and d["page_url"] == d["url"]
                       else d["sha256"] in shas)]
    assert not missing, missing
    twice = rows(data, "SELECT url, count(*) AS n FROM reports GROUP BY url HAVING n > 1")
    assert not twice, twice
    fetched_twice = rows(data, "SELECT crawl_id, url, method, count(*) AS n FROM fetches "
                               "GROUP BY crawl_id, url, method, form HAVING n > 1")
    assert not fetched_twice, fetched_twice


def sent_twice(seen: list) -> dict:
    """Requests the server answered more than once (robots.txt included: one worker reads it
    for all)."""
    counts = Counter((m, p) for _, m, p in seen)
    return {k: n for k, n in counts.items() if n > 1}


def busiest_window(seen: list, window: float) -> int:
    """The most requests the server saw within ``window`` seconds."""
    times = sorted(t for t, _, _ in seen)
    most, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] > window:
            start += 1
        most = max(most, end - start + 1)
    return most


def close_pairs(seen: list, least: float) -> list:
    """Successive requests the server saw less than ``least`` seconds apart."""
    got = sorted(seen)
    return [(round(b[0] - a[0], 3), a[2], b[2]) for a, b in zip(got, got[1:])
            if b[0] - a[0] < least]


@pytest.mark.parametrize("workers", [2, 4])
def test_workers_share_one_frontier_and_the_host(server, redis_url, tmp_path,  # noqa: F811
                                                 workers):
    sites = ["trs", "hanweb"] if workers == 2 else ["trs"]
    data = tmp_path / "data"
    out = subprocess.run(nightly(data, server.base_url, redis_url, workers, sites),
                         env=env_for(server.base_url), cwd=ROOT, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode in (0, 1), out.stderr[-4000:]
    logs = sorted((data / "logs").glob("nightly-*/*.worker*.log"))
    assert len(logs) == workers * len(sites)
    # Every worker joined; the work was shared (a worker that starts late on a busy machine
    # may find none left); every record a worker queued reached the archive, once.
    texts = [log.read_text() for log in logs]
    assert all("joined crawl" in t for t in texts)
    queued = [stats_of(t).get("xxgk/archive/queued", 0) for t in texts]
    assert sum(1 for n in queued if n) >= 2, queued
    assert sum(queued) == rows(data, "SELECT count(*) AS n FROM fetches")[0]["n"]
    check_archive(data, server.site.manifest(server.base_url), sites)
    assert not sent_twice(server.seen)
    # One host (127.0.0.1) for every portal: its turns held across the workers and portals.
    # The server times a request when its thread gets to it: on a busy machine one may be seen
    # late, and the next one on time then looks close. So what is held is the number of
    # requests in any window: the host's turns in it, one or two seen late aside (N workers
    # keeping the delay each on its own would send up to N times as many), and the pace overall.
    assert busiest_window(server.seen, 3.0) <= int(3.0 / DELAY) + 2, \
        close_pairs(server.seen, 0.8 * DELAY)
    times = sorted(t for t, _, _ in server.seen)
    assert times[-1] - times[0] >= 0.95 * DELAY * (len(times) - 1)


def test_a_worker_killed_mid_crawl_is_taken_over(server, redis_url, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    proc = subprocess.Popen(nightly(data, server.base_url, redis_url, 2, ["trs"]),
                            env=env_for(server.base_url), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # Wait until both workers are crawling, then SIGKILL one of them.
    deadline = time.monotonic() + 120
    victim = None
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [c for c in psutil.Process(proc.pid).children()
                   if "scrapy" in " ".join(c.cmdline())]
        if len(workers) == 2 and len(server.seen) > 25:
            victim = workers[0]
            break
        time.sleep(0.05)
    assert victim is not None, "the workers never got going"
    n_at_kill = len(server.seen)
    os.kill(victim.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=900)
    assert proc.returncode in (0, 1), err[-4000:]
    assert len(server.seen) > n_at_kill + 5          # the crawl went on after the kill
    check_archive(data, server.site.manifest(server.base_url), ["trs"])
    logs = "".join(p.read_text() for p in (data / "logs").glob("nightly-*/*.worker*.log"))
    assert "is dead" in logs and "taken over" in logs
    # Only what the killed worker had in flight may have been sent again.
    taken = sum(int(n) for n in re.findall(r"(\d+) of its requests taken over", logs))
    assert sum(n - 1 for n in sent_twice(server.seen).values()) <= taken
