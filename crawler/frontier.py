"""The shared frontier of a distributed crawl (``XXGK_REDIS_URL``): scrapy-redis's scheduler and
duplicate filter, with what several workers need on top — the crawl's own fingerprints, the
requests each worker has taken and not finished, their takeover when a worker dies, and a
worker's end only once no other worker can add to the frontier.

A worker takes a request from the shared priority queue and writes it, in the same breath, to
its in-flight hash (``Keys.inflight``); the request leaves it once the record of its response is
in the record stream (``crawler/recordstream.py``) and the requests its response led to are in
the frontier (``crawler/middlewares/inflight.py`` sees to that order). Every worker says it is
alive every ``HEARTBEAT_SECONDS``; a worker silent for ``DEAD_AFTER_SECONDS`` (SIGKILL, a lost
machine) is dead, and whichever worker notices first puts its in-flight requests back in the
queue — each request by exactly one worker, since ``HDEL`` says who removed it.
"""

from __future__ import annotations

import hashlib
import logging

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from archive.redis_workers import DEAD_AFTER_SECONDS, HEARTBEAT_SECONDS, redis_now, worker_id

from .distributed import Keys

logger = logging.getLogger(__name__)

# KEYS[1] the queue (a sorted set, best first), KEYS[2] the worker's in-flight hash: pop the
# best request and file it under the SHA-1 of its bytes, atomically.
TAKE = """
local got = redis.call('ZRANGE', KEYS[1], 0, 0)
if #got == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], redis.sha1hex(got[1]), got[1])
return got[1]
"""


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter on the crawl's own fingerprints (one fetch per page:
    ``crawler/fingerprint.py``), so that every worker agrees with the embedded crawl."""

    @classmethod
    def from_spider(cls, spider):
        df = super().from_spider(spider)
        df.fingerprinter = spider.crawler.request_fingerprinter
        return df

    def request_fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason=""):
        """Keep the fingerprints: other workers still crawl (the crawl's end drops them)."""


class SharedScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        sched = super().from_crawler(crawler)
        sched.crawler = crawler
        sched.keys = Keys(crawler.settings["XXGK_CRAWL_ID"])
        sched.worker = worker_id()
        sched._beat = None
        sched._take = sched.server.register_script(TAKE)
        crawler.signals.connect(sched.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(sched.item_scraped, signal=signals.item_scraped)
        return sched

    # -- a worker's life ------------------------------------------------------------------------

    def open(self, spider):
        super().open(spider)
        self.heartbeat()
        self._beat = task.LoopingCall(self.heartbeat)
        self._beat.start(HEARTBEAT_SECONDS, now=False)
        logger.info("worker %s joined crawl %s (%d requests in the shared frontier)",
                    self.worker, self.keys.crawl_id, len(self.queue))

    def heartbeat(self) -> None:
        self.server.hset(self.keys.workers, self.worker, redis_now(self.server))

    def close(self, reason):
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        if reason == "finished":
            self.server.delete(self.keys.inflight(self.worker))
            self.server.sadd(self.keys.finished, self.worker)
            self.server.hdel(self.keys.workers, self.worker)
        super().close(reason)

    # -- requests in flight ---------------------------------------------------------------------

    def next_request(self):
        # Taken from the queue and written to this worker's in-flight hash in one step: a
        # worker killed at any moment leaves the request in one place or the other.
        data = self._take(keys=[self.queue.key, self.keys.inflight(self.worker)])
        if data is None:
            return None
        request = self.queue._decode_request(data)
        request.meta["xxgk_inflight"] = hashlib.sha1(data).hexdigest()
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        return request

    def finish(self, request) -> None:
        """``request``'s response is recorded and what it led to is in the frontier."""
        field = request.meta.get("xxgk_inflight")
        if field:
            self.server.hdel(self.keys.inflight(self.worker), field)

    def item_scraped(self, item, response, spider):
        # The archive pipeline has put the response's record in the stream ("queued").
        if response is not None and isinstance(item, dict) and item.get("queued"):
            self.finish(response.request)

    def take_over(self) -> int:
        """Put the in-flight requests of dead workers back in the queue; how many."""
        now, moved = redis_now(self.server), 0
        for worker, seen in self.server.hgetall(self.keys.workers).items():
            worker = worker.decode()
            if worker == self.worker or now - float(seen) < DEAD_AFTER_SECONDS:
                continue
            key, mine = self.keys.inflight(worker), 0
            for field, data in self.server.hgetall(key).items():
                if self.server.hdel(key, field):        # 1 for exactly one worker
                    request = self.queue._decode_request(data).replace(dont_filter=True)
                    self.queue.push(request)
                    mine += 1
            self.server.hdel(self.keys.workers, worker)
            logger.warning("worker %s is dead (silent %.0f s): %d of its requests taken over",
                           worker, now - float(seen), mine)
            self.crawler.stats.inc_value("xxgk/distributed/taken_over", mine)
            moved += mine
        return moved

    def others_busy(self) -> bool:
        """Whether another live worker still has requests in flight (their responses may add
        to the frontier)."""
        for key in self.server.scan_iter(match=self.keys.inflight_pattern, count=1000):
            if key.decode() != self.keys.inflight(self.worker) and self.server.hlen(key):
                return True
        return False

    def spider_idle(self, spider):
        """This worker has nothing in hand: it ends only when the shared frontier is empty and
        no other worker, live or dead, holds a request."""
        # Idle, so every request it took is done with: what is left in its hash gave no record
        # (a redirect's first hop, a request a middleware dropped) and is nobody's to redo.
        self.server.delete(self.keys.inflight(self.worker))
        if self.take_over() or len(self.queue) or self.others_busy():
            raise DontCloseSpider
