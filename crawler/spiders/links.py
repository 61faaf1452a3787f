"""Every link a page offers, and the files a report page offers (pure functions of a response)."""

from __future__ import annotations

import datetime as dt
import re

from scrapy.http import TextResponse

from .. import classify as C

# Where a report page keeps its text (TRS, Hanweb, Lonsun, Boda, Ningxia, gkmlpt, generic).
BODY_SELECTORS = [".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR", "#zoom", ".wzcon",
                  ".j-fontContent", "#ivs_content", ".Custom_UnionStyle", ".xxgk_content",
                  ".zz-xl-ct", ".zz-xl-sec", ".v_news_content", "#vsb_content", ".article-content",
                  ".article_con", ".article-con", ".content_detail", ".detail-content",
                  "#content", ".content", "article", ".article", "#main", "main"]
_DOWNLOAD_LABEL = re.compile(r"下载\s*(word|pdf|wps|excel|文档|附件|原文|全文)|附件\s*[:：]?\s*\S+\.(pdf|docx?|wps|xlsx?)",
                             re.I)


def urljoin(response, href: str) -> str | None:
    """An absolute URL for ``href`` on this page; None for scripts, mail, anchors. The fragment
    is dropped except on gkmlpt, whose column is named in it (``index#2541``)."""
    href = (href or "").strip()
    if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        url = response.urljoin(href.replace("\\", "/"))
    except ValueError:
        return None
    return url.split("#", 1)[0] if "#" in url and "/gkmlpt/" not in url else url


def extract_links(response, scope=None) -> list[C.Link]:
    """Every link a page offers: <a href>, onclick/JS, iframes/embeds, viewer ?file=, scripts."""
    if not isinstance(response, TextResponse):
        return []
    root = scope if scope is not None else response
    out: list[C.Link] = []
    for a in root.xpath(".//a | .//area"):
        href = a.attrib.get("href", "")
        text = C.clean(" ".join(a.xpath(".//text()").getall()))
        title = a.attrib.get("title", "")
        if href and not href.strip().lower().startswith("javascript") and "{{" not in href:
            url = urljoin(response, href)
            if url:
                out.append(C.Link(url, text, title, "a", organ=row_organ(a, text),
                                  date=row_date(a, text, title)))
                target = C.viewer_target(url)
                if target:
                    t = urljoin(response, target)
                    if t:
                        out.append(C.Link(t, text, title, "onclick"))
        js = " ".join(v for k, v in a.attrib.items() if k.lower().startswith("on") or
                      (k == "href" and v.strip().lower().startswith("javascript")))
        for u in C.script_links(js) if js else []:
            url = urljoin(response, u)
            if url:
                out.append(C.Link(url, text, title, "onclick"))
    for el in root.xpath(".//*[@onclick][not(self::a)]"):
        text = C.clean(" ".join(el.xpath(".//text()").getall()))[:200]
        for u in C.script_links(el.attrib.get("onclick", "")):
            url = urljoin(response, u)
            if url:
                out.append(C.Link(url, text, el.attrib.get("title", ""), "onclick"))
    for el in root.xpath(".//iframe[@src] | .//embed[@src] | .//object[@data] | .//frame[@src]"):
        src = el.attrib.get("src") or el.attrib.get("data") or ""
        if "{{" in src:
            continue
        url = urljoin(response, src)
        if not url:
            continue
        target = C.viewer_target(url)
        if target:
            t = urljoin(response, target)
            if t:
                out.append(C.Link(t, "", el.attrib.get("title", ""), "iframe"))
        elif C.attachment_ext(url):
            out.append(C.Link(url, "", el.attrib.get("title", ""), "embed"))
        else:
            out.append(C.Link(url, "", el.attrib.get("title", ""), "frame"))
    for opt in root.xpath(".//select/option[@value]"):
        # a "部门网站" / "乡镇" drop-down: each option's value is a site's address
        value = opt.attrib.get("value", "").strip()
        if re.match(r"^(https?://|/|\./)", value):
            url = urljoin(response, value)
            if url:
                out.append(C.Link(url, C.clean(" ".join(opt.xpath(".//text()").getall())), "", "option"))
    for s in root.xpath(".//script[not(@src)]/text()").getall():
        for u in C.script_links(s):
            url = urljoin(response, u)
            if url and (C.attachment_ext(url) or C.viewer_target(url)):
                out.append(C.Link(url, "", "", "script"))
        for name, u in script_records(s):
            url = urljoin(response, u)
            if url:
                out.append(C.Link(url, name, "", "tree"))
    return out


_RECORD = re.compile(r"\{[^{}]{0,600}\}")
_NAME = re.compile(r"""['"]?(?:name|title|text|label)['"]?\s*:\s*['"]([^'"]{2,60})['"]""")
_HREF = re.compile(r"""['"]?(?:url|href|link|path)['"]?\s*:\s*['"]((?:https?://|/|\./|\.\./)?[^'"\s]+\.[a-z]{2,5}[^'"\s]*|"""
                   r"""(?:https?://|/|\./|\.\./)[^'"\s]*)['"]""", re.I)


def script_records(text: str) -> list[tuple[str, str]]:
    """(name, address) of the nodes a script's data holds — an organ tree (zTree's
    ``{id, pId, name, url}``), a menu: objects naming both."""
    out = []
    for m in _RECORD.finditer(text):
        obj = m.group(0)
        name, href = _NAME.search(obj), _HREF.search(obj)
        if name and href and not href.group(1).lower().startswith("javascript"):
            out.append((C.clean(name.group(1)), href.group(1)))
    return out


def row_organ(a, text: str) -> str | None:
    """The organ an organ directory's row names, for a short link beside it (``<li><a>县教育局</a>
    <a>指南</a> <a>年报</a></li>``): the row's first link, when that is an organ's name."""
    if not text or len(text) > 8 or not C.NB_TEXT.search(text):
        return None
    row = a.xpath("ancestor::*[self::li or self::tr or self::dd or self::dl][1]")
    if not row:
        return None
    first = row[0].xpath("(.//a)[1]")
    return C.organ_name(" ".join(first.xpath(".//text()").getall())) if first else None


# A date as lists print it beside a link: 2024-01-15, 2024/1/15, 2024.01.15, 2024年1月15日.
_ROW_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_ROW_MAX = 400  # characters: a longer "row" is a block of the page, not one entry of a list


def row_date(a, text: str, title: str = "") -> str | None:
    """The date a list prints beside a link that may be a report's (``<li><a>…年度报告</a>
    <span>2025-01-20</span></li>``): the one date in the text of the link's row (its li, tr or
    dd; else its parent) outside its links. None when the row has no date or more than one."""
    if not (C.NB_TEXT.search(text) or C.NB_TEXT.search(title or "")):
        return None  # only a report's date is of use, and rows are read only for them
    row = a.xpath("ancestor::*[self::li or self::tr or self::dd][1]") or a.xpath("..")
    if not row:
        return None
    outside = " ".join(row[0].xpath(".//text()[not(ancestor::a)]").getall())
    if len(outside) > _ROW_MAX:
        return None
    found = set()
    for m in _ROW_DATE.finditer(outside):
        try:
            found.add(dt.date(*map(int, m.groups())).isoformat())
        except ValueError:
            continue
    return found.pop() if len(found) == 1 else None


def content_scope(response):
    """The element that holds a report page's text, if a known one is there."""
    for sel in BODY_SELECTORS:
        found = response.css(sel)
        if found:
            return found[0]
    return None


def attachment_links(response) -> list[C.Link]:
    """Files a report page offers: linked documents anywhere, pictures only in its text."""
    out, seen = [], set()
    for link in extract_links(response):
        kind = C.classify_link(link)
        label = link.label
        if kind != "attachment" and not (_DOWNLOAD_LABEL.search(label) and link.source == "a"
                                          and not C.looks_like_detail(link.url)):
            continue
        if link.ext in C.IMAGE_EXTS and C.is_chrome_image(link.url):
            continue
        if C.title_kind(label) == "other" and not C.VARIANT.search(label):
            continue
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    scope = content_scope(response)
    if scope is not None:
        for src in scope.xpath(".//img/@src | .//img/@data-src | .//img/@original").getall():
            url = urljoin(response, src)
            if not url or url in seen or C.is_chrome_image(url) or url.startswith("data:"):
                continue
            if not C.attachment_ext(url) and not C.is_download_url(url):
                continue
            seen.add(url)
            link = C.Link(url, "", "", "img")
            link.ext = C.attachment_ext(url)
            out.append(link)
    return out
