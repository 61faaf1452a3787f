"""One portal crawled by several workers sharing one frontier in Redis (``docs/distributed.md``).

This process is the crawl's writer: it begins the crawl in the archive (holding its lock),
publishes the crawl id for workers to join (``xxgk:portal:<portal>``), starts ``workers``
``scrapy crawl`` processes here (more can join from other machines with ``xxgk worker``),
stores every record they stream until the last worker has ended, then ends the crawl and drops
its keys. The crawl is finished when a worker ended normally and neither the frontier nor any
worker's in-flight hash holds a request; otherwise it stays open, and the next run resumes it
from the same frontier.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from archive.redis_workers import connect, live_workers
from archive.store import Archive
from crawler.closespider import cut_reason
from crawler.distributed import Keys, redis_settings
from crawler.recordstream import RecordStream

log = logging.getLogger("xxgk.nightly")

# The project root: scrapy finds scrapy.cfg (and so the spiders) from there.
ROOT = Path(__file__).resolve().parents[2]


def portal_key(portal: str) -> str:
    """Where a portal's running distributed crawl is named, for workers joining it."""
    return f"xxgk:portal:{portal}"


def worker_cmd(portal: str, settings: dict) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", portal]
    for k, v in settings.items():
        cmd += ["-s", f"{k}={v}"]
    return cmd


@dataclass
class SharedCrawl:
    crawl_id: str
    status: str
    exit_codes: list
    counts: dict


def run(arc: Archive, portal: str, redis_url: str, workers: int, settings: dict,
        env: dict, logs: Path, timeout: float, host_delay: float) -> SharedCrawl:
    server = connect(redis_url)
    crawl_id = arc.begin_crawl(portal, portal, resume=True)
    keys = Keys(crawl_id)
    server.set(portal_key(portal), crawl_id)
    sets = {**settings, **redis_settings(redis_url, crawl_id, host_delay)}
    procs = []
    for i in range(workers):
        fh = open(logs / f"{portal}.worker{i}.log", "wb")
        procs.append(subprocess.Popen(worker_cmd(portal, sets), stdout=fh,
                                      stderr=subprocess.STDOUT, env=env, cwd=ROOT))
        fh.close()
    log.info("portal=%s crawl=%s workers=%d redis=%s", portal, crawl_id, workers, redis_url)
    deadline = time.monotonic() + timeout

    def workers_done() -> bool:
        if time.monotonic() > deadline:
            for p in procs:
                if p.poll() is None:
                    p.kill()
        # Ours have exited, and no worker elsewhere is still alive.
        return all(p.poll() is not None for p in procs) and not live_workers(server, keys.workers)

    counts = RecordStream(server, keys).consume(arc, stop=workers_done)
    codes = [p.wait() for p in procs]
    left = server.zcard(keys.requests) + sum(
        server.hlen(k) for k in server.scan_iter(match=keys.inflight_pattern))
    done = bool(server.scard(keys.finished)) and not left
    stats = {k.removeprefix("stats:"): v for k, v in counts.items() if k.startswith("stats:")}
    # Cut at CLOSESPIDER_PAGECOUNT or CLOSESPIDER_TIMEOUT: ended, as an embedded crawl is, with
    # Scrapy's reason (the diff then treats it as incomplete); its frontier is not resumed.
    cut = cut_reason(stats.get)
    capped = cut is not None
    reason = "finished" if done else cut or f"{left} request(s) left"
    stats |= {"workers": workers, "records": counts.get("fetch", 0), "finish_reason": reason}
    if done or capped:
        arc.end_crawl(crawl_id, "finished", stats)
        for key in [keys.requests, keys.dupefilter, keys.workers, keys.records, keys.finished,
                    keys.pages, keys.started, *server.scan_iter(match=keys.inflight_pattern)]:
            server.delete(key)
        server.delete(portal_key(portal))
    log.info("portal=%s crawl=%s %s records=%d exit=%s", portal, crawl_id,
             reason if done or capped else "left open to resume", counts.get("fetch", 0), codes)
    return SharedCrawl(crawl_id, "finished" if done or capped else "running", codes, dict(counts))


def join(portal: str, redis_url: str, data: str | os.PathLike, settings: dict,
         host_delay: float) -> int:
    """``xxgk worker``: join the portal's running distributed crawl from this machine (the data
    directory shared, for reads); the exit status of its ``scrapy crawl``."""
    crawl_id = connect(redis_url).get(portal_key(portal))
    if not crawl_id:
        raise LookupError(f"no distributed crawl of {portal} is running at {redis_url}")
    sets = {**settings, **redis_settings(redis_url, crawl_id.decode(), host_delay)}
    env = {**os.environ, "XXGK_DATA": str(data), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    return subprocess.run(worker_cmd(portal, sets), env=env, cwd=ROOT).returncode
