"""What the parser says about a file, measured against the truth: organ and year, kind (report or
not), template, cells (precision and recall), the document's own dates.

    .venv/bin/python benchmarks/accuracy.py [--seeds 5000-5199] [--formats text,html,...]
                                            [--not-reports 60] [--ocr 0] [--errors 20]

The reports are made by crawler/demo/generator.py with ``varied=True``: titles worded every way
(year first, organ first, 年度, (2023年度), broken over lines, in a table cell, below a 索引号
table, a 目录 or a cover), townships and departments, signatures with dates (Chinese numerals
too), wholly blank table rows, dated file properties (PDF Info or XMP, DOCX/XLSX core). Each is
rendered into every format a portal publishes, and into layout text (``pdftotext -layout`` of
its PDFs). Files that are not reports (a blank form, a notice, a 解读, a list page, other
documents) are mixed in. The real reports of the shared corpus are measured too (their PDFs, and
their layout text). Pick seeds the parser was not tuned on (0-59 were).

Rendering through LibreOffice is slow; the bytes are cached under ``--cache`` (default: the
system's temporary folder), keyed by the generator's source. Parsing is never cached.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
sys.path[:0] = [str(ROOT)]

from crawler.demo import generator as gen  # noqa: E402
from parsers import ParseError, parse_bytes  # noqa: E402

FAST = ["text", "text-cells", "html", "html-gbk", "docx", "xlsx", "xlsx-sheets"]
OFFICE = ["pdf", "pdf-html", "doc", "xls", "layout", "layout-html"]
OCR = ["scan"]
# The format whose file properties a rendering carries (expected_dates).
DATES_OF = {"docx": "docx", "xlsx": "xlsx", "xlsx-sheets": "xlsx", "pdf": "pdf", "pdf-html": "pdf",
            "text": "text", "text-cells": "text", "html": "html", "html-gbk": "html",
            "doc": "doc", "xls": "xls", "layout": "layout", "layout-html": "layout",
            "scan": "scan"}
GEN_KEY = hashlib.sha256(Path(gen.__file__).read_bytes()).hexdigest()[:12]


def seeds_arg(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b) + 1) if b else [int(a)])
    return out


class Files:
    """The rendered bytes of (case, format), built in batches and cached on disk."""

    def __init__(self, cache: Path):
        self.cache = cache / f"xxgk-accuracy-{GEN_KEY}"
        self.cache.mkdir(parents=True, exist_ok=True)

    def path(self, name: str, fmt: str) -> Path:
        return self.cache / f"{name}.{fmt}"

    def get(self, name: str, fmt: str) -> bytes | None:
        p = self.path(name, fmt)
        return p.read_bytes() if p.is_file() else None

    def put(self, name: str, fmt: str, data: bytes) -> None:
        tmp = self.path(name, fmt + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(self.path(name, fmt))

    def build(self, cases: dict[str, gen.Report], formats: list[str]) -> None:
        from crawler.demo.content import soffice_batch

        fast = {"text": gen.to_text, "text-cells": lambda r: gen.to_text(r, style="cells"),
                "html": gen.to_html, "html-gbk": lambda r: gen.to_html(r, encoding="gb18030"),
                "docx": gen.to_docx, "xlsx": gen.to_xlsx,
                "xlsx-sheets": lambda r: gen.to_xlsx(r, one_sheet=False, numeric=False)}
        for fmt in formats:
            if fmt in fast:
                for name, rep in cases.items():
                    if self.get(name, fmt) is None and _renders(rep, fmt):
                        self.put(name, fmt, fast[fmt](rep))
        # LibreOffice: one process per batch of a target format.
        batches = {"pdf": ("docx", "pdf", None, gen.to_docx),
                   "pdf-html": ("html", "pdf:writer_pdf_Export", "HTML (StarWriter)",
                                lambda r: gen.to_html(r, chrome=False)),
                   "doc": ("docx", "doc:MS Word 97", None, gen.to_docx),
                   "xls": ("xlsx", "xls:MS Excel 97", None, gen.to_xlsx)}
        needed = set(formats) | {"pdf" for f in formats if f in ("layout", "scan")} | {
            "pdf-html" for f in formats if f == "layout-html"}
        for fmt, (ext, target, infilter, render) in batches.items():
            if fmt not in needed:
                continue
            todo = {name: rep for name, rep in cases.items()
                    if self.get(name, fmt) is None and _renders(rep, fmt)}
            names = list(todo)
            for i in range(0, len(names), 25):
                chunk = {n: render(todo[n]) for n in names[i:i + 25]}
                print(f"  LibreOffice: {len(chunk)} files to {fmt} ...", file=sys.stderr)
                for n, data in soffice_batch(chunk, ext, target, infilter).items():
                    rep = todo[n]
                    if fmt.startswith("pdf") and rep.opts.dated and rep.created:
                        data = gen.stamp_pdf_dates(data, rep.created, rep.modified,
                                                   xmp=rep.opts.dated == "xmp")
                    self.put(n, fmt, data)
        for fmt, src in (("layout", "pdf"), ("layout-html", "pdf-html"), ("scan", "pdf")):
            if fmt not in formats:
                continue
            for name, rep in cases.items():
                pdf = self.get(name, src)
                if self.get(name, fmt) is None and pdf is not None:
                    data = (gen.to_layout_text(pdf) if fmt != "scan"
                            else gen.to_scanned_pdf(pdf, noise=10, rotate=0.5))
                    self.put(name, fmt, data)


def _renders(rep: gen.Report, fmt: str) -> bool:
    """Files that are not reports come as a page, a text or a Word file (a form as a workbook
    too); reports come in every format."""
    if not rep.not_a_report:
        return True
    return fmt in ("text", "html", "docx", "pdf", "layout") or (
        rep.not_a_report == "form" and fmt in ("xlsx", "xls"))


class Tally:
    def __init__(self):
        self.n = self.organ = self.year = self.kind = self.template = 0
        self.tp = self.fp = self.fn = 0
        self.dates = self.dates_n = 0
        self.errors: list[str] = []
        self.seconds = 0.0

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        pct = lambda k: f"{100 * k / self.n:.1f}" if self.n else "-"  # noqa: E731
        dates = f"{self.dates}/{self.dates_n}" if self.dates_n else "-"
        return (f"| {name} | {self.n} | {pct(self.kind)} | {pct(self.organ)} | {pct(self.year)} | "
                f"{pct(self.template)} | {p:.4f} | {r:.4f} | {self.fp} | {dates} | "
                f"{self.seconds / max(self.n, 1):.2f} |")


HEADER = ("| format | files | kind % | organ % | year % | template % | cell precision | "
          "cell recall | cells wrong | dates right | s/file |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def cells_of(obj: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): c["value"] for c in obj["cells"]}


def score(t: Tally, label: str, report: dict | None, truth: dict, dates: list | None) -> None:
    t.n += 1
    if report is None:
        t.fn += len(truth["cells"])
        t.errors.append(f"{label}: parse error")
        return
    kind = truth.get("kind", "report")
    problems = []
    for key, ok in (("kind", report["kind"] == kind),
                    ("organ", report["organ"] == truth["organ"]),
                    ("year", report["year"] == truth["year"]),
                    ("template", report["template"] == truth["template"])):
        setattr(t, key, getattr(t, key) + ok)
        if not ok:
            problems.append(f"{key} {report[key]!r} (truth {truth[key]!r})")
    got, exp = cells_of(report), cells_of(truth)
    wrong = {k: v for k, v in got.items() if exp.get(k) != v}
    t.tp += len(got) - len(wrong)
    t.fp += len(wrong)
    t.fn += sum(1 for k, v in exp.items() if got.get(k) != v)
    if wrong:
        problems.append("wrong " + ", ".join(f"{'/'.join(k)}={v} (truth {exp.get(k, 'absent')})"
                                             for k, v in list(wrong.items())[:4]))
    missing = [k for k in exp if k not in got]
    if missing:
        problems.append(f"{len(missing)} cells missing, e.g. {'/'.join(missing[0])}")
    if dates is not None:
        t.dates_n += 1
        if report["dates"] == dates:
            t.dates += 1
        else:
            problems.append(f"dates {report['dates']} (truth {dates})")
    if problems:
        t.errors.append(f"{label}: " + "; ".join(problems))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="5000-5099", help="report seeds, e.g. 5000-5199,7000")
    ap.add_argument("--formats", default=",".join(FAST + OFFICE))
    ap.add_argument("--not-reports", type=int, default=40, help="files that are not reports")
    ap.add_argument("--ocr", type=int, default=0, help="reports to scan and read by OCR")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--errors", type=int, default=15, help="problems to list per format")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    seeds = seeds_arg(args.seeds)
    cases = {f"r{s}": gen.generate(s, varied=True) for s in seeds}
    for i in range(args.not_reports):
        s = seeds[0] + i
        cases[f"n{s}"] = gen.not_a_report(s, gen.NOT_REPORTS[i % len(gen.NOT_REPORTS)])
    files = Files(args.cache)
    print(f"rendering {len(cases)} cases into {len(formats)} formats (cached in {files.cache}) ...",
          file=sys.stderr)
    files.build(cases, formats)
    if args.ocr:
        files.build(dict(list(cases.items())[:args.ocr]), ["scan"])
    tallies: dict[str, Tally] = defaultdict(Tally)
    for fmt in formats + (["scan"] if args.ocr else []):
        names = list(cases)[:args.ocr] if fmt == "scan" else list(cases)
        for name in names:
            rep, data = cases[name], files.get(name, fmt)
            if data is None:
                continue
            t = tallies[fmt]
            start = time.perf_counter()
            try:
                report = parse_bytes(data).to_json()
            except ParseError:
                report = None
            t.seconds += time.perf_counter() - start
            truth = rep.truth()
            truth.setdefault("kind", "report")
            dates = None if rep.not_a_report else rep.expected_dates(DATES_OF[fmt])
            score(t, f"{name}.{fmt}", report, truth, dates)
    real = real_corpus(tallies)
    print(f"\nseeds {args.seeds} (varied), {args.not_reports} files that are not reports"
          f"{f', {args.ocr} scans' if args.ocr else ''}; generator {GEN_KEY}\n")
    print(HEADER)
    total = Tally()
    for name, t in tallies.items():
        print(t.row(name))
        if not name.startswith("real"):
            for k in ("n", "organ", "year", "kind", "template", "tp", "fp", "fn", "dates",
                      "dates_n", "seconds"):
                setattr(total, k, getattr(total, k) + getattr(t, k))
    print(total.row("all generated"))
    if not real:
        print("\n(the shared corpus is not beside the project: real reports not measured)")
    for name, t in tallies.items():
        if t.errors and args.errors:
            print(f"\n{name}: {len(t.errors)} files with problems")
            for e in t.errors[:args.errors]:
                print("  " + e)
    if args.json:
        args.json.write_text(json.dumps({name: vars(t) for name, t in tallies.items()},
                                        ensure_ascii=False, indent=1, default=str))


def real_corpus(tallies: dict[str, Tally]) -> bool:
    """The shared corpus: the seed reports and the real PDFs (and their layout text) against
    their truth; the blank form is not a report."""
    if not SHARED.is_dir():
        return False
    truths = {p.name.removesuffix(".truth.json"): json.loads(p.read_text("utf-8"))
              for p in (ROOT / "tests" / "data" / "real").glob("*.truth.json")}
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        truth = json.loads(path.with_suffix(".truth.json").read_text("utf-8"))
        truth.setdefault("kind", "report")
        score(tallies["real: seeds"], path.name, parse_bytes(path.read_bytes()).to_json(), truth,
              None)
    for name, truth in truths.items():
        truth = {**truth, "kind": "report"}
        pdf = next((SHARED / "real").glob(f"*/{name}.pdf")).read_bytes()
        score(tallies["real: pdf"], name, parse_bytes(pdf).to_json(), truth, None)
        score(tallies["real: layout"], name, parse_bytes(gen.to_layout_text(pdf)).to_json(),
              truth, None)
    form = next((SHARED / "real").glob("*/001.docx"), None)
    if form is not None:
        truth = {"kind": "not_a_report", "organ": None, "year": None, "template": None,
                 "cells": []}
        score(tallies["real: blank form"], form.name, parse_bytes(form.read_bytes()).to_json(),
              truth, None)
    return True


if __name__ == "__main__":
    main()
