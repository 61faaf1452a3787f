"""National-scale simulation: N mock portals on 127.0.0.1, each on a host name of its own (a
forward proxy routes every ``pNNNN.sim.gov.cn`` to the demo server), mixed CMS families, crawled
by the real ``xxgk nightly`` twice — the first night fetches everything, the second is the
incremental one (conditional requests, recheck of known reports) — with requests per portal,
time and memory of each night.

    .venv/bin/python benchmarks/national_sim.py                              # 3,000 portals
    .venv/bin/python benchmarks/national_sim.py --portals 20 --jobs 4 --parse-workers 1
    .venv/bin/python benchmarks/national_sim.py --portals 100 --portals-per-process 1   # a process a portal
    .venv/bin/python benchmarks/national_sim.py --portals 200 --redis redis://127.0.0.1:6379/0 --workers 2

Each portal is one of the demo portal's sites (``--families``, in turn), served under its own
host: its pages link root-relative, so a crawl stays on its host, and the proxy counts what each
host was asked. The portals are the registry's overrides (``$XXGK_PORTALS``, a file written
here), so the nightly takes them as it would the national list. CPU seconds are those of the
nightly and every process under it (``getrusage``: crawls, Chromium, the parse pool), which
other jobs on a shared machine disturb less than the wall clock. Politeness is the
``--delay`` between two requests to one host (0: the machine's own speed). The demo files are
built once (LibreOffice, about a minute) under ``--demo-dir``.

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from benchmarks.crawl_bench import tree_rss  # noqa: E402
from crawler.demo.server import DemoServer  # noqa: E402
from crawler.demo.site import Behaviour, DemoSite  # noqa: E402
from heldout.proxy import ForwardProxy  # noqa: E402

DEMO_PORTALS = ROOT / "crawler" / "demo" / "portals.json"
# The demo's families that need no JS challenge passed (demo-avalon's is a test of its own).
FAMILIES = "trs,hanweb,lonsun,gkmlpt,boda,ucap,public,hebei,nmg"


def host(i: int) -> str:
    return f"p{i:04d}.sim.gov.cn"


def portals_file(path: Path, n: int, families: list[str]) -> list[dict]:
    demo = {p["id"].removeprefix("demo-"): p for p in json.loads(DEMO_PORTALS.read_text())["portals"]}
    out = []
    for i in range(n):
        fam = families[i % len(families)]
        p = json.loads(json.dumps(demo[fam]).replace("{demo}", f"http://{host(i)}"))
        p.pop("demo", None)
        p.update(id=f"sim-{i:04d}", name=f"{p['name']} #{i}", hosts=[host(i)])
        out.append(p)
    path.write_text(json.dumps({"portals": out}, ensure_ascii=False), encoding="utf-8")
    return out


def night(args, data: Path, env: dict, proxy: ForwardProxy, label: str) -> dict:
    n_before = len(proxy.requests)
    cmd = [sys.executable, "-m", "crawler.cli", "nightly", "--data", str(data), "--jobs",
           str(args.jobs), "--parse-workers", str(args.parse_workers),
           "-s", f"DOWNLOAD_DELAY={args.delay}", "-s", "AUTOTHROTTLE_ENABLED=False",
           "-s", "LOG_LEVEL=INFO"]
    if args.redis:
        cmd += ["--redis", args.redis, "--workers", str(args.workers)]
    if args.portals_per_process:
        cmd += ["--portals-per-process", str(args.portals_per_process)]
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    log = data.parent / f"{label}.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
        ps, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(ps))
            time.sleep(0.5)
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    with proxy.lock:
        asked = proxy.requests[n_before:]
    per_host = Counter(h for _, h, _ in asked)
    counts = [per_host.get(host(i), 0) for i in range(args.portals)]
    lines = log.read_text("utf-8", "replace").splitlines()
    ok = sum(1 for line in lines if " crawl ok " in line)
    # The nightly's phases after the crawls, as its log times them (None: not reached).
    phases = {name: next((float(m.group(1)) for line in lines if f" {name} " in line
                          for m in [re.search(r"seconds=([\d.]+)", line)] if m), None)
              for name in ("diffs done", "coverage refreshed")}
    return {"night": label, "rc": proc.returncode, "wall": wall, "cpu": cpu, "peak": peak,
            "requests": len(asked), "per_portal": counts, "ok": ok,
            "refused": len(proxy.refused), "diffs": phases["diffs done"],
            "coverage": phases["coverage refreshed"]}


def _seconds(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.0f} s"


def night_row(args, r: dict) -> str:
    pp = r["per_portal"]
    flag = "" if r["rc"] in (0, 1) else f" (exit {r['rc']})"
    return (f"| {r['night']}{flag} | {r['ok']:,} | {r['wall']:.0f} s | "
            f"{args.portals / r['wall'] * 60:.1f} | {r['cpu']:.0f} | {r['cpu'] / args.portals:.1f} | "
            f"{r['requests']:,} | {min(pp)} / "
            f"{statistics.median(pp):.0f} / {max(pp)} | {r['peak'] / 2 ** 20:.0f} MiB | "
            f"{_seconds(r['diffs'])} / {_seconds(r['coverage'])} |")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portals", type=int, default=3000)
    ap.add_argument("--families", default=FAMILIES, help="demo sites, in turn, comma-separated")
    ap.add_argument("--jobs", type=int, default=8, help="portals crawled at once")
    ap.add_argument("--parse-workers", type=int, default=1)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds between requests to a host")
    ap.add_argument("--redis", default=None, help="crawl each portal distributed (a Redis URL)")
    ap.add_argument("--workers", type=int, default=2, help="workers per portal with --redis")
    ap.add_argument("--portals-per-process", type=int, default=None,
                    help="portals one crawl process crawls in turn (default: the nightly's)")
    ap.add_argument("--demo-dir", default=str(ROOT / "data" / "demo-site"),
                    help="where the demo's files are built once")
    ap.add_argument("--work", default="/tmp/xxgk-national-sim", help="scratch (wiped)")
    ap.add_argument("--nights", default="first,second",
                    help="the nights to run; 'second' alone runs the incremental night against "
                         "the archive an earlier run's first night left in --work (not wiped)")
    args = ap.parse_args()
    work = Path(args.work)
    labels = args.nights.split(",")
    if "first" in labels:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    elif not (work / "data" / "archive.db").exists():
        ap.error(f"--nights {args.nights}: no archive of a first night in {work}")
    families = args.families.split(",")
    portals_file(work / "portals.json", args.portals, families)

    site = DemoSite(args.demo_dir, seed=2024,
                    behaviour=Behaviour(challenge_412=(), challenge_521=(), flaky=False))
    server = DemoServer(site).start()
    proxy = ForwardProxy({host(i): ("127.0.0.1", server.port) for i in range(args.portals)})
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update({"http_proxy": proxy.url, "https_proxy": proxy.url, "no_proxy": "localhost,127.0.0.1",
                "XXGK_PORTALS": str(work / "portals.json"), "PYTHONUNBUFFERED": "1"})
    data = work / "data"
    try:
        nights = []
        for label in labels:
            nights.append(night(args, data, env, proxy, label))
            # each night's row as soon as it is known: a long run stopped early keeps it
            print(night_row(args, nights[-1]), file=sys.stderr, flush=True)
    finally:
        proxy.stop()
        server.stop()

    import sqlite3

    conn = sqlite3.connect(data / "archive.db")
    reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    mib = 2 ** 20
    mode = (f"distributed, {args.workers} workers a portal over Redis" if args.redis
            else f"embedded, {args.portals_per_process or 'the default number of'} portals a process")
    print(f"### National simulation ({args.portals:,} portals, {len(families)} families, "
          f"{mode}, {args.jobs} at once, delay {args.delay:g} s)\n")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}.\n")
    print("| night | portals ok | time | portals/min | CPU s | CPU s a portal | requests "
          "| per portal: min / median / max | peak RSS (nightly and its children) "
          "| after the crawls: diffs / coverage |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in nights:
        print(night_row(args, r))
    print(f"\nArchive after the nights: {reports:,} reports, {docs:,} documents, "
          f"{size / mib:.0f} MiB on disk; requests to hosts not simulated: "
          f"{nights[-1]['refused']}.")


if __name__ == "__main__":
    main()
