"""What the crawler's own middlewares share: the crawler they serve, and the settings that switch
them off (``NotConfigured`` in ``from_crawler``, as Scrapy's own components do)."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured


class SwitchedMiddleware:
    requires: tuple[str, ...] = ()     # settings that must all be true for it to run

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        for name in cls.requires:
            if not crawler.settings.getbool(name, True):
                raise NotConfigured(f"{name} is false")
        return cls(crawler)
