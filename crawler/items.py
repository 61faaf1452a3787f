"""What a spider yields: one FetchItem per HTTP exchange (listing, page, report, attachment,
challenge), carrying what the archive's FetchRecord needs, and an OrganItem per organ an organ
directory names."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl

from archive.fetches import FetchRecord, now_iso, reason_phrase
from archive.httpbody import wire_headers

from .middlewares import RAW

# What an item carries: FetchRecord's fields but the two the pipeline adds.
FETCH_FIELDS = tuple(f.name for f in dataclasses.fields(FetchRecord)
                     if f.name not in ("crawl_id", "portal"))


@dataclasses.dataclass
class OrganItem:
    """An organ a portal's organ directory names (the pipeline adds the portal): its 年报 column
    once found, the page that named it, the division it sits in."""

    name: str
    column_url: str | None = None
    directory_url: str | None = None
    division_code: str | None = None


class FetchItem(dict):
    """A dict with FetchRecord's fields (minus crawl_id/portal, which the pipeline adds)."""

    def record_fields(self) -> dict:
        return {k: self[k] for k in FETCH_FIELDS if k in self}

    def summary(self) -> dict:
        """What is left after archiving: no bytes (feeds, logs, tests)."""
        out = {k: v for k, v in self.items() if k not in ("raw_body", "body", "request_headers",
                                                           "response_headers")}
        out["size"] = len(self["body"]) if self.get("body") is not None else None
        return out


def form_of(request) -> dict | bytes | None:
    if request.method == "GET" or not request.body:
        return None
    ctype = (request.headers.get(b"Content-Type") or b"").decode("latin-1")
    if "application/x-www-form-urlencoded" in ctype:
        pairs = parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        out: dict = {}
        for k, v in pairs:
            out.setdefault(k, []).append(v)
        return {k: v[0] if len(v) == 1 else v for k, v in out.items()}
    return request.body


def fetch_item_from_response(response, role: str, **fields) -> FetchItem:
    """The exchange that produced ``response``, from the raw capture stashed in its meta."""
    request = response.request
    raw = response.meta.get(RAW) or {}
    redirect_urls = list(response.meta.get("redirect_urls") or [])
    url = redirect_urls[0] if redirect_urls else response.url
    not_modified = bool(response.meta.get("xxgk_not_modified"))
    status = raw.get("status", response.status)
    rendered = raw.get("rendered") or bool(response.meta.get("playwright"))
    item = FetchItem(
        url=url,
        method=request.method if request is not None else "GET",
        form=form_of(request) if request is not None else None,
        final_url=response.url if redirect_urls else None,
        redirects=[*redirect_urls, response.url] if redirect_urls else [],
        status=status,
        reason=reason_phrase(status),
        http_version=raw.get("protocol") or response.protocol or "HTTP/1.1",
        request_headers=raw.get("request_headers") or (wire_headers(request.headers) if request is not None else []),
        response_headers=raw.get("headers") or wire_headers(response.headers),
        raw_body=None if (not_modified or rendered) else raw.get("body"),
        body=None if not_modified else response.body,
        fetched_at=raw.get("fetched_at") or now_iso(),
        referer=_referer(request),
        role=role,
        ip_address=raw.get("ip") or (str(response.ip_address) if response.ip_address else None),
    )
    if rendered:
        item["error"] = None
        item["rendered"] = True
    item.update({k: v for k, v in fields.items() if v is not None or k == "error"})
    return item


def fetch_item_from_raw(raw: dict, request, role: str, **fields) -> FetchItem:
    """An exchange that did not reach the spider as a response: a challenge page, a retried 5xx."""
    status = raw.get("status")
    item = FetchItem(
        url=raw.get("url") or request.url, method=raw.get("method") or request.method,
        form=form_of(request), final_url=None, redirects=[], status=status,
        reason=reason_phrase(status), http_version=raw.get("protocol") or "HTTP/1.1",
        request_headers=raw.get("request_headers") or [], response_headers=raw.get("headers") or [],
        raw_body=None if raw.get("rendered") else raw.get("body"), body=raw.get("body"),
        fetched_at=raw.get("fetched_at") or now_iso(), referer=_referer(request), role=role,
        ip_address=raw.get("ip"))
    item.update(fields)
    return item


def fetch_item_from_failure(request, error: str, role: str, **fields) -> FetchItem:
    item = FetchItem(url=request.url, method=request.method, form=form_of(request), status=None,
                     request_headers=wire_headers(request.headers), fetched_at=now_iso(),
                     referer=_referer(request), role=role, error=error)
    item.update(fields)
    return item


def _referer(request) -> str | None:
    if request is None:
        return None
    ref = request.headers.get(b"Referer")
    if ref:
        return ref.decode("latin-1")
    return (request.meta.get("xxgk") or {}).get("referer")
