"""Where a portal's crawl starts and where it may go: its registry entry, the crawl's settings and
the spider's ``-a`` arguments made into one ``CrawlPlan``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .. import classify as C


@dataclass(frozen=True)
class StartURL:
    url: str
    zone: str | None = None       # home | xxgk | nb; guessed from the URL when None
    root: str | None = None       # the column's root directory; from the URL when None


# The national portal is nobody's own disclosure platform.
_NATIONAL = re.compile(r"^(www\.)?gov\.cn$")


@dataclass
class CrawlPlan:
    start_urls: list[StartURL]
    hosts: set[str]                                  # host[:port], lower case
    allow: list[str] = field(default_factory=list)   # path prefixes the crawl stays under (on
                                                     # the start hosts)
    overrides: dict = field(default_factory=dict)    # the registry entry's "overrides"
    xxgk_hops: int = 3
    max_list_pages: int = 200
    render_empty_lists: bool = True
    render_patterns: list[re.Pattern] = field(default_factory=list)
    detail_patterns: list[re.Pattern] = field(default_factory=list)
    column_patterns: list[re.Pattern] = field(default_factory=list)
    skip_patterns: list[re.Pattern] = field(default_factory=list)
    widened: set[str] = field(default_factory=set)   # disclosure platforms the portal links

    @property
    def allowed_domains(self) -> list[str]:
        return sorted({re.sub(r"^www\.", "", h.split(":")[0]) for h in self.hosts})

    def in_scope(self, url: str) -> bool:
        """On the portal's hosts (the ``allow`` prefixes apply to its own, not to a disclosure
        platform it links), not a trap, not skipped."""
        if not url or not url.startswith(("http://", "https://")):
            return False
        if not C.same_site(url, self.hosts):
            return False
        if self.allow and not C.same_site(url, self.widened) and not C.under_prefix(url, self.allow):
            return False
        if C.looks_like_trap(url):
            return False
        return not any(p.search(url) for p in self.skip_patterns)

    def canonical(self, url: str) -> str:
        return C.canonical_url(url, keep=set(self.overrides.get("keep_params", [])))

    def key(self, url: str) -> str:
        """What identifies the page at ``url`` (``classify.url_key``)."""
        return C.url_key(url, keep=set(self.overrides.get("keep_params", [])))

    def readmit(self, urls) -> set[str]:
        """The disclosure platforms a killed run of this crawl had taken in, from the requests it
        journalled (each was in scope when made): in scope again before its walk finds them."""
        added = set()
        for url in urls:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            if host.endswith(".gov.cn") and not _NATIONAL.match(host) and not C.same_site(url, self.hosts):
                self.hosts.add(parts.netloc.lower())
                self.widened.add(parts.netloc.lower())
                added.add(parts.netloc.lower())
        return added

    def widen(self, url: str, label: str, zone: str, page_url: str) -> str | None:
        """Take in the disclosure platform a portal links from its own navigation: a link named
        政府信息公开 / 政务公开 (nothing more: a label naming another government is another site's),
        found on the home or 政府信息公开 pages of the portal's start hosts, to another
        government host (``*.gov.cn``, not the national portal). The host added, or None."""
        if zone not in ("home", "xxgk") or not C.XXGK_NAV_TEXT.match(C.clean(label).replace(" ", "")):
            return None
        starts = {urlsplit(s.url).netloc.lower() for s in self.start_urls}
        if not C.same_site(page_url, starts):
            return None
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host.endswith(".gov.cn") or _NATIONAL.match(host):
            return None
        if C.same_site(url, self.hosts):
            return None
        netloc = parts.netloc.lower()
        self.hosts.add(netloc)
        self.widened.add(netloc)
        return netloc


def _split(arg: str | None) -> list[str]:
    return [a.strip() for a in (arg or "").split(",") if a.strip()]


def plan(portal: dict, settings, url: str | None = None, allow: str | None = None,
         render: str | None = None) -> CrawlPlan:
    """The plan of a crawl of ``portal`` (a registry entry); ``url``, ``allow`` and ``render`` are
    the spider's ``-a`` arguments (comma-separated)."""
    demo = (settings.get("XXGK_DEMO_URL") or "http://127.0.0.1:8765").rstrip("/")
    starts = []
    for s in portal.get("start_urls", []):
        spec = dict(s) if isinstance(s, dict) else {"url": s}
        starts.append(StartURL(spec["url"].replace("{demo}", demo), spec.get("zone"), spec.get("root")))
    if url:
        starts = [StartURL(u) for u in _split(url)]
    prefixes = [a.replace("{demo}", "") for a in portal.get("allow", [])] + _split(allow)
    o = portal.get("overrides", {})
    return CrawlPlan(
        start_urls=starts,
        hosts={urlsplit(s.url).netloc.lower() for s in starts} | {h.lower() for h in portal.get("hosts", [])},
        allow=[a if a.startswith("/") else "/" + a for a in prefixes],
        overrides=o,
        xxgk_hops=int(o.get("xxgk_hops", settings.getint("XXGK_XXGK_HOPS", 3))),
        max_list_pages=int(o.get("max_list_pages", settings.getint("XXGK_MAX_LIST_PAGES", 200))),
        render_empty_lists=bool(o.get("render_empty_lists", settings.getbool("XXGK_RENDER_EMPTY_LISTS", True))),
        render_patterns=[re.compile(r) for r in [*o.get("render", []), *(render.split(",") if render else [])]],
        detail_patterns=[re.compile(r) for r in o.get("detail_patterns", [])],
        column_patterns=[re.compile(r) for r in o.get("column_patterns", [])],
        skip_patterns=[re.compile(r) for r in o.get("skip_patterns", [])],
    )
