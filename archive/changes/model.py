"""What a diff between two crawls of a portal holds: the kinds of change, and the Diff itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    """One kind of change, with everything the archive says about it."""
    name: str              # the Diff's list and the JSON key
    row: str               # changes.kind
    news: bool             # a scheduler hears about it (a page-frame change is recorded only)
    heading: str           # the change report's section
    short: str             # the feed's word for it
    page_title: str        # its Datasette page (canned query changes_<row>)
    page_description: str
    page_columns: str      # the columns its page shows besides the common ones


KINDS = (
    Kind("added", "added", True, "新增 / New reports", "新增",
         "新增的年报 / New reports", "Reports first listed in the later crawl.",
         "new_sha256,"),
    Kind("removed", "removed", True, "消失 / Gone", "消失",
         "消失的年报 / Reports gone",
         "404, 410, soft-deleted, or in no list any more; old_sha256 is the last copy.",
         "reason AS 原因, old_sha256,"),
    Kind("revised", "revised", True, "原址修改 / Revised in place", "修改",
         "原址修改的年报 / Revised in place", "Same URL, new bytes, with changed cells or text.",
         "document_url, n_cells AS 变化单元格, cells, old_sha256, new_sha256,"),
    Kind("chrome_only", "chrome_only", False, "仅页面框架变化 / Page frame only", "框架",
         "仅页面框架变化 / Page frame only",
         "New bytes, but only dates, counters or widgets changed.", "document_url,"),
    Kind("moved", "moved", True, "换了地址 / Re-published under a new URL", "换址",
         "换了地址的年报 / Re-published under a new URL", "The same report at a new URL.",
         "old_url,"),
    Kind("errors", "error", True, "新的抓取错误 / New crawl errors", "错误",
         "新的抓取错误 / New crawl errors", "Fetches that fail now and did not before.",
         "reason AS 错误,"),
)
KIND_NAMES = tuple(k.name for k in KINDS)
NEWS = tuple(k.name for k in KINDS if k.news)


class DiffError(Exception):
    """The crawls asked for cannot be compared (unknown, unfinished, other portals)."""


@dataclass
class ReportState:
    """A report as one crawl saw it."""
    docs: dict = field(default_factory=dict)       # file URL -> (document_id, sha256)
    listed: bool = False                           # a list of this crawl led to it
    lists: set = field(default_factory=set)        # the list pages that linked it
    gone: str | None = None                        # '404' | '410' | 'soft_deleted'
    gone_docs: set = field(default_factory=set)    # file URLs that answered 404/410
    failures: list = field(default_factory=list)   # (url, error) of fetches that failed

    @property
    def present(self) -> bool:
        return bool(self.docs) and self.listed


@dataclass
class Diff:
    portal: str
    old_crawl: str | None
    new_crawl: str
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    revised: list = field(default_factory=list)
    chrome_only: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    # Why the newer crawl cannot support removals and revisions (None: it completed), and the
    # reports it did not see that are therefore not claimed gone or revised.
    incomplete: str | None = None
    unconfirmed: list = field(default_factory=list)
    # Crawls after ``old_crawl`` that did not complete: what they saw counts as seen (a report
    # they found is not new again), not as evidence of what is gone.
    also_compared: list = field(default_factory=list)

    def has_news(self) -> bool:
        return any(getattr(self, k) for k in NEWS)

    def counts(self) -> dict[str, int]:
        """How many changes of each kind."""
        return {k: len(getattr(self, k)) for k in KIND_NAMES}

    def to_dict(self) -> dict:
        return {"portal": self.portal, "old_crawl": self.old_crawl, "new_crawl": self.new_crawl,
                "complete": self.incomplete is None, "incomplete": self.incomplete,
                "also_compared": self.also_compared,
                **{k: getattr(self, k) for k in KIND_NAMES}, "unconfirmed": self.unconfirmed}
