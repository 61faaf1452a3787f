"""Archive benchmarks: ingest speed, archive size per 1,000 reports, Datasette query times at scale.

    python benchmarks/archive_bench.py                    # 400 ingested files, 100,000 synthetic
    python benchmarks/archive_bench.py --ingest 100 --synthetic 10000 --work /tmp/bench

1. *Ingest*: real ``ingest_file`` (blob + SQLite + sandboxed parse) over variants of the bundled
   seed reports (text) and real PDFs; then ``record_fetch`` in a crawl (blob + WARC + SQLite, no
   parse). Documents per second, and the data directory's size per 1,000 reports.
2. *Scale*: an archive of N synthetic reports written straight into the schema (cells, checks,
   texts and the trigram index as the parser would leave them, made from the bundled reports with
   other organs, years, numbers and words), then Datasette's canned queries, views and search,
   timed through ``datasette.client`` (median of 3 after one warm-up).

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import parsers  # noqa: E402
from parsers import schema  # noqa: E402

from archive.fetches import FetchRecord  # noqa: E402
from archive.ingest import ingest_file  # noqa: E402
from archive.store import Archive  # noqa: E402
from archive.views import TOTALS  # noqa: E402

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

PROVINCES = ["江苏省", "浙江省", "安徽省", "山东省", "河南省", "湖北省", "四川省", "广东省"]
SYL = list("安宁平和江山阳清河东西南北新兴华德福丰泰昌盛永康嘉利通源石林桥溪")
WORDS = ["依申请公开", "政务公开", "行政复议", "行政诉讼", "信息处理费", "政府网站", "公开目录",
         "政策解读", "回应关切", "考核评议", "培训", "督查", "信访", "规范性文件", "收费",
         "鹦鹉螺", "鹬蚌", "鼋", "蒲公英种子"]


def samples() -> list:
    out = []
    for f in SEEDS + PDFS:
        rep = parsers.parse_bytes(f.read_bytes())
        out.append(rep)
    return out


def place(rng) -> tuple[str, str, str, str]:
    prov = rng.choice(PROVINCES)
    city = "".join(rng.sample(SYL, 2)) + "市"
    county = "".join(rng.sample(SYL, 2)) + rng.choice(["县", "区"])
    town = "".join(rng.sample(SYL, 2)) + rng.choice(["镇", "乡", "街道"])
    kind = rng.random()
    if kind < 0.5:
        return prov, county, f"{county}{town}人民政府", "乡级"
    if kind < 0.8:
        return prov, county, f"{county}人民政府", "县级"
    return prov, city, f"{city}人民政府", "市级"


def build_synthetic(path: Path, n: int, seed: int = 7) -> dict:
    from archive.db import open_db

    rng = random.Random(seed)
    base = samples()
    db = open_db(path)
    c = db.conn
    c.execute("PRAGMA synchronous = OFF")
    t0 = time.perf_counter()
    batch = 2000
    for start in range(0, n, batch):
        c.execute("BEGIN")
        docs, reps, links, cells, checks, texts = [], [], [], [], [], []
        for i in range(start, min(n, start + batch)):
            b = base[i % len(base)]
            prov, region, organ, level = place(rng)
            year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024])
            doc_id = i + 1
            sha = f"{i:064x}"
            scale = rng.choice([0, 1, 1, 2, 5, 20])
            n_cells = 0
            totals = {}
            for cell in b.cells:
                v = cell["value"]
                if isinstance(v, int):
                    v = v * scale + (rng.randint(0, 3) if v else 0)
                rl, cl = schema.label_of(cell["table"], cell["row"], cell["col"])
                cells.append((doc_id, cell["table"], cell["row"], cell["col"], v, rl, cl,
                              parsers.__version__))
                if cell["col"] == "total":
                    totals[(cell["table"], cell["row"])] = v
                n_cells += 1
            fail = rng.random() < 0.1
            for k in b.checks:
                status = "fail" if fail and k["check"] == "requests.balance" else k["status"]
                checks.append((doc_id, k["check"], k.get("row"), k.get("col"), status,
                               "1+2 = 3 ≠ 4" if status == "fail" else None, parsers.__version__))
            extra = "".join(rng.choice(WORDS) + "。" for _ in range(rng.randint(0, 4)))
            text = b.text.replace(b.organ or "", organ, 3) + "\n" + extra
            texts.append((doc_id, text, parsers.__version__))
            docs.append((doc_id, sha, len(text.encode()), b.format, "2025-01-01T00:00:00Z",
                         f"blobs/{sha[:2]}/{sha[2:4]}/{sha}", "ok", parsers.__version__, organ,
                         year, b.template, n_cells, "fail" if fail else "pass"))
            reps.append((doc_id, f"http://www.{i % 997}.gov.cn/art/{year}/{i}.html",
                         f"portal{i % 997}", organ, year, b.template, prov, region, level,
                         "政府", doc_id, sha, b.format, "ok", parsers.__version__,
                         "fail" if fail else "pass", n_cells, "2025-01-01T00:00:00Z",
                         "2025-01-01T00:00:00Z", *(totals.get(k) for k in TOTALS.values())))
            links.append((doc_id, doc_id, reps[-1][1], "report", "2025-01-01T00:00:00Z",
                           "2025-01-01T00:00:00Z"))
        c.executemany("INSERT INTO documents (id, sha256, size, format, first_seen, blob, "
                      "parse_status, parser_version, organ, year, template, n_cells, "
                      "check_status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", docs)
        c.executemany("INSERT INTO reports (id, url, portal, organ, year, template, province, "
                      "region, level, organ_type, document_id, sha256, format, parse_status, "
                      "parser_version, check_status, n_cells, first_seen, last_seen, "
                      f"{', '.join(TOTALS)}) VALUES ({', '.join('?' * (19 + len(TOTALS)))})", reps)
        c.executemany("INSERT INTO report_documents VALUES (?,?,?,?,?,?)", links)
        c.executemany('INSERT INTO cells VALUES (?,?,?,?,?,?,?,?)', cells)
        c.executemany('INSERT INTO checks (document_id, "check", "row", col, status, detail, '
                      'parser_version) VALUES (?,?,?,?,?,?,?)', checks)
        c.executemany("INSERT INTO texts (document_id, content, parser_version) VALUES (?,?,?)",
                      texts)
        c.execute("COMMIT")
        print(f"  {min(n, start + batch)}/{n} reports, {time.perf_counter() - t0:.0f} s",
              file=sys.stderr, flush=True)
    c.execute("ANALYZE")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    build_s = time.perf_counter() - t0
    counts = {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("reports", "cells", "checks", "texts")}
    text_bytes = c.execute("SELECT sum(length(CAST(content AS BLOB))) FROM texts").fetchone()[0]
    db.close()
    return {"build_s": build_s, "counts": counts, "text_bytes": text_bytes}


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
               "cells" if name.startswith("cells") else
               "texts" if name == "texts" else
               "checks" if "checks" in name else "other")
        groups[key] = groups.get(key, 0) + size
    return groups


REQUESTS = [
    ("search 1 char: 鼋", "/archive/search.json?q=鼋&_shape=array"),
    ("search 2 chars: 鹬蚌", "/archive/search.json?q=鹬蚌&_shape=array"),
    ("search 2 chars, in every report: 公开", "/archive/search.json?q=公开&_shape=array"),
    ("search 3 chars: 鹦鹉螺", "/archive/search.json?q=鹦鹉螺&_shape=array"),
    ("search 5 chars: 蒲公英种子", "/archive/search.json?q=蒲公英种子&_shape=array"),
    ("search mixed: 鹦鹉螺 鹬蚌", "/archive/search.json?q=鹦鹉螺+鹬蚌&_shape=array"),
    ("search mixed: 信息处理费 收费 鼋", "/archive/search.json?q=信息处理费+收费+鼋&_shape=array"),
    ("各地区年度依申请公开数量 (year=2023)",
     "/archive/requests_by_region.json?year=2023&_shape=array"),
    ("各地区年度依申请公开数量 (all years)", "/archive/requests_by_region.json?year=&_shape=array"),
    ("未通过勾稽关系校验的年报", "/archive/failed_reports.json?_shape=array"),
    ("某机关历年数据 (organ=安宁)", "/archive/organ_history.json?organ=安宁&_shape=array"),
    ("reports table page with 7 facets", "/archive/reports"),
    ("report page (tables, checks)", "/archive/reports/{mid}"),
    ("requests_wide for one report", "/archive/requests_wide.json?report_id={mid}&_shape=array"),
]


async def time_requests(data_dir: Path, db_path: Path, n: int) -> list[tuple[str, float, int, int]]:
    from archive.datasette_app import make_datasette

    ds = make_datasette(data_dir, db_path=db_path, immutable=True,
                        settings={"sql_time_limit_ms": 120_000})
    await ds.invoke_startup()
    out = []
    for name, url in REQUESTS:
        url = url.replace("{mid}", str(n // 2 + 1))
        times, status, rows = [], 0, -1
        for k in range(4):
            t = time.perf_counter()
            r = await ds.client.get(url)
            dt = time.perf_counter() - t
            status = r.status_code
            if k:
                times.append(dt)
            if url.endswith("_shape=array") and status == 200:
                rows = len(r.json())
        out.append((name, statistics.median(times), status, rows))
        print(f"  {name}: {statistics.median(times) * 1000:.0f} ms ({status}, {rows} rows)",
              file=sys.stderr, flush=True)
    return out


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
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lines = ["## Archive (`benchmarks/archive_bench.py`)", "",
             f"Machine: {machine()}.", "",
             f"Command: `python benchmarks/archive_bench.py --ingest {args.ingest} "
             f"--synthetic {args.synthetic}`", ""]
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
    if args.synthetic:
        print("synthetic archive …", file=sys.stderr)
        db_path = work / "synthetic" / "archive.db"
        db_path.parent.mkdir(parents=True)
        s = build_synthetic(db_path, args.synthetic)
        size = db_path.stat().st_size
        parts = dbstat(db_path)
        lines += [
            f"### {args.synthetic:,} synthetic reports", "",
            f"Built in {s['build_s']:.0f} s: {s['counts']['cells']:,} cells, "
            f"{s['counts']['checks']:,} checks, {s['text_bytes'] / 2**20:.0f} MiB of text. "
            f"Database {size / 2**30:.2f} GiB ({size / args.synthetic * 1000 / 2**20:.1f} MiB per "
            "1,000 reports, raw files not included)"
            + ("; by part: " + ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in
                                         sorted(parts.items(), key=lambda kv: -kv[1]))
               if parts else "") + ".", "",
            "Datasette 0.65.5 in-process (`datasette.client`, immutable), median of 3 after a "
            "warm-up:", "",
            "| request | time | rows |", "|---|---|---|"]
        print("datasette …", file=sys.stderr)
        for name, t, status, rows in asyncio.run(time_requests(db_path.parent, db_path, args.synthetic)):
            shown = f"{t * 1000:.0f} ms" if status == 200 else f"HTTP {status} after {t:.1f} s"
            lines.append(f"| {name} | {shown} | {rows if rows >= 0 else ''} |")
        lines.append("")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
