"""How fast the reader's pages answer on a big archive: the front page, searches of every term
length, an organ's page and its downloads, region pages and maps, a report's page.

One command builds a synthetic archive (benchmarks/archive_bench.py's, each organ then placed
on a real county of the division list) and times every page through Datasette in-process
(``datasette.client``, immutable, as ``xxgk serve --immutable``), the median of three after a
warm-up::

    .venv/bin/python benchmarks/web_bench.py --reports 100000          # ~30 min to build here
    .venv/bin/python benchmarks/web_bench.py --reports 100000 --reuse  # time again, no rebuild
    .venv/bin/python benchmarks/web_bench.py --db /path/to/archive.db  # its search rows only

``--db`` times the search rows on any archive (one built by benchmarks/archive_bench.py with
a million reports, say); an archive made before the character index is upgraded first
(migration 0007_search_chars, timed). Otherwise, before the pages, the archive's coverage
summary is refreshed (``xxgk coverage refresh``, timed; ``--keep-summary`` reuses the one
written before). It prints a Markdown table for docs/benchmarks.md: each page's first request
(the process's first for the region pages, each in a fresh process), then the median wall
clock and CPU time (Datasette's threads included) after it; a page over the target (200 ms) is
marked.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from archive_bench import build_synthetic, machine  # noqa: E402

TARGET_MS = 200
# A page reading one small table: what any first request of a fresh process costs (Datasette
# reads the schema, opens its connections).
FRESH_BASELINE = "/archive/deadlines.json"


def place_organs(path: Path, seed: int = 7) -> None:
    """Give every synthetic organ a real county (division code and tier), the same for all its
    years, so that the region pages and maps have something to show."""
    from parsers import divisions

    rng = random.Random(seed)
    counties = [d for d in divisions.every(max_level=3) if d.level == 3]
    conn = sqlite3.connect(path)
    organs = [r[0] for r in conn.execute("SELECT DISTINCT organ FROM reports ORDER BY organ")]
    places = [(rng.choice(counties), organ) for organ in organs]
    conn.executemany("UPDATE reports SET division_code = ?, tier = ?, status = 'online' "
                     "WHERE organ = ?", [(d.code, d.tier, o) for d, o in places])
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def expect_organs(path: Path, seed: int = 7) -> None:
    """Organs the archive expects reports from, as the registry and organ directories give
    them, so that the coverage maps and lists have something to count: one registered portal
    per county (its organ: the county's first organ), nine in ten crawled completely, the rest
    never; each portal's directory names most of the county's organs that have reports and one
    for every five that have none; one report in twenty is listed under its organ's column by a
    short name of the organ."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    organs = conn.execute("SELECT organ, max(division_code) FROM reports GROUP BY organ "
                          "ORDER BY organ").fetchall()
    now = "2026-12-01T00:00:00Z"
    sites, named = {}, []
    for organ, code in organs:
        portal = f"site{code}"
        sites.setdefault(code, (portal, organ))
        if rng.random() < 0.85:
            named.append((portal, organ, code))
        if rng.random() < 0.2:     # an organ that published nothing the archive found
            named.append((portal, f"{organ[:-4]}卫生健康局", code))
    conn.executemany("INSERT INTO sites (portal, organ, region_code, source, first_synced, "
                     "last_synced) VALUES (?, ?, ?, 'bench', ?, ?)",
                     [(p, o, c, now, now) for c, (p, o) in sites.items()])
    conn.executemany("INSERT INTO crawls (id, portal, started_at, ended_at, status) VALUES "
                     "(?, ?, ?, ?, 'finished')", [(f"{p}-1", p, now, now)
                                                  for p, _ in sites.values() if rng.random() < 0.9])
    conn.executemany("INSERT OR IGNORE INTO organs (portal, name, division_code, first_seen, "
                     "last_seen) VALUES (?, ?, ?, ?, ?)", [(*n, now, now) for n in named])
    conn.execute("UPDATE reports SET listed_organ = substr(organ, -6) WHERE id % 20 = 0")
    conn.execute("INSERT OR IGNORE INTO organs (portal, name, division_code, first_seen, "
                 "last_seen) SELECT portal, listed_organ, max(division_code), ?, ? FROM reports "
                 "WHERE listed_organ IS NOT NULL GROUP BY portal, listed_organ", (now, now))
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def pages(path: Path) -> list[tuple[str, str]]:
    """The pages to time, with an organ of many years, a busy county and its province."""
    conn = sqlite3.connect(path)
    organ = conn.execute("SELECT organ FROM reports GROUP BY organ ORDER BY count(DISTINCT year) "
                         "DESC, organ LIMIT 1").fetchone()[0]
    county = conn.execute("SELECT division_code FROM reports GROUP BY division_code "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    report = conn.execute("SELECT id FROM reports WHERE organ = ? ORDER BY year DESC LIMIT 1",
                          (organ,)).fetchone()[0]
    conn.close()
    province, city = county[:2] + "0000", county[:4] + "00"
    o = quote(organ, safe="")
    return [
        ("front page", "/"),
        ("search, 1 character: 鼋", "/-/search?q=" + quote("鼋")),
        ("search, 1 character in every report: 公", "/-/search?q=" + quote("公")),
        ("search, 2 characters: 鹬蚌", "/-/search?q=" + quote("鹬蚌")),
        ("search, 2 characters in every report: 公开", "/-/search?q=" + quote("公开")),
        ("search, 3 characters: 鹦鹉螺", "/-/search?q=" + quote("鹦鹉螺")),
        ("search, 4 characters in every report: 政府信息",
         "/-/search?q=" + quote("政府信息")),
        ("search, mixed: 信息处理费 鼋", "/-/search?q=" + quote("信息处理费 鼋")),
        ("search, an organ's name", "/-/search?q=" + o),
        ("search, filtered by year and page 2", "/-/search?q=" + quote("鹬蚌") + "&year=2023&page=2"),
        ("search, 公开 filtered by province, page 3",
         "/-/search?q=" + quote("公开") + f"&province={province}&page=3"),
        ("organ page (every year, three tables)", "/-/organ/" + o),
        ("organ XLSX", "/archive/organ_cells.xlsx?organ=" + o),
        ("organ CSV (BOM)", "/archive/organ_cells.csv?_bom=1&organ=" + o),
        ("report page", f"/archive/reports/{report}"),
        ("region: the country", "/-/region"),
        ("region: a province", f"/-/region/{province}"),
        ("region: a prefecture", f"/-/region/{city}"),
        ("region: a county with its organs", f"/-/region/{county}"),
        ("map data: the country (cached)", "/-/map/100000.geojson"),
        ("map data: a province (cached)", f"/-/map/{province}.geojson"),
        ("organs list", "/archive/organs"),
    ]


def coverage_pages(path: Path) -> list[tuple[str, str]]:
    """The coverage map's numbers (``/-/region/<code>.json``) of the country, the busiest
    county's province and prefecture, and a year other than the latest."""
    conn = sqlite3.connect(path)
    county = conn.execute("SELECT division_code FROM reports GROUP BY division_code "
                          "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    first = conn.execute("SELECT min(year) FROM reports").fetchone()[0]
    conn.close()
    return [
        ("coverage map numbers: the country", "/-/region.json"),
        ("coverage map numbers: a province", f"/-/region/{county[:2]}0000.json"),
        ("coverage map numbers: a prefecture", f"/-/region/{county[:4]}00.json"),
        (f"region: the country in {first}", f"/-/region?year={first}"),
        ("coverage by division (canned query): the provinces",
         "/archive/coverage_by_division?division=&year="),
        ("coverage by division (canned query): a province's parts",
         f"/archive/coverage_by_division?division={county[:2]}0000&year="),
        ("coverage organs (canned query): a county's missing",
         f"/archive/coverage_organs?division={county}&year=&missing=1"),
        ("a small table (deadlines), for comparison", FRESH_BASELINE),
    ]


def upgrade(path: Path) -> float | None:
    """Open the archive for writing once if it lacks the character index, so that migration
    0007_search_chars fills it; the seconds that took, or None when nothing was to be done."""
    from archive.db import open_db

    conn = sqlite3.connect(path)
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'texts_chars'").fetchone()
    conn.close()
    if has:
        return None
    t = time.perf_counter()
    open_db(path).close()
    return time.perf_counter() - t


def refresh(path: Path) -> tuple[float, float]:
    """Refresh the coverage summary (migrating the archive first if need be): wall-clock and
    CPU seconds."""
    from archive.coverage import refresh_coverage
    from archive.store import Archive

    cpu, t = _cpu(), time.perf_counter()
    with Archive(path.parent) as arc:
        refresh_coverage(arc)
    return time.perf_counter() - t, _cpu() - cpu


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def first_request(path: Path, url: str) -> tuple[float, float]:
    """The wall-clock and CPU seconds of ``url`` as a fresh process's first request."""
    from archive.datasette_app import make_datasette

    ds = make_datasette(path.parent, db_path=path, immutable=True)
    await ds.invoke_startup()
    cpu, t = _cpu(), time.perf_counter()
    await ds.client.get(url)
    return time.perf_counter() - t, _cpu() - cpu


def first_in_fresh_process(path: Path, url: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, __file__, "--db", str(path), "--first", url],
                         capture_output=True, text=True, check=True)
    wall, cpu = map(float, out.stdout.split())
    return wall, cpu


async def time_pages(path: Path, which: list[tuple[str, str]], runs: int = 3) -> list[tuple]:
    """Each page's first request (wall, CPU seconds), median wall-clock and CPU milliseconds
    after it (of ``runs``) and its status."""
    from archive.datasette_app import make_datasette

    ds = make_datasette(path.parent, db_path=path, immutable=True)
    await ds.invoke_startup()
    out = []
    for name, url in which:
        cpu0, t = _cpu(), time.perf_counter()
        await ds.client.get(url)  # warm-up: caches, the map's first drawing
        first = (time.perf_counter() - t, _cpu() - cpu0)
        if url.startswith("/-/region") or "coverage" in url or url == FRESH_BASELINE:
            first = first_in_fresh_process(path, url)
        times, cpu, status = [], [], 0
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            r = await ds.client.get(url)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            status = r.status_code
        ms, cpu_ms = statistics.median(times) * 1000, statistics.median(cpu) * 1000
        out.append((name, first, ms, cpu_ms, status))
        print(f"  {name}: first {first[0] * 1000:.0f} ms ({first[1] * 1000:.0f} ms CPU), "
              f"then {ms:.0f} ms, CPU {cpu_ms:.0f} ms ({status})", file=sys.stderr, flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--work", default="/tmp/xxgk-web-bench", help="where the archive is built")
    ap.add_argument("--reuse", action="store_true", help="time the archive built before")
    ap.add_argument("--db", help="time the search rows on this archive (no build)")
    ap.add_argument("--keep-summary", action="store_true",
                    help="do not refresh the coverage summary (--reuse: the one written before)")
    ap.add_argument("--first", metavar="URL", help=argparse.SUPPRESS)  # one fresh request
    args = ap.parse_args()
    path = Path(args.db or Path(args.work) / "archive.db")
    if args.first:
        print("%.4f %.4f" % asyncio.run(first_request(path, args.first)))
        return
    if args.db:
        if not path.exists():
            sys.exit(f"no archive at {path}")
    elif not (args.reuse and path.exists()):
        path.parent.mkdir(parents=True, exist_ok=True)
        for p in path.parent.glob("archive.db*"):
            p.unlink()
        print(f"building {args.reports} synthetic reports …", file=sys.stderr)
        build_synthetic(path, args.reports)
        place_organs(path)
        expect_organs(path)
    took = upgrade(path)
    if took is not None:
        print(f"character index filled (migration 0007_search_chars) in {took:.0f} s",
              file=sys.stderr)
    summary = ""
    if not (args.keep_summary or args.db):
        print("refreshing the coverage summary …", file=sys.stderr)
        wall, cpu = refresh(path)
        summary = f"Coverage summary refreshed in {wall:.1f} s ({cpu:.1f} s CPU).\n\n"
        print(f"  {summary.strip()}", file=sys.stderr, flush=True)
    n = sqlite3.connect(path).execute("SELECT count(*) FROM reports").fetchone()[0]
    which = pages(path) + coverage_pages(path)
    if args.db:
        which = [(name, url) for name, url in which if name.startswith("search")]
    rows = asyncio.run(time_pages(path, which))
    print(f"## Reader pages (`benchmarks/web_bench.py`)\n\nMachine: {machine()}.\n\n"
          f"{n:,} synthetic reports; Datasette in-process, immutable, first request (a "
          f"region or coverage page: in a fresh process), then the median of 3; target "
          f"{TARGET_MS} ms."
          + (f" Character index filled by the migration in {took:.0f} s." if took else "")
          + f"\n\n{summary}| page | first request (CPU) | then | CPU | status |\n"
          f"|---|---|---|---|---|")
    for name, (first, first_cpu), ms, cpu_ms, status in rows:
        flag = " **over**" if ms > TARGET_MS else ""
        print(f"| {name} | {first * 1000:.0f} ms ({first_cpu * 1000:.0f} ms CPU) | {ms:.0f} ms{flag} "
              f"| {cpu_ms:.0f} ms | {status} |")


if __name__ == "__main__":
    main()
