"""Boda VSB 博达站群: lists ``/<treeid>.htm`` then ``/<treeid>/N.htm`` (real links, often
counting down), details ``/info/<treeid>/<newsid>.htm`` (or ``content.jsp?…wbnewsid=``), files
``/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=&wbfileid=`` that answer with
a small HTML error page unless the request carries a ``Referer`` (the spider always sends the
page's URL). The file name is only in the link text (``附件【name.xlsx】``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .base import Family

_PAGE = re.compile(r"/(\d+)\.htm$")


class Boda(Family):
    """Static .htm lists whose pages sit in a directory named like the first."""

    name = "boda"
    markers = re.compile(r"/system/_content/|wbtreeid|wbnewsid|downloadattachurl|_sitegray|"
                         r"/info/\d+/\d+\.htm|vsb\w*\.js|vsbres")
    # Its URLs carry no date (/info/<tree>/<newsid>.htm): the page's 成文日期 dates a report.
    content_selectors = ("#vsb_content", ".v_news_content")

    def same_column(self, url, page_url):
        # /nb.htm → /nb/12.htm …: the tree's pages sit in a directory named like the list file.
        up, pp = urlsplit(url).path, urlsplit(page_url).path
        stem = re.sub(r"\.htm$", "/", pp)
        if up.startswith(stem) and _PAGE.search(up):
            return True
        return bool(_PAGE.search(up) and _PAGE.search(pp) and up.rsplit("/", 1)[0] == pp.rsplit("/", 1)[0])


FAMILY = Boda()
