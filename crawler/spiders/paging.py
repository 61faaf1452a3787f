"""How far the pages of one list are walked: each page once, at most ``XXGK_MAX_LIST_PAGES`` a
column (a pager that never ends is a trap)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from ..classify import url_key

_PAGE_KEYS = {"page", "pageno", "pageindex", "pagenum", "curpage", "currpage"}


def first_page(url: str) -> str:
    """A list URL without a page parameter that names its first page (``&page=1``): a list's
    pager links its first page so, the column links it bare."""
    p = urlsplit(url)
    q = parse_qsl(p.query, keep_blank_values=True)
    kept = [(k, v) for k, v in q if not (k.lower() in _PAGE_KEYS and v.strip() == "1")]
    return url if len(kept) == len(q) else p._replace(query=urlencode(kept)).geturl()


class ListBudget:
    def __init__(self, max_pages: int):
        self.max_pages = max_pages
        self.seen: set[str] = set()          # the page's url_key + POST form
        self.pages: dict[str, int] = {}      # column -> pages admitted

    def admit(self, url: str, column: str, form=None, first_is_bare: bool = False) -> bool:
        """Whether to fetch this page of ``column`` (a POSTed page is told apart by its form).
        With ``first_is_bare`` (an HTML list, not an API) ``?…&page=1`` is the list's own URL."""
        key = url_key(first_page(url) if first_is_bare else url) + "\x00" + repr(form or "")
        if key in self.seen:
            return False
        self.seen.add(key)
        n = self.pages.get(column, 0) + 1
        if n > self.max_pages:
            return False
        self.pages[column] = n
        return True

    def mark(self, url: str) -> None:
        """A list page fetched by another way (a column link): its pager's link to it is not
        fetched again."""
        self.seen.add(url_key(first_page(url)) + "\x00" + repr(""))
