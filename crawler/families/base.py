"""The spider every portal spider derives from: discovery, report detection, attachments,
duplicates, soft deletes, resume. A CMS family (trs.py, hanweb.py, …) adds only what its paging
and URLs need, through the hooks ``family_links``, ``twin_key`` and ``column_ok``."""

from __future__ import annotations

import logging
import posixpath
import re
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import TextResponse

from .. import classify as C
from ..bridge import get_bridge
from ..items import fetch_item_from_failure, fetch_item_from_raw, fetch_item_from_response
from ..journal import resumed_requests
from ..meta import xmeta

logger = logging.getLogger(__name__)

# Where a report page keeps its text (TRS, Hanweb, Lonsun, Boda, Ningxia, gkmlpt, generic).
BODY_SELECTORS = [".TRS_Editor", ".trs_editor_view", ".TRS_UEDITOR", "#zoom", ".wzcon",
                  ".j-fontContent", "#ivs_content", ".Custom_UnionStyle", ".xxgk_content",
                  ".zz-xl-ct", ".zz-xl-sec", ".v_news_content", "#vsb_content", ".article-content",
                  ".article_con", ".article-con", ".content_detail", ".detail-content",
                  "#content", ".content", "article", ".article", "#main", "main"]
_DATE = re.compile(r"(19[89]\d|20[0-4]\d)\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_DOWNLOAD_LABEL = re.compile(r"下载\s*(word|pdf|wps|excel|文档|附件|原文|全文)|附件\s*[:：]?\s*\S+\.(pdf|docx?|wps|xlsx?)",
                             re.I)

PRIORITY = {"attachment": 40, "report": 30, "page": 20, "listing": 0}
BROWSER_CONTEXT = "xxgk"      # one Chromium context: cookies a challenge earned serve the renders

# Click the pager of a JS-built list to page n (a numbered link, else 下一页); true if clicked.
CLICK_PAGE_JS = """(n) => {
  const norm = (s) => (s || '').replace(/\\s+/g, '');
  const clickable = (e) => e.tagName === 'A' || e.tagName === 'BUTTON' || e.onclick ||
      e.hasAttribute('onclick') || e.hasAttribute('data-p') || e.hasAttribute('data-page');
  const all = Array.from(document.querySelectorAll('a, button, li, span, [data-p], [data-page]'));
  let el = all.find((e) => clickable(e) && norm(e.textContent) === String(n));
  if (!el) {
    el = all.find((e) => clickable(e) && /^(下一页|下页|next|>|›|»)$/i.test(norm(e.textContent)));
  }
  if (!el) { return false; }
  el.click();
  return true;
}"""


def url_dir(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else posixpath.dirname(path).rstrip("/") + "/"


def column_root(url: str) -> str:
    """The directory a column's pages and sub-columns live under: ``/a/b/`` for ``/a/b/index.html``,
    ``/boda/1941/`` for Boda's ``/boda/1941.htm``."""
    path = urlsplit(url).path or "/"
    m = re.search(r"/([^/]+)\.s?html?$", path)
    if m and not re.match(r"^(index|list|default|main)(_\d+)?$", m.group(1)):
        return path[: m.start(1)] + m.group(1) + "/"
    return url_dir(url)


class XxgkSpider(scrapy.Spider):
    """Base spider; subclasses set ``family`` and ``portal`` (a registry entry)."""

    name = None
    family = "auto"
    portal: dict = {}

    def __init__(self, *args, url=None, allow=None, portal=None, render=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.arg_url = url
        self.arg_allow = allow
        self.arg_portal = portal
        self.arg_render = render
        self.aliases: dict[str, set[str]] = {}      # canonical report URL -> other URLs
        self.twins: dict[tuple, str] = {}            # family twin key -> canonical URL
        self.requested: set[str] = set()             # canonical URLs requested as reports/pages
        self.rendered: set[str] = set()
        self.column_pages: dict[str, int] = {}
        self.list_pages_seen: set[str] = set()

    # -- setup -------------------------------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup(crawler.settings)
        crawler.signals.connect(spider.recheck_known, signal=signals.spider_idle)
        return spider

    def setup(self, settings) -> None:
        self._rechecked = False
        p = dict(self.portal or {})
        demo = (settings.get("XXGK_DEMO_URL") or "http://127.0.0.1:8765").rstrip("/")
        self.portal_id = self.arg_portal or p.get("id") or self.name
        specs = []
        for s in p.get("start_urls", []):
            spec = dict(s) if isinstance(s, dict) else {"url": s}
            spec["url"] = spec["url"].replace("{demo}", demo)
            specs.append(spec)
        if self.arg_url:
            specs = [{"url": u.strip()} for u in self.arg_url.split(",") if u.strip()]
        if not specs:
            raise ValueError(f"spider {self.name}: no start URL (use -a url=...)")
        self.start_specs = specs
        allow = [a.replace("{demo}", "") for a in p.get("allow", [])]
        if self.arg_allow:
            allow += [a.strip() for a in self.arg_allow.split(",") if a.strip()]
        self.allow = [a if a.startswith("/") else "/" + a for a in allow]
        hosts = {urlsplit(s["url"]).netloc.lower() for s in specs}
        hosts |= {h.lower() for h in p.get("hosts", [])}
        self.hosts = hosts
        self.allowed_domains = sorted({re.sub(r"^www\.", "", h.split(":")[0]) for h in hosts})
        o = p.get("overrides", {})
        self.options = o
        self.xxgk_hops = int(o.get("xxgk_hops", settings.getint("XXGK_XXGK_HOPS", 3)))
        self.max_list_pages = int(o.get("max_list_pages", settings.getint("XXGK_MAX_LIST_PAGES", 200)))
        self.render_empty = bool(o.get("render_empty_lists", settings.getbool("XXGK_RENDER_EMPTY_LISTS", True)))
        render = o.get("render", [])
        if self.arg_render:
            render = [*render, *self.arg_render.split(",")]
        self.render_patterns = [re.compile(r) for r in render]
        self.extra_detail = [re.compile(r) for r in o.get("detail_patterns", [])]
        self.extra_columns = [re.compile(r) for r in o.get("column_patterns", [])]
        self.skip_patterns = [re.compile(r) for r in o.get("skip_patterns", [])]
        self.portal_facts = {k: v for k, v in {
            "name": p.get("name"), "url": specs[0]["url"], "province": p.get("province"),
            "region": p.get("region"), "level": p.get("level")}.items() if v}

    # -- scope ----------------------------------------------------------------------------------------

    def in_scope(self, url: str) -> bool:
        if not url or not url.startswith(("http://", "https://")):
            return False
        if not C.same_site(url, self.hosts):
            return False
        if not C.under_prefix(url, self.allow):
            return False
        if C.looks_like_trap(url):
            return False
        if any(p.search(url) for p in self.skip_patterns):
            return False
        return True

    def canonical(self, url: str) -> str:
        return C.canonical_url(url, keep=set(self.options.get("keep_params", [])))

    def twin_key(self, url: str):
        """A key shared by a page's static and dynamic addresses (family-specific)."""
        return None

    def column_ok(self, url: str, zone: str) -> bool:
        return True

    def preferred_url(self, url: str, page_url: str) -> str | None:
        """The static address to fetch instead of a dynamic one, when a family can tell it."""
        return None

    def family_links(self, response, x) -> tuple[list, list]:
        """Extra (links, requests) a CMS family finds in a page: JS paging, XML/JSON lists."""
        return [], []

    def aliases_for(self, report_url: str) -> set[str]:
        return set(self.aliases.get(report_url, ()))

    def add_alias(self, canonical: str, other: str) -> None:
        if other and other != canonical:
            self.aliases.setdefault(canonical, set()).add(other)

    # -- start -------------------------------------------------------------------------------------

    async def start(self):
        bridge = get_bridge(self.crawler)
        await bridge.open(self)
        for spec in self.start_specs:
            url = spec["url"]
            zone = spec.get("zone") or self.start_zone(url)
            x = {"role": "listing", "zone": zone, "root": spec.get("root") or column_root(url),
                 "hops": 0, "start": True}
            if "#" in url:
                x["fragment"] = url.split("#", 1)[1]
            yield self.make_request(url, x, self.parse_listing)
        if bridge.journal is not None:
            for req in resumed_requests(self, bridge.journal.entries, bridge.done):
                yield req

    def recheck_known(self):
        """Once the lists are walked: fetch every report the archive knows for this portal that
        no list led to this time, so that a report taken down is seen as 404 or soft-deleted
        rather than just missing (the diff needs to tell those apart)."""
        if self._rechecked or not self.crawler.settings.getbool("XXGK_RECHECK", True):
            return
        self._rechecked = True
        bridge = get_bridge(self.crawler)
        try:
            known = bridge.known_reports(self.portal_id)
        except Exception as exc:  # noqa: BLE001 - an archive problem must not end the crawl here
            logger.warning("recheck: could not read known reports: %s", exc)
            return
        n = 0
        for url, aliases in known:
            if url in bridge.done or any(a in bridge.done for a in aliases) or not self.in_scope(url):
                continue
            x = {"role": "report", "report_url": url, "found_by": "recheck", "zone": "nb"}
            self.crawler.engine.crawl(self.make_request(url, x, self.parse_detail,
                                                        priority=PRIORITY["report"]))
            n += 1
        if n:
            self.crawler.stats.set_value("xxgk/rechecked", n)
            logger.info("recheck: %d known report(s) no list linked this time", n)
            raise DontCloseSpider

    def start_zone(self, url: str) -> str:
        p = urlsplit(url)
        path = p.path + ("?" + p.query if p.query else "")
        if C.NB_URL.search(path) or any(r.search(url) for r in self.extra_columns):
            return "nb"
        if C.XXGK_URL.search(path):
            return "xxgk"
        return "home"

    def make_request(self, url, x, callback, response=None, priority=None, **kw):
        x = dict(x)
        if response is not None:
            x.setdefault("referer", response.url)
        headers = kw.pop("headers", None) or {}
        if response is not None and x.get("role") == "attachment":
            headers.setdefault("Referer", response.url)   # Boda and others refuse files without it
        prio = PRIORITY.get(x.get("role"), 0) if priority is None else priority
        meta = kw.pop("meta", {})
        meta["xxgk"] = x
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta,
                              priority=prio, headers=headers or None, **kw)

    # -- exchanges that are not the final response -----------------------------------------------

    def side_items(self, response):
        """Challenge pages and retried failures that led to this response."""
        req = response.request
        x = xmeta(response)
        for raw in response.meta.get("xxgk_challenges", []) or []:
            yield fetch_item_from_raw(raw, req, "challenge", error="JavaScript challenge",
                                      link_text=x.get("link_text"))
        for raw in response.meta.get("xxgk_attempts", []) or []:
            yield fetch_item_from_raw(raw, req, x.get("role", "page"),
                                      error=f"HTTP {raw.get('status')}: retried",
                                      link_text=x.get("link_text"), report_url=x.get("report_url"))

    def item(self, response, role, **fields):
        x = xmeta(response)
        fields.setdefault("link_text", x.get("link_text"))
        fields.setdefault("found_by", x.get("found_by"))
        if not fields.get("referer") and x.get("referer"):
            fields["referer"] = x["referer"]
        return fetch_item_from_response(response, role, **fields)

    def on_error(self, failure):
        if failure.check(IgnoreRequest):
            return
        request = failure.request
        x = xmeta(request)
        logger.warning("fetch failed: %s: %s", request.url, failure.value)
        self.crawler.stats.inc_value("xxgk/fetch_failed")
        yield fetch_item_from_failure(request, f"{type(failure.value).__name__}: {failure.value}",
                                      x.get("role", "page"), link_text=x.get("link_text"),
                                      report_url=x.get("report_url"), title=x.get("title"),
                                      found_by=x.get("found_by"))

    def failed_status(self, response) -> bool:
        return not (200 <= response.status < 300)

    # -- links ---------------------------------------------------------------------------------------

    def extract_links(self, response, scope=None) -> list[C.Link]:
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
                url = C.join(response.urljoin("."), href) if False else _urljoin(response, href)
                if url:
                    out.append(C.Link(url, text, title, "a"))
                    target = C.viewer_target(url)
                    if target:
                        t = _urljoin(response, target)
                        if t:
                            out.append(C.Link(t, text, title, "onclick"))
            js = " ".join(v for k, v in a.attrib.items() if k.lower().startswith("on") or
                          (k == "href" and v.strip().lower().startswith("javascript")))
            for u in C.script_links(js) if js else []:
                url = _urljoin(response, u)
                if url:
                    out.append(C.Link(url, text, title, "onclick"))
        for el in root.xpath(".//*[@onclick][not(self::a)]"):
            text = C.clean(" ".join(el.xpath(".//text()").getall()))[:200]
            for u in C.script_links(el.attrib.get("onclick", "")):
                url = _urljoin(response, u)
                if url:
                    out.append(C.Link(url, text, el.attrib.get("title", ""), "onclick"))
        for el in root.xpath(".//iframe[@src] | .//embed[@src] | .//object[@data] | .//frame[@src]"):
            src = el.attrib.get("src") or el.attrib.get("data") or ""
            if "{{" in src:
                continue
            url = _urljoin(response, src)
            if not url:
                continue
            target = C.viewer_target(url)
            if target:
                t = _urljoin(response, target)
                if t:
                    out.append(C.Link(t, "", el.attrib.get("title", ""), "iframe"))
            elif C.attachment_ext(url):
                out.append(C.Link(url, "", el.attrib.get("title", ""), "embed"))
            else:
                out.append(C.Link(url, "", el.attrib.get("title", ""), "frame"))
        for s in root.xpath(".//script[not(@src)]/text()").getall():
            for u in C.script_links(s):
                url = _urljoin(response, u)
                if url and (C.attachment_ext(url) or C.viewer_target(url)):
                    out.append(C.Link(url, "", "", "script"))
        return out

    def content_scope(self, response):
        for sel in BODY_SELECTORS:
            found = response.css(sel)
            if found:
                return found[0]
        return None

    def attachment_links(self, response) -> list[C.Link]:
        """Files a report page offers: linked documents anywhere, pictures only in its text."""
        out, seen = [], set()
        for link in self.extract_links(response):
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
        scope = self.content_scope(response)
        if scope is not None:
            for src in scope.xpath(".//img/@src | .//img/@data-src | .//img/@original").getall():
                url = _urljoin(response, src)
                if not url or url in seen or C.is_chrome_image(url) or url.startswith("data:"):
                    continue
                if not C.attachment_ext(url) and not C.is_download_url(url):
                    continue
                seen.add(url)
                link = C.Link(url, "", "", "img")
                link.ext = C.attachment_ext(url)
                out.append(link)
        return out

    # -- listings ----------------------------------------------------------------------------------

    def parse_listing(self, response):
        x = xmeta(response)
        yield from self.side_items(response)
        if self.failed_status(response):
            yield self.item(response, "listing", error=f"HTTP {response.status}")
            return
        if not isinstance(response, TextResponse):
            # A listing link that turned out to be a file: archive it as a possible report.
            yield from self._file(response, role="report")
            return
        refresh = C.meta_refresh(response.text)
        if refresh is not None and refresh[1] and refresh[0] <= 10:
            target = _urljoin(response, refresh[1])
            if target and target != response.url and self.in_scope(target):
                yield self.make_request(target, x, self.parse_listing, response)
            yield self.item(response, "listing")
            return
        links, requests = self.page_links(response, x)
        n_found = 0
        for req in self.follow(response, links, x):
            n_found += 1
            yield req
        for req in requests:
            n_found += 1
            yield req
        if self.should_render(response, x, n_found):
            yield self.render_request(response, x)
        yield self.item(response, "listing")

    def page_links(self, response, x):
        links = self.extract_links(response)
        more_links, requests = self.family_links(response, x)
        return links + more_links, requests

    def needs_render_for_files(self, response) -> bool:
        if response.meta.get("playwright") or response.url in self.rendered:
            return False
        scope = self.content_scope(response)
        if scope is not None and scope.xpath(".//table"):
            return False
        if scope is not None and len(C.clean(" ".join(scope.xpath(".//text()").getall()))) > 1500:
            return False
        low = response.text.lower()
        return "<script" in low and bool(re.search(r"qzb|ms-attr|\{\{|\.href\s*=|\.src\s*=|pdf", low))

    def should_render(self, response, x, n_found) -> bool:
        if response.meta.get("playwright") or response.url in self.rendered:
            return False
        if any(p.search(response.url) for p in self.render_patterns):
            return True
        return bool(self.render_empty and x.get("zone") == "nb" and n_found == 0
                    and "<script" in response.text.lower())

    def render_request(self, response, x):
        """Load the page in Chromium (scrapy-playwright): a list built by JavaScript, or a report
        page whose file link only a script sets. Its XHR/fetch exchanges are archived too."""
        from scrapy_playwright.page import PageMethod

        self.rendered.add(response.url)
        captured: list = []
        base_hosts = self.hosts

        async def on_response(pw_response):
            try:
                rtype = pw_response.request.resource_type
                if rtype not in ("xhr", "fetch") or not C.same_site(pw_response.url, base_hosts):
                    return
                body = await pw_response.body()
                headers = await pw_response.headers_array()
                captured.append({"url": pw_response.url, "status": pw_response.status,
                                 "headers": [(h["name"], h["value"]) for h in headers],
                                 "body": body, "method": pw_response.request.method,
                                 "post": pw_response.request.post_data})
            except Exception:  # noqa: BLE001 - the page went away
                pass

        logger.info("rendering %s in Chromium", response.url)
        self.crawler.stats.inc_value("xxgk/rendered")
        return self.make_request(
            response.url, x, self.parse_rendered, priority=5, dont_filter=True,
            meta={"playwright": True, "playwright_include_page": True,
                  "playwright_context": BROWSER_CONTEXT,
                  "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
                  "playwright_page_event_handlers": {"response": on_response},
                  "xxgk_captured": captured})

    async def parse_rendered(self, response):
        """A page as Chromium built it; for a list, its JS pager is clicked through page by page."""
        import asyncio

        from scrapy.http import HtmlResponse

        x = xmeta(response)
        page = response.meta.pop("playwright_page", None)
        htmls = [response.text]
        try:
            if page is not None and x.get("role") == "listing":
                for n in range(2, self.max_list_pages + 1):
                    try:
                        clicked = await page.evaluate(CLICK_PAGE_JS, n)
                    except Exception:  # noqa: BLE001 - navigation in progress
                        clicked = False
                    if not clicked:
                        break
                    try:
                        await page.wait_for_load_state("networkidle", timeout=15000)
                    except Exception:  # noqa: BLE001
                        pass
                    await asyncio.sleep(0.3)
                    html = await page.content()
                    if html == htmls[-1]:
                        break
                    htmls.append(html)
        finally:
            if page is not None:
                try:
                    await page.close()
                except Exception:  # noqa: BLE001
                    pass
        for html in htmls:
            r = HtmlResponse(url=response.url, body=html.encode("utf-8"), encoding="utf-8",
                             request=response.request)
            if x.get("role") == "listing":
                links, requests = self.page_links(r, x)
                for req in self.follow(r, links, x):
                    yield req
                for req in requests:
                    yield req
            else:
                report_url = x.get("report_url") or self.canonical(response.url)
                for link in self.attachment_links(r):
                    ax = {"role": "attachment", "report_url": report_url,
                          "link_text": link.label or None, "file_ext": link.ext,
                          "title": x.get("title")}
                    yield self.make_request(self.canonical(link.url), ax, self.parse_file, r)
        for it in self.browser_exchanges(response):
            yield it

    def browser_exchanges(self, response):
        """The XHR/fetch responses a rendered list loaded: real exchanges, archived as listings."""
        from ..items import FetchItem, now_iso

        for c in response.meta.get("xxgk_captured", []) or []:
            yield FetchItem(url=c["url"], method=c["method"], form=(c["post"] or "").encode() or None
                            if c["method"] != "GET" else None,
                            status=c["status"], http_version="HTTP/1.1",
                            request_headers=[], response_headers=c["headers"], raw_body=None,
                            body=c["body"], fetched_at=now_iso(), referer=response.url,
                            role="listing", error=None)

    def follow(self, response, links, x):
        """Requests for the links of a listing page, by zone (home → 信息公开 → 年报 column)."""
        zone = x.get("zone", "home")
        root = x.get("root") or url_dir(response.url)
        candidates: list[tuple[C.Link, str]] = []
        seen: set[str] = set()
        for link in links:
            url = link.url
            if url in seen or not self.in_scope(url):
                continue
            seen.add(url)
            label = link.label
            if C.JUNK_URL.search(url) or (label and C.JUNK_TEXT.search(label)):
                continue
            kind = link.kind or C.classify_link(link)
            if any(p.search(url) for p in self.extra_detail):
                kind = "detail"
            if any(p.search(url) for p in self.extra_columns):
                kind = "column"
            tk = C.title_kind(label)
            if kind == "attachment":
                if link.source == "img":
                    continue
                if tk == "report" or (zone == "nb" and tk == "unknown" and link.source in
                                      ("a", "record", "api", "onclick")):
                    candidates.append((link, "file"))
                continue
            if kind == "detail":
                if tk == "report" or (zone == "nb" and tk == "unknown"):
                    candidates.append((link, "detail"))
                continue
            if kind == "paging":
                if zone == "nb" and self.same_column(url, response.url, root):
                    req = self.paging_request(response, url, x, link)
                    if req is not None:
                        yield req
                continue
            req = self.column_request(response, link, x, zone, root, tk)
            if req is not None:
                yield req
        yield from self.report_requests(response, candidates, x)

    def same_column(self, url, page_url, root) -> bool:
        d = url_dir(url)
        return d.startswith(root) or d == url_dir(page_url) or \
            urlsplit(url).path == urlsplit(page_url).path

    def paging_request(self, response, url, x, link=None, **kw):
        seen_key = url + "\x00" + repr(kw.get("body") or kw.get("formdata") or "")
        if seen_key in self.list_pages_seen or url == response.url and not kw:
            return None
        self.list_pages_seen.add(seen_key)
        key = x.get("column") or x.get("root") or url_dir(response.url)
        n = self.column_pages.get(key, 0) + 1
        if n > self.max_list_pages:
            return None
        self.column_pages[key] = n
        nx = {**x, "role": "listing", "start": False, "column": key,
              "link_text": link.label if link else None}
        nx.pop("referer", None)
        callback = kw.pop("callback", None) or self.parse_listing
        if "formdata" in kw:
            from scrapy import FormRequest
            return FormRequest(url, formdata=kw.pop("formdata"), callback=callback,
                               errback=self.on_error, meta={"xxgk": {**nx, "referer": response.url}},
                               priority=PRIORITY["listing"], **kw)
        return self.make_request(url, nx, callback, response, **kw)

    def column_request(self, response, link, x, zone, root, tk):
        url, label = link.url, link.label
        if tk == "other":
            return None
        p = urlsplit(url)
        path = p.path + ("?" + p.query if p.query else "")
        nb_hit = bool((label and C.NB_TEXT.search(label)) or C.NB_URL.search(path)
                      or any(r.search(url) for r in self.extra_columns))
        xxgk_hit = bool((label and C.XXGK_TEXT.search(label)) or C.XXGK_URL.search(path))
        organ = bool(label and C.ORGAN_TEXT.search(label) and len(label) <= 30)
        year = bool(label and C.YEAR_TEXT.match(label))
        new = None
        if zone == "home":
            if nb_hit:
                new = {"zone": "nb", "root": column_root(url), "hops": 0}
            elif xxgk_hit:
                new = {"zone": "xxgk", "root": column_root(url), "hops": 0}
        elif zone == "xxgk":
            if nb_hit:
                new = {"zone": "nb", "root": column_root(url), "hops": 0}
            elif (xxgk_hit or organ) and x.get("hops", 0) < self.xxgk_hops:
                new = {"zone": "xxgk", "root": x.get("root"), "hops": x.get("hops", 0) + 1}
        else:  # nb
            under = url_dir(url).startswith(root) and url_dir(url) != "/"
            if under or year or (organ and (under or nb_hit)) or nb_hit:
                new = {"zone": "nb", "root": root if under else column_root(url),
                       "hops": x.get("hops", 0)}
                if organ:
                    new["organ"] = label
            elif organ and x.get("hops", 0) < self.xxgk_hops:
                # An organ's own pages: its 年报 column may be one step further.
                new = {"zone": "xxgk", "root": column_root(url), "hops": x.get("hops", 0) + 1,
                       "organ": label}
        if new is None or not self.column_ok(url, new["zone"]):
            return None
        nx = {"role": "listing", "link_text": label or None, **new}
        if x.get("organ") and "organ" not in nx:
            nx["organ"] = x["organ"]
        url = self.canonical(url) if "#" not in url else url
        return self.make_request(url, nx, self.parse_listing, response,
                                 priority=5 if new["zone"] == "nb" else 0)

    def report_requests(self, response, candidates, x):
        """Detail pages and files that may be reports, with duplicates collapsed: one canonical
        URL per report (navigation parameters, /wap/ mirrors, static/dynamic twins, 图片版 and
        文字版 copies), the other URLs kept as its aliases."""
        entries = []
        for link, how in candidates:
            canon = self.canonical(link.url)
            fallback = None
            pref = self.preferred_url(canon, response.url)
            if pref and pref != canon:
                self.add_alias(pref, canon)
                canon, fallback = pref, canon
            twin = self.twin_key(canon)
            entries.append({"link": link, "how": how, "canon": canon, "twin": twin,
                            "label": link.label, "fallback": fallback})
        # static before dynamic (the twin that stays canonical), then page order
        entries.sort(key=lambda e: (0 if not urlsplit(e["canon"]).query else 1))
        chosen = []
        for e in entries:
            canon = e["canon"]
            if e["link"].url != canon:
                self.add_alias(canon, e["link"].url)
            if e["twin"] is not None:
                first = self.twins.setdefault(e["twin"], canon)
                if first != canon:
                    self.add_alias(first, canon)
                    self.add_alias(first, e["link"].url)
                    continue
            if canon in self.requested or any(c["canon"] == canon for c in chosen):
                continue
            chosen.append(e)
        # 图片版 / 文字版 / 超链版 copies of one report in one list: one canonical, the rest aliases
        groups: dict[str, list[dict]] = {}
        for e in chosen:
            if C.title_kind(e["label"]) == "report":
                groups.setdefault(C.variant_key(e["label"]), []).append(e)
        for members in groups.values():
            if len(members) < 2 or not any(C.VARIANT.search(m["label"]) for m in members):
                continue
            members.sort(key=lambda m: C.variant_rank(m["label"], m["canon"]))
            head = members[0]["canon"]
            for m in members[1:]:
                m["report_url"] = head
                self.add_alias(head, m["canon"])
        for e in chosen:
            self.requested.add(e["canon"])
            link = e["link"]
            rx = {"role": "report", "zone": x.get("zone"), "root": x.get("root"),
                  "link_text": e["label"] or None, "title": e["label"] or None,
                  "report_url": e.get("report_url") or e["canon"], "organ": x.get("organ"),
                  "guess": C.title_kind(e["label"])}
            if e.get("fallback"):
                rx["fallback"] = e["fallback"]
            if e["how"] == "file":
                rx["file_ext"] = link.ext
                yield self.make_request(e["canon"], rx, self.parse_file, response,
                                        headers={"Referer": response.url})
            else:
                if rx["guess"] != "report":
                    rx["role"] = "page"
                yield self.make_request(e["canon"], rx, self.parse_detail, response)

    # -- detail pages ----------------------------------------------------------------------------

    def page_title(self, response, x) -> tuple[str | None, str]:
        """The page's title and what it says: 'report', 'other' or 'unknown'."""
        get = response.xpath
        primary = [
            get("//meta[@name='ArticleTitle' or @name='articletitle' or @name='title']/@content").get(),
            x.get("title"),
            " ".join(response.css(".article_title ::text, .article-title ::text, "
                                  ".xxgk_title ::text, .wzbt ::text").getall()) or None,
            " ".join(get("//h1//text()").getall()) or None,
        ]
        secondary = [" ".join(get("//h2//text()").getall()[:3]) or None, get("//title/text()").get()]
        primary = [C.clean(t) for t in primary if t and C.clean(t)]
        secondary = [C.clean(t) for t in secondary if t and C.clean(t)]
        kinds = [C.title_kind(t) for t in primary]
        title = next((t for t, k in zip(primary, kinds) if k == "report"), None) or \
            (primary[0] if primary else (secondary[-1] if secondary else None))
        if "other" in kinds[:2] or (kinds and kinds[0] == "other"):
            return title, "other"
        if "report" in kinds:
            return title, "report"
        skinds = [C.title_kind(t) for t in secondary]
        if "other" in skinds:
            return title, "other"
        if "report" in skinds:
            return next(t for t, k in zip(secondary, skinds) if k == "report"), "report"
        return title, "unknown"

    def published(self, response) -> str | None:
        for xp in ("//meta[@name='PubDate' or @name='pubdate' or @name='publishdate' "
                   "or @name='firstpublishedtime' or @name='PubDateTime']/@content",):
            v = response.xpath(xp).get()
            if v:
                m = _DATE.search(v)
                if m:
                    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        text = " ".join(response.xpath("//body//text()").getall()[:400])
        m = re.search(r"(发布|成文|发文|公开)?(日期|时间)\s*[:：]?\s*" + _DATE.pattern, text)
        if m:
            return f"{m.group(3)}-{int(m.group(4)):02d}-{int(m.group(5)):02d}"
        return None

    def parse_detail(self, response):
        yield from self.side_items(response)
        yield from self._detail(response)

    def _detail(self, response):
        x = xmeta(response)
        report_url = x.get("report_url") or self.canonical(response.url)
        if self.failed_status(response):
            if x.get("fallback"):
                # The static twin we guessed is not there: fetch the address the list gave.
                fx = {k: v for k, v in x.items() if k != "fallback"}
                fx["report_url"] = x["fallback"]
                self.aliases.pop(report_url, None)
                yield self.make_request(x["fallback"], fx, self.parse_detail, priority=PRIORITY["report"])
                yield self.item(response, "page", title=x.get("title"), error=f"HTTP {response.status}")
                return
            yield self.item(response, x.get("role", "page"), report_url=report_url,
                            title=x.get("title"), error=f"HTTP {response.status}")
            return
        if not isinstance(response, TextResponse):
            yield from self._file(response, role="report")
            return
        refresh = C.meta_refresh(response.text)
        if refresh is not None and refresh[0] <= 10:
            target = _urljoin(response, refresh[1]) if refresh[1] else None
            empty = not "".join(response.xpath("//body//text()").getall()).strip()
            if not target or C.is_parent(target, response.url) or target.rstrip("/") == \
                    urlsplit(response.url)._replace(path="/", query="").geturl().rstrip("/") or \
                    (x.get("role") == "report" and not C.looks_like_detail(target) and
                     not C.attachment_ext(target) and (empty or C.looks_like_list(target))):
                # Soft delete: the page now only sends readers back to its column (or to a
                # list, from an otherwise empty page).
                self.crawler.stats.inc_value("xxgk/soft_deleted")
                yield self.item(response, "page", title=x.get("title"),
                                error=f"soft-deleted: meta refresh to {target or 'itself'}")
                return
            if target and self.in_scope(target):
                yield self.make_request(target, x, self.parse_detail, response)
                yield self.item(response, "page", title=x.get("title"))
                return
        title, kind = self.page_title(response, x)
        if kind == "report":
            published = self.published(response)
            # The page's own other spellings (手机版 ?isMobile=true, /wap/ …) are its aliases.
            own_twin = self.twin_key(report_url)
            for href in response.xpath("//a/@href").getall():
                u = _urljoin(response, href)
                if not u or u == report_url:
                    continue
                cu = self.canonical(u)
                if cu == report_url or (own_twin is not None and self.twin_key(cu) == own_twin):
                    self.add_alias(report_url, u)
                    if cu != u:
                        self.add_alias(report_url, cu)
            files = self.attachment_links(response)
            for link in files:
                canon = self.canonical(link.url)
                ax = {"role": "attachment", "report_url": report_url, "link_text": link.label or None,
                      "file_ext": link.ext, "title": title}
                if x.get("found_by"):
                    ax["found_by"] = x["found_by"]
                yield self.make_request(canon, ax, self.parse_file, response)
            if not files and self.needs_render_for_files(response):
                # A report page with neither tables nor files: its file is set by a script.
                yield self.render_request(response, {**x, "role": "report", "report_url": report_url,
                                                     "title": title})
            yield self.item(response, "report", report_url=report_url, title=title,
                            published=published)
            return
        # Not a report. It may be a column that looked like an article (`nb_2022n/`).
        if x.get("zone") == "nb" and kind == "unknown":
            links, requests = self.page_links(response, x)
            n_detail = sum(1 for ln in links if C.classify_link(ln) in ("detail",) and
                           C.title_kind(ln.label) == "report")
            if n_detail >= 1 or requests:
                nx = {**x, "role": "listing", "root": url_dir(response.url)}
                yield from self.follow(response, links, nx)
                yield from requests
        yield self.item(response, "page", title=title)

    # -- files ---------------------------------------------------------------------------------

    def parse_file(self, response):
        yield from self.side_items(response)
        yield from self._file(response)

    def _file(self, response, role=None):
        x = xmeta(response)
        role = role or x.get("role", "attachment")
        report_url = x.get("report_url") if role == "attachment" else \
            (x.get("report_url") or self.canonical(response.url))
        if self.failed_status(response):
            yield self.item(response, role, report_url=report_url, title=x.get("title"),
                            error=f"HTTP {response.status}")
            return
        body = response.body
        from parsers.detect import sniff

        fmt = sniff(body[:65536] if len(body) > 65536 else body)
        wanted = x.get("file_ext")
        error = None
        if fmt == "html" and wanted and wanted not in ("html", "htm", "txt"):
            # A viewer page, or an error page instead of the file (Boda without a Referer).
            links = self.extract_links(response) if isinstance(response, TextResponse) else []
            files = [ln for ln in links if C.classify_link(ln) == "attachment" and
                     ln.source in ("iframe", "embed", "script", "onclick")]
            for ln in files[:3]:
                if self.in_scope(ln.url):
                    yield self.make_request(self.canonical(ln.url), {**x, "file_ext": ln.ext},
                                            self.parse_file, response)
            error = f"expected a {wanted} file, got an HTML page"
            self.crawler.stats.inc_value("xxgk/file_was_html")
        if role == "report" and fmt == "html" and not error and isinstance(response, TextResponse):
            # A listed "file" that is a page after all: treat it as a detail page.
            yield from self._detail(response)
            return
        yield self.item(response, role, report_url=report_url, title=x.get("title"), error=error)


def _urljoin(response, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        url = response.urljoin(href.replace("\\", "/"))
    except ValueError:
        return None
    return url.split("#", 1)[0] if "#" in url and "/gkmlpt/" not in url else url


def query_value(url: str, name: str) -> str | None:
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if k.lower() == name.lower():
            return v
    return None
