"""Fujian's intensive platform (福建省政府网站集约化平台): TRS pages behind an avalon.js front end.

A column page is an empty ``ms-repeat`` template that a script fills from a JSON endpoint whose
name and token it computes, so the spider renders it in Chromium (an empty 年报 list is rendered
by the base spider). A report page sets its 全真版 PDF only in JS (``qzbFile``), which the
spider's script-link extraction reads. Lists that page statically do it the TRS way.
"""

from __future__ import annotations

import re

from . import trs
from .base import Family


class Fujian(Family):
    """TRS pages behind a browser-built front end."""

    name = "fujian"
    markers = re.compile(r"ms-repeat|avalon|qzbfile|fjdzapp")
    content_selectors = trs.FAMILY.content_selectors

    def list_links(self, spider, response, x):
        return trs.FAMILY.list_links(spider, response, x)

    def url_date(self, url):
        return trs.FAMILY.url_date(url)


FAMILY = Fujian()
