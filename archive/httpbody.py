"""HTTP bodies and headers as the crawler hands them over.

Header names and values are kept as *wire strings*: the bytes sent, decoded as latin-1, so they
can be written back byte for byte (WARC) and shown readably (database) from the same value.
"""

from __future__ import annotations

import gzip
import zlib


def _wire(value) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    value = str(value)
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:  # a value someone already decoded: send it as UTF-8
        return value.encode("utf-8").decode("latin-1")


def wire_headers(headers) -> list[tuple[str, str]]:
    """``[(name, value)]`` from bytes or str pairs (or a dict), as wire strings."""
    if headers is None:
        return []
    if isinstance(headers, dict):
        headers = headers.items()
    out = []
    for name, value in headers:
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:  # Scrapy's Headers map a name to a list of values
            out.append((_wire(name), _wire(v)))
    return out


def header_value(headers, name: str) -> str | None:
    """The first value of header ``name`` (lower case) in wire-string pairs."""
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def display_headers(headers) -> list[list[str]]:
    """Wire strings made readable: UTF-8 where the bytes are UTF-8 (GBK stays latin-1 text)."""
    out = []
    for name, value in headers:
        raw = value.encode("latin-1")
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        out.append([name, value])
    return out


def decode_body(raw: bytes, headers) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br, zstd); the raw bytes if that fails."""
    codings = []
    for name, value in headers:
        if name.lower() == "content-encoding":
            codings += [c.strip().lower() for c in value.split(",") if c.strip()]
    body = raw
    try:
        for coding in reversed(codings):
            if coding in ("gzip", "x-gzip"):
                body = gzip.decompress(body)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:
                    body = zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as IIS sends
            elif coding == "br":
                import brotli
                body = brotli.decompress(body)
            elif coding == "zstd":
                from backports import zstd  # what Scrapy 2.19 installs on Python < 3.14
                body = zstd.decompress(body)
    except Exception:  # noqa: BLE001 - a lying header: keep what was sent
        return raw
    return body
