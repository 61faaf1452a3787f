"""The archive's one write connection: a lock for the threads of this process, ``BEGIN
IMMEDIATE`` for other processes.

Every write of the archive goes through :meth:`Writer.transaction`; a read on the same
connection (to see this process's own writes) through :meth:`Writer.read`.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
import tenacity

from .db import open_db


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


class Writer:
    def __init__(self, path: str | Path, synchronous: str | None = None):
        self.db: sqlite_utils.Database = open_db(path, synchronous)
        self.lock = threading.RLock()

    @contextmanager
    def transaction(self):
        """One write transaction; IMMEDIATE so that two writer processes queue, not deadlock."""
        with self.lock:
            _begin_immediate(self.db.conn)
            try:
                yield self.db
            except BaseException:
                self.db.conn.execute("ROLLBACK")
                raise
            self.db.conn.execute("COMMIT")

    def read(self, fn, *args, **kwargs):
        """``fn(db, *args, **kwargs)`` (a function of :mod:`archive.queries`) on this
        connection, between two transactions of other threads."""
        with self.lock:
            return fn(self.db, *args, **kwargs)

    def close(self) -> None:
        with self.lock:
            self.db.conn.close()


def insert(db: sqlite_utils.Database, table: str, row: dict) -> int:
    """Insert one row (inside a transaction); its rowid."""
    cur = db.conn.execute(f"INSERT INTO {table} ({', '.join(row)}) "
                          f"VALUES ({', '.join('?' * len(row))})", list(row.values()))
    return cur.lastrowid
