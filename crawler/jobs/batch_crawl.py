"""Several portals crawled one after another in one process (the nightly's
``--portals-per-process``): the interpreter, Scrapy and the project are loaded once, not once a
portal, which at thousands of small portals is most of a night's CPU (docs/nightly.md).

    python -m crawler.jobs.batch_crawl --logs DIR --results FILE [--timeout S] [-s NAME=VALUE] PORTAL…

Each portal is a crawler of its own, as ``scrapy crawl PORTAL`` makes it: its own crawl id,
journal, stats and log file (``DIR/<portal>.log``: Scrapy's root log handler is moved to it when
its crawler is made, and the crawls do not overlap). A portal whose crawl raises is logged in its
own file and reported with exit code 1; the next portal starts all the same. A crawl still
running after ``--timeout`` seconds is stopped as Ctrl-C stops ``scrapy crawl`` (left open, it
resumes next time). After each portal one JSON line goes to ``FILE``: ``{"portal", "exit_code",
"timed_out", "seconds"}``; a portal without its line did not end (the process died during it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.log import configure_logging
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

log = logging.getLogger(__name__)


@dataclass
class PortalOutcome:
    """What one portal's crawl in the batch came to (one line of the results file)."""
    portal: str
    exit_code: int          # 0 as ``scrapy crawl`` exits 0; 1 when the crawl raised
    timed_out: bool
    seconds: float

    @classmethod
    def from_line(cls, line: str) -> "PortalOutcome":
        return cls(**json.loads(line))


def read_outcomes(path: Path) -> dict[str, PortalOutcome]:
    """The outcomes a batch process wrote so far, by portal (a line cut by a kill is skipped)."""
    out = {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            try:
                o = PortalOutcome.from_line(line)
            except (ValueError, TypeError):
                continue
            out[o.portal] = o
    return out


class BatchCrawl:
    def __init__(self, portals: list[str], settings, logs: Path, results: Path,
                 timeout: float | None):
        self.portals = portals
        self.settings = settings
        self.logs = logs
        self.results = results
        self.timeout = timeout
        self.runner = AsyncCrawlerRunner(settings)
        self.current: Crawler | None = None
        self.stopping = False

    def crawler_for(self, portal: str) -> Crawler:
        """The portal's crawler, its log going to ``<logs>/<portal>.log`` from here on."""
        s = self.settings.copy()
        s.set("LOG_FILE", str(self.logs / f"{portal}.log"), priority="cmdline")
        s.set("LOG_FILE_APPEND", False, priority="cmdline")
        return Crawler(self.runner.spider_loader.load(portal), s)

    async def crawl_one(self, portal: str) -> PortalOutcome:
        t0 = time.monotonic()
        timed_out = False
        exit_code = 0
        try:
            crawler = self.current = self.crawler_for(portal)
        except Exception:  # noqa: BLE001 - this portal fails, the batch goes on
            # No crawler, so no log handler of its own yet: the reason goes to its file directly.
            (self.logs / f"{portal}.log").write_text(traceback.format_exc(), encoding="utf-8")
            return PortalOutcome(portal, 1, False, time.monotonic() - t0)

        def stop_on_timeout():
            nonlocal timed_out
            timed_out = True
            log.error("portal %s: crawl took longer than %.0f s, stopping it", portal, self.timeout)
            asyncio.ensure_future(crawler.stop_async())

        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.timeout, stop_on_timeout) if self.timeout else None
        try:
            await self.runner.crawl(crawler)
            if not getattr(crawler, "spider", None):
                exit_code = 1
        except Exception:  # noqa: BLE001 - as scrapy crawl: logged, exit code 1
            log.exception("portal %s: crawl failed", portal)
            exit_code = 1
        finally:
            if timer is not None:
                timer.cancel()
            self.current = None
        return PortalOutcome(portal, exit_code, timed_out, time.monotonic() - t0)

    async def run(self) -> None:
        with open(self.results, "a", encoding="utf-8") as out:
            for portal in self.portals:
                if self.stopping:
                    break
                outcome = await self.crawl_one(portal)
                out.write(json.dumps(asdict(outcome)) + "\n")
                out.flush()

    def shutdown(self, signum, _frame) -> None:
        """Ctrl-C / SIGTERM: the running crawl closes as ``scrapy crawl``'s would (left open to
        resume), and no further portal starts."""
        from twisted.internet import reactor

        self.stopping = True
        if self.current is not None:
            crawler = self.current
            reactor.callFromThread(lambda: asyncio.ensure_future(crawler.stop_async()))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("portals", nargs="+")
    ap.add_argument("--logs", required=True, type=Path, help="directory of the portals' logs")
    ap.add_argument("--results", required=True, type=Path, help="JSON lines, one a portal")
    ap.add_argument("--timeout", type=float, default=None, help="seconds a portal's crawl may take")
    ap.add_argument("-s", "--set", dest="sets", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args(argv)
    settings = get_project_settings()
    for item in args.sets:
        name, sep, value = item.partition("=")
        if not sep:
            ap.error(f"-s {item}: NAME=VALUE expected")
        settings.set(name, value, priority="cmdline")
    install_reactor(settings["TWISTED_REACTOR"])
    from twisted.internet import reactor

    configure_logging(settings)
    batch = BatchCrawl(args.portals, settings, args.logs, args.results, args.timeout)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, batch.shutdown)

    @deferred_f_from_coro_f
    async def crawl_all():
        try:
            await batch.run()
        finally:
            reactor.stop()

    reactor.callWhenRunning(crawl_all)
    reactor.run(installSignalHandlers=False)


if __name__ == "__main__":
    main()
