"""WARC/1.1 files for a crawl: request, response, metadata and revisit records, via warcio.

Each record is one gzip member written with a single ``write`` and fsynced, so a killed crawl
leaves at worst a torn last member, which :func:`repair` cuts off before the crawl resumes. The
response record holds the body as the server sent it (still gzip-encoded if it was) under the real
status line and headers; digests are SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import socket
import zlib
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from importlib.metadata import version
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from .fetches import Exchange, reason_phrase
from .httpbody import header_value
from .paths import Layout

PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
MAX_FILE_BYTES = 1024 ** 3


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest of ``data``, as warcio writes and checks it."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


class RawHeaders(StatusAndHeaders):
    """Headers written back byte for byte: values hold the wire bytes decoded as latin-1.

    warcio would percent-encode non-ASCII values; a GBK filename in Content-Disposition must
    stay the bytes the server sent.
    """

    def compute_headers_buffer(self, header_filter=None):
        self.headers_buff = self.to_str(header_filter).encode("latin-1") + b"\r\n"


class _Writer(WARCWriter):
    @staticmethod
    def _create_digester():
        return Digester("sha256")


class _GzipMember:
    """A write-only file that gzips as it is written: a record of a large body is compressed
    piece by piece, never held uncompressed a second time."""

    def __init__(self):
        # Level 6, not warcio's 9: bodies are mostly PDFs, already compressed.
        self.comp = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(self.comp.compress(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> bytes:
        self.parts.append(self.comp.flush())
        return b"".join(self.parts)


def _serialize(builder: _Writer, record) -> bytes:
    sink = _GzipMember()
    builder.out = sink
    builder.write_record(record)
    return sink.close()


def _fields(pairs) -> bytes:
    out = []
    for name, value in pairs:
        if value is None or value == "":
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            v = " ".join(str(v).split())  # one line per field
            out.append(f"{name}: {v}\r\n")
    return "".join(out).encode("utf-8")


class Builder:
    """Makes the records of one exchange; knows nothing about files."""

    def __init__(self):
        self.w = _Writer(io.BytesIO(), gzip=False, warc_version="1.1")

    @staticmethod
    def _headers(date: str, ip: str | None = None, concurrent_to: str | None = None, **more):
        h = {"WARC-Date": date, **more}
        if ip:
            h["WARC-IP-Address"] = ip
        if concurrent_to:
            h["WARC-Concurrent-To"] = concurrent_to
        return h

    def _record(self, url: str, kind: str, body: bytes, warc_headers: dict, **kw):
        return self.w.create_warc_record(url, kind, payload=io.BytesIO(body), length=len(body),
                                         warc_headers_dict=warc_headers, **kw)

    def warcinfo(self, filename: str, info: dict):
        return self.w.create_warcinfo_record(filename, info)

    def request(self, url: str, method: str, http_version: str, headers, body: bytes, date: str,
                concurrent_to: str | None):
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not any(k.lower() == "host" for k, _ in headers):
            headers = [("Host", parts.netloc)] + list(headers)
        http = RawHeaders(f"{method} {target} {http_version}", list(headers), is_http_request=True)
        return self._record(url, "request", body, self._headers(date, concurrent_to=concurrent_to),
                            http_headers=http)

    def response(self, url: str, status_line: str, http_version: str, headers, payload: bytes,
                 date: str, ip: str | None, digest: str, truncated: str | None = None):
        http = RawHeaders(status_line, list(headers), protocol=http_version)
        more = {"WARC-Payload-Digest": digest}
        if truncated:
            # The payload is what arrived before a limit cut it, as Heritrix and warcprox mark it.
            more["WARC-Truncated"] = truncated
        return self._record(url, "response", payload, self._headers(date, ip, **more),
                            http_headers=http)

    def revisit(self, url: str, status_line: str, http_version: str, headers, date: str,
                ip: str | None, digest: str, profile: str, refers_to: dict):
        http = RawHeaders(status_line, list(headers), protocol=http_version)
        h = self._headers(date, ip)
        if refers_to.get("record_id"):
            h["WARC-Refers-To"] = refers_to["record_id"]
        rec = self.w.create_revisit_record(url, digest, refers_to["uri"], refers_to["date"],
                                           http_headers=http, warc_headers_dict=h)
        rec.rec_headers.replace_header("WARC-Profile", profile)
        return rec

    def resource(self, url: str, date: str, content_type: str, body: bytes):
        """A body with no HTTP exchange around it (a browser-rendered page, say)."""
        return self._record(url, "resource", body, self._headers(date),
                            warc_content_type=content_type)

    def metadata(self, url: str, date: str, concurrent_to: str | None, fields) -> object:
        return self._record(url, "metadata", _fields(fields),
                            self._headers(date, concurrent_to=concurrent_to),
                            warc_content_type="application/warc-fields")

    def serialize(self, record) -> bytes:
        return _serialize(self.w, record)


def _software() -> str:
    return f"xxgk-archive/{version('xxgk-archive')} warcio/{version('warcio')}"


class WarcFile:
    """The WARC files of one crawl, written by this process: a new file per session or GiB."""

    def __init__(self, layout: Layout, crawl_id: str, info: dict, max_bytes: int = MAX_FILE_BYTES):
        self.layout = layout
        self.crawl_id = crawl_id
        self.info = info
        self.max_bytes = max_bytes
        self.dir = layout.warc / crawl_id
        self.dir.mkdir(parents=True, exist_ok=True)
        self.builder = Builder()
        self.path: Path | None = None
        self.fd: int | None = None
        self.size = 0
        # A killed writer may have left half a record at the end of its last file.
        for old in sorted(self.dir.glob("*.warc.gz"))[-1:]:
            repair(old)

    def _open(self) -> None:
        serial = len(list(self.dir.glob("*.warc.gz")))
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.crawl_id}-{stamp}-{serial:05d}-{os.getpid()}.warc.gz"
        self.path = self.dir / name
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self.size = 0
        info = {
            "software": _software(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            "isPartOf": self.crawl_id,
            **self.info,
        }
        self._write([self.builder.warcinfo(name, info)])

    def append(self, records) -> list[tuple[str, int, int, str]]:
        """Write ``records``; return (file relative to data dir, offset, length, record id) each."""
        if self.fd is None or self.size >= self.max_bytes:
            self.close()
            self._open()
        return self._write(records)

    def _write(self, records) -> list[tuple[str, int, int, str]]:
        blobs = [self.builder.serialize(r) for r in records]
        out, offset = [], self.size
        for rec, blob in zip(records, blobs):
            out.append((self.layout.relative(self.path), offset, len(blob),
                        rec.rec_headers.get_header("WARC-Record-ID")))
            offset += len(blob)
        data = b"".join(blobs)
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        os.fsync(self.fd)
        self.size += len(data)
        return out

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class CrawlWarcs:
    """The open WARC writer of each crawl this process records."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self._open: dict[str, WarcFile] = {}

    def get(self, crawl_id: str) -> WarcFile | None:
        return self._open.get(crawl_id)

    def open(self, crawl_id: str, crawl: dict | None) -> WarcFile:
        """Open the crawl's writer; ``crawl`` is its ``crawls`` row (for the warcinfo record)."""
        if crawl is None:
            raise ValueError(f"unknown crawl {crawl_id!r}: call begin_crawl first")
        w = self._open[crawl_id] = WarcFile(self.layout, crawl_id, {
            "portal": crawl["portal"], "spider": crawl["spider"], "operator": "xxgk-archive"})
        return w

    def close(self, crawl_id: str | None = None) -> None:
        """Close one crawl's writer, or all of them."""
        for cid in [crawl_id] if crawl_id else list(self._open):
            w = self._open.pop(cid, None)
            if w:
                w.close()


def exchange_records(w: WarcFile, ex: Exchange, sha: str | None, fmt: str | None,
                     prev: dict | None, first_response) -> dict:
    """Write the records of one exchange (``ex``, with the body's ``sha``/``fmt``) and return
    where its main record is, as ``fetches`` columns.

    ``prev`` is the URL's last 2xx fetch when the exchange is a 304; ``first_response(digest)``
    finds the first response record of a payload already archived (a revisit then refers to it).
    """
    rec, body, resp_headers = ex.rec, ex.body, ex.response_headers
    b = w.builder
    target = rec.final_url or rec.url
    date = ex.fetched_at
    notes = []
    meta = _provenance(rec, sha, fmt)
    if rec.status is None and body is not None and not rec.error:
        # Bytes without an HTTP status (a rendered page): a resource record, said as such.
        ctype = header_value(resp_headers, "content-type") or "application/octet-stream"
        main = b.resource(target, date, ctype, body)
        return _located(w.append([main, b.metadata(target, date, _record_id(main), meta)]),
                        "resource")
    if rec.status is None:
        if not rec.error:
            meta.append(("error", "no response"))
        return _located(w.append([b.metadata(target, date, None, meta)]), "metadata")
    if rec.raw_body is not None:
        payload, headers = rec.raw_body, resp_headers
    else:
        # Only the decoded body is known: say so, and make the headers true to it (HTTrack's
        # choice) rather than store decoded bytes under Content-Encoding: gzip.
        payload, headers, changed = _normalize_headers(body or b"", resp_headers)
        if changed:
            notes.append("body recorded decoded; " + ", ".join(changed)
                         + " renamed X-Archive-Orig-*")
    headers, dechunked = _drop_chunked(headers)
    if dechunked:
        notes.append("body recorded de-chunked; Transfer-Encoding renamed X-Archive-Orig-*")
    meta.append(("note", notes))
    status_line = f"{rec.status} {rec.reason or reason_phrase(rec.status) or ''}".strip()
    digest = payload_digest(payload)
    kind = "response"
    if rec.status == 304 and prev and prev["warc_record_id"]:
        kind = "revisit"
        main = b.revisit(target, status_line, rec.http_version, headers, date, rec.ip_address,
                         prev["payload_digest"] or digest, PROFILE_NOT_MODIFIED,
                         {"uri": prev["final_url"] or prev["url"],
                          "date": prev["fetched_at"], "record_id": prev["warc_record_id"]})
        digest = prev["payload_digest"]
    else:
        orig = (first_response(digest) if payload and 200 <= rec.status < 300
                and not rec.truncated else None)
        if orig:
            kind = "revisit"
            main = b.revisit(target, status_line, rec.http_version, headers, date,
                             rec.ip_address, digest, PROFILE_IDENTICAL,
                             {"uri": orig["final_url"] or orig["url"],
                              "date": orig["fetched_at"], "record_id": orig["warc_record_id"]})
        else:
            main = b.response(target, status_line, rec.http_version, headers, payload, date,
                              rec.ip_address, digest, rec.truncated)
    req_body = rec.form if isinstance(rec.form, (bytes, bytearray)) else (
        urlencode(rec.form, doseq=True).encode("utf-8") if rec.form else b"")
    records = [main,
               b.request(target, rec.method or "GET", rec.http_version, ex.request_headers,
                         bytes(req_body), date, _record_id(main)),
               b.metadata(target, date, _record_id(main), meta)]
    return {**_located(w.append(records), kind), "payload_digest": digest}


def _provenance(rec, sha: str | None, fmt: str | None) -> list[tuple[str, object]]:
    """The metadata record's fields: where the exchange came from and what its body is."""
    return [("crawl-id", rec.crawl_id), ("portal", rec.portal), ("role", rec.role),
            ("requested-url", rec.url), ("redirect", list(rec.redirects or [])),
            ("via", rec.referer), ("link-text", rec.link_text),
            ("report-url", rec.report_url), ("alias", list(rec.aliases or [])),
            ("title", rec.title), ("published", rec.published),
            ("date", [f"{d.get('date')} {d.get('source')}" for d in rec.dates or []]),
            ("publisher", rec.publisher), ("sha256", sha), ("format", fmt),
            ("error", rec.error)]


def _record_id(record) -> str:
    return record.rec_headers.get_header("WARC-Record-ID")


def _located(written: list[tuple[str, int, int, str]], kind: str) -> dict:
    """The ``fetches`` columns that point at the first (main) record written."""
    (f, off, ln, rid), *_ = written
    return {"warc_file": f, "warc_offset": off, "warc_length": ln, "warc_record_id": rid,
            "warc_type": kind}


def _normalize_headers(body: bytes, headers):
    encoded = any(k.lower() == "content-encoding" and v.strip().lower() not in ("", "identity")
                  for k, v in headers)
    if not encoded:
        return body, list(headers), []
    changed, out = [], []
    for k, v in headers:
        if k.lower() in ("content-encoding", "content-length"):
            out.append((f"X-Archive-Orig-{k}", v))
            changed.append(k)
        else:
            out.append((k, v))
    out.append(("Content-Length", str(len(body))))
    return body, out, changed


def _drop_chunked(headers):
    out, dechunked = [], False
    for k, v in headers:
        if k.lower() == "transfer-encoding" and "chunked" in v.lower():
            out.append((f"X-Archive-Orig-{k}", v))
            dechunked = True
        else:
            out.append((k, v))
    return out, dechunked


def repair(path: Path) -> int:
    """Cut a torn last record off a WARC file; return the bytes removed.

    Each record is one gzip member: the file is good up to the end of the last member that
    decompresses completely and holds a whole record (headers plus Content-Length bytes).
    """
    good = _complete_end(path)
    size = path.stat().st_size
    if good < size:
        with open(path, "r+b") as fh:
            fh.truncate(good)
            fh.flush()
            os.fsync(fh.fileno())
        return size - good
    return 0


def _complete_end(path: Path) -> int:
    good = consumed = 0
    d, rec = zlib.decompressobj(zlib.MAX_WBITS + 16), bytearray()
    with open(path, "rb") as fh:
        pending = b""
        while True:
            chunk = pending or fh.read(1 << 20)
            pending = b""
            if not chunk:
                return good
            try:
                rec += d.decompress(chunk)
            except zlib.error:
                return good
            if not d.eof:
                consumed += len(chunk)
                continue
            pending = d.unused_data
            consumed += len(chunk) - len(pending)
            if not _whole_record(bytes(rec)):
                return good
            good = consumed
            d, rec = zlib.decompressobj(zlib.MAX_WBITS + 16), bytearray()


def _whole_record(data: bytes) -> bool:
    end = data.find(b"\r\n\r\n")
    if not data.startswith(b"WARC/") or end < 0:
        return False
    for line in data[:end].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(data) >= end + 4 + int(value.strip()) + 4
    return False
