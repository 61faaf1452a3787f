"""Anhui Lonsun EX site (相山区人民政府): an organ directory, one 年报 column per organ.

    /lonsun/index.html                                       home
    /lonsun/zwgk/index.html                                  organ directory (<h2> groups), also
    /lonsun/zwgk/public/column/<organ>?action=rel            the same directory
    /lonsun/zwgk/public/column/<organ>?type=2                政府信息公开指南 (the seed URL shape
                                                             column/33?type=2&activeId=333 answers it)
    /lonsun/zwgk/public/column/<organ>?type=1&action=list    制度
    /lonsun/zwgk/public/column/<organ>?type=3&action=list    年报 list; &pageIndex=n (JS-only paging)
    /lonsun/zwgk/public/column/<organ>?type=4&action=list    目录 shell; rows from
    /lonsun/site/label/8888?labelName=publicInfoList&organId=…&type=4&pageIndex=…   (HTML fragment)
    /lonsun/zwgk/public/column/<organ>?type=5&active=0       依申请公开
    /lonsun/zwgk/public/<organ>/<id>.html                    detail (div.wzcon)
    /lonsun/public/content/<id>                              its dynamic twin
    /lonsun/wap/public/content/<id>                          its mobile mirror
    /lonsun/group1/M00/…                                     FastDFS attachments
    /lonsun/mongo/download/<24hex>                           attachments whose filename depends on UA
    /lonsun/site/search/?keywords=…&page=N                   endless search pages (robots.txt disallows)
``activeId`` is accepted everywhere and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import quote

from ..content import ReportSpec
from ..web import (Attachment, Item, Request, Response, article_meta, esc, gone, html_page,
                   offsite_links)
from .base import Portal

SITE_ID = 6788
PER_PAGE = 3
CATALOG_PAGE = 10
ORGANS = {
    # organ id: (name, group, code)
    33: ("相山区人民政府", "区政府", "11340603003073497J"),
    6596101: ("相山区教育体育局", "区政府部门", "11340603MB1956307X"),
    6596102: ("相山区财政局", "区政府部门", "113406030030734889"),
    6596201: ("渠沟镇人民政府", "镇（街道）", "11340603003073841N"),
    6596202: ("南黎街道办事处", "镇（街道）", "11340603003073700H"),
    6596203: ("曲阳街道办事处", "镇（街道）", "11340603003073719E"),
}
COLUMN = re.compile(r"^/lonsun/zwgk/public/column/(\d+)$")
DETAIL = re.compile(r"^/lonsun/zwgk/public/(\d+)/(\d+)\.html$")
TWIN = re.compile(r"^/lonsun/(wap/)?public/content/(\d+)$")

LS_JS = r"""var Ls = Ls || {};
Ls.pagination = function (selector, callback, opts) {
  var box = document.querySelector(selector); if (!box) return;
  var html = [], cur = opts.currPage, n = opts.pageCount;
  if (n <= 1) { return; }
  function link(i, text) { return '<a href="javascript:;" data-page="' + i + '">' + text + '</a>'; }
  if (cur > 1) html.push(link(cur - 1, "上一页"));
  for (var i = 1; i <= n; i++) html.push(i == cur ? '<span class="current">' + i + '</span>' : link(i, i));
  if (cur < n) html.push(link(cur + 1, "下一页"));
  box.innerHTML = html.join(" ") + " 共" + n + "页";
  box.onclick = function (e) { var p = e.target.getAttribute("data-page"); if (p) callback(parseInt(p, 10)); };
};
"""


class Lonsun(Portal):
    """Lonsun EX (Anhui /public/column; organ directory; Ls.pagination)

    Organ directory grouped by <h2>; each organ's 年报 list pages only through Ls.pagination
    (&pageIndex=n). Details have a dynamic twin and a /wap/ mirror; activeId is ignored. The 目录
    (type=4) rows come from /site/label/8888 by AJAX.
    """

    name = "lonsun"
    organ = "相山区人民政府"
    needs = ("js_paging",)
    first_article = 62800300
    report_column = "33"
    paragraph = '<p style="text-indent:2em">{}</p>'

    def new_file(self, spec: ReportSpec, store: str = "fastdfs") -> Attachment:
        """A report's file, in FastDFS (``group1/M00/…``) or MongoDB GridFS (``mongo/download``)."""
        return Attachment(spec, self.file_title(spec), flags={store})

    def plan(self) -> None:
        sp, ri, dis = self.spec, self.report_item, self.distractor

        def attach(col, spec, store="fastdfs", **kw):
            return ri(col, spec, "attach", attachments=[self.new_file(spec, store)], **kw)

        o = ORGANS[33][0]
        ri("33", sp(2024, o, "html"))
        dis("33", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=3))
        ri("33", sp(2023, o, "html"), flags={"dynamic_link"})
        dis("33", "notice", 2023, date=dt.date(2023, 12, 12))
        attach("33", sp(2022, o, "doc"))
        attach("33", sp(2021, o, "wps"), "mongo")
        attach("33", sp(2020, o, "pdf"))
        ri("33", sp(2019, o, "html"))
        o = ORGANS[6596101][0]
        attach("6596101", sp(2024, o, "docx"), "mongo")
        ri("6596101", sp(2023, o, "html"))
        o = ORGANS[6596102][0]
        ri("6596102", sp(2024, o, "html"))
        attach("6596102", sp(2023, o, "pdf", source="html"))
        o = ORGANS[6596201][0]
        ri("6596201", sp(2024, o, "html"))
        attach("6596201", sp(2023, o, "doc"), "mongo", date=dt.date(2024, 4, 15))  # late: 31 March
        attach("6596201", sp(2022, o, "wps"))
        o = ORGANS[6596202][0]
        ri("6596202", sp(2024, o, "html"))
        dis("6596202", "points", 2024, organ=o)
        for organ_id, (name, *_r) in ORGANS.items():
            dis(str(organ_id), "guide", 2024, organ=name, date=dt.date(2024, 3, 15))
        for item in self.items:
            if item.kind == "guide":
                item.flags.add("catalog_only")

    def place(self, item: Item) -> None:
        item.url = f"/lonsun/zwgk/public/{item.column}/{item.art_id}.html"
        item.aliases = [f"/lonsun/public/content/{item.art_id}", f"/lonsun/wap/public/content/{item.art_id}"]
        for i, att in enumerate(item.attachments):
            h = hashlib.sha1(f"{item.key}:{i}".encode()).hexdigest()
            if "mongo" in att.flags:
                att.url = f"/lonsun/mongo/download/{h[:24]}"
            else:
                tail = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"[int(h[j:j + 2], 16) % 64]
                               for j in range(0, 40, 2))
                att.url = f"/lonsun/group1/M00/{h[20:22].upper()}/{h[22:24].upper()}/Cq{tail}.{att.spec.ext}"

    def start_urls(self) -> list[str]:
        return ["/lonsun/index.html", "/lonsun/zwgk/public/column/33?type=2&activeId=333"]

    def traps(self) -> list[dict]:
        return [{"url": "/lonsun/site/search/?keywords=%E5%B9%B4%E6%8A%A5&page=1", "kind": "search",
                 "robots_disallowed": True}]

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, title: str, content: str, meta: str = "") -> Response:
        page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="UTF-8">
<meta name="SiteName" content="相山区人民政府"><meta name="SiteDomain" content="www.hbxs.gov.cn">
<meta name="SiteIDCode" content="3406030001">
{meta}<title>{esc(title)}_相山区人民政府</title>
<script type="text/javascript" src="/lonsun/assets/js/ls.js"></script>
</head><body>
<div class="header"><div class="date">{self.demo.chrome_date_text()}</div>
<div class="nav"><a href="/lonsun/index.html">首页</a> <a href="/lonsun/zwgk/index.html">信息公开</a>
<a href="/lonsun/site/search/?keywords=%E5%B9%B4%E6%8A%A5&page=1">站内搜索</a></div></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：相山区人民政府办公室　网站标识码：3406030001　皖ICP备05001010号</p>
<p>访问量：{self.demo.visits(title)}</p></div>
</body></html>"""
        return html_page(page)

    def organ_nav(self, organ_id: int) -> str:
        base = f"/lonsun/zwgk/public/column/{organ_id}"
        links = [("政府信息公开指南", "?type=2"), ("政府信息公开制度", "?type=1&action=list"),
                 ("法定主动公开内容", "?type=4&action=list"), ("政府信息公开年报", "?type=3&action=list"),
                 ("依申请公开", "?type=5&active=0")]
        lis = "".join(f'<li><a href="{base}{q}&activeId={organ_id * 10 + i}">{t}</a></li>'
                      for i, (t, q) in enumerate(links))
        return (f'<div class="xxgk_left"><h3>{esc(ORGANS[organ_id][0])}</h3><ul>{lis}</ul>'
                f'<p><a href="/lonsun/zwgk/index.html">信息公开单位</a></p></div>')

    def directory(self) -> Response:
        groups: dict[str, list] = {}
        for oid, (name, group, _) in ORGANS.items():
            groups.setdefault(group, []).append((oid, name))
        blocks = []
        for group, organs in groups.items():
            lis = "".join(
                f'<li><a href="/lonsun/zwgk/public/column/{oid}?type=4&action=list">{esc(name)}</a>'
                f'<p class="fr"><a href="/lonsun/zwgk/public/column/{oid}?type=2">指南</a>'
                f'<a href="/lonsun/zwgk/public/column/{oid}?type=4&action=list">目录</a>'
                f'<a href="/lonsun/zwgk/public/column/{oid}?type=3&action=list">年报</a>'
                f'<a href="/lonsun/zwgk/public/column/{oid}?type=5">申请</a></p></li>'
                for oid, name in organs)
            blocks.append(f'<div class="xxgkmnbox"><h2>{esc(group)}</h2><ul>{lis}</ul></div>')
        return self.frame("信息公开单位", '<div class="xxgk_main">' + "".join(blocks) + "</div>")

    def report_list(self, organ_id: int, page: int) -> Response:
        items = self.live(str(organ_id))
        items = [i for i in items if "catalog_only" not in i.flags]
        pages = max(1, -(-len(items) // PER_PAGE))
        page = min(max(page, 1), pages)
        lis = []
        for k, item in enumerate(items[(page - 1) * PER_PAGE:page * PER_PAGE]):
            href = item.aliases[0] if "dynamic_link" in item.flags else item.url
            lis.append(f'<li class="{"odd" if k % 2 == 0 else "even"}"><a href="{href}" target="_blank" '
                       f'title="{esc(item.title)}" class="left">{esc(item.title)}</a>'
                       f'<span class="right date">{item.date:%Y-%m-%d}</span></li>')
        if not lis:
            lis.append('<li class="no-data">暂无相关信息</li>')
        prefix = f"/lonsun/zwgk/public/column/{organ_id}?type=3&action=list"
        content = f"""<div class="xxgk_wrap">{self.organ_nav(organ_id)}
<div class="xxgk_right"><div class="xxgk_title">政府信息公开年报</div>
<ul class="doc_list list-{organ_id}">
{"".join(lis)}
</ul>
<div id="page_public_info" class="pagination"></div>
<script>
var linkPrefix = "{prefix}";
Ls.pagination("#page_public_info", function (pageIndex) {{
    location.href = linkPrefix + "&pageIndex=" + pageIndex;
}}, {{currPage: {page}, pageCount: {pages}}});
</script></div></div>"""
        return self.frame(f"{ORGANS[organ_id][0]}政府信息公开年报", content)

    def guide(self, organ_id: int) -> Response:
        item = next((i for i in self.items if i.column == str(organ_id) and i.kind == "guide"), None)
        text = esc(item.text) if item else "本单位政府信息公开指南正在编制中。"
        content = (f'<div class="xxgk_wrap">{self.organ_nav(organ_id)}<div class="xxgk_right">'
                   f'<div class="xxgk_title">政府信息公开指南</div><div class="wzcon"><p>{text}</p></div></div></div>')
        return self.frame(f"{ORGANS[organ_id][0]}政府信息公开指南", content)

    def plain(self, organ_id: int, title: str) -> Response:
        content = (f'<div class="xxgk_wrap">{self.organ_nav(organ_id)}<div class="xxgk_right">'
                   f'<div class="xxgk_title">{title}</div><ul class="doc_list"><li class="no-data">暂无相关信息</li>'
                   '</ul></div></div>')
        return self.frame(f"{ORGANS[organ_id][0]}{title}", content)

    def catalog_shell(self, organ_id: int) -> Response:
        content = f"""<div class="xxgk_wrap">{self.organ_nav(organ_id)}
<div class="xxgk_right"><div class="xxgk_title">法定主动公开内容</div>
<div class="xxgk_nav_title"><ul><li class="xh">序号</li><li class="yh">索引号</li><li class="mc">信息名称</li><li class="rq">发布日期</li></ul></div>
<div id="xxgk_lists"></div><div id="page_public_info" class="pagination"></div>
<script>
function loadPage(pageIndex) {{
  var url = "/lonsun/site/label/8888?labelName=publicInfoList&siteId={SITE_ID}&organId={organ_id}&catId=&type=4"
          + "&pageIndex=" + pageIndex + "&pageSize={CATALOG_PAGE}&file=%2Fxxgk%2FpublicInfoList_newest2020";
  fetch(url).then(function (r) {{ return r.text(); }}).then(function (html) {{
    document.getElementById("xxgk_lists").innerHTML = html;
    var m = html.match(/data-pagecount="(\\d+)"/);
    Ls.pagination("#page_public_info", loadPage, {{currPage: pageIndex, pageCount: m ? parseInt(m[1], 10) : 1}});
  }});
}}
loadPage(1);
</script></div></div>"""
        return self.frame(f"{ORGANS[organ_id][0]}法定主动公开内容", content)

    def catalog_fragment(self, req: Request) -> Response:
        q = req.query
        if q.get("labelName") != "publicInfoList" or not q.get("organId", "").isdigit():
            return Response(200, "", "text/html")
        organ = q["organId"]
        try:
            page = max(1, int(q.get("pageIndex", "1")))
            size = max(1, min(50, int(q.get("pageSize", str(CATALOG_PAGE)))))
        except ValueError:
            page, size = 1, CATALOG_PAGE
        items = self.live(organ)
        pages = max(1, -(-len(items) // size))
        code = ORGANS.get(int(organ), ("", "", "000000000000000000"))[2]
        rows = []
        for k, item in enumerate(items[(page - 1) * size:page * size], start=(page - 1) * size + 1):
            rows.append(f'<div class="xxgk_navli"><ul><li class="xh">{k}</li>'
                        f'<li class="yh">{code}/{item.date.year}-{item.art_id % 100000:05d}</li>'
                        f'<li class="mc"><a href="{item.url}" target="_blank" title="{esc(item.title)}">'
                        f'{esc(item.title)}</a></li><li class="rq">{item.date:%Y-%m-%d}</li></ul></div>')
        return Response(200, f'<div class="xxgk_list" data-pagecount="{pages}">' + "".join(rows) + "</div>",
                        "text/html")

    def parent(self, item: Item) -> str:
        return f"/lonsun/zwgk/public/column/{item.column}?type=3&action=list"

    def article(self, item: Item, mobile: bool = False) -> Response:
        organ = ORGANS[int(item.column)][0]
        title = self.title_html(item)
        # The counter and tools sit inside the text's container, as on many Lonsun sites.
        body = self.body_html(item) + (
            f'\n<p class="wzcon-tools">【阅读次数：{self.demo.visits(item.url + "#read") % 3000}】'
            '【<a href="javascript:window.print()">打印本页</a>】'
            '【<a href="javascript:window.close()">关闭窗口</a>】</p>')
        files = ""
        if item.mode == "attach":
            files = '<div class="fjxz"><p>附件下载：</p><ul>' + "".join(
                f'<li><a href="{a.url}" target="_blank">{esc(a.name)}</a></li>' for a in item.attachments) + \
                "</ul></div>"
        meta = (article_meta(item, organ, 16) +
                f'<meta name="HtmlGenerateTime" content="{self.demo.today():%Y-%m-%d} 08:00:00">\n')
        code = ORGANS[int(item.column)][2]
        if mobile:
            content = (f'<div class="wap"><h1>{title}</h1><p>{item.date:%Y-%m-%d}</p>'
                       f'<div class="wzcon">{body}</div>{files}</div>')
        else:
            content = f"""<div class="xxgk_wrap">{self.organ_nav(int(item.column))}
<div class="xxgk_right"><table class="xxgk_table"><tr><th>索引号：</th><td>{code}/{item.date.year}-{item.art_id % 100000:05d}</td>
<th>信息分类：</th><td>政府信息公开年报</td></tr><tr><th>发布机构：</th><td>{esc(organ)}</td><th>发布日期：</th>
<td>{item.date:%Y-%m-%d}</td></tr></table>
<div class="wztit"><h1>{title}</h1></div>
<div class="wzbjxx">发布时间：{item.date:%Y-%m-%d}　来源：{esc(organ)}　浏览次数：<span>{self.demo.visits(item.url) % 2000}</span>
　<a href="/lonsun/wap/public/content/{item.art_id}">手机版</a></div>
<div class="wzcon j-fontContent">{body}</div>{files}</div></div>"""
        return self.frame(item.title, content, meta)

    def file(self, att: Attachment, req: Request) -> Response:
        resp = self.file_response(att.spec, att)
        if "mongo" in att.flags:
            ua = req.headers.get("user-agent", "")
            if "Firefox" in ua:
                raw = att.name.encode("gb2312", "replace").decode("latin-1")
                disp = f"attachment;filename={raw}"
            else:
                disp = f"attachment; filename={quote(att.name)}"
            resp.content_type = "application/octet-stream"
            resp.headers.append(("Content-Disposition", disp))
        return resp

    def search(self, req: Request) -> Response:
        try:
            page = max(1, int(req.query.get("page", "1")))
        except ValueError:
            page = 1
        kw = req.query.get("keywords", "")
        return self.frame("站内搜索", f'<div class="search"><p>关键词：{esc(kw)}　第{page}页</p>'
                          f'<p>未找到相关结果。</p><a href="/lonsun/site/search/?keywords={quote(kw)}&page={page + 1}">下一页</a>'
                          f' <a href="/lonsun/site/search/?keywords={quote(kw)}&page={page + 1}&sort=date">按日期</a></div>')

    def page_routes(self) -> dict:
        return {"/lonsun/index.html": lambda req: self.home(),
                "/lonsun/zwgk/index.html": lambda req: self.directory(),
                "/lonsun/assets/js/ls.js": lambda req: Response(200, LS_JS, "application/javascript")}

    def home(self) -> Response:
        return self.frame("首页", """<div class="box"><h3>政务公开</h3><ul>
<li><a href="/lonsun/zwgk/index.html">信息公开单位</a></li>
<li><a href="/lonsun/zwgk/public/column/33?type=2&activeId=333">政府信息公开指南</a></li>
<li><a href="/lonsun/zwgk/public/column/33?type=3&action=list&activeId=334">政府信息公开年报</a></li></ul></div>""")

    def handle(self, req: Request) -> Response | None:
        p = req.path
        m = COLUMN.match(p)
        if m:
            oid = int(m.group(1))
            if oid not in ORGANS:
                return None
            q = req.query
            t, action = q.get("type", ""), q.get("action", "")
            if action == "rel":
                return self.directory()
            if t == "2":
                return self.guide(oid)
            if t == "3":
                try:
                    page = int(q.get("pageIndex", "1"))
                except ValueError:
                    page = 1
                return self.report_list(oid, page)
            if t == "4":
                return self.catalog_shell(oid)
            if t == "1":
                return self.plain(oid, "政府信息公开制度")
            if t == "5":
                return self.plain(oid, "依申请公开")
            return self.catalog_shell(oid)
        m = TWIN.match(p)
        if m:
            art = int(m.group(2))
            for item in self.items:
                if item.art_id == art and item.status == "gone":
                    return gone(p)
                if item.art_id == art and item.status != "removed":
                    return self.detail(item, mobile=bool(m.group(1)))
            return None
        if p == "/lonsun/site/label/8888":
            return self.catalog_fragment(req)
        if p in ("/lonsun/site/search/", "/lonsun/site/search"):
            return self.search(req)
        return None

    def listing(self, item: Item) -> list[str]:
        organ = item.column
        if "catalog_only" in item.flags:
            return [f"/lonsun/site/label/8888?labelName=publicInfoList&organId={organ}&type=4"]
        n = self.page_number(item, [i for i in self.live(organ) if "catalog_only" not in i.flags], PER_PAGE)
        base = f"/lonsun/zwgk/public/column/{organ}?type=3&action=list"
        return [base if n == 1 else f"{base}&pageIndex={n}"]
