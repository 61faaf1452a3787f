"""The crawler's side of the archive: one per Scrapy crawler, shared by the spider, the
middlewares and the pipelines.

It opens the portal's crawl (resuming a killed one) and its frontier journal
(``crawler/journal.py``), and runs every archive call on a worker thread so that SQLite, blob
writes, WARC fsyncs and parsing never block the reactor.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

from scrapy import signals

from archive import queries
from archive.db import read_only, synchronous_mode
from archive.store import Archive

from .journal import Journal
from .watchdog import STALLED, crawl_stalled

logger = logging.getLogger(__name__)


def get_bridge(crawler) -> "ArchiveBridge":
    bridge = getattr(crawler, "_xxgk_bridge", None)
    if bridge is None:
        bridge = crawler._xxgk_bridge = ArchiveBridge(crawler)
    return bridge


class ArchiveBridge:
    def __init__(self, crawler):
        self.crawler = crawler
        s = crawler.settings
        self.enabled = s.getbool("XXGK_ARCHIVE_ENABLED", True)
        self.parse_enabled = self.enabled and s.getbool("XXGK_PARSE", True)
        self.data_dir = s.get("XXGK_DATA") or None
        self.synchronous = s.get("XXGK_SYNCHRONOUS") or None
        self.resume = s.getbool("XXGK_RESUME", True)
        self.parse_wait = s.getfloat("XXGK_PARSE_WAIT", 600)
        self.arc = None
        self.crawl_id: str | None = None
        self.done: set[str] = set()         # URLs the archive holds for this crawl
        self.resumed = False
        self.journal = None                 # the crawl's Journal, once it is open
        self._open_lock = asyncio.Lock() if self._loop_ok() else None
        self._opened = False
        self._closed = False
        self.io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-archive")
        self.parser = ThreadPoolExecutor(max_workers=max(1, s.getint("XXGK_PARSE_WORKERS", 1)),
                                         thread_name_prefix="xxgk-parse")
        self.pending: set[asyncio.Future] = set()
        self.parse_pending: set[asyncio.Future] = set()
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.crawl_stalled, signal=crawl_stalled)

    @staticmethod
    def _loop_ok() -> bool:
        try:
            asyncio.get_event_loop()
            return True
        except RuntimeError:
            return False

    # -- running archive calls off the reactor ---------------------------------------------------

    async def call(self, fn, *args, **kwargs):
        fut = asyncio.get_running_loop().run_in_executor(self.io, lambda: fn(*args, **kwargs))
        self.pending.add(fut)
        try:
            return await fut
        finally:
            self.pending.discard(fut)

    def submit_parse(self, sha256: str, url: str) -> None:
        if not (self.parse_enabled and self.arc):
            return
        loop = asyncio.get_running_loop()

        def run():
            t0 = time.monotonic()
            try:
                res = self.arc.parse_document(sha256)
            except Exception as exc:  # noqa: BLE001 - a parse never stops the crawl
                logger.warning("parse failed for %s (%s): %s", url, sha256[:12], exc)
                return {"status": "error", "error": str(exc)}
            logger.info("parsed %s: %s %s %s cells=%s (%.1fs)", url, res.get("status"),
                        res.get("organ"), res.get("year"), res.get("cells"), time.monotonic() - t0)
            return res

        fut = loop.run_in_executor(self.parser, run)
        self.parse_pending.add(fut)

        def done(f):
            self.parse_pending.discard(f)
            try:
                res = f.result()
            except Exception:  # noqa: BLE001
                res = {"status": "error"}
            self.stats.inc_value(f"xxgk/parse/{res.get('status') or 'unknown'}")
            if res.get("cells"):
                self.stats.inc_value("xxgk/parse/with_cells")

        fut.add_done_callback(done)

    # -- crawl lifecycle --------------------------------------------------------------------------

    async def open(self, spider) -> None:
        if self._opened:
            return
        if self._open_lock is None:
            self._open_lock = asyncio.Lock()
        async with self._open_lock:
            if self._opened:
                return
            if self.enabled:
                await self.call(self._open_sync, spider)
            self._opened = True

    def _open_sync(self, spider) -> None:
        for attempt in range(8):
            try:
                self.arc = Archive(self.data_dir, synchronous=self.synchronous)
                break
            except sqlite3.OperationalError as exc:
                # Several crawls opening a new archive at once race on its schema: wait, retry.
                if "locked" not in str(exc) or attempt == 7:
                    raise
                time.sleep(0.5 * (attempt + 1))
        portal = spider.portal_id
        self.crawl_id = self.arc.begin_crawl(portal, spider.name, resume=self.resume)
        self.done = self.arc.fetched_urls(self.crawl_id)
        facts = getattr(spider, "portal_facts", None)
        if facts:
            try:
                self.arc.register_portal(portal, **facts)
            except Exception as exc:  # noqa: BLE001
                logger.warning("could not register portal %s: %s", portal, exc)
        self.journal = Journal(self.arc.layout.root / "crawler" / f"{self.crawl_id}.frontier.jsonl")
        self.resumed = bool(self.done) or self.journal.existed
        logger.info("crawl %s %s (%d fetches already recorded, %d journalled requests; "
                    "SQLite synchronous=%s)",
                    self.crawl_id, "resumed" if self.resumed else "started", len(self.done),
                    len(self.journal.entries), synchronous_mode(self.synchronous))
        self.stats.set_value("xxgk/crawl_id", self.crawl_id)
        self.stats.set_value("xxgk/resumed", self.resumed)

    # -- what the crawler asks the archive (through call(), on the archive thread) --------------

    def pending_documents(self) -> list[str]:
        """Report documents this crawl recorded that were never parsed."""
        return self.arc.read(queries.pending_documents, [self.crawl_id])

    def validators(self, url: str) -> dict | None:
        """``{"etag", "last_modified", "sha256"}`` for a conditional request of ``url``: those
        of its last 2xx fetch, if the body stored then is still in the blob store; else None."""
        v = self.arc.validators(url)
        if v and v.get("sha256") and not self.arc.blobs.has(v["sha256"]):
            return None
        return v

    def read_blob(self, sha256: str) -> bytes:
        """A stored body (FileNotFoundError if it went missing)."""
        return self.arc.blobs.read(sha256)

    def known_reports(self, portal: str) -> list[tuple[str, list[str]]]:
        """(canonical URL, aliases) of every report of ``portal`` in the archive, except files
        ingested without a URL. Called from the reactor thread: it reads on a connection of its
        own, never waiting for the writer."""
        if self.arc is None:
            return []
        with read_only(self.arc.layout.db) as db:
            return queries.known_reports(db, portal)

    def _final_stats(self, reason: str) -> dict:
        stats = {k: v for k, v in (self.stats.get_stats() or {}).items()
                 if isinstance(v, (int, float, str, bool))}
        stats["finish_reason"] = reason
        return stats

    def crawl_stalled(self) -> None:
        """The watchdog is closing a crawl that made no progress: its row says so now, before
        a close that hangs could keep it from being said."""
        if self.arc is not None and self.crawl_id:
            asyncio.ensure_future(self.call(self.arc.end_crawl, self.crawl_id, "failed",
                                            self._final_stats(STALLED)))

    async def spider_closed(self, spider, reason) -> None:
        if self._closed:
            return
        self._closed = True
        if self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)
        if self.parse_pending and reason in ("shutdown", STALLED):
            # Stopped or stalled: end now; the documents stay pending for the next run.
            logger.info("%d parse(s) left pending (crawl %s)", len(self.parse_pending), reason)
        elif self.parse_pending:
            logger.info("waiting for %d parse(s) to finish", len(self.parse_pending))
            try:
                await asyncio.wait_for(asyncio.gather(*list(self.parse_pending),
                                                      return_exceptions=True), self.parse_wait)
            except asyncio.TimeoutError:
                logger.warning("parses still running after %ss: left pending for xxgk reparse",
                               self.parse_wait)
        if self.arc is not None:
            stats = self._final_stats(reason)
            if reason == "shutdown":
                # Stopped by hand: leave the crawl open so that the same command resumes it.
                logger.info("crawl %s left open to resume (stopped: %s)", self.crawl_id, reason)
            else:
                status = "finished" if reason in ("finished", "closespider_pagecount",
                                                  "closespider_itemcount",
                                                  "closespider_timeout") else "failed"
                await self.call(self.arc.end_crawl, self.crawl_id, status, stats)
            await self.call(self.arc.close)
        if self.journal is not None:
            self.journal.close()
        self.io.shutdown(wait=False)
        self.parser.shutdown(wait=False, cancel_futures=True)
