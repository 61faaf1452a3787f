"""No process outlives its parent: ``xxgk parse``, ``xxgk ingest``, ``xxgk reparse``,
``xxgk parse-pending`` (its pool's workers) and a crawl rendering in Chromium, each killed with
SIGKILL mid-work, leave nothing running."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from crawl_fixtures import start_crawl
from hostile_portal import HostilePortal, slow_report_html
from process_tree import descendants, wait_gone
from test_cli import XXGK


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _parse_child(proc: subprocess.Popen, timeout: float = 120) -> set[int]:
    """Wait until ``proc`` has forked its parse child (a process with its own command line);
    return every process below ``proc`` at that moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the command ended before it parsed"
        below = descendants(proc.pid)
        if any(_cmdline(p) == _cmdline(proc.pid) for p in below):
            return below
        time.sleep(0.1)
    raise AssertionError("no parse child appeared")


def _kill_and_check(proc: subprocess.Popen, below: set[int]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    left = wait_gone(below, timeout=10)
    assert not left, {p: _cmdline(p) for p in left}


@pytest.fixture
def slow_file(tmp_path) -> Path:
    path = tmp_path / "slow.html"
    path.write_bytes(slow_report_html())
    return path


def _start(*args) -> subprocess.Popen:
    return subprocess.Popen([XXGK, *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_parse_killed_leaves_no_child(slow_file):
    proc = _start("parse", slow_file)
    _kill_and_check(proc, _parse_child(proc))


def test_ingest_killed_leaves_no_child(slow_file, tmp_path):
    proc = _start("ingest", "--data", tmp_path / "data", slow_file)
    _kill_and_check(proc, _parse_child(proc))


def test_reparse_killed_leaves_no_child(slow_file, tmp_path):
    """``reparse`` parses through the pool: its workers and their children go with it."""
    data = tmp_path / "data"
    subprocess.run([XXGK, "ingest", "--no-parse", "--data", data, slow_file], check=True,
                   capture_output=True)
    proc = _start("reparse", "--data", data)
    _kill_and_check(proc, _pool_child(proc))


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _pool_child(proc: subprocess.Popen, timeout: float = 120) -> set[int]:
    """Wait until a pool worker of ``proc`` has forked its sandboxed parse child (a process
    below a process below ``proc``); return every process below ``proc`` at that moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the command ended before it parsed"
        below = descendants(proc.pid)
        if any(_ppid(p) not in (proc.pid, None) and _ppid(_ppid(p)) == proc.pid for p in below):
            return below | descendants(proc.pid)
        time.sleep(0.1)
    raise AssertionError("no parse child appeared")


def test_parse_pending_killed_leaves_no_worker(slow_file, tmp_path):
    """The parse pool's workers and their sandboxed children go with ``xxgk parse-pending``."""
    data = tmp_path / "data"
    subprocess.run([XXGK, "ingest", "--no-parse", "--data", data, slow_file], check=True,
                   capture_output=True)
    proc = _start("parse-pending", "--data", data, "--workers", "2")
    _kill_and_check(proc, _pool_child(proc))


def test_crawl_killed_while_chromium_renders_leaves_nothing(tmp_path):
    portal = HostilePortal(reports=("ok",), hang_list=True)   # Chromium stays busy on the list
    try:
        proc = start_crawl("discover", tmp_path / "data", portal.base_url, "-a",
                           f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                           settings={"XXGK_BROWSER_PAGE_TIMEOUT": "120"})
        deadline = time.monotonic() + 120
        below: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            below = descendants(proc.pid)
            if any(b"--type=renderer" in _cmdline(p) for p in below):
                break
            time.sleep(0.2)
        assert any(b"--type=renderer" in _cmdline(p) for p in below), "Chromium never rendered"
        _kill_and_check(proc, below)
    finally:
        portal.close()
