"""Reports: which documents make up a report (its page, its attachments, every version of each),
and what the report shows — the best document's organ, year, status and headline numbers.

Both functions run inside the writer's transaction.
"""

from __future__ import annotations

from . import organs, queries


def link(db, doc_id: int, sha: str, rec, seen: str) -> None:
    """Link a fetched report file (``rec``, a FetchRecord) to its report — found by its
    canonical URL or any of its URLs, else created — and refresh the report."""
    c = db.conn
    canonical = rec.report_url or rec.url or f"urn:sha256:{sha}"
    urls = [u for u in [canonical, *rec.aliases, rec.url, rec.final_url] if u]
    rep = queries.report_by_url(db, canonical)
    if rep is None:
        for u in urls:
            rep = queries.report_by_alias(db, u) or queries.report_by_url(db, u)
            if rep:
                break
    if rep is None and not canonical.startswith("urn:"):
        # The file was ingested before anyone said where it came from: now we know.
        rep = queries.report_by_url(db, f"urn:sha256:{sha}")
        if rep:
            c.execute("UPDATE reports SET url = ? WHERE id = ?", (canonical, rep["id"]))
            c.execute("INSERT OR IGNORE INTO report_aliases (url, report_id) VALUES (?, ?)",
                      (rep["url"], rep["id"]))
            rep["url"] = canonical
    if rep is None:
        cur = c.execute(
            "INSERT INTO reports (url, portal, title, published, first_seen, last_seen, "
            "parse_status, listed_organ) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (canonical, rec.portal, rec.title, rec.published, seen, seen, rec.organ))
        rep = {"id": cur.lastrowid, "url": canonical}
    else:
        c.execute(
            "UPDATE reports SET first_seen = min(coalesce(first_seen, ?), ?), "
            "last_seen = max(coalesce(last_seen, ?), ?), portal = coalesce(portal, ?), "
            "title = coalesce(?, title), published = coalesce(?, published), "
            "listed_organ = coalesce(?, listed_organ) WHERE id = ?",
            (seen, seen, seen, seen, rec.portal, rec.title, rec.published, rec.organ, rep["id"]))
    for u in urls:
        if u != rep["url"]:
            c.execute("INSERT OR IGNORE INTO report_aliases (url, report_id) VALUES (?, ?)",
                      (u, rep["id"]))
    c.execute(
        "INSERT INTO report_documents (report_id, document_id, url, role, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (report_id, document_id, url) DO UPDATE SET "
        "first_seen = min(first_seen, excluded.first_seen), "
        "last_seen = max(last_seen, excluded.last_seen)",
        (rep["id"], doc_id, rec.final_url or rec.url or "", rec.role, seen, seen))
    refresh(db, rep["id"])


# Among a report's current documents, parsed beats pending beats failed.
_STATUS_RANK = {"ok": 2, "warnings": 2, "pending": 1, None: 1, "error": 0}


def refresh(db, report_id: int) -> None:
    """Pick the report's best document and copy what the parser found from it."""
    latest: dict[str, dict] = {}
    for r in queries.report_versions(db, report_id):
        # The current version at each URL; older versions stay linked.
        cur = latest.get(r["at_url"])
        if cur is None or (r["last_seen"], r["id"]) > (cur["last_seen"], cur["id"]):
            latest[r["at_url"]] = r
    cands = sorted(latest.values(), key=lambda r: (
        r["n_cells"] or 0, _STATUS_RANK.get(r["parse_status"], 1), r["role"] == "report",
        r["last_seen"] or "", r["id"]), reverse=True)
    if not cands:
        return
    best = cands[0]
    named = next((r for r in cands if r["organ"]), best)
    dated = next((r for r in cands if r["year"]), best)
    organ = best["organ"] or named["organ"]
    place = organs.classify(organ)
    rep = queries.report(db, report_id)
    facts = queries.portal(db, rep["portal"]) if rep and rep["portal"] else None
    for key in ("province", "region", "level"):
        if facts and facts.get(key):
            place[key] = facts[key]
    totals = queries.headline_totals(db, best["id"])
    db.conn.execute(
        f"UPDATE reports SET {', '.join(f'{k} = ?' for k in totals)} WHERE id = ?",
        (*totals.values(), report_id))
    db.conn.execute(
        "UPDATE reports SET document_id = ?, sha256 = ?, format = ?, organ = ?, year = ?, "
        "template = ?, province = ?, region = ?, level = ?, organ_type = ?, parse_status = ?, "
        "parse_error = ?, parser_version = ?, check_status = ?, n_cells = ?, n_warnings = ? "
        "WHERE id = ?",
        (best["id"], best["sha256"], best["format"], organ, best["year"] or dated["year"],
         best["template"], place["province"], place["region"], place["level"],
         place["organ_type"], best["parse_status"] or "pending", best["parse_error"],
         best["parser_version"], best["check_status"], best["n_cells"], best["n_warnings"],
         report_id))
