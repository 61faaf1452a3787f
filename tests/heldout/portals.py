"""The held-out imitations, one or more per CMS family, each on host names of its own. They differ
from the shipped demo on purpose: path prefixes, other template names and paging, organ
directories two levels deep, reports among 解读 / 通知 / 指南 / 工作要点 / 图解, GBK pages, a 412
challenge in front of a UCAP list, API endpoints a family can only learn from the page's script,
and layouts no family module knows. ``SITES`` builds them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
import zlib
from urllib.parse import parse_qsl, urlsplit

from crawler.demo.web import Request, Response

from .hosting import DOC_TYPES, Doc, Site, esc, file_bytes, report_text

OFFSITE = ('<a href="http://www.gov.cn/">中国政府网</a> '
           '<a href="http://www.nx.gov.cn/zwgk/">宁夏回族自治区政府信息公开</a> '
           '<a href="http://www.mirror-a.gov.cn.x7a72968723868.ipv6best.cn/zwgk/">政务公开</a> '
           '<a href="http://zwgk.copied-site.com/">政府信息公开</a>')


def html(body: str, title: str, head: str = "", charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset='
            f'{charset}">{head}<title>{esc(title)}</title></head><body>{body}'
            f'<div class="footer">友情链接：{OFFSITE}<p>网站标识码：0000000000</p></div></body></html>')


def page(body: str, title: str, head: str = "", charset: str = "utf-8", status: int = 200) -> Response:
    if charset != "utf-8":
        return Response(status, html(body, title, head, "gb2312"), "text/html", "gb18030", charset_header=False)
    return Response(status, html(body, title, head), "text/html")


def as_json(data) -> Response:
    return Response(200, json.dumps(data, ensure_ascii=False), "application/json")


def article(doc: Doc, body_class: str = "TRS_Editor", charset: str = "utf-8", meta: bool = True) -> Response:
    """A document's page: meta tags, its heading, its text, its file."""
    head = (f'<meta name="ArticleTitle" content="{esc(doc.title)}"><meta name="PubDate" '
            f'content="{doc.date:%Y-%m-%d} 09:00">') if meta else ""
    files = f'<p>附件：<a href="{doc.file}">{esc(doc.title)}.{doc.fmt}</a></p>' if doc.file and doc.mode == "attach" else ""
    return page(f'<div class="detail"><h1>{esc(doc.title)}</h1><div class="info">发布日期：{doc.date:%Y-%m-%d}'
                f'　来源：{esc(doc.organ)}</div><div class="{body_class}">{report_text(doc)}</div>{files}'
                f'<div class="prev-next"><a href="../">返回列表</a></div></div>', doc.title, head, charset)


def publish(site: Site, docs: list[Doc], page_url, file_url, serve=None, always_page: bool = False) -> None:
    """Place each document: its page at ``page_url(doc, k)`` (served by ``serve(doc)``, by default
    ``article``; none when the list links its file, unless the platform gives every entry a page)
    and its file at ``file_url(doc, k)``."""
    for k, d in enumerate(docs):
        if d.mode != "file" or always_page:
            d.page = page_url(d, k)
            if serve is not False:
                site.page(d.page, (lambda d: lambda req: (serve or article)(d))(d))
        if d.fmt != "html":
            d.file = file_url(d, k)


ORGAN_PLAN = [(2024, "html", "page"), (2023, "pdf", "attach")]


def organ_columns(site: Site, organs: dict, own: int, prefix: str, neighbour: str, page_url, file_url,
                  serve=None, fmt: str = "pdf") -> dict[int, list[Doc]]:
    """Each organ's column, newest first: the portal's own government (``own``) with its reports
    and their neighbours, every other organ with two reports and one ``neighbour``.
    ``page_url(oid, d, k)`` and ``file_url(oid, d, k)`` place them."""
    out = {}
    for oid, entry in organs.items():
        organ = entry[0] if isinstance(entry, tuple) else entry
        plan = REPORTS + NEIGHBOURS if oid == own else \
            [ORGAN_PLAN[0], (2023, fmt, "attach"), (neighbour, "html", "page")]
        docs = organ_docs(site, organ, f"{prefix}{oid}", plan)
        publish(site, docs, (lambda oid: lambda d, k: page_url(oid, d, k))(oid),
                (lambda oid: lambda d, k: file_url(oid, d, k))(oid), serve)
        out[oid] = newest_first(docs)
    return out


def newest_first(docs: list[Doc]) -> list[Doc]:
    return sorted(docs, key=lambda d: (d.date, d.key), reverse=True)


def n_pages(n: int, per: int) -> int:
    return max(1, -(-n // per))


def organ_docs(site: Site, organ: str, prefix: str, plan: list[tuple], day0: int = 10) -> list[Doc]:
    """Documents of an organ: (year or kind, fmt, mode) entries; kinds other than a year are
    neighbours of the reports."""
    out = []
    for i, (what, fmt, mode) in enumerate(plan):
        if isinstance(what, int):
            d = Doc(f"{prefix}-{len(site.docs) + i}", organ, what, "report", fmt, mode,
                    date=dt.date(what + 1, 1, min(28, day0 + i)))
        else:
            d = Doc(f"{prefix}-{len(site.docs) + i}", organ, 2024, what, date=dt.date(2025, 2, min(28, day0 + i)))
        out.append(d)
    site.docs += out
    return out


REPORTS = [(2024, "html", "page"), (2023, "pdf", "attach"), (2022, "docx", "file"), (2021, "html", "page")]
NEIGHBOURS = [("interpretation", "html", "page"), ("notice", "html", "page"), ("chart", "html", "page")]


# --- TRS: another prefix, .shtml templates, a disclosure platform on its own host, two-level
# organ columns (乡镇年报 → each town), GBK town pages -------------------------------------------------

def trs_site() -> Site:
    s = Site("trs-xiji", "trs", hosts=("www.county-a.gov.cn", "xxgk.county-a.gov.cn"),
             start="http://www.county-a.gov.cn/index.shtml")
    www, x = "http://www.county-a.gov.cn", "http://xxgk.county-a.gov.cn"
    nb = f"{x}/site/xxgk/ndbg/"
    columns = {"": ("西吉县人民政府", None), "xzndbg/jqz/": ("吉强镇", "gbk"), "xzndbg/xlz/": ("兴隆镇", "gbk"),
               "xzndbg/jtbz/": ("将台堡镇", "gbk"), "bmndbg/jyj/": ("西吉县教育局", None),
               "bmndbg/czj/": ("西吉县财政局", None)}
    per = 4
    for col, (organ, enc) in columns.items():
        plan = REPORTS + NEIGHBOURS if not col else [(2024, "html", "page"), (2023, "doc", "attach"),
                                                      ("points", "html", "page")]
        docs = organ_docs(s, organ, "trs" + col.replace("/", ""), plan)
        base = 5550000 + len(s.docs) * 10
        publish(s, docs, lambda d, k: f"{nb}{col}{d.date:%Y%m}/t{d.date:%Y%m%d}_{base + k}.shtml",
                lambda d, k: f"{nb}{col}{d.date:%Y%m}/P0{d.date:%Y%m%d}{base + k:012d}.{d.fmt}",
                (lambda enc: lambda d: article(d, charset=enc or "utf-8"))(enc))
        items = newest_first(docs)
        subs = []
        if not col:
            subs = [('乡镇年报', f"{nb}xzndbg/index.shtml"), ('部门年报', f"{nb}bmndbg/index.shtml")]
            # a stale entry: its page now only sends readers back to the column
            stale = Doc("trs-stale", organ, 2020, "news", title=f"{organ}2020年政府信息公开工作年度报告（修订稿）",
                        date=dt.date(2021, 3, 2), page=f"{nb}202103/t20210302_5550999.shtml")
            s.docs.append(stale)
            items.append(stale)
            s.page(stale.page, lambda req: Response(200, '<html><head><meta http-equiv="refresh" content="0;url=../">'
                                                    "</head><body></body></html>", "text/html"))
        pages = n_pages(len(items), per)
        # the towns' (GBK) lists link their pages with a tracking parameter
        track = "?from=list" if enc else ""
        for n in range(pages):
            lis = "".join(f'<li><a href="{d.page + track if d.page else d.file}" title="{esc(d.title)}">{esc(d.title[:24])}…</a>'
                          f'<span>{d.date:%Y-%m-%d}</span></li>' for d in items[n * per:(n + 1) * per])
            side = "".join(f'<li><a href="{u}">{t}</a></li>' for t, u in subs)
            body = (f'<div class="side"><ul>{side}</ul></div><ul class="list">{lis}</ul>'
                    f'<script>createPageHTML({pages}, {n}, "index", "shtml");</script>')
            url = f"{nb}{col}index.shtml" if n == 0 else f"{nb}{col}index_{n}.shtml"
            s.page(url, (lambda b, t, e: lambda req: page(b, t, charset=e or "utf-8"))(body, organ + "年报", enc))
    for group, title in (("xzndbg", "乡镇年报"), ("bmndbg", "部门年报")):
        lis = "".join(f'<li><a href="{nb}{c}index.shtml">{esc(o)}</a></li>'
                      for c, (o, _) in columns.items() if c.startswith(group))
        s.page(f"{nb}{group}/index.shtml", (lambda b, t: lambda req: page(b, t))(f'<ul class="organs">{lis}</ul>', title))
    latest = next(d for d in s.docs if d.kind == "report" and d.page)
    s.page(f"{www}/index.shtml", lambda req: page(
        f'<div class="nav"><a href="{www}/index.shtml">首页</a> <a href="{x}/site/xxgk/index.shtml">政务公开</a> '
        f'<a href="{www}/xwzx/index.shtml">新闻中心</a></div>'
        f'<div class="zxfb"><h3>最新发布</h3><a href="{latest.page}?from=sy">{esc(latest.title)}</a></div>', "西吉县人民政府"))
    s.page(f"{www}/xwzx/index.shtml", lambda req: page("<p>新闻（略）</p>", "新闻中心"))
    s.page(f"{x}/site/xxgk/index.shtml", lambda req: page(
        f'<ul><li><a href="{x}/site/xxgk/zn/index.shtml">政府信息公开指南</a></li>'
        f'<li><a href="{nb}index.shtml">政府信息公开年报</a></li></ul>', "政府信息公开"))
    s.page(f"{x}/site/xxgk/zn/index.shtml", lambda req: page("<p>指南（略）</p>", "政府信息公开指南"))
    s.serve_files()
    return s


# --- Lonsun under /openness/, its organ directory split over group pages ------------------------

def fastdfs(key: str) -> str:
    hx = hashlib.sha1(key.encode()).hexdigest()
    return f"{hx[:2].upper()}/{hx[2:4].upper()}/Cq{hx[4:24]}"


def lonsun_site() -> Site:
    s = Site("lonsun-wuhu", "lonsun", hosts=("www.county-l.gov.cn",), start="http://www.county-l.gov.cn/index.html")
    h = "http://www.county-l.gov.cn"
    organs = {100: ("繁昌区人民政府", None), 101: ("繁昌区教育局", "bm"), 102: ("繁昌区财政局", "bm"),
              201: ("孙村镇人民政府", "xz"), 202: ("峨山镇人民政府", "xz")}
    per = 3
    docs_of = organ_columns(s, organs, 100, "ls", "guide",
                            lambda oid, d, k: f"{h}/openness/public/{oid}/{62900000 + oid * 100 + k}.html",
                            lambda oid, d, k: f"{h}/openness/group2/M00/{fastdfs(d.key)}.{d.fmt}",
                            lambda d: article(d, body_class="wzcon j-fontContent"))

    def column(req: Request) -> Response | None:
        m = re.match(r"^/openness/public/column/(\d+)$", req.path)
        if not m or int(m.group(1)) not in organs:
            return None
        oid, q = int(m.group(1)), req.query
        if q.get("type") != "3":
            return page(f'<p>{esc(organs[oid][0])}：{q.get("type")}</p>', "信息公开")
        items = docs_of[oid]
        pages = n_pages(len(items), per)
        n = min(max(int(q.get("pageIndex", "1") or 1), 1), pages)
        lis = "".join(f'<li class="{"odd" if k % 2 == 0 else "even"}"><a href="{d.page + f"?activeId={oid}1" if d.page else d.file}" title="{esc(d.title)}" '
                      f'class="left">{esc(d.title)}</a><span class="right date">{d.date:%Y-%m-%d}</span></li>'
                      for k, d in enumerate(items[(n - 1) * per:n * per]))
        prefix = f"/openness/public/column/{oid}?type=3&action=list"
        return page(f'<ul class="doc_list">{lis}</ul><div id="page_public_info"></div><script>'
                    f'var linkPrefix = "{prefix}";Ls.pagination("#page_public_info", function (pageIndex) {{'
                    f'location.href = linkPrefix + "&pageIndex=" + pageIndex;}}, {{currPage: {n}, pageCount: {pages}}});'
                    '</script>', "政府信息公开年报")

    s.dynamic = column
    s.page(f"{h}/index.html", lambda req: page(f'<a href="{h}/openness/xxgkml/index.html">信息公开</a>', "繁昌区人民政府"))
    s.page(f"{h}/openness/xxgkml/index.html", lambda req: page(
        f'<ul><li><a href="{h}/openness/public/column/100?type=3&action=list">政府信息公开年报</a></li>'
        f'<li><a href="{h}/openness/xxgkml/bm.html">区政府部门</a></li><li><a href="{h}/openness/xxgkml/xz.html">镇（街道）</a></li></ul>',
        "信息公开目录"))
    for group, title in (("bm", "区政府部门"), ("xz", "镇（街道）")):
        lis = "".join(f'<li><a href="/openness/public/column/{oid}?type=4&action=list">{esc(o)}</a><p class="fr">'
                      f'<a href="/openness/public/column/{oid}?type=2">指南</a>'
                      f'<a href="/openness/public/column/{oid}?type=3&action=list">年报</a></p></li>'
                      for oid, (o, g) in organs.items() if g == group)
        s.page(f"{h}/openness/xxgkml/{group}.html", (lambda b, t: lambda req: page(b, t))(
            f'<div class="xxgkmnbox"><h2>{title}</h2><ul>{lis}</ul></div>', title))
    s.serve_files()
    return s


# --- Hanweb under a site prefix, 6 records embedded of 14, dataproxy for the rest ----------------

def hanweb_site() -> Site:
    s = Site("hanweb-sxq", "hanweb", hosts=("www.county-h.gov.cn",), start="http://www.county-h.gov.cn/sxq/index.html")
    h = "http://www.county-h.gov.cn"
    docs = organ_docs(s, "嵊新县人民政府", "hw", REPORTS + NEIGHBOURS + [(2020, "pdf", "attach"), (2019, "html", "page")])
    docs += organ_docs(s, "嵊新县卫生健康局", "hw2", [(2024, "xlsx", "attach"), (2023, "html", "page"), ("points", "html", "page")])
    publish(s, docs, lambda d, k: f"{h}/sxq/art/{d.date.year}/{d.date.month}/{d.date.day}/art_9005_{3300 + k}.html",
            lambda d, k: f"{h}/sxq/module/download/downfile.jsp?classid=0&filename={hashlib.md5(d.key.encode()).hexdigest()}.{d.fmt}",
            lambda d: article(d, body_class="zoom", meta=False))
    attach = {urlsplit(d.file).query.rsplit("=", 1)[1]: d for d in docs if d.file}
    items = newest_first(docs)

    def record(d: Doc) -> str:
        return (f'<record><![CDATA[<li><a href="{d.page or d.file}" title="{esc(d.title)}" target="_blank">'
                f'{esc(d.title)}</a><span>{d.date:%Y-%m-%d}</span></li>]]></record>')

    def proxy(req: Request) -> Response | None:
        if req.path == "/sxq/module/download/downfile.jsp" and req.query.get("filename") in attach:
            return Response(302, "", "text/html", headers=[("Location", f"/sxq/attach/0/{req.query['filename']}")])
        if req.path.startswith("/sxq/attach/0/") and req.path.rsplit("/", 1)[1] in attach:
            d = attach[req.path.rsplit("/", 1)[1]]
            return Response(200, file_bytes(d), DOC_TYPES[d.fmt])
        if req.path != "/sxq/module/web/jpage/dataproxy.jsp":
            return None
        if req.method != "POST" or req.form.get("columnid") != "9005":
            return Response(405 if req.method != "POST" else 200, "<datastore></datastore>", "text/xml")
        a, b = int(req.query.get("startrecord", "1")), int(req.query.get("endrecord", "6"))
        recs = "".join(record(d) for d in items[a - 1:b])
        return Response(200, f"<datastore><totalrecord>{len(items)}</totalrecord><recordset>{recs}</recordset></datastore>",
                        "text/xml")

    s.dynamic = proxy
    column = (f'<div id="7788"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/sxq/module/web/jpage/'
              f'dataproxy.jsp?page=1&appid=1&webid=12&path=/sxq/&columnid=9005&unitid=7788&webname=%E5%B5%8A&permissiontype=0">]]>'
              f'</nextgroup><totalrecord>{len(items)}</totalrecord><totalpage>3</totalpage><recordset>'
              + "".join(record(d) for d in items[:6]) + '</recordset></datastore></script>'
              '<script>new Jpage({id: "7788", perpage: 6, proxy: "/sxq/module/web/jpage/dataproxy.jsp"});</script></div>')
    s.page(f"{h}/sxq/col/col9005/index.html", lambda req: page(column, "政府信息公开年报"))
    s.page(f"{h}/sxq/index.html", lambda req: page(f'<a href="{h}/sxq/col/col9001/index.html">政府信息公开</a>', "首页"))
    s.page(f"{h}/sxq/col/col9001/index.html", lambda req: page(
        f'<a href="{h}/sxq/col/col9002/index.html">政府信息公开指南</a> <a href="{h}/sxq/col/col9005/index.html">政府信息公开年报</a>',
        "政府信息公开"))
    s.page(f"{h}/sxq/col/col9002/index.html", lambda req: page("<p>指南</p>", "指南"))
    return s


# --- gkmlpt: the shell outside /gkmlpt/ (the API from its bundle's path), and one whose API no
# page says where it is (only its script knows: the guess 404s, the page is rendered) -----------

GK_JS = """(function () {
  var cfg = window._CONFIG, box = document.getElementById("app");
  function load(cat, page) {
    fetch(API + "/all/" + cat + "?page=" + page + "&sid=" + cfg.SID).then(function (r) { return r.json(); })
      .then(function (data) {
        box.innerHTML = '<ul>' + data.articles.map(function (a) {
          return '<li><a href="' + a.url + '">' + a.title + '</a></li>'; }).join("") + '</ul>';
        var pages = Math.ceil(data.total / 5), bar = document.createElement("div");
        for (var i = 1; i <= pages; i++) { var b = document.createElement("a"); b.textContent = i; b.href = "javascript:;";
          (function (n) { b.onclick = function () { load(cat, n); }; })(i); bar.appendChild(b); }
        box.appendChild(bar);
      });
  }
  load(location.hash.replace("#", "") || cfg.TREE[0].children[0].id, 1);
})();"""


def gkmlpt_site(name: str, host: str, shell: str, bundle: str, api: str, n_reports: int) -> Site:
    s = Site(name, "gkmlpt", hosts=(host,), start=f"http://{host}/index.html")
    h = f"http://{host}"
    plan = [(2024 - (i % 6), ("html", "pdf", "docx")[i % 3], ("page", "attach", "attach")[i % 3]) for i in range(n_reports)]
    organs = ["和平县人民政府", "和平县阳明镇人民政府", "和平县教育局", "和平县卫生健康局", "和平县林寨镇人民政府"]
    docs = []
    for i, p in enumerate(plan):
        docs += organ_docs(s, organs[i % len(organs)], name, [p], day0=i % 20 + 1)
    docs += organ_docs(s, organs[0], name + "n", NEIGHBOURS)
    publish(s, docs, lambda d, k: f"{h}/gkmlpt/content/0/{700 + k}/post_{700100 + k}.html",
            lambda d, k: f"{h}/attachment/0/{k}/{k * 7}/{700100 + k}.{d.fmt}",
            lambda d: article(d, body_class="article-content"), always_page=True)
    items = newest_first(docs)
    api_path = urlsplit(api).path

    def answer(req: Request) -> Response | None:
        m = re.match(rf"^{re.escape(api_path)}/all/(\d+)$", req.path)
        if not m:
            return None
        if req.query.get("sid") != "441624" or m.group(1) != "3001":
            return Response(404, '{"error": "not found"}', "application/json")
        n = max(1, int(req.query.get("page", "1") or 1))
        arts = [{"id": 700100 + i, "title": d.title, "url": d.page, "created_at": f"{d.date} 09:00:00"}
                for i, d in enumerate(items[(n - 1) * 5:n * 5])]
        return as_json({"total": len(items), "classify": {"post_count": len(items)}, "articles": arts})

    s.dynamic = answer
    tree = json.dumps([{"id": 3000, "name": "政府信息公开", "children": [{"id": 3001, "name": "政府信息公开年报"},
                                                                       {"id": 3002, "name": "政策解读"}]}], ensure_ascii=False)
    head = f"<script>window._CONFIG = {{SID: '441624', TREE: {tree}}};</script>"
    s.page(f"{h}{shell}", lambda req: page(f'<div id="app">加载中…</div><script src="{bundle}"></script>',
                                           "政府信息公开", head))
    s.page(f"{h}{bundle}", lambda req: Response(200, f'var API = "{api_path}";' + GK_JS, "application/javascript"))
    s.page(f"{h}/index.html", lambda req: page(f'<a href="{h}{shell}#3001">政府信息公开年报</a> '
                                               f'<a href="{h}{shell}">政务公开</a>', "首页"))
    s.serve_files()
    return s


# --- UCAP behind a 412 challenge (its endpoint named in its page), and one whose endpoint only an
# external script knows (成都-style answer: top-level results) -------------------------------------

CHALLENGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta id="ts-n" content="{nonce}"></head><body>
<script>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};var n=document.getElementById('ts-n').content;
document.cookie="ts_ok="+n.split("").reverse().join("")+"; path=/";location.reload();</script></body></html>"""


def gate(req: Request) -> Response | None:
    """A 412 (瑞数-like) gate: the cookie its script computes, or 412."""
    nonce = req.cookies.get("ts_n")
    if nonce and req.cookies.get("ts_ok") == nonce[::-1]:
        return None
    nonce = nonce or hashlib.sha1(f"{req.target}{dt.datetime.now()}".encode()).hexdigest()[:16]
    return Response(412, CHALLENGE.format(nonce=nonce), "text/html", headers=[("Set-Cookie", f"ts_n={nonce}; Path=/")])


UCAP_JS = """(function () {
  var id = document.querySelector('meta[name="channelid"]').content, box = document.getElementById("list");
  function load(page) {
    fetch(ENDPOINT + id + QUERY + page).then(function (r) { return r.json(); }).then(function (res) {
      var d = res.data || res;
      box.innerHTML = d.results.map(function (a) { return '<li><a href="' + a.url + '">' + a.title + '</a></li>'; }).join("");
      var pages = Math.ceil(d.total / SIZE), bar = document.getElementById("pager");
      bar.innerHTML = "";
      for (var i = 1; i <= pages; i++) { var b = document.createElement("a"); b.textContent = i; b.href = "javascript:;";
        (function (n) { b.onclick = function () { load(n); }; })(i); bar.appendChild(b); }
    });
  }
  load(1);
})();"""


def ucap_site(name: str, host: str, site: str, template: str, endpoint: str, query: str, size: int,
              challenge: bool, external: bool, wrapped: bool) -> Site:
    s = Site(name, "ucap", hosts=(host,), start=f"http://{host}/{site}/index.shtml")
    h = f"http://{host}"
    channel = hashlib.md5(name.encode()).hexdigest()
    col = f"{h}/{site}/c110126/"
    docs = organ_docs(s, "呼玛县人民政府", name, REPORTS + NEIGHBOURS + [(2020, "html", "page")])
    docs += organ_docs(s, "呼玛县韩家园镇人民政府", name + "t", [(2024, "pdf", "attach"), (2023, "html", "page")])
    def hx(d: Doc) -> str:
        return f"{col}{d.date:%Y%m}/{hashlib.md5(d.key.encode()).hexdigest()}"

    publish(s, docs, lambda d, k: f"{hx(d)}.shtml",
            lambda d, k: f"{hx(d)}/files/{hashlib.md5(d.title.encode()).hexdigest()}.{d.fmt}",
            lambda d: article(d, body_class="detail_content"), always_page=True)
    items = newest_first(docs)

    def answer(req: Request) -> Response | None:
        if challenge and (blocked := gate(req)):
            return blocked
        if req.path != f"{endpoint}{channel}":
            return None
        n = max(1, int(req.query.get("page", "1") or 1))
        res = [{"title": d.title, "url": d.page.replace("http:", ""), "publishedTimeStr": f"{d.date} 10:00:00",
                "resList": [{"fileName": f"{d.title}.{d.fmt}", "filePath": d.file}] if d.file else []}
               for d in items[(n - 1) * size:n * size]]
        data = {"total": len(items), "page": n, "rows": size, "results": res}
        return as_json({"data": data, "success": True} if wrapped else data)

    s.dynamic = answer
    script = (f'<script src="/{site}/js/list.js"></script>' if external else f"<script>{UCAP_JS}</script>")
    consts = f'<script>var ENDPOINT = "{endpoint}", QUERY = "{query}", SIZE = {size};</script>' if not external else ""
    s.page(f"{col}{template}", lambda req: page(f'<ul id="list"></ul><div id="pager"></div>{consts}{script}',
                                                "政府信息公开年报", f'<meta name="channelid" content="{channel}">'))
    if external:
        s.page(f"{h}/{site}/js/list.js", lambda req: Response(
            200, f'var ENDPOINT = "{endpoint}", QUERY = "{query}", SIZE = {size};' + UCAP_JS, "application/javascript"))
    s.page(f"{h}/{site}/index.shtml", lambda req: page(f'<a href="{h}/{site}/c110120/zfxxgk.shtml">政府信息公开</a>', "首页"))
    s.page(f"{h}/{site}/c110120/zfxxgk.shtml", lambda req: page(
        f'<a href="{col}{template}">政府信息公开年报</a> <a href="{h}/{site}/c110121/list.shtml">政府信息公开指南</a>', "政府信息公开"))
    s.page(f"{h}/{site}/c110121/list.shtml", lambda req: page("<p>指南</p>", "指南"))
    s.serve_files()
    return s


# --- a query-addressed platform on another domain, its organ directory in two levels -------------

def public_site() -> Site:
    s = Site("public-cityz", "public", hosts=("www.county-b.gov.cn", "public.city-z.gov.cn"),
             start="http://www.county-b.gov.cn/")
    p = "http://public.city-z.gov.cn/"
    organs = {31: ("城东区人民政府", None), 3101: ("城东区教育局", "bm"), 3102: ("城东区民政局", "bm"),
              3103: ("城东区审计局", "bm"), 3201: ("城东区东风路街道办事处", "xz"), 3202: ("城东区花园路街道办事处", "xz")}
    per = 3
    docs_of = organ_columns(s, organs, 31, "pz", "points", lambda oid, d, k: f"{p}D0120X/{88000 + oid * 10 + k}.jhtml",
                            lambda oid, d, k: f"{p}attachment/{hashlib.md5(d.key.encode()).hexdigest()}.{d.fmt}",
                            lambda d: article(d, body_class="content-wrap"))

    def answer(req: Request) -> Response | None:
        host = req.host.split(":")[0]
        if host == "www.county-b.gov.cn" and req.path == "/":
            return page(f'<div class="nav"><a href="/">首页</a> <a href="{p}?d=31">政务公开</a> '
                        f'<a href="{p}?d=32">信息公开</a></div>', "城东区人民政府")
        if host != "public.city-z.gov.cn" or req.path != "/":
            return None
        q = dict(parse_qsl(urlsplit(req.target).query))
        oid = int(q.get("d", "0") or 0)
        if oid == 32:
            return page('<p>城西区（另一政府）：<a href="?d=32&a=info&k=nb">政府信息公开年报</a></p>', "城西区")
        if oid not in organs:
            return None
        a = q.get("a")
        if a == "dept" and q.get("t") in ("bm", "xz"):
            lis = "".join(f'<li><a href="?d={o}">{esc(n)}</a></li>' for o, (n, g) in organs.items() if g == q["t"])
            return page(f'<ul class="dept">{lis}</ul>', "部门信息公开")
        if a == "dept":
            return page('<ul class="tabs"><li><a href="?a=dept&d=31&t=bm">区直部门</a></li>'
                        '<li><a href="?a=dept&d=31&t=xz">乡镇（街道）</a></li></ul>', "部门信息公开")
        if a == "info" and q.get("k") == "nb":
            items = docs_of[oid]
            pages = n_pages(len(items), per)
            n = min(max(int(q.get("page", "1") or 1), 1), pages)
            rows = "".join(f'<a href="{d.page or d.file}"><span>{esc(d.title)}</span><em>{d.date}</em></a>'
                           for d in items[(n - 1) * per:n * per])
            tile = " ".join(f'<a href="?a=info&k=nb&d={oid}&page={i}">{i}</a>' for i in range(1, pages + 1))
            return page(f'<ul class="common-list">{rows}</ul><div class="page-tile">{tile}</div>', "政府信息公开年报")
        if not a:
            return page(f'<h2>{esc(organs[oid][0])}</h2><ul><li><a href="?a=info&k=guide&d={oid}">政府信息公开指南</a></li>'
                        f'<li><a href="?a=info&k=nb&d={oid}">政府信息公开年报</a></li>'
                        + (f'<li><a href="?a=dept&d={oid}">部门信息公开</a></li>' if oid == 31 else "") + "</ul>",
                        organs[oid][0])
        return page("<p>暂无信息</p>", "信息公开")

    s.dynamic = answer
    s.serve_files()
    return s


# --- Hebei: a block loaded by page number -----------------------------------------------------

def hebei_site() -> Site:
    s = Site("hebei-xt", "hebei", hosts=("www.county-k.gov.cn",), start="http://www.county-k.gov.cn/index.html")
    h = "http://www.county-k.gov.cn"
    col = str(uuid.uuid5(uuid.NAMESPACE_URL, "hebei-xt-nb"))
    block = f"/columns/{col}/templates/{uuid.uuid5(uuid.NAMESPACE_URL, 't')}/blocks/{uuid.uuid5(uuid.NAMESPACE_URL, 'b')}"
    docs = organ_docs(s, "行唐县人民政府", "hb", REPORTS + NEIGHBOURS + [(2020, "pdf", "attach")])
    docs += organ_docs(s, "行唐县龙州镇人民政府", "hbt", [(2024, "html", "page"), (2023, "docx", "attach"), ("points", "html", "page")])
    publish(s, docs, lambda d, k: f"{h}/columns/{col}/{d.date:%Y%m}/{d.date:%d}/{uuid.uuid5(uuid.NAMESPACE_URL, d.key)}.html",
            lambda d, k: f"{h}/attachments/1/{d.date:%Y%m}/{d.date:%d}/25ZFL{zlib.crc32(d.key.encode())}.{d.fmt}",
            lambda d: article(d, body_class="article-content"))
    items = newest_first(docs)

    def answer(req: Request) -> Response | None:
        if req.path != block:
            return None
        pages = n_pages(len(items), 5)
        n = min(max(int(req.query.get("page", "1") or 1), 1), pages)
        lis = "".join(f'<li class="xxgk_gfxwjk-list-li"><a href="{d.page or d.file}" title="{esc(d.title)}">{esc(d.title)}</a></li>'
                      for d in items[(n - 1) * 5:n * 5])
        return page(f'<ul>{lis}</ul><div class="page">共{pages}页</div>', "block")

    s.dynamic = answer
    s.page(f"{h}/index.html", lambda req: page(f'<a href="{h}/columns/{uuid.uuid5(uuid.NAMESPACE_URL, "xxgk")}/index.html">政府信息公开</a>', "首页"))
    s.page(f"{h}/columns/{uuid.uuid5(uuid.NAMESPACE_URL, 'xxgk')}/index.html", lambda req: page(
        f'<a href="{h}/columns/{col}/index.html">政府信息公开年报</a>', "政府信息公开"))
    s.page(f"{h}/columns/{col}/index.html", lambda req: page(
        f'<div id="blk" data-src="{block}"></div><script>fetch("{block}?page=1&fix=0")</script>', "政府信息公开年报"))
    s.serve_files()
    return s


# --- Inner Mongolia: columns named only in data-url, .shtml lists --------------------------------

def nmg_site() -> Site:
    s = Site("nmg-tz", "nmg", hosts=("www.county-n.gov.cn",), start="http://www.county-n.gov.cn/index.html")
    h = "http://www.county-n.gov.cn"
    base = f"{h}/zfxxgk/fdzdgknr/"
    docs = organ_docs(s, "托克托县人民政府", "nm", REPORTS + NEIGHBOURS)
    docs += organ_docs(s, "托克托县双河镇人民政府", "nmt", [(2024, "html", "page"), (2023, "pdf", "file")])
    publish(s, docs, lambda d, k: f"{base}ndbg/{d.date:%Y%m}/t{d.date:%Y%m%d}_{4400 + k}.shtml",
            lambda d, k: f"{base}ndbg/{d.date:%Y%m}/P0{d.date:%Y%m%d}{4400 + k:012d}.{d.fmt}")
    items = newest_first(docs)
    pages = n_pages(len(items), 4)
    for n in range(pages):
        rows = "".join(f'<tr><td><a href="{d.page or d.file}" title="{esc(d.title)}">{esc(d.title)}</a></td></tr>'
                       for d in items[n * 4:(n + 1) * 4])
        s.page(f"{base}ndbg/" + ("index.shtml" if n == 0 else f"index_{n}.shtml"), (lambda b: lambda req: page(b, "年报"))(
            f'<table><tbody>{rows}</tbody></table><script>createPageHTML({pages}, {n}, "index", "shtml");</script>'))

    def menu(req: Request) -> Response | None:
        if req.path != "/zfxxgk/fdzdgknr/" or "gk" not in req.query:
            return None
        return page('<ul><li class="on"><div><div><a href="javascript:;" data-url="./zcwj/">政策文件</a></div></div></li>'
                    '<li><div><div><a href="javascript:;" data-url="./ndbg/index.shtml">政府信息公开年报</a></div></div></li></ul>'
                    '<iframe id="iframe" src=""></iframe>', "政府信息公开")

    s.dynamic = menu
    s.page(f"{h}/index.html", lambda req: page(f'<a href="{base}?gk=3&cid=9001">政府信息公开</a>', "首页"))
    s.serve_files()
    return s


# --- layouts no family module knows: an ASP.NET catalogue addressed by query with an organ table,
# and a list a script builds from a JSON API ---------------------------------------------------------

def aspx_site() -> Site:
    s = Site("aspx-anxin", "none", hosts=("www.county-x.gov.cn",), start="http://www.county-x.gov.cn/")
    h = "http://www.county-x.gov.cn"
    organs = {0: "安新县人民政府", 5: "安新县教育局", 6: "安新县交通运输局", 7: "安新镇人民政府"}
    docs_of = organ_columns(s, organs, 0, "ax", "guide", lambda did, d, k: f"{h}/xxgk/Show.aspx?id={9000 + did * 20 + k}",
                            lambda did, d, k: f"{h}/UploadFiles/{2000 + did * 20 + k}.{d.fmt}", serve=False, fmt="doc")
    by_page = {urlsplit(d.page).query: d for d in s.docs if d.page}

    def answer(req: Request) -> Response | None:
        q = req.query
        if req.path == "/":
            return page(f'<a href="{h}/">首页</a> <a href="{h}/xxgk/Index.aspx">信息公开</a>', "安新县人民政府")
        if req.path == "/xxgk/Index.aspx":
            rows = "".join(f'<tr><td><a href="Dept.aspx?did={d}">{esc(o)}</a></td><td><a href="List.aspx?cid=77&did={d}">年报</a></td>'
                           f'<td><a href="List.aspx?cid=78&did={d}">指南</a></td></tr>' for d, o in organs.items() if d)
            return page(f'<a href="List.aspx?cid=77&did=0">政府信息公开年报</a><table class="units">{rows}</table>', "信息公开")
        if req.path == "/xxgk/Show.aspx":
            d = by_page.get(urlsplit(req.target).query)
            return article(d, body_class="content", meta=False) if d else None
        if req.path == "/xxgk/List.aspx" and q.get("cid") == "77" and int(q.get("did", "0") or 0) in organs:
            did = int(q.get("did", "0") or 0)
            items = docs_of[did]
            pages = n_pages(len(items), 3)
            n = min(max(int(q.get("page", "1") or 1), 1), pages)
            lis = "".join(f'<li><a href="{d.page or d.file}">{esc(d.title)}</a> {d.date}</li>' for d in items[(n - 1) * 3:n * 3])
            nav = f'<a href="List.aspx?cid=77&did={did}&page={n + 1}">下一页</a>' if n < pages else ""
            return page(f'<ul>{lis}</ul><div class="pager">第{n}页 {nav}</div>', "政府信息公开年报")
        if req.path in ("/xxgk/List.aspx", "/xxgk/Dept.aspx"):
            return page("<p>暂无信息</p>", "信息公开")
        return None

    s.dynamic = answer
    s.serve_files()
    return s


SPA_JS = """(function () {
  var box = document.getElementById("app");
  function load(n) {
    fetch("/api/cms/article/page?columnId=88&pageNo=" + n + "&pageSize=4").then(function (r) { return r.json(); })
      .then(function (res) {
        box.innerHTML = '<ul>' + res.data.records.map(function (a) { return '<li><a href="' + a.linkUrl + '">' + a.articleTitle + '</a></li>'; }).join("") + '</ul>';
        if (n * 4 < res.data.total) { var b = document.createElement("button"); b.textContent = "下一页";
          b.onclick = function () { load(n + 1); }; box.appendChild(b); }
      });
  }
  load(1);
})();"""


def spa_site() -> Site:
    s = Site("spa-anji", "none", hosts=("www.county-y.gov.cn",), start="http://www.county-y.gov.cn/index.html")
    h = "http://www.county-y.gov.cn"
    docs = organ_docs(s, "安吉县人民政府", "spa", REPORTS + NEIGHBOURS + [(2020, "html", "page"), (2019, "pdf", "attach")])
    docs += organ_docs(s, "安吉县递铺街道办事处", "spat", [(2024, "html", "page")])
    publish(s, docs, lambda d, k: f"{h}/zwgk/detail.html?id={880 + k}",
            lambda d, k: f"{h}/upload/2025/{hashlib.md5(d.key.encode()).hexdigest()}.{d.fmt}", serve=False)
    items = newest_first(docs)
    by_page = {urlsplit(d.page).query: d for d in s.docs if d.page}

    def answer(req: Request) -> Response | None:
        if req.path == "/api/cms/article/page":
            n = max(1, int(req.query.get("pageNo", "1") or 1))
            recs = [{"articleTitle": d.title, "linkUrl": d.page or d.file, "publishDate": str(d.date)}
                    for d in items[(n - 1) * 4:n * 4]]
            return as_json({"code": 200, "data": {"records": recs, "total": len(items)}})
        if req.path == "/zwgk/detail.html":
            d = by_page.get(urlsplit(req.target).query)
            return article(d, body_class="article") if d else None
        return None

    s.dynamic = answer
    s.page(f"{h}/index.html", lambda req: page(f'<a href="{h}/zwgk/index.html">政务公开</a>', "首页"))
    s.page(f"{h}/zwgk/index.html", lambda req: page(f'<a href="{h}/zwgk/ndbg.html">政府信息公开年度报告</a>', "政务公开"))
    s.page(f"{h}/zwgk/ndbg.html", lambda req: page(f'<div id="app"></div><script>{SPA_JS}</script>', "政府信息公开年度报告"))
    s.serve_files()
    return s


# --- a JSP site whose pager only a script turns, its organs in a zTree organ tree, its report
# pages index.html files in deep numeric folders (as Beijing's districts publish them) ----------

JSP_PAGER = """<div class="pager">共{pages}页 第{n}页 {links}</div>
<script>function goPage(n) {{ location.href = "list.jsp?catid={cat}&page=" + n; }}</script>"""


def jsp_site() -> Site:
    s = Site("jsp-miyun", "none", hosts=("www.county-j.gov.cn",), start="http://www.county-j.gov.cn/index.jsp")
    h = "http://www.county-j.gov.cn"
    organs = {30: "密云区人民政府", 31: "密云区教育委员会", 32: "密云区财政局", 41: "密云区鼓楼街道办事处", 42: "密云区十里堡镇人民政府"}
    docs_of = organ_columns(s, organs, 30, "jsp", "notice",
                            lambda cat, d, k: f"{h}/zwgk/zfxxgk/{2291800 + cat}/{2292900 + cat * 10 + k}/index.html",
                            lambda cat, d, k: f"{h}/zwgk/zfxxgk/{2291800 + cat}/{2292900 + cat * 10 + k}/P0{k}{cat}.{d.fmt}",
                            lambda d: article(d, body_class="TRS_UEDITOR"), fmt="docx")

    def answer(req: Request) -> Response | None:
        q = req.query
        if req.path == "/xxgk/list.jsp" and int(q.get("catid", "0") or 0) in docs_of:
            cat = int(q["catid"])
            items = docs_of[cat]
            pages = n_pages(len(items), 3)
            n = min(max(int(q.get("page", "1") or 1), 1), pages)
            lis = "".join(f'<li><a href="{d.page or d.file}" target="_blank">{esc(d.title)}</a><span>{d.date}</span></li>'
                          for d in items[(n - 1) * 3:n * 3])
            links = " ".join(f'<a href="javascript:goPage({i})">{i}</a>' for i in range(1, pages + 1) if i != n)
            if n < pages:
                links += f' <a href="javascript:void(0);" onclick="goPage({n + 1})">下一页</a>'
            return page(f'<ul class="list">{lis}</ul>' + JSP_PAGER.format(pages=pages, n=n, links=links, cat=cat),
                        f"{organs[cat]}政府信息公开年报")
        return None

    tree = [{"id": 1, "pId": 0, "name": "区政府部门"}, {"id": 2, "pId": 0, "name": "街道乡镇"}] + \
        [{"id": cat, "pId": 1 if cat < 40 else 2, "name": name, "url": f"list.jsp?catid={cat}"}
         for cat, name in organs.items() if cat != 30]
    s.dynamic = answer
    s.page(f"{h}/index.jsp", lambda req: page(f'<a href="{h}/xxgk/index.jsp">政府信息公开</a>', "密云区人民政府"))
    s.page(f"{h}/xxgk/index.jsp", lambda req: page(
        f'<a href="{h}/xxgk/list.jsp?catid=30">政府信息公开年报</a> <a href="{h}/xxgk/organs.jsp">部门和街道乡镇年报</a>'
        '<select onchange="window.open(this.value)"><option value="">友情链接</option>'
        '<option value="http://www.bjmy.gov.cn.example.com/">北京市人民政府</option></select>', "政府信息公开"))
    s.page(f"{h}/xxgk/organs.jsp", lambda req: page(
        f'<ul id="tree" class="ztree"></ul><script>var zNodes = {json.dumps(tree, ensure_ascii=False)};'
        '$.fn.zTree.init($("#tree"), {}, zNodes);</script>', "部门和街道乡镇年报"))
    s.serve_files()
    return s


# --- the Anhui XxgkContent vendor: a sub-site per organ, its 年报 list page_N.html ---------------

def xxgkcontent_site() -> Site:
    s = Site("xxgkcontent-qc", "none", hosts=("www.county-q.gov.cn",), start="http://www.county-q.gov.cn/")
    h = "http://www.county-q.gov.cn"
    organs = {991: "谯城区人民政府", 992: "谯城区十八里镇人民政府", 993: "谯城区古井镇人民政府", 994: "谯城区农业农村局"}
    docs_of = organ_columns(s, organs, 991, "xc", "interpretation",
                            lambda oid, d, k: f"{h}/XxgkAnnualReport/show/{6400 + oid * 10 + k}.html",
                            lambda oid, d, k: f"{h}/UploadFile/Xxgk/{oid}/{6400 + k}.{d.fmt}",
                            lambda d: article(d, body_class="xxgk_content"))
    for oid, items in docs_of.items():
        pages = n_pages(len(items), 3)
        for n in range(1, pages + 1):
            lis = "".join(f'<li><a href="{d.page or d.file}" title="{esc(d.title)}">{esc(d.title)}</a></li>'
                          for d in items[(n - 1) * 3:n * 3])
            nav = " ".join(f'<a href="page_{i}.html">{i}</a>' for i in range(1, pages + 1) if i != n)
            s.page(f"{h}/XxgkContent/showList/{oid}/0/page_{n}.html", (lambda b: lambda req: page(b, "政府信息公开年报"))(
                f'<div class="crumb">网站首页 &gt; 政府信息公开 &gt; {esc(organs[oid])} &gt; 政府信息公开年报</div>'
                f'<ul>{lis}</ul><div class="page">{nav}</div>'))
        s.page(f"{h}/Xxgk/index/{oid}.html", (lambda oid: lambda req: page(
            f'<h2>{esc(organs[oid])}</h2><a href="/XxgkContent/showList/{oid}/0/page_1.html">政府信息公开年报</a> '
            f'<a href="/XxgkGuide/show/{oid}.html">政府信息公开指南</a>', organs[oid]))(oid))
    s.page(f"{h}/", lambda req: page(f'<a href="{h}/Xxgk/index.html">政府信息公开</a>', "谯城区人民政府"))
    s.page(f"{h}/Xxgk/index.html", lambda req: page(
        '<div class="units"><h3>信息公开单位</h3><ul>' + "".join(
            f'<li><a href="/Xxgk/index/{oid}.html">{esc(name)}</a></li>' for oid, name in organs.items()) + "</ul></div>",
        "政府信息公开"))
    s.serve_files()
    return s


# --- Boda VSB with another tree, five a page counting down, downloads that need a Referer ---------

def boda_site() -> Site:
    s = Site("boda-qinan", "boda", hosts=("www.county-v.gov.cn",), start="http://www.county-v.gov.cn/index.htm")
    h = "http://www.county-v.gov.cn"
    docs = organ_docs(s, "秦安县人民政府", "bd", REPORTS + NEIGHBOURS + [(2020, "xlsx", "attach")])
    docs += organ_docs(s, "秦安县兴国镇人民政府", "bdt", [(2024, "html", "page"), (2023, "wps", "attach")])
    publish(s, docs, lambda d, k: f"{h}/info/2261/{773000 + k}.htm",
            lambda d, k: f"{h}/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1622&wbfileid={5000 + k}",
            lambda d: article(d, body_class="v_news_content"))
    files = {urlsplit(d.file).query.rsplit("=", 1)[1]: d for d in docs if d.file}
    items = newest_first(docs)
    pages = n_pages(len(items), 5)

    def path(k: int) -> str:          # page k (1 = newest): 2261.htm, then counting down
        return f"{h}/2261.htm" if k == 1 else f"{h}/2261/{pages - k + 1}.htm"

    for k in range(1, pages + 1):
        lis = "".join(f'<li><a href="{d.page or d.file}" title="{esc(d.title)}">{esc(d.title)}</a></li>'
                      for d in items[(k - 1) * 5:k * 5])
        nav = f'<a href="{path(k + 1)}" class="Next">下页</a>' if k < pages else ""
        s.page(path(k), (lambda b: lambda req: page(b, "政府信息公开年报"))(f'<ul>{lis}</ul><div>{nav}</div>'))

    def download(req: Request) -> Response | None:
        if req.path != "/system/_content/download.jsp":
            return None
        d = files.get(req.query.get("wbfileid", ""))
        if d is None or "county-v.gov.cn" not in req.headers.get("referer", ""):
            return page("<p>对不起，您无权访问该资源！</p>" + "<!-- vsb -->" * 300, "提示信息")
        return Response(200, file_bytes(d), DOC_TYPES[d.fmt])

    s.dynamic = download
    s.page(f"{h}/index.htm", lambda req: page(f'<a href="{h}/xxgk.htm">政府信息公开</a>', "首页"))
    s.page(f"{h}/xxgk.htm", lambda req: page(f'<a href="{h}/2261.htm">政府信息公开年报</a>', "政府信息公开"))
    return s


# --- Fujian: a static first page, the rest only through avalon.js and a POST ---------------------

FJ_JS = """(function () {
  var ul = document.getElementById("dyn"), bar = document.getElementById("pg");
  function load(p) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/fjdzapp/search");
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.onload = function () {
      var d = JSON.parse(xhr.responseText).data;
      document.getElementById("static").style.display = "none";
      ul.innerHTML = d.docs.map(function (e) { return '<li><a href="' + e.chnldocurl + '">' + e.doctitle + '</a></li>'; }).join("");
      bar.innerHTML = "";
      for (var i = 1; i <= Math.ceil(d.total / 4); i++) { var a = document.createElement("a"); a.textContent = i; a.href = "javascript:;";
        (function (n) { a.onclick = function () { load(n); }; })(i); bar.appendChild(a); }
    };
    xhr.send("channelid=200330&page=" + p + "&pageSize=4");
  }
  bar.onclick = null; window.loadPage = load; load(1);
})();"""


def fujian_site() -> Site:
    s = Site("fujian-mq", "fujian", hosts=("www.county-f.gov.cn",), start="http://www.county-f.gov.cn/index.htm")
    h = "http://www.county-f.gov.cn"
    col = f"{h}/zfxxgk/zfxxgkndbg/"
    docs = organ_docs(s, "闽清县人民政府", "fj", REPORTS + NEIGHBOURS + [(2020, "html", "page"), (2019, "pdf", "attach")])
    docs += organ_docs(s, "闽清县梅溪镇人民政府", "fjt", [(2024, "html", "page")])
    publish(s, docs, lambda d, k: f"{col}{d.date:%Y%m}/t{d.date:%Y%m%d}_{80500 + k}.htm",
            lambda d, k: f"{col}{d.date:%Y%m}/P0{d.date:%Y%m%d}{80500 + k:08d}.{d.fmt}",
            lambda d: article(d, body_class="TRS_Editor"))
    items = newest_first(docs)

    def search(req: Request) -> Response | None:
        if req.path != "/fjdzapp/search" or req.method != "POST":
            return None
        n = max(1, int(req.form.get("page", "1") or 1))
        recs = [{"chnldocurl": d.page or d.file, "doctitle": d.title, "docreltime": str(d.date)}
                for d in items[(n - 1) * 4:n * 4]]
        return as_json({"code": 0, "data": {"total": len(items), "page": n, "docs": recs}})

    s.dynamic = search
    first = "".join(f'<dd><a href="{d.page or d.file}" title="{esc(d.title)}">{esc(d.title)}</a></dd><dd>{d.date}</dd>'
                    for d in items[:4])
    s.page(f"{col}index.htm", lambda req: page(
        f'<dl id="static">{first}</dl><ul id="dyn" ms-controller="list"><li ms-repeat="list"><a ms-attr-href="el.chnldocurl">'
        '{{el.doctitle}}</a></li></ul><div id="pg" ms-include-src="pgTemp"></div>'
        f'<script>{FJ_JS}</script>', "政府信息公开年报", '<meta name="ColumnName" content="政府信息公开年报"><meta name="ChnlId" content="200330">'))
    s.page(f"{h}/index.htm", lambda req: page(f'<a href="{h}/zfxxgk/index.htm">政府信息公开</a>', "首页"))
    s.page(f"{h}/zfxxgk/index.htm", lambda req: page(f'<a href="{col}index.htm">政府信息公开年报</a>', "政府信息公开"))
    s.serve_files()
    return s


def build() -> list[Site]:
    return [
        trs_site(), lonsun_site(), hanweb_site(),
        gkmlpt_site("gkmlpt-hpx", "www.county-g.gov.cn", "/hpx/zwgk/index.html", "/hpx/gkmlpt/static/js/chunk.js",
                    "/hpx/gkmlpt/api", 13),
        gkmlpt_site("gkmlpt-hidden", "www.county-g2.gov.cn", "/xxgk/gkml/index.html", "/static/app/main.js",
                    "/xxgkml/gkmlpt/api", 26),
        ucap_site("ucap-412", "www.county-u.gov.cn", "hmx", "zfxxgk_list.shtml", "/search/",
                  "?_isAgg=true&_isJson=true&_pageSize=4&_template=index&page=", 4, True, False, True),
        ucap_site("ucap-hidden", "www.county-u2.gov.cn", "hmx2", "xxgklist.shtml", "/es-search/search/",
                  "?_template=ucap/cdtf&_pageSize=6&SORTED_TIME=DESC&page=", 6, False, True, False),
        public_site(), hebei_site(), nmg_site(), aspx_site(), spa_site(), jsp_site(), xxgkcontent_site(),
        boda_site(), fujian_site(),
    ]
