"""Several processes opening a new archive at once (a nightly's parallel crawls on its first
night) all get a working archive: none fails on a view or table another is creating."""

import multiprocessing
import sqlite3

from archive.db import open_db


def _open(path):
    try:
        open_db(path).conn.close()
        return None
    except sqlite3.Error as exc:
        return str(exc)


def test_processes_opening_a_new_archive_together(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(3):
        path = tmp_path / f"archive{attempt}.db"
        with ctx.Pool(6) as pool:
            errors = [e for e in pool.map(_open, [path] * 6) if e]
        assert errors == []
        views = sqlite3.connect(path).execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'view'").fetchone()[0]
        assert views > 0


def test_opening_an_archive_leaves_its_schema_alone(tmp_path):
    """Opening an up-to-date archive changes nothing in its schema: a nightly's crawls open
    it by the thousand while others read it, and a view dropped and made again each time
    holds the write lock and, in between, is missing for every reader."""
    path = tmp_path / "archive.db"
    open_db(path).conn.close()

    def version():
        with sqlite3.connect(path) as conn:
            return conn.execute("PRAGMA schema_version").fetchone()[0]

    before = version()
    for _ in range(3):
        open_db(path).conn.close()
    assert version() == before


def test_an_outdated_view_is_replaced_whole(tmp_path):
    """A view an older version made is replaced by the code's on the next open."""
    path = tmp_path / "archive.db"
    open_db(path).conn.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP VIEW failed_checks")
        conn.execute("CREATE VIEW failed_checks AS SELECT 1 AS old")
    db = open_db(path)
    columns = [c.name for c in db["failed_checks"].columns]
    db.conn.close()
    assert "report_id" in columns and "old" not in columns
