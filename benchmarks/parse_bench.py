"""Documents per second of ``parsers.parse_bytes`` by format, on one core, against the plain
text-extraction call of the library underneath (the floor).

    .venv/bin/python benchmarks/parse_bench.py [--docs 20] [--ocr-docs 3]

Inputs are reports rendered by crawler/demo/generator.py (known cells, so accuracy is printed too;
benchmarks/accuracy.py measures accuracy in full), layout text is their PDFs through pdftotext,
built once before timing, and the real reports of the shared corpus (../shared/corpus/real, 5 and
6 pages; their cells in tests/data/real). The process is pinned to one core, except the OCR row,
which uses both (the goal there is seconds per table page on the whole machine).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = ROOT.parent / "shared" / "corpus" / "real"  # files from other repositories
REAL_TRUTH = ROOT / "tests" / "data" / "real"  # their cells, ours
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crawler.demo import generator as gen  # noqa: E402
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
    ap.add_argument("--ocr-docs", type=int, default=3,
                    help="generated reports to scan and OCR (the real reports are scanned too)")
    args = ap.parse_args()
    real = sorted(REAL_DIR.glob("*/*.pdf"), key=lambda p: p.name)
    if not real:
        sys.exit(f"{REAL_DIR}: no real reports (the shared corpus is not beside the project)")

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
    formats["layout"] = ([gen.to_layout_text(d) for d in formats["pdf"][0]], floor_text)
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
                 "xlsx": "calamine to_python", "pdf": "pypdfium2 get_text_range",
                 "layout": "bytes.decode (pdftotext -layout of the PDFs)"}[name]
        print(f"| {name} | {ours:.1f} | {isolated:.1f} | {base:.1f} | {label} | {acc:.4f} |")
    plumber = rate(floor_pdfplumber, formats["pdf"][0][:5])
    print(f"| pdf (pdfplumber extract_tables on every page, for comparison) | | | {plumber:.1f} | "
          f"pdfplumber | |")
    # The real reports: 5 and 6 pages, real fonts and layouts.
    import json

    real_docs = [p.read_bytes() for p in real]
    real_truths = [json.loads((REAL_TRUTH / f"{p.stem}.truth.json").read_text()) for p in real]
    real_pages = [len(pdfium.PdfDocument(d)) for d in real_docs]
    ours = rate(parse_bytes, real_docs, repeat=3)
    isolated = rate(parse_isolated, real_docs, repeat=3)
    base = rate(floor_pdf, real_docs, repeat=3)
    acc = sum(f1(parse_bytes(d), t) for d, t in zip(real_docs, real_truths)) / len(real_docs)
    print(f"| pdf, real reports ({min(real_pages)}-{max(real_pages)} pages) | {ours:.1f} | "
          f"{isolated:.1f} | {base:.1f} | pypdfium2 get_text_range | {acc:.4f} |")
    print(f"| pdf, real reports (pdfplumber extract_tables on every page) | | | "
          f"{rate(floor_pdfplumber, real_docs):.1f} | pdfplumber | |")
    print(f"\nPDF pages per document: generated mean {sum(pages) / len(pages):.1f}, "
          f"real {', '.join(map(str, real_pages))}")

    # OCR: both cores, seconds per scanned page, table pages apart from text-only pages.
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    from parsers.formats import available_ocr

    ocr = available_ocr()
    if ocr is None:
        print("OCR not available")
        return
    scans = [(gen.to_scanned_pdf(gen.to_pdf(r), noise=10, rotate=0.5), t)
             for r, t in zip(reps[: args.ocr_docs], truths)]
    scans += [(gen.to_scanned_pdf(d, noise=12, rotate=0.7), t)
              for d, t in zip(real_docs, real_truths)]
    ocr.engine()
    ocr.pdf_page(scans[0][0], 0)  # warm-up
    table_times, text_times, plain_times, accs = [], [], [], []
    plain = ocr.engine()
    for data, truth in scans:
        doc = pdfium.PdfDocument(data)
        for i in range(len(doc)):
            start = time.perf_counter()
            _, rows = ocr.pdf_page(data, i)
            elapsed = time.perf_counter() - start
            (table_times if any(r.grid is not None for r in rows) else text_times).append(elapsed)
            # The plain library call on the same page: rapidocr's own detect + recognise.
            img = doc[i].render(scale=ocr.DPI / 72, grayscale=True).to_numpy()
            start = time.perf_counter()
            plain(img if img.ndim == 3 else img[:, :, None].repeat(3, axis=2),
                  use_det=True, use_cls=False, use_rec=True)
            plain_times.append(time.perf_counter() - start)
        accs.append(f1(parse_bytes(data), truth))
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    print(f"\nOCR (2 cores, {ocr.DPI} dpi) over {len(scans)} scanned documents: "
          f"{mean(table_times):.2f} s per table page ({len(table_times)} pages), "
          f"{mean(text_times):.2f} s per text-only page ({len(text_times)} pages); "
          f"rapidocr's own detect + recognise call on the same pages {mean(plain_times):.2f} s; "
          f"cell F1 {mean(accs):.4f}")


if __name__ == "__main__":
    main()
