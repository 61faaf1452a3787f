"""scrapy-playwright's download handler with a deadline per browser page (``DOWNLOAD_HANDLERS``).

Playwright bounds a navigation (``PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT``) but not reading the
page afterwards: a page whose script never yields holds the request, its page slot and, at the
end, the crawl's close for ever. Here the whole download of a page has
``XXGK_BROWSER_PAGE_TIMEOUT`` seconds; past it the request fails with
:class:`~crawler.browser.BrowserStepTimeout` (the spider records it against the URL), the
page's browser context is closed (scrapy-playwright opens a new one for the next page), and if
even that hangs the browser is closed, which scrapy-playwright launches again when next needed.
Requests not for the browser go to Scrapy's HTTP/1.1 handler as
:class:`~crawler.http_handler.PartialOnTimeoutHandler` makes it (a body cut by
``DOWNLOAD_TIMEOUT`` kept).
"""

from __future__ import annotations

import asyncio
import logging
from weakref import WeakKeyDictionary

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from .browser import STEP_TIMEOUT, BrowserStepTimeout, browser_step
from .http_handler import PartialOnTimeoutHandler

logger = logging.getLogger(__name__)


# The one handler of each crawl (Scrapy makes one per scheme in DOWNLOAD_HANDLERS).
_HANDLERS: WeakKeyDictionary = WeakKeyDictionary()


class WatchedPlaywrightHandler(ScrapyPlaywrightDownloadHandler, PartialOnTimeoutHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self.page_timeout = s.getfloat("XXGK_BROWSER_PAGE_TIMEOUT", 45.0)
        self.step_timeout = s.getfloat("XXGK_BROWSER_STEP_TIMEOUT", STEP_TIMEOUT)
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler):
        # One for http and https: else each starts its own Playwright driver (about 100 MiB)
        # and its own browser, and a challenge's cookies earned on one scheme miss the other.
        if crawler not in _HANDLERS:
            _HANDLERS[crawler] = cls(crawler)
        return _HANDLERS[crawler]

    async def close(self) -> None:
        if self._closed:    # closed once for each scheme it serves
            return
        self._closed = True
        await super().close()

    async def download_request(self, request):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        try:
            return await asyncio.wait_for(super().download_request(request), self.page_timeout)
        except asyncio.TimeoutError:
            self.stats.inc_value("xxgk/browser/page_timeout")
            await self._free(request.meta.get("playwright_context"))
            raise BrowserStepTimeout(f"browser page did not load within {self.page_timeout:g} s "
                                     "(XXGK_BROWSER_PAGE_TIMEOUT)") from None

    async def _free(self, context_name: str | None) -> None:
        """Close the hung page's context; if that hangs too, the browser."""
        wrapper = self.context_wrappers.get(context_name) if context_name else None
        try:
            if wrapper is not None:
                logger.warning("closing browser context %r after a hung page", context_name)
                await browser_step(wrapper.context.close(), self.step_timeout,
                                   "closing a browser context")
            return
        except Exception as exc:  # noqa: BLE001 - next: the browser itself
            logger.error("%s: closing the browser", exc)
        browser = getattr(self, "browser", None)
        if browser is not None:
            try:
                await browser_step(browser.close(), self.step_timeout, "closing the browser")
            except Exception as exc:  # noqa: BLE001
                logger.error("the browser did not close: %s", exc)
