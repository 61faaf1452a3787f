"""Guangdong gkmlpt: the column page ``/<site>/gkmlpt/index#<catId>`` is a shell; the list is JSON
from ``GET /<site>/gkmlpt/api/all/{catId}?page=N&sid={SID}`` (``{total, articles:[{title, url,
…}]}``; some sites give everything on page 1 and 404 after it). The site id is ``SID: '…'`` in
the page, the column tree is ``window._CONFIG.TREE``; where the API lives is what the page's own
configuration says (``gk_base``). When that guess fails (404, not JSON, no articles) the shell is
rendered and the requests its script makes are followed (``spider.fallback``). Details
``/gkmlpt/content/0/963/post_963149.html`` carry ``window._CONFIG.DETAIL`` (attachments among its
strings)."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from .. import classify as C
from ..spiders.exchanges import item
from .base import Family, FamilyLinks

_SID = re.compile(r"""\bSID\s*[:=]\s*['"](\w+)['"]""")
_NODE = re.compile(r"""['"]?id['"]?\s*:\s*['"]?(\d+)['"]?\s*,\s*['"]?(?:name|title|text)['"]?\s*:\s*['"]([^'"]+)['"]"""
                   r"""|['"]?(?:name|title|text)['"]?\s*:\s*['"]([^'"]+)['"]\s*,\s*['"]?id['"]?\s*:\s*['"]?(\d+)""")


# Where the page's own configuration says the API lives: an API path it names, the path its
# gkmlpt bundle is served from, or a site path in its _CONFIG.
_API_IN_PAGE = re.compile(r"""["']((?:https?:)?(?://[^"'/]+)?/[^"'\s]*?)/gkmlpt/api/""")
_BUNDLE = re.compile(r"""(?:src|href)\s*=\s*["']((?:https?:)?(?://[^"'/]+)?(?:/[^"'\s]*?)?)/gkmlpt/static/""")
_SITE_PATH = re.compile(r"""\b(?:SITE_PATH|BASE_PATH|BASE_URL|CONTEXT_PATH|ROOT_PATH|SITE_URL)\s*:\s*["']([^"']*)["']""")


def gk_base(url: str, html: str = "") -> str:
    """``scheme://host/<site>`` in front of ``/gkmlpt/api``: from the page's own configuration
    when it says (an API path it names, the path of its gkmlpt bundle, a site path in
    ``_CONFIG``), else from the page's URL (the path before ``/gkmlpt``)."""
    p = urlsplit(url)
    for rx in (_API_IN_PAGE, _BUNDLE, _SITE_PATH):
        m = rx.search(html)
        if m:
            base = urljoin(url, m.group(1).rstrip("/") or "/").rstrip("/")
            return base
    i = p.path.find("/gkmlpt")
    prefix = p.path[:i] if i >= 0 else ""
    return urlunsplit((p.scheme, p.netloc, prefix, "", ""))


def report_categories(html: str) -> list[tuple[str, str]]:
    """(catId, name) of the tree nodes that are 年报 columns."""
    out = []
    for m in _NODE.finditer(html):
        cid, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        name = json.loads(f'"{name}"') if "\\u" in name else name
        if C.NB_TEXT.search(name) and C.title_kind(name) != "other":
            out.append((cid, name))
    return out


def api_url(base: str, cat: str, page: int, sid: str) -> str:
    return f"{base}/gkmlpt/api/all/{cat}?page={page}&sid={sid}"


def article_links(data: dict, response) -> tuple[list, list[C.Link]]:
    """The articles of an API answer and the links they give (the page, its attachments)."""
    arts = data.get("articles") or data.get("data") or []
    if isinstance(arts, dict):
        arts = arts.get("articles") or arts.get("list") or []
    links = []
    for a in arts:
        if not isinstance(a, dict):
            continue
        href = a.get("url") or a.get("post_url") or a.get("link")
        if not href:
            continue
        links.append(C.Link(response.urljoin(href), a.get("title") or "", a.get("title") or "", "api"))
        for f in a.get("attachments") or a.get("files") or []:
            fu = f.get("url") if isinstance(f, dict) else f
            if fu:
                links.append(C.Link(response.urljoin(fu), (f.get("name") if isinstance(f, dict) else "")
                                    or a.get("title") or "", "", "api"))
    return arts, links


class Gkmlpt(Family):
    """A shell page whose list is a JSON API, one category at a time."""

    name = "gkmlpt"
    markers = re.compile(r"/gkmlpt/|sid(?<!\wsid)\s*[:=]\s*['\"]\w+|_config\s*\.\s*(tree|detail)")
    # Its URLs carry no date (post_<id>.html): the page's 成文日期 dates a report.
    content_selectors = (".article-content",)

    def list_links(self, spider, response, x):
        m = _SID.search(response.text)
        if not m or not (x.get("zone") == "nb" or "/gkmlpt" in response.url):
            return FamilyLinks()
        sid = m.group(1)
        cats = []
        frag = x.get("fragment") or (response.request.url.split("#", 1)[1]
                                     if response.request and "#" in response.request.url else None)
        if frag and frag.isdigit():
            cats.append((frag, x.get("link_text") or ""))
        if not cats or x.get("zone") != "nb":
            cats += [c for c in report_categories(response.text) if c[0] not in {k for k, _ in cats}]
        found = FamilyLinks()
        base = gk_base(response.url, response.text)
        for cid, name in cats:
            nx = {**x, "zone": "nb", "cat": cid, "sid": sid, "page": 1, "gk_base": base,
                  "root": urlsplit(base).path + "/gkmlpt/", "link_text": name or None, "family": self.name,
                  "page_url": response.url + ("" if "#" in response.url else f"#{cid}")}
            req = spider.paging_request(response, api_url(base, cid, 1, sid), nx,
                                        callback=spider.parse_list_data)
            if req is not None:
                found.requests.append(req)
        return found

    def parse_list_data(self, spider, response, x):
        """A page of the JSON API: its articles, and the next page while the total says so."""
        try:
            data = json.loads(response.text)
        except ValueError:
            yield item(response, "listing", error="not JSON")
            yield from spider.fallback(response, x, "not JSON")
            return
        arts, links = article_links(data, response)
        if not arts and int(x.get("page", 1)) == 1:
            yield item(response, "listing", error="no articles")
            yield from spider.fallback(response, x, "no articles")
            return
        yield from spider.follow(response, links, x)
        total = data.get("total") or (data.get("classify") or {}).get("post_count") or 0
        page = int(x.get("page", 1))
        if arts and total and page * max(len(arts), 1) < int(total):
            req = spider.paging_request(response, api_url(x["gk_base"], x["cat"], page + 1, x["sid"]),
                                        {**x, "page": page + 1}, callback=spider.parse_list_data)
            if req is not None:
                yield req
        yield item(response, "listing")


FAMILY = Gkmlpt()
