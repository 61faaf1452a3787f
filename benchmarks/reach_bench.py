"""Reach benchmark: recall, precision and duplicate fetches per CMS family on the held-out
imitation portals (tests/heldout/), each crawled from its home page with the real
``scrapy crawl discover -a url=…`` through a local forward proxy, as tests/test_crawl_heldout.py
does.

    python benchmarks/reach_bench.py                 # every imitation, three crawls at a time
    python benchmarks/reach_bench.py --workers 1 ucap-412 gkmlpt-hidden

Prints a Markdown section for docs/benchmarks.md: one row per portal (reports published, found,
archived as reports, of which real; duplicate fetches; seconds), then one row per family.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))            # the held-out imitations are test support

from heldout.portals import build  # noqa: E402
from heldout.run import measure  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sites", nargs="*", help="imitations to crawl (default: all)")
    ap.add_argument("--workers", type=int, default=3, help="crawls at once")
    args = ap.parse_args(argv)
    sites = [s for s in build() if not args.sites or s.name in args.sites]
    with tempfile.TemporaryDirectory(prefix="reach-bench-") as tmp:
        results = measure(sites, Path(tmp), workers=args.workers)
    print("## Reach: held-out portals crawled from their home pages\n")
    print("| portal | family | reports | found | archived | real | recall | precision | fetched twice | s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    fam = defaultdict(lambda: defaultdict(float))
    for sc, res in results:
        print(f"| {sc.site} | {sc.family} | {sc.expected} | {sc.found} | {sc.reports} | {sc.true_reports} | "
              f"{sc.recall:.1%} | {sc.precision:.1%} | {sc.duplicate_fetches} | {res.seconds:.0f} |")
        for k, v in (("expected", sc.expected), ("found", sc.found), ("reports", sc.reports),
                     ("true", sc.true_reports), ("twice", sc.duplicate_fetches)):
            fam[sc.family][k] += v
    print("\n| family | reports | recall | precision | fetched twice |")
    print("|---|---:|---:|---:|---:|")
    for name, f in sorted(fam.items()):
        print(f"| {name} | {int(f['expected'])} | {f['found'] / f['expected']:.1%} | "
              f"{f['true'] / f['reports'] if f['reports'] else 0:.1%} | {int(f['twice'])} |")
    failed = [sc.site for sc, res in results if res.returncode != 0]
    if failed:
        print(f"\ncrawls that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
