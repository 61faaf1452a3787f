"""A query-addressed disclosure platform (郑州市金水区, on 郑州's public.*.gov.cn): one path, every
page told apart by its query.

    /public/home.html                                  the district portal's home: 政务公开 → ?d=10
    /public/?d=<organ>                                 an organ's disclosure page (10: the district)
    /public/?a=dept&d=10                               organ directory: 部门, 乡镇（街道） tabs
    /public/?a=info&k=nb&d=<organ>[&page=N]            年报 list: ul.common-list > a (span, em),
                                                       3 a page, real pager links (.page-tile a)
                                                       that reorder the query and add _t=<time>
    /public/?a=info&k=guide&d=<organ>                  指南
    /public/D0110X/<id>.jhtml                          details (div.content-wrap)
    /public/attachment/<32hex>.<ext>                   files
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..web import Item, Request, Response, article_meta, esc, html_page, offsite_links
from .base import Portal

P = "/public/"
ORGANS = {
    # id: (name, group)
    10: ("郑州市金水区人民政府", None),
    1001: ("金水区教育局", "部门"),
    1002: ("金水区财政局", "部门"),
    1003: ("金水区民政局", "部门"),
    1101: ("金水区丰产路街道办事处", "乡镇（街道）"),
    1102: ("金水区文化路街道办事处", "乡镇（街道）"),
}
PER_PAGE = 3


class Public(Portal):
    """郑州 public.*.gov.cn (query-addressed: ?a=info&k=nb&d=<organ>; .jhtml details)

    Every page is the path /public/ with another query: the query is the page. The organ directory
    (?a=dept) leads to each organ's page (?d=…) and its 年报 list; pager links write the query in
    another order and add a time stamp, yet name the same pages.
    """

    name = "public"
    organ = "郑州市金水区人民政府"
    first_article = 9970100

    def plan(self) -> None:
        sp, ri, dis = self.spec, self.report_item, self.distractor
        o = ORGANS[10][0]
        ri("10", sp(2024, o, "html"))
        dis("10", "interpretation", 2024, organ=o, date=self.pubdate(2024, 0) + dt.timedelta(days=1))
        self.attach_item("10", sp(2023, o, "pdf"))
        dis("10", "notice", 2024, date=dt.date(2024, 12, 10))
        self.attach_item("10", sp(2022, o, "doc"))
        ri("10", sp(2021, o, "html"))
        self.attach_item("1001", sp(2024, ORGANS[1001][0], "docx"))
        ri("1002", sp(2024, ORGANS[1002][0], "html"))
        self.attach_item("1101", sp(2024, ORGANS[1101][0], "pdf"))
        dis("1101", "points", 2024, organ=ORGANS[1101][0])

    def place(self, item: Item) -> None:
        item.url = f"{P}D0110X/{item.art_id}.jhtml"
        for i, att in enumerate(item.attachments):
            att.url = f"{P}attachment/{hashlib.md5(f'{item.key}:{i}'.encode()).hexdigest()}.{att.spec.ext}"

    def start_urls(self) -> list[str]:
        return [P + "home.html"]

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, title: str, content: str, meta: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">{meta}<title>{esc(title)}-郑州市政府信息公开平台</title></head>
<body><div class="header"><span>{self.demo.chrome_date_text()}</span>
<a href="{P}?d=10">金水区政府信息公开</a> <a href="{P}?a=dept&amp;d=10">部门信息公开</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：郑州市人民政府办公厅　豫ICP备05001234号</p>
<p>访问量：{self.demo.visits(title)}</p></div></body></html>""")

    def home(self) -> Response:
        return self.frame("金水区人民政府", f"""<div class="nav"><a href="{P}home.html">首页</a>
<a href="{P}?d=10">政务公开</a> <a href="{P}news.html">新闻动态</a></div>""")

    def organ_page(self, oid: int) -> Response:
        name = ORGANS[oid][0]
        links = [("政府信息公开指南", f"?a=info&amp;k=guide&amp;d={oid}"),
                 ("政府信息公开年报", f"?a=info&amp;k=nb&amp;d={oid}"),
                 ("法定主动公开内容", f"?a=dir&amp;h=1&amp;p=D0104X&amp;d={oid}")]
        lis = "".join(f'<li><a href="{P}{q}">{t}</a></li>' for t, q in links)
        return self.frame(name, f'<div class="organ"><h2>{esc(name)}</h2><ul class="menu">{lis}</ul></div>')

    def directory(self) -> Response:
        tabs: dict[str, list] = {}
        for oid, (name, group) in ORGANS.items():
            if group:
                tabs.setdefault(group, []).append((oid, name))
        blocks = "".join(f'<div class="tab"><h3>{esc(g)}</h3><ul>' + "".join(
            f'<li><a href="{P}?d={oid}">{esc(n)}</a></li>' for oid, n in organs) + "</ul></div>"
            for g, organs in tabs.items())
        return self.frame("部门信息公开", f'<div class="dept-list">{blocks}</div>')

    def report_list(self, oid: int, page: int) -> Response:
        items = self.live(str(oid))
        pages = max(1, -(-len(items) // PER_PAGE))
        page = min(max(page, 1), pages)
        rows = "".join(f'<a href="{i.url}" title="{esc(i.title)}"><span>{esc(i.title)}</span>'
                       f'<em>{i.date:%Y-%m-%d}</em></a>'
                       for i in items[(page - 1) * PER_PAGE:page * PER_PAGE]) or "<p>暂无信息</p>"
        stamp = 1735689600 + page * 7 + self.demo.chrome_generation
        tile = [f'<a href="{P}?d={oid}&amp;k=nb&amp;a=info">首页</a>']
        tile += [f'<a href="{P}?a=info&amp;k=nb&amp;d={oid}&amp;page={n}&amp;_t={stamp}">{n}</a>'
                 for n in range(1, pages + 1) if n != page]
        if page < pages:
            tile.append(f'<a href="{P}?a=info&amp;k=nb&amp;d={oid}&amp;page={page + 1}">下一页</a>')
        return self.frame(f"{ORGANS[oid][0]}政府信息公开年报", f"""<div class="main"><h2>政府信息公开年报</h2>
<ul class="common-list page-list">{rows}</ul><div class="page-tile">{" ".join(tile)}</div></div>""")

    def guide(self, oid: int) -> Response:
        return self.frame("政府信息公开指南", f'<div class="content-wrap"><p>{esc(ORGANS[oid][0])}政府信息公开指南（略）。</p></div>')

    def parent(self, item: Item) -> str:
        return f"{P}?a=info&k=nb&d={item.column}"

    def article(self, item: Item) -> Response:
        organ = ORGANS[int(item.column)][0]
        files = "".join(f'<p>附件：<a href="{a.url}">{esc(a.name)}</a></p>' for a in item.attachments)
        content = f"""<div class="article"><h1>{self.title_html(item)}</h1>
<div class="info">发布机构：{esc(organ)}　发布日期：{item.date:%Y-%m-%d}</div>
<div class="content-wrap">{self.body_html(item)}</div>{files}</div>"""
        return self.frame(item.title, content, article_meta(item, organ, 9))

    def page_routes(self) -> dict:
        return {P + "home.html": lambda req: self.home(),
                P + "news.html": lambda req: self.frame("新闻动态", "<p>新闻动态（略）。</p>")}

    def handle(self, req: Request) -> Response | None:
        if req.path != P:
            return None
        q = req.query
        try:
            oid = int(q.get("d", "0"))
        except ValueError:
            oid = 0
        if oid not in ORGANS:
            return None
        a = q.get("a", "")
        if a == "dept":
            return self.directory()
        if a == "info" and q.get("k") == "nb":
            try:
                page = int(q.get("page", "1"))
            except ValueError:
                page = 1
            return self.report_list(oid, page)
        if a == "info" and q.get("k") == "guide":
            return self.guide(oid)
        if a == "dir":
            return self.frame("法定主动公开内容", "<p>暂无信息</p>")
        if not a:
            return self.organ_page(oid)
        return None

    def listing(self, item: Item) -> list[str]:
        n = self.page_number(item, self.live(item.column), PER_PAGE)
        base = f"{P}?a=info&k=nb&d={item.column}"
        return [base if n == 1 else f"{base}&page={n}"]
