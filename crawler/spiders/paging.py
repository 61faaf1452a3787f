"""How far the pages of one list are walked: each page once, at most ``XXGK_MAX_LIST_PAGES`` a
column (a pager that never ends is a trap)."""

from __future__ import annotations

from ..classify import url_key


class ListBudget:
    def __init__(self, max_pages: int):
        self.max_pages = max_pages
        self.seen: set[str] = set()          # the page's url_key + POST form
        self.pages: dict[str, int] = {}      # column -> pages admitted

    def admit(self, url: str, column: str, form=None) -> bool:
        """Whether to fetch this page of ``column`` (a POSTed page is told apart by its form)."""
        key = url_key(url) + "\x00" + repr(form or "")
        if key in self.seen:
            return False
        self.seen.add(key)
        n = self.pages.get(column, 0) + 1
        if n > self.max_pages:
            return False
        self.pages[column] = n
        return True
