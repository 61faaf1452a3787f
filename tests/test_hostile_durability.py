"""SQLite's durability is a setting: NORMAL by default, FULL for the nightly job (its crawls and
its own writes), refused when misspelt."""

from __future__ import annotations

import os
import subprocess

import pytest

from archive.store import Archive
from crawl_fixtures import ROOT, crawl_env, scrapy_cmd
from crawler.jobs import nightly
from hostile_portal import HostilePortal

MODES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def _mode(arc: Archive) -> str:
    return MODES[arc.conn.execute("PRAGMA synchronous").fetchone()[0]]


def test_normal_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("XXGK_SYNCHRONOUS", raising=False)
    with Archive(tmp_path) as arc:
        assert _mode(arc) == "NORMAL"


def test_full_when_asked_by_argument_or_environment(tmp_path, monkeypatch):
    with Archive(tmp_path / "a", synchronous="full") as arc:
        assert _mode(arc) == "FULL"
    monkeypatch.setenv("XXGK_SYNCHRONOUS", "EXTRA")
    with Archive(tmp_path / "b") as arc:
        assert _mode(arc) == "EXTRA"


def test_a_misspelt_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="synchronous must be one of NORMAL, FULL, EXTRA"):
        Archive(tmp_path, synchronous="fast")


def test_a_crawl_runs_with_the_mode_of_its_environment(tmp_path):
    """As the nightly job starts its crawls: XXGK_SYNCHRONOUS in their environment."""
    portal = HostilePortal(reports=("ok",))
    try:
        env = {**crawl_env(tmp_path, portal.base_url), "XXGK_SYNCHRONOUS": "FULL"}
        res = subprocess.run(scrapy_cmd("discover", "-a", f"url={portal.base_url}/gk/index.html",
                                        "-a", "allow=/gk/", settings={}),
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        portal.close()
    assert res.returncode == 0, res.stderr[-2000:]
    assert "SQLite synchronous=FULL" in res.stderr
    assert nightly.NIGHTLY_SYNCHRONOUS == "FULL" or "XXGK_SYNCHRONOUS" in os.environ
