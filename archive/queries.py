"""Every read of the archive, as functions of a :class:`sqlite_utils.Database`; rows are dicts
(``db.query()``).

The same functions serve the writer (on its own connection, inside its transactions), the
command line and the jobs (on a read-only connection, :func:`archive.db.read_only`), the
crawler (through its bridge) and Datasette (``await database.execute_fn(lambda conn:
queries.report_page(as_database(conn), pk))``). Tables and columns: :mod:`archive.descriptions`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import groupby
from math import isqrt
from typing import NamedTuple

import sqlite_utils

from . import tallies
from .search import SEARCH_SQL, bigrams, indexed_char, terms
from .views import TOTALS, implausible_sql, organ_coverage_sql


def _first(db: sqlite_utils.Database, sql: str, params=()) -> dict | None:
    return next(iter(db.query(sql, params)), None)


def _column(db: sqlite_utils.Database, sql: str, params=()) -> list:
    return [next(iter(r.values())) for r in db.query(sql, params)]


# -- crawls ----------------------------------------------------------------------------------------

def crawl(db, crawl_id: str) -> dict | None:
    return _first(db, "SELECT * FROM crawls WHERE id = ?", (crawl_id,))


def last_crawl(db, portal: str) -> dict | None:
    """The portal's latest crawl, whatever its status."""
    return _first(db, "SELECT id, status FROM crawls WHERE portal = ? "
                      "ORDER BY started_at DESC, rowid DESC LIMIT 1", (portal,))


def crawls(db) -> list[dict]:
    """Every crawl, newest first, with its number of fetches."""
    return list(db.query(
        "SELECT c.id, c.portal, c.status, c.started_at, c.ended_at, c.resumed, "
        "(SELECT count(*) FROM fetches f WHERE f.crawl_id = c.id) AS fetches "
        "FROM crawls c ORDER BY c.started_at DESC"))


def crawls_by_id(db, ids) -> dict[str, dict]:
    ids = list(ids)
    marks = ", ".join("?" * len(ids))
    return {r["id"]: r for r in db.query(f"SELECT * FROM crawls WHERE id IN ({marks})", ids)}


def finished_portals(db) -> list[str]:
    return _column(db, "SELECT DISTINCT portal FROM crawls WHERE status = 'finished' "
                       "ORDER BY portal")


def last_finished_crawls(db, portal: str, n: int = 2) -> list[str]:
    """The ids of the portal's last ``n`` finished crawls, newest first."""
    return _column(db, "SELECT id FROM crawls WHERE portal = ? AND status = 'finished' "
                       "ORDER BY started_at DESC, rowid DESC LIMIT ?", (portal, n))


def crawl_facts(db, portal: str, since: str) -> dict:
    """The portal's crawl that ended (or started) since ``since``: its id, status, fetches,
    failed fetches, documents seen in no other crawl before and the URLs whose bodies passed
    the size limit; {} if there is none."""
    c = _first(db, "SELECT id, status FROM crawls WHERE portal = ? AND "
                   "coalesce(ended_at, started_at) >= ? ORDER BY started_at DESC LIMIT 1",
               (portal, since))
    if c is None:
        return {}
    counts = _first(db, "SELECT count(*) AS fetched, "
                        "sum(error IS NOT NULL OR status IS NULL OR status >= 400) AS failed "
                        "FROM fetches WHERE crawl_id = ?", (c["id"],))
    new_docs = _column(
        db, "SELECT count(DISTINCT f.document_id) FROM fetches f WHERE f.crawl_id = ? AND "
            "f.document_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fetches g WHERE "
            "g.document_id = f.document_id AND g.id < f.id AND g.crawl_id IS NOT f.crawl_id)",
        (c["id"],))[0]
    # Bodies past DOWNLOAD_MAXSIZE (cut, or inflating past it): named, not just counted.
    oversized = _column(db, "SELECT url FROM fetches WHERE crawl_id = ? AND (truncated IS NOT "
                            "NULL OR error LIKE 'over DOWNLOAD_MAXSIZE%') ORDER BY id", (c["id"],))
    return {"crawl_id": c["id"], "crawl_status": c["status"], "fetched": counts["fetched"] or 0,
            "failed": counts["failed"] or 0, "new_documents": new_docs, "oversized": oversized}


# -- fetches ---------------------------------------------------------------------------------------

def fetched_urls(db, crawl_id: str, include_errors: bool = True) -> set[str]:
    """Requested URLs recorded in the crawl; ``include_errors=False`` leaves out failed
    fetches (no status), so that a resumed crawl tries them again."""
    sql = "SELECT DISTINCT url FROM fetches WHERE crawl_id = ?"
    if not include_errors:
        sql += " AND status IS NOT NULL"
    return {u for u in _column(db, sql, (crawl_id,)) if u is not None}


def fetch_recorded(db, crawl_id: str, url: str, fetched_at: str | None) -> bool:
    """Whether the crawl holds a fetch of ``url`` made at ``fetched_at`` (a record delivered
    twice is stored once)."""
    return _first(db, "SELECT 1 AS x FROM fetches WHERE crawl_id = ? AND url = ? AND "
                      "fetched_at = ?", (crawl_id, url, fetched_at)) is not None


def last_ok_fetch(db, url: str | None) -> dict | None:
    """The URL's latest 2xx fetch with a body."""
    if url is None:
        return None
    return _first(
        db, "SELECT id, url, final_url, fetched_at, sha256, document_id, etag, last_modified, "
            "payload_digest, warc_record_id FROM fetches "
            "WHERE url = ? AND status BETWEEN 200 AND 299 AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1", (url,))


def validators(db, url: str) -> dict | None:
    """What a conditional request for ``url`` sends: ``{"etag", "last_modified", "sha256"}``
    of its latest 2xx fetch, or None."""
    row = last_ok_fetch(db, url)
    if not row:
        return None
    return {"etag": row["etag"], "last_modified": row["last_modified"], "sha256": row["sha256"]}


def first_response(db, digest: str) -> dict | None:
    """The first WARC response record of a payload (a later copy is written as a revisit)."""
    return _first(db, "SELECT url, final_url, fetched_at, warc_record_id FROM fetches "
                      "WHERE payload_digest = ? AND warc_type = 'response' ORDER BY id LIMIT 1",
                  (digest,))


def ingested_already(db, sha256: str, url: str | None, portal: str | None) -> bool:
    """Whether these bytes are a report's file already, from this URL and portal (when given)."""
    return _first(
        db, "SELECT 1 AS found FROM fetches f WHERE f.sha256 = :sha AND (:url IS NULL OR "
            "f.url = :url) AND (:portal IS NULL OR f.portal = :portal) AND EXISTS (SELECT 1 FROM "
            "report_documents rd WHERE rd.document_id = f.document_id)",
        {"sha": sha256, "url": url, "portal": portal}) is not None


def crawl_report_fetches(db, crawl_id: str) -> list[dict]:
    """The crawl's fetches of report pages, report files and pages, in order."""
    return list(db.query("SELECT id, url, final_url, report_url, role, status, error, "
                         "document_id, sha256, found_by, referer FROM fetches WHERE crawl_id = ? "
                         "AND role IN ('report', 'attachment', 'page') ORDER BY id", (crawl_id,)))


def failed_fetches(db, crawl_id: str) -> list[dict]:
    """The crawl's failed fetches (an error, no status, or 400 and up), challenges left out."""
    return list(db.query("SELECT url, role, status, error FROM fetches WHERE crawl_id = ? "
                         "AND role <> 'challenge' AND (error IS NOT NULL OR status >= 400 "
                         "OR status IS NULL) ORDER BY id", (crawl_id,)))


def ok_urls(db, crawl_id: str) -> set[str]:
    """URLs the crawl fetched without an error (2xx or 3xx)."""
    return set(_column(db, "SELECT url FROM fetches WHERE crawl_id = ? AND error IS NULL AND "
                           "(status BETWEEN 200 AND 399)", (crawl_id,)))


def challenged_fetches(db, crawl_id: str, statuses) -> list[dict]:
    """The crawl's fetches that ended on a challenge's status (not a challenge page passed on
    the way: those are role 'challenge')."""
    statuses = list(statuses)
    marks = ", ".join("?" * len(statuses))
    return list(db.query(f"SELECT url, status, role FROM fetches WHERE crawl_id = ? AND "
                         f"role <> 'challenge' AND status IN ({marks}) AND "
                         f"coalesce(error, '') NOT LIKE '%: retried' ORDER BY id",
                         [crawl_id, *statuses]))


def listings_fetched(db, crawl_id: str) -> int:
    """How many list pages the crawl fetched with a 2xx or 304 answer."""
    return _column(db, "SELECT count(*) FROM fetches WHERE crawl_id = ? AND role = 'listing' "
                       "AND (status BETWEEN 200 AND 299 OR status = 304)", (crawl_id,))[0]


def url_outcomes(db, crawl_id: str) -> dict[str, tuple[bool, bool]]:
    """Every URL the crawl fetched -> (answered at least once: 2xx, 304, or 404/410 — a list
    that is gone links nothing; failed for good at least once: no status, a 5xx or a block,
    other than a retried attempt)."""
    out = {}
    for r in db.query(
            "SELECT url, max(status BETWEEN 200 AND 299 OR status IN (304, 404, 410)) AS ok, "
            "max((status IS NULL OR status >= 500 OR status IN (403, 412, 429, 521)) AND "
            "coalesce(error, '') NOT LIKE '%: retried') AS failed "
            "FROM fetches WHERE crawl_id = ? AND url IS NOT NULL GROUP BY url", (crawl_id,)):
        out[r["url"]] = (bool(r["ok"]), bool(r["failed"]))
    return out


def finished_crawls(db, portal: str) -> list[dict]:
    """The portal's finished crawls, newest first: id, started_at."""
    return list(db.query("SELECT id, started_at FROM crawls WHERE portal = ? AND "
                         "status = 'finished' ORDER BY started_at DESC, rowid DESC", (portal,)))


def warc_files(db) -> list[str]:
    return _column(db, "SELECT DISTINCT warc_file FROM fetches WHERE warc_file IS NOT NULL")


# -- documents -------------------------------------------------------------------------------------

def document(db, sha256: str) -> dict | None:
    return _first(db, "SELECT id, sha256, size, format, blob, parse_status FROM documents "
                      "WHERE sha256 = ?", (sha256,))


def document_shas(db) -> list[str]:
    return _column(db, "SELECT sha256 FROM documents")


PARSE_SETS = {
    "all": "parse_status IS NOT NULL",
    "stale": "parse_status IS NOT NULL AND (parser_version IS NULL OR parser_version <> :version)",
    "pending": "parse_status = 'pending'",
    "error": "parse_status = 'error'",
}


def documents_to_parse(db, which: str = "all", version: str | None = None) -> list[str]:
    """SHA-256s for reparse: 'all' parsed or pending, 'stale' (parsed by a parser other than
    ``version``), 'pending', or 'error'."""
    return _column(db, f"SELECT sha256 FROM documents WHERE {PARSE_SETS[which]} ORDER BY id",
                   {"version": version} if which == "stale" else ())


def pending_documents(db, crawl_ids) -> list[str]:
    """Report documents these crawls fetched that were never parsed."""
    ids = list(crawl_ids)
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return _column(db, "SELECT DISTINCT d.sha256 FROM fetches f JOIN documents d ON d.id = "
                       f"f.document_id WHERE f.crawl_id IN ({marks}) AND "
                       "d.parse_status = 'pending'", ids)


def parsed(db, document_id: int) -> bool:
    """Whether the parser has been over the document (whatever it found)."""
    row = _first(db, "SELECT parse_status FROM documents WHERE id = ?", (document_id,))
    return bool(row) and row["parse_status"] not in (None, "pending")


def cells(db, document_id: int) -> list[dict]:
    return list(db.query('SELECT "table", "row", col, value FROM cells WHERE document_id = ?',
                         (document_id,)))


def cell_values(db, document_id: int) -> dict[tuple[str, str, str], float | int]:
    """The document's cells as ``{(table, row, col): value}``."""
    return {(c["table"], c["row"], c["col"]): c["value"] for c in cells(db, document_id)}


def headline_totals(db, document_id: int) -> dict[str, float | int | None]:
    """The document's 总计 cells that ``reports`` copies (``views.TOTALS``), by column name."""
    found = {(c["table"], c["row"]): c["value"] for c in db.query(
        'SELECT "table", "row", value FROM cells WHERE document_id = ? AND col = \'total\'',
        (document_id,))}
    return {name: found.get(key) for name, key in TOTALS.items()}


def text(db, document_id: int) -> str:
    row = _first(db, "SELECT content FROM texts WHERE document_id = ?", (document_id,))
    return row["content"] if row else ""


def document_fetches(db, document_id: int) -> list[dict]:
    """The fetches that brought a document as a report or its file, latest first: what they
    knew of it (link text, title, publisher, the page's body container, file name headers)."""
    return list(db.query(
        "SELECT url, final_url, link_text, title, publisher, content_selector, response_headers, "
        "local_path, role FROM fetches WHERE document_id = ? AND role IN ('report', 'attachment') "
        "ORDER BY fetched_at DESC, id DESC", (document_id,)))


# -- reports ---------------------------------------------------------------------------------------

def report(db, report_id: int) -> dict | None:
    return _first(db, "SELECT * FROM reports WHERE id = ?", (report_id,))


def report_by_url(db, url: str) -> dict | None:
    """The report whose canonical URL is ``url``: ``{"id", "url"}``."""
    return _first(db, "SELECT id, url FROM reports WHERE url = ?", (url,))


def report_by_alias(db, url: str) -> dict | None:
    """The report that ``url`` is another URL of: ``{"id", "url"}``."""
    return _first(db, "SELECT r.id, r.url FROM report_aliases a "
                      "JOIN reports r ON r.id = a.report_id WHERE a.url = ?", (url,))


def report_versions(db, report_id: int) -> list[dict]:
    """Every document of the report, each with the URL it was at, its role and when last seen."""
    return list(db.query(
        "SELECT d.*, rd.url AS at_url, rd.role, rd.last_seen FROM report_documents rd "
        "JOIN documents d ON d.id = rd.document_id WHERE rd.report_id = ?", (report_id,)))


def reports_of_document(db, document_id: int) -> list[int]:
    return _column(db, "SELECT DISTINCT report_id FROM report_documents WHERE document_id = ?",
                   (document_id,))


def report_dates(db, report_id: int) -> list[dict]:
    """Every date a source gives the report, oldest first: its pages' and URLs' (with the URL
    that said so) and its documents' own (with the document's SHA-256)."""
    return list(db.query(
        "SELECT DISTINCT date, source, detail, url, NULL AS sha256 FROM report_dates "
        "WHERE report_id = :id UNION SELECT DISTINCT dd.date, dd.source, NULL, rd.url, d.sha256 "
        "FROM report_documents rd JOIN document_dates dd ON dd.document_id = rd.document_id "
        "JOIN documents d ON d.id = rd.document_id WHERE rd.report_id = :id "
        "ORDER BY date, source", {"id": report_id}))


def portal(db, portal_id: str) -> dict | None:
    return _first(db, "SELECT * FROM portals WHERE portal = ?", (portal_id,))


def reports(db, year: int | None = None, organ: str | None = None) -> list[dict]:
    """Archived reports (all their columns, ``aliases`` a list), optionally of one year or of
    organs whose name contains ``organ``."""
    sql = ("SELECT r.*, (SELECT json_group_array(url) FROM report_aliases a "
           "WHERE a.report_id = r.id) AS aliases FROM reports r WHERE 1")
    params = []
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    if organ:
        sql += " AND organ LIKE ?"
        params.append(f"%{organ}%")
    return [{**r, "aliases": json.loads(r["aliases"])}
            for r in db.query(sql + " ORDER BY r.id", params)]


def known_reports(db, portal_id: str) -> list[tuple[str, list[str]]]:
    """(canonical URL, aliases) of every report of the portal, except files ingested without
    a URL."""
    rows = db.query(
        "SELECT r.url, group_concat(a.url, char(10)) AS aliases FROM reports r "
        "LEFT JOIN report_aliases a ON a.report_id = r.id "
        "WHERE r.portal = ? AND r.url NOT LIKE 'urn:%' GROUP BY r.id ORDER BY r.id", (portal_id,))
    return [(r["url"], r["aliases"].split("\n") if r["aliases"] else []) for r in rows]


def report_ids_by_url(db, portal_id: str) -> dict[str, int]:
    """Every URL of the portal's reports (canonical and aliases) -> report id."""
    urls = {r["url"]: r["id"] for r in db.query("SELECT url, id FROM reports WHERE portal = ?",
                                                (portal_id,))}
    urls.update({r["url"]: r["report_id"] for r in db.query(
        "SELECT a.url, a.report_id FROM report_aliases a JOIN reports r ON r.id = a.report_id "
        "WHERE r.portal = ?", (portal_id,))})
    return urls


def status_changes(db, report_id: int) -> list[dict]:
    """The changes that speak of a report's status (added, removed, revised, moved — it moved
    away or here), each with when its crawl started."""
    return list(db.query(
        "SELECT c.id, c.kind, c.reason, c.report_id, c.old_report_id, cr.started_at "
        "FROM changes c JOIN crawls cr ON cr.id = c.new_crawl WHERE c.kind IN ('added', "
        "'removed', 'revised', 'moved') AND (c.report_id = :id OR c.old_report_id = :id)",
        {"id": report_id}))


def report_facts(db, report_id: int) -> dict:
    """What a change says about its report: url, report_id, organ, year, title."""
    r = _first(db, "SELECT url, id AS report_id, organ, year, title FROM reports WHERE id = ?",
               (report_id,))
    return dict(r)


def organs(db, portal: str | None = None) -> list[dict]:
    """The organs the portals' organ directories named (``organs``), with the number of reports
    listed under each; one portal's when ``portal`` is given."""
    where, params = ("WHERE o.portal = ?", (portal,)) if portal else ("", ())
    return list(db.query(
        "SELECT o.*, (SELECT count(*) FROM reports r WHERE r.portal = o.portal "
        f"AND r.listed_organ = o.name) AS reports FROM organs o {where} "
        "ORDER BY o.portal, o.name", params))


def organ(db, portal: str, name: str) -> dict | None:
    return _first(db, "SELECT * FROM organs WHERE portal = ? AND name = ?", (portal, name))


def portal_summary(db, portal_like: str) -> dict:
    """Reports of the portals named like ``portal_like`` (SQL LIKE): how many, parsed, cells,
    failing their checks."""
    return _first(db, "SELECT count(*) AS reports, sum(parse_status IN ('ok', 'warnings')) AS "
                      "parsed, sum(coalesce(n_cells, 0)) AS cells, "
                      "sum(check_status = 'fail') AS failing FROM reports WHERE portal LIKE ?",
                  (portal_like,))


def late_reports(db, crawl_ids) -> list[dict]:
    """Reports these crawls found that were out after their deadline: added since an earlier
    crawl of their portal (a portal's first crawl finds everything it has: nothing there is
    news) and late by their publication date (a first fetch never makes a report late)."""
    ids = list(crawl_ids)
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return list(db.query(
        f"SELECT c.report_id, c.portal, c.organ, c.organ_type, c.year, c.url, c.deadline, "
        f"c.days_late, c.published AS out, c.published_source FROM coverage c "
        f"WHERE c.late = 1 AND c.late_basis = 'published' AND c.report_id IN (SELECT report_id "
        f"FROM changes WHERE kind = 'added' AND old_crawl IS NOT NULL AND new_crawl IN "
        f"({marks})) ORDER BY c.days_late DESC", ids))


def deadlines(db) -> list[dict]:
    """The deadline rules as loaded from archive/deadlines.json."""
    return list(db.query("SELECT organ_type, month, day, rule FROM deadlines"))


def search(db, query: str, limit: int = 100) -> list[dict]:
    """Reports whose text contains every term of ``query`` (see :mod:`archive.search`); best
    match per report."""
    if not terms(query):
        return []
    return list(db.query(SEARCH_SQL, {"q": query, "limit": limit}))


# -- pages of the Datasette site -------------------------------------------------------------------

def report_page(db, report_id) -> dict | None:
    """A report with its best document's cells, checks and warnings, its other URLs and every
    version of its documents."""
    rep = _first(db, "SELECT * FROM reports WHERE id = ?", (report_id,))
    if rep is None:
        return None
    doc = rep["document_id"]
    return {
        "report": rep,
        "cells": cells(db, doc) if doc else [],
        "checks": list(db.query('SELECT "check", "row", col, status, detail FROM checks '
                                "WHERE document_id = ? ORDER BY status = 'fail' DESC, id",
                                (doc,))) if doc else [],
        "warnings": _column(db, "SELECT message FROM warnings WHERE document_id = ? ORDER BY id",
                            (doc,)) if doc else [],
        "aliases": _column(db, "SELECT url FROM report_aliases WHERE report_id = ?",
                           (report_id,)),
        "documents": list(db.query(
            "SELECT d.sha256, d.format, d.size, d.parse_status, rd.role, rd.url, rd.last_seen "
            "FROM report_documents rd JOIN documents d ON d.id = rd.document_id "
            "WHERE rd.report_id = ? ORDER BY rd.last_seen DESC", (report_id,))),
        "dates": report_dates(db, report_id),
        "implausible": list(db.query(
            f"SELECT label, value, years, direction FROM ({implausible_sql(one_organ=True)}) "
            "WHERE report_id = :id", {"organ": rep["organ"], "id": rep["id"]})),
        "changes": list(db.query(
            "SELECT c.id, c.kind, c.reason, c.new_crawl, cr.started_at FROM changes c JOIN "
            "crawls cr ON cr.id = c.new_crawl WHERE (c.report_id = :id OR c.old_report_id = "
            ":id) AND c.kind <> 'chrome_only' ORDER BY cr.started_at, c.id", {"id": report_id})),
    }


def change_page(db, change_id) -> dict | None:
    """A change with the cells of the document before and after."""
    ch = _first(db, "SELECT * FROM changes WHERE id = ?", (change_id,))
    if ch is None:
        return None
    return {"change": ch, "sides": [cells(db, doc) if doc is not None else [] for doc in
                                    (ch["old_document_id"], ch["new_document_id"])]}


# -- the reader's pages: front page, search, organ, region ---------------------------------------

# A report's place by the digits of its division code: province 2, prefecture 4, county 6,
# township 9 (a code's prefix names every division above it).
PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9}


def front_page(db, latest_changes: int = 8) -> dict:
    """What the front page counts: reports, organs, years, reports per province (by the first
    two digits of their division code), and the latest changes."""
    # The counts the archive keeps (archive/tallies.py): counting the reports would read them all.
    counts = {**tallies.archive_counts(db), **year_range(db)}
    by_province = {f"{area}0000": r["reports"]
                   for area, r in tallies.province_counts(db).items()}
    provinces = [{**d, "reports": by_province.get(d["code"], 0)}
                 for d in db.query("SELECT code, name FROM divisions WHERE level = 1 ORDER BY code")]
    changes = list(db.query(
        "SELECT id, kind, organ, year, report_id, detected_at FROM changes "
        "WHERE kind <> 'chrome_only' ORDER BY id DESC LIMIT ?", (latest_changes,)))
    return {**counts, "provinces": provinces, "changes": changes,
            "unplaced": counts["reports"] - sum(p["reports"] for p in provinces)}


def year_range(db) -> dict:
    """The first and the last year of the archive's reports."""
    return _first(db, "SELECT (SELECT min(year) FROM reports) AS first_year, "
                      "(SELECT max(year) FROM reports) AS last_year")


def organs_named(db, words: str, limit: int = 20) -> list[dict]:
    """Organs whose name contains ``words``, with their years and reports: the names found
    among the organs' names (report_organs, once each), then their reports (CROSS JOIN: the
    few names first, whatever the planner guesses of a LIMIT it cannot read)."""
    return list(db.query(
        "WITH named AS (SELECT organ FROM report_organs WHERE instr(organ, :w) > 0 "
        "ORDER BY organ = :w DESC, length(organ), organ LIMIT :limit) "
        "SELECT r.organ, count(*) AS reports, group_concat(DISTINCT r.year) AS years, "
        "max(r.division_code) AS division_code, max(r.region) AS region FROM named "
        "CROSS JOIN reports r ON r.organ = named.organ GROUP BY r.organ "
        "ORDER BY r.organ = :w DESC, length(r.organ), r.organ",
        {"w": words, "limit": limit}))


def divisions_named(db, words: str, limit: int = 20) -> list[dict]:
    """Divisions (province to county) whose name contains ``words``."""
    return list(db.query(
        "SELECT d.code, d.name, d.tier, p.name AS province FROM divisions d "
        "LEFT JOIN divisions p ON p.code = d.province WHERE instr(d.name, :w) > 0 "
        "ORDER BY d.name = :w DESC, d.level, d.code LIMIT :limit", {"w": words, "limit": limit}))


def search_hits(db, query: str, limit: int = 1000) -> list[dict]:
    """Reports whose text contains every term of ``query`` (:mod:`archive.search`), newest
    years first, at most ``limit``, with division code, tier and status for the filters."""
    if not terms(query):
        return []
    return list(db.query(
        f"SELECT s.report_id, s.organ, s.year, s.region, s.template, s.snippet, s.url, s.sha256, "
        f"r.division_code, r.tier, r.status, r.province FROM ({SEARCH_SQL}) s "
        f"JOIN reports r ON r.id = s.report_id", {"q": query, "limit": limit}))


def _decided_by_indexes(words: list[str]) -> bool:
    """Whether the indexes alone say which texts hold every term: a trigram phrase is a
    substring match for three characters or more, a CJK pair is a token of texts_bigram, a
    letter, digit or non-ASCII character one of texts_chars; two characters that are not both
    CJK, or one ASCII punctuation mark, must be looked for in the text itself."""
    return all(len(w) >= 3 or (len(w) == 2 and bigrams(w) == w) or indexed_char(w)
               for w in words)


def _phrase(column: str, word: str) -> str:
    return f'{column} : "{word.replace(chr(34), chr(34) * 2)}"'


@dataclass(frozen=True)
class IndexQuery:
    """The SELECTs of document ids that the indexes answer for a query's terms, one per index
    a term needs (all must hold), and their parameters."""
    parts: tuple[str, ...]
    params: dict

    def sql(self, condition: str = "") -> str:
        """One SELECT of the ids of the documents holding every term; ``condition`` (``AND
        …`` on rowid) narrows each index's own search."""
        return " INTERSECT ".join(p + condition for p in self.parts)


def hit_documents(query: str) -> IndexQuery | None:
    """The documents whose text holds every term of ``query``, through the indexes alone;
    None when a term is one the indexes cannot decide."""
    words = list(dict.fromkeys(terms(query)))
    if not words or not _decided_by_indexes(words):
        return None
    parts, params = [], {}
    # A single character is looked up as written: the ascii tokenizer folds ASCII case, as
    # SQLite's lower() in the search that reads the texts; other characters stay as they are.
    long_words = [w.lower() for w in words if len(w) >= 3]
    pairs = [w for w in words if len(w) == 2]
    singles = [w for w in words if len(w) == 1]
    for table, column, found in (("texts_fts", "content", long_words),
                                 ("texts_bigram", "grams", pairs),
                                 ("texts_chars", "chars", singles)):
        if found:
            parts.append(f"SELECT rowid FROM {table} WHERE {table} MATCH :{table}")
            params[table] = " AND ".join(_phrase(column, w) for w in found)
    return IndexQuery(tuple(parts), params)


def indexed_search(db, query: str) -> list[dict] | None:
    """Every report whose text holds every term of ``query``, found through the indexes alone
    (no text is read), newest years first, each with the document that matched; None when a
    term is one the indexes cannot decide (:func:`search_hits` then)."""
    found = hit_documents(query)
    if found is None:
        return None
    hit, params = found.sql(), found.params
    # Plain tuples, few columns: a common word is in every report.
    rows = db.execute(
        f"WITH hit (document_id) AS ({hit}) "
        "SELECT r.id, r.year, r.division_code, r.tier, r.template, coalesce(max(CASE WHEN "
        "rd.document_id = r.document_id THEN rd.document_id END), max(rd.document_id)) "
        "FROM hit JOIN report_documents rd ON rd.document_id = hit.document_id "
        "JOIN reports r ON r.id = rd.report_id GROUP BY r.id ORDER BY r.year DESC, r.organ, r.id",
        params).fetchall()
    return [dict(zip(_HIT_FIELDS, r)) for r in rows]


_HIT_FIELDS = ("report_id", "year", "division_code", "tier", "template", "document_id")


# The reader's search filters: the query-string argument and the test of a report.
SEARCH_FILTERS = {"year": "r.year = :year", "province": "r.division_code GLOB :province",
                  "tier": "r.tier = :tier", "template": "r.template = :template"}
# What the search page's facets count, as SQL over a report r.
_FACET_SQL = {"year": "r.year", "province": "substr(r.division_code, 1, 2) || '0000'",
              "tier": "r.tier", "template": "r.template"}


@dataclass
class SearchResults:
    """One page of a search decided by the indexes.

    Counted (``counted``): every hit was read; ``total`` reports hold every term, ``matching``
    of them the filters keep, and ``facets`` count the hits of each filter value. Not counted
    (the search found more documents than its counting limit): ``total`` is the number of
    documents holding every term, exact, from the indexes; ``matching`` is None; ``facets``
    list each filter's possible values with ``n`` None. ``hits``: the page, in the search's
    order (newest year first, then organ), each with ``_HIT_FIELDS``; ``more``: another page
    follows."""
    total: int
    matching: int | None
    hits: list[dict]
    facets: dict[str, list[dict]]
    counted: bool
    more: bool


def _filter_params(filters: dict[str, str]) -> tuple[list[str], dict]:
    where, params = [], {}
    for name, value in filters.items():
        if name == "province":
            value = value[:2] + "*"
        elif name == "year":
            value = int(value) if value.isdigit() else value
        where.append(SEARCH_FILTERS[name])
        params[name] = value
    return where, params


def search_results(db, query: str, filters: dict[str, str] | None = None, offset: int = 0,
                   limit: int = 20, count_limit: int = 5000) -> SearchResults | None:
    """The reports whose text holds every term of ``query`` (the indexes decide: no text is
    read), ``limit`` of them from ``offset`` among those the ``filters`` (of SEARCH_FILTERS)
    keep; None when a term is one the indexes cannot decide (:func:`search_hits` then).

    The indexes give the hits' document ids first. At most ``count_limit``: every hit's report
    is read once, reports and facets counted. More: the documents are counted (exact) and the
    page walks the reports in the search's order (index reports_search_order), testing each
    one's documents, so that its cost follows the rows it walks, not the hits it will not
    show."""
    found = hit_documents(query)
    if found is None:
        return None
    filters = {k: v for k, v in (filters or {}).items() if v}
    # Up to the point where reading every hit's id costs more than asking the index about
    # each document the walk passes (about documents / hits of them for each hit shown),
    # the hits' ids are read into a set; past it the terms are common and each document
    # walked is looked up. A lookup costs about LOOKUP_COST times one id read.
    most = max(count_limit, isqrt(LOOKUP_COST * (offset + limit + 1) * _last_document(db)))
    ids = [d for (d,) in db.execute(f"{found.sql()} LIMIT {most + 1}", found.params)]
    if len(ids) <= count_limit:
        return _counted_results(db, found, filters, offset, limit)
    if len(ids) <= most:
        documents, holding = len(ids), set(ids).__contains__
    else:
        documents = db.execute(f"SELECT count(*) FROM ({found.sql()})",
                               found.params).fetchone()[0]
        probe = found.sql(" AND rowid = :doc")

        def holding(doc):
            return db.execute(probe, {**found.params, "doc": doc}).fetchone() is not None
    hits = _walk(db, filters, holding, offset, limit + 1)
    return SearchResults(documents, None, hits[:limit], _facet_values(db), counted=False,
                         more=len(hits) > limit)


# What one lookup of a document in the indexes costs, in reads of one hit's id (measured at
# 100,000 reports: 20-130 µs against 0.3 µs).
LOOKUP_COST = 200


def _last_document(db) -> int:
    return db.execute("SELECT coalesce(max(document_id), 0) FROM texts").fetchone()[0]


def _walk(db, filters: dict[str, str], holding, offset: int, limit: int) -> list[dict]:
    """The reports the filters keep, in the search's order (the index reports_search_order:
    nothing sorted), whose documents ``holding`` says hold the terms: ``limit`` of them after
    ``offset``, each with the document that does (its best document if it does, else its last
    other one)."""
    where, params = _filter_params(filters)
    rows = db.execute(
        "SELECT r.id, r.year, r.division_code, r.tier, r.template, r.document_id, "
        "rd.document_id FROM reports r INDEXED BY reports_search_order "
        "JOIN report_documents rd ON rd.report_id = r.id "
        + ("WHERE " + " AND ".join(where) + " " if where else "")
        + "ORDER BY r.year DESC, r.organ, r.id, rd.document_id DESC", params)
    out, skip = [], offset
    # A report's rows come together (its documents, last first); groupby reads them lazily and
    # the walk stops with the cursor as soon as the page is full.
    for _, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        held = [row[-1] for row in group if holding(row[-1])]
        if not held:
            continue
        if skip:
            skip -= 1
            continue
        *fields, best = group[0][:-1]
        out.append(dict(zip(_HIT_FIELDS, (*fields, best if best in held else held[0]))))
        if len(out) >= limit:
            break
    rows.close()
    return out[:limit]


def _counted_results(db, found: IndexQuery, filters, offset, limit) -> SearchResults:
    rows = db.execute(
        f"WITH hit (document_id) AS ({found.sql()}) "
        "SELECT r.id, r.year, r.division_code, r.tier, r.template, coalesce(max(CASE WHEN "
        "rd.document_id = r.document_id THEN rd.document_id END), max(rd.document_id)), "
        f"{', '.join(_FACET_SQL.values())} "
        "FROM hit JOIN report_documents rd ON rd.document_id = hit.document_id "
        "JOIN reports r ON r.id = rd.report_id GROUP BY r.id ORDER BY r.year DESC, r.organ, r.id",
        found.params).fetchall()
    width = len(_HIT_FIELDS)
    facets = {name: {} for name in _FACET_SQL}
    shown = []
    for r in rows:
        values = dict(zip(_FACET_SQL, r[width:]))
        for name, value in values.items():
            if value is not None:
                facets[name][value] = facets[name].get(value, 0) + 1
        if all(str(values[k]) == (v if k != "province" else v[:2] + "0000")
               for k, v in filters.items()):
            shown.append(dict(zip(_HIT_FIELDS, r[:width])))
    return SearchResults(len(rows), len(shown), shown[offset:offset + limit],
                         {name: [{"value": v, "n": n} for v, n in counts.items()]
                          for name, counts in facets.items()},
                         counted=True, more=len(shown) > offset + limit)


def _facet_values(db) -> dict[str, list[dict]]:
    """The year and province filters' values in the archive, not counted: each the next one
    up in its index (reports_year, reports_division), one seek a value, not a scan; tier and
    template have no index to ask and are left out."""
    def distinct(sql: str, first, step) -> list:
        out, value = [], first
        while (value := db.execute(sql, (value,)).fetchone()[0]) is not None:
            out.append(value)
            value = step(value)
        return out

    years = distinct("SELECT min(year) FROM reports WHERE year > ?", -1, lambda y: y)
    # The next province: the smallest code past every code of this one's two digits.
    codes = distinct("SELECT min(division_code) FROM reports WHERE division_code >= ?", "",
                     lambda code: code[:2] + "\uffff")
    return {"year": [{"value": y, "n": None} for y in years],
            "province": [{"value": c[:2] + "0000", "n": None} for c in codes],
            "tier": [], "template": []}


def hit_details(db, report_ids) -> dict[int, dict]:
    """What a search result shows of each report besides its snippet."""
    ids = list(report_ids)
    marks = ", ".join("?" * len(ids))
    return {r["report_id"]: r for r in db.query(
        f"SELECT id AS report_id, organ, region, status, province, url FROM reports "
        f"WHERE id IN ({marks})", ids)} if ids else {}


def snippets(db, document_ids, word: str, width: int = 100) -> dict[int, dict]:
    """Each document's text around the first place of ``word`` (as the search's snippet), and
    its sha256."""
    ids = list(document_ids)
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    out = {}
    for r in db.query(f"SELECT t.document_id, t.content, d.sha256 FROM texts t JOIN documents d "
                      f"ON d.id = t.document_id WHERE t.document_id IN ({marks})", ids):
        at = max(0, r["content"].lower().find(word.lower()) - 30)
        text = r["content"][at:at + width].replace("\n", " ").replace("\r", " ")
        out[r["document_id"]] = {"snippet": text, "sha256": r["sha256"]}
    return out


def organ_years(db, organ: str) -> list[dict]:
    """The organ's report of each year (the copy with the most cells), oldest first, each with
    how many copies the archive holds and on how many portals."""
    return list(db.query(
        "SELECT r.*, (SELECT count(*) FROM reports c WHERE c.organ = r.organ AND c.year = r.year) "
        "AS copies FROM reports r WHERE r.id = (SELECT c.id FROM reports c WHERE c.organ = r.organ "
        "AND c.year IS r.year ORDER BY coalesce(c.n_cells, 0) DESC, c.id LIMIT 1) "
        "AND r.organ = ? ORDER BY r.year", (organ,)))


def organ_reports(db, organ: str) -> list[dict]:
    """Every copy of the organ's reports, newest year first."""
    return list(db.query(
        "SELECT id, year, portal, url, status, status_since, revised_at, published, sha256, "
        "format, check_status, n_cells FROM reports WHERE organ = ? ORDER BY year DESC, id",
        (organ,)))


def cells_of_documents(db, document_ids) -> list[dict]:
    """The cells of several documents, each with its ``document_id``."""
    ids = [d for d in document_ids if d is not None]
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return list(db.query(f'SELECT document_id, "table", "row", col, value FROM cells '
                         f"WHERE document_id IN ({marks})", ids))


def failed_checks_of_documents(db, document_ids) -> dict[int, int]:
    ids = [d for d in document_ids if d is not None]
    marks = ", ".join("?" * len(ids))
    return {r["document_id"]: r["n"] for r in db.query(
        f"SELECT document_id, count(*) AS n FROM checks WHERE status = 'fail' "
        f"AND document_id IN ({marks}) GROUP BY document_id", ids)} if ids else {}


def changes_of_organ(db, organ: str) -> list[dict]:
    """The organ's reports' changes (revisions, removals, new ones), newest first."""
    return list(db.query(
        "SELECT c.id, c.kind, c.reason, c.year, c.report_id, c.old_sha256, c.new_sha256, "
        "c.detected_at FROM changes c WHERE c.organ = ? AND c.kind <> 'chrome_only' "
        "ORDER BY c.id DESC", (organ,)))


def division_reports(db, code: str, level: int) -> list[dict]:
    """The reports of the division's own organs (a county's: with its townships'), with when
    each was due and whether it came late (the coverage view's judgement), by organ and year.
    A province's or a prefecture's lower organs are on their own divisions' pages: a page
    lists tens of organs, not thousands."""
    prefix = code[:6] if level == 3 else code
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if level == 3 else prefix + "\x00"
    return list(db.query(
        "SELECT organ, year, report_id, division_code, tier, published, deadline, late, "
        "days_late, status, (SELECT requests_new FROM reports x WHERE x.id = c.report_id) "
        "AS requests_new FROM coverage c WHERE division_code >= ? AND division_code < ? "
        "ORDER BY organ, year", (prefix, upper)))


def division_totals(db, codes, year: int | None) -> dict[str, dict]:
    """Reports, organs and headline sums of each division of ``codes`` ((code, level) pairs,
    placed by prefix) in the year (every year when None): one grouped read per prefix length,
    not one per division."""
    wanted: dict[int, dict[str, str]] = {}
    # Provinces' totals are kept (archive/tallies.py): summed here they would read every report.
    provinces = {code for code, level in codes if level == 1}
    kept = tallies.province_counts(db, year) if provinces else {}
    out = {code: kept[code[:tallies.PROVINCE_DIGITS]] for code in provinces
           if code[:tallies.PROVINCE_DIGITS] in kept}
    for code, level in codes:
        if level == 1:
            continue
        n = PREFIX_LENGTH.get(level, 6)
        wanted.setdefault(n, {})[code[:n]] = code
    for n, by_prefix in wanted.items():
        low, high = min(by_prefix), max(by_prefix)
        high = high[:-1] + chr(ord(high[-1]) + 1)
        for r in db.query(
                f"SELECT substr(division_code, 1, {n}) AS prefix, count(*) AS reports, "
                "count(DISTINCT organ) AS organs, sum(requests_new) AS requests_new, "
                "sum(granted) AS granted, sum(reviews) AS reviews, sum(suits_direct) AS "
                "suits_direct FROM reports WHERE division_code >= :low AND division_code < "
                ":high AND (:year IS NULL OR year = :year) GROUP BY 1",
                {"low": low, "high": high, "year": year}):
            if r["prefix"] in by_prefix:
                out[by_prefix[r.pop("prefix")]] = r
    return out


# The part of a division each organ of its area lies in, by the division's level (0: the
# country): a province's parts are its prefectures and the counties directly under it (济源市,
# the districts of 北京市), a prefecture's its counties.
_PART = {0: "province_code", 1: "coalesce(prefecture_code, county_code)", 2: "county_code"}
# The organs of a division's area: those placed in it, by its level, and the digits of the
# division's code that every code in its area begins with.
_AREA = {1: "province", 2: "prefecture", 3: "county", 4: "region_code"}


class ExpectedOrgan(NamedTuple):
    """An organ expected in an area, for one year (:func:`expected_in`)."""
    source: str
    organ: str
    portal: str | None
    region_code: str | None
    url: str | None
    place: str | None
    part: str | None
    report_id: int | None
    report_url: str | None
    copies: int
    report_organ: str | None
    late: int | None
    late_basis: str | None
    published: str | None
    published_source: str | None
    deadline: str | None
    days_late: int | None
    first_seen_date: str | None


def expected_in(db, code: str | None, level: int, year: int) -> list[ExpectedOrgan]:
    """Every organ expected in the area of division ``code`` at ``level`` (None, 0: the whole
    country, national bodies and organs placed nowhere included) for ``year``, as the
    organ_coverage view has it, with the ``part`` of the division it lies in (None: the
    division's own organs), its report if one was found and, for that report, the coverage
    view's judgement of its date (``late``: 1, 0, or NULL when nothing proves either).
    Tuples: a country has tens of thousands."""
    rows = db.execute(
        f"WITH oc AS ({organ_coverage_sql(one_year=True, area=_AREA.get(level))}) "
        f"SELECT source, organ, portal, region_code, url, coalesce(county, prefecture, province), "
        f"{_PART.get(level, 'NULL')}, report_id, report_url, copies FROM oc "
        f"ORDER BY region_code, organ",
        {"code": code, "year": year, "prefix": (code or "")[:PREFIX_LENGTH.get(level, 9)]}
    ).fetchall()
    # The reports' dates apart, by id: joined to the query above, the coverage view would be
    # read whole.
    dated = _report_dates(db, [r[7] for r in rows if r[7] is not None])
    blank = (None,) * len(_DATED)
    return [ExpectedOrgan(*r, *dated.get(r[7], blank)) for r in rows]


_DATED = ("organ", "late", "late_basis", "published", "published_source", "deadline",
          "days_late", "first_seen_date")


def _report_dates(db, report_ids) -> dict[int, tuple]:
    """Each report's organ and the coverage view's judgement of its date (_DATED), by id."""
    out, ids = {}, list(report_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in db.execute(f"SELECT report_id, {', '.join(_DATED)} FROM coverage "
                            f"WHERE report_id IN ({', '.join('?' * len(chunk))})", chunk):
            out[r[0]] = r[1:]
    return out


def finished_crawls_of(db, portals) -> dict[str, list[tuple[str, str]]]:
    """Each portal's finished crawls (id, ended_at), newest first."""
    out: dict[str, list[tuple[str, str]]] = {}
    portals = sorted({p for p in portals if p})
    for start in range(0, len(portals), 500):
        chunk = portals[start:start + 500]
        for portal, crawl_id, ended_at in db.execute(
                f"SELECT portal, id, ended_at FROM crawls WHERE status = 'finished' AND portal "
                f"IN ({', '.join('?' * len(chunk))}) ORDER BY portal, started_at DESC, rowid DESC",
                chunk):
            out.setdefault(portal, []).append((crawl_id, ended_at))
    return out


def report_years_of_organ(db, organ: str | None) -> list[dict]:
    """The organ's reports, one line each (id, year, status, headline totals), by year."""
    if not organ:
        return []
    return list(db.query(
        f"SELECT id, year, status, portal, {', '.join(TOTALS)} FROM reports WHERE organ = ? "
        "ORDER BY year, id", (organ,)))


def columns(db) -> dict[str, list[str]]:
    """Every table and view -> its columns, in order."""
    return {name: [c.name for c in db[name].columns]
            for name in db.table_names() + db.view_names()}


# -- the registry and what crawls say of their portals ---------------------------------------------

def sites(db, withdrawn: bool = False) -> list[dict]:
    """The registry's government websites (``xxgk registry sync``), by site code; with
    ``withdrawn`` also those a later sync no longer found. [] on an archive that has none."""
    if not db["sites"].exists():
        return []
    where = "" if withdrawn else " WHERE withdrawn IS NULL"
    return list(db.query(f"SELECT * FROM sites{where} ORDER BY site_code IS NULL, site_code, "
                         "portal"))


def divisions_source(db) -> str | None:
    """The edition (date) of the division list the ``divisions`` table holds."""
    row = _first(db, "SELECT source FROM divisions LIMIT 1")
    return row["source"] if row else None


def crawl_outcome(db, crawl_id: str) -> dict:
    """What a crawl's own records say of its portal: ``fetches``; ``answered`` (any HTTP
    status); ``pages`` (2xx/3xx answers other than challenge pages); ``challenges`` (challenge
    pages, and the 412 and 521 answers 瑞数's and 加速乐's challenges give); ``reports`` (report
    pages and files a list led to, rechecks aside)."""
    return _first(db, """
        SELECT count(*) AS fetches,
               coalesce(sum(status IS NOT NULL), 0) AS answered,
               coalesce(sum(role IS NOT 'challenge' AND error IS NULL
                            AND status BETWEEN 200 AND 399), 0) AS pages,
               coalesce(sum(role = 'challenge' OR status IN (412, 521)), 0) AS challenges,
               coalesce(sum(role IN ('report', 'attachment') AND found_by IS NOT 'recheck'
                            AND error IS NULL AND status BETWEEN 200 AND 399), 0) AS reports
        FROM fetches WHERE crawl_id = ?""", (crawl_id,))


def previous_finished_crawl(db, crawl_id: str) -> str | None:
    """The id of the finished crawl of the same portal before this one."""
    row = _first(db, "SELECT p.id FROM crawls c JOIN crawls p ON p.portal = c.portal "
                     "AND p.status = 'finished' AND p.started_at < c.started_at AND p.id <> c.id "
                     "WHERE c.id = ? ORDER BY p.started_at DESC LIMIT 1", (crawl_id,))
    return row["id"] if row else None
