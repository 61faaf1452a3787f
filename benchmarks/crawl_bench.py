"""Crawl benchmark: pages/s of crawl + archive, then the parse pool draining what it queued,
and memory over 10,000 pages, beside `scrapy bench` on the same machine.

    python benchmarks/crawl_bench.py                        # 10,000 report pages, two rounds
    python benchmarks/crawl_bench.py --reports 2000 --runs full --parse-workers 2 --rounds 1

A synthetic TRS county portal on 127.0.0.1 (home → 政府信息公开 → 年报 column whose page count
is only in ``createPageHTML``, 20 reports a list page, each report page a generated report with
its three tables) is crawled by the real ``scrapy crawl discover`` in a child process with
politeness off (no delay, no AutoThrottle, 16 requests at once). Runs:

- ``crawl``:   the spider alone (``XXGK_ARCHIVE_ENABLED=False``: items are dropped)
- ``archive``: + the archive (blobs, WARC with fsync, SQLite); report pages queued as pending
- ``full``:    the same crawl, then ``xxgk parse-pending --workers N`` drains the queue (the
  crawl never parses); the pool's documents/s is its own line

The resident memory of the crawl process is sampled twice a second (peak, at each quarter of
the pages, and at the end: flat is the goal);
Scrapy's ``memusage/max`` is read from the log. ``scrapy bench`` runs outside the project (plain
Scrapy, its own local server) before each run, so that the two alternate on a shared machine,
and each run is set against the bench just before it; each round runs every run once. CPU
seconds of each child (``getrusage``) are printed beside the wall-clock figures: other jobs on
the machine move them far less.

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import resource
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil

from crawler.demo import generator as gen

ROOT = Path(__file__).resolve().parent.parent

PER_PAGE = 20
PREFIX = "/big/"

FAST = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "CLOSESPIDER_PAGECOUNT": "0", "LOG_LEVEL": "INFO",
    "DOWNLOAD_TIMEOUT": "30", "XXGK_MAX_LIST_PAGES": "100000", "ROBOTSTXT_OBEY": "False",
}
RUNS = {
    "crawl": {"XXGK_ARCHIVE_ENABLED": "False"},
    "archive": {},
    "full": {},
}


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body>{body}</body></html>').encode("utf-8")


class Portal:
    """The synthetic site: every page made on request from its number (nothing kept)."""

    def __init__(self, reports: int):
        self.reports = reports
        self.pages = (reports + PER_PAGE - 1) // PER_PAGE

    def handle(self, path: str) -> tuple[int, str, bytes]:
        nb = PREFIX + "zfxxgk/zfxxgknb/"
        if path in (PREFIX, PREFIX + "index.html"):
            return 200, "text/html", _page("某县人民政府", f'<a href="{PREFIX}zfxxgk/index.html">政府信息公开</a>')
        if path == PREFIX + "zfxxgk/index.html":
            return 200, "text/html", _page("政府信息公开", f'<a href="{nb}index.html">政府信息公开年报</a>')
        m = re.fullmatch(re.escape(nb) + r"index(?:_(\d+))?\.html", path)
        if m:
            i = int(m.group(1) or 0)
            if i >= self.pages:
                return 404, "text/html", _page("404", "not found")
            items = "".join(
                f'<li><a href="./202401/t20240120_{n}.html" title="某县第{n}单位2023年政府信息公开工作年度报告">'
                f'某县第{n}单位2023年政府信息公开工作年度报告</a><span>2024-01-20</span></li>'
                for n in range(i * PER_PAGE, min(self.reports, (i + 1) * PER_PAGE)))
            script = f'<script>var countPage = {self.pages};createPageHTML({self.pages}, {i}, "index", "html");</script>'
            return 200, "text/html", _page("政府信息公开年报", f'<ul class="list">{items}</ul>{script}')
        m = re.fullmatch(re.escape(nb) + r"202401/t20240120_(\d+)\.html", path)
        if m and int(m.group(1)) < self.reports:
            rep = gen.generate(int(m.group(1)))
            return 200, "text/html; charset=utf-8", gen.to_html(rep, chrome=False)
        return 404, "text/html", _page("404", "not found")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        status, ctype, body = self.server.portal.handle(self.path.split("?")[0])
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(reports: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.portal = Portal(reports)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def tree_rss(proc: psutil.Process) -> int:
    """Resident memory of a process and all its children."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def parse_pending(data: Path, workers: int) -> dict:
    """``xxgk parse-pending`` over what the crawl queued: documents and seconds."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "crawler.cli", "parse-pending", "--data", str(data),
                          "--workers", str(workers), "--json"], cwd=ROOT, capture_output=True,
                         text=True)
    docs = [line for line in out.stdout.splitlines() if line.startswith("{")]
    ok = sum(1 for line in docs if '"status": "ok"' in line or '"status": "warnings"' in line)
    return {"docs": len(docs), "ok": ok, "wall": time.perf_counter() - t0, "rc": out.returncode}


def crawl(base: str, work: Path, run: str, parse_workers: int = 1) -> dict:
    data = work / run
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "discover", "-a", f"url={base}{PREFIX}index.html",
           "-a", f"allow={PREFIX}"]
    for k, v in {**FAST, **RUNS[run]}.items():
        cmd += ["-s", f"{k}={v}"]
    env = dict(os.environ, XXGK_DATA=str(data), PYTHONUNBUFFERED="1")
    log = data / "crawl.log"
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
        ps = psutil.Process(proc.pid)
        peak = last = 0
        samples = []          # (seconds, RSS)
        while proc.poll() is None:
            try:
                rss = tree_rss(ps)
            except psutil.Error:
                rss = 0
            if rss:             # 0: the process ended between poll() and the sample
                last = rss
                peak = max(peak, last)
                samples.append((time.perf_counter() - t0, last))
            time.sleep(0.5)
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    text = log.read_text("utf-8", "replace")
    pages = int(_stat(text, "response_received_count") or 0)
    # RSS at each quarter of the run (pages come at a steady rate once the lists are walked).
    quarters = [next((r for t, r in samples if t >= wall * q / 4), last) for q in (1, 2, 3, 4)]
    parse = parse_pending(data, parse_workers) if run == "full" else None
    return {"run": run, "rc": proc.returncode, "wall": wall, "cpu": cpu, "pages": pages,
            "peak_rss": peak, "last_rss": last, "quarters": quarters,
            "memusage_max": _stat(text, "memusage/max"),
            "startup": _stat(text, "memusage/startup"),
            "reports": _stat(text, "xxgk/fetch/report"), "queued": _stat(text, "xxgk/parse/queued"),
            "parse": parse}


def _stat(log: str, name: str):
    m = re.search(r"'" + re.escape(name) + r"': (\d+)", log)
    return int(m.group(1)) if m else None


def _children_cpu() -> float:
    """User + system CPU seconds of the children waited for so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def scrapy_bench(seconds: int) -> dict | None:
    """Plain `scrapy bench` (no project settings: run from a scratch directory): pages/s over
    its crawl's elapsed time, and CPU seconds a page (its server, a child of its own, included)."""
    cpu0 = _children_cpu()
    out = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                          "-s", "LOG_LEVEL=INFO"], cwd="/tmp", capture_output=True, text=True,
                         timeout=seconds + 120)
    cpu = _children_cpu() - cpu0
    text = out.stderr + out.stdout
    pages = _stat(text, "response_received_count")
    m = re.search(r"'elapsed_time_seconds': ([\d.]+)", text)
    if not pages or not m:
        return None
    return {"pages": pages, "rate": pages / float(m.group(1)), "cpu": cpu}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=10_000, help="report pages on the portal")
    ap.add_argument("--runs", default="crawl,archive,full", help="which runs, comma-separated")
    ap.add_argument("--bench-seconds", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=2,
                    help="times every run (and a scrapy bench before it) is repeated, alternating")
    ap.add_argument("--parse-workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                    help="the parse pool's workers in the full run")
    ap.add_argument("--work", default="/tmp/xxgk-crawl-bench", help="scratch directory (wiped)")
    args = ap.parse_args()
    work = Path(args.work)
    server = serve(args.reports)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    mib = 1024 * 1024
    out = functools.partial(print, flush=True)      # rows as they come: a long run can be read early
    out(f"### Crawl ({args.reports:,} report pages + {(args.reports + PER_PAGE - 1) // PER_PAGE + 2} "
        f"listings, politeness off)\n")
    out(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}.\n")
    out("| run | pages | time | pages/s | × the scrapy bench before it | CPU s | CPU ms a page "
        "| peak RSS | RSS at ¼, ½, ¾, end | Scrapy memusage/max |")
    out("|---|---|---|---|---|---|---|---|---|---|")
    results, ratios = [], {}
    for _ in range(args.rounds):
        for run in args.runs.split(","):
            b = scrapy_bench(args.bench_seconds)
            if b is not None:
                out(f"| `scrapy bench` ({args.bench_seconds} s, plain Scrapy, its own server) | "
                    f"{b['pages']:,} | | {b['rate']:.1f} | 1 | {b['cpu']:.0f} | "
                    f"{b['cpu'] / b['pages'] * 1000:.1f} | | | |")
            r = crawl(base, work, run, args.parse_workers)
            results.append(r)
            rate = r["pages"] / r["wall"] if r["wall"] else 0
            mu = f"{r['memusage_max'] / mib:.0f} MiB" if r["memusage_max"] else "-"
            flag = "" if r["rc"] == 0 else f" (exit {r['rc']})"
            ratio = f"{rate / b['rate']:.2f}" if b else "-"
            if b:
                ratios.setdefault(run, []).append(rate / b["rate"])
            quarters = ", ".join(f"{q / mib:.0f}" for q in r["quarters"])
            out(f"| {r['run']}{flag} | {r['pages']:,} | {r['wall']:.0f} s | {rate:.1f} | {ratio} | "
                f"{r['cpu']:.0f} | {r['cpu'] / max(r['pages'], 1) * 1000:.1f} | "
                f"{r['peak_rss'] / mib:.0f} MiB | {quarters} MiB | {mu} |")
    server.shutdown()
    out()
    for run, rs in ratios.items():
        out(f"- {run}: {statistics.mean(rs):.2f} × scrapy bench on average over {len(rs)} round(s)")
    for r in results:
        line = f"- {r['run']}: {r['reports']} report pages fetched, {r['queued'] or 0} queued to parse"
        if r["parse"]:
            p = r["parse"]
            line += (f"; the parse pool ({args.parse_workers} workers) then parsed {p['docs']} "
                     f"({p['ok']} ok) in {p['wall']:.0f} s, {p['docs'] / p['wall']:.1f} documents/s")
        out(line)


if __name__ == "__main__":
    main()
