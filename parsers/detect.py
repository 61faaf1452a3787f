"""What format a file is, told from its bytes (never from its name)."""

from __future__ import annotations

import io
import zipfile

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The part that tells a zip package's format.
_ZIP_FORMATS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("OFD.xml", "ofd"))
_IMAGES = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
           (b"BM", "image/bmp"), (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"))

# The media type of each format sniff() tells; an image's own type is told by media_type().
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "html": "text/html",
    "text": "text/plain",
    "image": "application/octet-stream",
    "zip": "application/zip",
    "ofd": "application/ofd",
    "rtf": "application/rtf",
    "unknown": "application/octet-stream",
}


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _image_type(head: bytes) -> str | None:
    for magic, kind in _IMAGES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def media_type(data: bytes, fmt: str | None = None) -> str:
    """The file's media type: its format's (as sniff() tells it, unless given), an image's own."""
    fmt = fmt or sniff(data)
    if fmt == "image":
        return _image_type(data[:16]) or MEDIA_TYPES["image"]
    return MEDIA_TYPES.get(fmt, MEDIA_TYPES["unknown"])


def sniff(data: bytes) -> str:
    """One of MEDIA_TYPES' keys: pdf, docx, xlsx, doc, xls, html, text, image, zip, ofd, rtf,
    unknown."""
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE):
        # The directory names the streams: Word keeps "WordDocument", Excel "Workbook"/"Book".
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "zip"
        return next((fmt for part, fmt in _ZIP_FORMATS if part in names), "zip")
    if _image_type(head):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    low = stripped[:1024].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body",
                       b"<div", b"<table", b"<!--", b"<p", b"<title")) or b"<html" in low or (
            b"<table" in head.lower()):
        return "html"
    if b"\x00" in head:
        return "unknown"
    return "text"


def sniff_file(path, chunk: int = 1 << 20) -> str:
    """:func:`sniff` of a file, in bounded memory whatever its size: a zip's names come from
    its central directory, an OLE file's stream names from a chunked scan."""
    with open(path, "rb") as fh:
        head = fh.read(chunk)
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(fh) as z:
                    names = set(z.namelist())
            except zipfile.BadZipFile:
                return "zip"
            return next((fmt for part, fmt in _ZIP_FORMATS if part in names), "zip")
        if head.startswith(_OLE):
            wanted = {_utf16("WordDocument"): "doc", _utf16("Workbook"): "xls",
                      _utf16("Book"): "xls"}
            tail, block = b"", head
            found = set()
            while block:
                window = tail + block
                found |= {fmt for name, fmt in wanted.items() if name in window}
                if "doc" in found:
                    return "doc"
                tail, block = window[-32:], fh.read(chunk)
            return "xls" if "xls" in found else "doc"
    return sniff(head)
