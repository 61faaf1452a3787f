"""Inner Mongolia's platform (内蒙古, 呼和浩特 ``zfxxgknew/``): the 政府信息公开 pages are
``…/zfxxgk/fdzdgknr/?gk=<area>&cid=<column>`` (``gk`` selects the 公开 area, ``cid`` the column:
both are the page's identity) whose left menu names each column's real list only in a
``data-url`` attribute (``<a href="javascript:;" data-url="./zfxxgknb/">``), loaded into an
iframe by a script; the lists themselves are TRS-like (``createPageHTML``) tables.
"""

from __future__ import annotations

import re

from .. import classify as C
from . import trs
from .base import Family, FamilyLinks

_DATA_URL = "//*[@data-url or @data-href or @data-src]"


class Nmg(Family):
    """Menu entries whose address is a data attribute."""

    name = "nmg"
    markers = re.compile(r"[?&]gk=\d+&cid=\d+|data-url=")
    # the articles are TRS pages: the body sits in the TRS editor's container
    content_selectors = trs.FAMILY.content_selectors

    def list_links(self, spider, response, x):
        links = []
        for el in response.xpath(_DATA_URL):
            target = el.attrib.get("data-url") or el.attrib.get("data-href") or el.attrib.get("data-src")
            url = C.join(response.url, target)
            if url:
                links.append(C.Link(url, C.clean(" ".join(el.xpath(".//text()").getall())),
                                    el.attrib.get("title", ""), "a"))
        return FamilyLinks(links=links)


FAMILY = Nmg()
