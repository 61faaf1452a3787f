"""Images (PNG, JPEG, TIFF with one or more pages, ...): scanned pages, read by OCR."""

from __future__ import annotations

from ..document import Extracted
from . import available_ocr


def extract(data: bytes, fmt: str = "image") -> Extracted:
    ocr = available_ocr()
    if ocr is None:
        raise ValueError("an image needs OCR, which is not installed (pip install '.[ocr]')")
    return ocr.extract_image(data)
