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
from urllib.parse import urlsplit

from importlib.metadata import version
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

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


def _serialize(builder: _Writer, record) -> bytes:
    buf = io.BytesIO()
    builder.out = buf
    builder.write_record(record)
    # Level 6, not warcio's 9: bodies are mostly PDFs, already compressed.
    comp = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return comp.compress(buf.getvalue()) + comp.flush()


def warc_date(iso: str) -> str:
    """An ISO 8601 time as a WARC/1.1 date (UTC, 'Z')."""
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if dt.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return dt.strftime(fmt)


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

    def warcinfo(self, filename: str, info: dict):
        return self.w.create_warcinfo_record(filename, info)

    def request(self, url: str, method: str, http_version: str, headers, body: bytes, date: str,
                concurrent_to: str | None):
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not any(k.lower() == "host" for k, _ in headers):
            headers = [("Host", parts.netloc)] + list(headers)
        http = RawHeaders(f"{method} {target} {http_version}", list(headers), is_http_request=True)
        h = {"WARC-Date": date}
        if concurrent_to:
            h["WARC-Concurrent-To"] = concurrent_to
        return self.w.create_warc_record(url, "request", payload=io.BytesIO(body),
                                         length=len(body), http_headers=http,
                                         warc_headers_dict=h)

    def response(self, url: str, status_line: str, http_version: str, headers, payload: bytes,
                 date: str, ip: str | None, digest: str):
        http = RawHeaders(status_line, list(headers), protocol=http_version)
        h = {"WARC-Date": date, "WARC-Payload-Digest": digest}
        if ip:
            h["WARC-IP-Address"] = ip
        return self.w.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                         length=len(payload), http_headers=http,
                                         warc_headers_dict=h)

    def revisit(self, url: str, status_line: str, http_version: str, headers, date: str,
                ip: str | None, digest: str, profile: str, refers_to: dict):
        http = RawHeaders(status_line, list(headers), protocol=http_version)
        h = {"WARC-Date": date}
        if ip:
            h["WARC-IP-Address"] = ip
        if refers_to.get("record_id"):
            h["WARC-Refers-To"] = refers_to["record_id"]
        rec = self.w.create_revisit_record(url, digest, refers_to["uri"], refers_to["date"],
                                           http_headers=http, warc_headers_dict=h)
        rec.rec_headers.replace_header("WARC-Profile", profile)
        return rec

    def resource(self, url: str, date: str, content_type: str, body: bytes):
        """A body with no HTTP exchange around it (a browser-rendered page, say)."""
        return self.w.create_warc_record(url, "resource", payload=io.BytesIO(body),
                                         length=len(body), warc_content_type=content_type,
                                         warc_headers_dict={"WARC-Date": date})

    def metadata(self, url: str, date: str, concurrent_to: str | None, fields) -> object:
        body = _fields(fields)
        h = {"WARC-Date": date}
        if concurrent_to:
            h["WARC-Concurrent-To"] = concurrent_to
        return self.w.create_warc_record(url, "metadata", payload=io.BytesIO(body),
                                         length=len(body), warc_content_type="application/warc-fields",
                                         warc_headers_dict=h)

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
