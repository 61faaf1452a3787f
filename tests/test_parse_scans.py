"""Scans of the real reports: their pages printed to images, OCRed, give the text layer's cells;
and a report whose tables are pasted in as pictures gives its tables' cells.

The three real PDFs (real fonts, real table layouts: cells set flush against their rules, a
requests table that runs over a page break, headers printed in narrow two-line columns) are
rendered to page images with a scanner's noise and skew and saved as image-only PDFs, so
nothing but OCR can read them. Each must give exactly the cells and failed checks of its
truth file, like the text-layer original in test_parse_corpus.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import generator as gen
from conftest import DATA, cell_map, load_truth
from parsers import parse_bytes
from test_parse_generated import _diff, f1

REAL = sorted((DATA / "real").glob("*.pdf"))


@pytest.fixture(scope="module", autouse=True)
def _needs_ocr():
    from parsers.formats import ocr

    if not ocr.available():
        pytest.skip("OCR (rapidocr, onnxruntime, OpenCV) is not installed")


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_scanned_real_report_cells_exact(path: Path):
    truth = load_truth(path.with_suffix(".truth.json"))
    scan = gen.to_scanned_pdf(path.read_bytes(), dpi=200, noise=12, rotate=0.7)
    report = parse_bytes(scan).to_json()

    assert report["ocr_pages"], "the scan has no text layer: every page must go through OCR"
    assert (report["organ"], report["year"], report["template"]) == (
        truth["organ"], truth["year"], truth["template"])
    got, exp = cell_map(report), cell_map(truth)
    assert f1(got, exp) >= 0.95, _diff(got, exp)
    assert got == exp, _diff(got, exp)
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert failed == truth["failed_checks"]


def test_tables_pasted_as_pictures(tmp_path):
    """The text is typed, the tables are screenshots: the pages whose pictures hold the tables
    are read by OCR for their tables, the rest of the text comes from the text layer."""
    if gen.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rep = gen.generate(7, year=2022)
    truth = rep.truth()
    report = parse_bytes(gen.to_pdf_pictures(rep)).to_json()

    assert report["ocr_pages"], "no page went through OCR"
    assert (report["organ"], report["year"], report["template"]) == (
        truth["organ"], truth["year"], truth["template"])
    got, exp = cell_map(report), cell_map(truth)
    assert got == exp, _diff(got, exp)
