"""Boda VSB 博达站群: lists ``/<treeid>.htm`` then ``/<treeid>/N.htm`` (real links, often
counting down), details ``/info/<treeid>/<newsid>.htm`` (or ``content.jsp?…wbnewsid=``), files
``/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=&wbfileid=`` that answer with
a small HTML error page unless the request carries a ``Referer`` (the base spider always sends the
page's URL). The file name is only in the link text (``附件【name.xlsx】``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import classify as C
from .base import XxgkSpider

_PAGE = re.compile(r"/(\d+)\.htm$")


class BodaSpider(XxgkSpider):
    family = "boda"

    def same_column(self, url, page_url, root):
        # /nb.htm → /nb/12.htm …: the tree's pages sit in a directory named like the list file.
        up, pp = urlsplit(url).path, urlsplit(page_url).path
        stem = re.sub(r"\.htm$", "/", pp)
        if up.startswith(stem) and _PAGE.search(up):
            return True
        if _PAGE.search(up) and _PAGE.search(pp) and up.rsplit("/", 1)[0] == pp.rsplit("/", 1)[0]:
            return True
        return super().same_column(url, page_url, root)

    def column_ok(self, url, zone):
        return not C.JUNK_URL.search(url)
