"""A portal whose crawl cannot start: the nightly names the error, not only the exit status."""

import os

from archive_fixtures import xxgk


def test_a_crawl_that_fails_to_start_says_why(tmp_path):
    env = {**os.environ, "XXGK_DATA": str(tmp_path)}
    run = xxgk("nightly", "--portal", "demo-trs", "-s", "SCHEDULER=no_such_module.Scheduler",
               env=env, timeout=300)
    assert run.returncode != 0
    failed = [ln for ln in run.stderr.splitlines() if "portal=demo-trs crawl FAILED" in ln]
    assert failed, run.stderr
    assert "No module named 'no_such_module'" in failed[0] and "demo-trs.log" in failed[0]
