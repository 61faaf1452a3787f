"""Parsing one file: sniff the format, extract, map, check."""

from __future__ import annotations

from pathlib import Path

from .limits import MAX_PARSE_BYTES, breach
from .detect import sniff
from .document import Extracted
from .formats import EXTRACTORS, extractor
from .issuer import HINTS
from .report import Report, build_report



class ParseError(Exception):
    """A file that cannot be parsed; the message is one line for the user."""


def extract(data: bytes, fmt: str | None = None) -> Extracted:
    """The document's text and table rows, read by the module registered for its format."""
    fmt = fmt or sniff(data)
    if fmt not in EXTRACTORS:
        raise ParseError(f"unsupported format: {fmt}")
    return extractor(fmt)(data, fmt)


def parse_bytes(data: bytes, fmt: str | None = None, *, hints: dict | None = None) -> Report:
    """The report a file holds. ``hints``: what the caller knows of the file, read for the organ
    and the year after everything the document says itself — ``file_name``, ``link_text`` (the
    link that led to it), ``title`` (the page's title), ``publisher`` (the page's 发布机构/来源);
    each optional."""
    check_hints(hints)
    if len(data) > MAX_PARSE_BYTES:
        raise ParseError(breach("MAX_PARSE_BYTES", MAX_PARSE_BYTES, f"{len(data)} bytes"))
    if not data.strip():
        raise ParseError("empty file")
    try:
        doc = extract(data, fmt)
    except ParseError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, OSError, RecursionError) as exc:
        raise ParseError(_one_line(exc)) from exc
    except MemoryError:
        raise  # the sandbox says which limit it met
    except Exception as exc:  # third-party readers raise their own types on broken files
        raise ParseError(f"{type(exc).__name__}: {_one_line(exc)}") from exc
    return build_report(doc, hints)


def parse_file(path: str | Path, *, hints: dict | None = None) -> Report:
    """parse_bytes of the file's bytes; its name is the ``file_name`` hint unless one is given."""
    path = Path(path)
    data = path.read_bytes()
    return parse_bytes(data, hints={"file_name": path.name, **(hints or {})})


def check_hints(hints: dict | None) -> None:
    """Refuse hints the parser does not know, or that are not strings (a caller's mistake)."""
    if hints is None:
        return
    if not isinstance(hints, dict):
        raise TypeError(f"hints must be a dict, not {type(hints).__name__}")
    unknown = set(hints) - set(HINTS)
    if unknown:
        raise TypeError(f"unknown hints: {', '.join(sorted(unknown))} (known: {', '.join(HINTS)})")
    for key, value in hints.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"hint {key} must be a string, not {type(value).__name__}")


def _one_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return msg[0][:300] if msg else type(exc).__name__
