"""Parsing on other machines: the pending documents queued in Redis for parse workers anywhere,
their parses sent back to the archive's one writer.

The writer (:class:`SharedParsePool`, ``xxgk parse-pending --redis``) adds each pending document
to a stream (``ParseKeys.jobs``); workers (:class:`ParseWorker`, ``xxgk parse-worker``, on this
machine or others with the data directory mounted read-only) take one at a time through a
consumer group, read its bytes from the blob store and its hints read-only, parse it through
:func:`parsers.sandbox.parse_isolated`, and add the :class:`~archive.parses.ParseOutcome` to the
results stream *and* acknowledge the job in one Redis transaction. The writer stores each result
with :func:`archive.parses.store_outcome` (the local pool's code path) and only then acknowledges
it, so nothing is lost; a result for a document that is no longer pending (a writer killed
between storing and acknowledging, or a worker presumed dead that finished after all) is
skipped, so nothing is stored twice.

A worker killed mid-parse is found by liveness, as crawl workers are: each says it is alive
every 2 s from a thread (it keeps saying so while its sandboxed child parses), and one silent
for 10 s is dead; the first live worker to notice claims its job (a Lua script checks the job's
holder and claims it in one step, so each job moves once). An idle bound on the stream's pending
entries (``XAUTOCLAIM``) would have to exceed the sandbox's wall-clock backstop — a parse may
legitimately take it whole — so a dead worker's document would wait minutes, and a long live
parse would be handed to a second worker anyway.

A blob not in a worker's store (a mount lagging behind the writer) is sent back as *missing*:
the writer queues it again, up to ``MISSING_TRIES`` times, then leaves it pending for the next
drain; it is never stored as a failed parse. Results are pickled: Redis is the archive's own,
trusted, as for the crawl's records.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import redis

from parsers.sandbox import Limits, die_with_parent

from . import parses, queries
from .blobs import BlobStore
from .db import read_only
from .parse_pool import POLL_SECONDS, Parsed
from .paths import Layout
from .redis_workers import (DEAD_AFTER_SECONDS, HEARTBEAT_SECONDS, connect, live_workers,
                            redis_now, worker_id)
from .store import Archive

logger = logging.getLogger(__name__)

DRAIN_TTL_MS = 30_000        # the writer's mark lapses this long after a writer killed
MISSING_TRIES = 3            # times a document missing on the workers' side is queued
BLOCK_MS = 1000
WORKERS_GROUP = "parsers"
WRITER_GROUP = "archive"
WRITER = "writer"

# Queue a document unless it is already queued (a writer restarted: its jobs are still out).
ENQUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
    redis.call('XADD', KEYS[2], '*', 'sha', ARGV[1])
    return 1
end
return 0
"""

# Claim a dead worker's job only if that worker still holds it: two live workers noticing the
# same death move each job once.
CLAIM = """
local held = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[4], 1)
if #held == 0 or held[1][2] ~= ARGV[2] then return false end
return redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[4])
"""


@dataclass(frozen=True)
class ParseKeys:
    """Every key of the parse queue; one archive to a Redis database (``/0``, ``/1``, …)."""

    prefix: str = "xxgk:parse"

    @property
    def jobs(self) -> str:
        """The stream of documents to parse (``sha``), read by the workers' group."""
        return f"{self.prefix}:jobs"

    @property
    def results(self) -> str:
        """The stream of parses (``sha``, ``kind``, ``r``, ``worker``), read by the writer."""
        return f"{self.prefix}:results"

    @property
    def queued(self) -> str:
        """A set of the documents queued and not yet stored (or given up)."""
        return f"{self.prefix}:queued"

    @property
    def workers(self) -> str:
        """A hash: worker id -> when (Redis's clock) it last said it was alive."""
        return f"{self.prefix}:workers"

    @property
    def drain(self) -> str:
        """Set while a writer drains (it lapses ``DRAIN_TTL_MS`` after a writer killed)."""
        return f"{self.prefix}:drain"


def _group(server: redis.Redis, stream: str, group: str) -> None:
    try:
        server.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


# -- the writer's side ---------------------------------------------------------------------------

class SharedParsePool:
    """:class:`~archive.parse_pool.ParsePool`'s drain of the pending documents, with the
    parsing done by workers through Redis: ``workers`` of them started here (reading this
    archive's data directory), any number elsewhere (``xxgk parse-worker``)."""

    def __init__(self, arc: Archive, url: str, workers: int = 0,
                 limits: Limits | None = None, keys: ParseKeys | None = None):
        self.arc = arc
        self.url = url
        self.server = server = connect(url)
        self.workers = max(0, workers)
        self.limits = limits or arc.limits
        self.keys = keys or ParseKeys()
        self._enqueue = server.register_script(ENQUEUE)

    def pending(self) -> list[str]:
        return self.arc.documents_to_parse("pending")

    def drain(self, on_result: Callable[[Parsed], None] | None = None,
              follow: Callable[[], bool] | None = None) -> Counter:
        """Queue every pending document (with ``follow``, also what becomes pending while
        ``follow()`` is true), store each parse as it comes back; return the count of each
        parse status (``missing``: left pending, its blob absent on the workers' side)."""
        k, server = self.keys, self.server
        _group(server, k.jobs, WORKERS_GROUP)
        _group(server, k.results, WRITER_GROUP)
        self._mark()
        state = _Drain()
        local = [self._start_local() for _ in range(self.workers)]
        try:
            state.queue(self.pending(), self._enqueue, k)
            looked = time.monotonic()
            redelivered = True     # first the results an earlier writer read and never acknowledged
            while True:
                self._mark()
                got = server.xreadgroup(WRITER_GROUP, WRITER,
                                        {k.results: "0" if redelivered else ">"}, count=50,
                                        block=None if redelivered else BLOCK_MS)
                entries = got[0][1] if got else []
                if redelivered and not entries:
                    redelivered = False
                    continue
                for entry_id, fields in entries:
                    self._take_result(entry_id, fields, state, on_result)
                for proc in local:
                    if proc.exitcode:    # as the local pool stops when a worker breaks
                        raise RuntimeError(f"a parse worker of this drain died (exit status "
                                           f"{proc.exitcode}); what was not stored stays pending")
                if follow and time.monotonic() - looked > POLL_SECONDS:
                    state.queue(self.pending(), self._enqueue, k)    # what the crawls stored since
                    looked = time.monotonic()
                if state.outstanding or redelivered:
                    continue
                following = follow() if follow else False   # asked before looking
                looked = time.monotonic()
                if not state.queue(self.pending(), self._enqueue, k) and not following:
                    break
        finally:
            server.delete(k.drain)     # the workers end once nothing is left to take
            for proc in local:
                proc.join(DEAD_AFTER_SECONDS)
                if proc.is_alive():
                    proc.kill()
                    proc.join()
        return state.counts

    def _mark(self) -> None:
        self.server.set(self.keys.drain, worker_id(),
                        px=DRAIN_TTL_MS)

    def _start_local(self) -> mp.Process:
        # Spawned, not forked: the caller may run threads (the nightly's crawls).
        proc = mp.get_context("spawn").Process(
            target=_local_worker,       # not a daemon: it starts the sandbox's children
            args=(self.url, str(self.arc.layout.root),
                  self.limits, self.keys, os.getpid()))
        proc.start()
        return proc

    def _take_result(self, entry_id, fields, state: "_Drain",
                     on_result: Callable[[Parsed], None] | None) -> None:
        k = self.keys
        if not fields:     # an entry deleted after delivery comes back empty
            self.server.xack(k.results, WRITER_GROUP, entry_id)
            return
        sha, kind = _text(fields[b"sha"]), _text(fields[b"kind"])
        settled = True
        doc = self.arc.read(queries.document, sha)
        if doc is None or doc["parse_status"] != "pending":
            # Stored already: by a writer killed before acknowledging, or twice parsed (a
            # worker presumed dead that finished after all).
            state.outstanding.discard(sha)
            logger.info("parse: %s already stored, result skipped", sha[:12])
        elif kind == "missing":
            state.tries[sha] += 1
            error = _text(fields[b"r"])
            if state.tries[sha] < MISSING_TRIES:
                settled = False
                logger.warning("parse: %s missing on %s, queued again: %s", sha[:12],
                               _text(fields[b"worker"]), error)
            else:
                state.settle(sha, {"status": "missing", "error": error, "organ": None,
                                   "year": None, "template": None, "cells": 0}, 0.0, on_result)
        else:
            outcome: parses.ParseOutcome = pickle.loads(fields[b"r"])
            state.settle(sha, parses.store_outcome(self.arc.writer, outcome), outcome.seconds,
                         on_result)
        with self.server.pipeline(transaction=True) as pipe:
            pipe.xack(k.results, WRITER_GROUP, entry_id)
            pipe.xdel(k.results, entry_id)
            if settled:
                pipe.srem(k.queued, sha)
            else:
                pipe.xadd(k.jobs, {"sha": sha})
            pipe.execute()


@dataclass
class _Drain:
    """What one writer's drain has queued, is waiting for, and stored."""

    seen: set[str] = field(default_factory=set)
    outstanding: set[str] = field(default_factory=set)
    tries: Counter = field(default_factory=Counter)        # missing on the workers' side
    counts: Counter = field(default_factory=Counter)       # parse statuses stored
    done: int = 0

    def queue(self, shas: list[str], enqueue, keys: ParseKeys) -> bool:
        fresh = [s for s in shas if s not in self.seen]
        for sha in fresh:
            enqueue(keys=[keys.queued, keys.jobs], args=[sha])
        self.seen.update(fresh)
        self.outstanding.update(fresh)
        return bool(fresh)

    def settle(self, sha: str, summary: dict, seconds: float,
               on_result: Callable[[Parsed], None] | None) -> None:
        self.outstanding.discard(sha)
        self.counts[summary["status"]] += 1
        self.done += 1
        if on_result:
            on_result(Parsed(sha, summary, seconds, self.done, len(self.seen)))


def _local_worker(url: str, data_dir: str, limits: Limits, keys: ParseKeys, parent: int) -> None:
    die_with_parent(parent)
    ParseWorker(connect(url), data_dir, limits, keys).run()


# -- a worker's side -----------------------------------------------------------------------------

@dataclass
class Job:
    entry_id: str
    sha256: str


@dataclass
class Sent:
    """One job done by a worker: what it sent back (``parsed`` or ``missing``)."""

    sha256: str
    kind: str
    outcome: parses.ParseOutcome | None
    error: str | None           # the parser's one-line error, or why the document is missing
    seconds: float


class ParseWorker:
    """Takes documents from the queue one at a time until the writer's drain is over (waiting
    for one to begin if none has), parses each and sends the outcome back; writes nothing."""

    def __init__(self, server: redis.Redis, data_dir, limits: Limits | None = None,
                 keys: ParseKeys | None = None):
        self.server = server
        self.layout = Layout(data_dir)
        self.blobs = BlobStore(self.layout)
        self.limits = limits or Limits()
        self.keys = keys or ParseKeys()
        self.id = worker_id()
        self._claim = server.register_script(CLAIM)
        self._stop = threading.Event()

    def run(self, on_sent: Callable[[Sent], None] | None = None) -> Counter:
        """Serve one drain, calling ``on_sent`` after each job. Returns the count of each kind
        sent (``parsed``, ``missing``)."""
        k = self.keys
        _group(self.server, k.jobs, WORKERS_GROUP)
        beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat_once()
        beat.start()
        counts: Counter = Counter()
        served = False
        try:
            with read_only(self.layout.db) as db:
                while True:
                    job = self._take()
                    if job is not None:
                        served = True
                        sent = self._work(db, job)
                        counts[sent.kind] += 1
                        if on_sent:
                            on_sent(sent)
                        continue
                    if self.server.exists(k.drain):
                        served = True
                    elif served:
                        return counts
        finally:
            self._stop.set()
            beat.join()
            # Gone: a job still held (interrupted) is taken over at once, not after 10 s.
            self.server.hdel(k.workers, self.id)

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self._beat_once()
            except redis.RedisError as exc:
                logger.warning("parse worker: heartbeat failed: %s", exc)

    def _beat_once(self) -> None:
        self.server.hset(self.keys.workers, self.id, redis_now(self.server))

    def _take(self) -> Job | None:
        """A dead worker's job first, else a new one (waiting up to a second)."""
        job = self._take_over()
        if job is not None:
            return job
        got = self.server.xreadgroup(WORKERS_GROUP, self.id, {self.keys.jobs: ">"}, count=1,
                                     block=BLOCK_MS)
        for entry_id, fields in (got[0][1] if got else []):
            return Job(_text(entry_id), _text(fields[b"sha"]))
        return None

    def _take_over(self) -> Job | None:
        k = self.keys
        live = live_workers(self.server, k.workers) | {self.id}
        for consumer in self.server.xinfo_consumers(k.jobs, WORKERS_GROUP):
            name = _text(consumer["name"])
            if name in live:
                continue
            if not consumer["pending"]:
                self.server.xgroup_delconsumer(k.jobs, WORKERS_GROUP, name)
                self.server.hdel(k.workers, name)
                continue
            for held in self.server.xpending_range(k.jobs, WORKERS_GROUP, "-", "+", 10, name):
                claimed = self._claim(keys=[k.jobs], args=[WORKERS_GROUP, name, self.id,
                                                           held["message_id"]])
                for entry_id, flat in claimed or []:
                    if not flat:       # deleted meanwhile: nothing to parse
                        self.server.xack(k.jobs, WORKERS_GROUP, entry_id)
                        continue
                    sha = _text(dict(zip(flat[::2], flat[1::2]))[b"sha"])
                    logger.warning("parse worker: %s is dead, %s taken over", name, sha[:12])
                    return Job(_text(entry_id), sha)
        return None

    def _work(self, db, job: Job) -> Sent:
        """Parse one job and send the result back, acknowledging the job in the same
        transaction."""
        sha = job.sha256
        t0 = time.monotonic()
        outcome, missing = None, None
        doc = queries.document(db, sha)
        if doc is None:
            missing = f"no document {sha[:12]} in {self.layout.db} on {self.id}"
        elif not self.blobs.has(sha):
            missing = f"{self.blobs.path(sha)} is not in the blob store on {self.id}"
        else:
            outcome = parses.parse_stored(lambda fn, *a: fn(db, *a), self.blobs, self.limits, sha)
        k = self.keys
        with self.server.pipeline(transaction=True) as pipe:
            pipe.xadd(k.results, {"sha": sha, "kind": "missing" if missing else "parsed",
                                  "r": missing or pickle.dumps(outcome), "worker": self.id})
            pipe.xack(k.jobs, WORKERS_GROUP, job.entry_id)
            pipe.xdel(k.jobs, job.entry_id)
            pipe.execute()
        if missing:
            return Sent(sha, "missing", None, missing, time.monotonic() - t0)
        return Sent(sha, "parsed", outcome, outcome.error, outcome.seconds)
