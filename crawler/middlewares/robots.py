"""robots.txt read once a night, not once per worker: in a distributed crawl the first worker
to need a host's robots.txt fetches it and leaves the answer in Redis (``xxgk:robots:<host>``,
kept ``KEEP_SECONDS``, like the per-host turns not per crawl: portals on one host share it); the
others wait for it and read it there, so a host sees one request for its robots.txt however many
workers and portals crawl it. Without ``XXGK_REDIS_URL`` this is
Scrapy's own RobotsTxtMiddleware, unchanged (it sits in its place, 100).
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from archive.redis_workers import connect, worker_id

from ..bridge import get_bridge

logger = logging.getLogger(__name__)

# How long a worker waits for another's fetch of robots.txt before fetching it itself.
WAIT_SECONDS = 60.0
# How long a host's robots.txt is taken as read: a night's crawls.
KEEP_SECONDS = 6 * 3600
ERROR = b"error"


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        url = s.get("XXGK_REDIS_URL")
        self.server = connect(url) if url else None

    async def robot_parser(self, request):
        if self.server is None:
            return await super().robot_parser(request)
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_url = f"{url.scheme}://{netloc}/robots.txt"
            shared = await self._shared(robots_url, netloc)
            if shared is None:   # another worker took too long: fetch it here
                del self._parsers[netloc]
                return await super().robot_parser(request)
            if shared == ERROR:
                self._robots_error(Exception("robots.txt not answered"), netloc)
            else:
                status, _, body = shared.partition(b"\n")
                await self._parse_robots(Response(robots_url, status=int(status), body=body),
                                         netloc, request)
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _shared(self, robots_url: str, netloc: str) -> bytes | None:
        """``status\\nbody`` of the host's robots.txt (or ``error``), fetched by whichever
        worker came first; None if that worker did not answer within ``WAIT_SECONDS``."""
        key = f"xxgk:robots:{netloc}"
        bridge = get_bridge(self.crawler)
        if await bridge.call(self.server.set, f"{key}:taken", worker_id(), nx=True,
                             ex=int(WAIT_SECONDS)):
            value = await self._fetch(robots_url)
            await bridge.call(self.server.set, key, value, ex=KEEP_SECONDS)
            return value
        for _ in range(int(WAIT_SECONDS / 0.25)):
            value = await bridge.call(self.server.get, key)
            if value is not None:
                self.crawler.stats.inc_value("xxgk/distributed/robots_shared")
                return value
            await asyncio.sleep(0.25)
        return None

    async def _fetch(self, robots_url: str) -> bytes:
        req = Request(robots_url, priority=self.DOWNLOAD_PRIORITY,
                      meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        try:
            resp = await self.crawler.engine.download_async(req)
        except Exception as exc:  # as Scrapy's own: any failure means no robots rules
            logger.info("robots.txt %s: %s", robots_url, exc)
            return ERROR
        finally:
            self._stats.inc_value("robotstxt/request_count")
        return f"{resp.status}\n".encode() + resp.body
