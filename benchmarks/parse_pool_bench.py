"""Parse pool benchmark: documents per second of ``xxgk parse-pending``'s pool, by format, with
N worker processes — what the archive stores per second once the crawls have queued documents.

    .venv/bin/python benchmarks/parse_pool_bench.py                     # 40 a format, 2 workers
    .venv/bin/python benchmarks/parse_pool_bench.py --docs 10 --workers 1,2 --files DIR

Inputs: reports rendered by crawler/demo/generator.py as text, HTML, DOCX and XLSX (each a new
report, so no two documents share bytes), and every file of a built demo portal (``--files``:
its PDFs, DOC, WPS, XLS from LibreOffice, scanned PDFs for OCR; default: the demo's cache,
``$XXGK_DEMO_DIR`` or ``./data/demo-site``, when it was built). They are stored unparsed in a
scratch archive (``ingest --no-parse``: pending, as a crawl leaves them); then, for each format
and each pool size, the pending documents of that format are parsed and stored through
:class:`archive.parse_pool.ParsePool` and timed on the wall clock. Between runs the documents
are set back to pending.

With ``--redis URL``, the same documents are also drained whole by the local pool and by
parse workers through Redis (``xxgk parse-pending --redis``'s :class:`archive.parse_queue.
SharedParsePool` with no local worker, and N ``xxgk parse-worker`` processes, each as on another
machine), alternating, ``--rounds`` times: wall-clock and CPU seconds (this process and its
children, the workers' sandboxes included).

    .venv/bin/python benchmarks/parse_pool_bench.py --workers 2 --redis redis://127.0.0.1:6379/0

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.ingest import ingest_file  # noqa: E402
from archive.parse_pool import ParsePool  # noqa: E402
from archive.parse_queue import SharedParsePool  # noqa: E402
from archive.store import Archive  # noqa: E402
from crawler.demo import generator as gen  # noqa: E402

# Formats made here, in pure Python (no LibreOffice).
MADE = {"text": ("txt", gen.to_text), "html": ("html", lambda r: gen.to_html(r, chrome=False)),
        "docx": ("docx", gen.to_docx), "xlsx": ("xlsx", gen.to_xlsx)}


def demo_files(folder: Path | None) -> list[Path]:
    if folder is None:
        env = os.environ.get("XXGK_DEMO_DIR")
        folder = Path(env) if env else ROOT / "data" / "demo-site"
    files = folder / "files"
    return sorted(p for p in files.iterdir() if p.is_file()) if files.is_dir() else []


def build(work: Path, docs: int, files: list[Path]) -> Path:
    src = work / "src"
    src.mkdir(parents=True)
    paths = []
    for fmt, (ext, make) in MADE.items():
        for i in range(docs):
            p = src / f"{fmt}-{i:04d}.{ext}"
            p.write_bytes(make(gen.generate(10_000 + i * 7 + len(fmt))))
            paths.append(p)
    data = work / "data"
    with Archive(data) as arc:
        for p in [*paths, *files]:
            ingest_file(arc, p, parse=False)
    return data


def by_format(arc: Archive) -> dict[str, list[str]]:
    out = defaultdict(list)
    for row in arc.db.query("SELECT sha256, format FROM documents WHERE parse_status IS NOT NULL "
                            "ORDER BY id"):
        out[row["format"]].append(row["sha256"])
    return dict(out)


def reset(arc: Archive, shas: list[str]) -> None:
    with arc.writer.transaction() as db:
        db.conn.executemany("UPDATE documents SET parse_status = 'pending' WHERE sha256 = ?",
                            [(s,) for s in shas])


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children waited for (theirs included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def drain_remote(arc: Archive, url: str, workers: int):
    """Every pending document, parsed by ``workers`` parse-worker processes through Redis."""
    procs = [subprocess.Popen([sys.executable, "-m", "crawler.cli", "parse-worker", "--redis", url,
                               "--data", str(arc.layout.root)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(workers)]
    counts = SharedParsePool(arc, url, workers=0).drain()
    for proc in procs:
        proc.wait()
    return counts


def local_against_remote(arc: Archive, url: str, workers: list[int], rounds: int) -> list[tuple]:
    shas = [s for group in by_format(arc).values() for s in group]
    rows = []
    for n in workers:
        for r in range(rounds):
            for mode in (("local", "remote") if r % 2 == 0 else ("remote", "local")):
                reset(arc, shas)
                t0, c0 = time.perf_counter(), cpu_seconds()
                counts = (ParsePool(arc, workers=n).drain() if mode == "local"
                          else drain_remote(arc, url, n))
                rows.append((mode, n, r + 1, len(shas), sum(counts.values()),
                             time.perf_counter() - t0, cpu_seconds() - c0))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=40, help="generated documents a format")
    ap.add_argument("--workers", default="2", help="pool sizes, comma-separated")
    ap.add_argument("--files", type=Path, default=None, help="a built demo portal's folder")
    ap.add_argument("--work", default="/tmp/xxgk-parse-pool-bench", help="scratch (wiped)")
    ap.add_argument("--redis", default=None, metavar="URL",
                    help="also compare the local pool with parse workers through this Redis")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the local/remote comparison")
    ap.add_argument("--skip-formats", action="store_true", help="only the local/remote comparison")
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    files = demo_files(args.files)
    data = build(work, args.docs, files)
    sizes = [int(n) for n in args.workers.split(",")]
    rows, versus = [], []
    with Archive(data) as arc:
        formats = {} if args.skip_formats else by_format(arc)
        if args.redis:
            versus = local_against_remote(arc, args.redis, sizes, args.rounds)
        for fmt, shas in sorted(formats.items()):
            for n in sizes:
                reset(arc, shas)
                seconds = []
                t0 = time.perf_counter()
                counts = ParsePool(arc, workers=n).drain(
                    shas, on_result=lambda p: seconds.append(p.seconds))
                wall = time.perf_counter() - t0
                rows.append((fmt, n, len(shas), wall, statistics.median(seconds) if seconds else 0,
                             counts.get("ok", 0) + counts.get("warnings", 0)))
    print(f"### Parse pool ({args.docs} generated documents a format"
          + (f", {len(files)} demo portal files" if files else "") + ")\n")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}. Wall time includes spawning the pool.\n")
    if rows:
        print("| format | workers | documents | parsed | wall | documents/s "
              "| median s a document |")
        print("|---|---|---|---|---|---|---|")
    for fmt, n, docs, wall, median, parsed in rows:
        print(f"| {fmt} | {n} | {docs} | {parsed} | {wall:.1f} s | {docs / wall:.2f} | "
              f"{median:.2f} |")
    if versus:
        print("\n| pool | workers | round | documents | parsed | wall | CPU | documents/s |")
        print("|---|---|---|---|---|---|---|---|")
        for mode, n, r, docs, parsed, wall, cpu in versus:
            print(f"| {mode} | {n} | {r} | {docs} | {parsed} | {wall:.1f} s | {cpu:.1f} s | "
                  f"{docs / wall:.2f} |")


if __name__ == "__main__":
    main()
