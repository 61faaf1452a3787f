"""TRS WCM county site (盐池县人民政府): static published pages, page count only in JS.

    /trs/index.html                                  home
    /trs/zfxxgk/index.html                           政府信息公开
    /trs/zfxxgk/zfxxgknb/index.html, index_1.html…   政府信息公开年报 (count only in createPageHTML)
    /trs/zfxxgk/zfxxgknb/2024n/, 2023n/              year sub-columns (departments)
    /trs/zfxxgk/zfxxgknb/xzjd/<town>/                township sub-columns, GBK pages
    …/YYYYMM/tYYYYMMDD_<id>.html                     details (div.TRS_Editor), ?isMobile=true twins
    …/YYYYMM/P0YYYYMMDD<12 digits>.pdf|doc|docx…     files, linked from the list or the detail
    /trs/generic2/web/viewer.html?file=…             the PDF viewer a PDF-only detail embeds
    /trs/hdjl/zxft/index.html                        slow (times out)
    /trs/calendar/YYYY-MM.html                       endless calendar (robots.txt disallows it)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ..web import Item, Request, Response, article_meta, esc, html_page, offsite_links, rel
from .base import Portal, stable_number

NB = "/trs/zfxxgk/zfxxgknb/"
COLUMNS = {
    # id: (directory, name, per page, encoding)
    "nb": (NB, "政府信息公开年报", 5, "utf-8"),
    "nb2024": (NB + "2024n/", "2024年度部门年报", 10, "utf-8"),
    "nb2023": (NB + "2023n/", "2023年度部门年报", 10, "utf-8"),
    "xzjd": (NB + "xzjd/", "乡镇年报", 10, "utf-8"),
    "hmcz": (NB + "xzjd/hmcz/", "花马池镇", 10, "gbk"),
    "dskz": (NB + "xzjd/dskz/", "大水坑镇", 10, "gbk"),
    "gswz": (NB + "xzjd/gswz/", "高沙窝镇", 10, "gbk"),
    "zn": ("/trs/zfxxgk/zfxxgkzn/", "政府信息公开指南", 10, "utf-8"),
    "gzdt": ("/trs/xwzx/gzdt/", "工作动态", 10, "utf-8"),
}
TOWNS = ["hmcz", "dskz", "gswz"]
SUBCOLUMNS = ["nb2024", "nb2023", "xzjd"]
OTHER_PAGES = {"/trs/zfxxgk/zfxxgkzd/index.html": "政府信息公开制度",
               "/trs/zfxxgk/fdzdgknr/index.html": "法定主动公开内容",
               "/trs/zfxxgk/ysqgk/index.html": "依申请公开"}
SLOW = "/trs/hdjl/zxft/index.html"
CALENDAR = re.compile(r"^/trs/calendar/(\d{4})-(\d{2})(?:-(\d{2}))?\.html$")

PAGE_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var parts = [];
  var name = function(i){ return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; };
  if(_nCurrIndex > 0){ parts.push('<a href="' + name(0) + '">首页</a>'); parts.push('<a href="' + name(_nCurrIndex - 1) + '">上一页</a>'); }
  for(var i = 0; i < _nPageCount; i++){
    if(i == _nCurrIndex){ parts.push('<span class="current">' + (i + 1) + '</span>'); }
    else { parts.push('<a href="' + name(i) + '">' + (i + 1) + '</a>'); }
  }
  if(_nCurrIndex < _nPageCount - 1){ parts.push('<a href="' + name(_nCurrIndex + 1) + '">下一页</a>'); parts.push('<a href="' + name(_nPageCount - 1) + '">尾页</a>'); }
  document.write('<div class="pagination">' + parts.join(" ") + ' 共' + _nPageCount + '页</div>');
}
"""

VIEWER = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>PDF.js viewer</title></head>
<body style="margin:0"><div id="viewerContainer"></div>
<script>
var file = new URLSearchParams(location.search).get("file");
if (file) {
  var e = document.createElement("embed");
  e.src = file; e.type = "application/pdf"; e.style.width = "100%"; e.style.height = "100vh";
  document.getElementById("viewerContainer").appendChild(e);
}
</script></body></html>"""

CSS = "body{font:14px/1.6 SimSun,serif;margin:0}.nav li{display:inline;margin:0 8px}.TRS_Editor td{border:1px solid #999}\n"


def file_url(directory: str, item: Item, i: int, ext: str) -> str:
    """Where TRS publishes an article's i-th file: P0, the date, twelve digits, in its month."""
    return f"{directory}P0{item.date:%Y%m%d}{stable_number(f'{item.key}:{i}', 12):012d}.{ext}"


class TRS(Portal):
    """TRS WCM (static pages; countPage/createPageHTML paging)

    Lists page only through JS createPageHTML (index_N.html); township pages are GBK; one PDF-only
    detail sets its link from JS (qzbFile) and embeds viewer.html?file=; /trs/hdjl/zxft/ is slow;
    /trs/calendar/ is an endless trap that robots.txt disallows.
    """

    name = "trs"
    organ = "盐池县人民政府"
    first_article = 3995000
    paragraph = '<p style="text-indent:2em">{}</p>'

    # --- plan -----------------------------------------------------------------------------------
    def plan(self) -> None:
        o = self.organ
        sp, ri, dis = self.spec, self.report_item, self.distractor
        ri("nb", sp(2024, o, "html"), flags={"mobile_alias"})
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 1) + dt.timedelta(days=1))
        ri("nb", sp(2023, o, "docx"), "file")
        dis("nb", "notice", 2023, date=dt.date(2023, 12, 6))
        text = sp(2022, o, "html")
        ri("nb", text, title=f"{o}2022年政府信息公开工作年度报告（文字版）", variant="文字版")
        # The picture copy is the same report (same numbers), scanned.
        scan = dataclasses.replace(text, key=f"{text.key}-scan", fmt="scan", source="html")
        ri("nb", scan, "file", title=f"{o}2022年政府信息公开工作年度报告（图片版）",
           variant="图片版")
        ri("nb", sp(2021, o, "pdf"), "file", title="盐池县2021年政府信息公开工作年度报告", flags={"flaky"})
        dis("nb", "points", 2023)
        ri("nb", sp(2020, o, "doc"), "file")
        ri("nb", sp(2019, o, "pdf", source="html"), "pdfonly")
        gone = dis("nb", "news", 2021, title=f"{o}2021年政府信息公开工作年度报告（修订稿）",
                   date=dt.date(2022, 3, 2))
        gone.kind, gone.status, gone.flags = "soft_deleted", "soft_deleted", {"stale_listing"}
        off = dis("nb", "news", 2024, title="宁夏回族自治区人民政府2024年政府信息公开工作年度报告",
                  date=dt.date(2025, 1, 20))
        off.kind, off.mode = "offsite", "offsite"
        off.href = "http://www.nx.gov.cn.x7a72968723868.ipv6best.cn/zwgk/zfxxgknb/202501/t20250120_4811210.html"
        dis("nb", "news", 2024)

        for col, year, depts in (
                ("nb2024", 2024, [("盐池县教育局", "html"), ("盐池县财政局", "xlsx"), ("盐池县自然资源局", "wps")]),
                ("nb2023", 2023, [("盐池县教育局", "pdf"), ("盐池县财政局", "xls"), ("盐池县农业农村局", "html")])):
            for organ, fmt in depts:
                s = sp(year, organ, fmt)
                if fmt == "html":
                    ri(col, s)
                else:
                    self.attach_item(col, s)
        dis("nb2024", "points", 2024, organ="盐池县教育局")

        towns = {
            "hmcz": ("花马池镇人民政府", None, [(2024, "html"), (2023, "html"), (2022, "doc")]),
            "dskz": ("大水坑镇人民政府", None, [(2024, "html"), (2023, "pdf")]),
            "gswz": ("盐池县高沙窝镇人民政府", "高沙窝镇人民政府", [(2024, "docx"), (2023, "html")]),
        }
        # Out after its deadline (31 March): only the file's URL dates it (P020240506…).
        late = {("dskz", 2023): dt.date(2024, 5, 6)}
        for col, (organ, truth, reports) in towns.items():
            for year, fmt in reports:
                s = sp(year, organ, fmt, organ_truth=truth)
                flags = {"gbk"}
                date = late.get((col, year))
                if fmt == "html":
                    ri(col, s, flags=flags, date=date)
                elif fmt == "pdf":
                    ri(col, s, "file", flags=flags, date=date)
                else:
                    self.attach_item(col, s, flags=flags, date=date)
        dis("gswz", "interpretation", 2024, organ="盐池县高沙窝镇人民政府", flags={"gbk"})
        dis("zn", "guide", 2024)
        dis("gzdt", "news", 2024, date=dt.date(2025, 2, 11))
        dis("gzdt", "news", 2023, date=dt.date(2024, 2, 19))

    def place(self, item: Item) -> None:
        base = COLUMNS[item.column][0]
        month = f"{base}{item.date:%Y%m}/"
        for i, att in enumerate(item.attachments):
            att.url = file_url(month, item, i, att.spec.ext if att.spec else "pdf")
        if item.mode == "file":
            item.url = item.attachments[0].url
        elif item.mode != "offsite":
            item.url = f"{month}t{item.date:%Y%m%d}_{item.art_id}.html"
            item.aliases = [item.url + "?isMobile=true"]

    def start_urls(self) -> list[str]:
        return ["/trs/index.html"]

    def slow_paths(self) -> list[str]:
        return [SLOW]

    def flaky_paths(self) -> dict[str, int]:
        out = {NB + "index_1.html": 1}
        for item in self.items:
            if "flaky" in item.flags:
                out[item.url] = 1
        return out

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, path: str, title: str, content: str, encoding: str = "utf-8", meta: str = "",
              column: str = "") -> Response:
        charset = "gb2312" if encoding != "utf-8" else "utf-8"
        home = rel(path, "/trs/index.html")
        nav = [("首页", "/trs/index.html"), ("政务公开", "/trs/zfxxgk/index.html"),
               ("新闻中心", "/trs/xwzx/gzdt/index.html"), ("互动交流", SLOW),
               ("政府信息公开年报", NB + "index.html")]
        page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta name="SiteName" content="盐池县人民政府" />
<meta name="SiteDomain" content="www.yanchi.gov.cn" />
<meta name="SiteIDCode" content="6403230001" />
<meta name="ColumnName" content="{esc(column)}" />
{meta}<title>{esc(title)}_盐池县人民政府</title>
<link rel="stylesheet" type="text/css" href="{rel(path, '/trs/images/style.css')}" />
<script type="text/javascript" src="{rel(path, '/trs/js/page.js')}"></script>
</head><body>
<div class="top"><div class="date">今天是：{self.demo.chrome_date_text()}</div>
<div class="toplink"><a href="{home}">网站首页</a> | <a href="{rel(path, '/trs/calendar/' + self.demo.chrome_month() + '.html')}">活动日历</a> | <a href="javascript:void(0)" onclick="window.external.addFavorite(location.href)">加入收藏</a></div></div>
<div class="head"><div class="logo">盐池县人民政府</div></div>
<div class="nav"><ul>{''.join(f'<li><a href="{rel(path, u)}">{t}</a></li>' for t, u in nav)}</ul></div>
<div class="main">
{content}
</div>
<div class="footer"><div class="yqlj">友情链接：{offsite_links()}</div>
<p>主办：盐池县人民政府办公室　承办：盐池县融媒体中心　网站标识码：6403230001</p>
<p>宁ICP备05001234号-1　宁公网安备 64032302000123号</p>
<p>访问量：{self.demo.visits(path)}</p></div>
</body></html>
"""
        return html_page(page, encoding)

    def crumb(self, path: str, column: str) -> str:
        trail = [("首页", "/trs/index.html"), ("政务公开", "/trs/zfxxgk/index.html")]
        d = COLUMNS[column][0]
        if d.startswith(NB):
            trail.append(("政府信息公开年报", NB + "index.html"))
            if column in TOWNS:
                trail.append(("乡镇年报", COLUMNS["xzjd"][0] + "index.html"))
            if column != "nb":
                trail.append((COLUMNS[column][1], d + "index.html"))
        else:
            trail.append((COLUMNS[column][1], d + "index.html"))
        return "当前位置：" + " &gt; ".join(f'<a href="{rel(path, u)}">{t}</a>' for t, u in trail)

    def sidebar(self, path: str, column: str) -> str:
        if not COLUMNS[column][0].startswith(NB):
            return ""
        links = [("政府信息公开年报", NB + "index.html")] + \
                [(COLUMNS[c][1], COLUMNS[c][0] + "index.html") for c in SUBCOLUMNS]
        if column in TOWNS or column == "xzjd":
            links += [(COLUMNS[c][1], COLUMNS[c][0] + "index.html") for c in TOWNS]
        lis = "".join(f'<li><a href="{rel(path, u)}">{t}</a></li>' for t, u in links)
        return f'<div class="lmy_main_l"><h3>政府信息公开年报</h3><ul class="sub-nav">{lis}</ul></div>'

    def list_items(self, column: str) -> list:
        if column == "xzjd":
            return [("town", c) for c in TOWNS]
        return self.live(column)

    def pages_of(self, column: str) -> int:
        per = COLUMNS[column][2]
        return max(1, -(-len(self.list_items(column)) // per))

    def list_page(self, column: str, n: int) -> Response:
        base, name, per, enc = COLUMNS[column]
        path = base + ("index.html" if n == 0 else f"index_{n}.html")
        entries = self.list_items(column)[n * per:(n + 1) * per]
        pages = self.pages_of(column)
        lis = []
        for entry in entries:
            if isinstance(entry, tuple):
                d = COLUMNS[entry[1]][0]
                lis.append(f'<li><a href="{rel(path, d)}" target="_blank">{COLUMNS[entry[1]][1]}</a></li>')
                continue
            href = entry.href if entry.mode == "offsite" else rel(path, entry.url)
            short = entry.title if len(entry.title) <= 26 else entry.title[:25] + "…"
            lis.append(f'<li><a href="{esc(href)}" title="{esc(entry.title)}" target="_blank">{esc(short)}</a>'
                       f'<span>{entry.date:%Y-%m-%d}</span></li>')
        content = f"""<div class="position">{self.crumb(path, column)}</div>
{self.sidebar(path, column)}
<div class="lmy_main_r"><div class="lmy_title">{esc(name)}</div>
<ul class="list">
{chr(10).join(lis)}
</ul>
<div class="page"><script type="text/javascript">
var currentPage = {n};//所在页从0开始
var countPage = {pages};//共多少页
createPageHTML({pages}, {n}, "index", "html");
</script></div></div>"""
        return self.frame(path, name, content, enc, column=name)

    def parent(self, item: Item) -> str:
        return "../"

    def article(self, item: Item) -> Response:
        base, colname, _, enc = COLUMNS[item.column]
        path = item.url
        source = "盐池县人民政府办公室" if item.column in ("nb", "zn", "gzdt") else \
            (item.spec.organ if item.spec else (item.attachments[0].spec.organ if item.attachments
                                                 and item.attachments[0].spec else self.organ))
        meta = (article_meta(item, source, 9, " />") +
                '<meta name="Keywords" content="政府信息公开,年度报告" />\n'
                f'<meta name="Description" content="{esc(item.title)}" />\n')
        h1 = self.title_html(item)
        body = self.body_html(item)
        files = ""
        if item.mode == "attach":
            names = "、".join(f"《{esc(a.name.rsplit('.', 1)[0])}》" for a in item.attachments)
            body = self.paragraph.format(f"根据《中华人民共和国政府信息公开条例》规定，现将{names}予以公布，全文详见附件。")
            files = '<div class="fj"><p>附件：</p>' + "".join(
                f'<p><a href="{rel(path, a.url)}" target="_blank">{esc(a.name)}</a></p>'
                for a in item.attachments) + "</div>"
        elif item.mode == "pdfonly":
            att = item.attachments[0]
            fname = att.url.rsplit("/", 1)[1]
            head, tail = fname[:10], fname[10:-4]
            body = self.paragraph.format("（本报告为PDF格式，请在线阅读或下载全真版。）")
            files = (f'<div class="qzb"><a id="qzbDown" href="javascript:void(0);" target="_blank">全真版下载</a></div>'
                     f'<iframe id="qzbView" src="{rel(path, "/trs/generic2/web/viewer.html")}?file={att.url}" '
                     f'width="100%" height="800" frameborder="0"></iframe>'
                     f'<script type="text/javascript">var qzbFile = "./" + "{head}" + "{tail}" + ".pdf";'
                     f'document.getElementById("qzbDown").href = qzbFile;</script>')
        content = f"""<div class="position">{self.crumb(path, item.column)}</div>
<div class="detail"><h1 class="title">{h1}</h1>
<div class="info">发布时间：{item.date:%Y-%m-%d}　来源：{esc(source)}　浏览次数：<span id="hits">{self.demo.visits(path) % 997}</span>
　【字号：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】
　<a href="?isMobile=true">手机版</a>　<a href="javascript:window.print()">打印</a>　<a href="javascript:window.close()">关闭</a></div>
<div class="TRS_Editor">{body}</div>
{files}
</div>
{self.related(path, item)}"""
        return self.frame(path, item.title, content, enc, meta, column=colname)

    def related(self, path: str, item: Item) -> str:
        """相关链接: the column's latest other articles — page furniture that changes whenever
        the column does."""
        others = [i for i in self.live(item.column)
                  if i is not item and i.mode not in ("file", "offsite")][:3]
        lis = "".join(f'<li><a href="{rel(path, i.url)}">{esc(i.title)}</a><span>{i.date:%Y-%m-%d}</span></li>'
                      for i in others)
        return f'<div class="xgwz"><h3>相关链接</h3><ul>{lis}</ul></div>' if lis else ""

    def home(self) -> Response:
        path = "/trs/index.html"
        news = "".join(f'<li><a href="{rel(path, i.url)}">{esc(i.title)}</a><span>{i.date:%m-%d}</span></li>'
                       for i in self.live("gzdt"))
        content = f"""<div class="ztzl"><a href="{rel(path, NB + 'index.html')}"><img alt="政府信息公开年报" src="images/nb.png"/>政府信息公开年报</a></div>
<div class="box"><h3><a href="{rel(path, '/trs/xwzx/gzdt/index.html')}">工作动态</a></h3><ul>{news}</ul></div>
<div class="box"><h3>政务公开</h3><ul>
<li><a href="{rel(path, '/trs/zfxxgk/index.html')}">政府信息公开</a></li>
<li><a href="{rel(path, '/trs/zfxxgk/zfxxgkzn/index.html')}">政府信息公开指南</a></li>
<li><a href="{rel(path, NB + 'index.html')}">政府信息公开年报</a></li></ul></div>
<div class="box"><h3>互动交流</h3><ul><li><a href="{rel(path, SLOW)}">在线访谈</a></li>
<li><a href="{rel(path, '/trs/calendar/' + self.demo.chrome_month() + '.html')}">活动日历</a></li></ul></div>"""
        return self.frame(path, "首页", content)

    def xxgk(self) -> Response:
        path = "/trs/zfxxgk/index.html"
        links = [("政府信息公开指南", "/trs/zfxxgk/zfxxgkzn/index.html")] + \
                [(t, p) for p, t in OTHER_PAGES.items()] + [("政府信息公开年报", NB + "index.html")]
        lis = "".join(f'<li><a href="{rel(path, u)}">{t}</a></li>' for t, u in links)
        return self.frame(path, "政府信息公开", f'<div class="xxgk-nav"><h2>政府信息公开</h2><ul>{lis}</ul></div>',
                          column="政府信息公开")

    def plain(self, path: str, title: str) -> Response:
        return self.frame(path, title, f'<div class="lmy_title">{esc(title)}</div><p>本栏目暂无信息。</p>'
                          f'<p><a href="{rel(path, "/trs/zfxxgk/index.html")}">返回政府信息公开</a></p>',
                          column=title)

    def calendar(self, req: Request) -> Response | None:
        m = CALENDAR.match(req.path)
        if not m:
            return None
        y, mo, day = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12:
            return None
        path = req.path
        prev = dt.date(y - (mo == 1), 12 if mo == 1 else mo - 1, 1)
        nxt = dt.date(y + (mo == 12), 1 if mo == 12 else mo + 1, 1)
        days = "".join(f'<a href="{y}-{mo:02d}-{d:02d}.html">{d}</a> ' for d in range(1, 29))
        content = (f'<div class="calendar"><h2>{y}年{mo}月{" " + day + "日" if day else ""} 活动安排</h2>'
                   f'<a href="{prev:%Y-%m}.html">上一月</a> <a href="{nxt:%Y-%m}.html">下一月</a>'
                   f'<div class="days">{days}</div><p>当日暂无活动安排。</p></div>')
        return self.frame(path, "活动日历", content)

    def page_routes(self) -> dict:
        r = {"/trs/index.html": lambda req: self.home(),
             "/trs/zfxxgk/index.html": lambda req: self.xxgk(),
             "/trs/js/page.js": lambda req: Response(200, PAGE_JS, "application/javascript"),
             "/trs/images/style.css": lambda req: Response(200, CSS, "text/css"),
             "/trs/generic2/web/viewer.html": lambda req: html_page(VIEWER),
             SLOW: lambda req: self.plain(SLOW, "在线访谈")}
        for p, t in OTHER_PAGES.items():
            r[p] = (lambda p, t: lambda req: self.plain(p, t))(p, t)
        for col, (base, *_rest) in COLUMNS.items():
            for n in range(self.pages_of(col)):
                r[base + ("index.html" if n == 0 else f"index_{n}.html")] = \
                    (lambda c, n: lambda req: self.list_page(c, n))(col, n)
        return r

    def handle(self, req: Request) -> Response | None:
        return self.calendar(req)

    def listing(self, item: Item) -> list[str]:
        base, _, per, _ = COLUMNS[item.column]
        entries = self.list_items(item.column)
        for i, e in enumerate(entries):
            if e is item:
                n = i // per
                return [base + ("index.html" if n == 0 else f"index_{n}.html")]
        return []

    def traps(self) -> list[dict]:
        return [{"url": f"/trs/calendar/{self.demo.chrome_month()}.html", "kind": "calendar",
                 "robots_disallowed": True},
                {"url": SLOW, "kind": "slow", "robots_disallowed": False}]
