"""What every Chromium page the crawler opens shares (scrapy-playwright): one browser context, so
that the cookies a challenge earned serve the pages rendered later, no images, media or fonts
loaded (``PLAYWRIGHT_ABORT_REQUEST``), the network the environment names, and the page of a
request that failed, closed.

Scrapy's HttpProxyMiddleware takes ``http_proxy``/``https_proxy``/``no_proxy`` from the
environment for plain requests; Chromium is a separate program that does not read them, so the
browser is launched with a proxy auto-config (``browser_network_args``) that sends it through the
same proxy, straight to the ``no_proxy`` hosts and loopback — and nowhere for the calls Chromium
makes to Google's services by itself (component updates, sign-in), so that a crawl asks nothing
of anybody but the portals; without a proxy, host rules leave those services unresolved.
Chromium is launched with as few processes as its sandbox allows (``browser_memory_args``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import getproxies

BROWSER_CONTEXT = "xxgk"

logger = logging.getLogger(__name__)

# Chromium's own services (it calls them whatever the flags say): never reached.
BROWSER_SERVICES = ("*.google.com", "update.googleapis.com", "clientservices.googleapis.com",
                    "optimizationguide-pa.googleapis.com", "content-autofill.googleapis.com",
                    "safebrowsing.googleapis.com", "*.gvt1.com")
# A port nothing listens on: a connection there fails at once.
NOWHERE = "PROXY 127.0.0.1:9"


# Seconds one browser step may take when no setting says (XXGK_BROWSER_STEP_TIMEOUT).
STEP_TIMEOUT = 30.0


class BrowserStepTimeout(Exception):
    """A browser step (reading a page, a click, closing it) that did not end in time."""


async def browser_step(awaitable, seconds: float, what: str):
    """``await awaitable``, or :class:`BrowserStepTimeout` after ``seconds``: Playwright's
    evaluate, content and close have no timeout of their own, and a page whose script never
    yields would hold the crawl for ever."""
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:
        raise BrowserStepTimeout(f"browser step {what} took longer than {seconds:g} s "
                                 "(XXGK_BROWSER_STEP_TIMEOUT)") from None


async def close_page(page, seconds: float = STEP_TIMEOUT) -> None:
    """Close a page; if it does not close in time (its renderer is hung), close its whole
    context, which scrapy-playwright opens again for the next page."""
    if page is None or page.is_closed():
        return
    try:
        await browser_step(page.close(), seconds, "closing a page")
        return
    except BrowserStepTimeout as exc:
        logger.warning("%s: closing its browser context", exc)
    except Exception as exc:  # noqa: BLE001 - the browser may be gone already
        logger.debug("closing a page: %s", exc)
        return
    try:
        await browser_step(page.context.close(), seconds, "closing a browser context")
    except Exception as exc:  # noqa: BLE001 - a browser that hung this far is left to the watchdog
        logger.error("the browser context did not close: %s", exc)


def close_failed_page(request, seconds: float = STEP_TIMEOUT) -> None:
    """Close the Chromium page a failed request kept open (``playwright_include_page`` leaves it
    to whoever handles the failure): the context holds only ``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``
    pages, and leaked ones stall every later render and challenge."""
    page = request.meta.pop("playwright_page", None)
    if page is None or page.is_closed():
        return
    asyncio.ensure_future(close_page(page, seconds))


# Chromium as the crawler starts it: as root, as an unprivileged user (XXGK_BROWSER_USER), so
# that its sandbox stays on (Chromium refuses root without --no-sandbox).
SANDBOXED_CHROMIUM = Path(__file__).with_name("bin") / "chromium-sandboxed"


def chromium_executable() -> str:
    """What Playwright launches: Chromium ($XXGK_CHROMIUM, default /usr/bin/chromium) itself,
    or as root the wrapper that runs it as XXGK_BROWSER_USER."""
    if os.geteuid() == 0:
        return str(SANDBOXED_CHROMIUM)
    return os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")


def abort_browser_request(req) -> bool:
    """In Chromium, skip what a list or a challenge does not need."""
    return req.resource_type in ("image", "media", "font")


def browser_proxy(proxies: dict[str, str] | None = None) -> dict | None:
    """The environment's proxy for the browser (``getproxies()``: ``http_proxy``, ``https_proxy``,
    ``all_proxy``, ``no_proxy`` in either case): ``{"server", "bypass"}``, or None. One proxy
    serves the browser: the http one, else https, else all."""
    proxies = getproxies() if proxies is None else proxies
    server = proxies.get("http") or proxies.get("https") or proxies.get("all")
    if not server:
        return None
    out = {"server": server}
    bypass = ",".join(h.strip() for h in (proxies.get("no") or "").split(",") if h.strip())
    if bypass:
        out["bypass"] = bypass
    return out


def proxy_auto_config(proxies: dict[str, str] | None = None) -> str:
    """The PAC script Chromium is given: Chromium's own services nowhere; loopback and the
    ``no_proxy`` hosts direct; everything else through the environment's proxy, or direct."""
    found = browser_proxy(proxies)
    via = "DIRECT"
    if found:
        p = urlsplit(found["server"] if "://" in found["server"] else "http://" + found["server"])
        via = f"PROXY {p.hostname}:{p.port or 80}"
    direct = ["localhost", "127.0.0.1", "[::1]"]
    for h in (found or {}).get("bypass", "").split(","):
        h = h.strip().split(":")[0]
        if h == "*":
            via = "DIRECT"
        elif h:
            direct += [h.lstrip("."), "*." + h.lstrip(".")]
    return ("function FindProxyForURL(url, host) {\n"
            f"  var nowhere = {json.dumps(list(BROWSER_SERVICES))}, direct = {json.dumps(direct)};\n"
            "  for (var i = 0; i < nowhere.length; i++) { if (shExpMatch(host, nowhere[i])) return "
            f"{json.dumps(NOWHERE)}; }}\n"
            "  for (var j = 0; j < direct.length; j++) { if (shExpMatch(host, direct[j])) return \"DIRECT\"; }\n"
            f"  return {json.dumps(via)};\n}}\n")


def browser_network_args(proxies: dict[str, str] | None = None) -> list[str]:
    """Chromium's command-line arguments for its network. Behind a proxy, the proxy auto-config
    above (Chromium runs it in a process of its own, about 55 MiB); without one, host rules
    that leave Chromium's services unresolved, which cost no process."""
    if browser_proxy(proxies) is None:
        return ["--host-resolver-rules=" + ",".join(f"MAP {h} ~NOTFOUND" for h in BROWSER_SERVICES)]
    pac = base64.b64encode(proxy_auto_config(proxies).encode()).decode()
    return [f"--proxy-pac-url=data:application/x-ns-proxy-autoconfig;base64,{pac}"]


# Chromium's processes share most of their pages, yet each holds its own copy of much of the
# program: fewer processes, less memory. The GPU process (headless, it renders in software)
# and the network service run inside the browser process; no spare renderer is kept warm for
# the next page; and the address bar's drop-down, which Chromium builds for every window as a
# web page in a renderer of its own (about 150 MiB), is never built: headless, nobody sees it.
# Renderers stay apart, sandboxed, one per site, and a page's script may hold at most
# BROWSER_JS_HEAP_MIB of JavaScript objects: past it Chromium ends the page's renderer (V8's own
# limit is about 4 GiB) and the request fails (docs/limits.md).
BROWSER_JS_HEAP_MIB = 128
MEMORY_SWITCHES = ("--in-process-gpu", f"--js-flags=--max-old-space-size={BROWSER_JS_HEAP_MIB}")
ENABLED_FEATURES = ("NetworkServiceInProcess2",)
DISABLED_FEATURES = ("SpareRendererForSitePerProcess", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
# Playwright passes --enable-features and --disable-features lists of its own, and Chromium
# keeps only the last of each switch, ours: so ours carry Playwright's too
# (tests/test_browser_args.py checks these against the installed Playwright).
PLAYWRIGHT_ENABLED_FEATURES = ("CDPScreenshotNewSurface", "SkipListAccountsWithoutGaiaCookies")
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion")


def browser_memory_args() -> list[str]:
    """Chromium's command-line arguments for fewer processes (``MEMORY_SWITCHES`` and the
    features above, Playwright's kept)."""
    return [*MEMORY_SWITCHES,
            "--enable-features=" + ",".join((*PLAYWRIGHT_ENABLED_FEATURES, *ENABLED_FEATURES)),
            "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *DISABLED_FEATURES))]
