"""Several portals crawled one after another by one process (``xxgk nightly
--portals-per-process``): each keeps its own crawl, log and outcome; a portal whose crawl
raises, runs past the nightly's timeout or kills its process fails alone, and the portals after
it are crawled. Real Scrapy, real SQLite, the demo portal on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from crawl_fixtures import FAST, ROOT, demo_server, live_reports, rows  # noqa: F401

from crawler.jobs.nightly import _batches

DEMO_PORTALS = ROOT / "crawler" / "demo" / "portals.json"


def _portal(demo: dict, site: str, pid: str, base: str, **settings) -> dict:
    p = json.loads(json.dumps(demo[f"demo-{site}"]).replace("{demo}", base))
    p.pop("demo", None)
    p.update(id=pid, settings={"DOWNLOAD_DELAY": "0", **settings})
    return p


@pytest.fixture(scope="module")
def batch_night(demo_server, tmp_path_factory):  # noqa: F811
    base = demo_server.base_url_
    demo = {p["id"]: p for p in json.loads(DEMO_PORTALS.read_text("utf-8"))["portals"]}
    portals = [
        _portal(demo, "trs", "batch-trs", base),
        # its scheduler cannot be loaded: the crawl raises as it starts
        _portal(demo, "trs", "batch-bad", base, SCHEDULER="no_such_module.Scheduler"),
        # seconds between requests: far past the nightly's timeout
        _portal(demo, "lonsun", "batch-slow", base, DOWNLOAD_DELAY="20"),
        # an "extension" that aborts the process as the crawl starts (SIGABRT)
        _portal(demo, "boda", "batch-abort", base, EXTENSIONS={"os.abort": 500}),
        _portal(demo, "hanweb", "batch-hanweb", base),
    ]
    data = tmp_path_factory.mktemp("batch")
    (data / "portals.json").write_text(json.dumps({"portals": portals}, ensure_ascii=False),
                                       encoding="utf-8")
    (data / "nightly.toml").write_text("[crawl]\ntimeout = 60\n", encoding="utf-8")
    env = {**os.environ, "XXGK_DATA": str(data), "XXGK_PORTALS": str(data / "portals.json")}
    cmd = [sys.executable, "-m", "crawler.cli", "nightly", "--portals-per-process", "5"]
    for p in portals:
        cmd += ["--portal", p["id"]]
    for k, v in FAST.items():
        if k != "DOWNLOAD_DELAY":      # each portal's own (a command-line one would win)
            cmd += ["-s", f"{k}={v}"]
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    logs = next((data / "logs").glob("nightly-*/"))
    return {"run": run, "data": data, "logs": logs, "manifest": demo_server.site.manifest(base)}


def _line(run, portal: str) -> str:
    return next(ln for ln in run.stderr.splitlines() if f"portal={portal} crawl " in ln
                and "start" not in ln)


def test_one_process_crawls_the_portals_in_turn(batch_night):
    run = batch_night["run"]
    starts = [ln for ln in run.stderr.splitlines() if "crawl start (one process)" in ln]
    assert len(starts) == 2, run.stderr
    assert "portals=batch-trs,batch-bad,batch-slow,batch-abort,batch-hanweb " in starts[0]
    # the process died with batch-abort: the portal it had not begun, in a new one
    assert "portals=batch-hanweb " in starts[1]
    assert run.returncode == 2, run.stderr            # a portal failed: as with a process each


def test_a_portal_that_kills_its_process_fails_alone(batch_night):
    run, data = batch_night["run"], batch_night["data"]
    line = _line(run, "batch-abort")
    assert " crawl FAILED exit=-6 " in line and "batch-abort.log" in line, line
    assert rows(data, "SELECT count(*) AS n FROM crawls WHERE portal = 'batch-abort' "
                      "AND status = 'finished'")[0]["n"] == 0


def test_each_portal_keeps_its_crawl_and_its_log(batch_night):
    data, logs, run = batch_night["data"], batch_night["logs"], batch_night["run"]
    crawls = {r["portal"]: r for r in rows(data, "SELECT id, portal, status FROM crawls")}
    for portal, site in (("batch-trs", "trs"), ("batch-hanweb", "hanweb")):
        assert " crawl ok " in _line(run, portal), run.stderr
        assert crawls[portal]["status"] == "finished"
        fetched = rows(data, "SELECT count(*) AS n FROM fetches WHERE crawl_id = ?",
                       (crawls[portal]["id"],))[0]["n"]
        assert f"fetched={fetched} " in _line(run, portal)
        # every live report of its site reached (its page or its file), under its own crawl
        got = rows(data, "SELECT url, sha256 FROM fetches WHERE crawl_id = ?",
                   (crawls[portal]["id"],))
        urls, shas = {g["url"] for g in got}, {g["sha256"] for g in got}
        live = live_reports(batch_night["manifest"], site)
        assert live and not [d["url"] for d in live if d["url"] not in urls
                             and d["sha256"] not in shas]
        text = (logs / f"{portal}.log").read_text("utf-8")
        others = {c["id"] for p, c in crawls.items() if p != portal}
        assert crawls[portal]["id"] in text
        assert not any(c in text for c in others), f"{portal}.log holds another portal's lines"


def test_a_portal_that_raises_fails_alone(batch_night):
    line = _line(batch_night["run"], "batch-bad")
    assert " crawl FAILED exit=1 " in line
    assert "No module named 'no_such_module'" in line and "batch-bad.log" in line


def test_a_portal_past_its_timeout_is_stopped_alone(batch_night):
    run, data = batch_night["run"], batch_night["data"]
    line = _line(run, "batch-slow")
    assert "FAILED" in line and "crawl took longer than 60 s" in line, line
    seconds = int(re.search(r"seconds=(\d+)", line).group(1))
    assert 60 <= seconds < 200, line
    # stopped as Ctrl-C stops a crawl: left open, it resumes next time
    assert rows(data, "SELECT status FROM crawls WHERE portal = 'batch-slow'")[0]["status"] \
        == "running"
    assert " crawl ok " in _line(run, "batch-trs")      # before it, in the same process


def test_batches_fill_every_job():
    names = [f"p{i}" for i in range(25)]
    assert _batches(names, 10, 1) == [names[:10], names[10:20], names[20:]]
    assert [len(b) for b in _batches(names, 10, 8)] == [4, 4, 4, 4, 4, 4, 1]
    assert _batches(names[:3], 10, 8) == [["p0"], ["p1"], ["p2"]]
    assert sum(_batches(names, 1, 2), []) == names
