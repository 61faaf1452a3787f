"""The parse pool: documents stored as pending are parsed by worker processes and stored by the
archive; `xxgk parse-pending` drains the queue with progress shown; a drain that follows picks
up what is stored while it runs."""

import re
import sqlite3
import threading
import time

from archive_fixtures import write_variants, xxgk

import parsers
from archive.ingest import ingest_file
from archive.parse_pool import ParsePool
from archive.store import Archive


def statuses(data):
    conn = sqlite3.connect(data / "archive.db")
    try:
        return [r[0] for r in conn.execute("SELECT parse_status FROM documents ORDER BY id")]
    finally:
        conn.close()


def test_parse_pending_drains_the_queue_with_progress(tmp_path):
    data = tmp_path / "data"
    paths = write_variants(tmp_path / "src", 6)
    assert xxgk("ingest", "--data", data, "--no-parse", *paths).returncode == 0
    assert statuses(data) == ["pending"] * 6

    out = xxgk("parse-pending", "--data", data, "--workers", "2")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    # One line per document as it is stored, counted against the whole queue.
    assert [re.match(r"\[(\d+)/6\] ", line).group(1) for line in lines] == \
        [str(i) for i in range(1, 7)], lines
    assert all(" cells=" in line for line in lines)
    assert f"parser {parsers.__version__}: " in out.stderr and "/s)" in out.stderr
    assert set(statuses(data)) <= {"ok", "warnings"} and len(statuses(data)) == 6
    conn = sqlite3.connect(data / "archive.db")
    assert conn.execute("SELECT count(DISTINCT document_id) FROM cells").fetchone()[0] == 6
    assert conn.execute("SELECT count(*) FROM reports WHERE n_cells > 0").fetchone()[0] == 6
    conn.close()

    again = xxgk("parse-pending", "--data", data, "--workers", "2")
    assert again.returncode == 0 and again.stdout == ""
    assert "nothing to do" in again.stderr


def test_parse_pending_without_an_archive_says_so(tmp_path):
    out = xxgk("parse-pending", "--data", tmp_path / "none")
    assert out.returncode != 0 and "no archive at" in out.stderr


def test_a_following_drain_parses_what_is_stored_while_it_runs(tmp_path):
    """The nightly's way: the pool drains alongside writers that keep storing documents, and
    stops once they are done and nothing is pending."""
    data = tmp_path / "data"
    paths = write_variants(tmp_path / "src", 5)
    writing = threading.Event()
    writing.set()

    def writer():
        # Another process of the archive would do the same: store pending documents over time.
        with Archive(data) as arc:
            for p in paths:
                ingest_file(arc, p, parse=False)
                time.sleep(0.5)
        writing.clear()

    seen = []
    with Archive(data) as arc:
        t = threading.Thread(target=writer)
        t.start()
        counts = ParsePool(arc, workers=2).drain(on_result=seen.append, follow=writing.is_set)
    t.join()
    assert sum(counts.values()) == 5 and not writing.is_set()
    assert sorted(p.sha256 for p in seen) == sorted(set(p.sha256 for p in seen))
    assert seen[-1].done == 5 and seen[-1].total == 5
    assert "pending" not in statuses(data)
