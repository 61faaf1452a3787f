"""A crawl killed with SIGKILL resumes with the same command: same crawl id, listings walked
again, nothing recorded fetched twice, nothing lost."""

from __future__ import annotations

import time

import pytest

from crawl_fixtures import (archived_report_urls, demo_server, kill9, live_reports,  # noqa: F401
                            report_doc_shas, rows, run_crawl, start_crawl)


def _recorded(data, roles=("report", "attachment")) -> int:
    try:
        q = ",".join("?" * len(roles))
        return rows(data, f"SELECT count(*) AS n FROM fetches WHERE role IN ({q})", roles)[0]["n"]
    except Exception:  # noqa: BLE001 - the archive is not created yet
        return 0


@pytest.mark.parametrize("site", ["trs", "lonsun"])
def test_sigkill_then_resume(demo_server, tmp_path, site):  # noqa: F811
    data, base = tmp_path / "archive", demo_server.base_url_
    demo_server.site.reset_state()
    slow = {"DOWNLOAD_DELAY": "0.3", "DOWNLOAD_DELAY_JITTER": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    proc = start_crawl(f"demo-{site}", data, base, settings=slow, log=tmp_path / "killed.log")
    deadline = time.monotonic() + 120
    while _recorded(data) < 6 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the crawl ended before it could be killed:\n" + \
        (tmp_path / "killed.log").read_text()[-3000:]
    kill9(proc)
    before = rows(data, "SELECT id, status FROM crawls")
    assert [c["status"] for c in before] == ["running"]
    n_before = _recorded(data)
    assert 0 < n_before

    res = run_crawl(f"demo-{site}", data, base, log=tmp_path / "resumed.log")
    assert res.returncode == 0, res.log[-3000:]
    assert "resumed" in res.log
    after = rows(data, "SELECT id, status, resumed FROM crawls")
    assert [(c["id"], c["status"], c["resumed"]) for c in after] == [(before[0]["id"], "finished", 1)]

    # Nothing fetched twice: a report page, page or attachment recorded before the kill is
    # not fetched again (failed attempts recorded with their retry are not second fetches).
    dup = rows(data, "SELECT url, count(*) AS n FROM fetches WHERE role IN ('report', 'attachment', 'page') "
                     "AND error IS NULL GROUP BY url HAVING n > 1")
    assert not dup, dup
    # Listings were walked again.
    listings = rows(data, "SELECT url, count(*) AS n FROM fetches WHERE role = 'listing' GROUP BY url HAVING n > 1")
    assert listings
    # Nothing lost.
    manifest = demo_server.site.manifest(base)
    urls, shas = archived_report_urls(data), report_doc_shas(data)
    missing = [d["url"] for d in live_reports(manifest, site)
               if not (d["sha256"] in shas or (d["format"] == "html" and d["url"] in urls))]
    assert not missing, missing
    assert "resume:" in res.log or n_before == _recorded(data, ("report",))
