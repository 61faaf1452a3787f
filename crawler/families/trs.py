"""TRS WCM (拓尔思): static pages whose paging exists only in JavaScript.

List ``…/index.html`` then ``index_1.html`` … ``index_{N-1}.html`` where N is announced in
``createPageHTML(N, cur, "index", "html")``, ``var countPage = N`` or Chongqing's
``createPage(N, …)``; Ningxia's platform names them ``list.html``/``list_N.html``. Details are
``./YYYYMM/tYYYYMMDD_<id>.html``; files ``P0YYYYMMDD….pdf`` in the same month directory.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit, urlunsplit

from .base import Family, FamilyLinks, url_date_of

_CREATE = re.compile(r"""createPageHTML\s*\(\s*['"]?(\d+)['"]?\s*,\s*['"]?(\d+)['"]?\s*,\s*"""
                     r"""['"]([\w\-]*)['"]\s*,\s*['"](\w+)['"]""")
_CREATE_SHORT = re.compile(r"""create(?:Page|PageHTML)\s*\(\s*['"]?(\d+)['"]?""")
_COUNT = re.compile(r"""(?:countPage|totalPage|pageCount|page_count)\s*[=:]\s*['"]?(\d+)""")
_NAME = re.compile(r"/(index|list|default)(?:_(\d+))?\.(s?html?)$")
# An article t<date>_<id>.html, a file P0<date><digits> (W0 for older uploads).
_ARTICLE_DATE = re.compile(r"/t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+\.s?html?(?:$|\?)")
_FILE_DATE = re.compile(r"/[PW]0(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})\d{6,}\.\w+(?:$|\?)")


def trs_pages(html: str, url: str) -> list[str]:
    """Every page of a TRS list (the first included), from its paging script; [] if it has none."""
    m = _CREATE.search(html)
    name = ext = None
    if m:
        total = int(m.group(1))
        name, ext = m.group(3) or None, m.group(4) or None
    else:
        m2 = _CREATE_SHORT.search(html) or _COUNT.search(html)
        if not m2:
            return []
        total = int(m2.group(1))
    if total <= 1 or total > 10000:
        return []
    parts = urlsplit(url)
    path = parts.path or "/"
    nm = _NAME.search(path)
    if nm:
        directory = path[: nm.start()] + "/"
        name = name or nm.group(1)
        ext = ext or nm.group(3)
    else:
        directory = path if path.endswith("/") else posixpath.dirname(path) + "/"
        name = name or "index"
        ext = ext or "html"
    out = []
    for i in range(0, total):
        fname = f"{name}.{ext}" if i == 0 else f"{name}_{i}.{ext}"
        out.append(urlunsplit((parts.scheme, parts.netloc, directory + fname, "", "")))
    return out


class Trs(Family):
    """Static pages, paged by a script: the other pages follow from the script's count."""

    name = "trs"
    markers = re.compile(r"createpagehtml|countpage\s*=|createpage\s*\(|trs_editor|trs_ueditor|/t\d{8}_\d+\.s?html?")
    content_selectors = (".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR")

    def list_links(self, spider, response, x):
        pages = trs_pages(response.text, response.url) if x.get("zone") == "nb" else []
        return FamilyLinks(requests=spider.paging_requests(response, pages, x))

    def url_date(self, url):
        return url_date_of(_ARTICLE_DATE, url) or url_date_of(_FILE_DATE, url)


FAMILY = Trs()
