"""What a CMS family tells the spider: the interface every family module implements.

A family is an object the spider consults, never a class it inherits from. Every hook's default
means "nothing special here", so a family overrides only what its platform needs. The hooks that
build requests get the spider as their first argument and use its public helpers
(``in_scope``, ``make_request``, ``paging_request``, ``follow``, ``parse_listing``,
``parse_list_data``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Hashable, Iterable, NamedTuple

from ..classify import Link

NEVER = re.compile(r"(?!)")


class UrlDate(NamedTuple):
    date: str            # YYYY-MM-DD
    detail: str          # the part of the URL that says so: t20240114, /art/2024/1/14/


def url_date_of(pattern: re.Pattern, url: str) -> UrlDate | None:
    """A date from ``pattern``'s groups year, month, day (and the match as the detail), if it
    is a real date."""
    m = pattern.search(url or "")
    if not m:
        return None
    try:
        day = datetime.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
    return UrlDate(day.isoformat(), m.group(0).strip("/?")) if 1990 <= day.year <= 2100 else None


@dataclass
class FamilyLinks:
    """What a family finds in a page besides its plain links: more links (records of an embedded
    XML list, say), and requests of its own (the next pages of a list, a JSON API)."""

    links: list[Link] = field(default_factory=list)
    requests: list = field(default_factory=list)


class Family:
    name = ""
    # What a page of this CMS shows, searched in its HTML and URL lower-cased (so written in
    # lower case; a case-insensitive search of a Chinese page costs several times more).
    markers: re.Pattern = NEVER
    # CSS selectors of the element that holds an article's own text (its body container), in
    # the order they are tried: the archive keeps that element's text as the page's text.
    content_selectors: tuple = ()

    def shown_by(self, lowered_text: str) -> bool:
        return bool(self.markers.search(lowered_text))

    def implements(self, hook: str) -> bool:
        """Whether this family overrides ``hook`` (the others answer with its default)."""
        return getattr(type(self), hook) is not getattr(Family, hook)

    def list_links(self, spider, response, x: dict) -> FamilyLinks:
        """Links and requests a list page holds in this family's own way (JS-only paging, an
        embedded XML list, an organ directory)."""
        return FamilyLinks()

    def parse_list_data(self, spider, response, x: dict) -> Iterable:
        """A list this family fetched as data (XML records, JSON) with ``spider.parse_list_data``
        as callback: yield the requests it leads to and its own record."""
        raise NotImplementedError(f"family {self.name!r} fetches no list data")

    def twin_key(self, url: str) -> Hashable | None:
        """A key shared by a page's static and dynamic addresses."""
        return None

    def preferred_url(self, url: str, page_url: str) -> str | None:
        """The static address to fetch instead of a dynamic one that ``page_url`` links."""
        return None

    def column_ok(self, url: str, zone: str) -> bool:
        """Whether a column link found in ``zone`` is worth walking."""
        return True

    def same_column(self, url: str, page_url: str) -> bool:
        """Whether ``url`` is another page of the list at ``page_url``, by this family's URL
        scheme (the spider's own rule is tried first)."""
        return False

    def url_date(self, url: str) -> UrlDate | None:
        """The date this family's URL scheme writes into an article's or a file's URL (its
        publication date), if it does."""
        return None
