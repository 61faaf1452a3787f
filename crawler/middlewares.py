"""Downloader and spider middlewares.

Downloader order (process_request runs low → high, process_response high → low)::

     60 ResumeSkipMiddleware        a resumed crawl does not fetch what it already recorded
    550 BackoffRetryMiddleware      5xx / 429 / 418 / timeouts, exponential back-off
    560 ChallengeMiddleware         412 / 521 JS cookie challenges: pass once in Chromium
    570 EncodingMiddleware          GBK pages that do not say so
    585 ConditionalRequestMiddleware  If-None-Match / If-Modified-Since; a 304 gets the stored body
    590 (HttpCompressionMiddleware)
    600 (RedirectMiddleware)
    650 RawCaptureMiddleware        the response as it came off the wire, before decompression
    700 (CookiesMiddleware)
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from .bridge import get_bridge

logger = logging.getLogger(__name__)


def _offline_public_suffixes() -> None:
    """Scrapy's cookie jar asks tldextract for public suffixes, and tldextract downloads the list
    from publicsuffix.org on first use. The crawler never contacts anything but the portals: use
    the snapshot tldextract ships."""
    try:
        from tldextract import TLDExtract

        import scrapy.downloadermiddlewares.cookies as cookies_mw

        cookies_mw._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
    except Exception:  # noqa: BLE001 - an older Scrapy without it
        pass


_offline_public_suffixes()

RAW = "xxgk_raw"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def header_list(headers) -> list[tuple[str, str]]:
    """Scrapy Headers as [(name, value)] wire strings (latin-1), one pair per value, in order."""
    out = []
    for name, values in headers.items():
        n = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for v in values if isinstance(values, (list, tuple)) else [values]:
            out.append((n, v.decode("latin-1") if isinstance(v, bytes) else str(v)))
    return out


def xmeta(request_or_response) -> dict:
    return request_or_response.meta.get("xxgk") or {}


# --- raw capture ---------------------------------------------------------------------------------

class RawCaptureMiddleware:
    """Stash the response as received — body still Content-Encoded, status, headers, protocol,
    peer address — in ``request.meta['xxgk_raw']`` before HttpCompressionMiddleware and
    RedirectMiddleware touch it. Redirect hops are kept in ``xxgk_hops``.

    Limits (Scrapy's, not ours): Twisted has already undone chunked transfer coding and
    normalised header-name case; a Playwright response is the rendered page and is flagged so.
    """

    def process_response(self, request, response):
        hops = request.meta.setdefault("xxgk_hops", [])
        raw = {
            "url": response.url,
            "status": response.status,
            "headers": header_list(response.headers),
            "body": response.body,
            "protocol": response.protocol or "HTTP/1.1",
            "ip": str(response.ip_address) if response.ip_address else None,
            "request_headers": header_list(request.headers),
            "method": request.method,
            "fetched_at": now_iso(),
            "rendered": bool(request.meta.get("playwright")),
        }
        if 300 <= response.status < 400 and b"Location" in response.headers:
            hops.append({k: raw[k] for k in ("url", "status", "headers", "fetched_at")})
        request.meta[RAW] = raw
        return response


# --- conditional requests --------------------------------------------------------------------------

class ConditionalRequestMiddleware:
    """Send the archive's validators; answer a 304 with the body stored last time.

    The spider then walks the old body as if it had been sent again (a listing's links, a report
    page's attachments), while the archive records a 304 (a WARC revisit), not a new copy.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("XXGK_CONDITIONAL", True)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        bridge = get_bridge(self.crawler)
        if (not self.enabled or bridge.arc is None or request.method != "GET"
                or request.meta.get("playwright") or request.meta.get("xxgk_no_conditional")
                or "xxgk_prev_sha" in request.meta):
            return None
        v = await bridge.call(bridge.arc.validators, request.url)
        if not v or not v.get("sha256") or not (v.get("etag") or v.get("last_modified")):
            return None
        if not bridge.arc.blobs.has(v["sha256"]):
            return None
        if v.get("etag"):
            request.headers["If-None-Match"] = v["etag"]
        if v.get("last_modified"):
            request.headers["If-Modified-Since"] = v["last_modified"]
        request.meta["xxgk_prev_sha"] = v["sha256"]
        return None

    async def process_response(self, request, response):
        sha = request.meta.get("xxgk_prev_sha")
        if response.status != 304 or not sha:
            return response
        bridge = get_bridge(self.crawler)
        try:
            body = await bridge.call(bridge.arc.blobs.read, sha)
        except Exception:  # noqa: BLE001 - the blob went missing: fetch it whole
            req = request.replace(dont_filter=True)
            req.meta.pop("xxgk_prev_sha", None)
            req.meta["xxgk_no_conditional"] = True
            for h in ("If-None-Match", "If-Modified-Since"):
                req.headers.pop(h, None)
            return req
        cls = responsetypes.from_args(url=response.url, body=body)
        request.meta["xxgk_not_modified"] = True
        self.crawler.stats.inc_value("xxgk/not_modified")
        return cls(url=response.url, status=200, headers=response.headers, body=body,
                   request=request, flags=[*response.flags, "not-modified"],
                   protocol=response.protocol, ip_address=response.ip_address)


# --- encodings -------------------------------------------------------------------------------------

_MOJIBAKE = re.compile("[\u00c0-\u00ff]{3,}|\ufffd")


class EncodingMiddleware:
    """A page that declares no charset (or a wrong one) but is GBK: decode it as GB18030."""

    def process_response(self, request, response):
        if not isinstance(response, TextResponse) or not response.body:
            return response
        enc = response.encoding.lower()
        if enc in ("gb18030", "gbk", "gb2312"):
            return response
        body = response.body
        try:
            body.decode(enc if enc not in ("cp1252", "latin-1", "iso-8859-1") else "utf-8")
            ok = enc not in ("cp1252", "latin-1", "iso-8859-1")
        except (UnicodeDecodeError, LookupError):
            ok = False
        if ok:
            return response
        try:
            body.decode("utf-8")
            return response.replace(encoding="utf-8")
        except UnicodeDecodeError:
            pass
        try:
            body.decode("gb18030")
        except UnicodeDecodeError:
            return response
        return response.replace(encoding="gb18030")


# --- retries with back-off ---------------------------------------------------------------------------

class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, but each retry waits base·2ⁿ⁻¹ seconds (jittered, capped, or
    Retry-After) before it is sent again."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("XXGK_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("XXGK_BACKOFF_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    def _delay(self, request, response=None) -> float:
        n = request.meta.get("retry_times", 0) + 1
        delay = min(self.cap, self.base * (2 ** (n - 1)))
        if response is not None:
            ra = response.headers.get(b"Retry-After")
            if ra and ra.strip().isdigit():
                delay = min(self.cap, max(delay, float(ra.strip())))
        return delay * random.uniform(0.75, 1.25)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            reason = f"{response.status}"
            new = self._retry(request, reason)
            if new:
                # The failed attempt is archived with the final outcome (nothing fetched is lost).
                raw = new.meta.pop(RAW, None)
                if raw:
                    new.meta["xxgk_attempts"] = [*request.meta.get("xxgk_attempts", []), raw]
                new.meta.pop("xxgk_hops", None)
                await asyncio.sleep(self._delay(request, response))
                return new
            return response
        return response

    async def process_exception(self, request, exception):
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry"):
            new = self._retry(request, exception)
            if new:
                await asyncio.sleep(self._delay(request))
                return new
        return None

    def _retry(self, request, reason):
        return get_retry_request(request, reason=reason, spider=self.crawler.spider,
                                 max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
                                 priority_adjust=request.meta.get("priority_adjust", self.priority_adjust))


# --- JavaScript cookie challenges ------------------------------------------------------------------

_CHALLENGE = re.compile(r"\$_ts|__jsl_clearance|__jsluid|_0x[0-9a-f]{4}|请稍候|安全验证|正在验证|"
                        r"Just a moment|challenge-platform|acw_sc__v2|document\.cookie\s*=", re.I)
_WAF = re.compile(r"WAF|防火墙|拦截|安全狗|云锁|访问被拒绝|非法请求|您的访问|请求被阻断|创宇盾|"
                  r"知道创宇|安恒|玄武盾|Access Denied|Forbidden", re.I)


def challenge_kind(status: int, body: bytes) -> str | None:
    """'js' for a challenge a browser passes by itself, 'waf' for a block page, else None."""
    head = body[:60000].decode("utf-8", "replace")
    if status in (412, 521) and ("<script" in head.lower() or _CHALLENGE.search(head)):
        return "js"
    if status in (200, 202, 403, 503) and len(body) < 30000 and "<script" in head.lower() \
            and _CHALLENGE.search(head) and not re.search(r"<a\s[^>]*href", head, re.I):
        return "js"
    if status in (403, 405, 418, 429, 444, 493) and _WAF.search(head):
        return "waf"
    return None


class ChallengeMiddleware:
    """A 412 (瑞数) or 521 (加速乐) page that sets a cookie with JavaScript: load the URL once in
    Chromium (scrapy-playwright), take the cookies the page earned, and fetch the URL again as a
    plain request carrying them; later requests to the host carry them through Scrapy's jar.
    The challenge responses travel in ``meta['xxgk_challenges']`` so the spider archives them."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.host_cookies: dict[str, list[dict]] = {}
        self.browser_passes: dict[str, int] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.generation: dict[str, int] = {}     # how many times a host's cookies were earned
        self.max_passes = crawler.settings.getint("XXGK_CHALLENGE_MAX_PASSES", 4)
        self.wait = crawler.settings.getfloat("XXGK_CHALLENGE_WAIT", 20.0)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request, response):
        host = urlsplit(response.url).netloc
        if request.meta.get("xxgk_challenge_pass"):
            return await self._after_browser(request, response, host)
        kind = challenge_kind(response.status, response.body)
        if kind != "js":
            return response
        self.crawler.stats.inc_value("xxgk/challenge/seen")
        raw = request.meta.get(RAW)
        challenges = list(request.meta.get("xxgk_challenges", []))
        if raw:
            challenges.append(raw)
        tries = request.meta.get("xxgk_challenge_tries", 0)
        if tries >= 3:
            return response
        sent_with = request.meta.get("xxgk_cookie_gen", -1)
        lock = self.locks.setdefault(host, asyncio.Lock())
        # One browser pass per host at a time: requests challenged meanwhile wait for its cookies.
        await lock.acquire()
        cookies = self.host_cookies.get(host)
        gen = self.generation.get(host, 0)
        if cookies and gen != sent_with:
            lock.release()
            return self._plain(request, cookies, challenges, tries, gen)
        if self.browser_passes.get(host, 0) >= self.max_passes:
            lock.release()
            logger.warning("challenge at %s: browser pass budget spent", response.url)
            return response
        self.browser_passes[host] = self.browser_passes.get(host, 0) + 1
        logger.info("JS challenge (%s) at %s: passing it in Chromium", response.status, response.url)
        meta = {k: v for k, v in request.meta.items() if k not in (RAW, "xxgk_hops")}
        meta.update({
            "playwright": True, "playwright_include_page": True,
            "playwright_context": "xxgk",
            "xxgk_challenge_pass": True, "xxgk_challenges": challenges,
            "xxgk_challenge_tries": tries + 1, "dont_retry": True, "xxgk_lock_held": True,
        })
        meta.pop("xxgk_prev_sha", None)
        return request.replace(meta=meta, dont_filter=True, priority=request.priority + 50)

    def process_exception(self, request, exception):
        if request.meta.pop("xxgk_lock_held", False):
            lock = self.locks.get(urlsplit(request.url).netloc)
            if lock is not None and lock.locked():
                lock.release()
        return None

    async def _after_browser(self, request, response, host):
        try:
            return await self._after_browser_locked(request, response, host)
        finally:
            lock = self.locks.get(host)
            if request.meta.pop("xxgk_lock_held", False) and lock is not None and lock.locked():
                lock.release()

    async def _after_browser_locked(self, request, response, host):
        page = request.meta.get("playwright_page") or response.meta.get("playwright_page")
        cookies: list[dict] = []
        if page is not None:
            try:
                deadline = time.monotonic() + self.wait
                while time.monotonic() < deadline:
                    try:
                        html = await page.content()
                    except Exception:  # noqa: BLE001 - navigating: try again
                        html = ""
                    if html and not challenge_kind(200, html.encode("utf-8")):
                        break
                    await asyncio.sleep(0.3)
                try:
                    await page.wait_for_load_state("load", timeout=5000)
                except Exception:  # noqa: BLE001
                    pass
                cookies = await page.context.cookies()
            finally:
                try:
                    await page.close()
                except Exception:  # noqa: BLE001
                    pass
        request.meta.pop("playwright_page", None)
        response.meta.pop("playwright_page", None) if response.meta is not request.meta else None
        jar = [{"name": c["name"], "value": c["value"], "domain": c.get("domain") or urlsplit(response.url).hostname,
                "path": c.get("path") or "/"} for c in cookies]
        if not jar:
            logger.warning("browser did not earn a cookie at %s", response.url)
            self.crawler.stats.inc_value("xxgk/challenge/failed")
            return response
        self.host_cookies[host] = jar
        gen = self.generation[host] = self.generation.get(host, 0) + 1
        self.crawler.stats.inc_value("xxgk/challenge/passed")
        logger.info("challenge passed at %s: cookies %s", host, ", ".join(c["name"] for c in jar))
        return self._plain(request, jar, request.meta.get("xxgk_challenges", []),
                           request.meta.get("xxgk_challenge_tries", 1), gen)

    def _plain(self, request, cookies, challenges, tries, gen):
        meta = {k: v for k, v in request.meta.items()
                if not k.startswith("playwright") and k not in (RAW, "xxgk_hops", "xxgk_challenge_pass")}
        meta.update({"xxgk_challenges": challenges, "xxgk_with_cookies": True,
                     "xxgk_challenge_tries": tries, "xxgk_cookie_gen": gen})
        meta.pop("xxgk_lock_held", None)
        meta.pop("dont_retry", None)
        return request.replace(meta=meta, cookies=cookies, dont_filter=True)


def abort_browser_request(req) -> bool:
    """In Chromium, skip what a list or a challenge does not need."""
    return req.resource_type in ("image", "media", "font")


# --- resume -------------------------------------------------------------------------------------------

class ResumeSkipMiddleware:
    """In a resumed crawl, report pages, pages and attachments already recorded are not fetched
    again (listings are: they are walked again to find what was not fetched yet)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        bridge = get_bridge(self.crawler)
        if not bridge.done or request.meta.get("playwright") or request.meta.get("xxgk_with_cookies"):
            return None  # a page rendered (again) for its links, a challenge being passed
        role = xmeta(request).get("role")
        if role in ("report", "page", "attachment") and request.url in bridge.done:
            self.crawler.stats.inc_value("xxgk/resume/skipped")
            raise IgnoreRequest(f"already recorded in this crawl: {request.url}")
        return None


class JournalSpiderMiddleware(BaseSpiderMiddleware):
    """Write every request the spider schedules (except listings, which are walked again) to the
    crawl's frontier journal before the response that found it is archived."""

    def get_processed_request(self, request, response):
        x = request.meta.get("xxgk")
        if x is None or x.get("role") == "listing":
            return request
        bridge = get_bridge(self.crawler)
        if bridge.crawl_id is None:
            return request
        callback = request.callback.__name__ if callable(request.callback) else None
        errback = request.errback.__name__ if callable(request.errback) else None
        entry = {"url": request.url, "method": request.method, "cb": callback, "eb": errback,
                 "xxgk": x, "priority": request.priority,
                 "depth": request.meta.get("depth", (response.meta.get("depth", 0) + 1) if response else 0),
                 "referer": (request.headers.get(b"Referer") or b"").decode("latin-1") or None}
        if request.method != "GET":
            entry["body"] = request.body.decode("latin-1")
            entry["content_type"] = (request.headers.get(b"Content-Type") or b"").decode("latin-1")
        bridge.journal(entry)
        return request


def request_from_journal(spider, e: dict) -> Request | None:
    cb = getattr(spider, e.get("cb") or "", None)
    if cb is None:
        return None
    eb = getattr(spider, e.get("eb") or "", None)
    headers = {}
    if e.get("referer"):
        headers["Referer"] = e["referer"]
    if e.get("content_type"):
        headers["Content-Type"] = e["content_type"]
    body = e.get("body")
    return Request(e["url"], method=e.get("method", "GET"), callback=cb, errback=eb,
                   body=body.encode("latin-1") if body else None, headers=headers or None,
                   priority=e.get("priority", 0),
                   meta={"xxgk": e.get("xxgk") or {}, "depth": e.get("depth", 0)})
