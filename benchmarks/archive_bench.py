"""Archive benchmarks: ingest speed, archive size per 1,000 reports, Datasette query times at scale.

    python benchmarks/archive_bench.py                    # 400 ingested files, 100,000 synthetic
    python benchmarks/archive_bench.py --ingest 100 --synthetic 10000 --work /tmp/bench
    python benchmarks/archive_bench.py --ingest 0 --archive /work/bench-data/archive-1m.db
    python benchmarks/archive_bench.py --ingest 0 --archive … --only search   # the searches alone

1. *Ingest*: real ``ingest_file`` (blob + SQLite + sandboxed parse) over variants of the bundled
   seed reports (text) and real PDFs; then ``record_fetch`` in a crawl (blob + WARC + SQLite, no
   parse). Documents per second, and the data directory's size per 1,000 reports.
2. *Scale*: an archive of N synthetic reports (benchmarks/synthetic_archive.py; or one built
   before, ``--archive``), then every canned query with the arguments a reader gives it and the
   reader's pages (front, report, organ, region, search), timed through ``datasette.client``:
   median wall-clock and CPU of ``--runs`` runs after one warm-up.

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic_archive  # noqa: E402

from archive.changes.model import KINDS  # noqa: E402
from archive.fetches import FetchRecord  # noqa: E402
from archive.ingest import ingest_file  # noqa: E402
from archive.store import Archive  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared/corpus/seeds").glob("*.txt"))
PDFS = sorted((ROOT.parent / "shared/corpus/real").glob("*/*.pdf"), key=lambda p: p.name)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def variant(i: int, pdf_every: int) -> tuple[str, bytes]:
    if pdf_every and i % pdf_every == 0:
        pdf = PDFS[(i // pdf_every) % len(PDFS)].read_bytes()
        return "pdf", pdf + f"\n%xxgk-bench {i}\n".encode()  # still a PDF, other bytes
    text = SEEDS[i % len(SEEDS)].read_text(encoding="utf-8")
    return "text", (text + f"\n附注：样本编号 {i}。\n").encode()


def bench_ingest(work: Path, n: int, pdf_every: int) -> dict:
    src = work / "ingest-src"
    src.mkdir(parents=True)
    paths, kinds = [], {"pdf": 0, "text": 0}
    for i in range(n):
        kind, data = variant(i, pdf_every)
        kinds[kind] += 1
        p = src / f"r{i:05d}.{'pdf' if kind == 'pdf' else 'txt'}"
        p.write_bytes(data)
        paths.append(p)
    data_dir = work / "ingest-data"
    arc = Archive(data_dir)
    t = time.perf_counter()
    for p in paths:
        ingest_file(arc, p)
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    for p in paths:
        ingest_file(arc, p)  # again: all no-ops
    again_s = time.perf_counter() - t
    arc.close()
    arc.conn = None
    sizes = {"db": sum(du(p) if p.is_dir() else p.stat().st_size
                       for p in data_dir.glob("archive.db*")),
             "blobs": du(data_dir / "blobs")}

    crawl_dir = work / "crawl-data"
    arc = Archive(crawl_dir)
    crawl = arc.begin_crawl("bench", "bench")
    bodies = [variant(i, pdf_every)[1] for i in range(n)]
    t = time.perf_counter()
    for i, body in enumerate(bodies):
        arc.record_fetch(FetchRecord(crawl, "bench", f"http://bench.gov.cn/{i}", status=200,
                                     response_headers=[("Content-Type", "application/pdf")],
                                     request_headers=[("User-Agent", "bench")], body=body,
                                     role="report"))
    fetch_s = time.perf_counter() - t
    arc.end_crawl(crawl)
    arc.close()
    return {
        "n": n, "kinds": kinds, "ingest_s": ingest_s, "again_s": again_s, "fetch_s": fetch_s,
        "sizes": sizes, "warc": du(crawl_dir / "warc"), "crawl_db": sum(
            p.stat().st_size for p in crawl_dir.glob("archive.db*")),
    }


# -- synthetic archive --------------------------------------------------------------------------


def build_synthetic(path: Path, n: int, seed: int = 7) -> dict:
    """A synthetic archive of n reports at ``path`` (benchmarks/synthetic_archive.py)."""
    return synthetic_archive.build(path, n, seed=seed, progress=_progress)


def _progress(done: int, total: int, secs: float) -> None:
    if done == total or done % 50_000 < 5000:
        print(f"  {done:,}/{total:,} reports, {secs:.0f} s", file=sys.stderr, flush=True)


def dbstat(path: Path) -> dict:
    import sqlite3
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    groups: dict[str, int] = {}
    for name, size in rows:
        key = ("texts_fts (trigram index)" if name.startswith("texts_fts") else
               "texts_bigram (pair index)" if name.startswith("texts_bigram") else
               "cells" if name.startswith("cells") else
               "texts" if name == "texts" else
               "reports" if name.startswith("reports") else
               "checks" if "checks" in name else "other")
        groups[key] = groups.get(key, 0) + size
    return groups


class Typical(NamedTuple):
    """Arguments a reader would give, taken from the archive: an organ of many years and one
    of its reports, a county of many reports, its province, the last year."""

    organ: str
    report: int
    county: str
    province: str
    county_name: str
    year: int


def typical(path: Path) -> Typical:
    from archive.db import read_only

    with read_only(path) as db:
        organ = db.execute("SELECT organ FROM reports WHERE organ IS NOT NULL GROUP BY organ "
                           "ORDER BY count(*) DESC, organ LIMIT 1").fetchone()[0]
        report = db.execute("SELECT max(id) FROM reports WHERE organ = ?", (organ,)).fetchone()[0]
        county, name = db.execute(
            "SELECT r.division_code, d.name FROM reports r JOIN divisions d "
            "ON d.code = r.division_code WHERE d.level = 3 GROUP BY r.division_code "
            "ORDER BY count(*) DESC LIMIT 1").fetchone()
        year = db.execute("SELECT max(year) FROM reports").fetchone()[0]
    return Typical(organ, report, county, county[:2] + "0000", name, year)


# Every canned query with the arguments a reader gives it (blank ones as the form sends them),
# then the reader's pages. {name} is filled from Typical.
REQUESTS = [
    ("search 1 char: 鼋 (canned query)", "/archive/search.json?q=鼋&_shape=array"),
    ("search 1 char in every report: 公 (canned query)", "/archive/search.json?q=公&_shape=array"),
    ("search 2 chars: 鹬蚌 (canned query)", "/archive/search.json?q=鹬蚌&_shape=array"),
    ("search 2 chars in every report: 公开 (canned query)",
     "/archive/search.json?q=公开&_shape=array"),
    ("search 3 chars: 鹦鹉螺 (canned query)", "/archive/search.json?q=鹦鹉螺&_shape=array"),
    ("search mixed: 信息处理费 鼋 (canned query)",
     "/archive/search.json?q=信息处理费 鼋&_shape=array"),
    ("search page, 1 char: 鼋", "/-/search?q=鼋"),
    ("search page, 2 chars in every report: 公开", "/-/search?q=公开"),
    ("search page, 3 chars: 鹦鹉螺", "/-/search?q=鹦鹉螺"),
    ("requests_by_region (year={year})", "/archive/requests_by_region.json?year={year}&_shape=array"),
    ("requests_by_region (every year)", "/archive/requests_by_region.json?year=&_shape=array"),
    ("failed_reports", "/archive/failed_reports.json?_shape=array"),
    ("organ_history (organ={county_name})",
     "/archive/organ_history.json?organ={county_name}&_shape=array"),
    ("organ_history (the organ's full name)", "/archive/organ_history.json?organ={organ}&_shape=array"),
    ("organs (first page)", "/archive/organs.json?name=&_shape=array"),
    ("organs (name={county_name})", "/archive/organs.json?name={county_name}&_shape=array"),
    ("organ_cells (one organ)", "/archive/organ_cells.json?organ={organ}&_shape=array"),
    *[(f"{k} (every portal)", f"/archive/{k}.json?portal=&_shape=array")
      for k in (f"changes_{kind.row}" for kind in KINDS)],
    ("changes_feed", "/archive/changes_feed.json?_shape=array"),
    ("late_reports (year={year})", "/archive/late_reports.json?year={year}&_shape=array"),
    ("late_reports (every year)", "/archive/late_reports.json?year=&_shape=array"),
    ("implausible_numbers", "/archive/implausible_numbers.json?_shape=array"),
    ("missing_reports", "/archive/missing_reports.json?_shape=array"),
    ("new_reports", "/archive/new_reports.json?_shape=array"),
    ("coverage_by_division (provinces, last year)",
     "/archive/coverage_by_division.json?division=&year=&_shape=array"),
    ("coverage_by_division (a province)",
     "/archive/coverage_by_division.json?division={province}&year=&_shape=array"),
    ("coverage_organs (a county)",
     "/archive/coverage_organs.json?division={county}&year=&missing=&_shape=array"),
    ("front page", "/"),
    ("report page", "/archive/reports/{report}"),
    ("organ page", "/-/organ/{organ}"),
    ("region page: the country", "/-/region"),
    ("region page: a province", "/-/region/{province}"),
    ("region page: a county", "/-/region/{county}"),
    ("reports table with its facets", "/archive/reports"),
]


SLOW_S = 5


class Timed(NamedTuple):
    name: str
    url: str
    ms: float          # median wall-clock
    cpu_ms: float      # median CPU of the process (Datasette's threads included)
    status: int
    rows: int | None   # rows of a JSON answer


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def time_requests(db_path: Path, runs: int = 5, only: str = "") -> list[Timed]:
    """Each request once to warm up, then ``runs`` times (once if it took SLOW_S); medians. The archive is served as
    ``xxgk serve --immutable`` serves it, with a time limit long enough to time every query."""
    from archive.datasette_app import make_datasette

    ds = make_datasette(db_path.parent, db_path=db_path, immutable=True,
                        settings={"sql_time_limit_ms": 120_000})
    await ds.invoke_startup()
    raw = typical(db_path)._asdict()
    args = {k: quote(str(v), safe="") for k, v in raw.items()}
    out = []
    for name, url in REQUESTS:
        # Datasette names the database after its file.
        name, url = name.format(**raw), url.format(**args).replace("/archive/", f"/{db_path.stem}/")
        if only and only not in name:
            continue
        t = time.perf_counter()
        await ds.client.get(url)
        # A request of many seconds is timed once: its figure is far from the target anyway.
        n = runs if time.perf_counter() - t < SLOW_S else 1
        walls, cpus, status, rows = [], [], 0, None
        for _ in range(n):
            t, c = time.perf_counter(), _cpu()
            r = await ds.client.get(url)
            walls.append(time.perf_counter() - t)
            cpus.append(_cpu() - c)
            status = r.status_code
        if "_shape=array" in url and status == 200:
            rows = len(r.json())
        out.append(Timed(name, unquote(url), statistics.median(walls) * 1000,
                         statistics.median(cpus) * 1000, status, rows))
        print(f"  {out[-1].name}: {out[-1].ms:.0f} ms ({status}, {rows} rows)",
              file=sys.stderr, flush=True)
    return out


# The bars: canned queries and pages in 200 ms, a one-character search in 500 ms.
TARGET_MS = 200
SEARCH_TARGET_MS = 500


def target_ms(name: str) -> int:
    return SEARCH_TARGET_MS if name.startswith("search") else TARGET_MS


def built(db_path: Path, n: int, s: dict, cpu_s: float) -> list[str]:
    """Lines saying how long the build took and what it made."""
    size = db_path.stat().st_size
    parts = dbstat(db_path)
    c = s["counts"]
    return [
        f"### {n:,} synthetic reports", "",
        f"Built in {s['build_s']:.0f} s ({cpu_s:.0f} s CPU): {c['organs']:,} organs, "
        f"{c['documents']:,} documents, {c['cells']:,} cells, {c['checks']:,} checks, "
        f"{s['text_bytes'] / 2**20:.0f} MiB of text. Database {size / 2**30:.2f} GiB "
        f"({size / n * 1000 / 2**20:.1f} MiB per 1,000 reports, raw files not included)"
        + ("; by part: " + ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in
                                     sorted(parts.items(), key=lambda kv: -kv[1]))
           if parts else "") + ".", ""]


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return (f"{platform.platform()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ingest", type=int, default=400, help="files to ingest (0: skip)")
    ap.add_argument("--pdf-every", type=int, default=5, help="one PDF in every N files")
    ap.add_argument("--synthetic", type=int, default=100_000, help="synthetic reports (0: skip)")
    ap.add_argument("--work", default="/tmp/xxgk-bench", help="scratch directory (wiped)")
    ap.add_argument("--archive", help="time this archive (built before, by "
                                      "benchmarks/synthetic_archive.py) instead of building one")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each request")
    ap.add_argument("--only", default="", help="time only the requests whose name has this")
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lines = ["## Archive (`benchmarks/archive_bench.py`)", "",
             f"Machine: {machine()}.", "",
             f"Command: `python benchmarks/archive_bench.py {' '.join(sys.argv[1:])}`", ""]
    if args.ingest:
        print("ingest …", file=sys.stderr)
        r = bench_ingest(work, args.ingest, args.pdf_every)
        n = r["n"]
        total = r["sizes"]["db"] + r["sizes"]["blobs"]
        lines += [
            f"### Ingest ({n} files: {r['kinds']['text']} text reports, {r['kinds']['pdf']} "
            "real PDFs of 0.3–0.6 MB)", "",
            "| what | time | documents/s |", "|---|---|---|",
            f"| `xxgk ingest` path: store + parse in a sandboxed child + SQLite | "
            f"{r['ingest_s']:.1f} s | {n / r['ingest_s']:.1f} |",
            f"| the same files again (no-op) | {r['again_s']:.2f} s | {n / r['again_s']:.0f} |",
            f"| crawl path `record_fetch`: blob + WARC (fsync) + SQLite, no parse | "
            f"{r['fetch_s']:.2f} s | {n / r['fetch_s']:.0f} |", "",
            "Size of the data directory per 1,000 reports (this mix):", "",
            "| part | per 1,000 reports |", "|---|---|",
            f"| raw files (`blobs/`) | {r['sizes']['blobs'] / n * 1000 / 2**20:.0f} MiB |",
            f"| SQLite (cells, checks, text, trigram index, provenance) | "
            f"{r['sizes']['db'] / n * 1000 / 2**20:.1f} MiB |",
            f"| WARC of a crawl of the same bodies (gzip) | {r['warc'] / n * 1000 / 2**20:.0f} MiB |",
            f"| total without WARC | {total / n * 1000 / 2**20:.0f} MiB |", ""]
    if args.archive or args.synthetic:
        if args.archive:
            db_path = Path(args.archive)
            lines += [f"### {args.archive} (built before)", ""]
        else:
            print("synthetic archive …", file=sys.stderr)
            db_path = work / "synthetic" / "archive.db"
            db_path.parent.mkdir(parents=True)
            t = _cpu()
            s = build_synthetic(db_path, args.synthetic)
            lines += built(db_path, args.synthetic, s, _cpu() - t)
        print("datasette …", file=sys.stderr)
        timed = asyncio.run(time_requests(db_path, args.runs, args.only))
        lines += [f"Datasette in-process (`datasette.client`, immutable), median of {args.runs} "
                  f"after a warm-up (one run when the warm-up took over {SLOW_S} s); CPU is the "
                  "process's (getrusage); rows as Datasette returns them (at most 1,000):", "",
                  "| request | time | CPU | rows |", "|---|---|---|---|"]
        for t in timed:
            shown = f"{t.ms:.0f} ms" if t.status == 200 else f"HTTP {t.status} after {t.ms:.0f} ms"
            flag = " **over**" if t.ms > target_ms(t.name) else ""
            lines.append(f"| {t.name} | {shown}{flag} | {t.cpu_ms:.0f} ms | "
                         f"{'' if t.rows is None else t.rows} |")
        lines.append("")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
