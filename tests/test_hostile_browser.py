"""The crawl always ends by itself: a list page whose script hangs Chromium or allocates without
end, a JavaScript challenge that never resolves, a crawl that stops making progress, a SIGTERM while the browser
hangs. Real Chromium, real Scrapy, a hostile portal on 127.0.0.1; no process is left behind."""

from __future__ import annotations

import json
import os
import re
import signal
import time

import pytest

from archive.changes.completeness import completeness
from archive.db import read_only
from crawl_fixtures import rows, start_crawl, stats_of
from hostile_portal import HostilePortal
from process_tree import PeakTreeRSS, descendants, wait_gone

GiB = 1024 ** 3

# Short clocks, so that a test takes seconds, not the minutes of production.
FAST_WATCH = {"PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": "5000",
              "XXGK_BROWSER_STEP_TIMEOUT": "5", "XXGK_BROWSER_PAGE_TIMEOUT": "20",
              "XXGK_STALL_TIMEOUT": "60", "XXGK_CLOSE_GRACE": "30"}


def crawl(tmp_path, portal, settings=None, until=None):
    """Crawl ``portal`` with the discover spider; ``until(proc)`` may act on it while it runs.
    Returns (exit code, seconds, peak RSS of the tree, every pid seen, log)."""
    data = tmp_path / "data"
    log = tmp_path / "crawl.log"
    t0 = time.monotonic()
    proc = start_crawl("discover", data, portal.base_url, "-a",
                       f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                       settings={**FAST_WATCH, **(settings or {})}, log=log)
    peak = PeakTreeRSS(proc.pid)
    try:
        if until:
            until(proc, log)
        proc.wait(timeout=240)
    finally:
        seen = peak.seen | descendants(proc.pid)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, time.monotonic() - t0, peak.stop(), seen, log.read_text("utf-8", "replace")


@pytest.fixture
def portal_of(request):
    made = []

    def make(**kw):
        made.append(HostilePortal(**kw))
        return made[-1]

    yield make
    for p in made:
        p.close()


def _crawl_row(tmp_path):
    (row,) = rows(tmp_path / "data", "SELECT id, status, stats FROM crawls")
    return row["id"], row["status"], json.loads(row["stats"] or "{}")


def test_a_hung_browser_page_is_given_up_and_recorded(tmp_path, portal_of):
    portal = portal_of(reports=("ok",), hang_list=True)
    code, seconds, peak, seen, log = crawl(tmp_path, portal)
    assert code == 0, log[-3000:]
    assert seconds < 120
    _, status, _ = _crawl_row(tmp_path)
    assert status == "finished"
    (failed,) = rows(tmp_path / "data", "SELECT url, error FROM fetches WHERE error IS NOT NULL")
    assert failed["url"].endswith("/gk/nb/index.html")
    assert "browser page did not load within 20 s (XXGK_BROWSER_PAGE_TIMEOUT)" in failed["error"]
    assert stats_of(log).get("xxgk/browser/page_timeout") == 1
    assert not wait_gone(seen - {os.getpid()}, 15), "a browser process outlived the crawl"
    # Scrapy, the Playwright driver and every Chromium process, their RSS summed
    assert peak < GiB, f"peak RSS of the crawl's process tree: {peak >> 20} MiB"


def test_a_page_that_allocates_without_end_is_stopped_and_recorded(tmp_path, portal_of):
    portal = portal_of(reports=("ok",), heap_bomb_list=True)
    code, seconds, peak, seen, log = crawl(tmp_path, portal)
    assert code == 0, log[-3000:]
    _, status, _ = _crawl_row(tmp_path)
    assert status == "finished"
    (failed,) = rows(tmp_path / "data", "SELECT url, error FROM fetches WHERE error IS NOT NULL")
    assert failed["url"].endswith("/gk/nb/index.html")
    assert "crashed" in failed["error"]   # its renderer ended at BROWSER_JS_HEAP_MIB
    assert peak < GiB, f"peak RSS of the crawl's process tree: {peak >> 20} MiB"
    assert not wait_gone(seen - {os.getpid()}, 15)


def test_a_pager_click_that_hangs_is_given_up_and_recorded(tmp_path, portal_of):
    portal = portal_of(reports=("ok",), hang_on_click=True)
    code, seconds, peak, seen, log = crawl(tmp_path, portal)
    assert code == 0, log[-3000:]
    assert seconds < 120
    (failed,) = rows(tmp_path / "data", "SELECT url, error FROM fetches WHERE error IS NOT NULL")
    assert failed["url"].endswith("/gk/nb/index.html")
    assert failed["error"] == ("browser step clicking to page 2 took longer than 5 s "
                               "(XXGK_BROWSER_STEP_TIMEOUT)")
    assert stats_of(log).get("xxgk/browser/step_timeout") == 1
    assert not wait_gone(seen - {os.getpid()}, 15)


def test_a_challenge_that_never_resolves_ends_and_says_so(tmp_path, portal_of):
    portal = portal_of(reports=("ok", "challenged"))
    code, seconds, peak, seen, log = crawl(tmp_path, portal)
    assert code == 0, log[-3000:]
    assert seconds < 120
    by_url = {r["url"].rsplit("/", 1)[-1]: r for r in rows(
        tmp_path / "data", "SELECT url, error, document_id FROM fetches WHERE role = 'report'")}
    assert by_url["ok.html"]["error"] is None and by_url["ok.html"]["document_id"]
    # given up by a watchdog: the page's deadline, or a step's while reading the challenge
    assert re.search(r"XXGK_BROWSER_(PAGE|STEP)_TIMEOUT", by_url["challenged.html"]["error"])
    crawl_id, status, _ = _crawl_row(tmp_path)
    with read_only(tmp_path / "data" / "archive.db") as db:
        done = completeness(db, crawl_id)
    assert not done.complete and "challenge was not passed" in done.reason
    assert not wait_gone(seen - {os.getpid()}, 15)


def test_a_stalled_crawl_closes_itself_and_is_recorded(tmp_path, portal_of):
    portal = portal_of(reports=("ok",), hang_list=True)
    code, seconds, peak, seen, log = crawl(tmp_path, portal, {
        "XXGK_BROWSER_PAGE_TIMEOUT": "600", "XXGK_STALL_TIMEOUT": "15", "XXGK_CLOSE_GRACE": "20"})
    assert seconds < 120, log[-3000:]
    assert "no progress for" in log and "(XXGK_STALL_TIMEOUT 15 s): closing the crawl" in log
    crawl_id, status, stats = _crawl_row(tmp_path)
    assert status == "failed" and stats["finish_reason"] == "stalled"
    with read_only(tmp_path / "data" / "archive.db") as db:
        done = completeness(db, crawl_id)
    assert not done.complete   # the diff claims no removal from it
    assert not wait_gone(seen - {os.getpid()}, 15)


def test_sigterm_ends_a_crawl_whose_browser_hangs(tmp_path, portal_of):
    portal = portal_of(reports=("ok",), hang_list=True)
    ended = {}

    def terminate_while_rendering(proc, log):
        deadline = time.monotonic() + 120
        while "rendering " not in log.read_text("utf-8", "replace"):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
        time.sleep(3)   # the page's script is spinning now
        ended["t"] = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        ended["after"] = time.monotonic() - ended["t"]

    code, seconds, peak, seen, log = crawl(tmp_path, portal, {
        "XXGK_BROWSER_PAGE_TIMEOUT": "600", "XXGK_STALL_TIMEOUT": "600", "XXGK_CLOSE_GRACE": "20"},
        until=terminate_while_rendering)
    assert ended["after"] < 40, log[-3000:]
    assert not wait_gone(seen - {os.getpid()}, 15)
