"""The spider middleware that writes every request the spider schedules to the crawl's frontier
journal (``crawler/journal.py``) before the response that found it is archived."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from ..bridge import get_bridge
from ..journal import Entry


class JournalSpiderMiddleware(BaseSpiderMiddleware):
    """Journal every request the spider schedules, except listings (walked again on resume).
    Off when ``XXGK_ARCHIVE_ENABLED`` is false (no crawl, no journal)."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("XXGK_ARCHIVE_ENABLED", True):
            raise NotConfigured
        return super().from_crawler(crawler)

    def get_processed_request(self, request, response):
        x = request.meta.get("xxgk")
        if x is None or x.get("role") == "listing":
            return request
        journal = get_bridge(self.crawler).journal
        if journal is not None:
            journal.write(Entry.of(request, response))
        return request
