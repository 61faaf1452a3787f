"""In a distributed crawl, a request stays in its worker's in-flight hash until what its
response gave is safe (``crawler/frontier.py``): this spider middleware passes the requests a
response led to on first (they reach the shared frontier as they pass), and its items after, so
that once the response's record is in the record stream nothing it found can be lost.
Off without ``XXGK_REDIS_URL``."""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import NotConfigured


class InflightSpiderMiddleware:
    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("XXGK_REDIS_URL"):
            raise NotConfigured
        return cls()

    async def process_spider_output_async(self, response, result):
        items = []
        async for out in result:
            if isinstance(out, Request):
                yield out
            else:
                items.append(out)
        for item in items:
            yield item

    def process_spider_output(self, response, result):
        items = []
        for out in result:
            if isinstance(out, Request):
                yield out
            else:
                items.append(out)
        yield from items
