"""What every Chromium page the crawler opens shares (scrapy-playwright): one browser context, so
that the cookies a challenge earned serve the pages rendered later, no images, media or fonts
loaded (``PLAYWRIGHT_ABORT_REQUEST``), and the proxy the environment names.

Scrapy's HttpProxyMiddleware takes ``http_proxy``/``https_proxy``/``no_proxy`` from the
environment for plain requests; Chromium is a separate program that does not read them, so the
browser is launched with the same proxy (``browser_proxy``), and a crawl behind a proxy renders
through it too.
"""

from __future__ import annotations

from urllib.request import getproxies

BROWSER_CONTEXT = "xxgk"


def abort_browser_request(req) -> bool:
    """In Chromium, skip what a list or a challenge does not need."""
    return req.resource_type in ("image", "media", "font")


def browser_proxy(proxies: dict[str, str] | None = None) -> dict | None:
    """Playwright's ``proxy`` launch option from the environment's proxies (``getproxies()``:
    ``http_proxy``, ``https_proxy``, ``all_proxy``, ``no_proxy`` in either case), or None. One
    proxy serves the browser: the http one, else https, else all."""
    proxies = getproxies() if proxies is None else proxies
    server = proxies.get("http") or proxies.get("https") or proxies.get("all")
    if not server:
        return None
    out = {"server": server}
    bypass = ",".join(h.strip() for h in (proxies.get("no") or "").split(",") if h.strip())
    if bypass:
        out["bypass"] = bypass
    return out
