"""The spider every portal runs: from a portal's start URLs to its 年报 columns and their pages, then
every report page and file, each exchange handed to the archive.

A small core that delegates. The portal's CMS family (``crawler/families``), and any family whose
markers a page shows, adds its paging, twins and URL rules (``families_of``). The spider's own
concerns each have a module: ``scope`` (where the crawl may go), ``zones`` (which columns lead
to the reports), ``links`` (what a page links), ``paging`` (how far a list is walked),
``duplicates`` (one URL per report), ``reports`` (what a page or file is), ``rendering``
(Chromium), ``exchanges`` (what every callback does first).
"""

from __future__ import annotations

import logging
import weakref
from itertools import chain

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import TextResponse

from .. import classify as C
from .. import families
from ..bridge import get_bridge
from ..browser import STEP_TIMEOUT, close_failed_page
from ..families import Family, FamilyLinks
from ..items import fetch_item_from_failure
from ..journal import resumed_requests
from ..meta import xmeta
from . import listdata, reports, zones
from .duplicates import Candidate, Duplicates
from .exchanges import callback, failure_item, http_error, item, listing_failed
from .links import attachment_links, extract_links, urljoin
from .organs import Organs
from .paging import ListBudget
from .rendering import Rendering, captured_exchanges, captured_requests, rendered_pages
from .scope import plan

logger = logging.getLogger(__name__)

PRIORITY = {"attachment": 40, "report": 30, "page": 20, "listing": 0}


def list_dates(x: dict, role: str = "report") -> list[dict]:
    """The date the list printed beside the link to a report (``source`` ``list_date``)."""
    if role != "report" or not x.get("list_date"):
        return []
    return [{"date": x["list_date"], "source": "list_date", "detail": "列表"}]


class XxgkSpider(scrapy.Spider):
    """Portal spiders set ``name``, ``family`` (a name in ``crawler.families.FAMILIES``, or
    ``auto``) and ``portal`` (its registry entry)."""

    name = None
    family = "auto"
    portal: dict = {}

    def __init__(self, *args, url=None, allow=None, portal=None, render=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.arg_url = url
        self.arg_allow = allow
        self.arg_portal = portal
        self.arg_render = render
        self.own_family = families.get(self.family)
        self.dupes = Duplicates()
        self._detections: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

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
        self.portal_id = self.arg_portal or p.get("id") or self.name
        self.plan = plan(p, settings, self.arg_url, self.arg_allow, self.arg_render)
        if not self.plan.start_urls:
            raise ValueError(f"spider {self.name}: no start URL (use -a url=...)")
        self.allowed_domains = self.plan.allowed_domains
        self.list_budget = ListBudget(self.plan.max_list_pages)
        self.rendering = Rendering(self.plan.hosts, self.plan.render_patterns,
                                   self.plan.render_empty_lists)
        self.organs = Organs(p.get("region_code"))
        self.portal_facts = {k: v for k, v in {
            "name": p.get("name"), "url": self.plan.start_urls[0].url, "province": p.get("province"),
            "region": p.get("region"), "region_code": p.get("region_code"),
            "level": p.get("level")}.items() if v}

    def in_scope(self, url: str) -> bool:
        return self.plan.in_scope(url)

    def canonical(self, url: str) -> str:
        return self.plan.canonical(url)

    def widen_scope(self, response, link, zone: str) -> bool:
        """Take in the disclosure platform on another host that this page's navigation links
        (``CrawlPlan.widen``): the crawl may go there from now on."""
        host = self.plan.widen(link.url, link.label, zone, response.url)
        if host is None:
            return False
        self.allowed_domains = self.plan.allowed_domains     # Scrapy's offsite filter follows
        self.rendering.hosts = self.plan.hosts
        self.crawler.stats.inc_value("xxgk/scope/widened")
        logger.info("scope: %s's navigation links its disclosure platform %s (%s)", response.url,
                    host, link.label)
        return True

    # -- the families a page is handled by ---------------------------------------------------------

    def families_of(self, response, hook: str | None = None) -> list[Family]:
        """The families consulted on this page (``families.in_play``), for ``hook`` or all."""
        detection = self._detections.get(response)
        if detection is None:
            detection = self._detections[response] = families.Detection(response.text, response.url)
        return families.in_play(self.own_family, detection, hook)

    def twin_key(self, response, url: str):
        return next((k for f in self.families_of(response, "twin_key")
                     if (k := f.twin_key(url)) is not None), None)

    def preferred_url(self, response, url: str) -> str | None:
        return next((u for f in self.families_of(response, "preferred_url")
                     if (u := f.preferred_url(url, response.url))), None)

    def column_ok(self, response, url: str, zone: str) -> bool:
        return all(f.column_ok(url, zone) for f in self.families_of(response, "column_ok"))

    def same_column(self, response, url: str, root: str) -> bool:
        return zones.same_column(url, response.url, root) or \
            any(f.same_column(url, response.url) for f in self.families_of(response, "same_column"))

    def url_dates(self, *urls) -> list[dict]:
        """The dates the URLs' schemes write into them (``source`` ``url``): the portal's own
        family is asked first, then every family — a date pattern is specific enough to be
        read whatever the page shows."""
        fams = [self.own_family] if self.own_family else []
        fams += [f for f in families.FAMILIES.values() if f is not self.own_family]
        out = []
        for url in dict.fromkeys(u for u in urls if u):
            found = next((d for f in fams if (d := f.url_date(url))), None)
            if found and found.date not in {o["date"] for o in out}:
                out.append({"date": found.date, "source": "url", "detail": found.detail})
        return out

    def content_selector(self, response) -> str | None:
        """The first body container of the page's families that holds text on this page."""
        for f in self.families_of(response):
            for sel in f.content_selectors:
                if any(t.strip() for el in response.css(sel)
                       for t in el.root.xpath(".//text()", smart_strings=False)):
                    return sel
        return None

    def page_links(self, response, x) -> FamilyLinks:
        """A list page's links and the requests its families make of it. The families its
        markers show are counted (``xxgk/family/<name>``)."""
        found = FamilyLinks(links=extract_links(response))
        fams = self.families_of(response)
        for f in self._detections[response].families():
            self.crawler.stats.inc_value(f"xxgk/family/{f.name}")
        for f in fams:
            more = f.list_links(self, response, x)
            found.links += more.links
            found.requests += more.requests
        return found

    def aliases_for(self, report_url: str) -> set[str]:
        """The other URLs of a report (the archive pipeline records them)."""
        return self.dupes.aliases_for(report_url)

    # -- requests ------------------------------------------------------------------------------------

    async def start(self):
        bridge = get_bridge(self.crawler)
        await bridge.open(self)
        for s in self.plan.start_urls:
            x = {"role": "listing", "zone": s.zone or zones.start_zone(s.url, self.plan.column_patterns),
                 "root": s.root or zones.column_root(s.url), "hops": 0, "start": True}
            if "#" in s.url:
                x["fragment"] = s.url.split("#", 1)[1]
            yield self.make_request(s.url, x, self.parse_listing)
        if bridge.journal is not None:
            if self.plan.readmit(e.url for e in bridge.journal.entries):
                self.allowed_domains = self.plan.allowed_domains
            for req in resumed_requests(self, bridge.journal.entries, bridge.done):
                yield req

    def make_request(self, url, x, callback, response=None, priority=None, formdata=None, **kw):
        """A request carrying ``x`` as its ``xxgk`` meta; a POST form when ``formdata`` is given."""
        x = dict(x)
        if response is not None:
            x.setdefault("referer", response.url)
        headers = kw.pop("headers", None) or {}
        if response is not None and x.get("role") == "attachment":
            headers.setdefault("Referer", response.url)   # Boda and others refuse files without it
        prio = PRIORITY.get(x.get("role"), 0) if priority is None else priority
        meta = kw.pop("meta", {})
        meta["xxgk"] = x
        if formdata is not None:
            kw["formdata"] = formdata
        cls = scrapy.FormRequest if formdata is not None else scrapy.Request
        return cls(url, callback=callback, errback=self.on_error, meta=meta, priority=prio,
                   headers=headers or None, **kw)

    def paging_request(self, response, url, x, link=None, callback=None, formdata=None):
        """Another page of the list at ``response`` (to ``callback``, by default
        ``parse_listing``), unless it was requested already or the column's budget is spent."""
        if url == response.url and callback is None and formdata is None:
            return None
        column = x.get("column") or x.get("root") or zones.url_dir(response.url)
        if not self.list_budget.admit(url, column, formdata, first_is_bare=callback is None):
            return None
        nx = {**x, "role": "listing", "start": False, "column": column,
              "link_text": link.label if link else None}
        nx.pop("referer", None)
        return self.make_request(url, nx, callback or self.parse_listing, response, formdata=formdata)

    def paging_requests(self, response, urls, x) -> list:
        """The pages of the list at ``response`` that a family's paging rule lists."""
        reqs = [self.paging_request(response, u, x) for u in urls if self.in_scope(u)]
        return [r for r in reqs if r is not None]

    def on_error(self, failure):
        close_failed_page(failure.request)      # a render that failed keeps its page open
        it = failure_item(failure, self.crawler.stats)
        if it is not None:
            yield it

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

    # -- listings ------------------------------------------------------------------------------------

    @callback(on_failure=listing_failed)
    def parse_listing(self, response, x):
        if not isinstance(response, TextResponse) or reports.sniff_format(response.body) in reports.FILE_FORMATS:
            # A listing link that turned out to be a file (whatever its Content-Type said):
            # archive it as a possible report.
            yield from self.file_exchange(response, x, role="report")
            return
        if reports.is_article(response):
            # A listing link that turned out to be an article (a report linked from a home page
            # or a column's sidebar): it is a report page or a page, never a listing.
            self.crawler.stats.inc_value("xxgk/listing_was_article")
            yield from self.detail_exchange(response, {**x, "role": "report", "guess": "unknown"})
            return
        found = reports.refresh(response)
        if found is not None and found[1]:
            target = urljoin(response, found[1])
            if target and target != response.url and self.in_scope(target):
                yield self.make_request(target, x, self.parse_listing, response)
            yield item(response, "listing")
            return
        if response.request is not None and response.request.method == "GET":
            self.list_budget.mark(response.url)
        page = self.page_links(response, x)
        yield from self.organs_named(response, page.links, x)
        n_found = n_pages = 0
        for req in chain(self.follow(response, page.links, x), page.requests):
            n_found += 1
            n_pages += bool(xmeta(req).get("column"))     # another page of this list
            yield req
        if self.rendering.wanted_for_list(response, x, n_found, n_pages):
            yield self.rendering.request(self, response, x)
        yield item(response, "listing")

    def organs_named(self, response, links, x):
        """The organs this page names as an organ directory, and the organ whose 年报 column it
        is (the first page of that column)."""
        if x.get("zone") not in ("xxgk", "nb"):
            return
        yield from self.organs.directory(response.url, [ln for ln in links if self.in_scope(ln.url)])
        if x.get("zone") == "nb" and x.get("organ") and not x.get("column"):
            found = self.organs.found(x["organ"], self.canonical(response.url), x.get("directory"))
            if found is not None:
                yield found

    def list_data_failed(self, response, x):
        """A list API that answered with an error: archived, and the page it was guessed from is
        read by its own script instead."""
        yield item(response, "listing", error=http_error(response))
        yield from self.fallback(response, x, f"HTTP {response.status}")

    @callback(on_failure=list_data_failed)
    def parse_list_data(self, response, x):
        """A list fetched as data: by a family that knows its API (Hanweb's dataproxy XML,
        gkmlpt's JSON API…), else as any JSON or HTML list is read (``listdata``)."""
        if x.get("family"):
            yield from families.get(x["family"]).parse_list_data(self, response, x)
        else:
            yield from self.read_list_data(response, x)

    def read_list_data(self, response, x, answer=None):
        """A list answer read without knowing the platform: its records' links, the list's
        other pages; an answer with no record falls back to the page's script."""
        text = response.text if isinstance(response, TextResponse) else ""
        data, links = listdata.links_of(text, x.get("page_url") or response.url) if answer is None \
            else (answer, listdata.json_links(answer, x.get("page_url") or response.url))
        if not links:
            yield item(response, "listing", error="no list records" if x.get("page_url") else None)
            yield from self.fallback(response, x, "no list records")
            return
        yield from self.follow(response, links, x)
        form = listdata.form_of(response.request.body.decode("utf-8", "replace")) \
            if response.request is not None and response.request.method == "POST" else None
        for nxt in listdata.other_pages(listdata.Request(response.url, form), data, text, len(links)):
            req = self.paging_request(response, nxt.url, {**x, "start": False}, formdata=nxt.form,
                                      callback=self.parse_list_data)
            if req is not None:
                yield req
        yield item(response, "listing")

    def fallback(self, response, x, why: str):
        """When a family's shortcut fails (its API guess answered 404, not JSON, or nothing), the
        page it was guessed from is rendered in Chromium and the list requests its own script
        makes are followed (``parse_rendered``)."""
        page_url = x.get("page_url")
        if not page_url or not self.rendering.wanted_as_fallback(page_url):
            return
        self.crawler.stats.inc_value("xxgk/fallback/rendered")
        logger.info("list shortcut failed at %s (%s): rendering %s", response.url, why, page_url)
        fx = {k: v for k, v in x.items() if k not in ("family", "page_url", "page", "start")}
        yield self.rendering.request(self, response, {**fx, "role": "listing", "zone": "nb"}, url=page_url)

    def follow(self, response, links, x):
        """Requests for the links of a list page, by zone (home → 信息公开 → 年报 column)."""
        zone = x.get("zone", "home")
        root = x.get("root") or zones.url_dir(response.url)
        candidates: list[tuple[C.Link, str]] = []
        seen: set[str] = set()
        for link in links:
            url = link.url
            if url in seen:
                continue
            seen.add(url)
            label = link.label
            if not self.in_scope(url) and not (self.widen_scope(response, link, zone) and self.in_scope(url)):
                continue
            if C.JUNK_URL.search(url) or (label and C.JUNK_TEXT.search(label)):
                continue
            kind = link.kind or C.classify_link(link)
            if kind == "column" and reports.names_a_report(label) and not C.looks_like_list(url):
                # One report's title on a link that is not a list: its page, not a column.
                kind = "detail"
            if any(p.search(url) for p in self.plan.detail_patterns):
                kind = "detail"
            if any(p.search(url) for p in self.plan.column_patterns):
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
                if zone == "nb" and self.same_column(response, url, root):
                    req = self.paging_request(response, url, x, link)
                    if req is not None:
                        yield req
                continue
            req = self.column_request(response, link, x, root, tk)
            if req is not None:
                yield req
        yield from self.report_requests(response, candidates, x)

    def column_request(self, response, link, x, root, tk):
        if tk == "other" and not C.organ_name(link.label):
            # A neighbour's page (解读, 通知…); an organ named with 审计 or 计划 is no neighbour.
            return None
        url, label = link.url, link.label
        step = zones.column_step(url, label, x, root, self.plan.xxgk_hops, self.plan.column_patterns)
        if step is None or not self.column_ok(response, url, step["zone"]):
            return None
        nx = {"role": "listing", "link_text": label or None, **step}
        if link.organ and "organ" not in nx:
            nx["organ"] = link.organ                 # its row in an organ directory names it
        if "organ" not in nx:
            for k in ("organ", "organ_depth", "directory"):
                if x.get(k):
                    nx[k] = x[k]
        elif nx["organ"] != x.get("organ"):
            nx["directory"] = response.url        # the page that named the organ
            nx.setdefault("organ_depth", x.get("organ_depth", 0))
        url = self.canonical(url) if "#" not in url else url
        return self.make_request(url, nx, self.parse_listing, response,
                                 priority=5 if step["zone"] == "nb" else 0)

    def report_requests(self, response, links, x):
        """Detail pages and files that may be reports, one request per report (duplicates.py)."""
        candidates = []
        for link, how in links:
            canon = self.canonical(link.url)
            fallback = None
            pref = self.preferred_url(response, canon)
            if pref and pref != canon:
                self.dupes.add_alias(pref, canon)
                canon, fallback = pref, canon
            candidates.append(Candidate(link, how, canon, self.twin_key(response, canon), fallback))
        for c in self.dupes.choose(candidates):
            rx = {"role": "report", "zone": x.get("zone"), "root": x.get("root"),
                  "link_text": c.label or None, "title": c.label or None,
                  "report_url": c.report_url or c.canon, "organ": x.get("organ"),
                  "guess": C.title_kind(c.label)}
            if c.link.date:
                rx["list_date"] = c.link.date
            if c.fallback:
                rx["fallback"] = c.fallback
            if c.link.files and c.how == "detail":
                rx["files"] = [[f.url, f.label] for f in c.link.files]
            if c.how == "file":
                rx["file_ext"] = c.link.ext
                yield self.make_request(c.canon, rx, self.parse_file, response,
                                        headers={"Referer": response.url})
            else:
                if rx["guess"] != "report":
                    rx["role"] = "page"
                yield self.make_request(c.canon, rx, self.parse_detail, response)

    # -- report pages --------------------------------------------------------------------------------

    def detail_failed(self, response, x):
        report_url = x.get("report_url") or self.canonical(response.url)
        if x.get("fallback"):
            # The static twin we guessed is not there: fetch the address the list gave.
            fx = {k: v for k, v in x.items() if k != "fallback"}
            fx["report_url"] = x["fallback"]
            self.dupes.forget(report_url)
            yield self.make_request(x["fallback"], fx, self.parse_detail, priority=PRIORITY["report"])
            yield item(response, "page", title=x.get("title"), error=http_error(response))
            return
        yield item(response, x.get("role", "page"), report_url=report_url, title=x.get("title"),
                   error=http_error(response))

    @callback(on_failure=detail_failed)
    def parse_detail(self, response, x):
        yield from self.detail_exchange(response, x)

    def detail_exchange(self, response, x):
        report_url = x.get("report_url") or self.canonical(response.url)
        if not isinstance(response, TextResponse):
            yield from self.file_exchange(response, x, role="report")
            return
        found = reports.refresh(response)
        if found is not None:
            target = urljoin(response, found[1]) if found[1] else None
            if reports.is_soft_delete(response, target, x):
                # The page now only sends readers back to its column (or to a list, from an
                # otherwise empty page).
                self.crawler.stats.inc_value("xxgk/soft_deleted")
                yield item(response, "page", title=x.get("title"),
                           error=f"soft-deleted: meta refresh to {target or 'itself'}")
                return
            if target and self.in_scope(target):
                yield self.make_request(target, x, self.parse_detail, response)
                yield item(response, "page", title=x.get("title"))
                return
        title, kind = reports.page_title(response, x)
        if reports.is_list_page(response):
            # A link named like a report led to a list of them (a year's column).
            nx = {**x, "role": "listing", "zone": "nb", "root": zones.url_dir(response.url)}
            page = self.page_links(response, nx)
            yield from self.follow(response, page.links, nx)
            yield from page.requests
            yield item(response, "listing", link_text=x.get("link_text"))
            return
        if kind == "report":
            self.dupes.page_aliases(report_url, (urljoin(response, h) for h in response.xpath("//a/@href").getall()),
                                    self.canonical, lambda u: self.twin_key(response, u))
            publisher = reports.publisher(response)
            files = attachment_links(response)
            listed = {f.url for f in files}
            for url, label in x.get("files") or []:
                # files the list's record gave beside the page (a script shows them on it)
                if url not in listed and self.in_scope(url):
                    link = C.Link(url, label or "", "", "api")
                    if C.classify_link(link) == "attachment":
                        files.append(link)
                        listed.add(url)
            yield from self.attachment_requests(response, files, report_url, title, x.get("found_by"),
                                                publisher)
            if not files and self.rendering.wanted_for_files(response):
                # A report page with neither tables nor files: its file is set by a script.
                yield self.rendering.request(self, response, {**x, "role": "report",
                                                              "report_url": report_url, "title": title})
            dates = reports.page_dates(response)
            yield item(response, "report", report_url=report_url, title=title,
                       published=reports.published(dates),
                       dates=dates + self.url_dates(*(response.meta.get("redirect_urls") or []),
                                                    response.url) + list_dates(x),
                       publisher=publisher, content_selector=self.content_selector(response))
            return
        # Not a report. It may be a column that looked like an article (`nb_2022n/`).
        if x.get("zone") == "nb" and kind == "unknown":
            page = self.page_links(response, x)
            n_detail = sum(1 for ln in page.links if C.classify_link(ln) == "detail" and
                           C.title_kind(ln.label) == "report")
            if n_detail >= 1 or page.requests:
                nx = {**x, "role": "listing", "root": zones.url_dir(response.url)}
                yield from self.follow(response, page.links, nx)
                yield from page.requests
        yield item(response, "page", title=title)

    def attachment_requests(self, response, files, report_url, title, found_by=None,
                            publisher=None):
        organ = xmeta(response).get("organ")
        for link in files:
            ax = {"role": "attachment", "report_url": report_url, "link_text": link.label or None,
                  "file_ext": link.ext, "title": title, "organ": organ}
            if found_by:
                ax["found_by"] = found_by
            if publisher:
                ax["publisher"] = publisher
            yield self.make_request(self.canonical(link.url), ax, self.parse_file, response)

    # -- files ---------------------------------------------------------------------------------------

    def file_failed(self, response, x):
        role = x.get("role", "attachment")
        yield item(response, role, report_url=self.file_report_url(response, x, role),
                   title=x.get("title"), error=http_error(response))

    def file_report_url(self, response, x, role):
        if role == "attachment":
            return x.get("report_url")
        return x.get("report_url") or self.canonical(response.url)

    @callback(on_failure=file_failed)
    def parse_file(self, response, x):
        yield from self.file_exchange(response, x)

    def file_exchange(self, response, x, role=None):
        role = role or x.get("role", "attachment")
        fmt = reports.sniff_format(response.body)
        wanted = x.get("file_ext")
        error = None
        if fmt == "html" and wanted and wanted not in ("html", "htm", "txt"):
            # A viewer page, or an error page instead of the file (Boda without a Referer).
            links = extract_links(response) if isinstance(response, TextResponse) else []
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
            yield from self.detail_exchange(response, x)
            return
        urls = [*(response.meta.get("redirect_urls") or []), response.url]
        yield item(response, role, report_url=self.file_report_url(response, x, role),
                   title=x.get("title"), error=error, publisher=x.get("publisher"),
                   dates=[] if error else self.url_dates(*urls) + list_dates(x, role))

    # -- pages rendered in Chromium ------------------------------------------------------------------

    async def parse_rendered(self, response):
        """A page as Chromium built it; for a list, its JS pager is clicked through page by page,
        and the list requests its script made are read as lists, their other pages requested."""
        x = xmeta(response)
        listing = x.get("role") == "listing"
        pages, error = await rendered_pages(
            response, listing, self.plan.max_list_pages,
            self.crawler.settings.getfloat("XXGK_BROWSER_STEP_TIMEOUT", STEP_TIMEOUT))
        if error:
            # The page as far as the browser got is read; the hang is recorded against its URL.
            self.crawler.stats.inc_value("xxgk/browser/step_timeout")
            yield fetch_item_from_failure(response.request, error, x.get("role", "page"),
                                          link_text=x.get("link_text"))
        if listing:
            # The records the script fetched first: they may carry more than the page shows.
            for req in self.captured_lists(pages[0], x):
                yield req
        for r in pages:
            if listing:
                page = self.page_links(r, x)
                for req in chain(self.follow(r, page.links, x), page.requests):
                    yield req
            else:
                report_url = x.get("report_url") or self.canonical(response.url)
                for req in self.attachment_requests(r, attachment_links(r), report_url, x.get("title")):
                    yield req
        for it in captured_exchanges(response):
            yield it

    def captured_lists(self, response, x):
        """The list requests a rendered page made: their records' links, and the pages of the
        same request it did not ask for (a pager a click could not turn)."""
        captured = captured_requests(response)
        column = x.get("column") or x.get("root") or zones.url_dir(response.url)
        asked = set()
        for req, _ in captured:
            self.list_budget.admit(req.url, column, req.form)     # the browser fetched these
            asked.add(listdata.page_of(req))
        signed = listdata.varying([req for req, _ in captured])
        nx = {**x, "start": False, "page_url": None, "family": None}
        for req, text in captured:
            data, links = listdata.links_of(text, response.url)
            if not links:
                continue
            self.crawler.stats.inc_value("xxgk/fallback/list_requests")
            yield from self.follow(response, links, x)
            for nxt in listdata.other_pages(req, data, text, len(links)):
                if listdata.page_of(nxt) in asked or listdata.page_of(nxt)[0] in signed:
                    continue
                asked.add(listdata.page_of(nxt))
                r = self.paging_request(response, nxt.url, nx, formdata=nxt.form,
                                        callback=self.parse_list_data)
                if r is not None:
                    yield r
