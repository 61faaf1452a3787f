"""Parsing one file: sniff the format, extract, map, check."""

from __future__ import annotations

from pathlib import Path

from .detect import sniff
from .document import Extracted
from .formats import EXTRACTORS, extractor
from .report import Report, build_report

MAX_BYTES = 100 * 1024 * 1024


class ParseError(Exception):
    """A file that cannot be parsed; the message is one line for the user."""


def extract(data: bytes, fmt: str | None = None) -> Extracted:
    """The document's text and table rows, read by the module registered for its format."""
    fmt = fmt or sniff(data)
    if fmt not in EXTRACTORS:
        raise ParseError(f"unsupported format: {fmt}")
    return extractor(fmt)(data, fmt)


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
