"""How well a crawl found a held-out portal's reports: recall (reports found of those published),
precision (archived reports that are reports), and duplicate fetches (a report's page or file
fetched more than once, under any URL). Read from the crawl's archive, against the portal's
ground truth (``Site.truth()``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from crawler.classify import url_key


@dataclass
class Score:
    site: str
    family: str
    expected: int
    found: int
    reports: int                   # report rows the archive holds
    true_reports: int              # of which are reports the portal published
    duplicate_fetches: int
    missing: list = field(default_factory=list)
    false: list = field(default_factory=list)
    twice: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.true_reports / self.reports if self.reports else 0.0


def _rows(db: sqlite3.Connection, sql: str) -> list[tuple]:
    return db.execute(sql).fetchall()


def score(data: Path, truth: dict) -> Score:
    db = sqlite3.connect(f"file:{data / 'archive.db'}?mode=ro", uri=True)
    try:
        urls: dict[int, set[str]] = {}
        for rid, url in _rows(db, "SELECT id, url FROM reports") + _rows(db, "SELECT report_id, url FROM report_aliases"):
            urls.setdefault(rid, set()).add(url_key(url))
        shas: dict[int, set[str]] = {}
        for rid, sha in _rows(db, "SELECT rd.report_id, d.sha256 FROM report_documents rd "
                                  "JOIN documents d ON d.id = rd.document_id"):
            shas.setdefault(rid, set()).add(sha)
        fetches = _rows(db, "SELECT id, url, final_url, sha256 FROM fetches WHERE status = 200")
    finally:
        db.close()
    report_urls = set().union(*urls.values()) if urls else set()
    report_shas = set().union(*shas.values()) if shas else set()
    found, missing, twice, dupes = 0, [], [], 0
    true_keys: set[str] = set()
    true_shas: set[str] = set()
    for t in truth["reports"]:
        page = url_key(t["page"]) if t["page"] else None
        file = url_key(t["file"]) if t["file"] else None
        true_keys |= {k for k in (page, file) if k}
        if t["sha"]:
            true_shas.add(t["sha"])
        if t["mode"] == "page":
            ok = page in report_urls
        elif t["mode"] == "attach":
            ok = page in report_urls and t["sha"] in report_shas
        else:
            ok = t["sha"] in report_shas or file in report_urls
        found += ok
        if not ok:
            missing.append(t["page"] or t["file"])
        for key, sha in ((page, None), (file, t["sha"])):
            if key is None:
                continue
            n = sum(1 for _, u, fu, s in fetches if url_key(u) == key or (fu and url_key(fu) == key) or (sha and s == sha))
            if n > 1:
                dupes += n - 1
                twice.append((t["page"] if sha is None else t["file"], n))
    false = [sorted(u)[0] for rid, u in urls.items()
             if not (u & true_keys) and not (shas.get(rid, set()) & true_shas)]
    return Score(truth["site"], truth["family"], len(truth["reports"]), found, len(urls),
                 len(urls) - len(false), dupes, missing, false, twice)
