"""A resumed crawl does not fetch again what it already recorded (``XXGK_RESUME``)."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from ..bridge import get_bridge
from ..meta import xmeta
from .switched import SwitchedMiddleware


class ResumeSkipMiddleware(SwitchedMiddleware):
    """In a resumed crawl, report pages, pages and attachments already recorded are not fetched
    again (listings are: they are walked again to find what was not fetched yet). Off when
    ``XXGK_RESUME`` or ``XXGK_ARCHIVE_ENABLED`` is false."""

    requires = ("XXGK_RESUME", "XXGK_ARCHIVE_ENABLED")

    def process_request(self, request):
        bridge = get_bridge(self.crawler)
        if not bridge.done or request.meta.get("playwright") or request.meta.get("xxgk_with_cookies"):
            return None  # a page rendered (again) for its links, a challenge being passed
        role = xmeta(request).get("role")
        if role in ("report", "page", "attachment") and request.url in bridge.done:
            self.crawler.stats.inc_value("xxgk/resume/skipped")
            raise IgnoreRequest(f"already recorded in this crawl: {request.url}")
        return None
