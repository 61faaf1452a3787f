"""Conditional requests from the archive's validators (``XXGK_CONDITIONAL``)."""

from __future__ import annotations

from scrapy.responsetypes import responsetypes

from ..bridge import get_bridge
from .switched import SwitchedMiddleware


class ConditionalRequestMiddleware(SwitchedMiddleware):
    """Send the archive's validators; answer a 304 with the body stored last time.

    The spider then walks the old body as if it had been sent again (a listing's links, a report
    page's attachments), while the archive records a 304 (a WARC revisit), not a new copy. Off
    when ``XXGK_CONDITIONAL`` or ``XXGK_ARCHIVE_ENABLED`` is false.
    """

    requires = ("XXGK_CONDITIONAL", "XXGK_ARCHIVE_ENABLED")

    async def process_request(self, request):
        bridge = get_bridge(self.crawler)
        if (not bridge.reads_archive or request.method != "GET"
                or request.meta.get("playwright") or request.meta.get("xxgk_no_conditional")
                or "xxgk_prev_sha" in request.meta):
            return None
        v = await bridge.call(bridge.validators, request.url)
        if not v or not v.get("sha256") or not (v.get("etag") or v.get("last_modified")):
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
            body = await bridge.call(bridge.read_blob, sha)
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
