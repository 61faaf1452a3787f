"""Hostile inputs through the commands a user runs: seconds, peak RSS of the whole process tree
(the command, its parse child, Scrapy, the Playwright driver, Chromium) and how each ended.

    .venv/bin/python benchmarks/hostile_bench.py [--only NAME]

The inputs are those of tests/test_hostile_*.py, built in a temporary directory; the crawls run
against the hostile portal of tests/hostile_portal.py on 127.0.0.1 with production settings (the
browser cases with a 30 s page deadline, so the run takes minutes, not hours). RSS is summed over
the tree, so pages two processes share are counted twice: an upper bound.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crawl_fixtures import rows, start_crawl  # noqa: E402
from hostile_portal import HostilePortal, slow_report_html  # noqa: E402
from process_tree import PeakTreeRSS  # noqa: E402
from test_hostile_limits import faked_docx, million_row_xlsx  # noqa: E402

XXGK = str(ROOT / ".venv" / "bin" / "xxgk")
GiB = 1024 ** 3


def measured(cmd, **kw) -> tuple[float, int, str]:
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    peak = PeakTreeRSS(proc.pid)
    err = proc.communicate()[1].decode("utf-8", "replace").strip().splitlines()
    return time.monotonic() - t0, peak.stop(), (err[-1] if err else f"exit {proc.returncode}")


def files(tmp: Path) -> dict[str, Path]:
    from reportlab.pdfgen import canvas

    out = {"xlsx, 1,000,000 rows": tmp / "million.xlsx", "pdf, 200 blank pages": tmp / "blank.pdf",
           "docx, faked zip sizes (300 MiB inside)": tmp / "faked.docx",
           "html, 1000 nested divs": tmp / "deep.html", "html, 50 MB table": tmp / "table.html",
           "html, 19,000-row table (slow)": tmp / "slow.html",
           "text, 1,500,000 lines": tmp / "long.txt", "pdf, 1 GiB": tmp / "huge.pdf"}
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


def crawl_case(tmp: Path, name: str, portal_kw: dict, settings: dict) -> tuple[float, int, str]:
    portal = HostilePortal(**portal_kw)
    data = tmp / name
    try:
        t0 = time.monotonic()
        proc = start_crawl("discover", data, portal.base_url, "-a",
                           f"url={portal.base_url}/gk/index.html", "-a", "allow=/gk/",
                           settings=settings, log=tmp / f"{name}.log")
        peak = PeakTreeRSS(proc.pid)
        proc.wait()
        seconds, rss = time.monotonic() - t0, peak.stop()
    finally:
        portal.close()
    errors = [r["error"] for r in rows(data, "SELECT error FROM fetches WHERE error IS NOT NULL")]
    (status,) = [r["status"] for r in rows(data, "SELECT status FROM crawls")]
    return seconds, rss, f"crawl {status}; " + " | ".join(e[:90] for e in errors)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="run the cases whose name contains this")
    args = ap.parse_args()
    print("| case | command | seconds | peak RSS of the tree, MiB | outcome |")
    print("|---|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cases = []
        for name, path in files(tmp).items():
            cases.append((name, "parse", lambda p=path: measured([XXGK, "parse", str(p)])))
        cases.append(("pdf, 1 GiB", "ingest", lambda: measured(
            [XXGK, "ingest", "--data", str(tmp / "ingest"), str(tmp / "huge.pdf")])))
        browser = {"XXGK_BROWSER_PAGE_TIMEOUT": "30"}
        for name, kw, sets in (
                ("gzip bomb (1 MB → 1 GiB) and a 1 GiB body", {"reports": ("ok", "bomb", "huge")}, {}),
                ("a list page whose script hangs Chromium", {"reports": ("ok",), "hang_list": True},
                 browser),
                ("a JS challenge that never resolves", {"reports": ("ok", "challenged")}, browser)):
            cases.append((name, "crawl", lambda n=name, k=kw, s=sets: crawl_case(
                tmp, f"crawl{len(n)}", k, s)))
        for name, command, run in cases:
            if args.only and args.only not in name:
                continue
            seconds, rss, outcome = run()
            print(f"| {name} | {command} | {seconds:.1f} | {rss >> 20} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
