"""Boda VSB county site (天水市麦积区人民政府): static .htm lists, Referer-guarded downloads.

    /boda/index.htm                              home
    /boda/zfxxgk.htm                             政府信息公开
    /boda/1941.htm, /boda/1941/N.htm             政府信息公开年报; pages count down (N.htm, …, 1.htm)
    /boda/info/1941/<newsid>.htm                 details: 索引号 list, 【下载Word】【下载PDF】, 附件
    /boda/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1411873853&wbfileid=<n>
                                                 the file with a same-site Referer; without one a
                                                 ~5 KB HTML error page (status 200)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import quote, urlsplit

from ..web import Attachment, Item, Request, Response, esc, html_page, offsite_links, rel
from .base import Portal

TREE = 1941
OWNER = 1411873853
PER_PAGE = 4
DOWNLOAD = "/boda/system/_content/download.jsp"


class Boda(Portal):
    """Boda VSB (static .htm lists; download.jsp needs a Referer)

    Lists page with real links, numbered downward (1941.htm, 1941/N-1.htm … 1941/1.htm).
    download.jsp returns an HTML error page unless the Referer is a page of this site.
    """

    name = "boda"
    organ = "天水市麦积区人民政府"
    needs = ("referer",)
    first_article = 590700
    report_organ = "麦积区人民政府"

    def plan(self) -> None:
        o, sp, ri, dis = self.report_organ, self.spec, self.report_item, self.distractor

        for year, organ in ((2024, o), (2023, o), (2024, "马跑泉镇人民政府")):
            s = sp(year, organ, "html")
            name = f"{organ}{year}年政府信息公开工作年度报告"
            # the page's Word and PDF exports: the same report (same seed) in other formats
            exports = [Attachment(dataclasses.replace(s, key=s.key + "w", fmt="doc"), name + ".doc",
                                  "下载Word", flags={"export"}),
                       Attachment(dataclasses.replace(s, key=s.key + "p", fmt="pdf"), name + ".pdf",
                                  "下载PDF", flags={"export"})]
            ri("nb", s, attachments=exports)
        dis("nb", "interpretation", 2024, organ=o, date=self.pubdate(2024, 0) + dt.timedelta(days=5))
        # 麦积区财政局's 2023 report came out in March 2024 (a department's deadline: 31 January).
        for organ, year, fmt, date in (("麦积区教育局", 2024, "xlsx", None),
                                       ("麦积区财政局", 2023, "xls", dt.date(2024, 3, 8)),
                                       ("麦积区卫生健康局", 2024, "wps", None)):
            self.attach_item("nb", sp(year, organ, fmt), date=date)
        dis("nb", "notice", 2023, date=dt.date(2023, 12, 18))
        dis("nb", "points", 2024, organ=o)

    def place(self, item: Item) -> None:
        item.url = f"/boda/info/{TREE}/{item.art_id}.htm"
        for i, att in enumerate(item.attachments):
            fileid = item.art_id * 10 + i + 1
            att.url = f"{DOWNLOAD}?urltype=news.DownloadAttachUrl&owner={OWNER}&wbfileid={fileid}"

    def start_urls(self) -> list[str]:
        return ["/boda/index.htm"]

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, path: str, title: str, content: str, meta: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="SiteName" content="{self.organ}">{meta}
<title>{esc(title)}-{self.organ}</title>
<script type="text/javascript" src="{rel(path, '/boda/system/resource/js/vsbscreen.min.js')}"></script></head>
<body><div class="top"><span class="date">{self.demo.chrome_date_text()}</span></div>
<div class="nav"><a href="{rel(path, '/boda/index.htm')}">首页</a> <a href="{rel(path, '/boda/zfxxgk.htm')}">政府信息公开</a>
<a href="{rel(path, f'/boda/{TREE}.htm')}">政府信息公开年报</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办：{self.organ}办公室　网站标识码：6205030001　陇ICP备05000123号</p>
<p>访问量：{self.demo.visits(path)}</p></div></body></html>""")

    def pages(self) -> int:
        return max(1, -(-len(self.live("nb")) // PER_PAGE))

    def page_path(self, k: int) -> str:
        """Page k (1 = newest) of the column: 1941.htm, then counting down from the total."""
        total = self.pages()
        return f"/boda/{TREE}.htm" if k == 1 else f"/boda/{TREE}/{total - k + 1}.htm"

    def list_page(self, k: int) -> Response:
        total = self.pages()
        path = self.page_path(k)
        items = self.live("nb")
        lis = "".join(f'<li><a href="{rel(path, i.url)}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
                      f'<span>{i.date:%Y-%m-%d}</span></li>' for i in items[(k - 1) * PER_PAGE:k * PER_PAGE])
        nav = [f"共{len(items)}条&nbsp;&nbsp;{k}/{total}&nbsp;"]
        if k > 1:
            nav.append(f'<a href="{rel(path, self.page_path(1))}" class="Prev">首页</a>')
            nav.append(f'<a href="{rel(path, self.page_path(k - 1))}" class="Prev">上页</a>')
        if k < total:
            nav.append(f'<a href="{rel(path, self.page_path(k + 1))}" class="Next">下页</a>')
            nav.append(f'<a href="{rel(path, self.page_path(total))}" class="Next">尾页</a>')
        content = f"""<div class="dqwz">当前位置: <a href="{rel(path, '/boda/index.htm')}">首页</a>&gt;&gt;<a href="{rel(path, '/boda/zfxxgk.htm')}">政府信息公开</a>&gt;&gt;政府信息公开年报</div>
<div class="list"><ul>{lis}</ul>
<table class="pb_sys_common pb_sys_normal pb_sys_style1"><tr><td>{" ".join(nav)}</td></tr></table></div>"""
        return self.frame(path, "政府信息公开年报", content)

    def parent(self, item: Item) -> str:
        return f"../../{TREE}.htm"

    def article(self, item: Item) -> Response:
        path = item.url
        organ = next((s.organ for s in item.report_specs()), self.organ)
        exports = [a for a in item.attachments if "export" in a.flags]
        others = [a for a in item.attachments if "export" not in a.flags]
        body = self.body_html(item)
        word = next((a for a in exports if a.variant == "下载Word"), None)
        pdf = next((a for a in exports if a.variant == "下载PDF"), None)
        down = ""
        if word or pdf:
            down = (f'<div class="down">【<a href="{word.url}" target="_blank">下载Word</a>】'
                    f'【<a href="{pdf.url}" target="_blank">下载PDF</a>】</div>')
        atts = "".join(f'<li>附件【<a href="{a.url}" target="_blank">{esc(a.name)}</a>】已下载'
                       f'<span id="nattach{a.url.rsplit("=", 1)[1]}">{self.demo.visits(a.url) % 300}</span>次</li>'
                       for a in others)
        content = f"""<div class="dqwz">当前位置: <a href="{rel(path, '/boda/index.htm')}">首页</a>&gt;&gt;<a href="{rel(path, '/boda/zfxxgk.htm')}">政府信息公开</a>&gt;&gt;<a href="{rel(path, f'/boda/{TREE}.htm')}">政府信息公开年报</a>&gt;&gt;{item.date.year}&gt;&gt;正文</div>
<form name="_newscontent_fromname"><div class="xxgk_info"><ul>
<li>索引号：620503-{item.art_id}/{item.date.year}-{item.art_id % 1000:04d}</li><li>主题分类：政府信息公开年报</li>
<li>发布机构：{esc(organ)}</li><li>组配分类：年度报告</li><li>发文字号：</li><li>成文日期：{item.date:%Y-%m-%d}</li></ul></div>
<h1 class="title">{esc(item.title)}</h1>
<div class="info">{item.date:%Y年%m月%d日} 来源：{esc(organ)} 点击：<script>_showDynClicks("wbnews", {OWNER}, {item.art_id})</script></div>
{down}
<div class="v_news_content" id="vsb_content">{body}</div>
<ul class="attach">{atts}</ul></form>"""
        return self.frame(path, item.title, content)

    def download(self, req: Request) -> Response:
        fileid = req.query.get("wbfileid", "")
        ref = req.headers.get("referer", "")
        target = None
        for item in self.items:
            for a in item.attachments:
                if a.url.endswith(f"wbfileid={fileid}") and item.online:
                    target = a
        parts = urlsplit(ref)
        same_site = parts.netloc == req.host and parts.path.startswith("/boda/")
        if target is None or not same_site or req.query.get("owner") != str(OWNER):
            return html_page(_error_page())
        return self.file_response(target.spec, target, headers=[
            ("Content-Disposition", f"attachment; filename*=UTF-8''{quote(target.name)}")])

    def page_routes(self) -> dict:
        r = {"/boda/index.htm": lambda req: self.frame(
                 "/boda/index.htm", "首页",
                 f'<div class="box"><a href="zfxxgk.htm">政府信息公开</a> <a href="{TREE}.htm">政府信息公开年报</a></div>'),
             "/boda/zfxxgk.htm": lambda req: self.frame(
                 "/boda/zfxxgk.htm", "政府信息公开",
                 f'<ul class="xxgk"><li><a href="{TREE}.htm">政府信息公开年报</a></li><li><a href="1940.htm">政府信息公开指南</a></li></ul>'),
             "/boda/1940.htm": lambda req: self.frame("/boda/1940.htm", "政府信息公开指南",
                                                       "<p>政府信息公开指南（略）。</p>"),
             "/boda/system/resource/js/vsbscreen.min.js": lambda req: Response(
                 200, "function _showDynClicks(){document.write('0');}", "application/javascript")}
        for k in range(1, self.pages() + 1):
            r[self.page_path(k)] = (lambda k: lambda req: self.list_page(k))(k)
        return r

    def handle(self, req: Request) -> Response | None:
        if req.path == DOWNLOAD:
            return self.download(req)
        return None

    def listing(self, item: Item) -> list[str]:
        return [self.page_path(self.page_number(item, self.live("nb"), PER_PAGE))]


def _error_page() -> str:
    """The ~5 KB page Boda answers a download without a Referer with."""
    filler = "\n".join(f"<!-- vsb error template line {i:03d}: resource access denied, referer check failed -->"
                       for i in range(56))
    return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>提示信息</title><style>body{{font-size:14px;text-align:center;padding-top:80px}}</style></head>
<body>{filler}
<div class="err"><h2>提示信息</h2><p>对不起，您无权访问该资源，或该资源已被删除！</p>
<p><a href="javascript:history.back()">返回上一页</a></p></div></body></html>"""
