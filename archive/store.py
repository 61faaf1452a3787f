"""The archive's one entry point for writers: the crawler, ``xxgk ingest`` and ``xxgk reparse``.

    arc = Archive()                                  # --data / $XXGK_DATA / ./data
    crawl = arc.begin_crawl("hongze", "hongze")      # resumes the portal's killed crawl
    res = arc.record_fetch(FetchRecord(crawl, "hongze", url, status=200, raw_body=..., ...))
    arc.parse_document(res.sha256)
    arc.end_crawl(crawl)

Order of writes for one fetch: the body (atomic file), then the WARC records (fsynced), then one
SQLite transaction. A crash between them leaves an unreferenced blob or WARC record, never a row
pointing at something missing. Calls may come from several threads: one connection, one lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from importlib.metadata import version

import tenacity

import parsers
from parsers import ParseError, schema
from parsers.detect import sniff
from parsers.sandbox import Limits, parse_isolated

from . import organs
from .blobs import BlobStore, clean_tmp
from .db import open_db
from .httpbody import decode_body, display_headers, wire_headers
from .paths import Layout
from .views import TOTALS
from .warc import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, WarcFile, payload_digest, warc_date

REPORT_ROLES = ("report", "attachment")


@dataclass
class FetchRecord:
    crawl_id: str | None
    portal: str | None
    url: str | None
    method: str = "GET"
    form: dict | bytes | None = None
    final_url: str | None = None
    redirects: list = field(default_factory=list)
    status: int | None = None
    reason: str | None = None
    http_version: str = "HTTP/1.1"
    request_headers: list = field(default_factory=list)
    response_headers: list = field(default_factory=list)
    raw_body: bytes | None = None
    body: bytes | None = None
    fetched_at: str | None = None
    referer: str | None = None
    link_text: str | None = None
    role: str = "page"
    report_url: str | None = None
    aliases: list = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    ip_address: str | None = None
    error: str | None = None
    found_by: str | None = None          # 'recheck': only the archive knew this URL


@dataclass
class FetchResult:
    fetch_id: int
    sha256: str | None
    size: int
    format: str | None
    unchanged: bool
    new_document: bool


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


# busy_timeout already waits 30 s for another writer; past that (a long reparse, a backup
# holding the lock) retry with back-off instead of losing the fetch.
@tenacity.retry(retry=tenacity.retry_if_exception(_busy), reraise=True,
                wait=tenacity.wait_exponential(multiplier=0.5, max=30),
                stop=tenacity.stop_after_delay(600))
def _begin_immediate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso(value) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return warc_date(value) if value else now_iso()


class Archive:
    def __init__(self, data_dir=None, limits: Limits | None = None):
        self.layout = Layout(data_dir).create()
        clean_tmp(self.layout)
        self.blobs = BlobStore(self.layout)
        self.db = open_db(self.layout.db)
        self.conn = self.db.conn
        self.limits = limits or Limits()
        self._lock = threading.RLock()
        self._warcs: dict[str, WarcFile] = {}
        self._crawl_locks: dict[str, int] = {}

    # -- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _tx(self):
        """One write transaction; IMMEDIATE so that two writer processes queue, not deadlock."""
        with self._lock:
            _begin_immediate(self.conn)
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _one(self, sql: str, params=()) -> dict | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None

    def _all(self, sql: str, params=()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def close(self) -> None:
        with self._lock:
            for w in self._warcs.values():
                w.close()
            self._warcs.clear()
            for fd in self._crawl_locks.values():
                os.close(fd)
            self._crawl_locks.clear()
            self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- crawls ---------------------------------------------------------------------------------

    def _lock_crawl(self, crawl_id: str) -> bool:
        """Hold the crawl's lock file for as long as this process lives (the kernel drops it)."""
        if crawl_id in self._crawl_locks:
            return True
        fd = os.open(self.layout.locks / f"{crawl_id}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._crawl_locks[crawl_id] = fd
        return True

    def begin_crawl(self, portal: str, spider: str, resume: bool = True) -> str:
        with self._lock:
            last = self._one("SELECT id, status FROM crawls WHERE portal = ? "
                             "ORDER BY started_at DESC, rowid DESC LIMIT 1", (portal,))
            if last and last["status"] == "running":
                if not self._lock_crawl(last["id"]):
                    raise RuntimeError(f"crawl {last['id']} is running in another process")
                if resume:
                    with self._tx() as c:
                        c.execute("UPDATE crawls SET resumed = resumed + 1 WHERE id = ?",
                                  (last["id"],))
                    return last["id"]
                with self._tx() as c:
                    c.execute("UPDATE crawls SET status = 'interrupted', ended_at = ? WHERE id = ?",
                              (now_iso(), last["id"]))
                self._release_crawl(last["id"])
            started = datetime.now(timezone.utc)
            base = f"{portal}-{started:%Y%m%dT%H%M%SZ}"
            crawl_id, n = base, 1
            while self._one("SELECT 1 FROM crawls WHERE id = ?", (crawl_id,)):
                n += 1
                crawl_id = f"{base}-{n}"
            software = json.dumps({"xxgk-archive": version("xxgk-archive"),
                                   "parsers": parsers.__version__})
            with self._tx() as c:
                c.execute("INSERT INTO crawls (id, portal, spider, started_at, software) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (crawl_id, portal, spider, now_iso(), software))
            self._lock_crawl(crawl_id)
            return crawl_id

    def _release_crawl(self, crawl_id: str) -> None:
        w = self._warcs.pop(crawl_id, None)
        if w:
            w.close()
        fd = self._crawl_locks.pop(crawl_id, None)
        if fd is not None:
            os.close(fd)

    def end_crawl(self, crawl_id: str, status: str = "finished", stats: dict | None = None) -> None:
        with self._tx() as c:
            c.execute("UPDATE crawls SET status = ?, ended_at = ?, stats = ? WHERE id = ?",
                      (status, now_iso(), json.dumps(stats, ensure_ascii=False, default=str)
                       if stats is not None else None, crawl_id))
        with self._lock:
            self._release_crawl(crawl_id)

    def fetched_urls(self, crawl_id: str, include_errors: bool = True) -> set[str]:
        """Requested URLs recorded in the crawl; ``include_errors=False`` leaves out failed
        fetches (no status), so that a resumed crawl tries them again."""
        sql = "SELECT DISTINCT url FROM fetches WHERE crawl_id = ?"
        if not include_errors:
            sql += " AND status IS NOT NULL"
        with self._lock:
            rows = self.conn.execute(sql, (crawl_id,)).fetchall()
        return {r[0] for r in rows if r[0] is not None}

    def validators(self, url: str) -> dict | None:
        with self._lock:
            row = self._last_ok(url)
        if not row:
            return None
        return {"etag": row["etag"], "last_modified": row["last_modified"], "sha256": row["sha256"]}

    def _last_ok(self, url: str | None) -> dict | None:
        if url is None:
            return None
        return self._one(
            "SELECT id, url, final_url, fetched_at, sha256, document_id, etag, last_modified, "
            "payload_digest, warc_record_id FROM fetches "
            "WHERE url = ? AND status BETWEEN 200 AND 299 AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1", (url,))

    def register_portal(self, portal: str, **facts) -> None:
        """Facts about a portal (name, url, province, region, level) that override the guesses."""
        row = {"portal": portal, **{k: facts.get(k) for k in ("name", "url", "province", "region",
                                                              "level")}}
        with self._tx():
            self.db["portals"].upsert(row, pk="portal")

    # -- fetches --------------------------------------------------------------------------------

    def record_fetch(self, rec: FetchRecord, *, source: str = "crawl",
                     local_path: str | None = None) -> FetchResult:
        fetched_at = _iso(rec.fetched_at)
        resp_headers = wire_headers(rec.response_headers)
        req_headers = wire_headers(rec.request_headers)
        body = rec.body
        if body is None and rec.raw_body is not None:
            body = decode_body(rec.raw_body, resp_headers)
        sha = fmt = None
        if body is not None and rec.status != 304:
            sha, _ = self.blobs.put(body)  # outside the lock: the slow part, and atomic anyway
            fmt = sniff(body)
        with self._tx() as c:
            prev = self._last_ok(rec.url)
            revisit_of = None
            if rec.status == 304 and prev:
                sha, revisit_of = prev["sha256"], prev["id"]
                fmt = self._one("SELECT format FROM documents WHERE sha256 = ?", (sha,))["format"]
            unchanged = bool(sha and prev and prev["sha256"] == sha)
            doc_id, new_doc, size = self._document(sha, body, fmt, fetched_at, rec.role)
            warc = {}
            if rec.crawl_id and source == "crawl":
                warc = self._write_warc(rec, fetched_at, req_headers, resp_headers, body, sha, fmt,
                                        prev if rec.status == 304 else None)
            form = rec.form
            if isinstance(form, (bytes, bytearray)):
                form = bytes(form).decode("utf-8", "replace")
            elif form is not None:
                form = json.dumps(form, ensure_ascii=False)
            row = {
                "crawl_id": rec.crawl_id, "source": source, "portal": rec.portal, "url": rec.url,
                "method": rec.method, "form": form, "final_url": rec.final_url,
                "redirects": json.dumps(list(rec.redirects), ensure_ascii=False)
                if rec.redirects else None,
                "status": rec.status, "reason": rec.reason,
                "http_version": rec.http_version if rec.status is not None else None,
                "request_headers": _json_headers(req_headers),
                "response_headers": _json_headers(resp_headers),
                "etag": _header(resp_headers, "etag"),
                "last_modified": _header(resp_headers, "last-modified"),
                "fetched_at": fetched_at, "referer": rec.referer, "link_text": rec.link_text,
                "role": rec.role, "report_url": rec.report_url, "title": rec.title,
                "published": rec.published, "ip_address": rec.ip_address,
                "document_id": doc_id, "sha256": sha, "size": size if sha else None,
                "raw_size": len(rec.raw_body) if rec.raw_body is not None
                else (len(body) if body is not None else None),
                "format": fmt, "unchanged": int(unchanged) if sha else None,
                "revisit_of": revisit_of, "local_path": local_path, "error": rec.error,
                "found_by": rec.found_by, **warc,
            }
            cols = ", ".join(row)
            cur = c.execute(f"INSERT INTO fetches ({cols}) VALUES ({', '.join('?' * len(row))})",
                            list(row.values()))
            fetch_id = cur.lastrowid
            ok = rec.status is None or 200 <= rec.status < 300 or rec.status == 304
            if doc_id and rec.role in REPORT_ROLES and ok and not rec.error:
                canonical = rec.report_url or rec.url or f"urn:sha256:{sha}"
                self._link_report(doc_id, sha, canonical, rec, fetched_at)
        return FetchResult(fetch_id, sha, size if sha else 0, fmt, unchanged, new_doc)

    def _document(self, sha, body, fmt, seen, role) -> tuple[int | None, bool, int]:
        if not sha:
            return None, False, 0
        doc = self._one("SELECT id, size, parse_status FROM documents WHERE sha256 = ?", (sha,))
        if doc:
            if role in REPORT_ROLES and doc["parse_status"] is None:
                self.conn.execute("UPDATE documents SET parse_status = 'pending' WHERE id = ?",
                                  (doc["id"],))
            return doc["id"], False, doc["size"]
        cur = self.conn.execute(
            "INSERT INTO documents (sha256, size, format, first_seen, blob, parse_status) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (sha, len(body), fmt, seen, self.layout.relative(self.blobs.path(sha)),
             "pending" if role in REPORT_ROLES else None))
        return cur.lastrowid, True, len(body)

    def _write_warc(self, rec, fetched_at, req_headers, resp_headers, body, sha, fmt, prev) -> dict:
        w = self._warcs.get(rec.crawl_id)
        if w is None:
            crawl = self._one("SELECT portal, spider FROM crawls WHERE id = ?", (rec.crawl_id,))
            if crawl is None:
                raise ValueError(f"unknown crawl {rec.crawl_id!r}: call begin_crawl first")
            w = self._warcs[rec.crawl_id] = WarcFile(self.layout, rec.crawl_id, {
                "portal": crawl["portal"], "spider": crawl["spider"],
                "operator": "xxgk-archive"})
        b = w.builder
        target = rec.final_url or rec.url
        date = fetched_at
        notes = []
        meta = [("crawl-id", rec.crawl_id), ("portal", rec.portal), ("role", rec.role),
                ("requested-url", rec.url), ("redirect", list(rec.redirects or [])),
                ("via", rec.referer), ("link-text", rec.link_text),
                ("report-url", rec.report_url), ("alias", list(rec.aliases or [])),
                ("title", rec.title), ("published", rec.published),
                ("sha256", sha), ("format", fmt)]
        if rec.status is None and body is not None and not rec.error:
            # Bytes without an HTTP status (a rendered page): a resource record, said as such.
            ctype = _header(resp_headers, "content-type") or "application/octet-stream"
            main = b.resource(target, date, ctype, body)
            main_id = main.rec_headers.get_header("WARC-Record-ID")
            (f, off, ln, rid), _ = w.append([main, b.metadata(target, date, main_id, meta)])
            return {"warc_file": f, "warc_offset": off, "warc_length": ln, "warc_record_id": rid,
                    "warc_type": "resource"}
        if rec.status is None:
            meta.append(("error", rec.error or "no response"))
            [(f, off, ln, rid)] = w.append([b.metadata(target, date, None, meta)])
            return {"warc_file": f, "warc_offset": off, "warc_length": ln, "warc_record_id": rid,
                    "warc_type": "metadata"}
        if rec.raw_body is not None:
            payload, headers = rec.raw_body, resp_headers
        else:
            # Only the decoded body is known: say so, and make the headers true to it (HTTrack's
            # choice) rather than store decoded bytes under Content-Encoding: gzip.
            payload, headers, changed = _normalize_headers(body or b"", resp_headers)
            if changed:
                notes.append("body recorded decoded; " + ", ".join(changed) + " renamed X-Archive-Orig-*")
        headers, dechunked = _drop_chunked(headers)
        if dechunked:
            notes.append("body recorded de-chunked; Transfer-Encoding renamed X-Archive-Orig-*")
        meta.append(("note", notes))
        reason = rec.reason or _reason(rec.status)
        status_line = f"{rec.status} {reason}".strip()
        digest = payload_digest(payload)
        records = []
        kind = "response"
        if rec.status == 304 and prev and prev["warc_record_id"]:
            kind = "revisit"
            main = b.revisit(target, status_line, rec.http_version, headers, date, rec.ip_address,
                             prev["payload_digest"] or digest, PROFILE_NOT_MODIFIED,
                             {"uri": prev["final_url"] or prev["url"],
                              "date": prev["fetched_at"], "record_id": prev["warc_record_id"]})
            digest = prev["payload_digest"]
        else:
            orig = None
            if payload and 200 <= rec.status < 300:
                orig = self._one("SELECT url, final_url, fetched_at, warc_record_id FROM fetches "
                                 "WHERE payload_digest = ? AND warc_type = 'response' "
                                 "ORDER BY id LIMIT 1", (digest,))
            if orig:
                kind = "revisit"
                main = b.revisit(target, status_line, rec.http_version, headers, date,
                                 rec.ip_address, digest, PROFILE_IDENTICAL,
                                 {"uri": orig["final_url"] or orig["url"],
                                  "date": orig["fetched_at"], "record_id": orig["warc_record_id"]})
            else:
                main = b.response(target, status_line, rec.http_version, headers, payload, date,
                                  rec.ip_address, digest)
        main_id = main.rec_headers.get_header("WARC-Record-ID")
        records.append(main)
        req_body = rec.form if isinstance(rec.form, (bytes, bytearray)) else (
            _urlencode(rec.form) if rec.form else b"")
        records.append(b.request(target, rec.method or "GET", rec.http_version, req_headers,
                                 bytes(req_body), date, main_id))
        records.append(b.metadata(target, date, main_id, meta))
        (f, off, ln, rid), *_ = w.append(records)
        return {"warc_file": f, "warc_offset": off, "warc_length": ln, "warc_record_id": rid,
                "warc_type": kind, "payload_digest": digest}

    # -- reports --------------------------------------------------------------------------------

    def _link_report(self, doc_id: int, sha: str, canonical: str, rec: FetchRecord, seen: str):
        c = self.conn
        urls = [u for u in [canonical, *rec.aliases, rec.url, rec.final_url] if u]
        rep = self._one("SELECT id, url FROM reports WHERE url = ?", (canonical,))
        if rep is None:
            for u in urls:
                rep = self._one("SELECT r.id, r.url FROM report_aliases a "
                                "JOIN reports r ON r.id = a.report_id WHERE a.url = ?", (u,))
                if rep is None:
                    rep = self._one("SELECT id, url FROM reports WHERE url = ?", (u,))
                if rep:
                    break
        if rep is None and not canonical.startswith("urn:"):
            # The file was ingested before anyone said where it came from: now we know.
            rep = self._one("SELECT id, url FROM reports WHERE url = ?", (f"urn:sha256:{sha}",))
            if rep:
                c.execute("UPDATE reports SET url = ? WHERE id = ?", (canonical, rep["id"]))
                c.execute("INSERT OR IGNORE INTO report_aliases (url, report_id) VALUES (?, ?)",
                          (rep["url"], rep["id"]))
                rep["url"] = canonical
        if rep is None:
            cur = c.execute(
                "INSERT INTO reports (url, portal, title, published, first_seen, last_seen, "
                "parse_status) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                (canonical, rec.portal, rec.title, rec.published, seen, seen))
            rep = {"id": cur.lastrowid, "url": canonical}
        else:
            c.execute(
                "UPDATE reports SET first_seen = min(coalesce(first_seen, ?), ?), "
                "last_seen = max(coalesce(last_seen, ?), ?), portal = coalesce(portal, ?), "
                "title = coalesce(?, title), published = coalesce(?, published) WHERE id = ?",
                (seen, seen, seen, seen, rec.portal, rec.title, rec.published, rep["id"]))
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
        self._refresh_report(rep["id"])

    def _refresh_report(self, report_id: int) -> None:
        """Pick the report's best document and copy what the parser found from it."""
        rows = self._all(
            "SELECT d.*, rd.url AS at_url, rd.role, rd.last_seen FROM report_documents rd "
            "JOIN documents d ON d.id = rd.document_id WHERE rd.report_id = ?", (report_id,))
        latest: dict[str, dict] = {}
        for r in rows:  # the current version at each URL; older versions stay linked
            cur = latest.get(r["at_url"])
            if cur is None or (r["last_seen"], r["id"]) > (cur["last_seen"], cur["id"]):
                latest[r["at_url"]] = r
        rank = {"ok": 2, "warnings": 2, "pending": 1, None: 1, "error": 0}
        cands = sorted(latest.values(), key=lambda r: (
            r["n_cells"] or 0, rank.get(r["parse_status"], 1), r["role"] == "report",
            r["last_seen"] or "", r["id"]), reverse=True)
        if not cands:
            return
        best = cands[0]
        named = next((r for r in cands if r["organ"]), best)
        dated = next((r for r in cands if r["year"]), best)
        organ = best["organ"] or named["organ"]
        place = organs.classify(organ)
        rep = self._one("SELECT portal FROM reports WHERE id = ?", (report_id,))
        portal = self._one("SELECT * FROM portals WHERE portal = ?", (rep["portal"],)) \
            if rep and rep["portal"] else None
        for key in ("province", "region", "level"):
            if portal and portal.get(key):
                place[key] = portal[key]
        found = {(t, r): v for t, r, v in self.conn.execute(
            'SELECT "table", "row", value FROM cells WHERE document_id = ? AND col = \'total\'',
            (best["id"],))}
        totals = {name: found.get(key) for name, key in TOTALS.items()}
        self.conn.execute(
            f"UPDATE reports SET {', '.join(f'{k} = ?' for k in totals)} WHERE id = ?",
            (*totals.values(), report_id))
        self.conn.execute(
            "UPDATE reports SET document_id = ?, sha256 = ?, format = ?, organ = ?, year = ?, "
            "template = ?, province = ?, region = ?, level = ?, organ_type = ?, parse_status = ?, "
            "parse_error = ?, parser_version = ?, check_status = ?, n_cells = ?, n_warnings = ? "
            "WHERE id = ?",
            (best["id"], best["sha256"], best["format"], organ, best["year"] or dated["year"],
             best["template"], place["province"], place["region"], place["level"],
             place["organ_type"], best["parse_status"] or "pending", best["parse_error"],
             best["parser_version"], best["check_status"], best["n_cells"], best["n_warnings"],
             report_id))

    # -- parsing --------------------------------------------------------------------------------

    def parse_document(self, sha256: str) -> dict:
        """Parse a stored document (in a sandboxed child) and store what the parser said."""
        with self._lock:
            doc = self._one("SELECT id FROM documents WHERE sha256 = ?", (sha256,))
        if doc is None:
            raise KeyError(f"no document {sha256}")
        version_ = parsers.__version__
        try:
            report = parse_isolated(self.blobs.read(sha256), self.limits)
            error = None
        except ParseError as exc:
            report, error = None, str(exc)
        except FileNotFoundError:
            report, error = None, "the raw file is missing from the blob store"
        doc_id = doc["id"]
        with self._tx() as c:
            c.execute("DELETE FROM cells WHERE document_id = ?", (doc_id,))
            c.execute("DELETE FROM checks WHERE document_id = ?", (doc_id,))
            c.execute("DELETE FROM warnings WHERE document_id = ?", (doc_id,))
            c.execute("DELETE FROM texts WHERE document_id = ?", (doc_id,))
            if report is None:
                c.execute("UPDATE documents SET parse_status = 'error', parse_error = ?, "
                          "parser_version = ?, parsed_at = ?, organ = NULL, year = NULL, "
                          "template = NULL, title = NULL, n_cells = 0, n_warnings = 0, "
                          "check_status = NULL, pages = NULL WHERE id = ?",
                          (error, version_, now_iso(), doc_id))
                summary = {"status": "error", "error": error, "organ": None, "year": None,
                           "template": None, "cells": 0}
            else:
                summary = self._store_parse(doc_id, report, version_)
            for (rid,) in c.execute("SELECT DISTINCT report_id FROM report_documents "
                                    "WHERE document_id = ?", (doc_id,)).fetchall():
                self._refresh_report(rid)
        return summary

    def _store_parse(self, doc_id: int, report, version_: str) -> dict:
        c = self.conn
        cells = []
        for cell in report.cells:
            row_label, col_label = schema.label_of(cell["table"], cell["row"], cell["col"])
            cells.append((doc_id, cell["table"], cell["row"], cell["col"], cell["value"],
                          row_label, col_label, version_))
        c.executemany('INSERT INTO cells (document_id, "table", "row", col, value, row_label, '
                      'col_label, parser_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', cells)
        c.executemany('INSERT INTO checks (document_id, "check", "row", col, status, detail, '
                      'parser_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
                      [(doc_id, k["check"], k.get("row"), k.get("col"), k["status"],
                        k.get("detail"), version_) for k in report.checks])
        c.executemany("INSERT INTO warnings (document_id, message, parser_version) VALUES (?, ?, ?)",
                      [(doc_id, w, version_) for w in report.warnings])
        if report.text:
            c.execute("INSERT INTO texts (document_id, content, parser_version) VALUES (?, ?, ?)",
                      (doc_id, report.text, version_))
        statuses = {k["status"] for k in report.checks}
        check_status = ("fail" if "fail" in statuses else "pass" if "pass" in statuses
                        else "skipped" if statuses else "none")
        status = "warnings" if report.warnings else "ok"
        c.execute("UPDATE documents SET parse_status = ?, parse_error = NULL, parser_version = ?, "
                  "parsed_at = ?, organ = ?, year = ?, template = ?, title = ?, n_cells = ?, "
                  "n_warnings = ?, check_status = ?, pages = ? WHERE id = ?",
                  (status, version_, now_iso(), report.organ, report.year, report.template,
                   report.title, len(cells), len(report.warnings), check_status, report.pages,
                   doc_id))
        return {"status": status, "organ": report.organ, "year": report.year,
                "template": report.template, "cells": len(cells)}

    # -- changes ----------------------------------------------------------------------------------

    def diff(self, old: str | None = None, new: str | None = None,
             portals: list[str] | None = None, parse: bool = True,
             pairs: list | None = None) -> list:
        """Compare crawls (see archive.changes) and store what changed. Report files the crawls
        fetched but nobody parsed yet are parsed first, so that cells and text can be compared."""
        from . import changes

        with self._lock:
            if pairs is None:
                pairs = changes.crawl_pairs(self.conn, old, new, portals)
            if parse:
                ids = [c for pair in pairs for c in pair if c]
                marks = ", ".join("?" * len(ids))
                pending = [r[0] for r in self.conn.execute(
                    "SELECT DISTINCT d.sha256 FROM fetches f JOIN documents d ON d.id = "
                    f"f.document_id WHERE f.crawl_id IN ({marks}) AND d.parse_status = 'pending'",
                    ids)] if ids else []
        for sha in pending if parse else []:
            self.parse_document(sha)
        out = []
        with self._lock:
            detected = now_iso()
            for o, n in pairs:
                d = changes.compare(self.conn, o, n)
                changes.store(self.conn, d, detected)
                out.append(d)
        return out

    def documents_to_parse(self, which: str = "all") -> list[str]:
        """SHA-256s for reparse: 'all' parsed or pending, 'stale' (other parser version),
        'pending', or 'error'."""
        where = {
            "all": "parse_status IS NOT NULL",
            "stale": "parse_status IS NOT NULL AND (parser_version IS NULL OR parser_version <> ?)",
            "pending": "parse_status = 'pending'",
            "error": "parse_status = 'error'",
        }[which]
        params = (parsers.__version__,) if which == "stale" else ()
        with self._lock:
            return [r[0] for r in self.conn.execute(
                f"SELECT sha256 FROM documents WHERE {where} ORDER BY id", params)]


# -- small helpers ------------------------------------------------------------------------------

def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _header(headers, name: str) -> str | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def _json_headers(headers) -> str | None:
    return json.dumps(display_headers(headers), ensure_ascii=False) if headers else None


def _normalize_headers(body: bytes, headers):
    encoded = any(k.lower() == "content-encoding" and v.strip().lower() not in ("", "identity")
                  for k, v in headers)
    if not encoded:
        return body, list(headers), []
    changed, out = [], []
    for k, v in headers:
        if k.lower() in ("content-encoding", "content-length"):
            out.append((f"X-Archive-Orig-{k}", v))
            changed.append(k)
        else:
            out.append((k, v))
    out.append(("Content-Length", str(len(body))))
    return body, out, changed


def _drop_chunked(headers):
    out, dechunked = [], False
    for k, v in headers:
        if k.lower() == "transfer-encoding" and "chunked" in v.lower():
            out.append((f"X-Archive-Orig-{k}", v))
            dechunked = True
        else:
            out.append((k, v))
    return out, dechunked


def _urlencode(form: dict) -> bytes:
    from urllib.parse import urlencode
    return urlencode(form, doseq=True).encode("utf-8")
