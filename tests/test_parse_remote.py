"""Parse workers on other machines, against a real redis-server and real report files (the shared
corpus's real PDFs and seed reports, read in place): the archive's writer queues its pending
documents in Redis (`xxgk parse-pending --redis`), `xxgk parse-worker` processes parse them from
the data directory and send the parses back; the writer stores each once, as a local drain
would."""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from archive_fixtures import ROOT, xxgk
from conftest import CORPUS, CORPUS_MISSING, REAL_PDFS, SEEDS
from redis_fixtures import redis_url  # noqa: F401

from archive.parse_queue import WORKERS_GROUP, ParseKeys, SharedParsePool
from archive.redis_workers import DEAD_AFTER_SECONDS
from archive.store import Archive

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=CORPUS_MISSING)

# What a parse stores of a document, and of each of its cells: compared with a local drain's.
DOCUMENT = ("sha256, parse_status, parse_error, parser_version, organ, year, template, title, "
            "n_cells, n_warnings, check_status, pages, organ_source, year_source, kind")
CELLS = ('SELECT d.sha256, c."table", c."row", c.col, c.value FROM cells c '
         "JOIN documents d ON d.id = c.document_id ORDER BY 1, 2, 3, 4")


def pending_archive(data: Path) -> list[str]:
    """The real PDFs first (a second or so each to parse), then the seed reports, stored
    unparsed as a crawl leaves them; their SHA-256s."""
    out = xxgk("ingest", "--data", data, "--no-parse", *REAL_PDFS, *SEEDS)
    assert out.returncode == 0, out.stderr
    return rows(data, "SELECT sha256 FROM documents WHERE parse_status = 'pending' ORDER BY id")


def rows(data: Path, sql: str) -> list:
    conn = sqlite3.connect(data / "archive.db")
    try:
        return [r[0] if len(r) == 1 else r for r in conn.execute(sql)]
    finally:
        conn.close()


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, timeout: float = 240) -> tuple[str, str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return out, err


def stored(out: str) -> list[str]:
    """The SHA-256 prefixes of the writer's progress lines, in order."""
    return [re.match(r"\[\d+/\d+\] \S+ +([0-9a-f]{12}) ", line).group(1)
            for line in out.splitlines()]


def sent(out: str) -> list[str]:
    """The SHA-256 prefixes a parse worker's lines say it sent back as parsed."""
    return re.findall(r"^parsed +([0-9a-f]{12}) ", out, re.M)


def test_two_remote_workers_drain_the_queue_as_a_local_drain_would(  # noqa: F811
        tmp_path, redis_url):
    local, remote = tmp_path / "local", tmp_path / "remote"
    shas = pending_archive(local)
    shutil.copytree(local, remote)

    assert xxgk("parse-pending", "--data", local, "--workers", "2").returncode == 0

    writer = start("parse-pending", "--data", remote, "--redis", redis_url, "--workers", "0")
    workers = [start("parse-worker", "--data", remote, "--redis", redis_url) for _ in range(2)]
    out, err = finish(writer)
    done = [finish(w) for w in workers]     # each ends once the drain is over

    # Every document parsed once, by one worker or the other, and stored once.
    by_worker = [sent(o) for o, _ in done]
    assert all(by_worker), "both workers parsed"
    assert sorted(by_worker[0] + by_worker[1]) == sorted(s[:12] for s in shas)
    assert sorted(stored(out)) == sorted(s[:12] for s in shas)
    assert f"[{len(shas)}/{len(shas)}]" in out and "/s)" in err
    # Stored exactly as the local pool stores them.
    assert rows(remote, f"SELECT {DOCUMENT} FROM documents ORDER BY sha256") == \
        rows(local, f"SELECT {DOCUMENT} FROM documents ORDER BY sha256")
    assert rows(remote, CELLS) == rows(local, CELLS) and rows(local, CELLS)
    assert "pending" not in rows(remote, "SELECT parse_status FROM documents")
    # Nothing left in Redis but the empty streams and their groups.
    server = redis.Redis.from_url(redis_url)
    keys = ParseKeys()
    assert server.xlen(keys.jobs) == 0 and server.xlen(keys.results) == 0
    assert not server.exists(keys.queued) and not server.exists(keys.drain)


def holder(server: redis.Redis) -> str | None:
    """The worker that holds a job, if one does."""
    try:
        consumers = server.xinfo_consumers(ParseKeys().jobs, WORKERS_GROUP)
    except redis.ResponseError:      # the writer has not queued anything yet
        return None
    for consumer in consumers:
        if consumer["pending"]:
            return consumer["name"].decode()
    return None


def parsing(pid: int) -> bool:
    """Whether the worker has a sandboxed child parsing."""
    try:
        return bool(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return False


def test_a_worker_killed_mid_parse_has_its_document_taken_over(tmp_path, redis_url):  # noqa: F811
    data = tmp_path / "data"
    shas = pending_archive(data)
    server = redis.Redis.from_url(redis_url)

    writer = start("parse-pending", "--data", data, "--redis", redis_url, "--workers", "0")
    doomed = start("parse-worker", "--data", data, "--redis", redis_url)
    deadline = time.monotonic() + 120
    while not (holder(server) and parsing(doomed.pid)):
        assert time.monotonic() < deadline and doomed.poll() is None, "no parse began"
        time.sleep(0.02)
    held = server.xpending_range(ParseKeys().jobs, WORKERS_GROUP, "-", "+", 1)[0]
    taken = server.xrange(ParseKeys().jobs, held["message_id"], held["message_id"])
    sha = taken[0][1][b"sha"].decode()
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    killed_out = doomed.stdout.read()
    assert sha[:12] not in sent(killed_out)

    t0 = time.monotonic()
    survivor = start("parse-worker", "--data", data, "--redis", redis_url)
    out, _ = finish(writer)
    survivor_out, survivor_err = finish(survivor)

    # The killed worker's document parsed by the other once it was seen dead; every document
    # stored once.
    assert sha[:12] in sent(survivor_out) and "taken over" in survivor_err
    assert time.monotonic() - t0 >= DEAD_AFTER_SECONDS - 1
    assert sorted(stored(out)) == sorted(s[:12] for s in shas)
    assert sorted(sent(killed_out) + sent(survivor_out)) == sorted(s[:12] for s in shas)
    assert "pending" not in rows(data, "SELECT parse_status FROM documents")


def test_a_blob_missing_on_the_workers_side_is_reported_not_stored(  # noqa: F811
        tmp_path, redis_url):
    data, mount = tmp_path / "data", tmp_path / "mount"
    shas = pending_archive(data)
    shutil.copytree(data, mount)     # the worker's view: a mount lagging behind the writer
    lost = shas[-1]
    blob = next(p for p in (mount / "blobs").rglob(f"{lost}*") if p.is_file())
    blob.chmod(0o644)
    blob.unlink()

    writer = start("parse-pending", "--data", data, "--redis", redis_url, "--workers", "0")
    worker = start("parse-worker", "--data", mount, "--redis", redis_url)
    out, err = finish(writer)
    worker_out, _ = finish(worker)

    line = next(line for line in out.splitlines() if lost[:12] in line)
    assert " missing " in line and "not in the blob store" in line, line
    assert "1 missing" in err
    assert re.findall(r"^missing +([0-9a-f]{12}) ", worker_out, re.M) == [lost[:12]] * 3
    # Not a failed parse: still pending, no error stored; the others parsed.
    assert rows(data, f"SELECT parse_status, parse_error FROM documents WHERE sha256 = '{lost}'") \
        == [("pending", None)]
    assert rows(data, "SELECT count(*) FROM documents WHERE parse_status = 'pending'") == [1]

    # The next drain, the mount caught up, parses it.
    writer = start("parse-pending", "--data", data, "--redis", redis_url, "--workers", "0")
    worker = start("parse-worker", "--data", data, "--redis", redis_url)
    out, _ = finish(writer)
    finish(worker)
    assert stored(out) == [lost[:12]]
    assert "pending" not in rows(data, "SELECT parse_status FROM documents")


class WriterKilled(BaseException):
    """Stands for the writer's process dying right after a store, before its acknowledgement."""


def test_a_writer_killed_between_storing_and_acknowledging_stores_nothing_twice(  # noqa: F811
        tmp_path, redis_url):
    data = tmp_path / "data"
    shas = pending_archive(data)
    first = []

    def die_after_first(p):
        first.append(p.sha256)
        raise WriterKilled

    with Archive(data) as arc:
        with pytest.raises(WriterKilled):
            SharedParsePool(arc, redis_url, workers=1).drain(on_result=die_after_first)
    (parsed_at,) = rows(data, f"SELECT parsed_at FROM documents WHERE sha256 = '{first[0]}'")
    assert parsed_at

    # Restarted, the writer gets the unacknowledged parse again and skips it: stored once.
    seen = []
    with Archive(data) as arc:
        counts = SharedParsePool(arc, redis_url, workers=1).drain(on_result=seen.append)
    assert sorted(p.sha256 for p in seen) == sorted(set(shas) - set(first))
    assert sum(counts.values()) == len(shas) - 1 and seen[-1].total == len(shas) - 1
    assert rows(data, f"SELECT parsed_at FROM documents WHERE sha256 = '{first[0]}'") == \
        [parsed_at]
    assert "pending" not in rows(data, "SELECT parse_status FROM documents")
