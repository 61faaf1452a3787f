"""Parsing one file: sniff the format, extract, map, check."""

from __future__ import annotations

from pathlib import Path

from .detect import sniff
from .document import Extracted
from .report import Report, build_report

MAX_BYTES = 100 * 1024 * 1024


class ParseError(Exception):
    """A file that cannot be parsed; the message is one line for the user."""


def extract(data: bytes, fmt: str | None = None) -> Extracted:
    fmt = fmt or sniff(data)
    if fmt == "text":
        from .formats import text
        return text.extract(data)
    if fmt == "html":
        from .formats import html
        return html.extract(data)
    if fmt == "docx":
        from .formats import docx
        return docx.extract(data)
    if fmt == "pdf":
        from .formats import pdf
        return pdf.extract(data, ocr=_ocr())
    if fmt in ("xlsx", "xls"):
        from .formats import sheet
        return sheet.extract(data, fmt)
    if fmt in ("doc",):
        from .formats import office
        return office.extract(data, fmt)
    if fmt == "image":
        ocr = _ocr()
        if ocr is None:
            raise ParseError("an image needs OCR, which is not installed (pip install '.[ocr]')")
        return ocr.extract_image(data)
    raise ParseError(f"unsupported format: {fmt}")


def _ocr():
    try:
        from .formats import ocr
    except ImportError:
        return None
    return ocr if ocr.available() else None


def parse_bytes(data: bytes, fmt: str | None = None) -> Report:
    if len(data) > MAX_BYTES:
        raise ParseError(f"refused: {len(data)} bytes, more than the limit of {MAX_BYTES}")
    if not data.strip():
        raise ParseError("empty file")
    try:
        doc = extract(data, fmt)
    except ParseError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, OSError, RecursionError) as exc:
        raise ParseError(_one_line(exc)) from exc
    except Exception as exc:  # third-party readers raise their own types on broken files
        raise ParseError(f"{type(exc).__name__}: {_one_line(exc)}") from exc
    return build_report(doc)


def parse_file(path: str | Path) -> Report:
    data = Path(path).read_bytes()
    return parse_bytes(data)


def _one_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return msg[0][:300] if msg else type(exc).__name__
