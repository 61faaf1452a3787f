"""One canonical URL per report; every other URL it was seen under is kept as an alias.

Duplicates come from navigation parameters and ``/wap/`` mirrors (``classify.canonical_url``),
static/dynamic twins (a family's ``twin_key`` and ``preferred_url``), and 图片版/文字版/超链版
copies of one report in one list (``classify.variant_key``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Hashable, Iterable
from urllib.parse import urlsplit

from .. import classify as C


@dataclass
class Candidate:
    """A link of a list that may be a report, with the URL it will be fetched under."""

    link: C.Link
    how: str                         # "detail" (a page) or "file"
    canon: str                       # the URL to fetch
    twin: Hashable | None = None     # the family's twin key of ``canon``
    fallback: str | None = None      # the listed URL, when ``canon`` is a guessed static twin
    report_url: str | None = None    # the report it is a copy of (图片版 of a 文字版)

    @property
    def label(self) -> str:
        return self.link.label


class Duplicates:
    def __init__(self):
        self.aliases: dict[str, set[str]] = {}      # canonical report URL -> other URLs
        self.twins: dict[Hashable, str] = {}         # twin key -> canonical URL
        self.requested: set[str] = set()             # url_key of the URLs requested as reports/pages

    def add_alias(self, canonical: str, other: str) -> None:
        if other and other != canonical:
            self.aliases.setdefault(canonical, set()).add(other)

    def aliases_for(self, report_url: str) -> set[str]:
        return set(self.aliases.get(report_url, ()))

    def forget(self, report_url: str) -> None:
        """A guessed URL that turned out not to exist has no aliases."""
        self.aliases.pop(report_url, None)

    def choose(self, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates to fetch: one per canonical URL and twin, not requested before; the
        others become aliases. Copies of one report (图片版, 文字版…) each get ``report_url``, the
        canonical URL of the copy that stands for the report."""
        # static before dynamic (the twin that stays canonical), then page order
        candidates = sorted(candidates, key=lambda c: 0 if not urlsplit(c.canon).query else 1)
        chosen: list[Candidate] = []
        for c in candidates:
            if c.link.url != c.canon:
                self.add_alias(c.canon, c.link.url)
            if c.twin is not None:
                first = self.twins.setdefault(c.twin, c.canon)
                if first != c.canon:
                    self.add_alias(first, c.canon)
                    self.add_alias(first, c.link.url)
                    continue
            key = C.url_key(c.canon)
            if key in self.requested or any(C.url_key(o.canon) == key for o in chosen):
                continue
            chosen.append(c)
        groups: dict[str, list[Candidate]] = {}
        for c in chosen:
            if C.title_kind(c.label) == "report":
                groups.setdefault(C.variant_key(c.label), []).append(c)
        for members in groups.values():
            if len(members) < 2 or not any(C.VARIANT.search(m.label) for m in members):
                continue
            members.sort(key=lambda m: C.variant_rank(m.label, m.canon))
            head = members[0].canon
            for m in members[1:]:
                m.report_url = head
                self.add_alias(head, m.canon)
        self.requested.update(C.url_key(c.canon) for c in chosen)
        return chosen

    def page_aliases(self, report_url: str, urls: Iterable[str], canonical: Callable[[str], str],
                     twin_key: Callable[[str], Hashable | None]) -> None:
        """A report page's links to its own other spellings (手机版 ?isMobile=true, /wap/, a
        dynamic twin) are its aliases."""
        own_twin = twin_key(report_url)
        for u in urls:
            if not u or u == report_url:
                continue
            cu = canonical(u)
            if cu == report_url or (own_twin is not None and twin_key(cu) == own_twin):
                self.add_alias(report_url, u)
                if cu != u:
                    self.add_alias(report_url, cu)
