"""Small inputs with huge costs, each through ``xxgk parse`` as a user runs it: every case ends
within 60 s and 1 GiB for the whole process tree, with a one-line error that names the limit it
met (parsers/limits.py), or with what could be read and a warning saying what could not."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile

import pytest

from parsers.limits import MAX_WARNINGS
from parsers.report import capped
from process_tree import PeakTreeRSS
from test_cli import XXGK
from test_hostile_files import DOCX_RELS, DOCX_TYPES

GiB = 1024 ** 3
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def parse_bounded(path, *args) -> tuple[subprocess.CompletedProcess, float, int]:
    """``xxgk parse`` on ``path``: its result, seconds and the peak RSS of its process tree."""
    t0 = time.monotonic()
    proc = subprocess.Popen([XXGK, "parse", *args, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    peak = PeakTreeRSS(proc.pid)
    out, err = proc.communicate(timeout=120)
    res = subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())
    return res, time.monotonic() - t0, peak.stop()


def _bounded(res, seconds, peak):
    assert seconds < 60, res.stderr
    assert peak < GiB, f"{peak >> 20} MiB"


def refused(path, message: str, *args) -> int:
    """``xxgk parse`` fails on ``path`` with ``message``, in bounded time and memory; the peak
    RSS of its process tree."""
    res, seconds, peak = parse_bounded(path, *args)
    assert res.returncode == 1
    assert f"error: {message}" in res.stderr
    _bounded(res, seconds, peak)
    return peak


def million_row_xlsx(path, rows=1_000_000):
    """An XLSX of ``rows`` rows, written straight as XML (about 18 MB)."""
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
          'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
          'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
          'worksheet+xml"/></Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    wb = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
          '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
              'Target="worksheets/sheet1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            for start in range(1, rows + 1, 10_000):
                fh.write("".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c>'
                                 f'<c r="B{i}"><v>{i}</v></c></row>'
                                 for i in range(start, min(start + 10_000, rows + 1))).encode())
            fh.write(b"</sheetData></worksheet>")


def faked_docx(inflated: int = 300 * 2 ** 20, claimed: int = 2000) -> bytes:
    """A DOCX whose document part inflates to ``inflated`` bytes while its zip entry says
    ``claimed``."""
    import struct

    body = (f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode()
            + b" " * inflated + b"</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("_rels/.rels", DOCX_RELS)
        z.writestr("word/document.xml", body)
    data = bytearray(buf.getvalue())
    name = b"word/document.xml"
    for sig, size_at, name_len_at, header in ((b"PK\x03\x04", 22, 26, 30),
                                              (b"PK\x01\x02", 24, 28, 46)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if bytes(data[i + header:i + header + n]) == name:
                struct.pack_into("<I", data, i + size_at, claimed)
            i = data.find(sig, i + 4)
    return bytes(data)


def test_a_million_row_sheet_is_refused_by_its_limit(tmp_path):
    path = tmp_path / "million.xlsx"
    million_row_xlsx(path)
    refused(path, "over MAX_SHEET_ROWS (20000): sheet 'Sheet1' has 1000000 rows")


def test_a_blank_200_page_pdf_ends_fast(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(200):
        c.showPage()
    c.save()
    res, seconds, peak = parse_bounded(path, "--json")
    assert res.returncode in (0, 3), res.stderr
    assert json.loads(res.stdout)["kind"] == "not_a_report"   # read, not timed out
    assert seconds < 30
    _bounded(res, seconds, peak)


def test_a_docx_with_faked_sizes_is_refused_clearly(tmp_path):
    path = tmp_path / "faked.docx"
    path.write_bytes(faked_docx())
    peak = refused(path, "not a readable DOCX: Bad CRC-32 for file 'word/document.xml' (faked "
                         "zip sizes?)")
    assert peak < 400 * 2 ** 20   # inflated a chunk at a time, never whole


def test_text_past_the_depth_limit_is_read_and_said(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><head><meta charset='utf-8'></head><body>" + "<div>" * 1000
                    + "深处的文字" + "</div>" * 1000 + "<p>浅处的文字</p></body></html>",
                    encoding="utf-8")
    res, seconds, peak = parse_bounded(path, "--json", "--text")
    obj = json.loads(res.stdout)
    assert "深处的文字" in obj["text"] and "浅处的文字" in obj["text"]
    assert any(w.startswith("html: over MAX_HTML_DEPTH (255)") for w in obj["warnings"])


def test_a_50_mb_html_table_ends_with_a_clear_error(tmp_path):
    path = tmp_path / "table.html"
    rows = "".join(f"<tr><td>规章{i}</td><td>1</td><td>2</td><td>3</td></tr>" for i in range(800_000))
    path.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    assert path.stat().st_size > 45 * 2 ** 20
    refused(path, "over MAX_SHEET_ROWS (20000): the page's tables have 800000 rows")


def test_the_memory_limit_is_named_not_masked(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("规章\t1\t2\t3\n" * 400_000, encoding="utf-8")
    refused(path, "over PARSE_MEMORY (300 MiB): parsing needed more memory", "--memory", "300")


def test_resident_memory_is_bounded_whatever_the_address_space(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("规章\t1\t2\t3\n" * 1_500_000, encoding="utf-8")
    refused(path, "over PARSE_RSS (864 MiB): parsing needed more memory")


def test_warnings_past_the_limit_are_summed_up_in_one():
    warnings = [f"row {i}: not a number" for i in range(1_000_000)] + ["year: not found"]
    out = capped(warnings)
    assert len(out) == MAX_WARNINGS
    assert out[:-1] == warnings[:MAX_WARNINGS - 1]
    assert out[-1].startswith(f"{1_000_001 - MAX_WARNINGS + 1} more warnings not kept "
                              f"(MAX_WARNINGS {MAX_WARNINGS}): ")
    assert "'year'" in out[-1]


@pytest.fixture
def gib_file(tmp_path):
    """A 1 GiB file that says it is a PDF (sparse on disk)."""
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(GiB)
    return path


def test_a_1_gib_file_is_refused_by_parse_without_reading_it(gib_file):
    peak = refused(gib_file, f"over MAX_PARSE_BYTES (100 MiB): {GiB} bytes")
    assert peak < 300 * 2 ** 20


def test_a_1_gib_file_is_ingested_streaming(gib_file, tmp_path):
    import sqlite3

    data = tmp_path / "data"
    t0 = time.monotonic()
    proc = subprocess.Popen([XXGK, "ingest", "--data", str(data), str(gib_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = PeakTreeRSS(proc.pid)
    proc.communicate(timeout=300)
    peak = peak.stop()
    assert time.monotonic() - t0 < 60
    assert peak < 300 * 2 ** 20, f"{peak >> 20} MiB: the file was held in memory"
    db = sqlite3.connect(data / "archive.db")
    (doc,) = db.execute("SELECT sha256, size, format, parse_status, parse_error FROM documents")
    assert doc[1:] == (GiB, "pdf", "error", f"over MAX_PARSE_BYTES (100 MiB): {GiB} bytes")
    assert (data / "blobs" / doc[0][:2] / doc[0][2:4] / doc[0]).stat().st_size == GiB


def test_a_parent_with_a_large_address_space_leaves_the_parse_its_memory():
    """The sandbox's limits are counted beyond what the forked child inherits: a long-lived
    process (a test run, a server) holding gigabytes of address space and a gigabyte resident
    still parses a real PDF, instead of every library failing to load or the child's shared
    pages counting as the parse's."""
    from conftest import REAL_PDFS

    if not REAL_PDFS:
        pytest.skip("the shared corpus of real reports is absent")
    script = (
        "import mmap, sys\n"
        "from parsers.sandbox import parse_isolated\n"
        "held = mmap.mmap(-1, 3 * 2 ** 30)   # mapped, never touched: address space only\n"
        "resident = bytearray(2 ** 30)\n"
        "for i in range(0, len(resident), 4096): resident[i] = 1   # a gigabyte resident\n"
        "report = parse_isolated(open(sys.argv[1], 'rb').read())\n"
        "print(len(report.cells))\n")
    out = subprocess.run([sys.executable, "-c", script, str(REAL_PDFS[0])],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) > 50
