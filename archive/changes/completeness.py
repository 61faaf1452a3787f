"""Whether a crawl saw its portal whole, so that what it did not see can be claimed gone.

A removal or a revision is a claim about what a portal no longer shows; it rests only on a
crawl that completed. A crawl that was killed, stopped by a timeout or a page budget, or stayed
behind a JavaScript challenge saw part of the portal: from it the archive claims what it found
(new reports), never what it missed.

Within a complete crawl a report is claimed ``unlisted`` only when the lists that linked it
before were seen whole this time (``lists_seen``): a list page that failed — a timeout, a 5xx,
a render in the browser that never finished — is no evidence that the report left it.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from .. import queries

# Statuses of a challenge that was not passed (瑞数 412, 加速乐 521).
CHALLENGE_STATUSES = (412, 521)
# finish_reason of a Scrapy crawl that walked everything it was given.
FINISHED = "finished"


class Completeness(NamedTuple):
    complete: bool
    reason: str | None = None        # why not, in words for the diff and the nightly summary


def completeness(db, crawl_id: str) -> Completeness:
    """Whether the crawl completed, and if not, why."""
    crawl = queries.crawl(db, crawl_id)
    if crawl is None:
        return Completeness(False, f"no crawl {crawl_id}")
    if crawl["status"] != "finished":
        return Completeness(False, f"the crawl is {crawl['status']} (killed or failed)")
    try:
        stats = json.loads(crawl["stats"] or "null") or {}
    except ValueError:
        stats = {}
    reason = stats.get("finish_reason")
    if reason and reason != FINISHED:
        return Completeness(False, f"the crawl was stopped early ({reason})")
    failed = stats.get("xxgk/challenge/failed")
    if failed:
        return Completeness(False, f"a JavaScript challenge was not passed ({failed} time(s))")
    blocked = queries.challenged_fetches(db, crawl_id, CHALLENGE_STATUSES)
    if blocked:
        first = blocked[0]
        return Completeness(False, f"{len(blocked)} page(s) stayed behind a JavaScript challenge "
                                   f"(first: {first['url']}, HTTP {first['status']})")
    if stats and not queries.listings_fetched(db, crawl_id):
        return Completeness(False, "no list page could be fetched")
    return Completeness(True)


def lists_seen(db, crawl_id: str) -> set[str]:
    """The URLs the crawl fetched whole: a 2xx or 304 answer, and no attempt that failed for
    good (a render that timed out fails a list even when its plain fetch succeeded)."""
    out = queries.url_outcomes(db, crawl_id)
    return {url for url, (ok, failed) in out.items() if ok and not failed}
