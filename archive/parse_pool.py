"""Parsing as its own pool: the crawl stores a report document as ``pending`` and goes on; worker
processes parse what is pending; the process that holds the :class:`~archive.store.Archive`
stores each result as it comes back.

Workers only read (a read-only connection for a document's hints, the blob store for its bytes)
and parse through :func:`parsers.sandbox.parse_isolated`; only the archive writes, one
transaction a document. A hostile file takes down only its sandboxed child (an error is stored);
a worker killed from outside stops the drain, and what was not stored stays pending for the next.

    with Archive(data) as arc:
        counts = ParsePool(arc, workers=4).drain(on_result=print)

``drain(follow=...)`` keeps polling for new pending documents while ``follow()`` is true (the
nightly drains alongside its crawls, so no crawl ever waits for a parse).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable, Iterable

from parsers.sandbox import Limits, die_with_parent

from . import parses
from .blobs import BlobStore
from .db import read_only
from .paths import Layout
from .store import Archive

# How often a following drain looks for documents the crawls stored since.
POLL_SECONDS = 2.0


@dataclass
class Parsed:
    """One document done: handed to ``on_result`` with the pool's progress."""

    sha256: str
    summary: dict           # as parses.store_outcome returns it
    seconds: float          # the worker's time on it
    done: int               # documents done so far in this drain
    total: int              # documents known so far (grows while following)


def parse_in_worker(data_dir: str, sha256: str, limits: Limits) -> parses.ParseOutcome:
    """A worker's whole job for one document: read, parse, hand back; no write."""
    layout = Layout(data_dir)
    with read_only(layout.db) as db:
        return parses.parse_stored(lambda fn, *a: fn(db, *a), BlobStore(layout), limits,
                                   sha256)


class ParsePool:
    def __init__(self, arc: Archive, workers: int = 1, limits: Limits | None = None):
        self.arc = arc
        self.workers = max(1, workers)
        self.limits = limits or arc.limits

    def pending(self) -> list[str]:
        return self.arc.documents_to_parse("pending")

    def drain(self, shas: Iterable[str] | None = None,
              on_result: Callable[[Parsed], None] | None = None,
              follow: Callable[[], bool] | None = None) -> Counter:
        """Parse ``shas`` (default: every pending document) in worker processes and store each
        result; with ``follow``, also what becomes pending while ``follow()`` is true. Returns
        the count of each parse status."""
        counts: Counter = Counter()
        queue = list(dict.fromkeys(shas)) if shas is not None else self.pending()
        seen = set(queue)
        running: dict[Future, str] = {}
        done = 0
        data_dir = str(self.arc.layout.root)

        def take_fresh() -> bool:
            fresh = [s for s in self.pending() if s not in seen]
            seen.update(fresh)
            queue.extend(fresh)
            return bool(fresh)

        # Spawned, not forked: the caller may run threads (the nightly, a crawl's reactor).
        # Each worker dies with this process (a drain killed with SIGKILL leaves none behind).
        with ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            while True:
                while queue and len(running) < 2 * self.workers:
                    sha = queue.pop(0)
                    running[pool.submit(parse_in_worker, data_dir, sha, self.limits)] = sha
                if running:
                    finished, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        sha = running.pop(fut)
                        outcome = fut.result()
                        summary = parses.store_outcome(self.arc.writer, outcome)
                        counts[summary["status"]] += 1
                        done += 1
                        if on_result:
                            on_result(Parsed(sha, summary, outcome.seconds, done, len(seen)))
                    if follow is not None and not queue:
                        take_fresh()
                    continue
                if follow is None:
                    break
                following = follow()   # asked before looking, so nothing stored last is missed
                if not take_fresh():
                    if not following:
                        break
                    time.sleep(POLL_SECONDS)
        return counts

