"""Hostile inputs through the commands a user runs: seconds, peak RSS of the whole process tree
(the command, its parse child, Scrapy, the Playwright driver, Chromium) and how each ended.

    .venv/bin/python benchmarks/hostile_bench.py [--only NAME] [--per-process]

The inputs are those of tests/test_hostile_*.py, built in a temporary directory; the crawls run
against the hostile portal of tests/hostile_portal.py on 127.0.0.1 with production settings (the
browser cases with a 30 s page deadline, so the run takes minutes, not hours). RSS is summed over
the tree, so pages two processes share are counted twice: an upper bound. A crawl's tree is also
sampled for its proportional set size (``Pss`` in ``/proc/PID/smaps_rollup``: a shared page split
between the processes that map it), whose sum is what the tree really holds; ``--per-process``
prints each crawl's processes (Scrapy, the Playwright driver, Chromium's browser, zygotes, GPU,
network and other utility processes, renderers) at the moment of its peak PSS.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import threading
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crawl_fixtures import rows, start_crawl  # noqa: E402
from hostile_portal import HostilePortal, slow_report_html  # noqa: E402
from process_tree import PeakTreeRSS, descendants  # noqa: E402
from test_hostile_limits import faked_docx, million_row_xlsx  # noqa: E402

XXGK = str(ROOT / ".venv" / "bin" / "xxgk")
GiB = 1024 ** 3


def measured(cmd, **kw) -> tuple[float, int, str]:
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    peak = PeakTreeRSS(proc.pid)
    err = proc.communicate()[1].decode("utf-8", "replace").strip().splitlines()
    return time.monotonic() - t0, peak.stop(), (err[-1] if err else f"exit {proc.returncode}")


FILES = {"xlsx, 1,000,000 rows": "million.xlsx", "pdf, 200 blank pages": "blank.pdf",
         "docx, faked zip sizes (300 MiB inside)": "faked.docx",
         "html, 1000 nested divs": "deep.html", "html, 50 MB table": "table.html",
         "html, 19,000-row table (slow)": "slow.html",
         "text, 1,500,000 lines": "long.txt", "pdf, 1 GiB": "huge.pdf"}


def files(tmp: Path) -> dict[str, Path]:
    from reportlab.pdfgen import canvas

    out = {name: tmp / file for name, file in FILES.items()}
    out["text, 1,500,000 lines"].write_text("规章\t1\t2\t3\n" * 1_500_000, encoding="utf-8")
    million_row_xlsx(out["xlsx, 1,000,000 rows"])
    c = canvas.Canvas(str(out["pdf, 200 blank pages"]))
    for _ in range(200):
        c.showPage()
    c.save()
    out["docx, faked zip sizes (300 MiB inside)"].write_bytes(faked_docx())
    out["html, 1000 nested divs"].write_text("<html><body>" + "<div>" * 1000 + "深处" + "</div>" * 1000
                                             + "</body></html>", encoding="utf-8")
    out["html, 50 MB table"].write_text("<html><body><table>" + "".join(
        f"<tr><td>规章{i}</td><td>1</td><td>2</td><td>3</td></tr>" for i in range(800_000))
        + "</table></body></html>", encoding="utf-8")
    out["html, 19,000-row table (slow)"].write_bytes(slow_report_html())
    with open(out["pdf, 1 GiB"], "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(GiB)
    return out


def role(pid: int) -> str:
    """What a process of a crawl's tree is: Scrapy, the Playwright driver, or which Chromium."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return "gone"
    if len([a for a in argv if a]) == 1:   # Chromium's children rewrite theirs as one string
        argv = argv[0].split(" ")
    exe = os.path.basename(argv[0])
    if "chrom" not in exe:
        return {"node": "playwright driver"}.get(exe, "scrapy" if "python" in exe or "scrapy"
                                                 in " ".join(argv[:2]) else exe)
    opts = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    kind = opts.get("type")
    if kind is None:
        return "chromium: browser"
    if kind == "utility":
        return f"chromium: utility {opts.get('utility-sub-type', '?').split('.')[0]}"
    if kind == "zygote":
        return "chromium: zygote" + (" (unsandboxed)" if "--no-zygote-sandbox" in argv else "")
    return f"chromium: {kind}"


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in bytes, from smaps_rollup; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


class TreeMemory:
    """Samples a crawl's tree every 0.2 s: the peak of summed PSS with each process's share."""

    def __init__(self, pid: int):
        self.pid, self.peak_pss, self.peak_rss, self.at_peak = pid, 0, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            sample = [(p, role(p), *memory(p)) for p in {self.pid} | descendants(self.pid)]
            pss = sum(s[3] for s in sample)
            self.peak_rss = max(self.peak_rss, sum(s[2] for s in sample))
            if pss > self.peak_pss:
                self.peak_pss, self.at_peak = pss, sample
            time.sleep(0.2)

    def stop(self) -> "TreeMemory":
        self._stop.set()
        self._thread.join()
        return self

    def table(self) -> str:
        out = ["| process | RSS, MiB | PSS, MiB |", "|---|---:|---:|"]
        for _, name, rss, pss in sorted(self.at_peak, key=lambda s: -s[3]):
            out.append(f"| {name} | {rss >> 20} | {pss >> 20} |")
        out.append(f"| **{len(self.at_peak)} processes** | {sum(s[2] for s in self.at_peak) >> 20}"
                   f" | {self.peak_pss >> 20} |")
        return "\n".join(out)


def crawl_case(tmp: Path, name: str, portal_kw: dict, settings: dict,
               per_process: bool = False) -> tuple[float, int, str]:
    portal = HostilePortal(**portal_kw)
    data = tmp / name
    try:
        t0 = time.monotonic()
        proc = start_crawl("discover", data, portal.base_url, "-a",
                           f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                           settings=settings, log=tmp / f"{name}.log")
        peak, tree = PeakTreeRSS(proc.pid), TreeMemory(proc.pid)
        proc.wait()
        seconds, rss, tree = time.monotonic() - t0, peak.stop(), tree.stop()
    finally:
        portal.close()
    errors = [r["error"] for r in rows(data, "SELECT error FROM fetches WHERE error IS NOT NULL")]
    (status,) = [r["status"] for r in rows(data, "SELECT status FROM crawls")]
    if per_process:
        print(f"\n{name}: peak PSS of the tree {tree.peak_pss >> 20} MiB (peak RSS sum "
              f"{rss >> 20} MiB); its processes then:\n{tree.table()}\n", file=sys.stderr)
    return (seconds, rss, f"crawl {status}; PSS {tree.peak_pss >> 20} MiB; "
            + " | ".join(e[:90] for e in errors))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--per-process", action="store_true",
                    help="print each crawl's processes at its peak PSS (to stderr)")
    args = ap.parse_args()
    print("| case | command | seconds | peak RSS of the tree, MiB | outcome |")
    print("|---|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cases = []
        made = functools.cache(lambda: files(tmp))   # built once, if a file case is run
        for name in FILES:
            cases.append((name, "parse", lambda n=name: measured([XXGK, "parse", str(made()[n])])))
        cases.append(("pdf, 1 GiB", "ingest", lambda: measured(
            [XXGK, "ingest", "--data", str(tmp / "ingest"), str(made()["pdf, 1 GiB"])])))
        # Every crawl case with the crawler's own settings: the bounds a user gets.
        browser = {}
        for name, kw, sets in (
                ("gzip bomb (1 MB → 1 GiB) and a 1 GiB body", {"reports": ("ok", "bomb", "huge")}, {}),
                ("a body cut by a close, one that stops coming (no byte for 20 s)",
                 {"reports": ("ok", "drop", "stall"), "hang_seconds": 120},
                 {"DOWNLOAD_TIMEOUT": "60"}),   # the crawler's own; local runs shorten it
                ("a list page whose script hangs Chromium", {"reports": ("ok",), "hang_list": True},
                 browser),
                ("a list page whose script allocates without end",
                 {"reports": ("ok",), "heap_bomb_list": True}, browser),
                ("a JS challenge that never resolves", {"reports": ("ok", "challenged")}, browser)):
            cases.append((name, "crawl", lambda n=name, k=kw, s=sets: crawl_case(
                tmp, f"crawl{len(n)}", k, s, args.per_process)))
        for name, command, run in cases:
            if args.only and args.only not in name:
                continue
            seconds, rss, outcome = run()
            print(f"| {name} | {command} | {seconds:.1f} | {rss >> 20} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
