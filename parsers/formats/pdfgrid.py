"""Ruled tables of a PDF page from pdfium's objects, laid out by pdfplumber's table finder.

pdfplumber finds ruled tables exactly, but it first interprets the whole page with pdfminer
(about 0.1 s a page). pdfium has already parsed the page: its path segments give the ruling
lines and its text page gives every character's box, in milliseconds. This module hands those
to pdfplumber's own finder through a minimal page object, so the tables come out the same.
"""

from __future__ import annotations

import ctypes

import pdfplumber.table as pt
import pypdfium2 as pdfium
import pypdfium2.raw as c

_SEGMENT_MOVETO = c.FPDF_SEGMENT_MOVETO


class _Page:
    """What pdfplumber's TableFinder and Table.extract read of a page."""

    def __init__(self, width: float, height: float, edges: list[dict], chars: list[dict]):
        self.bbox = (0, 0, width, height)
        self.edges = edges
        self.chars = chars


def _matrix(obj) -> tuple[float, ...]:
    m = c.FS_MATRIX()
    if not c.FPDFPageObj_GetMatrix(obj.raw, m):
        return (1, 0, 0, 1, 0, 0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _edge(x0, y0, x1, y1, height) -> dict | None:
    top0, top1 = height - y0, height - y1
    if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 1:
        xa, xb = sorted((x0, x1))
        return {"x0": xa, "x1": xb, "top": top0, "bottom": top0, "width": xb - xa, "height": 0,
                "orientation": "h", "object_type": "line"}
    if abs(x0 - x1) < 0.5 and abs(y1 - y0) >= 1:
        ta, tb = sorted((top0, top1))
        return {"x0": x0, "x1": x0, "top": ta, "bottom": tb, "width": 0, "height": tb - ta,
                "orientation": "v", "object_type": "line"}
    return None


def _path_edges(obj, height: float) -> list[dict]:
    a, b, cc, d, e, f = _matrix(obj)
    n = c.FPDFPath_CountSegments(obj.raw)
    edges = []
    start = prev = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(n):
        seg = c.FPDFPath_GetPathSegment(obj.raw, i)
        c.FPDFPathSegment_GetPoint(seg, x, y)
        pt_ = (a * x.value + cc * y.value + e, b * x.value + d * y.value + f)
        kind = c.FPDFPathSegment_GetType(seg)
        if kind == _SEGMENT_MOVETO or prev is None:
            start = prev = pt_
            continue
        ed = _edge(prev[0], prev[1], pt_[0], pt_[1], height)
        if ed:
            edges.append(ed)
        prev = pt_
        if c.FPDFPathSegment_GetClose(seg) and start is not None:
            ed = _edge(prev[0], prev[1], start[0], start[1], height)
            if ed:
                edges.append(ed)
            prev = start
    return edges


def _chars(textpage, height: float) -> list[dict]:
    # Loose boxes span the font's full height and advance, as pdfminer's do; tight glyph boxes
    # would put punctuation on a line of its own and gaps between characters.
    # The loose box is centred on the glyph's ink (the tight box), so a character lands in the
    # cell it is drawn in.
    chars = []
    rect = c.FS_RECTF()
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    for i in range(c.FPDFText_CountChars(textpage.raw)):
        code = c.FPDFText_GetUnicode(textpage.raw, i)
        if code < 32 or c.FPDFText_IsGenerated(textpage.raw, i) == 1:
            continue
        if not c.FPDFText_GetLooseCharBox(textpage.raw, i, rect):
            continue
        x0, x1 = rect.left, rect.right
        if c.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top) and right.value > left.value:
            mid, half = (left.value + right.value) / 2, (x1 - x0) / 2
            x0, x1 = mid - half, mid + half
        t, btm = height - rect.top, height - rect.bottom
        if x1 - x0 <= 0:
            continue
        chars.append({"text": chr(code), "x0": x0, "x1": x1, "top": t, "bottom": btm,
                      "doctop": t, "upright": True, "width": x1 - x0, "height": btm - t,
                      "size": btm - t})
    return chars


def page_tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[list[list[str | None]]]:
    """The page's ruled tables as grids (None for slots covered by a merged cell)."""
    width, height = page.get_size()
    edges: list[dict] = []
    for obj in page.get_objects(filter=[c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM], max_depth=1):
        if obj.type == c.FPDF_PAGEOBJ_FORM:
            raise NotImplementedError("form XObjects: nested coordinates")
        edges.extend(_path_edges(obj, height))
    if len(edges) < 4:
        return []
    fake = _Page(width, height, edges, _chars(textpage, height))
    finder = pt.TableFinder(fake, {})
    return [t.extract() for t in finder.tables]
