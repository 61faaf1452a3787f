"""PDF: pypdfium2 for the text of every page (fast), pdfplumber for the ruled tables of the
pages that hold the report's tables; pages whose text layer is garbled go to OCR."""

from __future__ import annotations

import io
import re

import pdfplumber
import pypdfium2 as pdfium

from ..document import Extracted
from ..mapper import Row

MAX_PAGES = 200
_TABLE_PAGE = re.compile(r"第二十条|本年新收|申请人情况|行政复议|规范性文件|予以公开|不予处理|结转下年")
_CJK = re.compile(r"[\u3400-\u9fff]")
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ue000-\uf8ff]|\(cid:\d+\)")


def garbled(text: str) -> bool:
    """A text layer whose fonts lack a Unicode map: control characters or (cid:n) instead of
    Chinese."""
    chars = re.sub(r"\s", "", text)
    if len(chars) < 20:
        return False
    cjk = len(_CJK.findall(chars)) / len(chars)
    bad = len(_BAD.findall(text)) / len(chars)
    return cjk < 0.3 and bad > 0.05


def page_texts(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        n = len(pdf)
        if n > MAX_PAGES:
            raise ValueError(f"refused: {n} pages, more than the limit of {MAX_PAGES}")
        texts = []
        for i in range(n):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            tp.close()
            page.close()
        return texts
    finally:
        pdf.close()


def extract(data: bytes, ocr=None) -> Extracted:
    try:
        texts = page_texts(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ValueError("encrypted PDF: it needs a password to open") from exc
        raise ValueError(f"not a readable PDF: {msg}") from exc
    warnings: list[str] = []
    rows: list[Row] = []
    ocr_pages: list[int] = []
    bad_pages = [i for i, t in enumerate(texts) if garbled(t) or len(t.strip()) < 10]
    table_pages = [i for i, t in enumerate(texts) if _TABLE_PAGE.search(t)]
    if table_pages:
        # A table that runs on from a table page is read too.
        last = table_pages[-1]
        table_pages = list(range(table_pages[0], min(last + 2, len(texts))))
    gid = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i in table_pages:
            if i in bad_pages:
                continue
            page = pdf.pages[i]
            tables = page.extract_tables()
            if not tables:
                lines = page.extract_text().splitlines()
                rows.extend(Row([ln]) for ln in lines)
            for t in tables:
                if max((len(r) for r in t), default=0) < 2:
                    continue  # a ruled text box around prose, not a data table
                rows.extend(Row(list(r), gid) for r in t)
                gid += 1
            page.close()
    if bad_pages:
        if ocr is None:
            warnings.append(f"pdf: pages {', '.join(str(i + 1) for i in bad_pages)} have no "
                            f"usable text layer and OCR is not installed; their content is missing")
        else:
            for i in bad_pages:
                text, page_rows = ocr.pdf_page(data, i, gid_base=10_000 * (i + 1))
                texts[i] = text
                rows.extend(page_rows)
                ocr_pages.append(i + 1)
    return Extracted("pdf", "\n".join(texts), rows, warnings=warnings, pages=len(texts),
                     ocr_pages=ocr_pages)
