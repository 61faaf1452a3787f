"""What every Chromium page the crawler opens shares (scrapy-playwright): one browser context, so
that the cookies a challenge earned serve the pages rendered later, and no images, media or fonts
loaded (``PLAYWRIGHT_ABORT_REQUEST``); and the page of a request that failed, closed."""

from __future__ import annotations

import asyncio
import logging

BROWSER_CONTEXT = "xxgk"

logger = logging.getLogger(__name__)


def close_failed_page(request) -> None:
    """Close the Chromium page a failed request kept open (``playwright_include_page`` leaves it
    to whoever handles the failure): the context holds only ``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``
    pages, and leaked ones stall every later render and challenge."""
    page = request.meta.pop("playwright_page", None)
    if page is None or page.is_closed():
        return

    async def close():
        try:
            await page.close()
        except Exception as exc:  # noqa: BLE001 - the browser may be gone already
            logger.debug("closing a failed request's page: %s", exc)

    asyncio.ensure_future(close())


def abort_browser_request(req) -> bool:
    """In Chromium, skip what a list or a challenge does not need."""
    return req.resource_type in ("image", "media", "font")
