"""Lists a page's script fetches as data — JSON records or HTML fragments — read without knowing
the platform: the links their records give (a title beside a ``url``/``link``/``filePath``…),
and the other pages of the same request (its ``page``/``pageNo``/``pageIndex``… parameter, up to
the total the answer states). The families that know their API use these too; the spider uses
them on the requests a page made in Chromium when a family's shortcut failed. Pure functions of
strings and parsed JSON."""

from __future__ import annotations

import html as htmllib
import json
import re
from typing import Any, Iterator, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import Selector

from .. import classify as C

# Keys of a record that hold its address, and its title, most telling first.
URL_KEYS = ("url", "link", "href", "post_url", "chnldocurl", "docpuburl", "detailurl", "pcurl",
            "pageurl", "linkurl", "filepath", "fileurl", "file_url", "downloadurl", "path", "src")
TITLE_KEYS = ("title", "doctitle", "showtitle", "name", "filename", "file_name", "docname",
              "text", "label", "maintitle")
PAGE_KEYS = ("page", "pageno", "pageindex", "pagenum", "currpage", "curpage", "current",
             "pagenumber", "p", "cur_page")
SIZE_KEYS = ("_pagesize", "pagesize", "page_size", "rows", "limit", "perpage", "size")
TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount", "count",
              "totalelements", "totalnum", "total_count", "post_count")
PAGES_KEYS = ("totalpage", "totalpages", "pagecount", "pages", "page_count", "pagetotal")
_TAG = re.compile(r"<[^>]+>")
_ADDRESS = re.compile(r"^(https?:)?//|^/|^\.{1,2}/|\.(s?html?|jhtml|jsp|aspx?|php|pdf|docx?|wps|xlsx?|et|ofd)(\?|$)",
                      re.I)
_PAGES_IN_HTML = re.compile(r"""(?:共\s*(\d+)\s*页|(?:totalPage|pageCount|totalPages|data-total-?page|"""
                            r"""data-pages|data-pagecount)["']?\s*[:=]\s*["']?(\d+))""", re.I)
MAX_PAGES = 500


class Request(NamedTuple):
    """A list request as made: GET ``url``, or POST ``url`` with ``form``."""

    url: str
    form: dict | None = None


def parse_json(text: str) -> Any:
    """The JSON of an answer (a JSONP callback unwrapped), or None."""
    t = text.strip()
    m = re.match(r"^[\w$.]+\s*\((.*)\)\s*;?\s*$", t, re.S)
    if m:
        t = m.group(1)
    if not t.startswith(("{", "[")):
        return None
    try:
        return json.loads(t)
    except ValueError:
        return None


def _records(data: Any) -> Iterator[dict]:
    if isinstance(data, dict):
        yield data
        for v in data.values():
            yield from _records(v)
    elif isinstance(data, list):
        for v in data:
            yield from _records(v)


def _lower(d: dict) -> dict:
    return {str(k).lower(): v for k, v in d.items()}


def _address(rec: dict) -> str | None:
    low = _lower(rec)
    return next((v for k in URL_KEYS if isinstance(v := low.get(k), str) and _ADDRESS.search(v.strip())), None)


def _record_link(rec: dict, href: str, base_url: str) -> C.Link | None:
    low = _lower(rec)
    title = next((v for k in TITLE_KEYS if isinstance(v := low.get(k), str) and v.strip()), "") or \
        next((v for k, v in low.items() if isinstance(v, str) and v.strip() and
              (k.endswith("title") or k.endswith("name"))), "")
    url = C.join(base_url, htmllib.unescape(href.strip()))
    return C.Link(url, C.clean(htmllib.unescape(_TAG.sub("", title))), "", "api") if url else None


def json_links(data: Any, base_url: str) -> list[C.Link]:
    """Every record of an answer that gives an address beside a title, as a link. The files a
    record lists beside its own page (UCAP's ``resList``) are that page's (``Link.files``): the
    page is the report, they are its documents, even when the page itself does not link them."""
    out, seen = [], set()

    def nested(node, into: list):
        for v in (node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()):
            if isinstance(v, dict) and (href := _address(v)):
                link = _record_link(v, href, base_url)
                if link:
                    into.append(link)
            elif isinstance(v, (dict, list)):
                nested(v, into)

    def walk(node):
        if isinstance(node, list):
            for v in node:
                walk(v)
            return
        if not isinstance(node, dict):
            return
        href = _address(node)
        if not href:
            for v in node.values():
                walk(v)
            return
        link = _record_link(node, href, base_url)
        if link and link.url not in seen:
            seen.add(link.url)
            nested(node, link.files)
            out.append(link)

    walk(data)
    return out


def fragment_links(text: str, base_url: str) -> list[C.Link]:
    """The links of an HTML fragment a script puts into the page."""
    out = []
    for a in Selector(text=text).xpath("//a[@href]"):
        url = C.join(base_url, a.attrib.get("href", ""))
        if url:
            out.append(C.Link(url, C.clean(" ".join(a.xpath(".//text()").getall())),
                              a.attrib.get("title", ""), "record"))
    return out


def _number(v) -> int | None:
    try:
        n = int(str(v).strip())
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


def _find(data: Any, keys: tuple[str, ...]) -> int | None:
    for rec in _records(data):
        low = _lower(rec)
        for k in keys:
            n = _number(low.get(k)) if k in low else None
            if n is not None:
                return n
    return None


def page_param(req: Request) -> tuple[str, int, str] | None:
    """The paging parameter of a request: (name, value, 'query' or 'form'), or None."""
    for where, pairs in (("form", list((req.form or {}).items())),
                         ("query", parse_qsl(urlsplit(req.url).query, keep_blank_values=True))):
        for k, v in pairs:
            if k.lower() in PAGE_KEYS and (n := _number(v)) is not None:
                return k, n, where
    return None


def with_page(req: Request, name: str, value: int, where: str) -> Request:
    if where == "form":
        return Request(req.url, {**(req.form or {}), name: str(value)})
    p = urlsplit(req.url)
    q = [(k, str(value) if k == name else v) for k, v in parse_qsl(p.query, keep_blank_values=True)]
    return Request(urlunsplit(p._replace(query=urlencode(q))), req.form)


def page_count(answer: Any, text: str, n_records: int, req: Request) -> int | None:
    """How many pages the list has, from what the answer says (pages, or a total and the page
    size); None when it does not say."""
    if answer is not None:
        pages = _find(answer, PAGES_KEYS)
        if pages:
            return pages
        total = _find(answer, TOTAL_KEYS)
        size = None
        for k, v in [*parse_qsl(urlsplit(req.url).query), *(req.form or {}).items()]:
            if k.lower() in SIZE_KEYS and _number(v):
                size = _number(v)
        size = max(n_records, 1) if n_records and (size is None or n_records < size) else size
        if total is not None and size:
            return -(-total // size)
        return None
    m = _PAGES_IN_HTML.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def other_pages(req: Request, answer: Any, text: str, n_records: int) -> list[Request]:
    """The list's pages after this one, when the request pages by a parameter and the answer
    says how many there are. A first page numbered 0 counts from 0."""
    found = page_param(req)
    if found is None or n_records == 0:
        return []
    name, current, where = found
    pages = page_count(answer, text, n_records, req)
    if not pages:
        return []
    first = 0 if current == 0 else 1
    last = min(pages - 1 + first, first + MAX_PAGES)
    return [with_page(req, name, n, where) for n in range(current + 1, last + 1)]


def links_of(text: str, base_url: str) -> tuple[Any, list[C.Link]]:
    """(the parsed JSON or None, the links) of a list answer, JSON or HTML."""
    data = parse_json(text)
    if data is not None:
        return data, json_links(data, base_url)
    return None, fragment_links(text, base_url)


def form_of(post: str | None) -> dict | None:
    """A captured POST body as a form (None when it is not a urlencoded form)."""
    if not post or post.lstrip().startswith(("{", "[")):
        return None
    return dict(parse_qsl(post, keep_blank_values=True))


def page_of(req: Request) -> tuple[str, int] | None:
    """(the request's endpoint, its page): the same endpoint is the URL and form without the
    page and the values a script computes per page (a token, a time stamp), so that a page the
    browser asked for is not asked again with another page's token."""
    found = page_param(req)
    if found is None:
        return None
    name, value, where = found
    p = urlsplit(req.url)
    query = sorted(k for k, _ in parse_qsl(p.query, keep_blank_values=True) if k != name)
    form = sorted(k for k in (req.form or {}) if k != name)
    return f"{p.netloc}{p.path}?{'&'.join(query)}|{'&'.join(form)}", value


def varying(requests: list[Request]) -> set[str]:
    """The endpoints (``page_of``) whose requests differ in more than their page: a script
    signs each page (a token, a time stamp) — pages it did not ask for cannot be asked for."""
    seen: dict[str, set] = {}
    for req in requests:
        found = page_of(req)
        if found is None:
            continue
        name = page_param(req)[0]
        q = tuple(sorted((k, v) for k, v in parse_qsl(urlsplit(req.url).query, keep_blank_values=True)
                         if k != name))
        f = tuple(sorted((k, v) for k, v in (req.form or {}).items() if k != name))
        seen.setdefault(found[0], set()).add((q, f))
    return {endpoint for endpoint, variants in seen.items() if len(variants) > 1}
