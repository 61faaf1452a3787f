"""The response as it came off the wire, kept for the archive before Scrapy decodes it."""

from __future__ import annotations

from archive.fetches import now_iso
from archive.httpbody import wire_headers

RAW = "xxgk_raw"


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
            "headers": wire_headers(response.headers),
            "body": response.body,
            "protocol": response.protocol or "HTTP/1.1",
            "ip": str(response.ip_address) if response.ip_address else None,
            "request_headers": wire_headers(request.headers),
            "method": request.method,
            "fetched_at": now_iso(),
            "rendered": bool(request.meta.get("playwright")),
        }
        if 300 <= response.status < 400 and b"Location" in response.headers:
            hops.append({k: raw[k] for k in ("url", "status", "headers", "fetched_at")})
        request.meta[RAW] = raw
        return response
