"""The archive's one entry point for writers: the crawler, ``xxgk ingest``, ``xxgk reparse`` and
the diffs.

    arc = Archive()                                  # --data / $XXGK_DATA / ./data
    crawl = arc.begin_crawl("hongze", "hongze")      # resumes the portal's killed crawl
    res = arc.record_fetch(FetchRecord(crawl, "hongze", url, status=200, raw_body=..., ...))
    arc.parse_document(res.sha256)
    arc.end_crawl(crawl)
    arc.read(queries.fetched_urls, crawl)            # a read (archive.queries) on this connection

Each job has its module: :mod:`.crawls` (lifecycle, locks), :mod:`.fetches` (the records),
:mod:`.directory` (organs found in organ directories),
:mod:`.warc` (WARC records), :mod:`.reports` (linking, best document), :mod:`.parses` (parser
output), :mod:`.changes` (diffs). Calls may come from several threads: one connection, one lock.
"""

from __future__ import annotations

import parsers
from parsers.sandbox import Limits

from . import directory, fetches, parses, queries, reports, sites
from .blobs import BlobStore, clean_tmp
from .changes import store as changes_store
from .changes.model import Diff
from .crawls import Crawls
from .directory import OrganRecord
from .fetches import FetchRecord, FetchResult
from .paths import Layout
from .warc import CrawlWarcs, exchange_records
from .writer import Writer, insert


class Archive:
    def __init__(self, data_dir=None, limits: Limits | None = None,
                 synchronous: str | None = None):
        """``synchronous``: SQLite's durability, NORMAL (default, or $XXGK_SYNCHRONOUS), FULL
        or EXTRA (see docs/archive.md)."""
        self.layout = Layout(data_dir).create()
        clean_tmp(self.layout)
        self.blobs = BlobStore(self.layout)
        self.writer = Writer(self.layout.db, synchronous)
        self.db = self.writer.db
        self.conn = self.db.conn
        self.limits = limits or Limits()
        self.warcs = CrawlWarcs(self.layout)
        self.crawls = Crawls(self.writer, self.layout, self.warcs)

    def close(self) -> None:
        self.crawls.close()
        self.writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- crawls -----------------------------------------------------------------------------------

    def begin_crawl(self, portal: str, spider: str, resume: bool = True) -> str:
        return self.crawls.begin(portal, spider, resume)

    def end_crawl(self, crawl_id: str, status: str = "finished", stats: dict | None = None) -> None:
        self.crawls.end(crawl_id, status, stats)

    def register_portal(self, portal: str, **facts) -> None:
        """Facts about a portal (name, url, province, region, region_code, level): see
        :meth:`Crawls.register_portal`."""
        self.crawls.register_portal(portal, **facts)

    def record_sites(self, rows: list[dict], synced_at: str, source: str) -> sites.SyncCounts:
        """One registry sync's government websites (see :mod:`archive.sites`), in one
        transaction."""
        with self.writer.transaction() as db:
            return sites.record(db, rows, synced_at, source)

    # -- fetches ----------------------------------------------------------------------------------

    def record_fetch(self, rec: FetchRecord, *, source: str = "crawl",
                     local_path: str | None = None) -> FetchResult:
        """Store one exchange: its body (decoded, stored and sniffed once, outside the lock),
        then in one transaction its document, its WARC records (crawls only), its ``fetches``
        row and its report. A crash in between leaves an unreferenced blob or WARC record,
        never a row pointing at something missing."""
        ex = fetches.prepare(rec, self.blobs)
        with self.writer.transaction() as db:
            prev = queries.last_ok_fetch(db, rec.url)
            sha, fmt, revisit_of = ex.sha256, ex.format, None
            if rec.status == 304 and prev:
                # Not modified: the body is the one the URL's last 2xx fetch stored.
                sha, revisit_of = prev["sha256"], prev["id"]
                fmt = queries.document(db, sha)["format"]
            unchanged = bool(sha and prev and prev["sha256"] == sha)
            doc = fetches.document_row(db, self.layout, sha, ex.size, fmt, ex.fetched_at,
                                       rec.role)
            warc = {}
            if rec.crawl_id and source == "crawl":
                w = self.warcs.get(rec.crawl_id) or self.warcs.open(
                    rec.crawl_id, queries.crawl(db, rec.crawl_id))
                warc = exchange_records(w, ex, sha, fmt, prev if rec.status == 304 else None,
                                        lambda digest: queries.first_response(db, digest))
            row = fetches.fetch_row(ex, doc, sha=sha, fmt=fmt, unchanged=unchanged,
                                    revisit_of=revisit_of, source=source, local_path=local_path)
            fetch_id = insert(db, "fetches", {**row, **warc})
            ok = rec.status is None or 200 <= rec.status < 300 or rec.status == 304
            if doc.id and rec.role in fetches.REPORT_ROLES and ok and not rec.error:
                reports.link(db, doc.id, sha, rec, ex.fetched_at, row["last_modified"],
                             crawled=source == "crawl")
        return FetchResult(fetch_id, sha, doc.size if sha else 0, fmt, unchanged, doc.new)

    # -- organs ------------------------------------------------------------------------------------

    def record_organ(self, rec: OrganRecord) -> int:
        """An organ a portal's organ directory named (its 年报 column, the directory page, its
        division): inserted, or its row refreshed. Its id in ``organs``."""
        with self.writer.transaction() as db:
            return directory.upsert(db, rec)

    # -- parses and changes -----------------------------------------------------------------------

    def parse_document(self, sha256: str) -> dict:
        """Parse a stored document (in a sandboxed child) and store what the parser said."""
        return parses.parse_document(self.writer, self.blobs, self.limits, sha256)

    def record_changes(self, diff: Diff, detected_at: str) -> int:
        """Store a diff (see :mod:`archive.changes`) in ``changes``, replacing an earlier run
        over the same crawls."""
        with self.writer.transaction() as db:
            return changes_store.write(db, diff, detected_at)

    # -- reads on the writer's connection ---------------------------------------------------------

    def read(self, fn, *args, **kwargs):
        """``fn(db, *args, **kwargs)``, a function of :mod:`archive.queries`, on this connection
        (it sees this process's writes)."""
        return self.writer.read(fn, *args, **kwargs)

    def fetched_urls(self, crawl_id: str, include_errors: bool = True) -> set[str]:
        return self.read(queries.fetched_urls, crawl_id, include_errors)

    def validators(self, url: str) -> dict | None:
        return self.read(queries.validators, url)

    def documents_to_parse(self, which: str = "all") -> list[str]:
        """SHA-256s for reparse: 'all', 'stale' (another parser version), 'pending', 'error'."""
        return self.read(queries.documents_to_parse, which, parsers.__version__)
