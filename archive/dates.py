"""When a report came out: every date a source gives it, which source, and the one the archive
states as its publication date.

Sources, and what kind of evidence each is:

- the page (``page``): ``page_meta`` (``PubDate``, ``firstpublishedtime`` … metas),
  ``page_published`` (发布时间, 发布日期, 公开日期 on the page or in its 索引号 table),
  ``page_written`` (成文日期, 发文日期), ``stated`` (given with a file ingested by hand),
  ``list_date`` (the date the portal's list prints beside the link to the report);
- the URL (``url``): a CMS's date pattern (TRS ``t20240114_…``, ``P020240114…``, Hanweb
  ``/art/2024/1/14/``), read by the crawler's family modules;
- the document (``document``): what the parser reads from the file itself — its signature
  date (落款) and its properties (``pdf_created``, ``docx_modified`` …);
- the server (``server``): ``last_modified`` (the HTTP header), kept but never a publication
  date: a server rewrites its files.

The publication date is the earliest *credible* page, URL or document date: on or after 1
January of the year after the statistics year (a report cannot come out before its year ends;
an older date is a template's or a reused file's) and no later than the day after the archive
first fetched the report (a later date is an edit, not the publication). Taking the earliest
keeps every "late" the archive states on the side of caution. When no source dates a report,
its first fetch is only an upper bound: the report was out by then, perhaps long before, and
it never makes a report late.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

# Each source and the kind of evidence it is.
SOURCES = {
    "page_meta": "page", "page_published": "page", "page_written": "page", "stated": "page",
    "list_date": "page",
    "url": "url",
    "signature": "document", "pdf_created": "document", "pdf_modified": "document",
    "docx_created": "document", "docx_modified": "document", "xlsx_created": "document",
    "xlsx_modified": "document",
    "last_modified": "server",
}
# The kinds a publication date (and so a "late") may rest on.
CREDIBLE_KINDS = ("page", "url", "document")

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


class Dated(NamedTuple):
    date: str            # YYYY-MM-DD
    source: str          # a key of SOURCES
    detail: str | None = None   # what exactly said so: "PubDate", "发布时间", "t20240114"


def iso_date(value) -> str | None:
    """``YYYY-MM-DD`` of a date, a datetime or a string starting with one; None if it is not a
    real date between 1990 and 2100."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = value.isoformat()
    m = _ISO.match(str(value or "").strip())
    if not m:
        return None
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return day.isoformat() if 1990 <= day.year <= 2100 else None


def kind(source: str) -> str | None:
    return SOURCES.get(source)


def dated(items) -> list[Dated]:
    """What a crawler or a parser hands over (dicts with ``date``, ``source`` and maybe
    ``detail``, or Dated), as Dated; entries with an unknown source or no real date are left
    out."""
    out = []
    for d in items or ():
        if isinstance(d, Dated):
            d = d._asdict()
        if not isinstance(d, dict):
            continue
        day, source = iso_date(d.get("date")), d.get("source")
        if day and source in SOURCES:
            out.append(Dated(day, source, d.get("detail")))
    return out


def credible(date: str, source: str, year: int | None, first_seen: str | None) -> bool:
    """Whether a date may be stated as the publication date of a report on ``year`` first
    fetched at ``first_seen`` (see the module's docstring)."""
    if kind(source) not in CREDIBLE_KINDS:
        return False
    if year and date < f"{int(year) + 1:04d}-01-01":
        return False
    if first_seen:
        seen = iso_date(first_seen)
        if seen and date > (dt.date.fromisoformat(seen) + dt.timedelta(days=1)).isoformat():
            return False
    return True


def publication(dates, year: int | None, first_seen: str | None) -> Dated | None:
    """The publication date the archive states: the earliest credible one (ties go to the
    page — its own fields before its list's —, then the URL, then the document)."""
    rank = {k: i for i, k in enumerate(CREDIBLE_KINDS)}
    ok = [d for d in dated(dates) if credible(d.date, d.source, year, first_seen)]
    return min(ok, key=lambda d: (d.date, rank[kind(d.source)], d.source == "list_date",
                                  d.source), default=None)


def published_words(report: dict) -> str:
    """When a report came out, in words: ``2025-01-20 (url)``, or, with no dated source,
    ``not dated; first seen 2026-07-01`` — an upper bound, never a publication date."""
    if report.get("published"):
        return f"{report['published']} ({report.get('published_source') or '?'})"
    seen = (report.get("first_seen") or "")[:10]
    return f"not dated; first seen {seen}" if seen else "not dated"
