"""Scrapy's CloseSpider with the page count of a distributed crawl counted across its workers.

Embedded, this is Scrapy's extension unchanged. In a distributed crawl (``XXGK_REDIS_URL``)
``CLOSESPIDER_PAGECOUNT`` bounds the crawl, not each worker: every response a worker receives
is counted in Redis (``Keys.pages``), and a worker that finds the count at the bound stops with
Scrapy's reason, ``closespider_pagecount``, as an embedded crawl would. The others stop at their
next response. Requests already on their way when the bound is reached still arrive, as in
Scrapy. The stat ``xxgk/closespider/pagecount`` tells the crawl's writer that the crawl was cut
at its bound (``crawler/jobs/shared_crawl.py``), so it ends the crawl as stopped early rather
than leaving it open to resume.
"""

from __future__ import annotations

from scrapy.extensions.closespider import CloseSpider

from archive.redis_workers import connect

from .distributed import Keys

# The stat a worker sets when the crawl's page count reached CLOSESPIDER_PAGECOUNT.
PAGECOUNT_REACHED = "xxgk/closespider/pagecount"


class SharedCloseSpider(CloseSpider):
    def __init__(self, crawler):
        super().__init__(crawler)          # connects page_count when a page count is set
        self.server, self.limit, self.reached = None, 0, False
        url = crawler.settings.get("XXGK_REDIS_URL")
        if url and self.close_on.get("pagecount"):
            self.server = connect(url)
            self.pages_key = Keys(crawler.settings["XXGK_CRAWL_ID"]).pages
            # Scrapy's own count (this worker's pages) no longer closes; the crawl's does.
            self.limit, self.close_on["pagecount"] = self.close_on["pagecount"], 0

    def page_count(self, response, request, spider) -> None:
        super().page_count(response, request, spider)   # pagecount_no_item stays per worker
        if self.server is None or self.reached:
            return
        if self.server.incr(self.pages_key) >= self.limit:
            self.reached = True
            self.crawler.stats.set_value(PAGECOUNT_REACHED, 1)
            self._close_spider("closespider_pagecount")
