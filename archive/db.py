"""The SQLite archive: connection settings, the schema (as sqlite-utils migrations) and the views.

What every table and column holds is said once, in :mod:`archive.descriptions` (Datasette shows
it; docs/archive.md is generated from it); comments here say only why. New tables come as new
migrations appended to :data:`migrations` (never edit an applied one), so an archive made by an
older version is upgraded in place when it is opened for writing.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from parsers import divisions

from . import implausible, kept_figures, queries, tallies
from .search import bigrams, chars
from .views import VIEWS

migrations = Migrations("xxgk-archive")


# SQLite's durability (PRAGMA synchronous) for a writer, from the weakest: see docs/archive.md.
SYNCHRONOUS = ("NORMAL", "FULL", "EXTRA")


def synchronous_mode(value: str | None = None) -> str:
    """``value``, else $XXGK_SYNCHRONOUS, else NORMAL; one of SYNCHRONOUS."""
    mode = (value or os.environ.get("XXGK_SYNCHRONOUS") or "NORMAL").upper()
    if mode not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}, not {mode!r}")
    return mode


def connect(path: str | Path, readonly: bool = False,
            synchronous: str | None = None) -> sqlite3.Connection:
    """One connection with the archive's settings; ``readonly`` opens with ``mode=ro``;
    ``synchronous`` as :func:`synchronous_mode`."""
    if readonly:
        conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, check_same_thread=False,
                               timeout=30)
    else:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in the store),
        # so a writer never upgrades a read lock and deadlocks against another process.
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30,
                               isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # Used by the triggers that keep texts_bigram and texts_chars in step with texts.
    conn.create_function("xxgk_bigrams", 1, bigrams, deterministic=True)
    conn.create_function("xxgk_chars", 1, chars, deterministic=True)
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut can
        # drop the last transactions, and the database stays consistent either way. FULL
        # (the nightly job's) syncs the WAL at every commit: a power cut loses nothing either.
        conn.execute(f"PRAGMA synchronous = {synchronous_mode(synchronous)}")
    return conn


def as_database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """A connection someone else opened (Datasette's, say) as a Database for the functions of
    :mod:`archive.queries`; nothing is changed on it."""
    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


def read_only(path: str | Path) -> sqlite_utils.Database:
    """An existing archive opened read-only, for the functions of :mod:`archive.queries`; it
    reads while a crawl writes (WAL). Close it with ``.close()`` or use it as a context."""
    return as_database(connect(path, readonly=True))


def open_db(path: str | Path, synchronous: str | None = None) -> sqlite_utils.Database:
    """Open (creating or upgrading) the archive for writing."""
    db = sqlite_utils.Database(connect(path, synchronous=synchronous))
    with _schema_turn(path):
        migrations.apply(db)
        _load_deadlines(db)
        _load_divisions(db)
        _refresh_views(db)
    return db


def behind(path: str | Path) -> list[str]:
    """What an existing archive written by an older version lacks: the migrations it has not
    had and the views that are not this version's (read without changing it)."""
    with read_only(path) as db:
        return [m.name for m in migrations.pending(db)] + [f"view {v}" for v in _stale_views(db)]


def _stale_views(db: sqlite_utils.Database) -> dict[str, str]:
    current = {r["name"]: r["sql"] for r in db.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view'")}
    # SQLite keeps a view's statement without its trailing white space.
    return {name: sql.strip() for name, sql in VIEWS.items()
            if sql.strip() not in current.get(name, "")}


def _refresh_views(db: sqlite_utils.Database) -> None:
    """Make the views the code's, replacing only those that differ, in one transaction: a
    reader in another process sees the old view or the new one, never none."""
    stale = _stale_views(db)
    if not stale:
        return
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        for name, sql in stale.items():
            db.execute(f"DROP VIEW IF EXISTS [{name}]")
            db.execute(f"CREATE VIEW [{name}] AS {sql}")


@contextmanager
def _schema_turn(path: str | Path):
    """Processes opening one archive at once (a nightly's crawls, started together on a new
    archive) take turns at its schema: migrations and views are not atomic in SQLite's sense,
    and two at once fail with "already exists". A lock file beside the database."""
    if str(path) == ":memory:":
        yield
        return
    with open(f"{path}.schema-lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


DEADLINES = Path(__file__).with_name("deadlines.json")


def _load_deadlines(db: sqlite_utils.Database) -> None:
    """The deadline rules are data (archive/deadlines.json), kept in step on every open."""
    rules = json.loads(DEADLINES.read_text(encoding="utf-8"))["rules"]
    rows = [(r["organ_type"], r["month"], r["day"], r.get("rule")) for r in rules]
    current = {(r["organ_type"], r["month"], r["day"], r["rule"]) for r in queries.deadlines(db)}
    if current != set(rows):
        with db.conn:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM deadlines")
            db.conn.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?)", rows)


def _load_divisions(db: sqlite_utils.Database) -> None:
    """The division list down to counties (parsers.divisions), loaded once per edition of it."""
    if queries.divisions_source(db) == divisions.SOURCE:
        return
    rows = []
    for d in divisions.every(max_level=3):
        up = {a.level: a.code for a in divisions.path(d.code)}
        rows.append((d.code, d.name, d.level, d.tier, d.parent, up.get(1), up.get(2), up.get(3),
                     divisions.SOURCE))
    with db.conn:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM divisions")
        db.conn.executemany("INSERT INTO divisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@migrations(name="0001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    db.executescript(SCHEMA)


@migrations(name="0002_changes")
def _changes(db: sqlite_utils.Database) -> None:
    db.executescript(CHANGES_SCHEMA)


@migrations(name="0003_registry")
def _registry(db: sqlite_utils.Database) -> None:
    db.executescript(REGISTRY_SCHEMA)


@migrations(name="0004_organs")
def _organs(db: sqlite_utils.Database) -> None:
    db.executescript(ORGANS_SCHEMA)


@migrations(name="0005_statements")
def _statements(db: sqlite_utils.Database) -> None:
    # The portal's division may already have come with the registry's own migration.
    if "region_code" not in db["portals"].columns_dict:
        db.execute("ALTER TABLE portals ADD COLUMN region_code TEXT")
    db.executescript(STATEMENTS_SCHEMA)


@migrations(name="0006_truncated")
def _truncated(db: sqlite_utils.Database) -> None:
    # Why a fetch's body is not all the server sent (WARC-Truncated's reason).
    db.execute("ALTER TABLE fetches ADD COLUMN truncated TEXT")


@migrations(name="0007_search_chars")
def _search_chars(db: sqlite_utils.Database) -> None:
    # The texts already archived are indexed here; new ones by the triggers, made again with
    # the third index beside the first two.
    db.executescript(SEARCH_CHARS_SCHEMA + text_triggers(TEXT_INDEXES))


@migrations(name="0008_indexes_for_scale")
def _indexes_for_scale(db: sqlite_utils.Database) -> None:
    db.executescript(SCALE_INDEXES)


@migrations(name="0009_coverage_organ_names")
def _coverage_organ_names(db: sqlite_utils.Database) -> None:
    # Coverage asks, for each organ a directory names, whether another expected organ bears
    # the same name (organs' own index leads with the portal).
    db.execute("CREATE INDEX IF NOT EXISTS organs_name ON organs (name)")


@migrations(name="0010_coverage_summary")
def _coverage_summary(db: sqlite_utils.Database) -> None:
    # Coverage kept, not computed per page: archive/coverage.py refresh_coverage writes it.
    db.executescript(COVERAGE_SCHEMA)


@migrations(name="0011_implausible_kept")
def _implausible_kept(db: sqlite_utils.Database) -> None:
    implausible.create(db)


@migrations(name="0012_tallies")
def _tallies(db: sqlite_utils.Database) -> None:
    # Counts of the whole archive kept by triggers on reports, read by the pages that count it.
    tallies.create(db)
    # The reports table's page opens newest seen first: its first rows read from an index,
    # not every report sorted.
    db.execute("CREATE INDEX IF NOT EXISTS reports_last_seen ON reports (last_seen)")


@migrations(name="0013_kept_figures")
def _kept_figures(db: sqlite_utils.Database) -> None:
    # requests_by_region, late_reports and missing_reports read what triggers keep
    # (archive/kept_figures.py), not every report.
    kept_figures.create(db)


@migrations(name="0014_report_organs")
def _report_organs(db: sqlite_utils.Database) -> None:
    # The search page names the organs whose name holds the words: a scan of the names, not
    # of every report.
    db.executescript(REPORT_ORGANS_SCHEMA)


SCHEMA = """
CREATE TABLE crawls (
    id TEXT PRIMARY KEY,
    portal TEXT NOT NULL,
    spider TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    resumed INTEGER NOT NULL DEFAULT 0,
    stats TEXT,
    software TEXT
);
CREATE INDEX crawls_portal ON crawls (portal, started_at);

CREATE TABLE portals (
    portal TEXT PRIMARY KEY,
    name TEXT,
    url TEXT,
    province TEXT,
    region TEXT,
    level TEXT
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    format TEXT,
    first_seen TEXT NOT NULL,
    blob TEXT NOT NULL,
    parse_status TEXT,
    parse_error TEXT,
    parser_version TEXT,
    parsed_at TEXT,
    organ TEXT,
    year INTEGER,
    template TEXT,
    title TEXT,
    n_cells INTEGER,
    n_warnings INTEGER,
    check_status TEXT,
    pages INTEGER
);
CREATE INDEX documents_parse ON documents (parse_status, parser_version);

CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    crawl_id TEXT REFERENCES crawls (id),
    source TEXT NOT NULL DEFAULT 'crawl',
    portal TEXT,
    url TEXT,
    method TEXT,
    form TEXT,
    final_url TEXT,
    redirects TEXT,
    status INTEGER,
    reason TEXT,
    http_version TEXT,
    request_headers TEXT,
    response_headers TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    referer TEXT,
    link_text TEXT,
    role TEXT,
    report_url TEXT,
    title TEXT,
    published TEXT,
    ip_address TEXT,
    document_id INTEGER REFERENCES documents (id),
    sha256 TEXT,
    size INTEGER,
    raw_size INTEGER,
    format TEXT,
    unchanged INTEGER,
    revisit_of INTEGER REFERENCES fetches (id),
    payload_digest TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    warc_record_id TEXT,
    warc_type TEXT,
    local_path TEXT,
    error TEXT
);
CREATE INDEX fetches_crawl_url ON fetches (crawl_id, url);
CREATE INDEX fetches_url ON fetches (url, fetched_at);
CREATE INDEX fetches_document ON fetches (document_id);
CREATE INDEX fetches_digest ON fetches (payload_digest);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    portal TEXT,
    title TEXT,
    published TEXT,
    organ TEXT,
    year INTEGER,
    template TEXT,
    province TEXT,
    region TEXT,
    level TEXT,
    organ_type TEXT,
    document_id INTEGER REFERENCES documents (id),
    sha256 TEXT,
    format TEXT,
    parse_status TEXT,
    parse_error TEXT,
    parser_version TEXT,
    check_status TEXT,
    n_cells INTEGER,
    n_warnings INTEGER,
    first_seen TEXT,
    last_seen TEXT,
    -- Headline numbers (总计 column) of the best document, copied so that totals over 100,000
    -- reports read one row each instead of their 200 cells. cells stays the source of truth.
    requests_new NUMERIC,
    requests_carried_in NUMERIC,
    granted NUMERIC,
    partial NUMERIC,
    results_total NUMERIC,
    carried_out NUMERIC,
    reviews NUMERIC,
    suits_direct NUMERIC,
    suits_after_review NUMERIC
);
CREATE INDEX reports_organ_year ON reports (organ, year);
CREATE INDEX reports_year ON reports (year);
CREATE INDEX reports_region ON reports (region, year);
CREATE INDEX reports_document ON reports (document_id);

CREATE TABLE report_aliases (
    url TEXT PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id)
);
CREATE INDEX report_aliases_report ON report_aliases (report_id);

CREATE TABLE report_documents (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    url TEXT NOT NULL DEFAULT '',
    role TEXT,
    first_seen TEXT,
    last_seen TEXT,
    PRIMARY KEY (report_id, document_id, url)
);
CREATE INDEX report_documents_document ON report_documents (document_id);

CREATE TABLE cells (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    "table" TEXT NOT NULL,
    "row" TEXT NOT NULL,
    col TEXT NOT NULL,
    value NUMERIC,
    row_label TEXT,
    col_label TEXT,
    parser_version TEXT,
    PRIMARY KEY (document_id, "table", "row", col)
) WITHOUT ROWID;

CREATE TABLE checks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    "check" TEXT NOT NULL,
    "row" TEXT,
    col TEXT,
    status TEXT NOT NULL,
    detail TEXT,
    parser_version TEXT
);
CREATE INDEX checks_document ON checks (document_id, status);

CREATE TABLE warnings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    message TEXT NOT NULL,
    parser_version TEXT
);
CREATE INDEX warnings_document ON warnings (document_id);

-- Searched through texts_fts and texts_bigram, kept in step by triggers (archive/search.py).
CREATE TABLE texts (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    content TEXT NOT NULL,
    parser_version TEXT
);

-- Trigram index, contentless (the text is in texts, once). 'kind' holds the same word for every
-- row so that a query with no term of 3+ characters can still be written as one MATCH.
CREATE VIRTUAL TABLE texts_fts USING fts5(content, kind, content='', tokenize='trigram');
-- Every pair of adjacent CJK characters as a token (ascii tokenizer: any non-ASCII character is
-- part of a token), so that a two-character term is found through an index too.
CREATE VIRTUAL TABLE texts_bigram USING fts5(grams, kind, content='', tokenize='ascii');
CREATE TRIGGER texts_ai AFTER INSERT ON texts BEGIN
    INSERT INTO texts_fts (rowid, content, kind) VALUES (new.document_id, new.content, 'document');
    INSERT INTO texts_bigram (rowid, grams, kind)
        VALUES (new.document_id, xxgk_bigrams(new.content), 'document');
END;
CREATE TRIGGER texts_ad AFTER DELETE ON texts BEGIN
    INSERT INTO texts_fts (texts_fts, rowid, content, kind)
        VALUES ('delete', old.document_id, old.content, 'document');
    INSERT INTO texts_bigram (texts_bigram, rowid, grams, kind)
        VALUES ('delete', old.document_id, xxgk_bigrams(old.content), 'document');
END;
CREATE TRIGGER texts_au AFTER UPDATE OF content ON texts BEGIN
    INSERT INTO texts_fts (texts_fts, rowid, content, kind)
        VALUES ('delete', old.document_id, old.content, 'document');
    INSERT INTO texts_bigram (texts_bigram, rowid, grams, kind)
        VALUES ('delete', old.document_id, xxgk_bigrams(old.content), 'document');
    INSERT INTO texts_fts (rowid, content, kind) VALUES (new.document_id, new.content, 'document');
    INSERT INTO texts_bigram (rowid, grams, kind)
        VALUES (new.document_id, xxgk_bigrams(new.content), 'document');
END;
"""

# The characters each text holds, once each, so that a one-character term is decided by an index
# (archive/search.py). detail=column: no positions (one character, one token, nothing to
# place), but column filters still work ('kind', as in the other two). reports_search_order
# is the search's order: a page of a common term walks it instead of sorting every hit.
SEARCH_CHARS_SCHEMA = """
CREATE INDEX reports_search_order ON reports (year DESC, organ);
CREATE VIRTUAL TABLE texts_chars USING fts5(chars, kind, content='', tokenize='ascii',
                                            detail='column');
INSERT INTO texts_chars (rowid, chars, kind)
    SELECT document_id, xxgk_chars(content), 'document' FROM texts;
DROP TRIGGER texts_ai;
DROP TRIGGER texts_ad;
DROP TRIGGER texts_au;
"""

# The indexes of texts: each one's column and what it holds of a row's content.
TEXT_INDEXES = {"texts_fts": ("content", "{row}.content"),
                "texts_bigram": ("grams", "xxgk_bigrams({row}.content)"),
                "texts_chars": ("chars", "xxgk_chars({row}.content)")}


def text_triggers(indexes: dict[str, tuple[str, str]]) -> str:
    """The triggers that keep ``indexes`` (as TEXT_INDEXES) in step with texts: a row in on
    insert, out on delete (contentless: with the values it went in with), both on update."""
    def put(row):
        return "".join(f"    INSERT INTO {t} (rowid, {col}, kind) VALUES "
                       f"({row}.document_id, {value.format(row=row)}, 'document');\n"
                       for t, (col, value) in indexes.items())

    def drop(row):
        return "".join(f"    INSERT INTO {t} ({t}, rowid, {col}, kind) VALUES "
                       f"('delete', {row}.document_id, {value.format(row=row)}, 'document');\n"
                       for t, (col, value) in indexes.items())

    return (f"CREATE TRIGGER texts_ai AFTER INSERT ON texts BEGIN\n{put('new')}END;\n"
            f"CREATE TRIGGER texts_ad AFTER DELETE ON texts BEGIN\n{drop('old')}END;\n"
            f"CREATE TRIGGER texts_au AFTER UPDATE OF content ON texts BEGIN\n"
            f"{drop('old')}{put('new')}END;\n")


# Every organ name of the reports, once, with its number of reports, kept by triggers (a name
# goes when its last report does).
REPORT_ORGANS_SCHEMA = """
CREATE TABLE report_organs (
    organ TEXT PRIMARY KEY,
    reports INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO report_organs (organ, reports)
    SELECT organ, count(*) FROM reports WHERE organ IS NOT NULL GROUP BY organ;
CREATE TRIGGER report_organs_ai AFTER INSERT ON reports WHEN new.organ IS NOT NULL BEGIN
    INSERT INTO report_organs (organ, reports) VALUES (new.organ, 1)
        ON CONFLICT (organ) DO UPDATE SET reports = reports + 1;
END;
CREATE TRIGGER report_organs_ad AFTER DELETE ON reports WHEN old.organ IS NOT NULL BEGIN
    UPDATE report_organs SET reports = reports - 1 WHERE organ = old.organ;
    DELETE FROM report_organs WHERE organ = old.organ AND reports <= 0;
END;
CREATE TRIGGER report_organs_au AFTER UPDATE OF organ ON reports
    WHEN old.organ IS NOT new.organ BEGIN
    UPDATE report_organs SET reports = reports - 1 WHERE organ = old.organ;
    DELETE FROM report_organs WHERE organ = old.organ AND reports <= 0;
    INSERT INTO report_organs (organ, reports) SELECT new.organ, 1 WHERE new.organ IS NOT NULL
        ON CONFLICT (organ) DO UPDATE SET reports = reports + 1;
END;
"""


CHANGES_SCHEMA = """
ALTER TABLE fetches ADD COLUMN found_by TEXT;

CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    portal TEXT,
    old_crawl TEXT REFERENCES crawls (id),
    new_crawl TEXT NOT NULL REFERENCES crawls (id),
    report_id INTEGER REFERENCES reports (id),
    url TEXT,
    document_url TEXT,
    old_url TEXT,
    old_document_id INTEGER REFERENCES documents (id),
    new_document_id INTEGER REFERENCES documents (id),
    old_sha256 TEXT,
    new_sha256 TEXT,
    reason TEXT,
    organ TEXT,
    year INTEGER,
    title TEXT,
    n_cells INTEGER,
    cells TEXT,
    text_diff TEXT,
    detected_at TEXT NOT NULL
);
CREATE INDEX changes_new_crawl ON changes (new_crawl, kind);
CREATE INDEX changes_report ON changes (report_id);
CREATE INDEX changes_kind ON changes (kind, detected_at);
CREATE INDEX fetches_crawl_role ON fetches (crawl_id, role);

-- When each kind of organ must publish its report for year Y (Regulations art. 49), as
-- month and day of year Y+1. Filled from archive/deadlines.json whenever the archive opens.
CREATE TABLE deadlines (
    organ_type TEXT PRIMARY KEY,
    month INTEGER NOT NULL,
    day INTEGER NOT NULL,
    rule TEXT
);
"""

# The registry of government websites (xxgk registry sync) and the division list it is placed
# on. A site that leaves the national database keeps its row, with the sync that missed it.
REGISTRY_SCHEMA = """
CREATE TABLE sites (
    portal TEXT PRIMARY KEY,
    site_code TEXT UNIQUE,
    name TEXT,
    url TEXT,
    organ TEXT,
    supervisor TEXT,
    region_code TEXT,
    level TEXT,
    parent TEXT,
    province TEXT,
    region TEXT,
    area TEXT,
    site_type TEXT,
    icp TEXT,
    police_record TEXT,
    source_group TEXT,
    notes TEXT,
    source TEXT,
    first_synced TEXT NOT NULL,
    last_synced TEXT NOT NULL,
    withdrawn TEXT
);
CREATE INDEX sites_region ON sites (region_code);
CREATE INDEX sites_organ ON sites (organ);

CREATE TABLE divisions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level INTEGER NOT NULL,
    tier TEXT,
    parent TEXT,
    province TEXT,
    prefecture TEXT,
    county TEXT,
    source TEXT
);
CREATE INDEX divisions_parent ON divisions (parent);
"""

# The organs a portal's organ directories name (departments, townships), whether or not a
# registry lists them; a report listed under an organ's column knows that organ.
ORGANS_SCHEMA = """
CREATE TABLE organs (
    id INTEGER PRIMARY KEY,
    portal TEXT NOT NULL,
    name TEXT NOT NULL,
    column_url TEXT,
    directory_url TEXT,
    division_code TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    UNIQUE (portal, name)
);
CREATE INDEX organs_division ON organs (division_code);

ALTER TABLE fetches ADD COLUMN organ TEXT;
ALTER TABLE reports ADD COLUMN listed_organ TEXT;
CREATE INDEX reports_listed_organ ON reports (portal, listed_organ);
"""

# What the archive states about a report — when it came out and by which source, where its
# organ sits and how that was told, whether it is still online — and what those statements
# rest on: every date a page, a URL or a document gives, where a page's text came from, which
# crawl a change was seen in.
STATEMENTS_SCHEMA = """
ALTER TABLE reports ADD COLUMN published_source TEXT;
ALTER TABLE reports ADD COLUMN tier TEXT;
ALTER TABLE reports ADD COLUMN city TEXT;
ALTER TABLE reports ADD COLUMN county TEXT;
ALTER TABLE reports ADD COLUMN division_code TEXT;
ALTER TABLE reports ADD COLUMN place_source TEXT;
ALTER TABLE reports ADD COLUMN organ_source TEXT;
ALTER TABLE reports ADD COLUMN year_source TEXT;
ALTER TABLE reports ADD COLUMN status TEXT;
ALTER TABLE reports ADD COLUMN status_reason TEXT;
ALTER TABLE reports ADD COLUMN status_since TEXT;
ALTER TABLE reports ADD COLUMN revised_at TEXT;
CREATE INDEX reports_division ON reports (division_code, year);
CREATE INDEX reports_status ON reports (status);

ALTER TABLE documents ADD COLUMN organ_source TEXT;
ALTER TABLE documents ADD COLUMN year_source TEXT;
ALTER TABLE documents ADD COLUMN kind TEXT;

ALTER TABLE fetches ADD COLUMN publisher TEXT;
ALTER TABLE fetches ADD COLUMN dates TEXT;
ALTER TABLE fetches ADD COLUMN content_selector TEXT;

ALTER TABLE texts ADD COLUMN source TEXT;

ALTER TABLE changes ADD COLUMN old_report_id INTEGER REFERENCES reports (id);

-- Dates the portal gives a report: its page's fields and metas, its URLs' date patterns,
-- the server's Last-Modified. Kept, never replaced: a page that changes its date shows both.
CREATE TABLE report_dates (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    url TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    date TEXT NOT NULL,
    detail TEXT,
    first_seen TEXT,
    PRIMARY KEY (report_id, url, source, date)
);

-- Dates a document gives itself (its signature, its properties), as the parser read them;
-- replaced with each parse, like the document's cells.
CREATE TABLE document_dates (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    source TEXT NOT NULL,
    date TEXT NOT NULL,
    parser_version TEXT,
    PRIMARY KEY (document_id, source, date)
);
"""

# Indexes that let the canned queries read a million reports in a blink: each lets its query
# read only the rows it shows, in the order it shows them, or read the index alone.
SCALE_INDEXES = """
-- Newest reports first (new_reports and its feed): the end of this index, not a sort of all.
CREATE INDEX reports_first_seen ON reports (first_seen);
-- A year's totals by region (requests_by_region): each organ's copies of the year side by side
-- with every column the sums need, so that the index alone is read.
CREATE INDEX reports_year_totals ON reports (year, organ, n_cells, province, region, requests_new,
    requests_carried_in, granted, partial, results_total, carried_out);
-- Failing reports, latest year first (failed_reports), without reading the passing ones.
CREATE INDEX reports_check_year ON reports (check_status, year);
"""

COVERAGE_SCHEMA = """
CREATE TABLE coverage_states (
    source TEXT, organ TEXT, portal TEXT, region_code TEXT, url TEXT, place TEXT,
    report_id INTEGER, report_url TEXT, copies INTEGER, report_organ TEXT, late INTEGER,
    late_basis TEXT, published TEXT, published_source TEXT, deadline TEXT, days_late INTEGER,
    first_seen_date TEXT,
    year INTEGER NOT NULL, province TEXT, prefecture TEXT, county TEXT,
    state TEXT NOT NULL, crawl_id TEXT, crawl_ended_at TEXT, crawl_reason TEXT
);
-- A region page lists the first organs of each state in its area, by region code and name:
-- read in that order from an index, not sorted.
CREATE INDEX coverage_states_country ON coverage_states (year, state, region_code, organ);
CREATE INDEX coverage_states_province ON coverage_states
    (province, year, state, region_code, organ);
CREATE INDEX coverage_states_prefecture ON coverage_states
    (prefecture, year, state, region_code, organ);
CREATE INDEX coverage_states_county ON coverage_states (county, year, state, region_code, organ);

CREATE TABLE coverage_counts (
    division_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    scope TEXT NOT NULL,
    expected INTEGER NOT NULL, on_time INTEGER NOT NULL, late INTEGER NOT NULL,
    undated INTEGER NOT NULL, missing INTEGER NOT NULL, not_crawled INTEGER NOT NULL,
    reported INTEGER NOT NULL, reports_found INTEGER,
    PRIMARY KEY (division_code, year, scope)
);

CREATE TABLE coverage_refreshed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    computed_at TEXT NOT NULL,
    archive_state TEXT NOT NULL,
    years INTEGER,
    organs INTEGER
);
"""
