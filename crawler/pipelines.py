"""Item pipelines: every exchange to the archive (raw bytes + provenance) and every organ an organ
directory names, on the archive's worker thread (see bridge.py); a failure is logged and counted,
never fatal. A new report document is stored as pending: the parse pool parses it, not the
crawl (``xxgk parse-pending``)."""

from __future__ import annotations

import dataclasses
import logging

from archive.directory import OrganRecord
from archive.fetches import FetchRecord, now_iso

from .bridge import get_bridge
from .items import FetchItem, OrganItem

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.bridge = get_bridge(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def open_spider(self):
        await self.bridge.open(self.crawler.spider)

    async def process_item(self, item):
        if isinstance(item, OrganItem):
            return await self.record_organ(item)
        if not isinstance(item, FetchItem):
            return item
        spider = self.crawler.spider
        stats = self.crawler.stats
        stats.inc_value(f"xxgk/fetch/{item.get('role')}")
        if item.get("role") == "report" and item.get("report_url") and hasattr(spider, "aliases_for"):
            aliases = set(item.get("aliases") or []) | spider.aliases_for(item["report_url"])
            aliases.discard(item["report_url"])
            item["aliases"] = sorted(aliases)
        arc = self.bridge.arc
        rec = FetchRecord(crawl_id=self.bridge.crawl_id, portal=spider.portal_id,
                          **item.record_fields())
        if self.bridge.stream is not None:
            return await self.queue_fetch(rec, item)
        if arc is None:
            return item.summary() | {"archived": False}
        try:
            res = await self.bridge.call(arc.record_fetch, rec)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the crawl
            logger.error("archive: could not record %s: %s", item.get("url"), exc, exc_info=True)
            stats.inc_value("xxgk/archive/errors")
            return item.summary() | {"archived": False, "archive_error": str(exc)}
        self.bridge.done.add(item["url"])
        if res.unchanged:
            stats.inc_value("xxgk/archive/unchanged")
        if res.new_document:
            stats.inc_value("xxgk/archive/new_documents")
            if item.get("role") in ("report", "attachment"):
                stats.inc_value("xxgk/parse/queued")
        out = item.summary() | {"archived": True, "fetch_id": res.fetch_id, "sha256": res.sha256,
                                "format": res.format, "unchanged": res.unchanged,
                                "new_document": res.new_document}
        return out

    async def queue_fetch(self, rec: FetchRecord, item: FetchItem) -> dict:
        """A distributed crawl's fetch, on its way to the archive's writer (the stream says
        nothing back: no fetch id, no document yet)."""
        rec.fetched_at = rec.fetched_at or now_iso()   # the writer knows a record seen twice by it
        await self.bridge.call(self.bridge.stream.add, rec)
        self.bridge.done.add(item["url"])
        self.crawler.stats.inc_value("xxgk/archive/queued")
        return item.summary() | {"archived": True, "queued": True}

    async def record_organ(self, item: OrganItem) -> OrganItem:
        self.crawler.stats.inc_value("xxgk/organs")
        arc = self.bridge.arc
        rec = OrganRecord(portal=self.crawler.spider.portal_id, **dataclasses.asdict(item))
        if self.bridge.stream is not None:
            await self.bridge.call(self.bridge.stream.add, rec)
            return item
        if arc is None:
            return item
        try:
            await self.bridge.call(arc.record_organ, rec)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the crawl
            logger.error("archive: could not record organ %s: %s", item.name, exc, exc_info=True)
            self.crawler.stats.inc_value("xxgk/archive/errors")
        return item
