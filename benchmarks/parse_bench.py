"""Documents per second of ``parsers.parse_bytes`` by format, on one core, against the plain
text-extraction call of the library underneath (the floor).

    .venv/bin/python benchmarks/parse_bench.py [--docs 20] [--ocr-pages 3]

Inputs are reports rendered by tests/generator.py (known cells, so accuracy is printed too),
built once before timing. The process is pinned to one core, except the OCR row, which uses
both (the goal there is seconds per table page on the whole machine).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import generator as gen  # noqa: E402
from parsers import parse_bytes  # noqa: E402
from parsers.sandbox import parse_isolated  # noqa: E402


def floor_text(data):
    data.decode("utf-8")


def floor_html(data):
    import lxml.html

    lxml.html.document_fromstring(data).text_content()


def floor_docx(data):
    from docx import Document

    doc = Document(io.BytesIO(data))
    [p.text for p in doc.paragraphs]
    [c.text for t in doc.tables for r in t.rows for c in r.cells]


def floor_pdf(data):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
    pdf.close()


def floor_pdfplumber(data):
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def floor_sheet(data):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def rate(fn, docs, repeat=1) -> float:
    fn(docs[0])  # warm-up: imports, caches
    start = time.perf_counter()
    for _ in range(repeat):
        for d in docs:
            fn(d)
    return len(docs) * repeat / (time.perf_counter() - start)


def f1(report, truth) -> float:
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in report.to_json()["cells"]}
    exp = {(c["table"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    ok = sum(1 for k, v in got.items() if exp.get(k) == v)
    if not got or not exp:
        return 0.0
    p, r = ok / len(got), ok / len(exp)
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20, help="documents per format")
    ap.add_argument("--ocr-pages", type=int, default=2, help="scanned table pages to OCR")
    args = ap.parse_args()

    reps = [gen.generate(seed) for seed in range(args.docs)]
    truths = [r.truth() for r in reps]
    print(f"building {args.docs} documents per format ...", file=sys.stderr)
    formats = {
        "text": ([gen.to_text(r) for r in reps], floor_text),
        "html": ([gen.to_html(r) for r in reps], floor_html),
        "docx": ([gen.to_docx(r) for r in reps], floor_docx),
        "xlsx": ([gen.to_xlsx(r) for r in reps], floor_sheet),
        "pdf": ([gen.to_pdf(r) for r in reps], floor_pdf),
    }
    import pypdfium2 as pdfium

    pages = [len(pdfium.PdfDocument(d)) for d in formats["pdf"][0]]
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"| format | parse_bytes docs/s | in a child process docs/s | floor docs/s | floor call | cell F1 |")
    print("|---|---:|---:|---:|---|---:|")
    for name, (docs, floor) in formats.items():
        ours = rate(parse_bytes, docs)
        isolated = rate(parse_isolated, docs)
        base = rate(floor, docs)
        acc = sum(f1(parse_bytes(d), t) for d, t in zip(docs, truths)) / len(docs)
        label = {"text": "bytes.decode", "html": "lxml text_content", "docx": "python-docx text",
                 "xlsx": "calamine to_python", "pdf": "pypdfium2 get_text_range"}[name]
        print(f"| {name} | {ours:.1f} | {isolated:.1f} | {base:.1f} | {label} | {acc:.4f} |")
    plumber = rate(floor_pdfplumber, formats["pdf"][0][:5])
    print(f"| pdf (pdfplumber extract_tables on every page, for comparison) | | | {plumber:.1f} | "
          f"pdfplumber | |")
    print(f"\nPDF pages per document: mean {sum(pages) / len(pages):.1f}")

    # OCR: both cores, seconds per scanned table page.
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    from parsers.formats import ocr

    if not ocr.available():
        print("OCR not available")
        return
    scans = []
    for r in reps[: args.ocr_pages]:
        pdf = gen.to_pdf(r)
        scans.append(gen.to_scanned_pdf(pdf))
    parse_bytes(scans[0])
    start = time.perf_counter()
    total_pages = 0
    accs = []
    for s, t in zip(scans, truths):
        rep = parse_bytes(s)
        total_pages += len(rep.ocr_pages)
        accs.append(f1(rep, t))
    elapsed = time.perf_counter() - start
    print(f"\nOCR (2 cores): {elapsed / total_pages:.2f} s per scanned page over {total_pages} pages,"
          f" cell F1 {sum(accs) / len(accs):.4f}")


if __name__ == "__main__":
    main()
