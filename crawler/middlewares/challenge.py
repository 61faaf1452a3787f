"""JavaScript cookie challenges (瑞数 412, 加速乐 521), passed once per host in Chromium."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from urllib.parse import urlsplit

from ..browser import (BROWSER_CONTEXT, STEP_TIMEOUT, BrowserStepTimeout, browser_step,
                       close_failed_page, close_page)
from .capture import RAW
from .switched import SwitchedMiddleware

logger = logging.getLogger(__name__)

# Why Chromium did not pass a challenge, for the record of the response left behind it.
CHALLENGE_FAILED = "xxgk_challenge_failed"

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


class ChallengeMiddleware(SwitchedMiddleware):
    """A 412 (瑞数) or 521 (加速乐) page that sets a cookie with JavaScript: load the URL once in
    Chromium (scrapy-playwright), take the cookies the page earned, and fetch the URL again as a
    plain request carrying them; later requests to the host carry them through Scrapy's jar.
    The challenge responses travel in ``meta['xxgk_challenges']`` so the spider archives them."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.host_cookies: dict[str, list[dict]] = {}
        self.browser_passes: dict[str, int] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.generation: dict[str, int] = {}     # how many times a host's cookies were earned
        self.max_passes = crawler.settings.getint("XXGK_CHALLENGE_MAX_PASSES", 4)
        self.wait = crawler.settings.getfloat("XXGK_CHALLENGE_WAIT", 20.0)
        self.step = crawler.settings.getfloat("XXGK_BROWSER_STEP_TIMEOUT", STEP_TIMEOUT)

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
            "playwright_context": BROWSER_CONTEXT,
            "xxgk_challenge_pass": True, "xxgk_challenges": challenges,
            "xxgk_challenge_tries": tries + 1, "dont_retry": True, "xxgk_lock_held": True,
        })
        meta.pop("xxgk_prev_sha", None)
        return request.replace(meta=meta, dont_filter=True, priority=request.priority + 50)

    def process_exception(self, request, exception):
        if request.meta.get("xxgk_challenge_pass"):
            # The browser never got past the challenge (it timed out, it crashed): the crawl
            # stays behind it, and its closing stats say so.
            logger.warning("challenge at %s not passed: %s", request.url, exception)
            self.crawler.stats.inc_value("xxgk/challenge/failed")
            close_failed_page(request, self.step)
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
        why = "the page set no cookie"
        if page is not None:
            # Each browser step under the watchdog: a challenge page whose script hangs gives
            # up this pass (no cookie: the response stays the challenge) instead of the crawl.
            try:
                deadline = time.monotonic() + self.wait
                while time.monotonic() < deadline:
                    left = max(0.5, min(self.step, deadline - time.monotonic()))
                    try:
                        html = await browser_step(page.content(), left, "reading the challenge")
                    except BrowserStepTimeout:
                        raise
                    except Exception:  # noqa: BLE001 - navigating: try again
                        html = ""
                    if html and not challenge_kind(200, html.encode("utf-8")):
                        break
                    await asyncio.sleep(0.3)
                try:
                    await page.wait_for_load_state("load", timeout=5000)
                except Exception:  # noqa: BLE001
                    pass
                cookies = await browser_step(page.context.cookies(), self.step,
                                             "reading the challenge's cookies")
            except BrowserStepTimeout as exc:
                logger.warning("challenge at %s: %s", response.url, exc)
                self.crawler.stats.inc_value("xxgk/browser/step_timeout")
                cookies, why = [], str(exc)
            finally:
                await close_page(page, self.step)
        request.meta.pop("playwright_page", None)
        response.meta.pop("playwright_page", None) if response.meta is not request.meta else None
        jar = [{"name": c["name"], "value": c["value"], "domain": c.get("domain") or urlsplit(response.url).hostname,
                "path": c.get("path") or "/"} for c in cookies]
        if not jar:
            logger.warning("browser did not earn a cookie at %s", response.url)
            self.crawler.stats.inc_value("xxgk/challenge/failed")
            request.meta[CHALLENGE_FAILED] = why    # the fetch's error says why
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
