"""Helpers for the crawler tests (no tests here): the demo portal on 127.0.0.1, a variant of it that
answers conditional requests and gzips like nginx, and ``scrapy crawl`` run as a subprocess with a
temporary archive."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from pathlib import Path

from crawler.demo import LOCAL_SETTINGS
from crawler.demo.server import DemoHandler, DemoServer

ROOT = Path(__file__).resolve().parents[1]

# Politeness off against our own local server; everything else as in production.
FAST = LOCAL_SETTINGS


def demo_cache_dir(config) -> Path:
    """Where the demo's report files are built once (LibreOffice takes minutes) and reused."""
    if os.environ.get("XXGK_DEMO_DIR"):
        return Path(os.environ["XXGK_DEMO_DIR"])
    return Path(config.cache.mkdir("xxgk-demo-site"))


class ConditionalHandler(DemoHandler):
    """The demo site as nginx would serve it: ETag and Last-Modified on every 200, 304 for a
    matching If-None-Match / If-Modified-Since, gzip for text when the client accepts it."""

    def answer(self, req):
        headers = req.headers
        self.server.log.append((req.method, self.path, headers))
        status, out_headers, payload = super().answer(req)
        out_headers = list(out_headers)
        if status == 200 and req.method == "GET":
            etag = '"' + hashlib.sha1(payload).hexdigest()[:16] + '"'
            with self.server.lock:
                first = self.server.first_seen.setdefault(etag, time.time() - 3600)
            last_mod = formatdate(first, usegmt=True)
            out_headers += [("ETag", etag), ("Last-Modified", last_mod)]
            if headers.get("if-none-match") == etag or (
                    "if-none-match" not in headers and headers.get("if-modified-since") == last_mod):
                status, payload = 304, b""
                out_headers = [("ETag", etag), ("Last-Modified", last_mod)]
        ctype = dict((k.lower(), v) for k, v in out_headers).get("content-type", "")
        if payload and status == 200 and "gzip" in headers.get("accept-encoding", "") and \
                ctype.startswith(("text/", "application/json", "application/xml")):
            payload = gzip.compress(payload)
            out_headers.append(("Content-Encoding", "gzip"))
            out_headers.append(("Vary", "Accept-Encoding"))
        return status, out_headers, payload


class ConditionalServer(DemoServer):
    handler = ConditionalHandler

    def __init__(self, site):
        self.log: list = []
        self.lock = threading.Lock()
        self.first_seen: dict[str, float] = {}
        super().__init__(site)
        self.start()


def scrapy_cmd(spider: str, *args: str, settings: dict | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, *args]
    for k, v in {**FAST, **(settings or {})}.items():
        cmd += ["-s", f"{k}={v}"]
    return cmd


def crawl_env(data: Path, base_url: str) -> dict:
    env = dict(os.environ)
    env.update({"XXGK_DATA": str(data), "XXGK_DEMO_URL": base_url,
                "SCRAPY_SETTINGS_MODULE": "crawler.settings", "PYTHONUNBUFFERED": "1"})
    return env


def run_crawl(spider: str, data: Path, base_url: str, *args: str, settings: dict | None = None,
              timeout: float = 600, log: Path | None = None) -> subprocess.CompletedProcess:
    """``scrapy crawl`` in a child process, as a user runs it; the log goes to ``log``."""
    log = log or data / f"crawl-{spider}-{time.time_ns()}.log"
    data.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        proc = subprocess.run(scrapy_cmd(spider, *args, settings=settings), cwd=ROOT,
                              env=crawl_env(data, base_url), stdout=fh, stderr=subprocess.STDOUT,
                              timeout=timeout)
    proc.log = log.read_text("utf-8", "replace")
    return proc


def start_crawl(spider: str, data: Path, base_url: str, *args: str, settings: dict | None = None,
                log: Path | None = None) -> subprocess.Popen:
    log = log or data / f"crawl-{spider}-{time.time_ns()}.log"
    data.mkdir(parents=True, exist_ok=True)
    fh = open(log, "wb")
    proc = subprocess.Popen(scrapy_cmd(spider, *args, settings=settings), cwd=ROOT,
                            env=crawl_env(data, base_url), stdout=fh, stderr=subprocess.STDOUT)
    proc.log_path = log
    return proc


def kill9(proc: subprocess.Popen) -> None:
    """SIGKILL the crawl and whatever it started (its Playwright driver and browser)."""
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def db(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True, timeout=30)


def rows(data: Path, sql: str, params=()) -> list[dict]:
    conn = db(data)
    try:
        cur = conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        conn.close()


def stats_of(log: str) -> dict:
    """The crawl's xxgk/* stats as printed in its log."""
    out = {}
    for line in log.splitlines():
        line = line.strip().rstrip(",").rstrip("}")
        if line.startswith("'xxgk/") or line.startswith("{'xxgk/"):
            k, _, v = line.lstrip("{").partition(": ")
            try:
                out[k.strip("'")] = json.loads(v.replace("'", '"').replace("True", "true")
                                               .replace("False", "false"))
            except ValueError:
                out[k.strip("'")] = v
    return out


def archived_report_urls(data: Path) -> set[str]:
    urls = {r["url"] for r in rows(data, "SELECT url FROM reports")}
    urls |= {r["url"] for r in rows(data, "SELECT url FROM report_aliases")}
    return urls


def report_doc_shas(data: Path) -> set[str]:
    return {r["sha256"] for r in rows(
        data, "SELECT d.sha256 FROM report_documents rd JOIN documents d ON d.id = rd.document_id")}


# --- fixtures (imported by the test modules) ----------------------------------------------------

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def demo_server(request):
    """The demo portal (challenges, flaky 503s, slow path on) on a free port of 127.0.0.1."""
    from crawler.demo.server import serve
    from crawler.demo.site import DemoSite

    site = DemoSite(demo_cache_dir(request.config), seed=2024)
    server, port = serve(site=site)
    server.base_url_ = f"http://127.0.0.1:{port}"
    yield server
    server.stop()


def live_reports(manifest: dict, site: str | None = None) -> list[dict]:
    return [d for d in manifest["reports"] if d["status"] == "live" and (site is None or d["site"] == site)]
