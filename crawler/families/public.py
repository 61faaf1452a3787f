"""Query-addressed disclosure platforms (郑州 and its districts and counties:
``public.<city>.gov.cn``): every page is the same path, told apart by its query —
``?a=dir&h=1&p=<catalogue code>``, ``?a=info&k=<kind>&d=<organ>``, ``?d=<organ>`` (an organ's
page), ``?a=path&d=<organ>&p=<code>&page=N`` — so every query parameter but a cache-buster is the
page's identity. Lists ``ul.common-list > a`` (``<span>`` title, ``<em>`` date) with real pager
links (``.page-tile a``, ``&page=N``); details ``/<code>/<id>.jhtml``; files under
``/attachment/``. Usually on a host of its own that the portal's 政务公开 link leads to
(``CrawlPlan.widen``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from .base import Family

_PAGE_KEYS = {"page", "pageno", "pageindex"}


def list_identity(url: str) -> tuple[str, frozenset] | None:
    """A list's identity: its path and its query but the page number; None without a query."""
    p = urlsplit(url)
    q = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if k.lower() not in _PAGE_KEYS]
    return (p.path, frozenset(q)) if q else None


class Public(Family):
    """One path, pages named by their query: another page of a list keeps every parameter but
    the page number."""

    name = "public"
    markers = re.compile(r"[?&]a=(?:info|dir|path|list)&|/[a-z]\w*/\d+\.jhtml|class=.?page-tile")
    content_selectors = (".content-wrap", ".article")

    def same_column(self, url, page_url):
        mine = list_identity(page_url)
        return mine is not None and list_identity(url) == mine


FAMILY = Public()
