"""Guangdong gkmlpt: the column page ``/<site>/gkmlpt/index#<catId>`` is a shell; the list is JSON
from ``GET /gkmlpt/api/all/{catId}?page=N&sid={SID}`` (``{total, articles:[{title, url, …}]}``;
some sites 404 past page 1). The site id is ``SID: '…'`` in the page, the column tree is
``window._CONFIG.TREE``. Details ``/gkmlpt/content/0/963/post_963149.html`` carry
``window._CONFIG.DETAIL`` (attachments among its strings)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit, urlunsplit

from .. import classify as C
from .base import XxgkSpider, xmeta

_SID = re.compile(r"""\bSID\s*[:=]\s*['"](\w+)['"]""")
_NODE = re.compile(r"""['"]?id['"]?\s*:\s*['"]?(\d+)['"]?\s*,\s*['"]?(?:name|title|text)['"]?\s*:\s*['"]([^'"]+)['"]"""
                   r"""|['"]?(?:name|title|text)['"]?\s*:\s*['"]([^'"]+)['"]\s*,\s*['"]?id['"]?\s*:\s*['"]?(\d+)""")


def gk_base(url: str) -> str:
    """``scheme://host/<site>`` in front of ``/gkmlpt/``."""
    p = urlsplit(url)
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


class GkmlptSpider(XxgkSpider):
    family = "gkmlpt"

    def family_links(self, response, x):
        text = response.text
        m = _SID.search(text)
        if not m or "/gkmlpt" not in response.url:
            return [], []
        sid = m.group(1)
        cats = []
        frag = x.get("fragment") or (response.request.url.split("#", 1)[1]
                                     if response.request and "#" in response.request.url else None)
        if frag and frag.isdigit():
            cats.append((frag, x.get("link_text") or ""))
        if not cats or x.get("zone") != "nb":
            cats += [c for c in report_categories(text) if c[0] not in {k for k, _ in cats}]
        reqs = []
        base = gk_base(response.url)
        for cid, name in cats:
            url = f"{base}/gkmlpt/api/all/{cid}?page=1&sid={sid}"
            nx = {**x, "zone": "nb", "cat": cid, "sid": sid, "page": 1, "gk_base": base,
                  "root": urlsplit(base).path + "/gkmlpt/", "link_text": name or None}
            req = self.paging_request(response, url, nx, None, callback=self.parse_api)
            if req is not None:
                reqs.append(req)
        return [], reqs

    def parse_api(self, response):
        x = xmeta(response)
        yield from self.side_items(response)
        if self.failed_status(response):
            # Some sites give everything on page 1 and 404 after it.
            yield self.item(response, "listing", error=f"HTTP {response.status}")
            return
        try:
            data = json.loads(response.text)
        except ValueError:
            yield self.item(response, "listing", error="not JSON")
            return
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
            url = response.urljoin(href)
            links.append(C.Link(url, a.get("title") or "", a.get("title") or "", "api"))
            for f in a.get("attachments") or a.get("files") or []:
                fu = f.get("url") if isinstance(f, dict) else f
                if fu:
                    links.append(C.Link(response.urljoin(fu), (f.get("name") if isinstance(f, dict) else "")
                                        or a.get("title") or "", "", "api"))
        yield from self.follow(response, links, x)
        total = data.get("total") or (data.get("classify") or {}).get("post_count") or 0
        page = int(x.get("page", 1))
        per = len(arts)
        if arts and total and page * max(per, 1) < int(total):
            nxt = page + 1
            url = f"{x['gk_base']}/gkmlpt/api/all/{x['cat']}?page={nxt}&sid={x['sid']}"
            req = self.paging_request(response, url, {**x, "page": nxt}, None,
                                      callback=self.parse_api)
            if req is not None:
                yield req
        yield self.item(response, "listing")
