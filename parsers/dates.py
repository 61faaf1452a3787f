"""The document's own dates: the date under its signature and the dates its file properties
record (PDF Info or XMP, the core properties of DOCX and XLSX), each with where it came from.

Only dates that are really there: a property that is absent is not guessed, one that is not a
date (or a placeholder year like 1601 or 1900) is ignored and said.
"""

from __future__ import annotations

import datetime as dt
import re

SOURCES = ("signature", "pdf_created", "pdf_modified", "docx_created", "docx_modified",
           "xlsx_created", "xlsx_modified")
FIRST_YEAR = 1990  # no report of this kind, nor the software that wrote it, is older

# D:YYYYMMDDHHmmSS+08'00' (the PDF date string; everything after the year may be absent).
_PDF = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")
# 2024-01-15T08:00:00Z, 2024-01-15T08:00:00+08:00, 2024-01-15 (W3C-DTF, as XMP and OOXML write).
_W3C = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def property_date(text: str | None) -> dt.date | None:
    """The calendar date of a property's value as written (in the time zone it is written in):
    a PDF date string or a W3C-DTF one; None if it is neither."""
    if not text:
        return None
    text = text.strip()
    m = _W3C.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _PDF.match(text)
        if not m or m.group(2) is None or m.group(3) is None:
            return None
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        date = dt.date(y, mo, d)
    except ValueError:
        return None
    return date if date.year >= FIRST_YEAR else None


def document_dates(signature_date: dt.date | None, properties: dict[str, str]
                   ) -> tuple[list[dict], list[str]]:
    """``[{"date": "YYYY-MM-DD", "source": …}]`` in the order of ``SOURCES``, and warnings for
    properties that hold something that is not a date."""
    out: list[dict] = []
    warnings: list[str] = []
    if signature_date is not None:
        out.append({"date": signature_date.isoformat(), "source": "signature"})
    for source in SOURCES[1:]:
        raw = properties.get(source)
        if raw is None or not raw.strip():
            continue
        date = property_date(raw)
        if date is None:
            warnings.append(f"dates: {source} '{raw.strip()[:40]}' is not a date; ignored")
            continue
        out.append({"date": date.isoformat(), "source": source})
    return out, warnings
