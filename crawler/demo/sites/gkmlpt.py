"""Guangdong gkmlpt (和平县人民政府): a shell page; the list only from a JSON API.

    /gkmlpt/                                   site home, links to /gkmlpt/index#2541
    /gkmlpt/index                              the shell: SID in window._CONFIG, category in #fragment
    /gkmlpt/static/js/chunk-common.js          the app that calls the API
    /gkmlpt/api/all/{cat}?page=N&sid=755001    {total, classify:{post_count}, articles:[{id,title,url,created_at}]}
    /gkmlpt/content/0/<n>/post_<id>.html       details, with window._CONFIG.DETAIL
    /gkmlpt/attachment/0/<a>/<b>/<id>.<ext>    attachments
The whole prefix sits behind the 521 (加速乐-like) cookie challenge unless it is switched off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from ..web import Item, Request, Response, esc, html_page, offsite_links
from .base import Portal

SID = "755001"
CAT_NB = 2541
CAT_NEWS = 2540
PAGE_SIZE = 5
API = re.compile(r"^/gkmlpt/api/all/(\d+)$")
TREE = [{"id": 2539, "name": "政府信息公开", "children": [
    {"id": CAT_NEWS, "name": "政策文件"}, {"id": CAT_NB, "name": "政府信息公开年报"}]}]

APP_JS = r"""/* chunk-common: the column list of gkmlpt */
(function () {
  var cfg = window._CONFIG;
  var box = document.getElementById("app");
  function load(cat, page) {
    fetch("/gkmlpt/api/all/" + cat + "?page=" + page + "&sid=" + cfg.SID).then(function (r) { return r.json(); })
      .then(function (data) {
        var html = data.articles.map(function (a) {
          return '<li><a href="' + a.url + '" target="_blank">' + a.title + '</a><span>' + a.created_at.slice(0, 10) + '</span></li>';
        }).join("");
        var pages = Math.ceil(data.total / 5), bar = "";
        for (var i = 1; i <= pages; i++) bar += i == page ? " <b>" + i + "</b>" : ' <a href="javascript:;" data-p="' + i + '">' + i + "</a>";
        box.innerHTML = '<ul class="list">' + html + '</ul><div class="pager">' + bar + "</div>";
        box.querySelectorAll("[data-p]").forEach(function (a) { a.onclick = function () { load(cat, +a.getAttribute("data-p")); }; });
      });
  }
  function route() { load(location.hash.replace("#", "") || cfg.TREE[0].children[0].id, 1); }
  window.addEventListener("hashchange", route);
  route();
})();
"""


class Gkmlpt(Portal):
    """Guangdong gkmlpt (JSON API list; category in the URL fragment)

    The list exists only as JSON from /gkmlpt/api/all/{cat}?page=N&sid=SID; the shell carries SID
    and the category is in #fragment. The prefix is behind a 521 jsl-like cookie challenge.
    """

    name = "gkmlpt"
    organ = "和平县人民政府"
    needs = ("js_or_api", "cookies")
    first_article = 963100

    def plan(self) -> None:
        o, sp, dis, attach = self.organ, self.spec, self.distractor, self.attach_item
        self.report_item("nb", sp(2024, o, "html"))
        dis("nb", "interpretation", 2024, date=self.pubdate(2024, 0) + dt.timedelta(days=1))
        attach("nb", sp(2023, o, "pdf"))
        attach("nb", sp(2022, o, "docx"))
        dis("nb", "notice", 2024, date=dt.date(2024, 12, 20))
        attach("nb", sp(2021, o, "pdf"))
        attach("nb", sp(2024, "和平县阳明镇人民政府", "pdf", organ_truth="阳明镇人民政府"))
        attach("nb", sp(2024, "和平县教育局", "xlsx"), date=dt.date(2025, 2, 5))   # late: 31 January
        dis("news", "news", 2024, date=dt.date(2025, 3, 1))
        dis("news", "points", 2024, date=dt.date(2025, 2, 14))

    def place(self, item: Item) -> None:
        item.url = f"/gkmlpt/content/0/{item.art_id // 1000}/post_{item.art_id}.html"
        for i, att in enumerate(item.attachments):
            h = int(hashlib.sha1(f"{item.key}:{i}".encode()).hexdigest()[:8], 16)
            att.url = f"/gkmlpt/attachment/0/{h % 100}/{h % 100000}/{item.art_id}{i or ''}.{att.spec.ext}"

    def start_urls(self) -> list[str]:
        return ["/gkmlpt/", f"/gkmlpt/index#{CAT_NB}"]

    def cat_items(self, cat: int) -> list[Item]:
        return self.live("nb" if cat == CAT_NB else "news")

    # --- pages ----------------------------------------------------------------------------------
    def frame(self, title: str, content: str, extra_head: str = "") -> Response:
        return html_page(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)}-{self.organ}</title>{extra_head}</head>
<body><div class="header"><span class="date">{self.demo.chrome_date_text()}</span><a href="/gkmlpt/">{self.organ}</a></div>
{content}
<div class="footer"><p>{offsite_links()}</p><p>{self.organ}办公室主办　网站标识码：4416240001　粤ICP备05081234号</p>
<p>访问量：{self.demo.visits(title)}</p></div></body></html>""")

    def home(self) -> Response:
        return self.frame("首页", f"""<div class="box"><h3>政府信息公开</h3><ul>
<li><a href="/gkmlpt/index">政府信息公开目录</a></li>
<li><a href="/gkmlpt/index#{CAT_NB}">政府信息公开年报</a></li>
<li><a href="/gkmlpt/index#{CAT_NEWS}">政策文件</a></li></ul></div>""")

    def shell(self) -> Response:
        config = json.dumps(TREE, ensure_ascii=False)
        head = f"""<script>
window._CONFIG = {{
    SID: '{SID}',
    SITE_NAME: '{self.organ}',
    TREE: {config}
}};
</script>"""
        return self.frame("政府信息公开", '<div id="app" class="gkmlpt"><p class="loading">正在加载…</p></div>'
                          '<script src="/gkmlpt/static/js/chunk-common.js"></script>', head)

    def api(self, req: Request, cat: int) -> Response:
        if req.query.get("sid") != SID:
            return Response(400, json.dumps({"error": "invalid sid"}), "application/json")
        if cat not in (CAT_NB, CAT_NEWS):
            return Response(404, json.dumps({"error": "not found"}), "application/json")
        try:
            page = max(1, int(req.query.get("page", "1")))
        except ValueError:
            page = 1
        items = self.cat_items(cat)
        base = f"http://{req.host}"
        articles = [{"id": i.art_id, "title": i.title, "url": base + i.url,
                     "created_at": f"{i.date:%Y-%m-%d} 09:30:00", "post_url": base + i.url}
                    for i in items[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
        body = {"total": len(items), "classify": {"id": cat, "post_count": len(items)}, "articles": articles}
        return Response(200, json.dumps(body, ensure_ascii=False), "application/json")

    def parent(self, item: Item) -> str:
        return f"/gkmlpt/index#{CAT_NB}"

    def article(self, item: Item) -> Response:
        body = self.body_html(item)
        files = [{"name": a.name, "url": a.url} for a in item.attachments]
        detail = {"id": item.art_id, "title": item.title, "publisher": self.organ,
                  "date": f"{item.date:%Y-%m-%d}", "identifier": f"007244213/{item.date.year}-{item.art_id % 10000:05d}",
                  "attachments": files}
        head = ("<script>window._CONFIG = window._CONFIG || {}; window._CONFIG.DETAIL = "
                + json.dumps(detail, ensure_ascii=False).replace("</", "<\\/") + ";</script>")
        links = "".join(f'<p><a href="{a.url}">{esc(a.name)}</a></p>' for a in item.attachments)
        content = f"""<div class="detail"><table class="classify"><tr><td>索引号：</td><td>{detail['identifier']}</td>
<td>分类：</td><td>政府信息公开年报</td></tr><tr><td>发布机构：</td><td>{self.organ}</td><td>成文日期：</td><td>{item.date:%Y-%m-%d}</td></tr></table>
<h1 class="content-title">{esc(item.title)}</h1><div class="article-content">{body}</div>
<div class="attachment">{links}</div>
<div class="content-foot">浏览量：{self.demo.visits(item.url) % 5000}　<a href="javascript:window.print()">打印</a></div></div>
<div class="side"><h3>热点信息</h3><ul>{"".join(f'<li>{esc(i.title)}<span>{i.date:%Y-%m-%d}</span></li>' for i in self.live("news"))}</ul>
<p>更新时间：{self.demo.today():%Y-%m-%d}</p></div>"""
        return self.frame(item.title, content, head)

    def page_routes(self) -> dict:
        return {"/gkmlpt/index.html": lambda req: self.home(),
                "/gkmlpt/index": lambda req: self.shell(),
                "/gkmlpt/static/js/chunk-common.js": lambda req: Response(200, APP_JS, "application/javascript")}

    def handle(self, req: Request) -> Response | None:
        m = API.match(req.path)
        if m:
            return self.api(req, int(m.group(1)))
        return None

    def listing(self, item: Item) -> list[str]:
        cat = CAT_NB if item.column == "nb" else CAT_NEWS
        return [f"/gkmlpt/api/all/{cat}?page={self.page_number(item, self.cat_items(cat), PAGE_SIZE)}&sid={SID}"]
