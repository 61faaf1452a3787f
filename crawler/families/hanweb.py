"""Hanweb / 大汉 JCMS: the list lives in ``<script type="text/xml"><datastore>`` and further pages
come only from ``POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`` (there
is no static ``index_1.html``). Details ``/art/YYYY/M/D/art_<col>_<id>.html``; files
``/module/download/downfile.jsp?classid=0&filename=<hex>.pdf`` (302 to ``/attach/0/…``)."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapy import Selector

from .. import classify as C
from ..spiders.exchanges import item
from .base import Family, FamilyLinks, url_date_of

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>", re.S | re.I)
_TOTALRECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_PERPAGE = re.compile(r"""perpage\s*[:=]\s*['"]?(\d+)""", re.I)
_JSVAR = r"""{}\s*[:=]\s*['"]?([\w\-/%.]+)"""
# An article's URL holds its publication date: /art/2024/1/14/art_<col>_<id>.html.
_ART_DATE = re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/art_\d+_\d+\.html")
FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid",
             "webname", "permissiontype")


def records(text: str) -> list[str]:
    """The HTML fragments of a datastore's ``<record>`` elements."""
    return [(a or b or "") for a, b in _RECORD.findall(text)]


def record_links(text: str, base: str) -> list[C.Link]:
    out = []
    for frag in records(text):
        sel = Selector(text=f"<div>{frag}</div>")
        for a in sel.xpath("//a[@href]"):
            href = a.attrib.get("href", "")
            url = C.join(base, htmllib.unescape(href))
            if url:
                out.append(C.Link(url, C.clean(" ".join(a.xpath(".//text()").getall())),
                                  a.attrib.get("title", ""), "record"))
    return out


def site_prefix(url: str) -> str:
    """The path a Hanweb site lives under on a shared host (before ``/col/``)."""
    path = urlsplit(url).path
    i = path.find("/col/")
    return path[:i] if i > 0 else ""


def dataproxy_form(text: str, page_url: str) -> tuple[str, dict]:
    """The dataproxy endpoint and form fields of a Hanweb column page: from its ``<nextgroup>``
    link, else from the page's script variables and its ``/col/col<id>/`` URL."""
    form: dict[str, str] = {}
    endpoint = None
    m = _NEXTGROUP.search(text)
    if m:
        frag = htmllib.unescape(m.group(1) or m.group(2) or "")
        hm = re.search(r"""href\s*=\s*['"]([^'"]+)['"]""", frag)
        if hm:
            href = hm.group(1)
            for k, v in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                form[k] = v
            if "/module/" in urlsplit(href).path:
                endpoint = urljoin(page_url, urlsplit(href).path)
    for key in FORM_KEYS:
        if key not in form:
            jm = re.search(_JSVAR.format(re.escape(key)), text)
            if jm:
                form[key] = jm.group(1)
    if "columnid" not in form:
        cm = re.search(r"/col/col(\d+)/", page_url)
        if cm:
            form["columnid"] = cm.group(1)
    form.pop("page", None)
    form.setdefault("col", "1")
    form.setdefault("appid", "1")
    form.setdefault("path", "/")
    form.setdefault("permissiontype", "0")
    if endpoint is None:
        p = urlsplit(page_url)
        endpoint = f"{p.scheme}://{p.netloc}{site_prefix(page_url)}/module/web/jpage/dataproxy.jsp"
    return endpoint, {k: v for k, v in form.items() if k in FORM_KEYS or k in ("webname",)}


def record_groups(have: int, total: int, perpage: int) -> list[tuple[int, int]]:
    """(startrecord, endrecord) of the dataproxy requests for the records after the first
    ``have``, three pages a request as the JCMS pager asks for them."""
    group = perpage * 3
    out, start = [], have + 1
    while start <= total:
        end = min(total, start + group - 1)
        out.append((start, end))
        start = end + 1
    return out


class Hanweb(Family):
    """A list in an embedded datastore, the rest of it fetched as XML from dataproxy.jsp."""

    name = "hanweb"
    markers = re.compile(r"<datastore>|dataproxy\.jsp|/col/col\d+/|/art/\d{4}/\d{1,2}/\d{1,2}/art_|"
                         r"hanweb|jcms")
    content_selectors = ("#zoom",)

    def url_date(self, url):
        return url_date_of(_ART_DATE, url)

    def list_links(self, spider, response, x):
        text = response.text
        ds = _DATASTORE.search(text)
        if not ds:
            return FamilyLinks()
        block = ds.group(1)
        found = FamilyLinks(links=record_links(block, response.url))
        tm = _TOTALRECORD.search(block)
        total = int(tm.group(1)) if tm else 0
        have = len(records(block))
        if x.get("zone") == "nb" and total > have:
            pm = _PERPAGE.search(text)
            perpage = int(pm.group(1)) if pm else max(1, min(have, 20) or 15)
            endpoint, form = dataproxy_form(text, response.url)
            nx = {**x, "column_url": response.url, "family": self.name}
            for start, end in record_groups(have, total, perpage):
                url = f"{endpoint}?startrecord={start}&endrecord={end}&perpage={perpage}"
                req = spider.paging_request(response, url, nx, formdata=form,
                                            callback=spider.parse_list_data)
                if req is not None:
                    found.requests.append(req)
        return found

    def parse_list_data(self, spider, response, x):
        """A dataproxy answer: a datastore of the next records."""
        links = record_links(response.text, x.get("column_url") or response.url)
        yield from spider.follow(response, links, x)
        yield item(response, "listing")


FAMILY = Hanweb()
