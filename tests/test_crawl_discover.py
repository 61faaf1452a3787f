"""The generic spider: ``scrapy crawl discover -a url=<a site's start page> -a allow=/<site>/`` on
each demo site, which it has never been told anything about. It must recognise the CMS family by
itself, find every live report, archive no distractor, and download each report file once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from crawl_fixtures import (archived_report_urls, demo_server, live_reports,  # noqa: F401
                            report_doc_shas, rows, run_crawl, stats_of)

# The CMS family each demo site imitates (see crawler/demo/sites/); avalon is the Fujian
# intensive platform.
SITES = {"trs": "trs", "hanweb": "hanweb", "lonsun": "lonsun", "gkmlpt": "gkmlpt",
         "avalon": "fujian", "boda": "boda", "ucap": "ucap", "public": "public", "hebei": "hebei",
         "nmg": "nmg"}


@pytest.fixture(scope="module")
def discovered(demo_server, tmp_path_factory):  # noqa: F811
    base = demo_server.base_url_
    manifest = demo_server.site.manifest(base)

    def one(site):
        data = tmp_path_factory.mktemp(f"discover-{site}")
        start = manifest["sites"][site]["start_urls"][0]
        res = run_crawl("discover", data, base, "-a", f"url={start}", "-a", f"allow=/{site}/",
                        log=data / "crawl.log")
        return site, {"data": data, "result": res}

    with ThreadPoolExecutor(max_workers=2) as pool:
        out = dict(pool.map(one, SITES))
    return {"base": base, "manifest": manifest, "sites": out}


def _is_page_report(d: dict) -> bool:
    return d["format"] == "html" and d["page_url"] == d["url"]


@pytest.mark.parametrize("site", SITES)
def test_discover_finishes_and_recognises_the_family(discovered, site):
    res = discovered["sites"][site]["result"]
    assert res.returncode == 0, res.log[-3000:]
    assert "Traceback" not in res.log, res.log[-3000:]
    stats = stats_of(res.log)
    assert stats.get(f"xxgk/family/{SITES[site]}", 0) >= 1, {k: v for k, v in stats.items()
                                                            if "family" in k}


@pytest.mark.parametrize("site", SITES)
def test_discover_finds_every_report(discovered, site):
    data = discovered["sites"][site]["data"]
    urls, shas = archived_report_urls(data), report_doc_shas(data)
    live = live_reports(discovered["manifest"], site)
    assert live
    missing = [d["url"] for d in live if not (
        (d["url"] in urls) if _is_page_report(d) else (d["sha256"] in shas))]
    assert missing == [], f"{len(missing)} of {len(live)} reports not found: {missing[:5]}"


@pytest.mark.parametrize("site", SITES)
def test_discover_archives_no_distractor(discovered, site):
    urls = archived_report_urls(discovered["sites"][site]["data"])
    bad = [d for d in discovered["manifest"]["distractors"]
           if d["site"] == site and d.get("url") and d["url"] in urls]
    assert bad == []
    n_reports = len(rows(discovered["sites"][site]["data"], "SELECT id FROM reports"))
    assert n_reports == len({d["report_key"] for d in live_reports(discovered["manifest"], site)})


@pytest.mark.parametrize("site", SITES)
def test_discover_downloads_each_file_once(discovered, site):
    twice = rows(discovered["sites"][site]["data"],
                 "SELECT url, count(*) AS n FROM fetches WHERE role IN ('report', 'attachment') "
                 "AND status = 200 GROUP BY url HAVING n > 1")
    assert twice == []
    same_body = rows(discovered["sites"][site]["data"],
                     "SELECT sha256, count(DISTINCT url) AS n FROM fetches WHERE role = 'attachment' "
                     "AND status = 200 GROUP BY sha256 HAVING n > 1")
    assert same_body == [], "one file fetched under several URLs"
