"""Lonsun 龙讯 EX CMS (Anhui's unified platform): per-organ columns
``/public/column/{organId}?type=3&action=list`` (3 = 年报, 2 = 指南, 4 = 目录, 5 = 依申请), an organ
directory listing every organ with its 年报 link, JS-only paging ``Ls.pagination(…, {pageCount:N})``
that sets ``location.href = linkPrefix + "&pageIndex=" + n``. Details
``/public/{organId}/{id}.html`` with dynamic twins ``/public/content/{id}``,
``/content/article/{id}`` and ``/wap/…`` mirrors; ``activeId`` only highlights a tab."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from .. import classify as C
from .base import Family, FamilyLinks

_PAGINATION = re.compile(r"Ls\.pagination\s*\(", re.I)
_PAGECOUNT = re.compile(r"""pageCount\s*[:=]\s*['"]?(\d+)""")
_LINKPREFIX = re.compile(r"""linkPrefix\s*[:=]\s*['"]([^'"]+)['"]""")
_COLUMN = re.compile(r"(/public/column/)(\d+)")
_TWIN = re.compile(r"/public/(?:\d+/|content/)(\d+)(?:\.html?)?$|/content/article/(\d+)(?:\.html?)?$")
_DYNAMIC = re.compile(r"(?:/wap)?/(?:public/content|content/article)/(\d+)(?:\.html?)?$")


def set_query(url: str, **params) -> str:
    """``url`` with these query parameters set (and ``activeId``, a highlighted tab, dropped)."""
    p = urlsplit(url)
    q = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True)
         if k not in params and k.lower() != "activeid"]
    q += [(k, str(v)) for k, v in params.items() if v is not None]
    return urlunsplit((p.scheme, p.netloc, p.path, urlencode(q), ""))


def lonsun_pages(html: str, url: str) -> list[str]:
    """Pages 2…N of a list that pages with ``Ls.pagination``; [] if it does not."""
    pagination = _PAGINATION.search(html)
    if not pagination:
        return []
    m = _PAGECOUNT.search(html[pagination.start():]) or _PAGECOUNT.search(html)
    if not m:
        return []
    total = int(m.group(1))
    if total <= 1 or total > 5000:
        return []
    lp = _LINKPREFIX.search(html)
    out = []
    for n in range(2, total + 1):
        if lp:
            out.append(urljoin(url, f"{lp.group(1)}&pageIndex={n}"))
        else:
            out.append(set_query(url, pageIndex=n))
    return out


def annual_column(url: str) -> str | None:
    """The 年报 list of the organ a ``/public/column/{id}…`` URL belongs to."""
    p = urlsplit(url)
    m = _COLUMN.search(p.path)
    if not m:
        return None
    path = p.path[: m.end()]
    return urlunsplit((p.scheme, p.netloc, path, "type=3&action=list", ""))


class Lonsun(Family):
    """Organ columns: each organ's 年报 list, paged by Ls.pagination; static twins of dynamic pages."""

    name = "lonsun"
    markers = re.compile(r"ls\.pagination|/public/column/\d+|xxgkmnbox|excms|lonsun|"
                         r"/site/label/8888")
    # Its URLs carry no date (/public/<organ>/<id>.html): the page's 发布日期 dates a report.
    content_selectors = (".wzcon", ".j-fontContent")

    def twin_key(self, url):
        m = _TWIN.search(urlsplit(url).path)
        if m:
            return ("lonsun", m.group(1) or m.group(2))
        return None

    def preferred_url(self, url, page_url):
        """A list that links ``/public/content/{id}`` (or its /wap/ mirror) of organ N's column
        has the static page ``…/public/N/{id}.html``: fetch that, keep the dynamic one as alias."""
        m = _DYNAMIC.search(urlsplit(url).path)
        if not m:
            return None
        lp = urlsplit(page_url)
        cm = _COLUMN.search(lp.path)
        if not cm:
            return None
        prefix = lp.path[: cm.start()]
        return urlunsplit((lp.scheme, lp.netloc, f"{prefix}/public/{cm.group(2)}/{m.group(1)}.html", "", ""))

    def column_ok(self, url, zone):
        p = urlsplit(url)
        if _COLUMN.search(p.path):
            q = dict(parse_qsl(p.query))
            # 目录 (4), 指南 (2), 依申请 (5), 制度 (1): only the 年报 list (3) and the organ
            # directory (action=rel) are walked; every organ's 年报 list is derived from its links.
            return q.get("type") == "3" or q.get("action") == "rel"
        return True

    def list_links(self, spider, response, x):
        found = FamilyLinks()
        # Every organ column seen leads to that organ's 年报 list.
        seen = set()
        for a in response.xpath("//a[@href]"):
            href = a.attrib.get("href", "")
            if "/public/column/" not in href:
                continue
            target = annual_column(response.urljoin(href))
            if not target or target in seen or target == C.canonical_url(response.url):
                continue
            seen.add(target)
            label = C.clean(" ".join(a.xpath(".//text()").getall()))
            # The organ's name is the first link of its row in the directory.
            row = a.xpath("ancestor::li[1]")
            organ = C.clean(" ".join(row.xpath("./a[1]//text()").getall())) if row else label
            if not spider.in_scope(target):
                continue
            nx = {"role": "listing", "zone": "nb", "root": urlsplit(target).path,
                  "link_text": label or None, "organ": C.organ_name(organ) or x.get("organ"),
                  "directory": response.url, "hops": 0}
            found.requests.append(spider.make_request(target, nx, spider.parse_listing, response, priority=5))
        if x.get("zone") == "nb":
            found.requests += spider.paging_requests(response, lonsun_pages(response.text, response.url), x)
        return found


FAMILY = Lonsun()
