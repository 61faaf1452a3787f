"""What changed on a portal between two of its crawls: reports added, removed (and why), revised
in place (which cells, which lines), changed only in their page frame, moved to a new URL, and
fetch errors that are new.

    diff = compare(conn, old_crawl, new_crawl)   # a Diff of plain dicts, nothing written
    store(conn, diff)                            # the changes table (idempotent per crawl pair)
    render_text(diffs) / render_markdown(diffs) / as_json(diffs)

A report's state in a crawl is read from that crawl's fetches: which of its files came back
(URL -> SHA-256), whether a list led to it or only the archive's recheck did, and whether its
URL answered 404/410 or a soft-delete page. The comparison is by content hash, never by URL.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from .diffing import cell_changes, classify_revision, report_body, text_diff

KINDS = ("added", "removed", "revised", "chrome_only", "moved", "errors")
# Kinds a scheduler should hear about; a chrome-only change is recorded but is not news.
NEWS = ("added", "removed", "revised", "moved", "errors")
_KIND_ROW = {"added": "added", "removed": "removed", "revised": "revised",
             "chrome_only": "chrome_only", "moved": "moved", "errors": "error"}


class DiffError(Exception):
    """The crawls asked for cannot be compared (unknown, unfinished, other portals)."""


@dataclass
class ReportState:
    docs: dict = field(default_factory=dict)       # file URL -> (document_id, sha256)
    listed: bool = False                           # a list of this crawl led to it
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

    def has_news(self) -> bool:
        return any(getattr(self, k) for k in NEWS)

    def to_dict(self) -> dict:
        return {"portal": self.portal, "old_crawl": self.old_crawl, "new_crawl": self.new_crawl,
                **{k: getattr(self, k) for k in KINDS}}


# -- choosing crawls ------------------------------------------------------------------------------

def _rows(conn, sql, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def crawl_pairs(conn, old: str | None = None, new: str | None = None,
                portals: list[str] | None = None) -> list[tuple[str | None, str]]:
    """The (old, new) crawls to compare: the two given, else the last two finished crawls of
    each portal (a portal crawled once is compared with nothing: all its reports are new)."""
    if old or new:
        if not (old and new):
            raise DiffError("give both crawls (OLD NEW), or neither for the last two of each portal")
        found = {r["id"]: r for r in _rows(conn, "SELECT * FROM crawls WHERE id IN (?, ?)",
                                           (old, new))}
        for cid in (old, new):
            if cid not in found:
                raise DiffError(f"no crawl {cid!r} (see xxgk crawls)")
            if found[cid]["status"] != "finished":
                raise DiffError(f"crawl {cid} is {found[cid]['status']}, not finished")
        if found[old]["portal"] != found[new]["portal"]:
            raise DiffError(f"{old} and {new} are crawls of different portals")
        return [(old, new)]
    pairs = []
    names = portals or [r["portal"] for r in _rows(
        conn, "SELECT DISTINCT portal FROM crawls WHERE status = 'finished' ORDER BY portal")]
    for portal in names:
        last = [r["id"] for r in _rows(
            conn, "SELECT id FROM crawls WHERE portal = ? AND status = 'finished' "
                  "ORDER BY started_at DESC, rowid DESC LIMIT 2", (portal,))]
        if not last:
            if portals:
                raise DiffError(f"portal {portal!r} has no finished crawl")
            continue
        pairs.append((last[1] if len(last) > 1 else None, last[0]))
    return pairs


# -- a crawl's view of its reports -----------------------------------------------------------------

def _resolver(conn, portal: str):
    urls = {u: i for u, i in conn.execute("SELECT url, id FROM reports WHERE portal = ?", (portal,))}
    urls.update({u: i for u, i in conn.execute(
        "SELECT a.url, a.report_id FROM report_aliases a JOIN reports r ON r.id = a.report_id "
        "WHERE r.portal = ?", (portal,))})
    return lambda *cands: next((urls[c] for c in cands if c and c in urls), None)


def snapshot(conn, crawl_id: str | None, portal: str) -> dict[int, ReportState]:
    out: dict[int, ReportState] = {}
    if crawl_id is None:
        return out
    resolve = _resolver(conn, portal)
    for f in _rows(conn, "SELECT id, url, final_url, report_url, role, status, error, "
                         "document_id, sha256, found_by FROM fetches WHERE crawl_id = ? "
                         "AND role IN ('report', 'attachment', 'page') ORDER BY id", (crawl_id,)):
        rid = resolve(f["report_url"], f["url"], f["final_url"])
        if rid is None:
            continue
        st = out.setdefault(rid, ReportState())
        status, error = f["status"], f["error"] or ""
        ok = status is not None and (200 <= status < 300 or status == 304)
        if ok and not error and f["document_id"] and f["role"] in ("report", "attachment"):
            st.docs[f["final_url"] or f["url"]] = (f["document_id"], f["sha256"])
            st.listed = st.listed or not f["found_by"]
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


# -- reading stored versions -----------------------------------------------------------------------

class _Docs:
    """Stored versions, read once each: a report's best file is asked for several times."""

    def __init__(self, conn):
        self.conn = conn
        self._cells: dict[int, dict] = {}

    def cells(self, doc_id: int) -> dict:
        if doc_id not in self._cells:
            self._cells[doc_id] = {(t, r, c): v for t, r, c, v in self.conn.execute(
                'SELECT "table", "row", col, value FROM cells WHERE document_id = ?', (doc_id,))}
        return self._cells[doc_id]

    def text(self, doc_id: int) -> str:
        row = self.conn.execute("SELECT content FROM texts WHERE document_id = ?",
                                (doc_id,)).fetchone()
        return row[0] if row else ""

    def parsed(self, doc_id: int) -> bool:
        row = self.conn.execute("SELECT parse_status FROM documents WHERE id = ?",
                                (doc_id,)).fetchone()
        return bool(row) and row[0] not in (None, "pending")


def _report(conn, rid: int) -> dict:
    r = _rows(conn, "SELECT id, url, organ, year, title FROM reports WHERE id = ?", (rid,))[0]
    return {"url": r["url"], "report_id": r["id"], "organ": r["organ"], "year": r["year"],
            "title": r["title"]}


def _best(state: ReportState, docs: _Docs) -> tuple[int, str]:
    """The version to show for a report: its file with the most cells."""
    return max(state.docs.values(), key=lambda d: (len(docs.cells(d[0])), d[0]))


# -- the comparison --------------------------------------------------------------------------------

def compare(conn: sqlite3.Connection, old_crawl: str | None, new_crawl: str) -> Diff:
    portal = conn.execute("SELECT portal FROM crawls WHERE id = ?", (new_crawl,)).fetchone()
    if portal is None:
        raise DiffError(f"no crawl {new_crawl!r}")
    portal = portal[0]
    old, new = snapshot(conn, old_crawl, portal), snapshot(conn, new_crawl, portal)
    docs = _Docs(conn)
    diff = Diff(portal, old_crawl, new_crawl)

    added = [rid for rid, st in new.items() if st.present and not (rid in old and old[rid].present)]
    if old_crawl is not None:
        removed = []
        for rid, st in old.items():
            if not st.present:
                continue
            now = new.get(rid)
            if now is not None and now.present:
                continue
            if now is not None and now.gone:
                reason = now.gone
            elif now is not None and now.docs:
                reason = "unlisted"          # still online at its URL, but no list links it
            elif now is not None and now.failures:
                continue                     # unreachable tonight: an error, not a removal
            else:
                reason = "unlisted"
            removed.append((rid, reason))
    else:
        removed = []

    # Re-published under a new URL: a new report with a file of a removed one, or the same cells.
    moved_new, moved_old = set(), set()
    for rid_new in added:
        shas_new = {s for _, s in new[rid_new].docs.values()}
        cells_new = docs.cells(_best(new[rid_new], docs)[0])
        for rid_old, reason in removed:
            if rid_old in moved_old:
                continue
            shas_old = {s for _, s in old[rid_old].docs.values()}
            cells_old = docs.cells(_best(old[rid_old], docs)[0])
            if shas_new & shas_old or (cells_new and cells_new == cells_old):
                o, n = _report(conn, rid_old), _report(conn, rid_new)
                diff.moved.append({**n, "old_url": o["url"], "old_report_id": rid_old,
                                   "reason": reason})
                moved_new.add(rid_new)
                moved_old.add(rid_old)
                break

    for rid in added:
        if rid in moved_new:
            continue
        doc_id, sha = _best(new[rid], docs)
        diff.added.append({**_report(conn, rid), "new_document_id": doc_id, "new_sha256": sha,
                           "files": sorted(new[rid].docs)})
    for rid, reason in removed:
        if rid in moved_old:
            continue
        doc_id, sha = _best(old[rid], docs)
        diff.removed.append({**_report(conn, rid), "reason": reason, "old_document_id": doc_id,
                             "old_sha256": sha, "files": sorted(old[rid].docs)})

    for rid in sorted(set(old) & set(new)):
        a, b = old[rid], new[rid]
        for url in sorted(set(a.docs) & set(b.docs)):
            (oid, osha), (nid, nsha) = a.docs[url], b.docs[url]
            if osha == nsha:
                continue
            ocells, ncells = docs.cells(oid), docs.cells(nid)
            otext, ntext = docs.text(oid), docs.text(nid)
            entry = {**_report(conn, rid), "document_url": url, "old_document_id": oid,
                     "new_document_id": nid, "old_sha256": osha, "new_sha256": nsha}
            if not (docs.parsed(oid) and docs.parsed(nid)):
                entry.update(cells=[], text_diff="", note="not parsed yet: run xxgk reparse")
                diff.revised.append(entry)
                continue
            if classify_revision(otext, ntext, ocells, ncells) == "chrome_only":
                diff.chrome_only.append(entry)
                continue
            entry["cells"] = cell_changes(ocells, ncells)
            entry["text_diff"] = text_diff(report_body(otext), report_body(ntext),
                                           f"{url} ({osha[:12]})", f"{url} ({nsha[:12]})")
            diff.revised.append(entry)
        for url in sorted(b.gone_docs & set(a.docs)):
            oid, osha = a.docs[url]
            diff.revised.append({**_report(conn, rid), "document_url": url,
                                 "old_document_id": oid, "new_document_id": None,
                                 "old_sha256": osha, "new_sha256": None, "cells": [],
                                 "text_diff": "", "note": "this file now answers 404"})

    diff.errors = _new_errors(conn, old_crawl, new_crawl, {e["url"] for e in diff.removed},
                              {f for st in new.values() for f in st.gone_docs})
    return diff


def _failed(conn, crawl_id) -> dict[str, dict]:
    out = {}
    for f in _rows(conn, "SELECT url, role, status, error FROM fetches WHERE crawl_id = ? "
                         "AND role <> 'challenge' AND (error IS NOT NULL OR status >= 400 "
                         "OR status IS NULL) ORDER BY id", (crawl_id,)):
        err = f["error"] or ""
        if err.endswith(": retried") or err.startswith("soft-deleted"):
            continue
        out.setdefault(f["url"], f)
    return out


def _new_errors(conn, old_crawl, new_crawl, removed_urls, gone_files) -> list[dict]:
    before = _failed(conn, old_crawl) if old_crawl else {}
    # A URL that failed, then succeeded on a later retry in the same crawl, is not an error.
    ok = {u for (u,) in conn.execute(
        "SELECT url FROM fetches WHERE crawl_id = ? AND error IS NULL AND "
        "(status BETWEEN 200 AND 399)", (new_crawl,))}
    out = []
    for url, f in _failed(conn, new_crawl).items():
        if url in before or url in ok or url in removed_urls or url in gone_files:
            continue
        out.append({"url": url, "role": f["role"], "status": f["status"],
                    "reason": f["error"] or f"HTTP {f['status']}"})
    return out


# -- storing ---------------------------------------------------------------------------------------

def store(conn: sqlite3.Connection, diff: Diff, detected_at: str) -> int:
    """Write the diff into ``changes`` (replacing an earlier run over the same crawls)."""
    rows = []
    for kind in KINDS:
        for e in getattr(diff, kind):
            rows.append({
                "kind": _KIND_ROW[kind], "portal": diff.portal, "old_crawl": diff.old_crawl,
                "new_crawl": diff.new_crawl, "report_id": e.get("report_id"), "url": e["url"],
                "document_url": e.get("document_url"), "old_url": e.get("old_url"),
                "old_document_id": e.get("old_document_id"),
                "new_document_id": e.get("new_document_id"),
                "old_sha256": e.get("old_sha256"), "new_sha256": e.get("new_sha256"),
                "reason": e.get("reason") or e.get("note"), "organ": e.get("organ"),
                "year": e.get("year"), "title": e.get("title"),
                "n_cells": len(e["cells"]) if "cells" in e else None,
                "cells": json.dumps(e["cells"], ensure_ascii=False) if e.get("cells") else None,
                "text_diff": e.get("text_diff") or None, "detected_at": detected_at})
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM changes WHERE new_crawl = ? AND old_crawl IS ?",
                     (diff.new_crawl, diff.old_crawl))
        for r in rows:
            conn.execute(f"INSERT INTO changes ({', '.join(r)}) VALUES ({', '.join('?' * len(r))})",
                         list(r.values()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(rows)


# -- output ----------------------------------------------------------------------------------------

def _num(v) -> str:
    if v is None:
        return "—"
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def cell_line(c: dict) -> str:
    return f"{c['table']}/{c['row']}/{c['col']}: {_num(c['old'])} → {_num(c['new'])}"


def _who(e: dict) -> str:
    bits = [b for b in (e.get("organ"), f"{e['year']}年度" if e.get("year") else None) if b]
    return " ".join(bits) or (e.get("title") or "")


def render_text(diffs: list[Diff]) -> str:
    out = []
    for d in diffs:
        out.append(f"# {d.portal}: {d.old_crawl or '(first crawl)'} -> {d.new_crawl}")
        for e in d.added:
            out.append(f"added     {e['url']}  {_who(e)}")
        for e in d.removed:
            out.append(f"removed   {e['url']}  {_who(e)}  ({e['reason']}; last copy "
                       f"sha256:{e['old_sha256']})")
        for e in d.moved:
            out.append(f"moved     {e['old_url']} -> {e['url']}  {_who(e)}")
        for e in d.revised:
            out.append(f"revised   {e['url']}  {_who(e)}  file {e['document_url']}"
                       + (f"  ({e['note']})" if e.get("note") else ""))
            out += [f"    {cell_line(c)}" for c in e["cells"]]
            out += [f"    {line}" for line in (e.get("text_diff") or "").splitlines()]
        for e in d.chrome_only:
            out.append(f"chrome    {e['document_url']}  (page frame only: dates, counters)")
        for e in d.errors:
            out.append(f"error     {e['url']}  {e['reason']}")
        if not any(getattr(d, k) for k in KINDS):
            out.append("no changes")
    return "\n".join(out) + "\n"


def render_markdown(diffs: list[Diff]) -> str:
    out = []
    titles = {"added": "新增 / New reports", "removed": "消失 / Gone",
              "moved": "换了地址 / Re-published under a new URL",
              "revised": "原址修改 / Revised in place", "chrome_only": "仅页面框架变化 / Page frame only",
              "errors": "新的抓取错误 / New crawl errors"}
    for d in diffs:
        out.append(f"## {d.portal}\n\n`{d.old_crawl or '(first crawl)'}` → `{d.new_crawl}`\n")
        if not any(getattr(d, k) for k in KINDS):
            out.append("No changes.\n")
        for kind in ("added", "removed", "moved", "revised", "chrome_only", "errors"):
            entries = getattr(d, kind)
            if not entries:
                continue
            out.append(f"### {titles[kind]} ({len(entries)})\n")
            for e in entries:
                if kind == "added":
                    out.append(f"- [{_who(e) or e['url']}]({e['url']})")
                elif kind == "removed":
                    out.append(f"- [{_who(e) or e['url']}]({e['url']}) — {e['reason']}; last copy "
                               f"`sha256:{e['old_sha256']}`")
                elif kind == "moved":
                    out.append(f"- {_who(e)}: <{e['old_url']}> → <{e['url']}>")
                elif kind == "revised":
                    out.append(f"- [{_who(e) or e['url']}]({e['url']}), file <{e['document_url']}>"
                               + (f" ({e['note']})" if e.get("note") else ""))
                    if e["cells"]:
                        out.append("\n  | table | row | col | old | new |\n  |---|---|---|---|---|")
                        out += [f"  | {c['table']} | {c['row']} | {c['col']} | {_num(c['old'])} | "
                                f"{_num(c['new'])} |" for c in e["cells"]]
                    if e.get("text_diff"):
                        out.append("\n  ```diff")
                        out += [f"  {line}" for line in e["text_diff"].splitlines()]
                        out.append("  ```")
                elif kind == "chrome_only":
                    out.append(f"- <{e['document_url']}>")
                else:
                    out.append(f"- <{e['url']}>: {e['reason']}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def as_json(diffs: list[Diff]) -> dict:
    """One portal: its object; several: the same lists over all of them, plus ``portals``."""
    if len(diffs) == 1:
        return diffs[0].to_dict()
    merged = {k: [] for k in KINDS}
    for d in diffs:
        for k in KINDS:
            merged[k] += [{**e, "portal": d.portal} for e in getattr(d, k)]
    return {"portals": [{"portal": d.portal, "old_crawl": d.old_crawl, "new_crawl": d.new_crawl}
                        for d in diffs], **merged}
