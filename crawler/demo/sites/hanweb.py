"""Hanweb JCMS county site (濉溪县人民政府): the list lives in a datastore; more only by POST.

    /hanweb/index.html                                   home
    /hanweb/col/col1229/index.html                       政府信息公开
    /hanweb/col/col1234/index.html                       政府信息公开年报: <script type="text/xml"><datastore>
    /hanweb/col/col1234/index.html?uid=5678&pageNum=N    the same column, another page (duplicate route)
    POST /hanweb/module/web/jpage/dataproxy.jsp?startrecord=a&endrecord=b&perpage=n   the next records
    /hanweb/art/YYYY/M/D/art_1234_<id>.html              details: 索引号 table, div#zoom
    /hanweb/module/download/downfile.jsp?classid=0&filename=<32hex>.pdf  -> 302 -> /hanweb/attach/0/<file>
    /hanweb/module/calendar/cal.jsp?y=YYYY&m=M           endless calendar (not in robots.txt)
    /hanweb/col/col1234/index_1.html                     404: there is no static paging
"""

from __future__ import annotations

import datetime as dt
import hashlib
from html import escape
from urllib.parse import quote

from ..web import Item, Request, Response, article_meta, esc, html_page, offsite_links, redirect
from .base import Portal

COL = 1234
WEBID = 3095
UNITID = 5678
PERPAGE = 5
EMBEDDED = 10        # records in the static page; the rest come from dataproxy.jsp
WEBNAME = "濉溪县人民政府"
LIST = f"/hanweb/col/col{COL}/index.html"
PROXY = "/hanweb/module/web/jpage/dataproxy.jsp"
COLUMNS = {1229: "政府信息公开", 1230: "政府信息公开指南", 1231: "政府信息公开制度", COL: "政府信息公开年报",
           1235: "法定主动公开内容"}

JPAGE_JS = r"""/* jpage: the list is in the datastore; further records come from dataproxy.jsp by POST */
function Jpage(opts) {
  var box = document.getElementById(opts.id);
  var xml = box.querySelector('script[type="text/xml"]').textContent;
  var doc = new DOMParser().parseFromString(xml, "text/xml");
  var records = Array.prototype.map.call(doc.getElementsByTagName("record"), function (r) { return r.textContent; });
  var total = parseInt(doc.getElementsByTagName("totalrecord")[0].textContent, 10);
  var perpage = opts.perpage, page = 1, pages = Math.ceil(total / perpage);
  var list = document.createElement("ul"); list.className = "list"; box.appendChild(list);
  var bar = document.createElement("div"); bar.className = "jpage"; box.appendChild(bar);
  function more(done) {
    var start = records.length + 1, end = records.length + opts.group;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", opts.proxy + "?startrecord=" + start + "&endrecord=" + end + "&perpage=" + perpage);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.onload = function () {
      var d = new DOMParser().parseFromString(xhr.responseText, "text/xml");
      Array.prototype.forEach.call(d.getElementsByTagName("record"), function (r) { records.push(r.textContent); });
      done();
    };
    xhr.send(opts.form);
  }
  function show() {
    var need = page * perpage;
    if (records.length < Math.min(need, total)) { more(show); return; }
    list.innerHTML = records.slice((page - 1) * perpage, need).join("");
    bar.innerHTML = "共" + total + "条 " + page + "/" + pages + "页 ";
    if (page > 1) { var p = document.createElement("a"); p.href = "javascript:;"; p.textContent = "上一页"; p.onclick = function () { page--; show(); }; bar.appendChild(p); }
    if (page < pages) { var n = document.createElement("a"); n.href = "javascript:;"; n.textContent = "下一页"; n.onclick = function () { page++; show(); }; bar.appendChild(n); }
  }
  show();
}
"""


class Hanweb(Portal):
    """Hanweb JCMS (datastore list, POST dataproxy.jsp paging)

    The column page holds the first records inside <script type=text/xml><datastore>; the rest
    only from POST dataproxy.jsp with the nextgroup's form fields. Attachments go through
    downfile.jsp (302). One attachment answers 503 once. cal.jsp is an endless trap.
    """

    name = "hanweb"
    organ = "濉溪县人民政府"
    needs = ("post",)
    first_article = 88300

    def plan(self) -> None:
        o, sp, ri, dis = self.organ, self.spec, self.report_item, self.distractor

        def attach(spec, **kw):
            return self.attach_item("nb", spec, **kw)

        ri("nb", sp(2024, o, "html"))
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=2))
        attach(sp(2023, o, "pdf"), flags={"flaky_attachment"})
        dis("nb", "notice", 2024, date=dt.date(2024, 12, 9))
        attach(sp(2022, o, "xlsx"))
        dis("nb", "points", 2024)
        attach(sp(2021, o, "pdf"))
        attach(sp(2020, o, "docx"))
        attach(sp(2019, o, "scan"), title=f"{o}2019年政府信息公开工作年度报告（图片版）", variant="图片版")
        attach(sp(2024, "濉溪县教育局", "pdf"))
        attach(sp(2024, "濉溪县财政局", "xls"), date=dt.date(2025, 2, 14))   # late: 31 January
        ri("nb", sp(2023, "濉溪县交通运输局", "html"))
        ri("nb", sp(2024, "濉溪县刘桥镇人民政府", "html", organ_truth="刘桥镇人民政府"))
        attach(sp(2024, "百善镇人民政府", "doc"))
        attach(sp(2023, "韩村镇人民政府", "pdf", source="html"))
        dis("nb", "guide", 2024, date=dt.date(2024, 3, 1))
        dis("nb", "news", 2024, date=dt.date(2025, 2, 24))
        dis("nb", "news", 2022, date=dt.date(2023, 6, 19))

    def place(self, item: Item) -> None:
        d = item.date
        item.url = f"/hanweb/art/{d.year}/{d.month}/{d.day}/art_{COL}_{item.art_id}.html"
        for i, att in enumerate(item.attachments):
            name = hashlib.md5(f"{item.key}:{i}".encode()).hexdigest() + "." + att.spec.ext
            att.url = f"/hanweb/attach/0/{name}"
            att.aliases = [f"/hanweb/module/download/downfile.jsp?classid=0&filename={name}"]

    def start_urls(self) -> list[str]:
        return ["/hanweb/index.html"]

    def flaky_paths(self) -> dict[str, int]:
        return {a.url: 1 for i in self.items if "flaky_attachment" in i.flags for a in i.attachments}

    def traps(self) -> list[dict]:
        return [{"url": "/hanweb/module/calendar/cal.jsp?y=2025&m=3", "kind": "calendar",
                 "robots_disallowed": False}]

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, title: str, content: str, meta: str = "", column: str = "") -> Response:
        page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="SiteName" content="{WEBNAME}"><meta name="SiteDomain" content="www.sx.gov.cn">
<meta name="SiteIdCode" content="3406210001"><meta name="ColumnName" content="{esc(column)}">
{meta}<title>{esc(title)} {WEBNAME}</title>
<script type="text/javascript" src="/hanweb/script/jquery.min.js"></script>
</head><body>
<div class="top">{self.demo.chrome_date_text()}　<a href="/hanweb/index.html">首页</a>　<a href="/hanweb/module/calendar/cal.jsp?y={self.demo.today().year}&m={self.demo.today().month}">政务日历</a></div>
<div class="nav"><a href="/hanweb/index.html">首页</a> <a href="/hanweb/col/col1229/index.html">政府信息公开</a> <a href="{LIST}">政府信息公开年报</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>主办单位：{WEBNAME}办公室　网站标识码：3406210001　皖ICP备05012345号</p>
<p>您是本站第 <span>{self.demo.visits(title)}</span> 位访问者</p></div>
</body></html>"""
        return html_page(page)

    def records(self) -> list[str]:
        out = []
        for item in self.live("nb"):
            out.append(f'<li><a href="{item.url}" title="{esc(item.title)}" target="_blank">{esc(item.title)}</a>'
                       f'<span class="bt_time">{item.date:%Y-%m-%d}</span></li>')
        return out

    def nextgroup(self) -> str:
        return (f'<a href="{PROXY}?page=1&appid=1&webid={WEBID}&path=/&columnid={COL}&unitid={UNITID}'
                f'&webname={quote(WEBNAME)}&permissiontype=0"></a>')

    def datastore(self, records: list[str], total: int) -> str:
        recs = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
        return (f"<datastore>\n<nextgroup><![CDATA[{self.nextgroup()}]]></nextgroup>\n"
                f"<totalrecord>{total}</totalrecord>\n<totalpage>{max(1, -(-total // PERPAGE))}</totalpage>\n"
                f"<recordset>\n{recs}\n</recordset>\n</datastore>")

    def column_page(self, req: Request) -> Response:
        recs = self.records()
        start = 0
        page_num = req.query.get("pageNum", "")
        if page_num.isdigit() and int(page_num) > 1:
            start = (int(page_num) - 1) * PERPAGE
        form = (f"col=1&appid=1&webid={WEBID}&path=%2F&columnid={COL}&sourceContentType=1&unitid={UNITID}"
                f"&webname={quote(WEBNAME)}&permissiontype=0")
        content = f"""<div class="position">当前位置：<a href="/hanweb/index.html">首页</a> &gt; <a href="/hanweb/col/col1229/index.html">政府信息公开</a> &gt; <span>政府信息公开年报</span></div>
<div class="lm_title">政府信息公开年报</div>
<div id="{UNITID}"><script type="text/xml">{self.datastore(recs[start:start + EMBEDDED], len(recs))}</script>
<script language="javascript" src="/hanweb/module/web/jpage/jpage.js"></script>
<script>new Jpage({{id: "{UNITID}", perpage: {PERPAGE}, group: {EMBEDDED}, proxy: "{PROXY}", form: "{form}"}});</script></div>"""
        return self.frame("政府信息公开年报", content, column="政府信息公开年报")

    def proxy(self, req: Request) -> Response:
        if req.method != "POST":
            return html_page("<html><body>HTTP Status 405 - Request method 'GET' not supported</body></html>",
                             status=405)
        form = req.form
        recs = self.records()
        if form.get("columnid") != str(COL) or form.get("webid") != str(WEBID) or \
                form.get("unitid") != str(UNITID):
            recs = []
        try:
            start = max(1, int(req.query.get("startrecord", "1")))
            end = int(req.query.get("endrecord", str(start + EMBEDDED - 1)))
        except ValueError:
            start, end = 1, 0
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + self.datastore(recs[start - 1:end], len(recs))
        return Response(200, body, "text/xml")

    def parent(self, item: Item) -> str:
        return LIST

    def article(self, item: Item) -> Response:
        organ = self.organ + "办公室"
        for s in item.report_specs():
            organ = s.organ
        index_no = f"01441633X/{item.date.year}-{item.art_id % 100000:05d}"
        table = f"""<table class="xxgk_table" border="1" cellspacing="0">
<tr><td>索 引 号</td><td>{index_no}</td><td>分 类</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构</td><td>{esc(organ)}</td><td>发文日期</td><td>{item.date:%Y-%m-%d}</td></tr>
<tr><td>文 号</td><td></td><td>有 效 性</td><td>有效</td></tr></table>"""
        title = self.title_html(item, "<br>")
        body = self.body_html(item, "全文详见附件。") + "".join(
            f'<p><a href="{escape(a.aliases[0])}" target="_blank">{esc(a.name)}</a></p>'
            for a in item.attachments)
        meta = article_meta(item, organ, 10)
        content = f"""<div class="position">当前位置：<a href="/hanweb/index.html">首页</a> &gt; <a href="/hanweb/col/col1229/index.html">政府信息公开</a> &gt; <a href="{LIST}">政府信息公开年报</a></div>
{table}
<div class="article"><div class="title">{title}</div>
<div class="info">发布日期：{item.date:%Y-%m-%d}　信息来源：{esc(organ)}　浏览次数：{self.demo.visits(item.url) % 1000}
　<a href="javascript:window.print()">打印本页</a>　<a href="javascript:window.close()">关闭窗口</a></div>
<div id="zoom">{body}</div>
<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a>　已分享 {self.demo.visits(item.url + "#share") % 500} 次</div></div>"""
        return self.frame(item.title, content, meta, "政府信息公开年报")

    def home(self) -> Response:
        lis = "".join(f'<li><a href="/hanweb/col/col{c}/index.html">{n}</a></li>' for c, n in COLUMNS.items())
        return self.frame("首页", f'<div class="box"><h3>政务公开</h3><ul>{lis}</ul></div>')

    def column(self, col: int) -> Response:
        if col == 1229:
            lis = "".join(f'<li><a href="/hanweb/col/col{c}/index.html">{n}</a></li>'
                          for c, n in COLUMNS.items() if c != 1229)
            return self.frame("政府信息公开", f'<div class="xxgk_nav"><ul>{lis}</ul></div>', column="政府信息公开")
        return self.frame(COLUMNS[col], f'<div class="lm_title">{COLUMNS[col]}</div><p>本栏目暂无信息。</p>',
                          column=COLUMNS[col])

    def calendar(self, req: Request) -> Response:
        try:
            y, m = int(req.query.get("y", "2025")), int(req.query.get("m", "1"))
        except ValueError:
            y, m = 2025, 1
        m = min(max(m, 1), 12)
        prev = (y - 1, 12) if m == 1 else (y, m - 1)
        nxt = (y + 1, 1) if m == 12 else (y, m + 1)
        days = "".join(f'<a href="cal.jsp?y={y}&m={m}&d={d}">{d}</a> ' for d in range(1, 29))
        return self.frame("政务日历", f'<div class="cal"><a href="cal.jsp?y={prev[0]}&m={prev[1]}">&lt;</a> {y}年{m}月 '
                          f'<a href="cal.jsp?y={nxt[0]}&m={nxt[1]}">&gt;</a><div>{days}</div></div>')

    def page_routes(self) -> dict:
        r = {"/hanweb/index.html": lambda req: self.home(),
             "/hanweb/module/web/jpage/jpage.js": lambda req: Response(200, JPAGE_JS, "application/javascript"),
             "/hanweb/script/jquery.min.js": lambda req: Response(200, "/* jQuery placeholder */", "application/javascript")}
        for c in COLUMNS:
            if c != COL:
                r[f"/hanweb/col/col{c}/index.html"] = (lambda c: lambda req: self.column(c))(c)
        return r

    def handle(self, req: Request) -> Response | None:
        p = req.path
        if p == LIST:
            return self.column_page(req)
        if p == PROXY:
            return self.proxy(req)
        if p == "/hanweb/module/download/downfile.jsp":
            name = req.query.get("filename", "")
            target = f"/hanweb/attach/0/{name}"
            if name and any(a.url == target and i.online for i in self.items for a in i.attachments):
                return redirect(target, 302)
            return html_page("<html><body><script>alert('文件不存在！');history.back();</script></body></html>")
        if p == "/hanweb/module/calendar/cal.jsp":
            return self.calendar(req)
        return None

    def listing(self, item: Item) -> list[str]:
        return [LIST] if self.page_number(item, self.live("nb"), EMBEDDED) == 1 else [f"POST {PROXY}"]
