"""Reports: which documents make up a report (its page, its attachments, every version of each),
and what the report shows — the best document's organ, year, status and headline numbers, where
the organ sits (:mod:`.places`) and when the report came out (:mod:`.dates`).

Both functions run inside the writer's transaction.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

from . import dates, implausible, places, queries

# Dates the server gives (Last-Modified) are GMT; the dates pages give are China's.
_CHINA_HOURS = 8


def _dates_of(rec, last_modified: str | None) -> list[dates.Dated]:
    """What a fetch says of when its report came out: the crawler's dates, a date given with
    a file ingested by hand (``published``), the server's Last-Modified."""
    out = dates.dated(rec.dates)
    stated = dates.iso_date(rec.published)
    if stated and stated not in {d.date for d in out}:
        out.append(dates.Dated(stated, "stated"))
    if last_modified:
        try:
            when = parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            day = dates.iso_date(when + timedelta(hours=_CHINA_HOURS))
            if day:
                out.append(dates.Dated(day, "last_modified", last_modified))
    return out


def link(db, doc_id: int, sha: str, rec, seen: str, last_modified: str | None = None,
         crawled: bool = True) -> None:
    """Link a fetched report file (``rec``, a FetchRecord) to its report — found by its
    canonical URL or any of its URLs, else created — record what the fetch says of its dates,
    and refresh the report. A report a crawl fetched is ``online`` until a diff says
    otherwise; one only ingested by hand is ``unchecked``."""
    c = db.conn
    canonical = rec.report_url or rec.url or f"urn:sha256:{sha}"
    urls = [u for u in [canonical, *rec.aliases, rec.url, rec.final_url] if u]
    rep = queries.report_by_url(db, canonical)
    if rep is None:
        for u in urls:
            rep = queries.report_by_alias(db, u) or queries.report_by_url(db, u)
            if rep:
                break
    if rep is None and not canonical.startswith("urn:"):
        # The file was ingested before anyone said where it came from: now we know.
        rep = queries.report_by_url(db, f"urn:sha256:{sha}")
        if rep:
            c.execute("UPDATE reports SET url = ? WHERE id = ?", (canonical, rep["id"]))
            c.execute("INSERT OR IGNORE INTO report_aliases (url, report_id) VALUES (?, ?)",
                      (rep["url"], rep["id"]))
            rep["url"] = canonical
    status = "online" if crawled else "unchecked"
    if rep is None:
        cur = c.execute(
            "INSERT INTO reports (url, portal, title, first_seen, last_seen, parse_status, "
            "status, status_since, listed_organ) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
            (canonical, rec.portal, rec.title, seen, seen, status, seen, rec.organ))
        rep = {"id": cur.lastrowid, "url": canonical}
    else:
        c.execute(
            "UPDATE reports SET first_seen = min(coalesce(first_seen, ?), ?), "
            "last_seen = max(coalesce(last_seen, ?), ?), portal = coalesce(portal, ?), "
            "title = coalesce(?, title), listed_organ = coalesce(?, listed_organ) WHERE id = ?",
            (seen, seen, seen, seen, rec.portal, rec.title, rec.organ, rep["id"]))
        if crawled:
            # A report known only from a file ingested by hand: a crawl now saw it online.
            c.execute("UPDATE reports SET status = 'online', status_since = ? WHERE id = ? AND "
                      "coalesce(status, 'unchecked') = 'unchecked'", (seen, rep["id"]))
    for d in _dates_of(rec, last_modified):
        c.execute("INSERT OR IGNORE INTO report_dates (report_id, url, source, date, detail, "
                  "first_seen) VALUES (?, ?, ?, ?, ?, ?)",
                  (rep["id"], rec.final_url or rec.url or "", d.source, d.date, d.detail, seen))
    for u in urls:
        if u != rep["url"]:
            c.execute("INSERT OR IGNORE INTO report_aliases (url, report_id) VALUES (?, ?)",
                      (u, rep["id"]))
    c.execute(
        "INSERT INTO report_documents (report_id, document_id, url, role, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (report_id, document_id, url) DO UPDATE SET "
        "first_seen = min(first_seen, excluded.first_seen), "
        "last_seen = max(last_seen, excluded.last_seen)",
        (rep["id"], doc_id, rec.final_url or rec.url or "", rec.role, seen, seen))
    refresh(db, rep["id"])


# Among a report's current documents, parsed beats pending beats failed.
_STATUS_RANK = {"ok": 2, "warnings": 2, "pending": 1, None: 1, "error": 0}


def refresh(db, report_id: int) -> None:
    """Pick the report's best document and copy what the parser found from it."""
    latest: dict[str, dict] = {}
    for r in queries.report_versions(db, report_id):
        # The current version at each URL; older versions stay linked.
        cur = latest.get(r["at_url"])
        if cur is None or (r["last_seen"], r["id"]) > (cur["last_seen"], cur["id"]):
            latest[r["at_url"]] = r
    cands = sorted(latest.values(), key=lambda r: (
        r["kind"] != "not_a_report", r["n_cells"] or 0, _STATUS_RANK.get(r["parse_status"], 1),
        r["role"] == "report", r["last_seen"] or "", r["id"]), reverse=True)
    if not cands:
        return
    best = cands[0]
    # A file the parser says is not a report (a notice beside it) names nobody's report.
    reporting = [r for r in cands if r["kind"] != "not_a_report"] or [best]
    named = next((r for r in reporting if r["organ"]), best)
    dated = next((r for r in reporting if r["year"]), best)
    organ = best["organ"] or named["organ"]
    organ_source = best["organ_source"] if best["organ"] else named["organ_source"]
    year = best["year"] or dated["year"]
    year_source = best["year_source"] if best["year"] else dated["year_source"]
    rep = queries.report(db, report_id)
    facts = queries.portal(db, rep["portal"]) if rep and rep["portal"] else None
    place = places.locate(organ, (facts or {}).get("region_code"), facts)
    out = dates.publication(queries.report_dates(db, report_id), year, rep and rep["first_seen"])
    totals = queries.headline_totals(db, best["id"])
    row = {**totals, **{k: getattr(place, k) for k in places.Place.columns()},
           "document_id": best["id"], "sha256": best["sha256"], "format": best["format"],
           "organ": organ, "organ_source": organ_source if organ else None, "year": year,
           "year_source": year_source if year else None, "template": best["template"],
           "parse_status": best["parse_status"] or "pending", "parse_error": best["parse_error"],
           "parser_version": best["parser_version"], "check_status": best["check_status"],
           "n_cells": best["n_cells"], "n_warnings": best["n_warnings"],
           "published": out.date if out else None,
           "published_source": out.source if out else None}
    db.conn.execute(f"UPDATE reports SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                    (*row.values(), report_id))
    if implausible.changed(rep, row):
        implausible.refresh_organs(db, {rep and rep["organ"], organ})
