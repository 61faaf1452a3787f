"""The crawler's side of the archive: one per Scrapy crawler, shared by the spider, the
middlewares and the pipelines.

It opens the portal's crawl (resuming a killed one) and its frontier journal
(``crawler/journal.py``), and runs every archive call on a worker thread so that SQLite, blob
writes and WARC fsyncs never block the reactor. The crawl never parses: report documents are
stored as pending, and the parse pool (``archive/parse_pool.py``: ``xxgk parse-pending``, the
nightly) parses them in processes of its own.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from scrapy import signals

from archive import queries
from archive.blobs import BlobStore
from archive.db import read_only, synchronous_mode
from archive.paths import Layout
from archive.redis_workers import connect, worker_id
from archive.store import Archive

from .distributed import Keys
from .journal import Journal
from .recordstream import STATS, RecordStream
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
        self.data_dir = s.get("XXGK_DATA") or None
        self.synchronous = s.get("XXGK_SYNCHRONOUS") or None
        self.resume = s.getbool("XXGK_RESUME", True)
        self.arc = None
        # Distributed (XXGK_REDIS_URL): the records go to the stream, the writer is elsewhere;
        # this worker only reads the archive (validators, known reports, stored bodies).
        self.redis_url = s.get("XXGK_REDIS_URL") or None
        self.stream = None
        self.layout: Layout | None = None
        self.crawl_id: str | None = None
        self.done: set[str] = set()         # URLs the archive holds for this crawl
        self.resumed = False
        self.journal = None                 # the crawl's Journal, once it is open
        self._open_lock = asyncio.Lock() if self._loop_ok() else None
        self._opened = False
        self._closed = False
        self.io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxgk-archive")
        self.pending: set[asyncio.Future] = set()
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

    @property
    def reads_archive(self) -> bool:
        """Whether the archive can be asked (validators, stored bodies, known reports)."""
        return self.layout is not None

    def _open_sync(self, spider) -> None:
        if self.redis_url:
            return self._open_worker(spider)
        # A new archive's schema is made in turns (archive.db), so crawls may open it together.
        self.arc = Archive(self.data_dir, synchronous=self.synchronous)
        self.layout = self.arc.layout
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

    def _open_worker(self, spider) -> None:
        """A worker of a distributed crawl: the crawl was begun by the writer (its id in
        ``XXGK_CRAWL_ID``); the frontier, the resume state and the records live in Redis."""
        self.crawl_id = self.crawler.settings.get("XXGK_CRAWL_ID")
        if not self.crawl_id:
            raise ValueError("XXGK_REDIS_URL needs XXGK_CRAWL_ID: the crawl the writer began "
                             "(xxgk nightly --redis starts its workers with it)")
        self.layout = Layout(self.data_dir)
        self.stream = RecordStream(connect(self.redis_url), Keys(self.crawl_id))
        if self.layout.db.exists():
            # What the writer already stored of this crawl is not fetched again, should the
            # frontier have been lost with its Redis (resume.py skips it).
            with read_only(self.layout.db) as db:
                self.done = queries.fetched_urls(db, self.crawl_id)
        facts = getattr(spider, "portal_facts", None)
        if facts:
            self.stream.add(("portal", {"portal": spider.portal_id, **facts}))
        logger.info("crawl %s: worker %s, records to the stream at %s", self.crawl_id,
                    worker_id(), self.redis_url)
        self.stats.set_value("xxgk/crawl_id", self.crawl_id)

    # -- what the crawler asks the archive (through call(), on the archive thread) --------------

    def validators(self, url: str) -> dict | None:
        """``{"etag", "last_modified", "sha256"}`` for a conditional request of ``url``: those
        of its last 2xx fetch, if the body stored then is still in the blob store; else None."""
        if self.arc is not None:
            v = self.arc.validators(url)
        else:
            with read_only(self.layout.db) as db:
                v = queries.validators(db, url)
        if v and v.get("sha256") and not BlobStore(self.layout).has(v["sha256"]):
            return None
        return v

    def read_blob(self, sha256: str) -> bytes:
        """A stored body (FileNotFoundError if it went missing)."""
        return BlobStore(self.layout).read(sha256)

    def known_reports(self, portal: str) -> list[tuple[str, list[str]]]:
        """(canonical URL, aliases) of every report of ``portal`` in the archive, except files
        ingested without a URL. Called from the reactor thread: it reads on a connection of its
        own, never waiting for the writer."""
        if self.layout is None or not self.layout.db.exists():
            return []
        with read_only(self.layout.db) as db:
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
        if self.stream is not None:
            stats = {k: v for k, v in (self.stats.get_stats() or {}).items()
                     if isinstance(v, (int, float)) and not isinstance(v, bool)}
            await self.call(self.stream.add, (STATS, stats))
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
