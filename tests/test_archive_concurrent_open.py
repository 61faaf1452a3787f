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
