"""What every Chromium page the crawler opens shares (scrapy-playwright): one browser context, so
that the cookies a challenge earned serve the pages rendered later, and no images, media or fonts
loaded (``PLAYWRIGHT_ABORT_REQUEST``)."""

from __future__ import annotations

BROWSER_CONTEXT = "xxgk"


def abort_browser_request(req) -> bool:
    """In Chromium, skip what a list or a challenge does not need."""
    return req.resource_type in ("image", "media", "font")
