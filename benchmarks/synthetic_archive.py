"""A synthetic archive of any size, written fast enough for a million reports.

The organs are real: every government and a spread of departments of the Ministry of Civil
Affairs' divisions (parsers.divisions), townships included, each placed the way the archive
places it (archive.places.locate), reporting for a run of years on its division's portal, some
reports copied on the parent division's portal (the same document, as a re-post is). Each
document takes the cells, checks and template of one of the bundled seed reports, its numbers
scaled (a scale keeps every sum of the tables true; a tenth of the documents get one number off
and fail their balance check, as the check would say), and a short text: the organ's title line,
a passage of its seed report, and a few rare words that the search benchmarks look for.

Speed comes from doing each kind of row in bulk: reports, documents and texts by
``executemany`` in transactions of thousands of reports; cells and checks (about 220 rows a
report) by ``INSERT … SELECT`` from the seed reports' rows inside SQLite. The archive itself is
opened with :func:`archive.db.open_db` and written through its own tables, so its migrations,
views, triggers and indexes (the search indexes filled by the texts' triggers) are the real ones.

    python benchmarks/synthetic_archive.py /work/bench-data/archive-1m.db 1000000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import parsers  # noqa: E402
from parsers import divisions, schema  # noqa: E402

from archive import implausible, places  # noqa: E402
from archive.db import as_database  # noqa: E402
from archive.search import bigrams  # noqa: E402
from archive.views import TOTALS  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared/corpus/seeds").glob("*.txt"))
PDFS = sorted((ROOT.parent / "shared/corpus/real").glob("*/*.pdf"), key=lambda p: p.name)

# Departments that publish their own reports, as county, city and provincial portals list them.
DEPARTMENTS = ["发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
               "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
               "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
               "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
               "林业局", "城市管理局", "政务服务管理局", "人民政府办公室"]
# Words the search benchmarks look for: rare ones (one, two, three, five characters) and common.
WORDS = ["依申请公开", "政务公开", "行政复议", "行政诉讼", "信息处理费", "政府网站", "公开目录",
         "政策解读", "回应关切", "考核评议", "培训", "督查", "信访", "规范性文件", "收费",
         "鹦鹉螺", "鹬蚌", "鼋", "蒲公英种子"]
# A portal re-posting its child division's report, of every hundred reports.
COPY_PERCENT = 8
FIRST_YEAR, LAST_YEAR = 2014, 2024
STAMP = "2025-04-01T00:00:00Z"
# How many characters of a seed report's text each synthetic text takes.
PASSAGE = 600


@dataclass(frozen=True)
class Organ:
    name: str
    portal: str
    portal_code: str

    @property
    def place(self) -> places.Place:
        return _place(self.name, self.portal_code)


@lru_cache(maxsize=None)
def _place(name: str, portal_code: str) -> places.Place:
    """Where the archive places the organ (read once per organ, and only for organs used)."""
    return places.locate(name, portal_code)


@dataclass
class Sample:
    """One seed report as the parser reads it: what every document made from it shares."""

    format: str
    template: str | None
    cells: list[tuple]          # (table, row, col, value, row_label, col_label)
    checks: list[tuple]         # (check, row, col, status)
    passages: list[str]         # lines of its text, a few windows of PASSAGE characters


def samples() -> list[Sample]:
    out = []
    for f in SEEDS + PDFS:
        rep = parsers.parse_bytes(f.read_bytes())
        cells = [(c["table"], c["row"], c["col"], c["value"],
                  *schema.label_of(c["table"], c["row"], c["col"])) for c in rep.cells]
        checks = [(k["check"], k.get("row"), k.get("col"), k["status"]) for k in rep.checks]
        text = rep.text.replace("\r", "")
        passages = [text[i:i + PASSAGE].strip() for i in range(0, max(1, len(text) - PASSAGE),
                                                               PASSAGE // 2)][:6]
        out.append(Sample(rep.format, rep.template, cells, checks, passages))
    return out


def organs(rng: random.Random) -> list[Organ]:
    """Every division's government and, down to counties, its departments; shuffled."""
    out = []
    for d in divisions.every(max_level=4):
        if d.code[:2] in ("71", "81", "82"):
            continue
        portal = d if d.level < 4 else divisions.get(d.parent)
        if d.level == 4:
            # A township is known by its county's name in front (城关镇 alone is 82 towns).
            names = [f"{portal.name}{d.name}" + ("办事处" if d.name.endswith("街道")
                                                 else "人民政府")]
        else:
            names = [f"{d.name}人民政府"] + [f"{d.name}{x}" for x in
                                              rng.sample(DEPARTMENTS, rng.randint(8, 24))]
        out.extend(Organ(name, f"gov{portal.code}", portal.code) for name in names)
    rng.shuffle(out)
    return out


@dataclass(frozen=True)
class Planned:
    """One report to write: its organ, year, the portal it is on, and its document."""

    report_id: int
    organ: Organ
    year: int
    portal: str
    document_id: int


def plan(n: int, rng: random.Random) -> list[Planned]:
    """n reports: organs reporting from a start year to the last (a few years missing), a few
    reports copied on the parent division's portal (the same document)."""
    pool = organs(rng)
    out: list[Planned] = []
    doc = 0
    k = 0
    while len(out) < n:
        organ = pool[k % len(pool)]
        k += 1
        start = rng.choice(range(FIRST_YEAR, LAST_YEAR + 1))
        for year in range(start, LAST_YEAR + 1):
            if rng.random() < 0.08 or len(out) >= n:
                continue
            doc += 1
            out.append(Planned(len(out) + 1, organ, year, organ.portal, doc))
            parent = divisions.get(organ.portal_code)
            if rng.randrange(100) < COPY_PERCENT and parent and parent.parent and len(out) < n:
                out.append(Planned(len(out) + 1, organ, year, f"gov{parent.parent}", doc))
    return out


@lru_cache(maxsize=200_000)
def _line_bigrams(line: str) -> str:
    return bigrams(line)


def line_bigrams(text: str | None) -> str:
    """The same as archive.search.bigrams (a run of CJK characters never spans a line), a
    line at a time and remembered: the seed passages repeat in every synthetic text."""
    if not text:
        return ""
    return " ".join(g for g in map(_line_bigrams, text.split("\n")) if g)


_CELLS_SQL = """
INSERT INTO cells (document_id, "table", "row", col, value, row_label, col_label, parser_version)
SELECT b.document_id, s."table", s."row", s.col,
       CASE WHEN typeof(s.value) IN ('integer', 'real')
            THEN s.value * b.scale + (b.fail AND s.off) ELSE s.value END,
       s.row_label, s.col_label, :version
FROM temp.batch b JOIN temp.sample_cells s ON s.sample = b.sample
ORDER BY b.document_id, s."table", s."row", s.col
"""
_CHECKS_SQL = """
INSERT INTO checks (document_id, "check", "row", col, status, detail, parser_version)
SELECT b.document_id, s."check", s."row", s.col,
       CASE WHEN b.fail AND s.balance THEN 'fail' ELSE s.status END,
       CASE WHEN b.fail AND s.balance THEN '本年新收申请数量多计 1' END, :version
FROM temp.batch b JOIN temp.sample_checks s ON s.sample = b.sample
ORDER BY b.document_id, s.n
"""
# The cell a failing document has one more of, and the check that sees it.
_OFF_CELL = ("requests", "new", "total")
_BALANCE = "requests.balance"


def _load_samples(c: sqlite3.Connection, base: list[Sample]) -> None:
    c.execute("CREATE TEMP TABLE sample_cells (sample INTEGER, \"table\", \"row\", col, value, "
              "row_label, col_label, off INTEGER)")
    c.execute("CREATE TEMP TABLE sample_checks (sample INTEGER, n INTEGER, \"check\", \"row\", "
              "col, status, balance INTEGER)")
    c.execute("CREATE TEMP TABLE batch (document_id INTEGER PRIMARY KEY, sample INTEGER, "
              "scale INTEGER, fail INTEGER)")
    for i, s in enumerate(base):
        c.executemany("INSERT INTO temp.sample_cells VALUES (?,?,?,?,?,?,?,?)",
                      [(i, *cell, cell[:3] == _OFF_CELL) for cell in s.cells])
        c.executemany("INSERT INTO temp.sample_checks VALUES (?,?,?,?,?,?,?)",
                      [(i, n, *k, k[0] == _BALANCE) for n, k in enumerate(s.checks)])


def check_status(statuses: set) -> str:
    """A document's check_status from its checks' statuses, as the archive states it."""
    return ("fail" if "fail" in statuses else "pass" if "pass" in statuses
            else "skipped" if statuses else "none")


def _totals(sample: Sample, scale: int, fail: bool) -> list:
    values = {cell[:3]: cell[3] for cell in sample.cells}
    out = []
    for table, row in TOTALS.values():
        v = values.get((table, row, "total"))
        if isinstance(v, (int, float)):
            v = v * scale + (1 if fail and (table, row, "total") == _OFF_CELL else 0)
        out.append(v)
    return out


def finish(c: sqlite3.Connection) -> None:
    """What follows the rows: the registry of the reports' portals, statistics for the query
    planner, the write-ahead log folded in."""
    _registry(c)
    # The implausible numbers the writer keeps organ by organ, all at once here.
    implausible.rebuild(as_database(c))
    # Statistics from a sample of each index (a full ANALYZE reads all of the cells).
    c.execute("PRAGMA analysis_limit = 2000")
    c.execute("ANALYZE")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _registry(c: sqlite3.Connection) -> None:
    """Each portal in the registry of government websites, run by its division's government:
    what the coverage pages expect reports from."""
    codes = [r[0][3:] for r in c.execute("SELECT DISTINCT portal FROM reports ORDER BY portal")]
    sites, portals = [], []
    for code in codes:
        d = divisions.get(code)
        place = places.locate(f"{d.name}人民政府", code)
        url = f"http://www.gov{code}.gov.cn/"
        sites.append((f"gov{code}", f"S{code}", f"{d.name}人民政府门户网站", url,
                      f"{d.name}人民政府", code, place.level, d.parent, place.province,
                      place.region, "政府门户网站", "synthetic", STAMP, STAMP))
        portals.append((f"gov{code}", f"{d.name}人民政府门户网站", url, place.province,
                        place.region, place.level, code))
    c.execute("BEGIN")
    c.executemany("INSERT INTO sites (portal, site_code, name, url, organ, region_code, level, "
                  "parent, province, region, site_type, source, first_synced, last_synced) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sites)
    c.executemany("INSERT INTO portals (portal, name, url, province, region, level, region_code) "
                  "VALUES (?,?,?,?,?,?,?)", portals)
    c.execute("COMMIT")


def build(path: Path, n: int, seed: int = 7, batch: int = 5000, progress=None) -> dict:
    """Write n synthetic reports into a new archive at ``path``; the counts and times."""
    from archive.db import open_db

    t0 = time.perf_counter()
    rng = random.Random(seed)
    base = samples()
    planned = plan(n, rng)
    plan_s = time.perf_counter() - t0
    db = open_db(path)
    c = db.conn
    # One writer, a new file: no other reader to protect, nothing to lose but the build.
    c.execute("PRAGMA synchronous = OFF")
    c.execute("PRAGMA foreign_keys = OFF")
    c.execute("PRAGMA cache_size = -400000")
    c.execute("PRAGMA temp_store = MEMORY")
    c.create_function("xxgk_bigrams", 1, line_bigrams, deterministic=True)
    _load_samples(c, base)
    version = parsers.__version__
    rep_cols = ["id", "url", "portal", "title", "published", "organ", "year", "template",
                "document_id", "sha256", "format", "parse_status", "parser_version",
                "check_status", "n_cells", "n_warnings", "first_seen", "last_seen",
                "published_source", "organ_source", "year_source", "status", "status_since",
                *places.Place.columns(), *TOTALS]
    rep_sql = (f"INSERT INTO reports ({', '.join(rep_cols)}) "
               f"VALUES ({', '.join('?' * len(rep_cols))})")
    doc_sql = ("INSERT INTO documents (id, sha256, size, format, first_seen, blob, parse_status, "
               "parser_version, parsed_at, organ, year, template, n_cells, n_warnings, "
               "check_status, organ_source, year_source, kind) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    docs_made: dict[int, tuple] = {}
    for start in range(0, len(planned), batch):
        part = planned[start:start + batch]
        reps, docs, links, texts, rows = [], [], [], [], []
        for p in part:
            made = docs_made.get(p.document_id)
            if made is None:
                k = p.document_id % len(base)
                s = base[k]
                scale = rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 5, 8, 13, 40))
                fail = rng.random() < 0.1 and any(ck[0] == _BALANCE for ck in s.checks)
                sha = f"{p.document_id:064x}"
                status = check_status({"fail"} if fail else {k[3] for k in s.checks})
                title = f"{p.organ.name}{p.year}年政府信息公开工作年度报告"
                text = "\n".join([title, rng.choice(s.passages),
                                  "".join(rng.choice(WORDS) + "。"
                                          for _ in range(rng.randint(0, 4)))])
                made = (s, scale, fail, sha, status, title)
                docs_made[p.document_id] = made
                docs.append((p.document_id, sha, len(text.encode()), s.format, STAMP,
                             f"blobs/{sha[:2]}/{sha[2:4]}/{sha}", "ok", version, STAMP,
                             p.organ.name, p.year, s.template, len(s.cells), 0, status,
                             "title", "title", "report"))
                texts.append((p.document_id, text, version, "text"))
                rows.append((p.document_id, k, scale, fail))
            else:
                docs_made.pop(p.document_id)  # a copy follows its original at once
            s, scale, fail, sha, status, title = made
            # Most out in January, some weeks late; found by a crawl a few days after.
            out = date(p.year + 1, 1, 1) + timedelta(days=int(rng.expovariate(1 / 25)))
            published = out.isoformat()
            first_seen = f"{out + timedelta(days=rng.randint(1, 20))}T{rng.randint(0, 23):02d}:00:00Z"
            url = f"http://www.{p.portal}.gov.cn/xxgk/ndbg/{p.year}/t{p.report_id}.html"
            place = p.organ.place
            reps.append((p.report_id, url, p.portal, title, published, p.organ.name, p.year,
                         s.template, p.document_id, sha, s.format, "ok", version, status,
                         len(s.cells), 0, first_seen, STAMP, "page_published", "title", "title",
                         "online", STAMP,
                         *(getattr(place, f) for f in places.Place.columns()),
                         *_totals(s, scale, fail)))
            links.append((p.report_id, p.document_id, url, "report", first_seen, STAMP))
        c.execute("BEGIN")
        c.executemany(doc_sql, docs)
        c.executemany(rep_sql, reps)
        c.executemany("INSERT INTO report_documents (report_id, document_id, url, role, "
                      "first_seen, last_seen) VALUES (?,?,?,?,?,?)", links)
        c.execute("DELETE FROM temp.batch")
        c.executemany("INSERT INTO temp.batch VALUES (?,?,?,?)", rows)
        c.execute(_CELLS_SQL, {"version": version})
        c.execute(_CHECKS_SQL, {"version": version})
        c.executemany("INSERT INTO texts (document_id, content, parser_version, source) "
                      "VALUES (?,?,?,?)", texts)
        c.execute("COMMIT")
        last = part[-1].document_id
        docs_made = {last: docs_made[last]} if last in docs_made else {}
        if progress:
            progress(start + len(part), len(planned), time.perf_counter() - t0)
    rows_s = time.perf_counter() - t0
    finish(c)
    build_s = time.perf_counter() - t0
    counts = {t: c.execute(f"SELECT max(rowid) FROM {t}").fetchone()[0]
              for t in ("reports", "documents", "checks", "texts")}
    counts["cells"] = c.execute("SELECT sum(n_cells) FROM documents").fetchone()[0]
    counts["organs"] = len({p.organ.name for p in planned})
    text_bytes = c.execute("SELECT sum(size) FROM documents").fetchone()[0]
    db.close()
    return {"plan_s": plan_s, "rows_s": rows_s, "build_s": build_s, "counts": counts,
            "text_bytes": text_bytes}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", help="the archive to write (must not exist)")
    ap.add_argument("reports", type=int)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    path = Path(args.path)
    if path.exists():
        sys.exit(f"{path} exists: remove it (and its -wal, -shm) first")
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(done, total, secs):
        if done % 50_000 < 5000 or done == total:
            print(f"  {done:,}/{total:,} reports, {secs:.0f} s", file=sys.stderr, flush=True)

    r = build(path, args.reports, seed=args.seed, progress=progress)
    print(f"{args.reports:,} reports in {r['build_s']:.0f} s (planned in {r['plan_s']:.0f} s, "
          f"rows in {r['rows_s']:.0f} s): {r['counts']}, "
          f"{path.stat().st_size / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
