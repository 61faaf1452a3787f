"""What a portal's crawl costs before it fetches anything: portals whose host refuses every
connection, crawled by ``scrapy crawl`` in a process each, then by one
``crawler.jobs.batch_crawl`` process in turn (the nightly's ``--portals-per-process``);
CPU seconds (``getrusage``) and wall time a portal, alternating, several rounds.

    python benchmarks/portal_overhead.py --portals 10 --rounds 2

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_PORTALS = ROOT / "crawler" / "demo" / "portals.json"
# Nothing listens on the discard port: every request is refused at once.
REFUSED = "http://127.0.0.1:9"
SETTINGS = ["-s", "LOG_LEVEL=INFO", "-s", "RETRY_TIMES=0", "-s", "XXGK_RECHECK=False"]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """CPU and wall seconds of a command run to its end."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    return _children_cpu() - cpu0, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portals", type=int, default=10, help="portals in the batch process")
    ap.add_argument("--single", type=int, default=3, help="portals crawled a process each")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xxgk-overhead-"))
    demo = {p["id"]: p for p in json.loads(DEMO_PORTALS.read_text("utf-8"))["portals"]}
    portals = []
    for i in range(args.portals):
        p = json.loads(json.dumps(demo["demo-trs"]).replace("{demo}", REFUSED))
        p.pop("demo", None)
        p["id"] = f"refused-{i}"
        portals.append(p)
    (work / "portals.json").write_text(json.dumps({"portals": portals}), encoding="utf-8")
    env = {**os.environ, "XXGK_PORTALS": str(work / "portals.json"), "XXGK_DATA": str(work / "data")}
    names = [p["id"] for p in portals]
    print("| how | CPU s a portal | wall a portal |\n|---|---|---|")
    for rnd in range(args.rounds):
        cpu = wall = 0.0
        for name in names[:args.single]:
            c, w = timed([sys.executable, "-m", "scrapy", "crawl", name, *SETTINGS], env)
            cpu, wall = cpu + c, wall + w
        print(f"| `scrapy crawl <portal>`, a process each (round {rnd + 1}) | "
              f"{cpu / args.single:.2f} | {wall / args.single:.1f} s |", flush=True)
        logs = work / f"logs-{rnd}"
        logs.mkdir()
        c, w = timed([sys.executable, "-m", "crawler.jobs.batch_crawl", "--logs", str(logs),
                      "--results", str(logs / "outcomes.jsonl"), *SETTINGS, *names], env)
        print(f"| {args.portals} portals in turn in one process (round {rnd + 1}) | "
              f"{c / args.portals:.2f} | {w / args.portals:.1f} s |", flush=True)


if __name__ == "__main__":
    main()
