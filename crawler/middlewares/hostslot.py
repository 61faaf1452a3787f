"""Politeness per host, not per process: in a distributed crawl every worker takes its turn at a
host from one slot in Redis (``xxgk:host:<host>``), so N workers on one host are as polite as
one. Off without ``XXGK_REDIS_URL`` (one process: Scrapy's own download slots do it).

The slot holds the earliest time (Redis's clock) the host may be asked again. A request reserves
the next turn atomically (a Lua script: ``turn = max(now, slot); slot = turn + delay``) and
waits until its turn; so requests to one host start at least ``XXGK_HOST_DELAY`` apart
(jittered as Scrapy jitters its delay, ``DOWNLOAD_DELAY_JITTER``), whichever worker, whichever
machine sends them. It is the last downloader middleware before the download: nothing waits
between a request's turn and its sending (``crawler/distributed.py`` turns the process's own
delay off).
"""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

from archive.redis_workers import connect

from ..bridge import get_bridge
from ..closespider import cut_reason
from ..distributed import host_key

# KEYS[1] the host's slot; ARGV[1] the delay in ms. Returns the ms to wait.
RESERVE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local turn = tonumber(redis.call('GET', KEYS[1]) or '0')
if turn < now then turn = now end
redis.call('SET', KEYS[1], turn + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
return turn - now
"""


class HostSlotMiddleware:
    def __init__(self, crawler, url: str):
        s = crawler.settings
        self.crawler = crawler
        self.delay = s.getfloat("XXGK_HOST_DELAY")
        self.jitter = s.getfloat("DOWNLOAD_DELAY_JITTER", 0.5)
        self.server = connect(url)
        self.reserve = self.server.register_script(RESERVE)

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("XXGK_REDIS_URL")
        if not url or crawler.settings.getfloat("XXGK_HOST_DELAY") <= 0:
            raise NotConfigured
        return cls(crawler, url)

    async def process_request(self, request):
        # A request waiting for its turn when the crawl is cut is not sent: the worker would
        # otherwise go on asking the host, a turn at a time, for everything it had taken.
        if cut := cut_reason(self.crawler.stats.get_value):
            raise IgnoreRequest(f"not sent: the crawl was cut ({cut})")
        host = urlsplit(request.url).hostname or ""
        delay = self.delay * random.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter \
            else self.delay
        bridge = get_bridge(self.crawler)
        wait_ms = await bridge.call(self.reserve, keys=[host_key(host)],
                                    args=[max(1, int(delay * 1000))])
        if wait_ms > 0:
            self.crawler.stats.inc_value("xxgk/distributed/host_waits")
            await asyncio.sleep(wait_ms / 1000)
            if cut := cut_reason(self.crawler.stats.get_value):
                raise IgnoreRequest(f"not sent: the crawl was cut ({cut})")
        return None
