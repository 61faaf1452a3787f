"""What every callback does first, and the records it yields.

A response may have been reached through challenge pages and retried failures (the middlewares
carry them in its meta): they are archived first. A response whose status is not 2xx ends the
callback with its record. ``callback(on_failure)`` does both, so that the body of a callback sees
only a successful response and the request's ``xxgk`` dict.
"""

from __future__ import annotations

import functools
import logging

from scrapy.exceptions import IgnoreRequest

from ..items import fetch_item_from_failure, fetch_item_from_raw, fetch_item_from_response
from ..meta import xmeta
from ..middlewares.challenge import CHALLENGE_FAILED
from ..middlewares.sizelimit import ResponseTruncated

logger = logging.getLogger(__name__)


def failed(response) -> bool:
    return not (200 <= response.status < 300)


def http_error(response) -> str:
    failed = response.meta.get(CHALLENGE_FAILED)
    return f"HTTP {response.status}" + (f": JavaScript challenge not passed ({failed})"
                                        if failed else "")


def side_items(response, x: dict):
    """Challenge pages and retried failures that led to this response."""
    req = response.request
    for raw in response.meta.get("xxgk_challenges", []) or []:
        yield fetch_item_from_raw(raw, req, "challenge", error="JavaScript challenge",
                                  link_text=x.get("link_text"))
    for raw in response.meta.get("xxgk_attempts", []) or []:
        yield fetch_item_from_raw(raw, req, x.get("role", "page"),
                                  error=f"HTTP {raw.get('status')}: retried",
                                  link_text=x.get("link_text"), report_url=x.get("report_url"))


def item(response, role: str, **fields):
    """The record of this exchange, with what the request knew (link text, found_by, referer)."""
    x = xmeta(response)
    fields.setdefault("link_text", x.get("link_text"))
    fields.setdefault("found_by", x.get("found_by"))
    fields.setdefault("organ", x.get("organ"))
    if not fields.get("referer") and x.get("referer"):
        fields["referer"] = x["referer"]
    return fetch_item_from_response(response, role, **fields)


def failure_item(failure, stats):
    """The record of a request that got no response at all (DNS, connection, timeout), or
    one whose body passed DOWNLOAD_MAXSIZE (kept as far as the limit)."""
    request = failure.request
    x = xmeta(request)
    if failure.check(ResponseTruncated):
        return truncated_item(failure.value, request, x, stats)
    if failure.check(IgnoreRequest):
        return None
    logger.warning("fetch failed: %s: %s", request.url, failure.value)
    stats.inc_value("xxgk/fetch_failed")
    # One line: a browser's error carries its whole launch log after the first.
    first = str(failure.value).splitlines()[0] if str(failure.value) else ""
    return fetch_item_from_failure(request, f"{type(failure.value).__name__}: {first}",
                                   x.get("role", "page"), link_text=x.get("link_text"),
                                   report_url=x.get("report_url"), title=x.get("title"),
                                   found_by=x.get("found_by"))


def truncated_item(exc, request, x: dict, stats):
    """A response past DOWNLOAD_MAXSIZE: the bytes that arrived (its WARC record), no document."""
    stats.inc_value("xxgk/fetch_failed")
    raw = exc.raw or {"url": request.url, "method": request.method}
    it = fetch_item_from_raw(raw, request, x.get("role", "page"), error=str(exc),
                             truncated=exc.truncated, link_text=x.get("link_text"),
                             report_url=x.get("report_url"), title=x.get("title"),
                             found_by=x.get("found_by"))
    it["body"] = None   # a cut or unreadable body is no document; its bytes are in the WARC
    return it


def listing_failed(spider, response, x):
    yield item(response, "listing", error=http_error(response))


def callback(on_failure):
    """Decorate a spider callback ``fn(spider, response, x)``: side items first, then
    ``on_failure(spider, response, x)`` for a failed status, else the callback's body."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(spider, response):
            x = xmeta(response)
            yield from side_items(response, x)
            if failed(response):
                yield from on_failure(spider, response, x)
                return
            yield from fn(spider, response, x)
        return run
    return wrap
