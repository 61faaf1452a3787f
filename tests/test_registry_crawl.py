"""The registry drives real crawls: ``scrapy crawl`` by site code and by division code, ``xxgk
nightly --province`` crawling that slice and naming the portals that did not answer, stayed
behind a challenge, or lost their 年报 column, and the coverage pages in a real Datasette. The
portals are tiny local sites on 127.0.0.1 (tests/registry_fixtures.py), registered with
``xxgk registry import``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import pytest_asyncio
from crawl_fixtures import FAST, rows
from registry_fixtures import ROOT, TinyPortal, closed_port_url, registry_csv

from archive.datasette_app import make_datasette

GOV, DEPT = "政府门户网站", "部门网站"


def run(cmd: list[str], env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)
    proc.output = proc.stdout + proc.stderr
    return proc


def settings_args() -> list[str]:
    out = []
    for k, v in {**FAST, "XXGK_CHALLENGE_WAIT": "2", "XXGK_CHALLENGE_MAX_PASSES": "1",
                 "RETRY_TIMES": "1"}.items():
        out += ["-s", f"{k}={v}"]
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Five 宁夏 portals and one 河南 portal, registered; crawled by site code, by division
    code, then by two nightly runs (the second after 彭阳县's 年报 column went away)."""
    tmp = tmp_path_factory.mktemp("reach")
    data = tmp / "data"
    portals = {"pengyang": TinyPortal("彭阳县人民政府", seed=11),
               "yanchi": TinyPortal("盐池县人民政府", seed=12),
               "xiji": TinyPortal("西吉县人民政府", mode="challenge"),
               "lingbao": TinyPortal("灵宝市人民政府", seed=13)}
    down = closed_port_url()
    sites = [("彭阳县人民政府", portals["pengyang"].url, "6404250001", GOV),
             ("彭阳县教育局", down, "6404250002", DEPT),
             ("盐池县人民政府", portals["yanchi"].url, "6403230001", GOV),
             ("同心县人民政府", down, "6403240001", GOV),
             ("西吉县人民政府", portals["xiji"].url, "6404220001", GOV),
             ("灵宝市人民政府", portals["lingbao"].url, "4112820001", GOV)]
    csv = tmp / "地方所属网站.csv"
    csv.write_bytes(registry_csv(sites))
    no_overrides = tmp / "overrides.json"
    no_overrides.write_text('{"portals": []}', encoding="utf-8")
    env = {**os.environ, "XXGK_DATA": str(data), "XXGK_PORTALS": str(no_overrides),
           "PYTHONUNBUFFERED": "1"}
    xxgk = [sys.executable, "-m", "crawler.cli"]
    w = {"data": data, "portals": portals, "env": env}
    try:
        w["import"] = run([*xxgk, "registry", "import", str(csv)], env)
        listed = [json.loads(x) for x in
                  run([*xxgk, "registry", "list", "--json"], env).stdout.splitlines()]
        w["ids"] = {p["site_code"]: p["id"] for p in listed if p["site_code"]}
        scrapy = [sys.executable, "-m", "scrapy", "crawl"]
        w["by_site_code"] = run([*scrapy, "6404250001", *settings_args()], env)
        w["by_division"] = run([*scrapy, "640323", *settings_args()], env)
        w["nightly"] = run([*xxgk, "nightly", "--province", "宁夏", "--jobs", "2",
                            *settings_args()], env)
        portals["pengyang"].mode = "moved"
        w["after_move"] = run([*xxgk, "nightly", "--portal", "6404250001", *settings_args()],
                              env)
    finally:
        for p in portals.values():
            p.stop()
    return w


def crawled(world) -> list[dict]:
    return rows(world["data"], "SELECT portal, status FROM crawls ORDER BY started_at, rowid")


def test_the_registry_was_imported(world):
    assert world["import"].returncode == 0, world["import"].output
    assert "6 sites from 6 rows" in world["import"].stdout
    assert set(world["ids"]) == {"6404250001", "6404250002", "6403230001", "6403240001",
                                 "6404220001", "4112820001"}


def test_scrapy_crawl_by_site_code(world):
    proc = world["by_site_code"]
    assert proc.returncode == 0, proc.output[-3000:]
    pengyang = world["ids"]["6404250001"]
    assert crawled(world)[0] == {"portal": pengyang, "status": "finished"}
    [rep] = rows(world["data"], "SELECT portal, organ, year, n_cells FROM reports "
                                "WHERE organ = '彭阳县人民政府'")
    assert (rep["portal"], rep["year"]) == (pengyang, 2023) and rep["n_cells"] > 100


def test_scrapy_crawl_by_division_code_is_the_divisions_government_portal(world):
    proc = world["by_division"]
    assert proc.returncode == 0, proc.output[-3000:]
    assert crawled(world)[1]["portal"] == world["ids"]["6403230001"]


def test_nightly_crawls_the_slice_only(world):
    proc = world["nightly"]
    assert proc.returncode in (0, 1), proc.output[-3000:]
    ids = world["ids"]
    ningxia = {ids[c] for c in ("6404250001", "6404250002", "6403230001", "6403240001",
                                "6404220001")}
    nightly_crawls = crawled(world)[2:2 + len(ningxia)]
    assert {c["portal"] for c in nightly_crawls} == ningxia
    assert ids["4112820001"] not in {c["portal"] for c in crawled(world)}
    assert world["portals"]["lingbao"].hits == []


def test_nightly_names_the_portals_that_did_not_answer_or_stayed_challenged(world):
    out = world["nightly"].stdout
    ids = world["ids"]
    no_answer = next(x for x in out.splitlines() if x.startswith("portals that did not answer:"))
    assert set(no_answer.split(": ", 1)[1].split(", ")) == {ids["6404250002"], ids["6403240001"]}
    assert (f"portals that answered only with a challenge the crawler could not pass: "
            f"{ids['6404220001']}") in out
    assert "where the last crawl found reports" not in out
    first = sorted((world["data"] / "reports").glob("changes-*.json"))[0]
    report = json.loads(first.read_text(encoding="utf-8"))
    troubles = {r["portal"]: r["trouble"] for r in report["runs"]}
    assert troubles[ids["6404220001"]] == "challenge not passed"
    assert troubles[ids["6404250001"]] is None and troubles[ids["6403230001"]] is None


def test_nightly_names_a_portal_whose_reports_column_went_away(world):
    proc = world["after_move"]
    pengyang = world["ids"]["6404250001"]
    assert (f"portals where nothing was found where the last crawl found reports (layout "
            f"changed?): {pengyang}") in proc.stdout, proc.output[-3000:]
    # the report page itself still answered: the archive's recheck reached it
    assert crawled(world)[-1] == {"portal": pengyang, "status": "finished"}


@pytest_asyncio.fixture
async def ds(world):
    """Datasette as ``xxgk serve`` opens it, on the archive the crawls left."""
    datasette = make_datasette(world["data"])
    return await datasette.invoke_startup() or datasette


@pytest.mark.asyncio
async def test_coverage_by_division_in_datasette(ds, world):
    r = await ds.client.get("/archive/coverage_by_division.json?_shape=array&division=640000"
                            "&year=")
    assert r.status_code == 200, r.text
    got = {row["division_code"]: row for row in r.json()}
    # 宁夏: 5 organs expected, 2 with their 2023 report (彭阳县, 盐池县); 固原市 holds 彭阳 and 西吉
    assert (got["640000"]["应有机关"], got["640000"]["已见年报机关"]) == (5, 2)
    assert (got["640400"]["应有机关"], got["640400"]["已见年报机关"],
            got["640400"]["organs_missing"]) == (3, 1, 2)
    assert got["640300"]["门户上的年报"] == 1 and got["640300"]["年度"] == 2023
    html = (await ds.client.get("/archive/coverage_by_division?division=640400&year=2023")).text
    assert 'href="/archive/coverage_by_division?division=640425&amp;year=2023"' in html
    assert 'href="/archive/coverage_organs?division=640425&amp;year=2023&amp;missing=1"' in html


@pytest.mark.asyncio
async def test_coverage_of_organs_links_their_reports(ds, world):
    r = await ds.client.get("/archive/coverage_organs.json?_shape=array&division=640425&year=2023"
                            "&missing=")
    got = {row["机关"]: row for row in r.json()}
    assert set(got) == {"彭阳县人民政府", "彭阳县教育局"}
    assert got["彭阳县教育局"]["report_id"] is None
    assert got["彭阳县人民政府"]["report_url"].endswith("/zwgk/ndbg/202401/t20240115_1.html")
    missing = await ds.client.get("/archive/coverage_organs.json?_shape=array&division=640000"
                                  "&year=2023&missing=1")
    assert {row["机关"] for row in missing.json()} == {"彭阳县教育局", "同心县人民政府",
                                                       "西吉县人民政府"}
    page = (await ds.client.get("/archive/coverage_organs?division=640425&year=2023&missing="))
    assert '<a href="/archive/reports/' in page.text
    meta = (await ds.client.get("/-/metadata.json")).json()
    queries = meta["databases"]["archive"]["queries"]
    assert {"coverage_by_division", "coverage_organs"} <= set(queries)
    assert "应有年报" in meta["databases"]["archive"]["tables"]["organ_coverage"]["description"]
