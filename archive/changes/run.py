"""A diff from start to end: choose the crawls, parse what they fetched and nobody parsed yet
(cells and text can only be compared once parsed), compare, and have the archive store it."""

from __future__ import annotations

from .. import queries
from ..fetches import now_iso
from .compare import compare, crawl_pairs
from .model import Diff


def diff_crawls(arc, old: str | None = None, new: str | None = None,
                portals: list[str] | None = None, parse: bool = True,
                pairs: list | None = None) -> list[Diff]:
    """Compare crawls of ``arc`` (an :class:`archive.store.Archive`) and store what changed:
    OLD and NEW, else ``pairs`` (as :func:`crawl_pairs` chooses them), else each portal's last
    finished crawl against its last complete one before (of ``portals`` when given). Unless
    OLD and NEW are given, what incomplete crawls between the two found counts as seen."""
    merge_between = not (old or new)
    if pairs is None:
        pairs = arc.read(crawl_pairs, old, new, portals)
    if parse:
        for sha in arc.read(queries.pending_documents, [c for pair in pairs for c in pair if c]):
            arc.parse_document(sha)
    detected = now_iso()
    out = []
    for o, n in pairs:
        diff = arc.read(compare, o, n, merge_between)
        arc.record_changes(diff, detected)
        out.append(diff)
    return out
