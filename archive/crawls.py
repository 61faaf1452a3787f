"""Crawls: begun, resumed after a kill, ended; and the lock file that tells a live crawl from
a killed one (the kernel drops the lock when its process dies, however it died)."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timezone
from importlib.metadata import version

import parsers

from . import queries
from .fetches import now_iso
from .paths import Layout
from .warc import CrawlWarcs
from .writer import Writer


class Crawls:
    def __init__(self, writer: Writer, layout: Layout, warcs: CrawlWarcs):
        self.writer = writer
        self.layout = layout
        self.warcs = warcs
        self._locks: dict[str, int] = {}

    def begin(self, portal: str, spider: str, resume: bool = True) -> str:
        """The portal's killed crawl if it has one and ``resume`` (it raises if another process
        is running it), else a new crawl; ``resume=False`` marks a killed crawl interrupted."""
        with self.writer.lock:
            last = queries.last_crawl(self.writer.db, portal)
            if last and last["status"] == "running":
                if not self._lock(last["id"]):
                    raise RuntimeError(f"crawl {last['id']} is running in another process")
                if resume:
                    with self.writer.transaction() as db:
                        db.execute("UPDATE crawls SET resumed = resumed + 1 WHERE id = ?",
                                   (last["id"],))
                    return last["id"]
                with self.writer.transaction() as db:
                    db.execute("UPDATE crawls SET status = 'interrupted', ended_at = ? "
                               "WHERE id = ?", (now_iso(), last["id"]))
                self._release(last["id"])
            started = datetime.now(timezone.utc)
            base = f"{portal}-{started:%Y%m%dT%H%M%SZ}"
            crawl_id, n = base, 1
            while queries.crawl(self.writer.db, crawl_id):
                n += 1
                crawl_id = f"{base}-{n}"
            software = json.dumps({"xxgk-archive": version("xxgk-archive"),
                                   "parsers": parsers.__version__})
            with self.writer.transaction() as db:
                db.execute("INSERT INTO crawls (id, portal, spider, started_at, software) "
                           "VALUES (?, ?, ?, ?, ?)",
                           (crawl_id, portal, spider, now_iso(), software))
            self._lock(crawl_id)
            return crawl_id

    def end(self, crawl_id: str, status: str = "finished", stats: dict | None = None) -> None:
        with self.writer.transaction() as db:
            db.execute("UPDATE crawls SET status = ?, ended_at = ?, stats = ? WHERE id = ?",
                       (status, now_iso(), json.dumps(stats, ensure_ascii=False, default=str)
                        if stats is not None else None, crawl_id))
        with self.writer.lock:
            self._release(crawl_id)

    def register_portal(self, portal: str, **facts) -> None:
        """Facts about a portal (name, url, province, region, region_code, level): where its
        reports come from, the area an organ's name is placed in when it is ambiguous, and
        the fallback when the name places nothing."""
        row = {"portal": portal, **{k: facts.get(k) for k in ("name", "url", "province", "region",
                                                              "region_code", "level")}}
        with self.writer.transaction() as db:
            db["portals"].upsert(row, pk="portal")

    def close(self) -> None:
        with self.writer.lock:
            self.warcs.close()
            for fd in self._locks.values():
                os.close(fd)
            self._locks.clear()

    def _lock(self, crawl_id: str) -> bool:
        """Hold the crawl's lock file for as long as this process lives."""
        if crawl_id in self._locks:
            return True
        fd = os.open(self.layout.locks / f"{crawl_id}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._locks[crawl_id] = fd
        return True

    def _release(self, crawl_id: str) -> None:
        self.warcs.close(crawl_id)
        fd = self._locks.pop(crawl_id, None)
        if fd is not None:
            os.close(fd)
