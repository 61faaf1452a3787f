"""Retries with exponential back-off (``RETRY_*``, ``XXGK_BACKOFF_BASE``, ``XXGK_BACKOFF_MAX``)."""

from __future__ import annotations

import asyncio
import random

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request

from .capture import RAW


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (off with ``RETRY_ENABLED = False``), but each retry waits
    base·2ⁿ⁻¹ seconds (jittered, capped, or Retry-After) before it is sent again."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("XXGK_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("XXGK_BACKOFF_MAX", 120.0)

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
