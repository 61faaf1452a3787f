"""HTTP bodies and headers as the crawler hands them over.

Header names and values are kept as *wire strings*: the bytes sent, decoded as latin-1, so they
can be written back byte for byte (WARC) and shown readably (database) from the same value.
"""

from __future__ import annotations

import zlib

from parsers.limits import MAX_FILE_BYTES, READ_CHUNK, breach


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


class BodyTooLarge(ValueError):
    """A Content-Encoded body that inflates past the limit."""


def decode_body(raw: bytes, headers, max_size: int = MAX_FILE_BYTES) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br, zstd); the raw bytes if that fails.

    Inflated in bounded steps: :class:`BodyTooLarge` once the result would pass ``max_size``, so
    a small bomb never takes more than ``max_size`` of memory.
    """
    codings = []
    for name, value in headers:
        if name.lower() == "content-encoding":
            codings += [c.strip().lower() for c in value.split(",") if c.strip()]
    body = raw
    try:
        for coding in reversed(codings):
            if coding in ("gzip", "x-gzip"):
                body = _inflate(body, zlib.MAX_WBITS | 16, max_size)
            elif coding == "deflate":
                try:
                    body = _inflate(body, zlib.MAX_WBITS, max_size)
                except zlib.error:
                    body = _inflate(body, -zlib.MAX_WBITS, max_size)  # raw deflate, as IIS sends
            elif coding == "br":
                import brotli
                body = _unbrotli(brotli.Decompressor(), body, max_size)
            elif coding == "zstd":
                from backports import zstd  # what Scrapy 2.19 installs on Python < 3.14
                body = _unzstd(zstd.ZstdDecompressor(), body, max_size)
    except BodyTooLarge:
        raise
    except Exception:  # noqa: BLE001 - a lying header: keep what was sent
        return raw
    return body


def _grow(out: bytearray, chunk: bytes, max_size: int) -> None:
    if len(out) + len(chunk) > max_size:
        raise BodyTooLarge(breach("MAX_FILE_BYTES", max_size, "the body inflates past it"))
    out += chunk


def _inflate(data: bytes, wbits: int, max_size: int) -> bytes:
    out = bytearray()
    while data:  # gzip may hold several members, one after the other
        d = zlib.decompressobj(wbits)
        _grow(out, d.decompress(data, READ_CHUNK), max_size)
        while d.unconsumed_tail and not d.eof:
            _grow(out, d.decompress(d.unconsumed_tail, READ_CHUNK), max_size)
        if not d.eof:
            _grow(out, d.flush(), max_size)
        data = d.unused_data if wbits & 16 else b""
    return bytes(out)


def _unbrotli(d, data: bytes, max_size: int) -> bytes:
    out = bytearray()
    _grow(out, d.process(data, output_buffer_limit=READ_CHUNK), max_size)
    while not d.is_finished():
        chunk = d.process(b"", output_buffer_limit=READ_CHUNK)
        if not chunk:
            break
        _grow(out, chunk, max_size)
    return bytes(out)


def _unzstd(d, data: bytes, max_size: int) -> bytes:
    out = bytearray()
    _grow(out, d.decompress(data, READ_CHUNK), max_size)
    while not d.eof and not d.needs_input:
        _grow(out, d.decompress(b"", READ_CHUNK), max_size)
    return bytes(out)
