"""The crawl always ends by itself: a Scrapy extension (``EXTENSIONS``) that closes a crawl which
made no progress for ``XXGK_STALL_TIMEOUT`` seconds (reason ``stalled``: the crawl is recorded
failed, so no diff claims removals from it), and ends the process if closing, after a stall or a
SIGTERM/SIGINT, takes more than ``XXGK_CLOSE_GRACE`` seconds (a hung browser, say).

Progress is any response, any byte received, any item: a crawl waiting out a back-off or a
throttle delay receives something well within the timeout; a crawl waiting for a browser page
that will never answer does not. Browser steps have their own, shorter, watchdog
(``XXGK_BROWSER_STEP_TIMEOUT``, crawler/browser.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)

STALLED = "stalled"
# Sent (no arguments) just before a stalled crawl is closed: the archive records it at once.
crawl_stalled = object()


class CrawlWatchdog:
    def __init__(self, crawler):
        s = crawler.settings
        self.crawler = crawler
        self.stall_timeout = s.getfloat("XXGK_STALL_TIMEOUT", 900)
        self.grace = s.getfloat("XXGK_CLOSE_GRACE", 30)
        if self.stall_timeout <= 0 and self.grace <= 0:
            raise NotConfigured
        self.last = time.monotonic()
        self.check = None
        self.grace_timer: threading.Timer | None = None
        for handler, signal_ in ((self.progress, signals.response_received),
                                 (self.progress, signals.bytes_received),
                                 (self.progress, signals.item_scraped),
                                 (self.progress, signals.item_dropped),
                                 (self.opened, signals.spider_opened),
                                 (self.closed, signals.spider_closed),
                                 (self.engine_started, signals.engine_started)):
            crawler.signals.connect(handler, signal=signal_)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def progress(self, *args, **kwargs) -> None:
        self.last = time.monotonic()

    def opened(self, spider) -> None:
        self.last = time.monotonic()
        if self.stall_timeout > 0:
            self.check = task.LoopingCall(self._check, spider)
            self.check.start(min(10.0, self.stall_timeout / 3), now=False)

    def _check(self, spider) -> None:
        idle = time.monotonic() - self.last
        if idle < self.stall_timeout:
            return
        logger.error("no progress for %.0f s (XXGK_STALL_TIMEOUT %g s): closing the crawl",
                     idle, self.stall_timeout)
        self.crawler.stats.set_value("xxgk/stalled_after", round(idle))
        self._stop_checking()
        self.start_grace(STALLED)
        self.crawler.signals.send_catch_log(crawl_stalled)
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=STALLED))

    def _stop_checking(self) -> None:
        if self.check is not None and self.check.running:
            self.check.stop()

    def engine_started(self) -> None:
        # Scrapy's own handlers shut down gracefully; this one adds a deadline to it.
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(signum)
            if not callable(previous):
                continue

            def handler(num, frame, previous=previous):
                self.start_grace(signal.Signals(num).name)
                previous(num, frame)

            signal.signal(signum, handler)

    def start_grace(self, why: str) -> None:
        """From now on the process has XXGK_CLOSE_GRACE seconds to end."""
        if self.grace <= 0 or self.grace_timer is not None:
            return
        self.grace_timer = threading.Timer(self.grace, self._force, args=(why,))
        self.grace_timer.daemon = True
        self.grace_timer.start()

    def _force(self, why: str) -> None:
        logger.error("still running %g s after %s (XXGK_CLOSE_GRACE): ending the process; %s",
                     self.grace, why, "the crawl is recorded failed" if why == STALLED
                     else "the crawl resumes next time")
        logging.shutdown()
        os._exit(3)

    def closed(self, spider, reason) -> None:
        self._stop_checking()
