"""A PDF's own dates: CreationDate and ModDate of its Info dictionary, else xmp:CreateDate and
xmp:ModifyDate of its XMP metadata (pdfminer reads the catalog's Metadata stream)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from lxml import etree

from ..limits import MAX_XMP_BYTES

from .ooxml import XML_PARSER

XMP = "{http://ns.adobe.com/xap/1.0/}"
# Info key, XMP property, and the date source each gives (dates.SOURCES).
FIELDS = (("CreationDate", "CreateDate", "pdf_created"), ("ModDate", "ModifyDate", "pdf_modified"))


def pdf_dates(pdf: pdfium.PdfDocument, data: bytes) -> dict[str, str]:
    """``{pdf_created, pdf_modified}`` as the file writes them; a date neither the Info
    dictionary nor the XMP metadata holds is left out."""
    try:
        info = pdf.get_metadata_dict()
    except pdfium.PdfiumError:
        info = {}
    out = {source: info[key].strip() for key, _, source in FIELDS if (info.get(key) or "").strip()}
    if len(out) < len(FIELDS) and b"/Metadata" in data:
        xmp = _xmp(data)
        for _, prop, source in FIELDS:
            if source not in out and xmp.get(prop):
                out[source] = xmp[prop]
    return out


def _xmp(data: bytes) -> dict[str, str]:
    """xmp:CreateDate and xmp:ModifyDate, written as elements or as attributes."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        stream = resolve1(doc.catalog.get("Metadata"))
        raw = stream.get_data() if stream is not None else b""
    except Exception:  # noqa: BLE001 - pdfminer raises many types on damaged files
        return {}
    if not raw or len(raw) > MAX_XMP_BYTES:
        return {}
    try:
        root = etree.fromstring(raw.strip(), XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    out = {}
    for _, prop, _ in FIELDS:
        el = next(root.iter(XMP + prop), None)
        if el is not None and (el.text or "").strip():
            out[prop] = el.text.strip()
            continue
        for desc in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
            if desc.get(XMP + prop):
                out[prop] = desc.get(XMP + prop).strip()
                break
    return out
