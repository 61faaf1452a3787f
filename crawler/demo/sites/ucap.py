"""开普云 UCAP county site (汤原县人民政府): the 年报 list is JSON a script fetches by channel id.

    /ucap/tyx/index.shtml                              home
    /ucap/tyx/c100120/zfxxgk.shtml                     政府信息公开
    /ucap/tyx/c100126/common_zfxxgknb.shtml            政府信息公开年报: <meta name="channelid">, an
                                                       empty list, a script that fetches
    /ucap/common/search/<channelid>?_isAgg=true&_isJson=true&_pageSize=…&_template=index&page=N
                                                       {"data": {"total", "page", "rows", "results":
                                                       [{"title", "url", "publishedTimeStr",
                                                       "resList": [{"fileName", "filePath"}]}]}};
                                                       5 a page whatever _pageSize says; an unknown
                                                       channel → {"data": {"total": 0, "results": []}}
    /ucap/tyx/c100126/<YYYYMM>/<32hex>.shtml           details (div.detail_content)
    /ucap/tyx/c100126/<YYYYMM>/<32hex>/files/<32hex>.<ext>   files
The whole prefix sits behind the 412 (瑞数-like) cookie challenge unless it is switched off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from ..web import Item, Request, Response, article_meta, esc, html_page, offsite_links
from .base import Portal

SITE = "/ucap/tyx/"
NB = "/ucap/tyx/c100126/"
LIST = NB + "common_zfxxgknb.shtml"
CHANNEL = "8f3b2c1d4e5a6b7c8d9e0f1a2b3c4d5e"
SEARCH = re.compile(r"^/ucap/common/search/([0-9a-f]{32})$")
PAGE_SIZE = 5

LIST_JS = r"""(function () {
  var channelId = document.querySelector('meta[name="channelid"]').content;
  var box = document.getElementById("list"), bar = document.getElementById("page");
  function load(page) {
    fetch(searchUrl + "?_isAgg=true&_isJson=true&_pageSize=20&_template=index&_rangeTimeGte=&_channelName=&page=" + page)
      .then(function (r) { return r.json(); }).then(function (res) {
        var d = res.data;
        box.innerHTML = d.results.map(function (a) {
          return '<li><a href="' + a.url + '" target="_blank" title="' + a.title + '">' + a.title + '</a><span>' + a.publishedTimeStr.slice(0, 10) + '</span></li>';
        }).join("");
        var pages = Math.ceil(d.total / d.rows), html = "";
        for (var p = 1; p <= pages; p++) html += p == page ? " <b>" + p + "</b>" : ' <a href="javascript:;" data-p="' + p + '">' + p + "</a>";
        bar.innerHTML = html;
        bar.querySelectorAll("[data-p]").forEach(function (a) { a.onclick = function () { load(+a.getAttribute("data-p")); }; });
      });
  }
  var searchUrl = "/ucap/common/search/" + channelId;
  load(1);
})();
"""


def hex32(key: str) -> str:
    return hashlib.md5(key.encode()).hexdigest()


class Ucap(Portal):
    """开普云 UCAP (/<site>/c<id>/<template>.shtml; list JSON by channel id; 412 challenge)

    The 年报 column page holds only <meta name="channelid"> and a script; the list is JSON from
    /common/search/<channelid>?_isJson=true…&page=N, whose records carry their files (resList).
    Behind a 412 瑞数-like challenge.
    """

    name = "ucap"
    organ = "汤原县人民政府"
    needs = ("js_or_api", "cookies")
    first_article = 400100

    def plan(self) -> None:
        o, sp, ri, dis = self.organ, self.spec, self.report_item, self.distractor
        ri("nb", sp(2024, o, "html"))
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=2))
        self.attach_item("nb", sp(2023, o, "pdf"))
        dis("nb", "notice", 2024, date=dt.date(2024, 12, 16))
        self.attach_item("nb", sp(2022, o, "docx"))
        self.attach_item("nb", sp(2024, "汤原县香兰镇人民政府", "doc", organ_truth="香兰镇人民政府"))
        ri("nb", sp(2024, "汤原县教育局", "html"))
        self.attach_item("nb", sp(2023, "汤原县财政局", "xlsx"))
        dis("nb", "points", 2024)

    def place(self, item: Item) -> None:
        h = hex32(item.key)
        month = f"{NB}{item.date:%Y%m}/"
        item.url = f"{month}{h}.shtml"
        for i, att in enumerate(item.attachments):
            att.url = f"{month}{h}/files/{hex32(f'{item.key}:{i}')}.{att.spec.ext}"

    def start_urls(self) -> list[str]:
        return [SITE + "index.shtml"]

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, title: str, content: str, head: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="SiteName" content="{self.organ}">
<meta name="SiteDomain" content="www.tangyuan.gov.cn"><meta name="SiteIDCode" content="2308280001">
{head}<title>{esc(title)}_{self.organ}</title></head>
<body><div class="header"><span class="date">{self.demo.chrome_date_text()}</span>
<div class="nav"><a href="{SITE}index.shtml">首页</a> <a href="{SITE}c100120/zfxxgk.shtml">政府信息公开</a></div></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：{self.organ}办公室　网站标识码：2308280001　黑ICP备05000777号</p>
<p>访问量：{self.demo.visits(title)}</p></div></body></html>""")

    def home(self) -> Response:
        return self.frame("首页", f"""<div class="box"><h3>政务公开</h3><ul>
<li><a href="{SITE}c100120/zfxxgk.shtml">政府信息公开</a></li>
<li><a href="{SITE}c100111/list.shtml">工作动态</a></li></ul></div>""")

    def xxgk(self) -> Response:
        return self.frame("政府信息公开", f"""<div class="xxgk-nav"><ul>
<li><a href="{SITE}c100121/zfxxgk_list.shtml">政府信息公开指南</a></li>
<li><a href="{SITE}c100122/zfxxgk_list.shtml">政府信息公开制度</a></li>
<li><a href="{LIST}">政府信息公开年报</a></li></ul></div>""")

    def column(self) -> Response:
        head = (f'<meta name="channelid" content="{CHANNEL}">\n<meta name="ColumnName" content="政府信息公开年报">\n')
        return self.frame("政府信息公开年报", '<div class="list-box"><h2>政府信息公开年报</h2>'
                          '<ul id="list" class="list"></ul><div id="page" class="page"></div></div>'
                          f'<script>{LIST_JS}</script>', head)

    def plain(self, title: str) -> Response:
        return self.frame(title, f'<div class="list-box"><h2>{esc(title)}</h2><p>暂无信息。</p></div>')

    def search(self, req: Request, channel: str) -> Response:
        items = self.live("nb") if channel == CHANNEL else []
        try:
            page = max(1, int(req.query.get("page", "1")))
        except ValueError:
            page = 1
        base = f"//{req.host}"
        results = [{"title": i.title, "url": base + i.url, "publishedTime": 0,
                    "publishedTimeStr": f"{i.date:%Y-%m-%d} 10:00:00", "channelName": "政府信息公开年报",
                    "resList": [{"fileName": a.name, "filePath": a.url} for a in i.attachments]}
                   for i in items[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
        body = {"data": {"total": len(items), "page": page, "rows": PAGE_SIZE, "channelId": channel,
                         "channelName": "政府信息公开年报", "results": results}, "success": True}
        return Response(200, json.dumps(body, ensure_ascii=False), "application/json")

    def parent(self, item: Item) -> str:
        return LIST

    def article(self, item: Item) -> Response:
        files = "".join(f'<p><a href="{a.url}" target="_blank">{esc(a.name)}</a></p>' for a in item.attachments)
        meta = article_meta(item, self.organ, 10)
        content = f"""<div class="detail"><h1 class="title">{self.title_html(item)}</h1>
<div class="info">发布时间：{item.date:%Y-%m-%d}　来源：{esc(self.organ)}</div>
<div class="detail_content">{self.body_html(item)}</div><div class="files">{files}</div></div>"""
        return self.frame(item.title, content, meta)

    def page_routes(self) -> dict:
        return {SITE + "index.shtml": lambda req: self.home(),
                SITE + "c100120/zfxxgk.shtml": lambda req: self.xxgk(),
                LIST: lambda req: self.column(),
                SITE + "c100121/zfxxgk_list.shtml": lambda req: self.plain("政府信息公开指南"),
                SITE + "c100122/zfxxgk_list.shtml": lambda req: self.plain("政府信息公开制度"),
                SITE + "c100111/list.shtml": lambda req: self.plain("工作动态")}

    def handle(self, req: Request) -> Response | None:
        m = SEARCH.match(req.path)
        if m:
            return self.search(req, m.group(1))
        return None

    def listing(self, item: Item) -> list[str]:
        n = self.page_number(item, self.live("nb"), PAGE_SIZE)
        return [f"/ucap/common/search/{CHANNEL}?page={n}"]
