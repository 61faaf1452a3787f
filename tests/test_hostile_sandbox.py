"""Chromium renders untrusted portal pages with its own sandbox on: no ``--no-sandbox``, and,
when the crawler runs as root, the browser runs as an unprivileged user (scripts/setup.sh makes
it). Checked on the live processes of a real crawl while Chromium renders a page."""

from __future__ import annotations

import os
import time
from pathlib import Path

from crawl_fixtures import start_crawl
from hostile_portal import HostilePortal
from process_tree import descendants


def _status(pid: int) -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.split()
    return out


def _chromium(pid: int) -> dict[int, list[str]]:
    """The Chromium processes below ``pid``: their command lines."""
    out = {}
    for p in descendants(pid):
        try:
            # Chromium rewrites its command line as one string, arguments split by spaces.
            argv = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").split()
        except OSError:
            continue
        if argv and b"chromium" in argv[0]:
            out[p] = [a.decode("utf-8", "replace") for a in argv]
    return out


def test_chromium_runs_sandboxed(tmp_path):
    portal = HostilePortal(reports=("ok",), hang_list=True)   # the page stays open for a while
    proc = start_crawl("discover", tmp_path / "data", portal.base_url, "-a",
                       f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                       settings={"XXGK_BROWSER_PAGE_TIMEOUT": "30"})
    try:
        deadline = time.monotonic() + 120
        renderers = {}
        while time.monotonic() < deadline and proc.poll() is None:
            found = _chromium(proc.pid)
            renderers = {p: a for p, a in found.items() if "--type=renderer" in a}
            if renderers:
                break
            time.sleep(0.2)
        assert renderers, "Chromium never rendered the page"
        for pid, argv in found.items():
            assert "--no-sandbox" not in argv, argv
        for pid in renderers:
            st = _status(pid)
            assert st["Seccomp"] == ["2"], "the renderer has no seccomp-bpf sandbox"
            if os.geteuid() == 0:
                assert st["Uid"][0] != "0", "Chromium runs as root"
    finally:
        proc.kill()
        proc.wait(timeout=30)
        portal.close()
