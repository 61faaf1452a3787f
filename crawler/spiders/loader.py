"""Scrapy's spider loader for the registry (``SPIDER_LOADER_CLASS``): the spiders of
``SPIDER_MODULES`` (``discover``) as Scrapy finds them, and one spider per registry portal,
its class built only when asked for. Thousands of portals cost one read of the registry, not a
class each.

``scrapy list`` lists every portal; ``scrapy crawl NAME`` takes a portal id, a site code
(政府网站标识码) or a division code (that division's own government portal), see
``crawler.registry.resolve``. The registry is read from the data directory of the
``XXGK_DATA`` setting (default ``$XXGK_DATA``, else ``./data``).
"""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from .. import registry
from ..registry.overrides import hosts
from .portals import spider_class


class RegistrySpiderLoader(SpiderLoader):
    def __init__(self, settings):
        super().__init__(settings)
        self.data = settings.get("XXGK_DATA")
        self._portals: list[dict] | None = None

    @property
    def portals(self) -> list[dict]:
        if self._portals is None:
            self._portals = registry.load(data=self.data)
        return self._portals

    def load(self, spider_name: str):
        if spider_name in self._spiders:
            return self._spiders[spider_name]
        try:
            portal = registry.resolve(spider_name, self.portals)
        except KeyError as exc:
            raise KeyError(f"Spider not found: {spider_name}: {exc.args[0]}") from None
        return spider_class(portal)

    def list(self) -> list[str]:
        return [*self._spiders, *(p["id"] for p in self.portals)]

    def find_by_request(self, request) -> list[str]:
        host = registry.overrides.host(request.url)
        return [*super().find_by_request(request),
                *(p["id"] for p in self.portals if host in hosts(p))]
