"""Hebei's platform, a county of 石家庄 (灵寿县人民政府): columns named by a UUID, the list a block
a script loads by page number.

    /hebei/index.html                                          home
    /hebei/columns/<xxgk uuid>/index.html                      政府信息公开
    /hebei/columns/<nb uuid>/index.html                        政府信息公开年报: a shell whose script
                                                               loads its list block
    /hebei/columns/<nb uuid>/templates/<uuid>/blocks/<uuid>?page=N&fix=0
                                                               an HTML fragment: li.xxgk_gfxwjk-list-li
                                                               items, 4 a page, "共N页" and JS page links
    /hebei/columns/<nb uuid>/<YYYYMM>/<DD>/<uuid>.html         details
    /hebei/attachments/1/<YYYYMM>/<DD>/<name>.<ext>            files
"""

from __future__ import annotations

import datetime as dt
import uuid

from ..web import Item, Request, Response, article_meta, esc, html_page, offsite_links
from .base import Portal

XXGK = "0f6c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
NB = "49f13cc2-db03-4d0c-b4fe-2f3f659d3b6e"
TEMPLATE = "f46e1e7c-5d7e-4585-aacd-9f792cc2f27c"
BLOCK = "12a2ace1-a99f-428d-b067-48a9ceb838bd"
COL = f"/hebei/columns/{NB}/"
BLOCK_PATH = f"{COL}templates/{TEMPLATE}/blocks/{BLOCK}"
PER_PAGE = 4

LOAD_JS = """function loadBlock(page) {
  var box = document.getElementById("list-block");
  fetch(box.getAttribute("data-src") + "?page=" + page + "&fix=0").then(function (r) { return r.text(); })
    .then(function (html) { box.innerHTML = html; });
}
loadBlock(1);
"""


def uid(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


class Hebei(Portal):
    """Hebei /columns/<uuid>/ (list block by page number)

    The column page is a shell; its list is an HTML block fetched from
    /columns/<uuid>/templates/<uuid>/blocks/<uuid>?page=N&fix=0, whose pager only calls loadBlock(n).
    """

    name = "hebei"
    organ = "灵寿县人民政府"
    needs = ("js_or_api",)
    first_article = 700100

    def plan(self) -> None:
        o, sp, ri, dis = self.organ, self.spec, self.report_item, self.distractor
        ri("nb", sp(2024, o, "html"))
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=4))
        self.attach_item("nb", sp(2023, o, "pdf"))
        self.attach_item("nb", sp(2022, o, "wps"))
        dis("nb", "notice", 2023, date=dt.date(2023, 12, 4))
        ri("nb", sp(2024, "灵寿县慈峪镇人民政府", "html", organ_truth="慈峪镇人民政府"))
        self.attach_item("nb", sp(2024, "灵寿县卫生健康局", "xls"))
        dis("nb", "points", 2024)

    def place(self, item: Item) -> None:
        day = f"{item.date:%Y%m}/{item.date:%d}"
        item.url = f"{COL}{day}/{uid(item.key)}.html"
        for i, att in enumerate(item.attachments):
            att.url = f"/hebei/attachments/1/{day}/25ZFL{item.art_id}{i}.{att.spec.ext}"

    def start_urls(self) -> list[str]:
        return ["/hebei/index.html"]

    def frame(self, title: str, content: str, meta: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">{meta}<title>{esc(title)}-{self.organ}</title></head>
<body><div class="header"><span>{self.demo.chrome_date_text()}</span>
<a href="/hebei/index.html">首页</a> <a href="/hebei/columns/{XXGK}/index.html">政府信息公开</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：{self.organ}办公室　网站标识码：1301260001　冀ICP备05001111号</p>
<p>访问量：{self.demo.visits(title)}</p></div></body></html>""")

    def xxgk(self) -> Response:
        return self.frame("政府信息公开", f"""<ul class="xxgk">
<li><a href="/hebei/columns/{uid('guide')}/index.html">政府信息公开指南</a></li>
<li><a href="{COL}index.html">政府信息公开年报</a></li></ul>""")

    def column(self) -> Response:
        return self.frame("政府信息公开年报", f"""<div class="column"><h2>政府信息公开年报</h2>
<div id="list-block" data-src="{BLOCK_PATH}"></div></div><script>{LOAD_JS}</script>""")

    def block(self, req: Request) -> Response:
        items = self.live("nb")
        pages = max(1, -(-len(items) // PER_PAGE))
        try:
            page = min(max(1, int(req.query.get("page", "1"))), pages)
        except ValueError:
            page = 1
        lis = "".join(f'<li class="xxgk_gfxwjk-list-li"><a href="{i.url}" title="{esc(i.title)}" target="_blank">'
                      f'{esc(i.title)}</a><span>{i.date:%Y-%m-%d}</span></li>'
                      for i in items[(page - 1) * PER_PAGE:page * PER_PAGE])
        bar = " ".join(f'<a href="javascript:loadBlock({n})">{n}</a>' for n in range(1, pages + 1) if n != page)
        return html_page(f'<ul class="xxgk_gfxwjk-list">{lis}</ul><div class="page">共{pages}页 {bar}</div>')

    def parent(self, item: Item) -> str:
        return COL + "index.html"

    def article(self, item: Item) -> Response:
        files = "".join(f'<p><a href="{a.url}">{esc(a.name)}</a></p>' for a in item.attachments)
        content = f"""<div class="article"><h1>{self.title_html(item)}</h1>
<div class="info">发布日期：{item.date:%Y-%m-%d}</div><div class="article-content">{self.body_html(item)}</div>
<div class="fj">{files}</div></div>"""
        return self.frame(item.title, content, article_meta(item, self.organ, 11))

    def page_routes(self) -> dict:
        return {"/hebei/index.html": lambda req: self.frame("首页", f'<a href="/hebei/columns/{XXGK}/index.html">政府信息公开</a>'),
                f"/hebei/columns/{XXGK}/index.html": lambda req: self.xxgk(),
                f"/hebei/columns/{uid('guide')}/index.html": lambda req: self.frame("政府信息公开指南", "<p>（略）</p>"),
                COL + "index.html": lambda req: self.column()}

    def handle(self, req: Request) -> Response | None:
        return self.block(req) if req.path == BLOCK_PATH else None

    def listing(self, item: Item) -> list[str]:
        return [f"{BLOCK_PATH}?page={self.page_number(item, self.live('nb'), PER_PAGE)}&fix=0"]
