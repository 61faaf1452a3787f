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
from .base import XxgkSpider, xmeta

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</nextgroup>", re.S | re.I)
_TOTALRECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_PERPAGE = re.compile(r"""perpage\s*[:=]\s*['"]?(\d+)""", re.I)
_JSVAR = r"""{}\s*[:=]\s*['"]?([\w\-/%.]+)"""
FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid",
             "webname", "permissiontype")


def records(text: str) -> list[str]:
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
    path = urlsplit(url).path
    i = path.find("/col/")
    return path[:i] if i > 0 else ""


def dataproxy_form(text: str, page_url: str) -> tuple[str, dict]:
    """The dataproxy endpoint and form fields of a Hanweb column page."""
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


class HanwebSpider(XxgkSpider):
    family = "hanweb"

    def family_links(self, response, x):
        text = response.text
        ds = _DATASTORE.search(text)
        if not ds:
            return [], []
        block = ds.group(1)
        links = record_links(block, response.url)
        reqs = []
        tm = _TOTALRECORD.search(block)
        total = int(tm.group(1)) if tm else 0
        have = len(records(block))
        if x.get("zone") == "nb" and total > have:
            pm = _PERPAGE.search(text)
            perpage = int(pm.group(1)) if pm else max(1, min(have, 20) or 15)
            group = perpage * 3
            endpoint, form = dataproxy_form(text, response.url)
            start = have + 1
            while start <= total:
                end = min(total, start + group - 1)
                url = f"{endpoint}?startrecord={start}&endrecord={end}&perpage={perpage}"
                req = self.paging_request(response, url, {**x, "column_url": response.url}, None,
                                          formdata=form, callback=self.parse_dataproxy)
                if req is not None:
                    reqs.append(req)
                start = end + 1
        return links, reqs

    def parse_dataproxy(self, response):
        x = xmeta(response)
        yield from self.side_items(response)
        if self.failed_status(response):
            yield self.item(response, "listing", error=f"HTTP {response.status}")
            return
        base = x.get("column_url") or response.url
        links = record_links(response.text, base)
        yield from self.follow(response, links, x)
        yield self.item(response, "listing")
