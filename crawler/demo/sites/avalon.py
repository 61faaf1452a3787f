"""Fujian-style avalon front end (永泰县人民政府): the list is built in the browser only.

    /avalon/index.html                                   home
    /avalon/zfxxgk/zfxxgknb/index.html                   年报 column: an empty ms-repeat template;
                                                         its script computes the endpoint and a token
    POST /avalon/fjdzapp/search_<SiteId>                 channelid, page, pageSize, _t  -> JSON list
    /avalon/zfxxgk/zfxxgknb/YYYYMM/tYYYYMMDD_<id>.htm    details (div.article_title, div.TRS_Editor)
    /avalon/zfxxgk/zfxxgknb/YYYYMM/P0….pdf|doc           files; one PDF's link only from JS (qzbFile)
The whole prefix sits behind the 412 (瑞数-like) cookie challenge unless it is switched off, so
only a real browser gets in. The endpoint's name and the token are computed in JS: no page text
holds them.
"""

from __future__ import annotations

import datetime as dt
import json

from ..web import Item, Request, Response, esc, html_page, offsite_links, rel
from .base import Portal
from .trs import file_url

CHNL = "200210"
SITE_ID = "350125"
BASE = "/avalon/zfxxgk/zfxxgknb/"
ENDPOINT = f"/avalon/fjdzapp/search_{SITE_ID}"
PAGE_SIZE = 4

LIST_JS = r"""(function () {
  function meta(n) { return document.querySelector('meta[name="' + n + '"]').content; }
  var chnl = meta("ChnlId"), site = meta("SiteId");
  var seg = [112, 112, 97, 122, 100, 106, 102].reverse().map(function (c) { return String.fromCharCode(c); }).join("");
  var act = "hcraes".split("").reverse().join("");
  var key = 0;
  for (var i = 0; i < chnl.length; i++) { key = (key * 131 + chnl.charCodeAt(i)) % 1000003; }
  var ul = document.getElementById("list"), bar = document.getElementById("pgTemp");
  function load(page) {
    var token = ((key * 7 + page * 13 + Number(site)) % 999983).toString(16);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/avalon/" + seg + "/" + act + "_" + site);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.onload = function () {
      var d = JSON.parse(xhr.responseText).data;
      ul.innerHTML = d.list.map(function (el) {
        return '<li><a href="' + el.chnldocurl + '" title="' + el.doctitle + '" target="_blank">' + el.doctitle + '</a><span>' + el.docreltime + '</span></li>';
      }).join("");
      var pages = Math.ceil(d.total / d.pageSize), html = "";
      for (var p = 1; p <= pages; p++) html += p == page ? " <span>" + p + "</span>" : ' <a href="javascript:;" data-p="' + p + '">' + p + "</a>";
      bar.innerHTML = html;
      Array.prototype.forEach.call(bar.querySelectorAll("[data-p]"), function (a) { a.onclick = function () { load(+a.getAttribute("data-p")); }; });
    };
    xhr.send("channelid=" + chnl + "&page=" + page + "&pageSize=" + PAGE_SIZE + "&_t=" + token);
  }
  var PAGE_SIZE = 4;
  load(1);
})();
"""


def token(page: int) -> str:
    key = 0
    for ch in CHNL:
        key = (key * 131 + ord(ch)) % 1000003
    return format((key * 7 + page * 13 + int(SITE_ID)) % 999983, "x")


class Avalon(Portal):
    """Fujian intensive platform (TRS back end, avalon.js front end; browser-built list)

    Behind a 412 瑞数-like challenge; the column page has no list, only a script that computes the
    endpoint name and a token, POSTs and renders the JSON. A real browser is needed
    (scrapy-playwright).
    """

    name = "avalon"
    organ = "永泰县人民政府"
    needs = ("browser",)
    first_article = 97700

    def plan(self) -> None:
        o = self.organ
        sp, ri, dis = self.spec, self.report_item, self.distractor
        ri("nb", sp(2024, o, "html"))
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=4))
        ri("nb", sp(2023, o, "pdf"), "pdfonly")
        self.attach_item("nb", sp(2022, o, "doc"))
        dis("nb", "notice", 2022, date=dt.date(2022, 12, 2))
        ri("nb", sp(2021, o, "html"))
        self.attach_item("nb", sp(2024, "永泰县城峰镇人民政府", "pdf", organ_truth="城峰镇人民政府"),
                         date=dt.date(2025, 4, 8))          # late: 31 March

    def place(self, item: Item) -> None:
        month = f"{BASE}{item.date:%Y%m}/"
        item.url = f"{month}t{item.date:%Y%m%d}_{item.art_id}.htm"
        for i, att in enumerate(item.attachments):
            att.url = file_url(month, item, i, att.spec.ext)

    def start_urls(self) -> list[str]:
        return ["/avalon/index.html"]

    def frame(self, path: str, title: str, content: str, meta: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="SiteName" content="{self.organ}"><meta name="SiteIDCode" content="3501250001">
<meta name="SiteId" content="{SITE_ID}"><meta name="ColumnName" content="政府信息公开年报"><meta name="ChnlId" content="{CHNL}">
{meta}<title>{esc(title)}</title></head>
<body ms-controller="main"><div class="top"><span>{self.demo.chrome_date_text()}</span> <a href="{rel(path, '/avalon/index.html')}">首页</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：{self.organ}办公室　网站标识码：3501250001　闽ICP备05012345号</p>
<p>访问量：{self.demo.visits(path)}</p></div></body></html>""")

    def column(self) -> Response:
        path = BASE + "index.html"
        content = """<div class="position">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<div class="list" ms-controller="list"><ul id="list"><li ms-repeat="list" style="display:none"><a ms-attr-href="el.chnldocurl">{{el.doctitle}}</a><span>{{el.docreltime}}</span></li></ul>
<div id="pgTemp" ms-include-src="pgTemp"></div></div>
<script src="../../js/list.js"></script>"""
        return self.frame(path, "政府信息公开年报", content)

    def api(self, req: Request) -> Response:
        if req.method != "POST":
            return Response(405, json.dumps({"code": 405, "msg": "method not allowed"}), "application/json")
        form = req.form
        try:
            page = max(1, int(form.get("page", "1")))
            size = max(1, min(20, int(form.get("pageSize", str(PAGE_SIZE)))))
        except ValueError:
            page, size = 1, PAGE_SIZE
        if form.get("channelid") != CHNL or form.get("_t") != token(page):
            return Response(403, json.dumps({"code": 403, "msg": "非法请求"}, ensure_ascii=False), "application/json")
        items = self.live("nb")
        rows = [{"chnldocurl": i.url, "doctitle": i.title, "docreltime": f"{i.date:%Y-%m-%d}"}
                for i in items[(page - 1) * size:page * size]]
        body = {"code": 0, "data": {"total": len(items), "page": page, "pageSize": size, "list": rows}}
        return Response(200, json.dumps(body, ensure_ascii=False), "application/json")

    def parent(self, item: Item) -> str:
        return "./"

    def article(self, item: Item) -> Response:
        path = item.url
        body = self.body_html(item, "全文见附件。")
        files = ""
        if item.mode == "attach":
            files = "".join(f'<p>附件：<a href="{rel(path, a.url)}">{esc(a.name)}</a></p>' for a in item.attachments)
        elif item.mode == "pdfonly":
            name = item.attachments[0].url.rsplit("/", 1)[1]
            parts = [name[:8], name[8:16], name[16:]]
            body = self.paragraph.format("（全真版）")
            files = f"""<div class="qzb"><a id="qzbLink" ms-attr-href="qzbFile" target="_blank">文件下载</a>
<iframe id="qzbFrame" ms-attr-src="/generic2/web/viewer.html?file={{{{qzbFile}}}}" width="100%" height="760"></iframe></div>
<script>(function () {{ var qzbFile = ["./"].concat({json.dumps(parts)}).join("");
document.getElementById("qzbLink").href = qzbFile;
document.getElementById("qzbFrame").src = qzbFile; }})();</script>"""
        content = f"""<div class="article"><div class="article_title">{esc(item.title)}</div>
<div class="article_info"><span class="article_source">来源：{self.organ}办公室</span>
<span class="article_time">时间：{item.date:%Y-%m-%d}</span>
<span class="article_views">浏览量：{self.demo.visits(path) % 4000}</span></div>
<div class="TRS_Editor">{body}</div>{files}</div>"""
        meta = f'<meta name="ArticleTitle" content="{esc(item.title)}"><meta name="PubDate" content="{item.date:%Y-%m-%d}">'
        return self.frame(path, item.title, content, meta)

    def page_routes(self) -> dict:
        return {"/avalon/index.html": lambda req: self.frame(
                    "/avalon/index.html", "首页",
                    '<div class="box"><a href="zfxxgk/zfxxgknb/index.html">政府信息公开年报</a></div>'),
                BASE + "index.html": lambda req: self.column(),
                "/avalon/js/list.js": lambda req: Response(200, LIST_JS, "application/javascript")}

    def handle(self, req: Request) -> Response | None:
        if req.path == ENDPOINT:
            return self.api(req)
        return None

    def listing(self, item: Item) -> list[str]:
        return [f"POST {ENDPOINT} page={self.page_number(item, self.live('nb'), PAGE_SIZE)}"]
