"""Hebei's provincial platform (河北省, 石家庄 and its counties): columns
``/columns/<uuid>/index.html`` whose list is a block a script loads:
``/columns/<uuid>/templates/<uuid>/blocks/<uuid>?page=N&fix=0`` answers an HTML fragment of
``li.xxgk_gfxwjk-list-li`` items and its pager (``共N页``). Details
``/columns/<uuid>/<YYYYMM>/<DD>/<uuid>.html``; files under ``/attachments/``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .base import Family, FamilyLinks

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_BLOCK = re.compile(rf"""((?:https?://[^"'\s]+)?(?:/[\w.-]+)*/columns/{_UUID}/templates/{_UUID}/blocks/{_UUID})""")


def block_urls(html: str, page_url: str) -> list[str]:
    """Page 1 of every list block the column page loads."""
    out = []
    for m in _BLOCK.finditer(html):
        url = urljoin(page_url, m.group(1)) + "?page=1&fix=0"
        if url not in out:
            out.append(url)
    return out


class Hebei(Family):
    """A column page whose list is a block fetched by page number."""

    name = "hebei"
    markers = re.compile(rf"/columns/{_UUID}/")
    content_selectors = (".article-content",)

    def list_links(self, spider, response, x):
        if x.get("zone") != "nb":
            return FamilyLinks()
        found = FamilyLinks()
        for url in block_urls(response.text, response.url):
            req = spider.paging_request(response, url, {**x, "page_url": response.url},
                                        callback=spider.parse_list_data)
            if req is not None:
                found.requests.append(req)
        return found


FAMILY = Hebei()
