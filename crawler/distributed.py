"""The distributed mode's names and switches: one crawl of a portal shared by any number of
worker processes, on one machine or many, through one Redis.

Everything a crawl keeps in Redis is under ``xxgk:<crawl id>:`` (:class:`Keys`), so that a new
crawl of the portal starts from an empty frontier and the last one's keys can be dropped whole.
The per-host politeness slots are not per crawl (``xxgk:host:<host>``): two portals on one host
share them. ``XXGK_REDIS_URL`` switches the mode on (:func:`redis_settings` gives a worker's
Scrapy settings); without it a crawl is embedded, as ever, and needs no Redis.
"""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Keys:
    crawl_id: str

    @property
    def prefix(self) -> str:
        return f"xxgk:{self.crawl_id}"

    @property
    def requests(self) -> str:
        """The shared frontier: scrapy-redis's priority queue."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """Fingerprints of every request scheduled in this crawl, by any worker."""
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        """A hash: worker id -> the time (Redis's clock) it last said it was alive."""
        return f"{self.prefix}:workers"

    def inflight(self, worker: str) -> str:
        """A hash: SHA-1 of a serialized request -> the request, for each request a worker
        took from the frontier and has not finished; taken over when the worker dies."""
        return f"{self.prefix}:inflight:{worker}"

    @property
    def inflight_pattern(self) -> str:
        return f"{self.prefix}:inflight:*"

    @property
    def records(self) -> str:
        """The stream of fetch and organ records, read by the archive's one writer."""
        return f"{self.prefix}:records"

    @property
    def pages(self) -> str:
        """The responses the crawl's workers received, for ``CLOSESPIDER_PAGECOUNT``."""
        return f"{self.prefix}:pages"

    @property
    def started(self) -> str:
        """When (Redis's clock) the crawl's first worker opened, for ``CLOSESPIDER_TIMEOUT``."""
        return f"{self.prefix}:started"

    @property
    def finished(self) -> str:
        """A set of the workers that ended their part of the crawl normally."""
        return f"{self.prefix}:finished"


def host_key(host: str) -> str:
    return f"xxgk:host:{host}"


def redis_settings(url: str, crawl_id: str, host_delay: float) -> dict:
    """The Scrapy settings of a worker of crawl ``crawl_id`` against the Redis at ``url``.

    Politeness moves from each process's download slots to the shared host slots
    (``crawler/middlewares/hostslot.py``): a request's turn at its host is taken as it leaves
    for the downloader, so the process itself must add no delay or queue of its own after it
    (``DOWNLOAD_DELAY`` 0, AutoThrottle off, per-domain concurrency left to the turns)."""
    keys = Keys(crawl_id)
    return {
        "XXGK_HOST_DELAY": str(host_delay),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
        "XXGK_REDIS_URL": url,
        "XXGK_CRAWL_ID": crawl_id,
        "REDIS_URL": url,
        "SCHEDULER": "crawler.frontier.SharedScheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "crawler.frontier.SharedDupeFilter",
        "SCHEDULER_PERSIST": "True",      # the frontier outlives a worker; the crawl's end drops it
    }
