"""Pages loaded in Chromium (scrapy-playwright): a list built by JavaScript, whose pager is clicked
through page by page, or a report page whose file link only a script sets, or a page whose list
a family's shortcut (an API URL it guessed) failed to read. The XHR/fetch exchanges such a page
makes are captured, archived, and read as lists (``listdata``). Chromium is slow: it is used
only when a page needs it."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import NamedTuple

from scrapy.http import TextResponse

from archive.fetches import now_iso

from .. import classify as C
from ..browser import (BROWSER_CONTEXT, STEP_TIMEOUT, BrowserStepTimeout, browser_step,
                       close_page)

from ..items import FetchItem
from . import listdata
from .links import content_scope

logger = logging.getLogger(__name__)

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


_SCRIPT_HREF = re.compile(r"^\s*(javascript:|#)", re.I)


def has_script_pager(response) -> bool:
    """A pager whose next page a script opens: a 下一页 / 2 / 尾页 link with no address of its
    own (``javascript:…``, ``#``, none) or a click handler."""
    for el in response.xpath("//a | //button | //span[@onclick] | //li[@onclick]"):
        label = C.clean(" ".join(el.xpath(".//text()").getall()))
        if not label or not re.match(r"^(下一?页|下页|尾页|末页|2|>|»|›|next)$", label, re.I):
            continue
        href = el.attrib.get("href")
        if href is None or _SCRIPT_HREF.match(href) or el.attrib.get("onclick"):
            return True
    return False


class Rendering:
    """Which pages a crawl renders (each once), and the requests that render them."""

    def __init__(self, hosts: set[str], patterns: list[re.Pattern], empty_lists: bool):
        self.hosts = hosts
        self.patterns = patterns           # the portal's ``render`` URL patterns
        self.empty_lists = empty_lists     # XXGK_RENDER_EMPTY_LISTS
        self.rendered: set[str] = set()

    def _done(self, response) -> bool:
        return bool(response.meta.get("playwright")) or response.url in self.rendered

    def wanted_for_list(self, response, x: dict, n_found: int, n_pages: int = 0) -> bool:
        """A list the portal says to render, a 年报 list with scripts and no links at all, or a
        年报 list whose pager only a script turns (``javascript:goPage(2)``, ``__doPostBack``) when
        nothing else found its other pages."""
        if self._done(response):
            return False
        if any(p.search(response.url) for p in self.patterns):
            return True
        if not (self.empty_lists and x.get("zone") == "nb" and "<script" in response.text.lower()):
            return False
        return n_found == 0 or (n_pages == 0 and not x.get("column") and has_script_pager(response))

    def wanted_for_files(self, response) -> bool:
        """A report page with neither tables nor much text nor a file: a script sets its file."""
        if self._done(response):
            return False
        scope = content_scope(response)
        if scope is not None and scope.xpath(".//table"):
            return False
        if scope is not None and len(C.clean(" ".join(scope.xpath(".//text()").getall()))) > 1500:
            return False
        low = response.text.lower()
        return "<script" in low and bool(re.search(r"qzb|ms-attr|\{\{|\.href\s*=|\.src\s*=|pdf", low))

    def wanted_as_fallback(self, url: str) -> bool:
        """A page whose list a family's shortcut failed to read: rendered once, by its own
        script."""
        return url not in self.rendered

    def request(self, spider, response, x: dict, url: str | None = None):
        """The page (``url``, by default the response's) again, in Chromium, to
        ``spider.parse_rendered``."""
        from scrapy_playwright.page import PageMethod

        url = url or response.url
        self.rendered.add(url)
        captured: list = []
        hosts = self.hosts

        async def on_response(pw_response):
            try:
                rtype = pw_response.request.resource_type
                if rtype not in ("xhr", "fetch") or not C.same_site(pw_response.url, hosts):
                    return
                body = await pw_response.body()
                headers = await pw_response.headers_array()
                captured.append({"url": pw_response.url, "status": pw_response.status,
                                 "headers": [(h["name"], h["value"]) for h in headers],
                                 "body": body, "method": pw_response.request.method,
                                 "post": pw_response.request.post_data})
            except Exception:  # noqa: BLE001 - the page went away
                pass

        logger.info("rendering %s in Chromium", url)
        spider.crawler.stats.inc_value("xxgk/rendered")
        return spider.make_request(
            url, x, spider.parse_rendered, priority=5, dont_filter=True,
            meta={"playwright": True, "playwright_include_page": True,
                  "playwright_context": BROWSER_CONTEXT,
                  "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
                  "playwright_page_event_handlers": {"response": on_response},
                  "xxgk_captured": captured})


class Rendered(NamedTuple):
    pages: list[TextResponse]
    error: str | None       # why the pager was not walked to its end (a browser step hung)


async def rendered_pages(response, click_through: bool, max_pages: int,
                         step_timeout: float = STEP_TIMEOUT) -> Rendered:
    """The page as Chromium built it; with ``click_through``, each page its pager leads to.
    Every browser step is under ``step_timeout``: a page whose script hangs ends the walk with
    the pages read so far and the error."""
    from scrapy.http import HtmlResponse

    page = response.meta.pop("playwright_page", None)
    htmls = [response.text]
    error = None
    try:
        if page is not None and click_through:
            for n in range(2, max_pages + 1):
                try:
                    clicked = await browser_step(page.evaluate(CLICK_PAGE_JS, n), step_timeout,
                                                 f"clicking to page {n}")
                except BrowserStepTimeout:
                    raise
                except Exception:  # noqa: BLE001 - navigation in progress
                    clicked = False
                if not clicked:
                    break
                try:
                    await page.wait_for_load_state("networkidle",
                                                   timeout=min(15.0, step_timeout) * 1000)
                except Exception:  # noqa: BLE001
                    pass
                await asyncio.sleep(0.3)
                html = await browser_step(page.content(), step_timeout, f"reading page {n}")
                if html == htmls[-1]:
                    break
                htmls.append(html)
    except BrowserStepTimeout as exc:
        error = str(exc)
        logger.warning("%s: %s", response.url, error)
    finally:
        await close_page(page, step_timeout)
    return Rendered([HtmlResponse(url=response.url, body=html.encode("utf-8"), encoding="utf-8",
                                  request=response.request) for html in htmls], error)


def captured_requests(response) -> list[tuple[listdata.Request, str]]:
    """The list requests a rendered page made (GET, or POST with a form) and their answers'
    text, for those that answered 200."""
    out = []
    for c in response.meta.get("xxgk_captured", []) or []:
        if c["status"] != 200 or not c["body"]:
            continue
        form = listdata.form_of(c["post"]) if c["method"] == "POST" else None
        if c["method"] == "POST" and form is None:
            continue
        out.append((listdata.Request(c["url"], form), c["body"].decode("utf-8", "replace")))
    return out


def captured_exchanges(response):
    """The XHR/fetch responses a rendered page loaded: real exchanges, archived as listings."""
    for c in response.meta.get("xxgk_captured", []) or []:
        yield FetchItem(url=c["url"], method=c["method"], form=(c["post"] or "").encode() or None
                        if c["method"] != "GET" else None,
                        status=c["status"], http_version="HTTP/1.1",
                        request_headers=[], response_headers=c["headers"], raw_body=None,
                        body=c["body"], fetched_at=now_iso(), referer=response.url,
                        role="listing", error=None)
