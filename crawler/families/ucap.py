"""开普云 UCAP (黑龙江, 新疆, 四川, 西藏 counties; CSRC, NHC, SPB): pages
``/<site>/c<id>/<template>.shtml`` (``common_zfxxgknb.shtml``, ``zfxxgk_list.shtml``,
``list.shtml`` …) whose list a script fills from the column's ``<meta name="channelid">``
through ``GET /common/search/<channelId>?_isAgg=true&_isJson=true&_template=index&page=N``
(elsewhere ``/search/<id>``, ``/searchList/<id>``, ``/es-search/search/<id>``): JSON
``data.{total, results:[{title, url, publishedTimeStr, resList:[{fileName, filePath}]}]}``. The
endpoint is the one the page's own script names, else the usual one at the host's root; when it
fails (404, not JSON, no results) the page is rendered and its script's requests are followed.
Sites are often behind a 412 瑞数 challenge (``middlewares/challenge.py``). Details
``…/c<id>/<YYYYMM>/<32hex>.shtml``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from ..spiders import listdata
from ..spiders.exchanges import item
from .base import Family, FamilyLinks

_CHANNEL = re.compile(r"""<meta\s+name=["']channelid["']\s+content=["']([\w-]+)["']""", re.I)
_CHANNEL_JS = re.compile(r"""\bchannel_?id["']?\s*[:=]\s*["']([0-9a-f]{16,})["']""", re.I)
# The search endpoint as the page's script writes it (before the channel id).
_ENDPOINT = re.compile(r"""["']((?:https?:)?(?://[^"'/\s]+)?(?:/[\w.-]+)*?/(?:common/search|searchList|"""
                       r"""es-search/search|search))/?["']|["']((?:https?:)?(?://[^"'/\s]+)?"""
                       r"""(?:/[\w.-]+)*?/(?:common/search|searchList|es-search/search|search))/[0-9a-f]{16,}""")
QUERY = "_isAgg=true&_isJson=true&_pageSize=20&_template=index&_rangeTimeGte=&_channelName=&page=1"


def channel_id(html: str) -> str | None:
    m = _CHANNEL.search(html) or _CHANNEL_JS.search(html)
    return m.group(1) if m else None


def search_url(html: str, page_url: str, channel: str) -> str:
    """Page 1 of the column's list: at the endpoint the page's own scripts name, else at the
    usual ``/common/search/`` of the host."""
    scripts = " ".join(re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S | re.I))
    m = _ENDPOINT.search(scripts)
    endpoint = (m.group(1) or m.group(2)) if m else "/common/search"
    return urljoin(page_url, f"{endpoint.rstrip('/')}/{channel}?{QUERY}")


class Ucap(Family):
    """A column whose list is JSON from a search endpoint keyed by the page's channel id."""

    name = "ucap"
    markers = re.compile(r"""<meta\s+name=["']channelid["']|/common/search/|_isjson=true|ucap""")
    content_selectors = (".detail_content", ".detail-news")

    def list_links(self, spider, response, x):
        channel = channel_id(response.text) if x.get("zone") == "nb" else None
        if not channel:
            return FamilyLinks()
        url = search_url(response.text, response.url, channel)
        nx = {**x, "family": self.name, "page_url": response.url, "channel": channel,
              "root": x.get("root") or urlsplit(response.url).path}
        req = spider.paging_request(response, url, nx, callback=spider.parse_list_data)
        return FamilyLinks(requests=[req] if req is not None else [])

    def parse_list_data(self, spider, response, x):
        """A page of the search answer: its results and their files, and the next pages."""
        data = listdata.parse_json(response.text)
        if data is None:
            yield item(response, "listing", error="not JSON")
            yield from spider.fallback(response, x, "not JSON")
            return
        yield from spider.read_list_data(response, x, answer=data)


FAMILY = Ucap()
