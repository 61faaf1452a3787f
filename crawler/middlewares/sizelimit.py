"""Responses past DOWNLOAD_MAXSIZE kept as far as the limit, never dropped.

Scrapy's download handler, on a body past DOWNLOAD_MAXSIZE, throws away what arrived and cancels;
its HttpCompressionMiddleware, on a body that inflates past it, ignores the request. Either way
the exchange would leave no trace. Here the handler is told no limit (``download_maxsize`` 0 in
the request's meta) and the bytes are counted as they arrive (``bytes_received``): at the limit
the download is stopped (``StopDownload(fail=False)``) and what arrived is handed on, flagged.
A body that inflates past the limit is caught the same way. Both reach the spider's errback as
:class:`ResponseTruncated`, carrying the exchange as received (``request.meta['xxgk_raw']``), so
the archive writes a WARC record (``WARC-Truncated: length`` for a cut body) and a ``fetches`` row
with the error. A body the server cut short (``DOWNLOAD_FAIL_ON_DATALOSS`` off, so Scrapy hands it
on flagged ``dataloss``) is kept the same way, marked ``WARC-Truncated: disconnect``; one that
``DOWNLOAD_TIMEOUT`` cut short (handed on flagged ``timeout`` by crawler/http_handler.py), marked
``WARC-Truncated: time``.

Memory stays bounded by the limit: the handler's buffer holds at most DOWNLOAD_MAXSIZE plus one
network chunk, and inflating stops at DOWNLOAD_MAXSIZE.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload

from parsers.limits import breach

from ..http_handler import IDLE, TIMED_OUT
from .capture import RAW

logger = logging.getLogger(__name__)

LIMIT = "xxgk_maxsize"          # the request's limit, in bytes (0: none)
RECEIVED = "xxgk_received"      # bytes received so far
CUT = "xxgk_cut"                # set once the download was stopped at the limit


class ResponseTruncated(IgnoreRequest):
    """A response past DOWNLOAD_MAXSIZE: ``raw`` is what arrived (the capture's dict),
    ``truncated`` the WARC-Truncated reason when the body was cut (None: the wire bytes are
    whole, only their decoding passed the limit)."""

    def __init__(self, message: str, raw: dict, truncated: str | None):
        super().__init__(message)
        self.raw = raw
        self.truncated = truncated


class SizeLimitMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (in its place, 590), with DOWNLOAD_MAXSIZE kept."""

    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        mw._idle_timeout = crawler.settings.getfloat("XXGK_DOWNLOAD_IDLE_TIMEOUT", 0)
        crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    def process_request(self, request, spider=None):
        limit = request.meta.get("download_maxsize", self._max_size)
        request.meta[LIMIT] = limit
        request.meta["download_maxsize"] = 0    # the handler keeps everything; we count
        request.meta[RECEIVED] = 0
        return super().process_request(request)

    def bytes_received(self, data, request, spider=None):
        limit = request.meta.get(LIMIT)
        if not limit:
            return
        request.meta[RECEIVED] = request.meta.get(RECEIVED, 0) + len(data)
        if request.meta[RECEIVED] > limit:
            request.meta[CUT] = True
            raise StopDownload(fail=False)

    def process_response(self, request, response, spider=None):
        limit = request.meta.get(LIMIT) or self._max_size
        raw = request.meta.get(RAW) or {}
        if "dataloss" in response.flags:
            # The peer closed before the body was whole: kept as far as it came.
            msg = (f"connection closed after {len(response.body)} bytes{_announced(response)}: "
                   "the body is incomplete")
            logger.warning("%s: %s", request.url, msg)
            self._count("disconnect")
            raise ResponseTruncated(msg, raw, "disconnect")
        if TIMED_OUT in response.flags:
            # The server stopped sending and DOWNLOAD_TIMEOUT (or the idle limit) ran out: kept
            # as far as it came.
            limit_name, seconds = (
                ("XXGK_DOWNLOAD_IDLE_TIMEOUT", self._idle_timeout) if IDLE in response.flags else
                ("DOWNLOAD_TIMEOUT", request.meta.get("download_timeout", 0)))
            msg = breach(limit_name, f"{seconds:g} s",
                         f"the server stopped sending after {len(response.body)} bytes"
                         f"{_announced(response)}; the body is incomplete")
            logger.warning("%s: %s", request.url, msg)
            self._count("timeout")
            raise ResponseTruncated(msg, raw, "time")
        if request.meta.get(CUT) and "download_stopped" in response.flags:
            msg = breach("DOWNLOAD_MAXSIZE", limit,
                         f"response cut after {len(response.body)} bytes"
                         + _announced(response))
            logger.warning("%s: %s", request.url, msg)
            self._count("truncated")
            raise ResponseTruncated(msg, raw, "length")
        request.meta["download_maxsize"] = limit   # what Scrapy's inflating reads
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if "DOWNLOAD_MAXSIZE" not in str(exc):
                raise
            msg = breach("DOWNLOAD_MAXSIZE", limit,
                         f"the body ({len(response.body)} bytes, "
                         f"{response.headers.get(b'Content-Encoding', b'').decode('latin-1')}) "
                         "inflates past it; kept as sent")
            self._count("inflated")
            raise ResponseTruncated(msg, raw, None) from exc

    def _count(self, what: str) -> None:
        if self.stats:
            self.stats.inc_value(f"xxgk/oversized/{what}")


def _announced(response) -> str:
    length = response.headers.get(b"Content-Length")
    return f" of {length.decode('latin-1')} announced" if length else ""
