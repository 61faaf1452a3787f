"""Inner Mongolia's platform, a banner of 呼和浩特 (土默特左旗人民政府): a menu whose columns are
named only in data-url attributes.

    /nmg/index.html                                    home
    /nmg/zfxxgk/fdzdgknr/?gk=3&cid=<n>                 政府信息公开: a left menu
                                                       (<a href="javascript:;" data-url="./zfxxgknb/">)
                                                       and an iframe a script points at the chosen
                                                       entry's data-url
    /nmg/zfxxgk/fdzdgknr/zfxxgknb/index.html, index_1.html   年报 list: a table, createPageHTML paging
    /nmg/zfxxgk/fdzdgknr/zfxxgknb/<YYYYMM>/t<YYYYMMDD>_<id>.html   details
    /nmg/zfxxgk/fdzdgknr/zfxxgknb/<YYYYMM>/P0….<ext>   files
"""

from __future__ import annotations

import datetime as dt

from ..web import Item, Request, Response, article_meta, esc, html_page, offsite_links
from .base import Portal
from .trs import file_url

BASE = "/nmg/zfxxgk/fdzdgknr/"
NB = BASE + "zfxxgknb/"
PER_PAGE = 4
MENU = [(8225, "政策文件", "./zcwj/"), (8226, "政府信息公开指南", "./zfxxgkzn/"),
        (8230, "政府信息公开年报", "./zfxxgknb/")]

FRAME_JS = """var on = document.querySelector("li.on a[data-url]");
if (on) { document.getElementById("iframe").src = on.getAttribute("data-url"); }
"""


class Nmg(Portal):
    """Inner Mongolia ?gk=3&cid= (columns only in data-url; iframe; TRS-like lists)

    The 政府信息公开 page ?gk=3&cid=… names its columns' lists only in data-url attributes that a
    script loads into an iframe; the lists page the TRS way (createPageHTML).
    """

    name = "nmg"
    organ = "土默特左旗人民政府"
    first_article = 8800100

    def plan(self) -> None:
        o, sp, ri, dis = self.organ, self.spec, self.report_item, self.distractor
        ri("nb", sp(2024, o, "html"))
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=3))
        self.attach_item("nb", sp(2023, o, "docx"))
        ri("nb", sp(2024, "土默特左旗察素齐镇人民政府", "html", organ_truth="察素齐镇人民政府"))
        dis("nb", "notice", 2024, date=dt.date(2024, 12, 2))
        self.attach_item("nb", sp(2024, "土默特左旗教育局", "pdf"))
        self.attach_item("nb", sp(2022, o, "xlsx"))

    def place(self, item: Item) -> None:
        month = f"{NB}{item.date:%Y%m}/"
        for i, att in enumerate(item.attachments):
            att.url = file_url(month, item, i, att.spec.ext)
        item.url = f"{month}t{item.date:%Y%m%d}_{item.art_id}.html"

    def start_urls(self) -> list[str]:
        return ["/nmg/index.html"]

    def frame(self, title: str, content: str, meta: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">{meta}<title>{esc(title)}-{self.organ}</title></head>
<body><div id="barrierfree_container"><div class="header"><span>{self.demo.chrome_date_text()}</span>
<a href="/nmg/index.html">首页</a> <a href="{BASE}?gk=3&amp;cid=8225">政府信息公开</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：{self.organ}办公室　网站标识码：1501210001</p>
<p>访问量：{self.demo.visits(title)}</p></div></div></body></html>""")

    def menu_page(self, cid: int) -> Response:
        lis = "".join(f'<li class="{"on" if c == cid else ""}"><div><div><a href="javascript:;" data-url="{u}" '
                      f'data-cid="{c}">{t}</a></div></div></li>' for c, t, u in MENU)
        return self.frame("政府信息公开", f"""<div class="left"><ul class="menu">{lis}</ul></div>
<div class="right"><iframe id="iframe" src="" width="100%" height="900" frameborder="0"></iframe></div>
<script>{FRAME_JS}</script>""")

    def pages(self) -> int:
        return max(1, -(-len(self.live("nb")) // PER_PAGE))

    def list_page(self, n: int) -> Response:
        items = self.live("nb")[n * PER_PAGE:(n + 1) * PER_PAGE]
        rows = "".join(f'<tr><td>{k + 1}</td><td><a href="./{i.url[len(NB):]}" title="{esc(i.title)}" target="_blank">'
                       f'{esc(i.title)}</a></td><td>{i.date:%Y-%m-%d}</td></tr>' for k, i in enumerate(items))
        pages = self.pages()
        return html_page(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>
<body><table class="list"><thead><tr><th>序号</th><th>标题</th><th>发布日期</th></tr></thead><tbody>{rows}</tbody></table>
<div class="page"><script>var countPage = {pages};createPageHTML({pages}, {n}, "index", "html");</script></div></body></html>""")

    def parent(self, item: Item) -> str:
        return NB

    def article(self, item: Item) -> Response:
        files = "".join(f'<p><a href="./{a.url.rsplit("/", 1)[1]}">{esc(a.name)}</a></p>' for a in item.attachments)
        content = f"""<h3 class="xiLanTitle">{self.title_html(item)}</h3>
<div class="xlBtn"><div class="xlBtnLeft">发布时间：{item.date:%Y-%m-%d}</div></div>
<div class="TRS_Editor">{self.body_html(item)}</div><div class="fj">{files}</div>"""
        return self.frame(item.title, content, article_meta(item, self.organ, 8))

    def page_routes(self) -> dict:
        r = {"/nmg/index.html": lambda req: self.frame("首页", f'<a href="{BASE}?gk=3&amp;cid=8225">政府信息公开</a>'),
             BASE + "zcwj/index.html": lambda req: self.frame("政策文件", "<p>暂无信息</p>"),
             BASE + "zfxxgkzn/index.html": lambda req: self.frame("政府信息公开指南", "<p>（略）</p>")}
        for n in range(self.pages()):
            r[NB + ("index.html" if n == 0 else f"index_{n}.html")] = (lambda n: lambda req: self.list_page(n))(n)
        return r

    def handle(self, req: Request) -> Response | None:
        if req.path == BASE and req.query.get("gk") == "3":
            try:
                cid = int(req.query.get("cid", "8225"))
            except ValueError:
                cid = 8225
            return self.menu_page(cid)
        return None

    def listing(self, item: Item) -> list[str]:
        n = self.page_number(item, self.live("nb"), PER_PAGE) - 1
        return [NB + ("index.html" if n == 0 else f"index_{n}.html")]
