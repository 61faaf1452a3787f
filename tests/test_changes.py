"""What changed between two nightly runs, end to end, and what the archive then states: ``xxgk
nightly`` crawls the six demo portals (real Scrapy, real Chromium, real SQLite); the demo portal
changes — a late report added, one report taken down in each way (404, soft-deleted, 410, left
out of every list), two revised in place, and the furniture of every page (dates, counters,
related links, share widgets) — and ``xxgk nightly`` runs again; then, the avalon site's
challenge turns unpassable, and a third night crawls it and Boda. Checked against what the demo
portal says it changed, as a watchdog would quote it: the diff in every format, the changes
table, each report's status in ``xxgk reports``, on its Datasette page and in the feed, the
late-report rule, who and where every organ is, and the alerts sent to a local webhook."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import pytest_asyncio

from crawl_fixtures import FAST, ROOT, demo_cache_dir, rows

from parsers import schema

SITES = ["trs", "hanweb", "lonsun", "gkmlpt", "avalon", "boda"]
# The third night: avalon behind a challenge no browser passes, Boda unchanged beside it.
STALLED, CONTROL = "avalon", "boda"


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.posts.append(json.loads(body or b"{}"))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.posts = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def xxgk(*args, env=None, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _nightly_cmd(config, sites, **settings):
    cmd = ["nightly", "--config", str(config), "--jobs", "3"]
    for s in sites:
        cmd += ["--portal", f"demo-{s}"]
    for k, v in {**FAST, **settings}.items():
        cmd += ["-s", f"{k}={v}"]
    return cmd


@pytest.fixture(scope="module")
def nightly(request, tmp_path_factory, webhook):
    from crawler.demo.server import serve
    from crawler.demo.site import Behaviour, DemoSite

    site = DemoSite(demo_cache_dir(request.config), seed=2024, behaviour=Behaviour(slow_seconds=3))
    server, port = serve(site=site)
    base = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("nightly")
    config = data / "nightly.toml"
    config.write_text(f'[alerts]\nurls = ["json://127.0.0.1:{webhook.server_address[1]}/hook"]\n'
                      'on = ["added", "removed", "revised", "moved", "late"]\n', encoding="utf-8")
    env = {**os.environ, "XXGK_DEMO_URL": base, "XXGK_DATA": str(data)}
    try:
        first = xxgk(*_nightly_cmd(config, SITES), env=env)
        posts_after_first = len(webhook.posts)
        manifest_before = _crawled(site.manifest(base))
        changes = site.next_generation()
        second = xxgk(*_nightly_cmd(config, SITES), env=env)
        outputs = {fmt: xxgk("diff", "--format", fmt, env=env) for fmt in ("json", "text", "md")}
        reports_json = xxgk("reports", "--json", env=env)
        reports_text = xxgk("reports", env=env)
        manifest = _crawled(site.manifest(base))
        posts_after_second = len(webhook.posts)
        site.behaviour.challenge_unpassable = (f"/{STALLED}/",)
        third = xxgk(*_nightly_cmd(config, [STALLED, CONTROL], XXGK_CHALLENGE_WAIT="3",
                                   PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT="8000"), env=env)
        third_diff = xxgk("diff", "--format", "json", "--portal", f"demo-{STALLED}",
                          "--portal", f"demo-{CONTROL}", env=env)
    finally:
        server.stop()
    crawls = {s: [c["id"] for c in rows(data, "SELECT id FROM crawls WHERE portal = ? ORDER BY "
                                              "started_at", (f"demo-{s}",))] for s in SITES}
    return {"data": data, "base": base, "first": first, "second": second, "third": third,
            "changes": changes, "out": outputs, "diff": json.loads(outputs["json"].stdout),
            "third_diff": json.loads(third_diff.stdout), "crawls": crawls,
            "posts": webhook.posts, "posts_after_first": posts_after_first,
            "posts_after_second": posts_after_second, "manifest": manifest,
            "manifest_before": manifest_before,
            "reports": [json.loads(line) for line in reports_json.stdout.splitlines()],
            "reports_text": reports_text.stdout}


def _change(nightly, kind):
    return next(c for c in nightly["changes"] if c["change"] == kind)


def _changes(nightly, kind):
    return [c for c in nightly["changes"] if c["change"] == kind]


def _url(nightly, path):
    return nightly["base"] + path


def _summary(run, portal):
    return next(ln for ln in run.stdout.splitlines() if ln.startswith(f"demo-{portal} "))


def test_nightly_runs_exit_with_changes(nightly):
    for run in (nightly["first"], nightly["second"]):
        assert run.returncode == 1, run.stderr[-3000:]       # 1: crawled fine, something changed
        for s in SITES:
            assert " ok " in _summary(run, s), _summary(run, s)
        assert "change report:" in run.stdout
    assert all(len(c) >= 2 for c in nightly["crawls"].values()), nightly["crawls"]
    # plain, greppable log lines per portal
    assert "portal=demo-hanweb crawl ok" in nightly["second"].stderr


def test_first_crawl_raises_no_late_alarm(nightly):
    """Seven demo reports came out after their deadline, but a portal's first crawl finds
    everything it has: nothing in it is "first seen tonight"."""
    assert "late reports first seen tonight" not in nightly["first"].stdout
    assert nightly["posts_after_first"] == 1
    assert "late" not in nightly["posts"][0]["title"], nightly["posts"][0]["title"]


def test_diff_lists_exactly_what_changed(nightly):
    d = nightly["diff"]
    assert [p["complete"] for p in d["portals"]] == [True] * len(SITES)
    add = _change(nightly, "add")
    assert [(e["url"], e["organ"], e["year"]) for e in d["added"]] == [
        (_url(nightly, add["page_url"]), "盐池县审计局", 2024)]
    gone = {e["url"]: e["reason"] for e in d["removed"]}
    assert gone == {_url(nightly, _change(nightly, "remove")["page_url"]): "404",
                    _url(nightly, _change(nightly, "soft_delete")["page_url"]): "soft_deleted",
                    _url(nightly, _change(nightly, "remove_410")["page_url"]): "410",
                    _url(nightly, _change(nightly, "unlist")["page_url"]): "unlisted"}
    revisions = _changes(nightly, "revise")
    assert len(d["revised"]) == len(revisions) == 2, d["revised"]
    by_file = {e["document_url"]: e for e in d["revised"]}
    for rev in revisions:
        entry = by_file[_url(nightly, rev["urls"][0])]
        table, row, col = rev["cell"]
        assert entry["cells"] == [{"table": table, "row": row, "col": col, "old": rev["old"],
                                   "new": rev["new"]}]
        assert entry["new_sha256"] == rev["sha256"]
        assert "-" in entry["text_diff"] and "+" in entry["text_diff"]
    assert d["moved"] == [] and d["errors"] == [] and d["unconfirmed"] == []


def _crawled(manifest: dict) -> dict:
    """The demo's manifest, of the sites these nights crawl only."""
    return {**manifest, "reports": [d for d in manifest["reports"] if d["site"] in SITES]}


def test_furniture_is_never_a_revision(nightly):
    """Every page's dates, counters (visits, downloads, reads, shares) and related links
    changed; none of them is a revision, on any of the six families."""
    d = nightly["diff"]
    chrome = d["chrome_only"]
    formats = {r["id"]: r["format"] for r in rows(nightly["data"], "SELECT id, format FROM documents")}
    # (An unlisted report's page still answers: its frame may change like any other's.)
    content = {e["document_url"] for e in d["revised"]} | {e["url"] for e in d["added"]} | \
        {e["url"] for e in d["removed"] if e["reason"] != "unlisted"}
    for e in chrome:
        assert formats[e["new_document_id"]] == "html", e
        assert e["document_url"] not in content
        assert e["old_sha256"] != e["new_sha256"]
    assert {e["portal"].removeprefix("demo-") for e in chrome} == set(SITES)
    # Every report page whose report did not change is there, its text the same.
    pages = {d["page_url"] for d in nightly["manifest"]["reports"]
             if d["status"] == "live" and d["page_url"] and d["format"] == "html"}
    assert pages - content <= {e["document_url"] for e in chrome}
    sources = {r["source"].split(":")[0] for r in rows(
        nightly["data"], "SELECT t.source FROM texts t JOIN documents d ON d.id = t.document_id "
                         "WHERE d.format = 'html' AND d.id IN (SELECT document_id FROM "
                         "report_documents)")}
    assert sources == {"container"}, sources     # every demo family names its body container


def test_changes_table_matches_the_diff(nightly):
    data, d = nightly["data"], nightly["diff"]
    second = {s: c[1] for s, c in nightly["crawls"].items()}
    got = [r for r in rows(data, "SELECT * FROM changes WHERE old_crawl IS NOT NULL")
           if r["new_crawl"] == second[r["portal"].removeprefix("demo-")]]
    kinds = {"added": "added", "removed": "removed", "revised": "revised",
             "chrome_only": "chrome_only", "moved": "moved", "errors": "error"}
    for key, kind in kinds.items():
        assert sorted(r["url"] for r in got if r["kind"] == kind) == sorted(e["url"] for e in d[key])
    pairs = {s: tuple(c[:2]) for s, c in nightly["crawls"].items()}
    for r in got:
        portal = r["portal"].removeprefix("demo-")
        assert (r["old_crawl"], r["new_crawl"]) == pairs[portal], r
    for r in got:
        if r["kind"] == "removed":                     # the last copy is kept, and readable
            blob = rows(data, "SELECT blob FROM documents WHERE sha256 = ?", (r["old_sha256"],))
            assert (data / blob[0]["blob"]).is_file()
        if r["kind"] == "revised":
            assert r["old_document_id"] and r["new_document_id"] and r["n_cells"] == 1


def test_every_status_agrees(nightly):
    """Each changed report's status reads the same in the archive, in ``xxgk reports`` (JSON
    and text) and in the diff: online, revised (when), removed (why, when)."""
    d = nightly["diff"]
    listed = {r["url"]: r for r in nightly["reports"]}
    expected = {e["url"]: ("removed", e["reason"]) for e in d["removed"]}
    expected.update({e["url"]: ("revised", None) for e in d["revised"]})
    expected.update({e["url"]: ("online", None) for e in d["added"]})
    started = {r["portal"]: r["started_at"] for r in rows(
        nightly["data"], "SELECT portal, started_at FROM crawls WHERE id IN (%s)" % ", ".join(
            f"'{c[1]}'" for c in nightly["crawls"].values()))}
    for url, (status, reason) in expected.items():
        r = listed[url]
        assert (r["status"], r["status_reason"]) == (status, reason), r
        if status != "online":                 # seen so by the second night's crawl
            assert r["status_since"] == started[r["portal"]], r
        if status == "revised":
            assert r["revised_at"] == r["status_since"]
    others = [r for r in nightly["reports"] if r["url"] not in expected]
    assert others and {r["status"] for r in others} == {"online"}
    # The manifest's removed reports are exactly the archive's.
    gone = {d["page_url"] for d in nightly["manifest"]["reports"]
            if d["status"] != "live" and d["page_url"]} & set(listed)
    assert gone == {u for u, r in listed.items() if r["status"] == "removed"}
    lines = {ln.split("\t")[-1]: ln for ln in nightly["reports_text"].splitlines()}
    for e in d["removed"]:
        assert f"removed ({e['reason']}) since " in lines[e["url"]]


def test_late_only_on_a_date_the_page_url_or_document_gives(nightly):
    """The demo's late reports are exactly those the portal published after their deadline
    (31 January for departments, 31 March for governments), dated by their page or URL."""
    data, manifest = nightly["data"], nightly["manifest"]
    published = {}
    for d in manifest["reports"]:
        published.setdefault(d["report_key"], set()).add(d["published"])
    truth = {}
    for key, days in published.items():
        organ, year = key.split("|")
        department = organ.endswith(("局", "委员会"))
        deadline = f"{int(year) + 1}-{'01-31' if department else '03-31'}"
        truth[key] = min(days) > deadline
    cov = rows(data, "SELECT organ, year, late, late_basis, published, published_source, "
                     "first_seen_date, deadline FROM coverage")
    assert {f"{c['organ']}|{c['year']}" for c in cov} == set(truth)
    for c in cov:
        key = f"{c['organ']}|{c['year']}"
        assert key in truth, c
        assert c["late_basis"] == "published" and c["published_source"] in (
            "page_meta", "page_published", "page_written", "list_date", "url"), c
        assert bool(c["late"]) == truth[key], c
        assert c["published"] == min(published[key]), c
    assert sum(truth.values()) == 7 == sum(bool(c["late"]) for c in cov)
    # The dates the lists print beside their links are recorded, each the report's own.
    listed = rows(data, "SELECT organ, year, date FROM publication_dates WHERE source = 'list_date'")
    assert listed and all(d["date"] in published[f"{d['organ']}|{d['year']}"] for d in listed)
    # Only the report added since the first crawl is news.
    report = sorted((data / "reports").glob("changes-*.md"))[1].read_text("utf-8")
    assert "逾期 / Late reports" in report and "盐池县审计局 2024年度: out 2025-" in report
    assert "late reports first seen tonight: 1" in nightly["second"].stdout


# Who and where every demo organ is: its tier and its 6-digit division code (a township's is
# its county's), and whether the portal's area was needed to tell a shared name apart.
ORGANS = {
    "盐池县人民政府": ("县", "640323", "organ"), "盐池县教育局": ("部门", "640323", "organ"),
    "盐池县财政局": ("部门", "640323", "organ"), "盐池县自然资源局": ("部门", "640323", "organ"),
    "盐池县农业农村局": ("部门", "640323", "organ"), "盐池县审计局": ("部门", "640323", "organ"),
    "花马池镇人民政府": ("乡镇", "640323", "organ"), "大水坑镇人民政府": ("乡镇", "640323", "organ"),
    "高沙窝镇人民政府": ("乡镇", "640323", "organ"),
    "濉溪县人民政府": ("县", "340621", "organ"), "濉溪县教育局": ("部门", "340621", "organ"),
    "濉溪县财政局": ("部门", "340621", "organ"), "濉溪县交通运输局": ("部门", "340621", "organ"),
    "刘桥镇人民政府": ("乡镇", "340621", "organ_in_portal"),
    "百善镇人民政府": ("乡镇", "340621", "organ_in_portal"),
    "韩村镇人民政府": ("乡镇", "340621", "organ_in_portal"),
    "相山区人民政府": ("县", "340603", "organ"), "相山区教育体育局": ("部门", "340603", "organ"),
    "相山区财政局": ("部门", "340603", "organ"),
    "渠沟镇人民政府": ("乡镇", "340603", "organ_in_portal"),
    "南黎街道办事处": ("乡镇", "340603", "organ"),
    "和平县人民政府": ("县", "441624", "organ"), "和平县教育局": ("部门", "441624", "organ"),
    "阳明镇人民政府": ("乡镇", "441624", "organ"),
    "永泰县人民政府": ("县", "350125", "organ"), "城峰镇人民政府": ("乡镇", "350125", "organ"),
    "麦积区人民政府": ("县", "620503", "organ"), "马跑泉镇人民政府": ("乡镇", "620503", "organ"),
    "麦积区教育局": ("部门", "620503", "organ"), "麦积区财政局": ("部门", "620503", "organ"),
    "麦积区卫生健康局": ("部门", "620503", "organ"),
}


def test_who_and_where_every_demo_organ_is(nightly):
    organs = {d["organ"] for d in nightly["manifest"]["reports"]}
    assert organs <= set(ORGANS), organs - set(ORGANS)
    got = {(r["organ"], r["tier"], r["division_code"], r["place_source"], bool(r["province"]),
            bool(r["county"])) for r in nightly["reports"]}
    assert got == {(o, *ORGANS[o], True, True) for o in organs | {"盐池县审计局"}}
    level = {r["organ"]: r["level"] for r in nightly["reports"]}
    assert level["花马池镇人民政府"] == "乡级" and level["盐池县教育局"] == "县级"


def test_implausible_numbers_flagged_never_changed(nightly):
    """A year's 本年新收申请 ten times above (or a tenth of) every other year of the same organ
    (the demo's generator prints some city-sized years): flagged on its page, the number left
    as the report printed it."""
    printed: dict[tuple, set] = {}
    for d in nightly["manifest"]["reports"]:
        cells = {(c["table"], c["row"], c["col"]): c["value"] for c in d["cells"]}
        if ("requests", "new", "total") in cells:
            printed.setdefault((d["organ"], d["year"]), set()).add(cells[("requests", "new", "total")])
    years: dict[str, dict[int, float]] = {}
    for r in rows(nightly["data"], "SELECT organ, year, requests_new FROM organ_year_totals "
                                   "WHERE requests_new IS NOT NULL"):
        assert r["requests_new"] in printed[(r["organ"], r["year"])], r     # never changed
        years.setdefault(r["organ"], {})[r["year"]] = r["requests_new"]
    expected = set()
    for organ, values in years.items():
        for year, v in values.items():
            others = [o for y, o in values.items() if y != year]
            if others and ((v >= 10 * max(max(others), 1) and v - max(others) >= 10) or
                           (min(others) >= 10 * max(v, 1) and min(others) - v >= 10)):
                expected.add((organ, year))
    flagged = rows(nightly["data"], "SELECT organ, year, direction FROM implausible_numbers "
                                    "WHERE number = 'requests_new'")
    assert expected and {(r["organ"], r["year"]) for r in flagged} == expected
    assert {r["direction"] for r in flagged} == {"high", "low"}
    # Kept organ by organ as reports came and changed over two nights: the same rows as the
    # rule computed over the whole archive now.
    from archive.implausible import COLUMNS
    from archive.views import implausible_sql

    cols = ", ".join(COLUMNS)
    kept = rows(nightly["data"], f"SELECT {cols} FROM implausible_numbers ORDER BY {cols}")
    assert kept == rows(nightly["data"], f"SELECT {cols} FROM ({implausible_sql()}) ORDER BY {cols}")


def test_kept_figures_as_computed_from_every_report(nightly):
    """requests_by_region, late_reports and missing_reports read what the archive kept as
    three nights added, revised and took down reports: the rows, columns and order computed
    from every report now, for every year and each year."""
    from archive.db import read_only
    from test_kept_figures import assert_kept

    with read_only(nightly["data"] / "archive.db") as db:
        counts = assert_kept(db)
    assert counts[("late_reports", "")] >= 7 and counts[("requests_by_region", "")] > 0
def test_the_counts_kept_over_the_nights_are_the_reports_own(nightly):
    """The counts the pages read (archive/tallies.py), kept as reports came, were revised and
    taken down over the nights: what counting the reports gives now."""
    from test_tallies import assert_kept

    from archive.tallies import FACETS

    now = assert_kept(nightly["data"] / "archive.db")
    statuses = {k[FACETS.index("status")] for k in now["facets"]}
    assert {"online", "removed"} <= statuses, statuses


def test_stalled_crawl_claims_nothing_it_did_not_see(nightly):
    """The third night, avalon's challenge is never passed: its crawl sees nothing, claims no
    report removed, says why; its reports stay online. Boda beside it: nothing changed."""
    third = nightly["third"]
    line = _summary(third, STALLED)
    assert "incomplete:" in line and "challenge" in line and "no removals or revisions claimed" in line
    assert "removed=0" in line and "revised=0" in line
    d = nightly["third_diff"]
    stalled = next(p for p in d["portals"] if p["portal"] == f"demo-{STALLED}")
    assert not stalled["complete"] and "challenge" in stalled["incomplete"]
    assert d["removed"] == [] and d["revised"] == [] and d["added"] == []
    online = [r for r in nightly["reports"] if r["portal"] == f"demo-{STALLED}"]
    assert {e["url"] for e in d["unconfirmed"]} == {r["url"] for r in online}
    assert all(e["not_claimed"] == "removed" for e in d["unconfirmed"])
    still = rows(nightly["data"], "SELECT DISTINCT status FROM reports WHERE portal = ?",
                 (f"demo-{STALLED}",))
    assert still == [{"status": "online"}]
    control = next(p for p in d["portals"] if p["portal"] == f"demo-{CONTROL}")
    assert control["complete"] and f"demo-{CONTROL} " in third.stdout
    assert "added=0 removed=0 revised=0" in _summary(third, CONTROL)
    # Nothing a watchdog would hear about: no new alert.
    assert len(nightly["posts"]) == nightly["posts_after_second"]


def test_text_and_markdown_say_the_same(nightly):
    d = nightly["diff"]
    text = nightly["out"]["text"]
    assert text.returncode == 1
    heads = [ln for ln in text.stdout.splitlines() if not ln.startswith("    ")]
    counts = {}
    for ln in heads:
        counts[ln.split()[0]] = counts.get(ln.split()[0], 0) + 1
    assert counts == {"#": len(SITES), "added": 1, "removed": 4, "revised": 2,
                      "chrome": len(d["chrome_only"])}, counts
    md = nightly["out"]["md"].stdout
    for rev in _changes(nightly, "revise"):
        table, row, col = rev["cell"]
        row_label, col_label = schema.label_of(table, row, col)
        assert f"    {row_label} · {col_label}: {rev['old']} → {rev['new']}" in text.stdout
        assert (f"| {schema.TABLE_LABELS[table]} | {row_label} | {col_label} | {rev['old']} | "
                f"{rev['new']} |") in md
    for reason in ("404", "410", "soft_deleted", "unlisted"):
        assert f"({reason}; archived copy /-/raw/" in text.stdout
    assert "### 消失 / Gone (1)" in md and "```diff" in md


def test_alerts_reach_the_webhook(nightly):
    posts = nightly["posts"]
    assert nightly["posts_after_first"] == 1 and nightly["posts_after_second"] == 2
    title = posts[1]["title"]
    assert "1 added" in title and "4 removed" in title and "2 revised" in title, title
    assert "1 late" in title
    assert "盐池县审计局" in posts[1]["message"]


@pytest_asyncio.fixture
async def ds(nightly):
    from archive.datasette_app import make_datasette

    d = make_datasette(nightly["data"])
    await d.invoke_startup()
    return d


@pytest.mark.asyncio
async def test_datasette_change_page_and_feed(ds, nightly):
    r = await ds.client.get("/archive/changes_revised.json?_shape=array&portal=demo-trs")
    assert r.status_code == 200
    [row] = r.json()
    page = await ds.client.get(f"/archive/changes/{row['change_id']}")
    assert page.status_code == 200
    rev = next(c for c in _changes(nightly, "revise") if c["site"] == "trs")
    html = page.text
    key = "/".join(rev["cell"])
    assert f'data-key="{key}" class="fail"' in html
    assert f'<td class="num old">{rev["old"]}</td><td class="num new">{rev["new"]}</td>' in html
    assert "/-/raw/" + rev["sha256"] in html            # links to both raw files
    row_label, col_label = schema.label_of(*rev["cell"])
    named = f"{row_label} · {col_label}: {rev['old']} → {rev['new']}"
    listing = await ds.client.get("/archive/changes_revised", params={"portal": "demo-trs"})
    assert named in listing.text and key not in listing.text   # cells named as the template does
    removed = await ds.client.get("/archive/changes_removed.json?_shape=array&portal=")
    assert {x["原因"] for x in removed.json()} == {"404", "410", "soft_deleted", "unlisted"}


@pytest.mark.asyncio
async def test_report_page_and_feed_agree_with_the_diff(ds, nightly):
    """Each report the diff names: its Datasette page shows its status; its feed entry links to
    the archived copy (not the portal's URL, which may be dead) and carries its status and
    headline numbers."""
    d = nightly["diff"]
    feed = (await ds.client.get("/archive/changes_feed.json?_shape=array")).json()
    atom = await ds.client.get("/archive/changes_feed.atom")
    assert atom.status_code == 200 and "<feed" in atom.text
    entries = {(e["kind"], e["url"]): e for e in feed}
    listed = {r["url"]: r for r in nightly["reports"]}
    for kind, word, items in (("removed", "removed", d["removed"]), ("revised", "revised", d["revised"]),
                              ("added", "online", d["added"])):
        for e in items:
            rep = listed[e["url"]]
            page = await ds.client.get(f"/archive/reports/{rep_id(nightly, e['url'])}")
            assert page.status_code == 200
            assert f'class="status-{rep["status"]}">{word}' in page.text
            entry = entries[(kind, e["url"])]
            assert entry["atom_link"] == f"/archive/reports/{rep_id(nightly, e['url'])}"
            assert entry["status"] == rep["status"]
            assert f"状态 status: {rep['status']}" in entry["atom_content"]
            assert "本年新收申请" in entry["atom_content"]
            assert e["url"] in atom.text or e["url"].replace("&", "&amp;") in atom.text
            for c in e.get("cells") or []:
                row_label, col_label = schema.label_of(c["table"], c["row"], c["col"])
                assert f"{row_label} · {col_label} " in entry["atom_content"]
            if kind == "removed":
                assert f"存档副本 archived copy: /-/raw/{e['old_sha256']}" in entry["atom_content"]
    assert "chrome" not in atom.text.lower().split("<entry>", 1)[1]
    odd = (await ds.client.get("/archive/implausible_numbers.json?_shape=array")).json()
    assert odd and {"机关", "年度", "数字", "数值", "各年度", "方向"} <= set(odd[0])
    page = await ds.client.get(f"/archive/reports/{odd[0]['report_id']}")
    assert "可疑数字 / implausible numbers" in page.text and odd[0]["数字"] in page.text
    late = (await ds.client.get("/archive/late_reports.json?_shape=array&year=")).json()
    assert len(late) == 7 and {r["日期来源"] for r in late} <= {"page_meta", "page_published",
                                                            "page_written", "list_date", "url"}


def rep_id(nightly, url):
    return rows(nightly["data"], "SELECT id FROM reports WHERE url = ?", (url,))[0]["id"]


def test_diff_exit_status_and_errors(nightly, tmp_path):
    env = {**os.environ, "XXGK_DATA": str(nightly["data"])}
    trs = nightly["crawls"]["trs"]
    same = xxgk("diff", trs[1], trs[1], env=env)
    assert same.returncode == 0 and "no changes" in same.stdout
    mixed = xxgk("diff", trs[0], nightly["crawls"]["hanweb"][1], env=env)
    assert mixed.returncode == 2 and "different portals" in mixed.stderr
    unknown = xxgk("diff", "nope", trs[1], env=env)
    assert unknown.returncode == 2 and "no crawl 'nope'" in unknown.stderr
    empty = xxgk("diff", env={**os.environ, "XXGK_DATA": str(tmp_path / "none")})
    assert empty.returncode == 2


# -- the comparison over a small archive written by hand (no crawler, no server) ------------------

PAGE = """<html><body><p>首页 > 政府信息公开 > 年报</p><p>浏览次数：{views}</p>
<h1>某镇人民政府2023年政府信息公开工作年度报告</h1><p>一、总体情况</p>
<p>2023年，我镇收到申请2件。</p><p>六、其他需要报告的事项</p><p>无。</p></body></html>"""


def _crawl(arc, portal, fetches):
    """One finished crawl of ``portal``: ``fetches`` is a list of FetchRecord keyword dicts."""
    from archive.fetches import FetchRecord

    crawl = arc.begin_crawl(portal, "by-hand")
    for f in fetches:
        arc.record_fetch(FetchRecord(crawl, portal, role=f.pop("role", "report"), **f))
    arc.end_crawl(crawl)
    return crawl


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory):
    """Two crawls of one portal: a report revised (one cell), one taken down (404), one moved
    to a new URL, one page whose frame only changed, one new, and a list that now fails."""
    from archive_fixtures import seed_variant

    from archive.changes import diff_crawls
    from archive.store import Archive

    u = "http://www.example.gov.cn/"
    a_old = seed_variant(0)
    a_new = a_old.decode().replace("规章\t0\t0\t0", "规章\t3\t0\t3").encode()
    assert a_new != a_old
    arc = Archive(tmp_path_factory.mktemp("by-hand"))
    old = _crawl(arc, "p", [
        dict(url=u + "a.txt", status=200, body=a_old),
        dict(url=u + "b.txt", status=200, body=seed_variant(1)),
        dict(url=u + "c.txt", status=200, body=seed_variant(2)),
        dict(url=u + "e.html", status=200, body=PAGE.format(views=10).encode()),
        dict(url=u + "list.html", status=200, body=b"<html>list</html>", role="listing")])
    new = _crawl(arc, "p", [
        dict(url=u + "a.txt", status=200, body=a_new),
        dict(url=u + "b.txt", status=404, body=b"not found"),
        dict(url=u + "c2.txt", status=200, body=seed_variant(2)),
        dict(url=u + "e.html", status=200, body=PAGE.format(views=11).encode()),
        dict(url=u + "d.txt", status=200, body=seed_variant(3)),
        dict(url=u + "list.html", error="TimeoutError: took longer than 180 s", role="listing")])
    [diff] = diff_crawls(arc)
    rows = list(arc.db.query("SELECT * FROM changes ORDER BY id"))
    again = diff_crawls(arc)
    rows_again = list(arc.db.query("SELECT * FROM changes ORDER BY id"))
    yield {"arc": arc, "diff": diff, "old": old, "new": new, "u": u, "rows": rows,
           "rows_again": rows_again, "again": again}
    arc.close()


def test_by_hand_every_kind_found(by_hand):
    d, u = by_hand["diff"], by_hand["u"]
    assert (d.portal, d.old_crawl, d.new_crawl) == ("p", by_hand["old"], by_hand["new"])
    assert [e["url"] for e in d.added] == [u + "d.txt"]
    assert [(e["url"], e["reason"]) for e in d.removed] == [(u + "b.txt", "404")]
    assert [(e["old_url"], e["url"]) for e in d.moved] == [(u + "c.txt", u + "c2.txt")]
    [rev] = d.revised
    assert rev["document_url"] == u + "a.txt"
    assert rev["cells"] == [
        {"table": "active", "row": "regulation", "col": "in_force", "old": 0, "new": 3},
        {"table": "active", "row": "regulation", "col": "issued", "old": 0, "new": 3}]
    assert [e["document_url"] for e in d.chrome_only] == [u + "e.html"]
    assert [(e["url"], e["reason"]) for e in d.errors] == [
        (u + "list.html", "TimeoutError: took longer than 180 s")]
    assert d.has_news()


def test_by_hand_stored_once_per_crawl_pair(by_hand):
    rows, d = by_hand["rows"], by_hand["diff"]
    assert sorted(r["kind"] for r in rows) == sorted(
        ["added", "removed", "moved", "revised", "chrome_only", "error"])
    assert len(by_hand["rows_again"]) == len(rows)          # replaced, not added again
    [rev] = [r for r in rows if r["kind"] == "revised"]
    assert rev["n_cells"] == 2 and json.loads(rev["cells"]) == d.revised[0]["cells"]
    assert by_hand["again"][0].to_dict() == d.to_dict()


def test_by_hand_read_api_sees_the_pages(by_hand):
    """The Datasette change page reads both documents' cells through the read API."""
    from archive import queries

    arc = by_hand["arc"]
    rev = next(r for r in by_hand["rows"] if r["kind"] == "revised")
    page = arc.read(queries.change_page, rev["id"])
    old, new = ({(c["table"], c["row"], c["col"]): c["value"] for c in side}
                for side in page["sides"])
    key = ("active", "regulation", "issued")
    assert old[key] == 0 and new[key] == 3
    assert arc.read(queries.change_page, 10 ** 6) is None


def test_render_text_markdown_json_agree(by_hand):
    from archive.changes import as_json, render_markdown, render_text

    d, u = by_hand["diff"], by_hand["u"]
    text = render_text([d])
    assert text.splitlines()[0] == f"# p: {d.old_crawl} -> {d.new_crawl}"
    heads = [ln.split()[0] for ln in text.splitlines()[1:] if not ln.startswith("    ")]
    assert heads == ["added", "removed", "moved", "revised", "chrome", "error"]
    assert "    规章 · 本年制发件数: 0 → 3" in text and "active/regulation" not in text
    md = render_markdown([d])
    for heading in ("### 新增 / New reports (1)", "### 消失 / Gone (1)",
                    "### 换了地址 / Re-published under a new URL (1)",
                    "### 原址修改 / Revised in place (1)", "### 仅页面框架变化 / Page frame only (1)",
                    "### 新的抓取错误 / New crawl errors (1)"):
        assert heading in md
    assert f"<{u}c.txt> → <{u}c2.txt>" in md and "| 主动公开政府信息情况 | 规章 | 本年制发件数 | 0 | 3 |" in md
    gone = d.removed[0]["old_sha256"]
    assert f"[存档副本 / archived copy](/-/raw/{gone})" in md
    assert f"archived copy http://archive.example/-/raw/{gone}" in render_text(
        [d], site="http://archive.example/")
    assert as_json([d])["removed"][0]["reason"] == "404"
    both = as_json([d, d])
    assert [p["portal"] for p in both["portals"]] == ["p", "p"] and len(both["added"]) == 2


def test_render_nothing_changed():
    from archive.changes import Diff, render_markdown, render_text

    d = Diff("p", "p-1", "p-2")
    assert not d.has_news()
    assert render_text([d]) == "# p: p-1 -> p-2\nno changes\n"
    assert "No changes." in render_markdown([d])


def test_kinds_defined_once():
    """Every kind of change is a Diff list, rendered, stored and given a Datasette page."""
    import dataclasses

    from archive.canned_queries import CANNED_QUERIES
    from archive.changes import KINDS, Diff
    from archive.changes.render import ORDER

    names = [k.name for k in KINDS]
    assert [f.name for f in dataclasses.fields(Diff)][3:3 + len(names)] == names
    assert sorted(ORDER) == sorted(names)
    for k in KINDS:
        page = CANNED_QUERIES[f"changes_{k.row}"]
        assert page["title"] == k.page_title and f"kind = '{k.row}'" in page["sql"]
    feed = CANNED_QUERIES["changes_feed"]["sql"]
    assert all((f"'{k.row}'" in feed) == k.news for k in KINDS)
