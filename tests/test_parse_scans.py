"""Scans of the real reports: their pages printed to images, OCRed, give the text layer's cells
(also under a garbled text layer, as fonts without a Unicode map leave); and a report whose
tables are pasted in as pictures gives its tables' cells.

The three real PDFs (real fonts, real table layouts: cells set flush against their rules, a
requests table that runs over a page break, headers printed in narrow two-line columns) are
rendered to page images with a scanner's noise and skew and saved as image-only PDFs, so
nothing but OCR can read them. Each must give exactly the cells and failed checks of its
truth file, like the text-layer original in test_parse_corpus.py.
"""

from __future__ import annotations

import ctypes
import io

import pytest

from conftest import REAL_NAMES, cell_map, real_pdf, real_truth
from crawler.demo import generator as gen
from parsers import parse_bytes
from parsers.formats import available_ocr
from test_parse_generated import _diff, f1


@pytest.fixture(scope="module", autouse=True)
def _needs_ocr():
    if available_ocr() is None:
        pytest.skip("OCR (rapidocr, onnxruntime, OpenCV) is not installed")


@pytest.mark.parametrize("name", REAL_NAMES)
def test_scanned_real_report_cells_exact(name: str):
    truth = real_truth(name)
    scan = gen.to_scanned_pdf(real_pdf(name).read_bytes(), dpi=200, noise=12, rotate=0.7)
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


def _with_junk_text_layer(pdf_bytes: bytes) -> bytes:
    """The PDF with a line of text on every page that extracts as junk (the codes of a font
    with no Unicode map come out as accented Latin letters)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(pdf_bytes)
    for i in range(len(pdf)):
        page = pdf[i]
        obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(9))
        junk = "".join(chr(0xC0 + (k * 7) % 0x180) for k in range(200)) + "\x00"
        buf = ctypes.create_string_buffer(junk.encode("utf-16-le"))
        raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 40, 60)
        raw.FPDFPage_InsertObject(page.raw, obj)
        raw.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_garbled_text_layer_is_read_by_ocr():
    truth = real_truth("hzq2024_working")
    scan = _with_junk_text_layer(gen.to_scanned_pdf(real_pdf("hzq2024_working").read_bytes(),
                                                    noise=8, rotate=-0.3))
    import pypdfium2 as pdfium

    from parsers.formats.pdf import garbled

    layer = pdfium.PdfDocument(scan)[0].get_textpage().get_text_range()
    assert len(layer.strip()) > 100 and garbled(layer)  # the layer is there, and junk

    report = parse_bytes(scan).to_json()
    assert report["ocr_pages"] == list(range(1, 6))
    assert (report["organ"], report["year"]) == (truth["organ"], truth["year"])
    assert cell_map(report) == cell_map(truth), _diff(cell_map(report), cell_map(truth))
