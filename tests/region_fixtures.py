"""A small archive whose coverage is known by construction: organs a registry and a directory
expect in 江苏 (淮安市, 南京市) and one national body, their 2023 reports on time, late or
undated, and crawls of their portals complete, stopped early or absent. Everything goes in
through the archive's own writer (sites, organs, crawls, fetches, files ingested with their
sidecars) and is parsed by the real parsers."""

from __future__ import annotations

import json
from pathlib import Path

from archive.coverage import refresh_coverage
from archive.directory import OrganRecord
from archive.fetches import FetchRecord
from archive.ingest import ingest_file
from archive.store import Archive

YEAR = 2023

# portal -> (organ the registry names, its division, its 2023 report: (published, first
# fetched) or None, how its portal was crawled: "complete", "stopped" or None)
SITES = {
    "huaiyin": ("淮阴区人民政府", "320804", ("2024-03-01", "2024-05-01"), "complete"),  # on time
    "huaian-jyj": ("淮安市教育局", "320800", ("2024-03-01", "2024-05-01"), "complete"),  # late
    "qingjiangpu": ("清江浦区人民政府", "320812", (None, "2024-05-01"), None),            # undated
    "hongze": ("洪泽区人民政府", "320813", None, "complete"),                             # missing
    "lianshui": ("涟水县人民政府", "320826", None, None),                                 # not crawled
    "xuyi": ("盱眙县人民政府", "320830", None, "stopped"),                                # not crawled
    "xuanwu": ("玄武区人民政府", "320102", (None, "2024-02-01"), None),  # on time: first fetch
    "ndrc": ("国家发展和改革委员会", "100000", None, None),                               # national
}
# A directory of 淮阴区's portal names one more organ, with no report.
DIRECTORY = ("huaiyin", "淮阴区卫生健康委员会", "320804")
# 洪泽区's directory names its government, which the registry names too: one organ, not two.
NAMED_TWICE = ("hongze", "洪泽区人民政府", "320813")

# What the pages must count, by construction: (expected, reported, on_time, late, undated,
# missing, not_crawled).
EXPECTED = {
    "320800": (7, 3, 1, 1, 1, 2, 2),
    "320100": (1, 1, 1, 0, 0, 0, 0),
    "320000": (8, 4, 2, 1, 1, 2, 2),
    "320804": (2, 1, 1, 0, 0, 1, 0),
    "320813": (1, 0, 0, 0, 0, 1, 0),
    "320826": (1, 0, 0, 0, 0, 0, 1),
}
STATES = {"淮阴区人民政府": "on_time", "淮安市教育局": "late", "清江浦区人民政府": "undated",
          "洪泽区人民政府": "missing", "淮阴区卫生健康委员会": "missing",
          "涟水县人民政府": "not_crawled", "盱眙县人民政府": "not_crawled",
          "玄武区人民政府": "on_time", "国家发展和改革委员会": "not_crawled"}

REPORT_TEXT = ("{organ}{year}年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n"
               "三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n")


def _crawl(arc: Archive, portal: str, how: str) -> None:
    crawl = arc.begin_crawl(portal, portal)
    url = f"http://www.{portal}.gov.cn/xxgk/ndbg/"
    arc.record_fetch(FetchRecord(crawl, portal, url, status=200, body=b"<html></html>",
                                 role="listing",
                                 response_headers=[("Content-Type", "text/html")]))
    reason = "finished" if how == "complete" else "closespider_timeout"
    arc.end_crawl(crawl, "finished", {"finish_reason": reason})


def coverage_archive(root: Path, refresh: bool = True) -> Path:
    """Build the archive in the data directory ``root``, its coverage summary written as a
    nightly leaves it (unless not ``refresh``: pages then compute it); return ``root``."""
    arc = Archive(root)
    arc.record_sites([{"portal": p, "organ": organ, "region_code": code, "name": organ,
                       "url": f"http://www.{p}.gov.cn/"}
                      for p, (organ, code, _, _) in SITES.items()],
                     "2026-12-01T00:00:00Z", "test")
    for portal, name, code in (DIRECTORY, NAMED_TWICE):
        arc.record_organ(OrganRecord(portal, name, f"http://www.{portal}.gov.cn/xxgk/{code}/",
                                     division_code=code))
    files = root / "_files"
    files.mkdir()
    for p, (organ, _, report, how) in SITES.items():
        if how:
            _crawl(arc, p, how)
        if report is None:
            continue
        published, seen = report
        path = files / f"{p}.txt"
        path.write_text(REPORT_TEXT.format(organ=organ, year=YEAR), encoding="utf-8")
        side = {"url": f"http://www.{p}.gov.cn/xxgk/ndbg/{YEAR}.html", "portal": p,
                "fetched_at": f"{seen}T00:00:00Z"}
        if published:
            side["published"] = published
        path.with_name(path.name + ".json").write_text(json.dumps(side), encoding="utf-8")
        ingest_file(arc, path)
    if refresh:
        refresh_coverage(arc)
    arc.close()
    return root
