"""Fujian's intensive platform (福建省政府网站集约化平台): TRS pages behind an avalon.js front end.

A column page is an empty ``ms-repeat`` template that a script fills from a JSON endpoint whose
name and token it computes, so the spider renders it in Chromium (an empty 年报 list is rendered
by the base spider); a column that also holds a static first page renders all the same when its
pager is one avalon.js fills (``ms-include-src="pgTemp"``), and the list requests its script
makes are read and paged. A report page sets its 全真版 PDF only in JS (``qzbFile``), which the
spider's script-link extraction reads. Lists that page statically do it the TRS way.
"""

from __future__ import annotations

import re

from . import trs
from .base import Family


# A pager avalon.js fills in (pgBar_pt.html): the static list is only the first page.
_AVALON_PAGER = re.compile(r"ms-include-src\s*=\s*[\"']pgtemp|ms-include-src\s*=\s*[\"'][^\"']*pgbar", re.I)


class Fujian(Family):
    """TRS pages behind a browser-built front end."""

    name = "fujian"
    markers = re.compile(r"ms-repeat|avalon|qzbfile|fjdzapp")
    content_selectors = trs.FAMILY.content_selectors

    def list_links(self, spider, response, x):
        found = trs.FAMILY.list_links(spider, response, x)
        if x.get("zone") == "nb" and _AVALON_PAGER.search(response.text) and not found.requests \
                and spider.rendering.wanted_as_fallback(response.url) and not response.meta.get("playwright"):
            # The static list (if any) is its first page; the rest only avalon.js fetches.
            found.requests.append(spider.rendering.request(spider, response, x))
        return found

    def url_date(self, url):
        return trs.FAMILY.url_date(url)


FAMILY = Fujian()
