"""PDF: pypdfium2 for the text of every page and the ruled tables of the pages that hold the
report's tables (laid out by pdfplumber's table finder, see pdfgrid); pages without a usable
text layer go to OCR."""

from __future__ import annotations

import io
import re

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Extracted, Row
from ..limits import MAX_OCR_PAGES, MAX_PDF_PAGES, MAX_PICTURE_PAGES, breach
from . import available_ocr, pdfgrid
from .pdfinfo import pdf_dates

PICTURE_SHARE = 0.05  # of the page's area covered by pictures: a pasted-in table of four rows is 0.1
# Words of the tables themselves (prose pages mention 行政复议 or 规范性文件 too, but not these).
_TABLE_PAGE = re.compile(r"第二十条\s*第|信息内容|本年新收|申请人情况|结转下年|予以公开|不予处理|尚未审结|"
                         r"复议后起诉|直接起诉")
_TABLE_SECTIONS = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请|行政复议、?行政诉讼情况")
_AFTER_TABLES = re.compile(r"存在的主要问题|其他需要报告")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_EXT = re.compile(r"[\u00c0-\u024f]")
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ue000-\uf8ff]|\(cid:\d+\)")


def garbled(text: str) -> bool:
    """A text layer whose fonts lack a Unicode map: control characters, (cid:n) or accented
    Latin letters (a font's codes read as Latin-1) instead of Chinese."""
    chars = re.sub(r"\s", "", text)
    if len(chars) < 20:
        return False
    cjk = len(_CJK.findall(chars)) / len(chars)
    bad = len(_BAD.findall(text)) / len(chars)
    latin = len(_LATIN_EXT.findall(chars)) / len(chars)
    return cjk < 0.3 and (bad > 0.05 or (cjk < 0.1 and latin > 0.3))


def _image_share(page: pdfium.PdfPage) -> float:
    """The share of the page's area that its pictures cover (overlaps counted twice)."""
    w, h = page.get_size()
    if w <= 0 or h <= 0:
        return 0.0
    area = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        area += max(0.0, min(right, w) - max(left, 0)) * max(0.0, min(top, h) - max(bottom, 0))
    return area / (w * h)


def _page_tables(pdf: pdfium.PdfDocument, data: bytes, i: int) -> list[list[list[str | None]]]:
    """The ruled data tables on page i, as grids; pdfplumber reads pages pdfgrid cannot."""
    page = pdf[i]
    textpage = page.get_textpage()
    try:
        tables = pdfgrid.page_tables(page, textpage)
    except NotImplementedError:
        with pdfplumber.open(io.BytesIO(data), pages=[i + 1]) as plumb:
            tables = plumb.pages[0].extract_tables()
    finally:
        textpage.close()
        page.close()
    # A table of one column is a ruled text box around prose, not a data table.
    return [t for t in tables if max((len(r) for r in t), default=0) >= 2]


class _PerPage:
    """measure(page) for page i, worked out when first asked for."""

    def __init__(self, pdf: pdfium.PdfDocument, measure):
        self.pdf, self.measure, self.known = pdf, measure, {}

    def __getitem__(self, i: int):
        if i not in self.known:
            page = self.pdf[i]
            try:
                self.known[i] = self.measure(page)
            finally:
                page.close()
        return self.known[i]


def _has_ink(page) -> bool:
    """Whether a page shows anything: rendered at 36 dpi, a few pixels are clearly darker than
    paper (a line of small print gives hundreds; a scanner's noise stays light). A blank page is
    never sent to OCR (a 200-page blank scan ends in seconds)."""
    bitmap = page.render(scale=0.5, grayscale=True)
    try:
        pixels = bitmap.to_numpy()
        return int((pixels < 200).sum()) >= 8
    finally:
        bitmap.close()


def extract(data: bytes, fmt: str = "pdf") -> Extracted:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ValueError("encrypted PDF: it needs a password to open") from exc
        raise ValueError(f"not a readable PDF: {msg}") from exc
    try:
        n = len(pdf)
        if n > MAX_PDF_PAGES:
            raise ValueError(breach("MAX_PDF_PAGES", MAX_PDF_PAGES, f"{n} pages"))
        properties = pdf_dates(pdf, data)
        texts = []
        for i in range(n):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            tp.close()
            page.close()
        # Walking a page's objects costs as much as its text: only for the pages that need it.
        paths = _PerPage(pdf, lambda page: sum(
            1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)))
        images = _PerPage(pdf, _image_share)
        warnings: list[str] = []
        rows: list[Row] = []
        ocr_pages: list[int] = []
        # A page without a usable text layer: garbled, or (almost) no text over a picture, or
        # none at all. A few characters with no picture are the page's text (a date alone).
        bad_pages = [i for i, t in enumerate(texts) if garbled(t) or not t.strip()
                     or (len(t.strip()) < 10 and images[i] >= PICTURE_SHARE)]
        table_pages = [i for i, t in enumerate(texts) if _TABLE_PAGE.search(t)]
        if table_pages:
            # A table that runs on from the last table page onto the next one is read too.
            last = table_pages[-1]
            if last + 1 < n and not _AFTER_TABLES.search(texts[last]) and paths[last + 1] >= 10:
                last += 1
            table_pages = list(range(table_pages[0], last + 1))
        # Tables pasted in as pictures on pages that have text: the report names its tables'
        # sections but no text layer holds a table's words, so the pages with a large picture
        # are read by OCR for their tables.
        picture_pages = []
        if not table_pages and _TABLE_SECTIONS.search("".join(texts).replace(" ", "")):
            picture_pages = [i for i in range(n) if i not in bad_pages
                             and images[i] >= PICTURE_SHARE][:MAX_PICTURE_PAGES]
        ocr = available_ocr() if bad_pages or picture_pages else None
        ink = _PerPage(pdf, _has_ink)
        gid = 0
        missing, over_limit = [], []
        for i in range(n):
            if i in bad_pages or i in picture_pages:
                if not ink[i]:
                    continue  # a blank page: nothing to read
                if ocr is None:
                    missing.append(i)
                    continue
                if len(ocr_pages) >= MAX_OCR_PAGES:
                    over_limit.append(i)
                    continue
                try:
                    text, page_rows = ocr.pdf_page(data, i, gid_base=10_000 * (i + 1))
                except MemoryError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one unreadable page is not the file
                    warnings.append(f"pdf: OCR of page {i + 1} failed ({type(exc).__name__}: "
                                    f"{str(exc).splitlines()[0][:120] if str(exc) else ''}); "
                                    f"its content is missing")
                    continue
                if i in bad_pages:
                    texts[i] = text
                    rows.extend(page_rows)
                else:
                    rows.extend(r for r in page_rows if r.grid is not None)  # its text layer stays
                ocr_pages.append(i + 1)
            elif i in table_pages:
                # Only a page that draws lines holds a ruled table; others are read as text lines.
                page_rows: list[Row] = []
                if paths[i] >= 10:
                    for table in _page_tables(pdf, data, i):
                        page_rows.extend(Row(list(r), gid) for r in table)
                        gid += 1
                if not page_rows:
                    page_rows = [Row([ln]) for ln in texts[i].splitlines()]
                rows.extend(page_rows)
        if missing:
            kind = "have no usable text layer" if all(i in bad_pages for i in missing) else \
                "hold pictures of tables or have no usable text layer"
            warnings.append(f"pdf: pages {', '.join(str(i + 1) for i in missing)} {kind} "
                            f"and OCR is not installed; their content is missing")
        if over_limit:
            warnings.append("pdf: " + breach("MAX_OCR_PAGES", MAX_OCR_PAGES, (
                f"{len(over_limit)} more pages need OCR (pages {over_limit[0] + 1}–"
                f"{over_limit[-1] + 1}); their content is missing")))
    finally:
        pdf.close()
    return Extracted("pdf", "\n".join(texts), rows, warnings=warnings, pages=n,
                     ocr_pages=ocr_pages, properties=properties)
