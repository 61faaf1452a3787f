"""One fetch as the crawler (or ``xxgk ingest``) hands it over, and its rows: ``documents``
(one per distinct body) and ``fetches`` (one per exchange).
:meth:`archive.store.Archive.record_fetch` puts the pieces together."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from typing import NamedTuple

from parsers.detect import sniff

from . import queries
from .blobs import BlobStore
from .httpbody import BodyTooLarge, decode_body, display_headers, header_value, wire_headers
from .paths import Layout
from .writer import insert

REPORT_ROLES = ("report", "attachment")


def now_iso() -> str:
    """Now, UTC, as the archive writes every time: ``2024-02-01T08:00:00.123456Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_iso(iso: str) -> str:
    """An ISO 8601 time in UTC with 'Z' (also a WARC/1.1 date); fractions only when there are."""
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if dt.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return dt.strftime(fmt)


def reason_phrase(status: int | None) -> str | None:
    """The standard reason phrase of an HTTP status (``404`` → ``Not Found``); None when the
    status is missing or not a registered one."""
    try:
        return HTTPStatus(status).phrase
    except (ValueError, TypeError):
        return None


class StoredBody(NamedTuple):
    sha256: str
    size: int
    format: str


@dataclass
class FetchRecord:
    crawl_id: str | None
    portal: str | None
    url: str | None
    method: str = "GET"
    form: dict | bytes | None = None
    final_url: str | None = None
    redirects: list = field(default_factory=list)
    status: int | None = None
    reason: str | None = None
    http_version: str = "HTTP/1.1"
    request_headers: list = field(default_factory=list)
    response_headers: list = field(default_factory=list)
    raw_body: bytes | None = None
    body: bytes | None = None
    fetched_at: str | None = None
    referer: str | None = None
    link_text: str | None = None
    role: str = "page"
    report_url: str | None = None
    aliases: list = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    ip_address: str | None = None
    error: str | None = None
    found_by: str | None = None          # 'recheck': only the archive knew this URL
    organ: str | None = None             # the organ whose column listed it (organ directories)
    # What the page or URL says of the report (a report page's fetch and its files' fetches):
    dates: list = field(default_factory=list)   # [{"date", "source", "detail"}] (archive.dates)
    publisher: str | None = None         # the page's 发布机构 / 来源
    content_selector: str | None = None  # the CSS selector of the page's body container
    # Why the body is not all the server sent: WARC-Truncated's reason ('length': cut at
    # MAX_FILE_BYTES; 'disconnect': the server closed before the end; 'time': it stopped sending
    # until DOWNLOAD_TIMEOUT); ``error`` then says so in words.
    truncated: str | None = None
    # A body already in the blob store (``xxgk ingest`` streams files there): then ``body`` is
    # None and the blob's hash, size and format stand for it.
    stored: StoredBody | None = None


@dataclass
class FetchResult:
    fetch_id: int
    sha256: str | None
    size: int
    format: str | None
    unchanged: bool
    new_document: bool


@dataclass
class Exchange:
    """A FetchRecord made ready to store: headers as wire strings, the body decoded, stored and
    sniffed — each done once."""
    rec: FetchRecord
    fetched_at: str
    request_headers: list
    response_headers: list
    body: bytes | None
    sha256: str | None
    format: str | None
    size: int = 0


def prepare(rec: FetchRecord, blobs: BlobStore) -> Exchange:
    """Decode the body, put it in the blob store and tell its format: the slow part, done
    outside the lock (the blob write is atomic anyway)."""
    fetched_at = rec.fetched_at
    if isinstance(fetched_at, datetime):
        fetched_at = fetched_at.isoformat()
    resp_headers = wire_headers(rec.response_headers)
    body = rec.body
    if body is None and rec.raw_body is not None and rec.error is None and not rec.truncated:
        try:
            body = decode_body(rec.raw_body, resp_headers)
        except BodyTooLarge as exc:
            # The wire bytes go to the WARC record whole; no decoded document is kept.
            rec = dataclasses.replace(rec, error=str(exc))
    sha = fmt = None
    size = 0
    if rec.stored is not None:
        sha, size, fmt = rec.stored
    elif body is not None and rec.status != 304:
        sha, _ = blobs.put(body)
        fmt, size = sniff(body), len(body)
    return Exchange(rec, utc_iso(fetched_at) if fetched_at else now_iso(),
                    wire_headers(rec.request_headers), resp_headers, body, sha, fmt, size)


class Document(NamedTuple):
    id: int | None          # None: the exchange brought no body
    new: bool
    size: int


def document_row(db, layout: Layout, sha: str | None, size: int, fmt: str | None,
                 seen: str, role: str) -> Document:
    """The ``documents`` row of a body: found (a report file now waits for its parse) or new."""
    if not sha:
        return Document(None, False, 0)
    doc = queries.document(db, sha)
    if doc:
        if role in REPORT_ROLES and doc["parse_status"] is None:
            db.execute("UPDATE documents SET parse_status = 'pending' WHERE id = ?", (doc["id"],))
        return Document(doc["id"], False, doc["size"])
    doc_id = insert(db, "documents", {
        "sha256": sha, "size": size, "format": fmt, "first_seen": seen,
        "blob": layout.relative(layout.blob(sha)),
        "parse_status": "pending" if role in REPORT_ROLES else None})
    return Document(doc_id, True, size)


def fetch_row(ex: Exchange, doc: Document, *, sha: str | None, fmt: str | None,
              unchanged: bool, revisit_of: int | None, source: str,
              local_path: str | None) -> dict:
    """The ``fetches`` row of an exchange (its WARC columns are added by the caller)."""
    rec, body = ex.rec, ex.body
    form = rec.form
    if isinstance(form, (bytes, bytearray)):
        form = bytes(form).decode("utf-8", "replace")
    elif form is not None:
        form = json.dumps(form, ensure_ascii=False)
    return {
        "crawl_id": rec.crawl_id, "source": source, "portal": rec.portal, "url": rec.url,
        "method": rec.method, "form": form, "final_url": rec.final_url,
        "redirects": json.dumps(list(rec.redirects), ensure_ascii=False)
        if rec.redirects else None,
        "status": rec.status, "reason": rec.reason,
        "http_version": rec.http_version if rec.status is not None else None,
        "request_headers": _json_headers(ex.request_headers),
        "response_headers": _json_headers(ex.response_headers),
        "etag": header_value(ex.response_headers, "etag"),
        "last_modified": header_value(ex.response_headers, "last-modified"),
        "fetched_at": ex.fetched_at, "referer": rec.referer, "link_text": rec.link_text,
        "role": rec.role, "report_url": rec.report_url, "title": rec.title,
        "published": rec.published, "ip_address": rec.ip_address,
        "document_id": doc.id, "sha256": sha, "size": doc.size if sha else None,
        "raw_size": len(rec.raw_body) if rec.raw_body is not None
        else (len(body) if body is not None else ex.size if rec.stored else None),
        "format": fmt, "unchanged": int(unchanged) if sha else None,
        "revisit_of": revisit_of, "local_path": local_path, "error": rec.error,
        "found_by": rec.found_by, "organ": rec.organ, "publisher": rec.publisher,
        "dates": json.dumps(rec.dates, ensure_ascii=False) if rec.dates else None,
        "content_selector": rec.content_selector, "truncated": rec.truncated,
    }


def _json_headers(headers) -> str | None:
    return json.dumps(display_headers(headers), ensure_ascii=False) if headers else None
