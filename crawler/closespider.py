"""Scrapy's CloseSpider with the page count and the timeout of a distributed crawl counted
across its workers.

Embedded, this is Scrapy's extension unchanged. In a distributed crawl (``XXGK_REDIS_URL``)
``CLOSESPIDER_PAGECOUNT`` and ``CLOSESPIDER_TIMEOUT`` bound the crawl, not each worker:

- every response a worker receives is counted in Redis (``Keys.pages``), and a worker that
  finds the count at the bound stops with Scrapy's reason, ``closespider_pagecount``, as an
  embedded crawl would. The others stop at their next response. Requests already on their way
  when the bound is reached still arrive, as in Scrapy.
- the first worker to open writes the crawl's start in Redis (``Keys.started``, Redis's clock);
  each worker, whenever it joins, stops at that start plus the timeout, with Scrapy's reason
  ``closespider_timeout``. A worker that joins late to take over a dead one's requests gets
  what is left of the crawl's time, not a timeout of its own.

The stats ``xxgk/closespider/pagecount`` and ``xxgk/closespider/timeout`` tell the crawl's
writer that the crawl was cut at its bound (``crawler/jobs/shared_crawl.py``), so it ends the
crawl as stopped early rather than leaving it open to resume.
"""

from __future__ import annotations

import logging

from scrapy.extensions.closespider import CloseSpider
from scrapy.utils.asyncio import call_later

from archive.redis_workers import connect, redis_now

from .distributed import Keys

logger = logging.getLogger(__name__)

# The stats a worker sets when the crawl reached CLOSESPIDER_PAGECOUNT or CLOSESPIDER_TIMEOUT.
PAGECOUNT_REACHED = "xxgk/closespider/pagecount"
TIMEOUT_REACHED = "xxgk/closespider/timeout"
# Scrapy's reason for each, as the crawl's finish_reason.
REASONS = {PAGECOUNT_REACHED: "closespider_pagecount", TIMEOUT_REACHED: "closespider_timeout"}


def cut_reason(stat) -> str | None:
    """Scrapy's reason the crawl was cut at one of its bounds, or None, from ``stat`` (a stat's
    value by name: a worker's ``crawler.stats.get_value``, or the crawl's summed stats' ``get``)."""
    return next((why for name, why in REASONS.items() if stat(name)), None)


class SharedCloseSpider(CloseSpider):
    def __init__(self, crawler):
        super().__init__(crawler)          # connects page_count and spider_opened when set
        self.server, self.limit, self.reached = None, 0, False
        self.timeout = 0.0
        url = crawler.settings.get("XXGK_REDIS_URL")
        if not url:
            return
        self.keys = Keys(crawler.settings["XXGK_CRAWL_ID"])
        if self.close_on.get("pagecount") or self.close_on.get("timeout"):
            self.server = connect(url)
        if self.close_on.get("pagecount"):
            # Scrapy's own count (this worker's pages) no longer closes; the crawl's does.
            self.limit, self.close_on["pagecount"] = self.close_on["pagecount"], 0
        if self.close_on.get("timeout"):
            self.timeout = self.close_on["timeout"]

    def spider_opened(self, spider) -> None:
        if self.server is None or not self.timeout:
            super().spider_opened(spider)
            return
        now = redis_now(self.server)
        self.server.set(self.keys.started, now, nx=True)
        started = float(self.server.get(self.keys.started) or now)
        left = max(0.0, started + self.timeout - now)
        logger.info("the crawl started %.1f s ago: CLOSESPIDER_TIMEOUT (%g s) stops this worker "
                    "in %.1f s", now - started, self.timeout, left)
        self.task = call_later(left, self._stop, TIMEOUT_REACHED)

    def page_count(self, response, request, spider) -> None:
        super().page_count(response, request, spider)   # pagecount_no_item stays per worker
        if self.server is None or not self.limit or self.reached:
            return
        if self.server.incr(self.keys.pages) >= self.limit:
            self._stop(PAGECOUNT_REACHED)

    def _stop(self, stat: str) -> None:
        if self.reached:
            return
        self.reached = True
        self.crawler.stats.set_value(stat, 1)
        self._close_spider(REASONS[stat])
