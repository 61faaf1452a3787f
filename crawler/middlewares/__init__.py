"""The crawler's downloader middlewares, one module each (settings: ``DOWNLOADER_MIDDLEWARES``).

Order (process_request runs low → high, process_response high → low)::

     60 resume.ResumeSkipMiddleware           a resumed crawl does not fetch what it already recorded
    550 retry.BackoffRetryMiddleware          5xx / 429 / 418 / timeouts, exponential back-off
    560 challenge.ChallengeMiddleware         412 / 521 JS cookie challenges: pass once in Chromium
    570 encoding.EncodingMiddleware           GBK pages that do not say so
    585 conditional.ConditionalRequestMiddleware  If-None-Match / If-Modified-Since; a 304 gets the stored body
    590 sizelimit.SizeLimitMiddleware         Scrapy's decompression; a body past DOWNLOAD_MAXSIZE kept, cut
    600 (RedirectMiddleware)
    650 capture.RawCaptureMiddleware          the response as it came off the wire, before decompression
    700 (CookiesMiddleware)

A middleware a setting turns off raises ``NotConfigured`` in ``from_crawler``, as Scrapy's own do.
The spider middleware ``journal.JournalSpiderMiddleware`` (100) writes the frontier journal.
"""

from .capture import RAW
from .public_suffixes import use_offline_public_suffixes

__all__ = ["RAW"]

use_offline_public_suffixes()
