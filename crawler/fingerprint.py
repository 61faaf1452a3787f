"""One page, one fetch: the request fingerprint Scrapy's duplicate filter uses
(``REQUEST_FINGERPRINTER_CLASS``).

Scrapy's own fingerprint already sorts the query; this one also drops what only busts a cache or
marks navigation state (``&_=1700000000000``, ``t=…``, ``activeId``, ``?isMobile=true``:
``classify.url_key``), so that a list API a script calls with a time stamp, or a page linked with
its tab highlighted, is fetched once. URLs that differ in any other query value are different
pages (``?a=dir&p=D0104X``, ``…p=D0105X``). Parameters a portal keeps (its ``keep_params``) stay.
"""

from __future__ import annotations

import hashlib
import json
import weakref

from w3lib.url import canonicalize_url

from .classify import url_key


class CanonicalFingerprinter:
    def __init__(self, crawler=None):
        self.crawler = crawler
        self._cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _keep(self) -> set[str]:
        plan = getattr(getattr(self.crawler, "spider", None), "plan", None)
        return set(getattr(plan, "overrides", {}).get("keep_params", [])) if plan else set()

    def fingerprint(self, request) -> bytes:
        found = self._cache.get(request)
        if found is None:
            data = {"method": request.method,
                    "url": canonicalize_url(url_key(request.url, self._keep())),
                    "body": (request.body or b"").hex()}
            found = hashlib.sha1(json.dumps(data, sort_keys=True).encode()).digest()  # noqa: S324
            self._cache[request] = found
        return found
