"""``xxgk registry sync`` against a local imitation of the national government-website
database's download service (tests/registry_fixtures.py), its files built from the 3,256 portals
of ``../shared/registry/gov-portals.tsv``: every site becomes a portal with the right division
code, level and parent; retries after a 500 and a timeout; ``import`` from files; a re-sync
keeps ids and withdraws what the service no longer lists; ``scrapy list`` lists them all."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from registry_fixtures import (GROUPS, MISSING, PORTALS_TSV, ROOT, Service, ServiceState,
                               group_files, official_sites, tsv_rows)

from parsers import divisions

pytestmark = pytest.mark.skipif(not PORTALS_TSV.is_file(), reason=MISSING)

FAST = ["--timeout", "1", "--retries", "3", "--backoff", "0.05"]


def xxgk(*args, data=None, check=True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "crawler.cli", *args]
    if data is not None:
        cmd += ["--data", str(data)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def listed(data) -> list[dict]:
    return [json.loads(line) for line in xxgk("registry", "list", "--json", data=data)
            .stdout.splitlines()]


@pytest.fixture(scope="module")
def sites():
    return official_sites(tsv_rows())


@pytest.fixture(scope="module")
def files(sites):
    return group_files(sites)


@pytest.fixture(scope="module")
def synced(tmp_path_factory, files):
    """One sync through a service that fails each group once or twice first."""
    state = ServiceState(dict(files), slow=3.0,
                         faults={"bwmh": ["500"], "sjmh": ["slow"], "dfsswz": ["500", "slow"]})
    service = Service(state)
    data = tmp_path_factory.mktemp("registry")
    try:
        proc = xxgk("registry", "sync", "--source", service.url, *FAST, data=data)
    finally:
        service.stop()
    return data, proc, state


def test_the_sync_retried_every_group_until_it_answered(synced):
    _, proc, state = synced
    assert [state.posts(g) for g in GROUPS] == [2, 2, 3]
    assert proc.stdout.startswith("3256 sites from 3256 rows of http://127.0.0.1:")
    assert "3256 added, 0 changed, 0 unchanged, 0 back, 0 withdrawn" in proc.stdout


def test_every_site_is_a_portal_with_its_division_level_and_parent(synced, sites):
    data, _, _ = synced
    portals = listed(data)
    by_code = {p["site_code"]: p for p in portals if p["site_code"]}
    by_url = {p["url"]: p for p in portals if not p["site_code"]}
    assert len({p["id"] for p in portals}) == len(portals)
    checked = 0
    for s in sites:
        code = s.row["政府网站标识码"]
        p = by_code[code] if code else by_url[s.row["首页网址"]]
        tsv = s.source
        assert p["name"] == tsv["name"] and p["organ"] == tsv["name"]
        assert p["url"] == (tsv["url"] or None)
        if tsv["level"] == "国家级":
            assert (p["region_code"], p["level"], p["parent"]) == ("100000", "国家级", None)
        else:
            assert p["region_code"] == (tsv["region_code"] or None), tsv["name"]
            assert p["level"] == (tsv["level"] or None), tsv["name"]
            # the parent is the nearest division the shared file's path names above the site
            above = [n for n in tsv["region_path"].split("/")[:-1] if divisions.named(n)]
            if above and tsv["region_code"]:
                assert divisions.get(p["parent"]).name == above[-1], tsv["name"]
            else:
                assert p["parent"] is None, tsv["name"]
        checked += 1
    assert checked == 3256
    assert sum(p["level"] == "县级" for p in by_code.values()) == 2847


def test_what_could_not_be_checked_is_said(synced):
    data, proc, _ = synced
    assert "8 problems" in proc.stderr
    assert "加格达奇区人民政府 (2327610001): division 232761 is not on the division list" in proc.stderr
    assert "新疆生产建设兵团 (http://www.xjbt.gov.cn/): no 政府网站标识码" in proc.stderr
    assert "金门县人民政府 (3505270001): no 首页网址" in proc.stderr
    with sqlite3.connect(data / "archive.db") as db:
        notes = db.execute("SELECT notes FROM sites WHERE site_code = '2327610001'").fetchone()[0]
    assert "placed under 大兴安岭地区 (232700)" in notes


def test_the_committed_overrides_join_their_sites(synced):
    data, _, _ = synced
    portals = {p["id"]: p for p in listed(data)}
    pengyang = portals["pengyang"]
    assert (pengyang["site_code"], pengyang["family"], pengyang["source"]) == (
        "6404250001", "trs", "synced+override")
    assert portals["xiangshan"]["region_code"] == "340603"
    assert all(p["source"] == "synced+override" for p in portals.values()
               if p["id"] in ("lingbao", "xiangshan", "jiyuan", "yanchi", "henan", "anhui",
                              "ningxia", "huaibei"))
    assert portals["bjdch"]["family"] == "auto" and portals["bjdch"]["source"] == "synced"


def test_a_slice_by_name_or_code(synced):
    data, _, _ = synced
    henan = [json.loads(x) for x in xxgk("registry", "list", "--json", "--province", "河南",
                                         data=data).stdout.splitlines()]
    assert all(p["region_code"].startswith("41") for p in henan)
    # the registry's 175, and the demo's imitation of Zhengzhou's platform, flagged as the demo's
    assert len([p for p in henan if p["source"] != "demo"]) == 175
    assert [p["id"] for p in henan if p["source"] == "demo"] == ["demo-public"]
    zhengzhou = xxgk("registry", "list", "--province", "4101", data=data).stdout.splitlines()
    assert all(line.split("\t")[2].startswith("4101") for line in zhengzhou)
    assert len([line for line in zhengzhou if not line.startswith("demo-")]) == 13


def test_scrapy_lists_every_portal(synced):
    data, _, _ = synced
    ids = {p["id"] for p in listed(data)}
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "XXGK_DATA": str(data)}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert set(out.stdout.split()) == ids | {"discover"} and len(ids) >= 3256 + 6


def test_import_from_files_gives_the_same_registry(synced, files, tmp_path):
    data, _, _ = synced
    paths = []
    for gid, label in GROUPS.items():
        paths.append(tmp_path / f"{label}.zip")
        paths[-1].write_bytes(files[gid])
    other = tmp_path / "data"
    xxgk("registry", "import", *map(str, paths), data=other)
    key = lambda ps: sorted((p["id"], p["site_code"], p["region_code"], p["level"], p["parent"])
                            for p in ps)
    assert key(listed(other)) == key(listed(data))


def test_a_resync_keeps_ids_and_withdraws_what_is_gone(synced, sites, tmp_path):
    data, _, _ = synced
    copy = tmp_path / "data"
    copy.mkdir()
    with sqlite3.connect(data / "archive.db") as src, sqlite3.connect(copy / "archive.db") as dst:
        src.backup(dst)
    gone = next(s for s in sites if s.row["政府网站标识码"] == "6404250001")   # 彭阳县
    moved = next(s for s in sites if s.row["政府网站标识码"] == "6403230001")  # 盐池县
    moved.row = {**moved.row, "首页网址": "http://www.nxyc.gov.cn/"}
    try:
        service = Service(ServiceState(group_files([s for s in sites if s is not gone], xls=False)))
        proc = xxgk("registry", "sync", "--source", service.url, *FAST, data=copy)
    finally:
        moved.row = {**moved.row, "首页网址": moved.source["url"]}
        service.stop()
    assert "3255 sites" in proc.stdout and "1 changed, 3254 unchanged, 0 back, 1 withdrawn" in \
        proc.stdout
    before = {p["site_code"]: p["id"] for p in listed(data) if p["site_code"]}
    after = {p["site_code"]: p for p in listed(copy) if p["site_code"]}
    assert "6404250001" not in after
    assert all(after[c]["id"] == pid for c, pid in before.items() if c in after)
    # the override still crawls 盐池 from its hand-checked start; the home page is the new one
    assert after["6403230001"]["id"] == "yanchi" and \
        after["6403230001"]["url"] == "http://www.nxyc.gov.cn/"
    with sqlite3.connect(copy / "archive.db") as db:
        assert db.execute("SELECT withdrawn IS NOT NULL FROM sites WHERE site_code = "
                          "'6404250001'").fetchone() == (1,)
    # pengyang is now the committed override alone, as before any sync
    assert next(p for p in listed(copy) if p["id"] == "pengyang")["source"] == "override"


@pytest.mark.parametrize("fault, says", [
    (["500"] * 5, "answered 500 (after up to 3 retries)"),
    (["block"], "answered text/html; charset=utf-8, not a zip"),
])
def test_a_group_that_never_comes_leaves_the_registry_as_it_was(files, tmp_path, fault, says):
    service = Service(ServiceState(dict(files), faults={"dfsswz": fault}))
    try:
        proc = xxgk("registry", "sync", "--source", service.url, *FAST, data=tmp_path, check=False)
    finally:
        service.stop()
    assert proc.returncode == 1 and says in proc.stderr
    assert not (tmp_path / "archive.db").exists()


def test_a_file_that_is_not_the_database(tmp_path):
    bad = tmp_path / "sites.csv"
    bad.write_text("名称,网址\n彭阳县人民政府,http://www.pengyang.gov.cn/\n", encoding="utf-8")
    proc = xxgk("registry", "import", str(bad), data=tmp_path / "data", check=False)
    assert proc.returncode == 1 and "no header with 网站名称, 首页网址" in proc.stderr
    assert not (tmp_path / "data" / "archive.db").exists()


def test_coverage_expects_every_registered_organ(synced):
    """Before any crawl: every division expects its sites' organs; none has a report yet."""
    data, _, _ = synced
    with sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True) as db:
        top = {r[0]: r[1:] for r in db.execute(
            "SELECT division_code, name, organs_expected, organs_reported FROM division_coverage "
            "WHERE parent IS NULL AND year IS NULL")}
        zhengzhou = db.execute("SELECT organs_expected FROM division_coverage "
                               "WHERE division_code = '410100'").fetchone()[0]
    assert len(top) == 32 and top["100000"] == ("国家机关", 44, 0)
    assert top["410000"] == ("河南省", 175, 0) and top["640000"] == ("宁夏回族自治区", 28, 0)
    # the four 大兴安岭 districts off the division list count in 黑龙江, 兵团 in no province
    assert top["230000"][1] == 139 and sum(v[1] for v in top.values()) == 3256 - 1
    assert zhengzhou == 13
