"""What changed between two nightly runs, end to end: ``xxgk nightly`` crawls three demo portals
(real Scrapy, real SQLite), the demo portal changes (a new report, a report taken down (404),
one soft-deleted, an attachment revised with one changed cell, every page's frame changed),
``xxgk nightly`` runs again; then the diff in every format, the changes table, the alerts sent
to a local webhook, the late-report rule and the Datasette pages are checked against what the
demo portal says it changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import pytest_asyncio

from crawl_fixtures import FAST, ROOT, demo_cache_dir, rows

SITES = ["trs", "hanweb", "lonsun"]


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
    cmd = ["nightly", "--config", str(config)]
    for s in SITES:
        cmd += ["--portal", f"demo-{s}"]
    for k, v in FAST.items():
        cmd += ["-s", f"{k}={v}"]
    try:
        first = xxgk(*cmd, env=env)
        posts_after_first = len(webhook.posts)
        changes = site.next_generation()
        second = xxgk(*cmd, env=env)
        outputs = {fmt: xxgk("diff", "--format", fmt, env=env) for fmt in ("json", "text", "md")}
    finally:
        server.stop()
    crawls = {s: [c["id"] for c in rows(data, "SELECT id FROM crawls WHERE portal = ? ORDER BY "
                                              "started_at", (f"demo-{s}",))] for s in SITES}
    return {"data": data, "base": base, "first": first, "second": second, "changes": changes,
            "out": outputs, "diff": json.loads(outputs["json"].stdout), "crawls": crawls,
            "posts": webhook.posts, "posts_after_first": posts_after_first}


def _change(nightly, kind):
    return next(c for c in nightly["changes"] if c["change"] == kind)


def _url(nightly, path):
    return nightly["base"] + path


def test_nightly_runs_exit_with_changes(nightly):
    for run in (nightly["first"], nightly["second"]):
        assert run.returncode == 1, run.stderr[-3000:]       # 1: crawled fine, something changed
        for s in SITES:
            line = next(ln for ln in run.stdout.splitlines() if ln.startswith(f"demo-{s} "))
            assert " ok " in line, line
        assert "change report:" in run.stdout
    assert all(len(c) == 2 for c in nightly["crawls"].values()), nightly["crawls"]
    # plain, greppable log lines per portal
    assert "portal=demo-hanweb crawl ok" in nightly["second"].stderr


def test_diff_lists_exactly_what_changed(nightly):
    d = nightly["diff"]
    add = _change(nightly, "add")
    assert [(e["url"], e["organ"], e["year"]) for e in d["added"]] == [
        (_url(nightly, add["page_url"]), "盐池县审计局", 2024)]
    gone = {e["url"]: e["reason"] for e in d["removed"]}
    assert gone == {_url(nightly, _change(nightly, "remove")["page_url"]): "404",
                    _url(nightly, _change(nightly, "soft_delete")["page_url"]): "soft_deleted"}
    rev = _change(nightly, "revise")
    assert len(d["revised"]) == 1, d["revised"]
    entry = d["revised"][0]
    assert entry["document_url"] == _url(nightly, rev["urls"][0])
    table, row, col = rev["cell"]
    assert entry["cells"] == [{"table": table, "row": row, "col": col, "old": rev["old"],
                               "new": rev["new"]}]
    assert entry["new_sha256"] == rev["sha256"]
    assert "-" in entry["text_diff"] and "+" in entry["text_diff"]
    assert d["moved"] == [] and d["errors"] == []


def test_chrome_only_changes_told_apart(nightly):
    d = nightly["diff"]
    chrome = d["chrome_only"]
    assert len(chrome) >= 20, len(chrome)   # every report page's frame changed
    formats = {r["id"]: r["format"] for r in rows(nightly["data"], "SELECT id, format FROM documents")}
    content = {e["document_url"] for e in d["revised"]} | {e["url"] for e in d["added"]} | \
        {e["url"] for e in d["removed"]}
    for e in chrome:
        assert formats[e["new_document_id"]] == "html", e
        assert e["document_url"] not in content
        assert e["old_sha256"] != e["new_sha256"]


def test_changes_table_matches_the_diff(nightly):
    data, d = nightly["data"], nightly["diff"]
    got = rows(data, "SELECT * FROM changes WHERE old_crawl IS NOT NULL")
    kinds = {"added": "added", "removed": "removed", "revised": "revised",
             "chrome_only": "chrome_only", "moved": "moved", "errors": "error"}
    for key, kind in kinds.items():
        assert sorted(r["url"] for r in got if r["kind"] == kind) == sorted(e["url"] for e in d[key])
    pairs = {s: tuple(c) for s, c in nightly["crawls"].items()}
    for r in got:
        portal = r["portal"].removeprefix("demo-")
        assert (r["old_crawl"], r["new_crawl"]) == pairs[portal], r
    for r in got:
        if r["kind"] == "removed":                     # the last copy is kept, and readable
            blob = rows(data, "SELECT blob FROM documents WHERE sha256 = ?", (r["old_sha256"],))
            assert (data / blob[0]["blob"]).is_file()
        if r["kind"] == "revised":
            assert r["old_document_id"] and r["new_document_id"] and r["n_cells"] == 1
            assert json.loads(r["cells"])[0]["new"] == _change(nightly, "revise")["new"]
    # Running the diff again changes nothing: the same rows, not twice as many.
    again = xxgk("diff", "--format", "json", env={**os.environ, "XXGK_DATA": str(data)})
    assert again.returncode == 1
    assert len(rows(data, "SELECT id FROM changes WHERE old_crawl IS NOT NULL")) == len(got)


def test_text_and_markdown_say_the_same(nightly):
    d = nightly["diff"]
    text = nightly["out"]["text"]
    assert text.returncode == 1
    heads = [ln for ln in text.stdout.splitlines() if not ln.startswith("    ")]
    counts = {}
    for ln in heads:
        counts[ln.split()[0]] = counts.get(ln.split()[0], 0) + 1
    assert counts == {"#": 3, "added": 1, "removed": 2, "revised": 1,
                      "chrome": len(d["chrome_only"])}, counts
    rev = _change(nightly, "revise")
    cell = "/".join(rev["cell"])
    assert f"    {cell}: {rev['old']} → {rev['new']}" in text.stdout
    assert "(404; last copy sha256:" in text.stdout and "(soft_deleted; last copy" in text.stdout
    md = nightly["out"]["md"].stdout
    assert "| " + " | ".join(rev["cell"]) + f" | {rev['old']} | {rev['new']} |" in md
    assert "### 消失 / Gone (1)" in md and "```diff" in md


def test_alerts_reach_the_webhook(nightly):
    posts = nightly["posts"]
    assert nightly["posts_after_first"] == 1 and len(posts) == 2
    title = posts[1]["title"]
    assert "1 added" in title and "2 removed" in title and "1 revised" in title, title
    assert "盐池县审计局" in posts[1]["message"]


def test_late_report_is_flagged(nightly):
    """盐池县审计局 (a department: deadline 31 January) published its 2024 report in March."""
    data = nightly["data"]
    late = rows(data, "SELECT organ, year, deadline, late, days_late FROM coverage WHERE organ = ?",
                ("盐池县审计局",))
    assert late and late[0]["deadline"] == "2025-01-31" and late[0]["late"] == 1
    assert late[0]["days_late"] > 0
    assert "late" in nightly["posts"][1]["title"]
    report = sorted((data / "reports").glob("changes-*.md"))[-1].read_text("utf-8")
    assert "逾期 / Late reports" in report and "盐池县审计局" in report


@pytest_asyncio.fixture
async def ds(nightly):
    from archive.datasette_app import make_datasette

    d = make_datasette(nightly["data"])
    await d.invoke_startup()
    return d


@pytest.mark.asyncio
async def test_datasette_change_page_and_feed(ds, nightly):
    r = await ds.client.get("/archive/changes_revised.json?_shape=array&portal=")
    assert r.status_code == 200
    [row] = r.json()
    page = await ds.client.get(f"/archive/changes/{row['change_id']}")
    assert page.status_code == 200
    rev = _change(nightly, "revise")
    html = page.text
    key = "/".join(rev["cell"])
    assert f'data-key="{key}" class="fail"' in html
    assert f'<td class="num old">{rev["old"]}</td><td class="num new">{rev["new"]}</td>' in html
    assert "/-/raw/" + rev["sha256"] in html            # links to both raw files
    removed = await ds.client.get("/archive/changes_removed.json?_shape=array&portal=")
    assert {x["原因"] for x in removed.json()} == {"404", "soft_deleted"}
    feed = await ds.client.get("/archive/changes_feed.atom")
    assert feed.status_code == 200 and "<feed" in feed.text
    assert feed.text.count("<entry>") >= 4 and "盐池县审计局" in feed.text
    assert "chrome" not in feed.text.lower().split("<entry>", 1)[1]


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
    assert "    active/regulation/issued: 0 → 3" in text
    md = render_markdown([d])
    for heading in ("### 新增 / New reports (1)", "### 消失 / Gone (1)",
                    "### 换了地址 / Re-published under a new URL (1)",
                    "### 原址修改 / Revised in place (1)", "### 仅页面框架变化 / Page frame only (1)",
                    "### 新的抓取错误 / New crawl errors (1)"):
        assert heading in md
    assert f"<{u}c.txt> → <{u}c2.txt>" in md and "| active | regulation | issued | 0 | 3 |" in md
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
