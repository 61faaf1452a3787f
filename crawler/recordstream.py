"""The records of a distributed crawl on their way to the archive's one writer: a Redis stream
(``Keys.records``) read through a consumer group.

Workers add (``XADD``) each fetch record — body included, as the archive needs it for the blob
store and the WARC — and each organ record; the writer reads them (``XREADGROUP``), stores each
through :class:`~archive.store.Archive` and only then acknowledges and deletes it (``XACK``,
``XDEL``). A writer killed in between finds its unacknowledged records again when it starts
(they are delivered to it a second time) and skips those the archive already holds, so nothing
is lost and nothing recorded twice. Records are pickled: Redis is the crawl's own, trusted.
"""

from __future__ import annotations

import logging
import pickle
from collections import Counter
from typing import Callable

import redis

from archive import queries
from archive.directory import OrganRecord
from archive.fetches import FetchRecord
from archive.store import Archive

from .distributed import Keys

logger = logging.getLogger(__name__)

GROUP = "archive"
CONSUMER = "writer"
STATS = "stats"      # a worker's numeric stats at its end, summed into the crawl's


class RecordStream:
    def __init__(self, server: redis.Redis, keys: Keys):
        self.server = server
        self.keys = keys

    # -- a worker's side --------------------------------------------------------------------------

    def add(self, record) -> None:
        """A FetchRecord, an OrganRecord, or ``("portal", facts)`` / ``(STATS, dict)``."""
        self.server.xadd(self.keys.records, {"r": pickle.dumps(record)})

    # -- the writer's side ------------------------------------------------------------------------

    def consume(self, arc: Archive, stop: Callable[[], bool], block_ms: int = 1000) -> Counter:
        """Store every record until ``stop()`` is true and the stream is empty. Returns the
        count of each kind stored (``fetch``, ``organ``, ``duplicate``, …) and the workers'
        summed stats under ``stats:<name>``."""
        counts: Counter = Counter()
        try:
            self.server.xgroup_create(self.keys.records, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        # First what an earlier writer read and never acknowledged, then what is new.
        pending = True
        while True:
            got = self.server.xreadgroup(GROUP, CONSUMER, {self.keys.records: "0" if pending else ">"},
                                         count=100, block=None if pending else block_ms)
            entries = got[0][1] if got else []
            if pending and not entries:
                pending = False
                continue
            for entry_id, fields in entries:
                if fields:     # an entry deleted after delivery comes back empty
                    counts[self._store(arc, pickle.loads(fields[b"r"]), redelivered=pending,
                                       counts=counts)] += 1
                self.server.xack(self.keys.records, GROUP, entry_id)
                self.server.xdel(self.keys.records, entry_id)
            if not entries and not pending and stop() and not self.server.xlen(self.keys.records):
                return counts

    def _store(self, arc: Archive, record, redelivered: bool, counts: Counter) -> str:
        if isinstance(record, FetchRecord):
            if redelivered and arc.read(queries.fetch_recorded, record.crawl_id, record.url,
                                        record.fetched_at):
                return "duplicate"
            try:
                arc.record_fetch(record)
            except Exception as exc:  # noqa: BLE001 - one bad record must not stop the rest
                logger.error("archive: could not record %s: %s", record.url, exc, exc_info=True)
                return "error"
            return "fetch"
        if isinstance(record, OrganRecord):
            arc.record_organ(record)
            return "organ"
        kind, payload = record
        if kind == "portal":
            arc.register_portal(payload.pop("portal"), **payload)
        elif kind == STATS:
            for k, v in payload.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    counts[f"stats:{k}"] += v
        return kind
