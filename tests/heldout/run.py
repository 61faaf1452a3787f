"""Serve the held-out imitations behind the forward proxy and crawl each from its home page with
``scrapy crawl discover -a url=…`` in a child process, as a user behind that proxy would; score
each crawl (``score.score``)."""

from __future__ import annotations

import contextlib
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from crawl_fixtures import ROOT, crawl_env, scrapy_cmd
from crawler.demo.server import DemoServer

from .hosting import Hosts, Site
from .proxy import ForwardProxy
from .score import Score, score


@contextlib.contextmanager
def served(sites: list[Site]):
    """(the server, the proxy that routes every site's host names to it)."""
    server = DemoServer(Hosts(sites)).start()
    proxy = ForwardProxy({h: ("127.0.0.1", server.port) for s in sites for h in s.hosts})
    try:
        yield server, proxy
    finally:
        proxy.stop()
        server.stop()


def proxy_env(data: Path, proxy: ForwardProxy) -> dict:
    """A crawl's environment behind the proxy: the standard variables, nothing else."""
    env = crawl_env(data, "http://127.0.0.1:1")
    for k in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        env.pop(k, None)
    env.update({"http_proxy": proxy.url, "https_proxy": proxy.url, "no_proxy": "localhost,127.0.0.1"})
    return env


def crawl(site: Site, data: Path, proxy: ForwardProxy, settings: dict | None = None,
          timeout: float = 900) -> subprocess.CompletedProcess:
    data.mkdir(parents=True, exist_ok=True)
    log = data / "crawl.log"
    started = time.monotonic()
    with open(log, "wb") as fh:
        proc = subprocess.run(scrapy_cmd("discover", "-a", f"url={site.start}", "-a", f"portal={site.name}",
                                         settings=settings),
                              cwd=ROOT, env=proxy_env(data, proxy), stdout=fh, stderr=subprocess.STDOUT,
                              timeout=timeout)
    proc.log = log.read_text("utf-8", "replace")
    proc.seconds = time.monotonic() - started
    return proc


def measure(sites: list[Site], workdir: Path, workers: int = 3) -> list[tuple[Score, subprocess.CompletedProcess]]:
    """Crawl every site (``workers`` at a time) and score it."""
    with served(sites) as (_, proxy):
        def one(site):
            data = workdir / site.name
            res = crawl(site, data, proxy)
            return score(data, site.truth()), res
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, sites))
