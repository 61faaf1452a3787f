"""The bundled demo portal (crawler/demo): served on a free local port, fetched as a real client.

The report files are built once (LibreOffice, a minute or two) into ``data/demo-site`` (or
``$XXGK_DEMO_DIR``) and reused by later runs.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import os
import re
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.demo.server import serve
from crawler.demo.site import TS_COOKIE_S, TS_COOKIE_T, Behaviour, DemoSite

CACHE = Path(os.environ.get("XXGK_DEMO_DIR") or Path(__file__).resolve().parents[1] / "data" / "demo-site")

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice builds the demo's files")


# --- a plain HTTP client ---------------------------------------------------------------------------

class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def set_cookies(self) -> dict:
        out = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                out[name] = rest.split(";", 1)[0]
        return out

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(base, path, method="GET", data=None, headers=None, cookies=None, timeout=20) -> Resp:
    host, port = urlsplit(base).hostname, urlsplit(base).port
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    hdrs = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) xxgk-test"}
    hdrs.update(headers or {})
    if cookies:
        hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if data is not None:
        body = data.encode() if isinstance(data, str) else data
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        return Resp(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def fetch_ok(base, path, tries=3, **kw) -> Resp:
    """Retry transient 503s, as a polite crawler does."""
    for _ in range(tries):
        r = fetch(base, path, **kw)
        if r.status != 503:
            return r
    return r


def solve_jsl(body: str) -> str:
    """The __jsl_clearance value the 521 page's script computes."""
    script = re.search(r"document\.cookie=(.*?)\+\(';max-age", body).group(1)
    out = []
    for s, a, b in re.findall(r"\('([^']*)'\)|\(\((\d+)\)\*2\+\((\d+)\)\)", script):
        out.append(s if not a else str(int(a) * 2 + int(b)))
    return "".join(out).split("=", 1)[1]


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    return DemoSite(CACHE, seed=2024)


@pytest.fixture(scope="module")
def server(site):
    srv, port = serve(site=site)
    yield f"http://127.0.0.1:{port}"
    srv.stop()


@pytest.fixture(scope="module")
def manifest(site):
    return site.manifest()


def by_id(manifest, ident):
    return next(r for r in manifest["reports"] if r["id"] == ident)


def gk_cookies(base) -> dict:
    r = fetch(base, "/gkmlpt/index")
    assert r.status == 521
    cookies = r.set_cookies()
    cookies["__jsl_clearance"] = solve_jsl(r.text)
    return cookies


def ts_cookies(base) -> dict:
    r = fetch(base, "/avalon/index.html")
    assert r.status == 412
    s = r.set_cookies()[TS_COOKIE_S]
    nonce = re.search(r'content="([0-9a-f]{20})"', r.text).group(1)
    return {TS_COOKIE_S: s, TS_COOKIE_T: DemoSite.ts_answer(nonce)}


# --- the ground truth ---------------------------------------------------------------------------

def test_manifest_has_fifty_reports_in_every_format(manifest):
    reports = manifest["reports"]
    logical = {(r["site"], r["report_key"]) for r in reports}
    assert len(logical) >= 50 and len(reports) >= 50
    formats = {r["format"] for r in reports}
    assert {"html", "pdf", "doc", "docx", "wps", "xls", "xlsx"} <= formats
    assert any(r["scanned"] for r in reports)
    assert {r["site"] for r in reports} == {"trs", "hanweb", "lonsun", "gkmlpt", "avalon", "boda", "ucap",
                                            "public", "hebei", "nmg"}
    for r in reports:
        assert r["url"].startswith("/" + r["site"] + "/")
        assert r["organ"] and 2019 <= r["year"] <= 2024 and r["template"] in ("2019", "2021")
        assert len(r["cells"]) > 40, r["id"]
        assert r["status"] == "live"
    assert {r["variant"] for r in reports} >= {"文字版", "图片版", "下载Word", "下载PDF"}
    assert {d["kind"] for d in manifest["distractors"]} >= {
        "interpretation", "notice", "points", "guide", "news", "soft_deleted", "offsite"}
    aliases = [a for r in reports for a in r["aliases"]]
    assert any(a.endswith("?isMobile=true") for a in aliases)
    assert any("/lonsun/wap/" in a for a in aliases) and any("/public/content/" in a for a in aliases)
    assert any("downfile.jsp" in a for a in aliases)
    assert "/trs/calendar/" in manifest["robots_disallowed"]


def test_every_report_is_served_as_the_manifest_says(server, manifest):
    gk, ts = gk_cookies(server), ts_cookies(server)
    for r in manifest["reports"]:
        cookies = gk if r["site"] == "gkmlpt" else ts if r["site"] in ("avalon", "ucap") else None
        headers = {"Referer": server + r["page_url"]} if r["site"] == "boda" else None
        resp = fetch_ok(server, r["url"], cookies=cookies, headers=headers)
        assert resp.status == 200, r["url"]
        if r["format"] == "html":
            assert r["organ_printed"] in resp.body.decode(r["encoding"]), r["url"]
        else:
            assert hashlib.sha256(resp.body).hexdigest() == r["sha256"], r["url"]
        if r["page_url"] and r["page_url"] != r["url"]:
            assert fetch_ok(server, r["page_url"], cookies=cookies).status == 200


# --- TRS ---------------------------------------------------------------------------------------

def test_trs_pages_only_through_javascript(server):
    r = fetch(server, "/trs/zfxxgk/zfxxgknb/index.html")
    assert r.status == 200
    assert "var countPage = 3;" in r.text and 'createPageHTML(3, 0, "index", "html");' in r.text
    assert not re.search(r"<a[^>]+index_1\.html", r.text) and "index_1" not in r.text
    assert fetch_ok(server, "/trs/zfxxgk/zfxxgknb/index_1.html").status == 200
    assert fetch(server, "/trs/zfxxgk/zfxxgknb/index_3.html").status == 404
    # sub-columns of years and towns under the column
    assert './2024n/index.html' in r.text and './xzjd/index.html' in r.text
    assert "./hmcz/" in fetch(server, "/trs/zfxxgk/zfxxgknb/xzjd/index.html").text


def test_trs_detail_and_pdf_only_page(server, manifest):
    doc = by_id(manifest, "trs-01")
    r = fetch(server, doc["url"])
    assert '<meta name="ArticleTitle"' in r.text and '<meta name="PubDate"' in r.text
    assert '<meta name="ContentSource"' in r.text and 'class="TRS_Editor"' in r.text
    assert "<table" in r.text and "rowspan" in r.text
    assert fetch(server, doc["url"] + "?isMobile=true").body == r.body
    pdf = next(d for d in manifest["reports"] if d["site"] == "trs" and d["page_url"]
               and "qzbFile" in fetch(server, d["page_url"]).text)
    page = fetch(server, pdf["page_url"]).text
    name = pdf["url"].rsplit("/", 1)[1]
    assert f'href="./{name}"' not in page and f"viewer.html?file={pdf['url']}" in page
    direct = [d for d in manifest["reports"] if d["site"] == "trs" and d["page_url"] is None]
    assert {d["format"] for d in direct} >= {"pdf", "doc"}
    assert all(re.search(r"/\d{6}/P0\d{20}\.\w+$", d["url"]) for d in direct)


def test_gbk_pages(server, manifest):
    doc = next(d for d in manifest["reports"] if d["encoding"] == "gb18030")
    r = fetch(server, doc["url"])
    assert b'charset=gb2312' in r.body[:400]
    with pytest.raises(UnicodeDecodeError):
        r.body.decode("utf-8")
    text = r.body.decode("gb18030")
    assert doc["organ_printed"] in text and "政府信息公开工作年度报告" in text
    assert "charset" not in (r.header("Content-Type") or "")


def test_soft_delete_offsite_and_traps(server, manifest):
    soft = next(d for d in manifest["distractors"] if d["kind"] == "soft_deleted")
    r = fetch(server, soft["url"])
    assert r.status == 200 and 'http-equiv="refresh"' in r.text and "url=../" in r.text
    home = fetch(server, "/trs/index.html").text
    assert "ipv6best.cn" in home and "http://www.gov.cn/" in home
    cal = fetch(server, "/trs/calendar/1970-01.html")
    assert cal.status == 200 and "1969-12.html" in cal.text and "1970-02.html" in cal.text
    robots = fetch(server, "/robots.txt").text
    assert "Disallow: /trs/calendar/" in robots and "Allow: /" in robots
    hw = fetch(server, "/hanweb/module/calendar/cal.jsp?y=1900&m=1")
    assert hw.status == 200 and "cal.jsp?y=1899&m=12" in hw.text


# --- Hanweb ------------------------------------------------------------------------------------

def test_hanweb_datastore_and_post_paging(server, manifest):
    page = fetch(server, "/hanweb/col/col1234/index.html").text
    store = re.search(r'<script type="text/xml">(.*?)</script>', page, re.S).group(1)
    total = int(re.search(r"<totalrecord>(\d+)</totalrecord>", store).group(1))
    first = re.findall(r'<record><!\[CDATA\[\s*<li><a href="([^"]+)"', store)
    assert 0 < len(first) < total
    assert "dataproxy.jsp" in re.search(r"<nextgroup>(.*?)</nextgroup>", store, re.S).group(1)
    assert fetch(server, "/hanweb/col/col1234/index_1.html").status == 404
    form = ("col=1&appid=1&webid=3095&path=%2F&columnid=1234&sourceContentType=1&unitid=5678"
            "&webname=%E6%BF%89%E6%BA%AA%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0")
    proxy = f"/hanweb/module/web/jpage/dataproxy.jsp?startrecord={len(first) + 1}&endrecord={total}&perpage=5"
    assert fetch(server, proxy).status == 405
    r = fetch(server, proxy, "POST", form)
    assert r.status == 200 and "<recordset>" in r.text
    rest = re.findall(r'<record><!\[CDATA\[\s*<li><a href="([^"]+)"', r.text)
    assert len(first) + len(rest) == total and not set(first) & set(rest)
    hanweb = {d["page_url"] for d in manifest["reports"] if d["site"] == "hanweb"}
    assert hanweb <= set(first) | set(rest) and hanweb & set(rest)
    assert all(re.match(r"^/hanweb/art/\d{4}/\d{1,2}/\d{1,2}/art_1234_\d+\.html$", u) for u in hanweb)


def test_hanweb_download_redirects(server, manifest):
    doc = next(d for d in manifest["reports"] if d["site"] == "hanweb" and d["format"] == "xlsx")
    page = html.unescape(fetch(server, doc["page_url"]).text)
    assert "索 引 号" in page and "发布机构" in page and 'id="zoom"' in page
    link = re.search(r'href="(/hanweb/module/download/downfile\.jsp\?classid=0&filename=[0-9a-f]{32}\.xlsx)"',
                     page).group(1)
    r = fetch(server, link)
    assert r.status == 302 and r.header("Location") == doc["url"]
    assert re.match(r"^/hanweb/attach/0/[0-9a-f]{32}\.xlsx$", doc["url"])
    assert hashlib.sha256(fetch(server, doc["url"]).body).hexdigest() == doc["sha256"]


# --- Lonsun ------------------------------------------------------------------------------------

def test_lonsun_directory_lists_and_twins(server, manifest):
    d = fetch(server, "/lonsun/zwgk/index.html").text
    assert d.count("<h2>") == 3 and "?type=3&action=list" in d and "?type=2" in d and "?type=5" in d
    seed = fetch(server, "/lonsun/zwgk/public/column/33?type=2&activeId=333")
    assert seed.status == 200 and "政府信息公开指南" in seed.text
    p1 = fetch(server, "/lonsun/zwgk/public/column/33?type=3&action=list").text
    assert 'class="doc_list' in p1 and 'class="left"' in p1 and 'class="right date"' in p1
    assert "Ls.pagination(\"#page_public_info\"" in p1 and "pageCount: 3" in p1
    assert "pageIndex=2" not in p1
    p2 = fetch(server, "/lonsun/zwgk/public/column/33?type=3&action=list&pageIndex=2").text
    links = lambda t: re.findall(r'<a href="([^"]+)"[^>]*class="left"', t)  # noqa: E731
    assert links(p1) and links(p2) and not set(links(p1)) & set(links(p2))
    again = fetch(server, "/lonsun/zwgk/public/column/33?type=3&action=list&activeId=999").text
    assert links(again) == links(p1)
    doc = next(r for r in manifest["reports"] if r["site"] == "lonsun" and r["format"] == "html")
    static = fetch(server, doc["url"]).text
    assert 'class="wzcon' in static
    body = lambda t: re.search(r'<div class="wzcon[^"]*">(.*?)</div>', t, re.S).group(1)  # noqa: E731
    for alias in doc["aliases"]:
        assert body(fetch(server, alias).text) == body(static)
    frag = fetch(server, "/lonsun/site/label/8888?labelName=publicInfoList&siteId=6788&organId=33&type=4"
                         "&pageIndex=1&pageSize=20").text
    assert 'class="xxgk_navli"' in frag and doc["url"] in frag


# --- gkmlpt, avalon: JSON and challenges -------------------------------------------------------

def test_gkmlpt_needs_the_jsl_cookie_and_lists_by_json(server, manifest):
    r = fetch(server, "/gkmlpt/index")
    assert r.status == 521 and "document.cookie=" in r.text and "__jsluid_h" in r.set_cookies()
    cookies = gk_cookies(server)
    shell = fetch(server, "/gkmlpt/index", cookies=cookies)
    assert shell.status == 200 and "SID: '755001'" in shell.text
    assert fetch(server, "/gkmlpt/api/all/2541?page=1&sid=1", cookies=cookies).status == 400
    urls, page = [], 1
    while True:
        data = json.loads(fetch(server, f"/gkmlpt/api/all/2541?page={page}&sid=755001", cookies=cookies).text)
        if not data["articles"]:
            break
        assert set(data["articles"][0]) >= {"title", "url", "created_at"}
        urls += [urlsplit(a["url"]).path for a in data["articles"]]
        page += 1
    assert len(urls) == data["total"] and page > 2
    assert {d["page_url"] for d in manifest["reports"] if d["site"] == "gkmlpt"} <= set(urls)


def test_avalon_412_challenge_and_computed_endpoint(server, manifest):
    r = fetch(server, "/avalon/zfxxgk/zfxxgknb/index.html")
    assert r.status == 412 and "$_ts" in r.text and "document.cookie" in r.text
    only_s = {TS_COOKIE_S: r.set_cookies()[TS_COOKIE_S]}
    assert fetch(server, "/avalon/zfxxgk/zfxxgknb/index.html", cookies=only_s).status == 412
    cookies = ts_cookies(server)
    page = fetch(server, "/avalon/zfxxgk/zfxxgknb/index.html", cookies=cookies)
    assert page.status == 200
    assert not re.search(r'href="[^"]*t\d{8}_\d+\.htm"', page.text)       # no list in the page
    assert "fjdzapp" not in page.text and "search_" not in page.text
    bad = fetch(server, "/avalon/fjdzapp/search_350125", "POST", "channelid=200210&page=1&_t=0", cookies=cookies)
    assert bad.status == 403


def test_avalon_list_is_built_by_a_browser(server, manifest):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(server + "/avalon/zfxxgk/zfxxgknb/index.html")
            page.wait_for_selector("#list li a", timeout=15000)
            hrefs = {a.get_attribute("href") for a in page.query_selector_all("#list li a")}
            page.goto(server + "/trs/zfxxgk/zfxxgknb/index.html")
            pager = [a.get_attribute("href") for a in page.query_selector_all(".pagination a")]
        finally:
            browser.close()
    pages = {d["page_url"] for d in manifest["reports"] if d["site"] == "avalon"}
    assert hrefs & pages
    assert "index_1.html" in pager


# --- UCAP, the query-addressed platform, Hebei, Inner Mongolia -------------------------------------

def test_ucap_list_is_json_by_channel_behind_the_412(server, manifest):
    from crawler.demo.sites.ucap import CHANNEL, LIST

    assert fetch(server, LIST).status == 412
    cookies = ts_cookies(server)
    page = fetch(server, LIST, cookies=cookies).text
    assert f'<meta name="channelid" content="{CHANNEL}">' in page and "/202" not in page   # no list in the page
    urls, files, n = [], [], 1
    while True:
        data = json.loads(fetch(server, f"/ucap/common/search/{CHANNEL}?_isJson=true&_pageSize=50&page={n}",
                                cookies=cookies).text)["data"]
        if not data["results"]:
            break
        assert len(data["results"]) <= 5          # five a page whatever _pageSize says
        urls += [urlsplit(r["url"]).path for r in data["results"]]
        files += [f["filePath"] for r in data["results"] for f in r["resList"]]
        n += 1
    assert len(urls) == data["total"] and n > 2
    mine = [d for d in manifest["reports"] if d["site"] == "ucap"]
    assert {d["page_url"] for d in mine} <= set(urls)
    assert {d["url"] for d in mine if d["format"] != "html"} <= set(files)
    other = json.loads(fetch(server, "/ucap/common/search/" + "0" * 32 + "?page=1", cookies=cookies).text)
    assert other["data"]["results"] == []


def test_public_pages_are_told_apart_by_their_query(server, manifest):
    organ = fetch(server, "/public/?d=10").text
    assert "?a=info&amp;k=nb&amp;d=10" in organ
    one = fetch(server, "/public/?a=info&k=nb&d=10").text
    other = fetch(server, "/public/?a=info&k=nb&d=1001").text
    assert one != other and "郑州市金水区人民政府" in one and "金水区教育局" in other
    assert fetch(server, "/public/?k=nb&a=info&d=10").text == one          # the query in another order
    assert "_t=" in one and "page=2" in one                                   # pager links with a time stamp
    directory = fetch(server, "/public/?a=dept&d=10").text
    assert "金水区教育局" in directory and "金水区丰产路街道办事处" in directory
    assert all(d["page_url"].endswith(".jhtml") for d in manifest["reports"] if d["site"] == "public")


def test_hebei_list_is_a_block_loaded_by_page(server, manifest):
    from crawler.demo.sites.hebei import BLOCK_PATH, COL

    shell = fetch(server, COL + "index.html").text
    assert BLOCK_PATH in shell and "xxgk_gfxwjk-list-li" not in shell
    first = fetch(server, BLOCK_PATH + "?page=1&fix=0").text
    second = fetch(server, BLOCK_PATH + "?page=2&fix=0").text
    assert "共2页" in first and first != second and "javascript:loadBlock(2)" in first
    listed = set(re.findall(r'href="([^"]+\.html)"', first + second))
    assert {d["page_url"] for d in manifest["reports"] if d["site"] == "hebei"} <= listed


def test_nmg_columns_named_only_in_data_url(server, manifest):
    page = fetch(server, "/nmg/zfxxgk/fdzdgknr/?gk=3&cid=8225").text
    assert 'data-url="./zfxxgknb/"' in page and 'href="./zfxxgknb/' not in page
    first = fetch(server, "/nmg/zfxxgk/fdzdgknr/zfxxgknb/index.html").text
    assert "createPageHTML(2, 0" in first and fetch(server, "/nmg/zfxxgk/fdzdgknr/zfxxgknb/index_1.html").status == 200


# --- Boda --------------------------------------------------------------------------------------

def test_boda_download_needs_a_referer(server, manifest):
    doc = next(d for d in manifest["reports"] if d["site"] == "boda" and d["variant"] == "下载Word")
    page = fetch(server, doc["page_url"]).text
    assert "【<a" in page and "下载Word" in page and "下载PDF" in page and "索引号" in page
    r = fetch(server, doc["url"])
    assert r.status == 200 and r.header("Content-Type").startswith("text/html")
    assert 4000 < len(r.body) < 6500 and b"<html" in r.body
    other = fetch(server, doc["url"], headers={"Referer": "http://www.example.com/"})
    assert other.header("Content-Type").startswith("text/html")
    ok = fetch(server, doc["url"], headers={"Referer": server + doc["page_url"]})
    assert ok.status == 200 and ok.header("Content-Type") == "application/msword"
    assert hashlib.sha256(ok.body).hexdigest() == doc["sha256"]
    assert "attachment" in ok.header("Content-Disposition")
    lst = fetch(server, "/boda/1941.htm").text
    assert re.search(r'<a href="\./1941/\d+\.htm" class="Next">下页</a>', lst)


# --- transient errors and a slow path ----------------------------------------------------------

def test_flaky_then_ok(manifest, site):
    site.reset_state()
    srv, port = serve(site=site)
    try:
        base = f"http://127.0.0.1:{port}"
        path = manifest["flaky"][0]
        first = fetch(base, path)
        assert first.status == 503 and first.header("Retry-After")
        assert fetch(base, path).status == 200
    finally:
        srv.stop()


def test_slow_path_times_out(tmp_path):
    site = DemoSite(CACHE, seed=2024, behaviour=Behaviour(slow_seconds=3))
    srv, port = serve(site=site)
    try:
        with pytest.raises((socket.timeout, TimeoutError)):
            fetch(f"http://127.0.0.1:{port}", "/trs/hdjl/zxft/index.html", timeout=0.5)
    finally:
        srv.stop()


# --- mutations for diff tests ------------------------------------------------------------------

def test_mutations(tmp_path):
    site = DemoSite(CACHE, seed=2024)
    srv, port = serve(site=site)
    base = f"http://127.0.0.1:{port}"
    try:
        before = site.manifest()
        trs_page = by_id(before, "trs-01")["url"]
        old_page = fetch(base, trs_page).body

        added = site.mutate("add", site="trs", fmt="docx", year=2024, organ="盐池县审计局")
        top = fetch(base, "/trs/zfxxgk/zfxxgknb/index.html").text
        assert re.search(r'<ul class="list">\s*<li><a href="\./' + added["page_url"].split("/zfxxgknb/")[1], top)
        assert fetch(base, added["urls"][0]).status == 200

        gone = next(d for d in before["reports"] if d["site"] == "hanweb" and d["format"] == "pdf")
        site.mutate("remove", ident=gone["id"])
        assert fetch(base, gone["url"]).status == 404 and fetch(base, gone["page_url"]).status == 404

        soft = next(d for d in before["reports"] if d["site"] == "lonsun" and d["format"] == "html")
        site.mutate("soft_delete", ident=soft["id"])
        r = fetch(base, soft["url"])
        assert r.status == 200 and 'http-equiv="refresh"' in r.text

        target = next(d for d in before["reports"] if d["format"] == "xlsx" and d["site"] == "trs")
        old_bytes = fetch(base, target["url"]).body
        change = site.mutate("revise", ident=target["id"])
        assert change["urls"] == [target["url"]] and change["new"] == change["old"] + 1
        new_bytes = fetch(base, target["url"]).body
        assert new_bytes != old_bytes
        after = site.manifest()
        cells = lambda d: {(c["table"], c["row"], c["col"]): c["value"] for c in d["cells"]}  # noqa: E731
        a, b = cells(target), cells(by_id(after, target["id"]))
        assert [k for k in a if a[k] != b.get(k)] == [tuple(change["cell"])]

        site.mutate("chrome")
        new_page = fetch(base, trs_page).body
        editor = lambda t: re.search(rb'<div class="TRS_Editor">(.*?)</div>\n', t, re.S).group(1)  # noqa: E731
        assert new_page != old_page and editor(new_page) == editor(old_page)

        status = {d["id"]: d["status"] for d in after["reports"]}
        assert status[gone["id"]] == "removed" and status[soft["id"]] == "soft_deleted"

        boda = next(d for d in before["reports"] if d["site"] == "boda" and d["format"] == "html")
        site.mutate("remove", ident=boda["id"], mode="410")
        assert fetch(base, boda["url"]).status == 410
        quiet = next(d for d in before["reports"] if d["site"] == "gkmlpt" and d["format"] == "xlsx")
        site.mutate("unlist", ident=quiet["id"])
        assert fetch(base, quiet["page_url"], cookies=gk_cookies(base)).status == 200
        assert quiet["page_url"] not in fetch(base, "/gkmlpt/api/all/2541?page=1&sid=755001",
                                              cookies=gk_cookies(base)).text
        status = {d["id"]: d["status"] for d in site.manifest()["reports"]}
        assert status[boda["id"]] == "gone" and status[quiet["id"]] == "unlisted"
        assert [c["change"] for c in site.manifest()["changes"]] == [
            "add", "remove", "soft_delete", "revise", "chrome", "remove_410", "unlist"]

        site.behaviour.challenge_unpassable = ("/avalon/",)
        assert fetch(base, "/avalon/index.html", cookies=ts_cookies(base)).status == 412
    finally:
        srv.stop()


def test_server_binds_loopback_only():
    with pytest.raises(ValueError):
        serve(site=object(), host="0.0.0.0")
