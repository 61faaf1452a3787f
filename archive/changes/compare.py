"""Comparing two crawls of a portal: a report's state in each crawl is read from that crawl's
fetches — which of its files came back (URL -> SHA-256), which lists led to it (or only the
archive's recheck did), and whether its URL answered 404/410 or a soft-delete page. Reports are
compared by content hash, never by URL. Reads go through :mod:`archive.queries`; nothing is
written here.

What the newer crawl did not see is claimed gone (or revised) only on evidence from a crawl
that completed (:mod:`.completeness`). The older side is the portal's last complete crawl,
with what any crawl since then that did not complete found: a report such a crawl announced is
not new again, and its removal or revision waits for a crawl that completes.
"""

from __future__ import annotations

from .. import queries
from .completeness import completeness, lists_seen
from .model import Diff, DiffError, ReportState
from .revision import cell_changes, classify_revision, report_body, text_diff


# -- choosing crawls ------------------------------------------------------------------------------

def crawl_pairs(db, old: str | None = None, new: str | None = None,
                portals: list[str] | None = None) -> list[tuple[str | None, str]]:
    """The (old, new) crawls to compare: the two given, else, for each portal, its last
    finished crawl and the last one before it that completed (None when none did: a portal
    crawled once is compared with nothing, all its reports are new)."""
    if old or new:
        if not (old and new):
            raise DiffError("give both crawls (OLD NEW), or neither for the last two of each "
                            "portal")
        found = queries.crawls_by_id(db, (old, new))
        for cid in (old, new):
            if cid not in found:
                raise DiffError(f"no crawl {cid!r} (see xxgk crawls)")
            if found[cid]["status"] != "finished":
                raise DiffError(f"crawl {cid} is {found[cid]['status']}, not finished")
        if found[old]["portal"] != found[new]["portal"]:
            raise DiffError(f"{old} and {new} are crawls of different portals")
        return [(old, new)]
    pairs = []
    for portal in portals or queries.finished_portals(db):
        finished = [c["id"] for c in queries.finished_crawls(db, portal)]
        if not finished:
            if portals:
                raise DiffError(f"portal {portal!r} has no finished crawl")
            continue
        base = next((c for c in finished[1:] if completeness(db, c).complete), None)
        pairs.append((base, finished[0]))
    return pairs


def between(db, old: str | None, new: str) -> list[str]:
    """The portal's finished crawls after ``old`` (or since its first) and before ``new``,
    oldest first."""
    crawl = queries.crawl(db, new)
    ids = [c["id"] for c in reversed(queries.finished_crawls(db, crawl["portal"]))]
    start = ids.index(old) + 1 if old in ids else 0
    return ids[start:ids.index(new)] if new in ids else []


# -- a crawl's view of its reports -----------------------------------------------------------------

def snapshot(db, crawl_id: str | None, portal: str) -> dict[int, ReportState]:
    """Each report the crawl touched (by id) and what the crawl saw of it."""
    out: dict[int, ReportState] = {}
    if crawl_id is None:
        return out
    urls = queries.report_ids_by_url(db, portal)

    def resolve(*cands):
        return next((urls[c] for c in cands if c and c in urls), None)

    for f in queries.crawl_report_fetches(db, crawl_id):
        rid = resolve(f["report_url"], f["url"], f["final_url"])
        if rid is None:
            continue
        st = out.setdefault(rid, ReportState())
        status, error = f["status"], f["error"] or ""
        ok = status is not None and (200 <= status < 300 or status == 304)
        if ok and not error and f["document_id"] and f["role"] in ("report", "attachment"):
            st.docs[f["final_url"] or f["url"]] = (f["document_id"], f["sha256"])
            st.listed = st.listed or not f["found_by"]
            if f["role"] == "report" and not f["found_by"] and f["referer"]:
                st.lists.add(f["referer"])
        elif status in (404, 410):
            if resolve(f["url"]) == rid and f["role"] != "attachment":
                st.gone = str(status)
            else:
                st.gone_docs.add(f["url"])
        elif error.startswith("soft-deleted"):
            st.gone = "soft_deleted"
        elif not error.endswith(": retried"):
            st.failures.append((f["url"], error or f"HTTP {status}"))
    return out


class _Stored:
    """Stored versions and report facts, read once each: a report's best file is asked for
    several times."""

    def __init__(self, db):
        self.db = db
        self._cells: dict[int, dict] = {}
        self._reports: dict[int, dict] = {}

    def cells(self, doc_id: int) -> dict:
        if doc_id not in self._cells:
            self._cells[doc_id] = queries.cell_values(self.db, doc_id)
        return self._cells[doc_id]

    def report(self, rid: int) -> dict:
        if rid not in self._reports:
            self._reports[rid] = queries.report_facts(self.db, rid)
        return dict(self._reports[rid])

    def best(self, state: ReportState) -> tuple[int, str]:
        """The version to show for a report: its file with the most cells."""
        return max(state.docs.values(), key=lambda d: (len(self.cells(d[0])), d[0]))


# -- the comparison --------------------------------------------------------------------------------

def compare(db, old_crawl: str | None, new_crawl: str, merge_between: bool = False) -> Diff:
    """What changed on the portal of ``new_crawl`` since ``old_crawl`` (None: nothing before).
    ``merge_between``: what the portal's crawls between the two that did not complete found
    counts as seen before (the nightly's and ``xxgk diff``'s default choice of crawls)."""
    crawl = queries.crawl(db, new_crawl)
    if crawl is None:
        raise DiffError(f"no crawl {new_crawl!r}")
    portal = crawl["portal"]
    old, new = snapshot(db, old_crawl, portal), snapshot(db, new_crawl, portal)
    diff = Diff(portal, old_crawl, new_crawl)
    if merge_between:
        diff.also_compared = between(db, old_crawl, new_crawl)
        for cid in diff.also_compared:
            for rid, st in snapshot(db, cid, portal).items():
                if st.present and not (rid in old and old[rid].present):
                    old[rid] = st
    done = completeness(db, new_crawl)
    diff.incomplete = done.reason
    stored = _Stored(db)
    added = [rid for rid, st in new.items() if st.present and not (rid in old and old[rid].present)]
    claims, unconfirmed = _removed(old, new, lists_seen(db, new_crawl), done.reason)
    removed = claims if old_crawl is not None or diff.also_compared else []
    moved_new, moved_old = _moved(diff, stored, old, new, added, removed)
    for rid in added:
        if rid not in moved_new:
            doc_id, sha = stored.best(new[rid])
            diff.added.append({**stored.report(rid), "new_document_id": doc_id,
                               "new_sha256": sha, "files": sorted(new[rid].docs)})
    for rid, reason in removed:
        if rid not in moved_old:
            doc_id, sha = stored.best(old[rid])
            diff.removed.append({**stored.report(rid), "reason": reason,
                                 "old_document_id": doc_id, "old_sha256": sha,
                                 "since": crawl["started_at"], "files": sorted(old[rid].docs)})
    for rid, why in unconfirmed:
        diff.unconfirmed.append({**stored.report(rid), "not_claimed": "removed", "why": why})
    for rid in sorted(set(old) & set(new)):
        if done.complete:
            _revised(diff, stored, rid, old[rid], new[rid], crawl["started_at"])
        elif _changed_files(old[rid], new[rid]):
            diff.unconfirmed.append({**stored.report(rid), "not_claimed": "revised",
                                     "why": done.reason})
    diff.errors = _new_errors(db, old_crawl, new_crawl, {e["url"] for e in diff.removed},
                              {f for st in new.values() for f in st.gone_docs})
    return diff


def _removed(old: dict, new: dict, seen: set, incomplete: str | None):
    """(report id, reason) of every report present before and gone now, on evidence; and
    (report id, why not) of those gone from sight without evidence."""
    removed, unconfirmed = [], []
    for rid, st in old.items():
        if not st.present:
            continue
        now = new.get(rid)
        if now is not None and now.present:
            continue
        if incomplete:
            unconfirmed.append((rid, incomplete))
        elif now is not None and not now.gone and not now.docs and now.failures:
            continue                     # unreachable tonight: an error, not a removal
        elif now is not None and now.gone:
            removed.append((rid, now.gone))
        elif st.lists and not st.lists <= seen:
            missing = sorted(st.lists - seen)
            unconfirmed.append((rid, f"the list that linked it could not be fetched whole "
                                     f"({missing[0]})"))
        else:
            # No list links it any more (if the recheck still reached it, it is still online).
            removed.append((rid, "unlisted"))
    return removed, unconfirmed


def _moved(diff: Diff, stored: _Stored, old, new, added, removed) -> tuple[set, set]:
    """Re-published under a new URL: a new report with a file of a removed one, or the same
    cells. Return the new and the old report ids that moved."""
    moved_new, moved_old = set(), set()
    for rid_new in added:
        shas_new = {s for _, s in new[rid_new].docs.values()}
        cells_new = stored.cells(stored.best(new[rid_new])[0])
        for rid_old, reason in removed:
            if rid_old in moved_old:
                continue
            shas_old = {s for _, s in old[rid_old].docs.values()}
            cells_old = stored.cells(stored.best(old[rid_old])[0])
            if shas_new & shas_old or (cells_new and cells_new == cells_old):
                diff.moved.append({**stored.report(rid_new),
                                   "old_url": stored.report(rid_old)["url"],
                                   "old_report_id": rid_old, "reason": reason,
                                   "new_sha256": stored.best(new[rid_new])[1]})
                moved_new.add(rid_new)
                moved_old.add(rid_old)
                break
    return moved_new, moved_old


def _changed_files(a: ReportState, b: ReportState) -> bool:
    return any(a.docs[u][1] != b.docs[u][1] for u in set(a.docs) & set(b.docs)) or \
        bool(b.gone_docs & set(a.docs))


def _revised(diff: Diff, stored: _Stored, rid: int, a: ReportState, b: ReportState,
             when: str) -> None:
    """A report in both crawls: each of its files with new bytes is a revision, or only a new
    page frame; a file that now answers 404 is a revision too."""
    for url in sorted(set(a.docs) & set(b.docs)):
        (oid, osha), (nid, nsha) = a.docs[url], b.docs[url]
        if osha == nsha:
            continue
        entry = {**stored.report(rid), "document_url": url, "old_document_id": oid,
                 "new_document_id": nid, "old_sha256": osha, "new_sha256": nsha, "since": when}
        if not (queries.parsed(stored.db, oid) and queries.parsed(stored.db, nid)):
            entry.update(cells=[], text_diff="", note="not parsed yet: run xxgk reparse")
            diff.revised.append(entry)
            continue
        ocells, ncells = stored.cells(oid), stored.cells(nid)
        otext, ntext = queries.text(stored.db, oid), queries.text(stored.db, nid)
        if classify_revision(otext, ntext, ocells, ncells) == "chrome_only":
            diff.chrome_only.append(entry)
            continue
        entry["cells"] = cell_changes(ocells, ncells)
        entry["text_diff"] = text_diff(report_body(otext), report_body(ntext),
                                       f"{url} ({osha[:12]})", f"{url} ({nsha[:12]})")
        diff.revised.append(entry)
    for url in sorted(b.gone_docs & set(a.docs)):
        oid, osha = a.docs[url]
        diff.revised.append({**stored.report(rid), "document_url": url,
                             "old_document_id": oid, "new_document_id": None,
                             "old_sha256": osha, "new_sha256": None, "cells": [],
                             "text_diff": "", "note": "this file now answers 404", "since": when})


def _failed(db, crawl_id) -> dict[str, dict]:
    out = {}
    for f in queries.failed_fetches(db, crawl_id):
        err = f["error"] or ""
        if err.endswith(": retried") or err.startswith("soft-deleted"):
            continue
        out.setdefault(f["url"], f)
    return out


def _new_errors(db, old_crawl, new_crawl, removed_urls, gone_files) -> list[dict]:
    before = _failed(db, old_crawl) if old_crawl else {}
    # A URL that failed, then succeeded on a later retry in the same crawl, is not an error.
    ok = queries.ok_urls(db, new_crawl)
    out = []
    for url, f in _failed(db, new_crawl).items():
        if url in before or url in ok or url in removed_urls or url in gone_files:
            continue
        out.append({"url": url, "role": f["role"], "status": f["status"],
                    "reason": f["error"] or f"HTTP {f['status']}"})
    return out
