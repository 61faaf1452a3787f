"""Item pipelines: every exchange to the archive (raw bytes + provenance) and every organ an organ
directory names, report documents to the parser. Both run on worker threads (see bridge.py); a failure is logged and counted, never fatal."""

from __future__ import annotations

import dataclasses
import logging

from archive.directory import OrganRecord
from archive.fetches import FetchRecord

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
        if arc is None:
            return item.summary() | {"archived": False}
        rec = FetchRecord(crawl_id=self.bridge.crawl_id, portal=spider.portal_id,
                          **item.record_fields())
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
        out = item.summary() | {"archived": True, "fetch_id": res.fetch_id, "sha256": res.sha256,
                                "format": res.format, "unchanged": res.unchanged,
                                "new_document": res.new_document}
        return out


    async def record_organ(self, item: OrganItem) -> OrganItem:
        self.crawler.stats.inc_value("xxgk/organs")
        arc = self.bridge.arc
        if arc is None:
            return item
        rec = OrganRecord(portal=self.crawler.spider.portal_id, **dataclasses.asdict(item))
        try:
            await self.bridge.call(arc.record_organ, rec)
        except Exception as exc:  # noqa: BLE001 - one bad record must not stop the crawl
            logger.error("archive: could not record organ %s: %s", item.name, exc, exc_info=True)
            self.crawler.stats.inc_value("xxgk/archive/errors")
        return item


class ParsePipeline:
    """Report pages and attachments go to the parser (a sandboxed child, on a worker thread)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.bridge = get_bridge(crawler)
        self.submitted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def open_spider(self):
        await self.bridge.open(self.crawler.spider)
        arc = self.bridge.arc
        if arc is None or not self.bridge.parse_enabled:
            return
        if self.bridge.resumed:
            # Documents the killed run of this crawl stored but never parsed.
            await self._sweep()

    async def _sweep(self) -> None:
        try:
            pending = await self.bridge.call(self.bridge.pending_documents)
        except Exception as exc:  # noqa: BLE001
            logger.warning("could not list pending documents: %s", exc)
            return
        for sha in pending:
            if sha not in self.submitted:
                self.submitted.add(sha)
                self.bridge.submit_parse(sha, "(pending)")

    async def close_spider(self):
        # A document first seen as a plain page and later linked as an attachment is pending too.
        if self.bridge.arc is not None and self.bridge.parse_enabled:
            await self._sweep()

    def process_item(self, item):
        if not isinstance(item, dict) or not item.get("archived"):
            return item
        sha = item.get("sha256")
        status = item.get("status")
        if (item.get("role") in ("report", "attachment") and sha and not item.get("error")
                and (status is None or 200 <= status < 300) and item.get("new_document")
                and sha not in self.submitted):
            self.submitted.add(sha)
            self.bridge.submit_parse(sha, item.get("url"))
        return item
