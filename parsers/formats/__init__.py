"""One module per file format, each with ``extract(data, fmt) -> Extracted``.

``EXTRACTORS`` is the one place a format is registered: the format ``detect.sniff`` tells, and
the module here that reads it. A module is imported only when a file of its format comes, so
the optional readers (OCR, LibreOffice) cost nothing until they are needed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Extracted

EXTRACTORS: dict[str, str] = {
    "text": "text",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "xlsx": "sheet",
    "xls": "sheet",
    "doc": "office",  # WPS too: it is binary Word
    "image": "image",
}


def extractor(fmt: str) -> Callable[[bytes, str], Extracted]:
    """The function that reads files of this format (one of ``EXTRACTORS``)."""
    return importlib.import_module(f"{__name__}.{EXTRACTORS[fmt]}").extract


def available_ocr() -> ModuleType | None:
    """The OCR package, if it can run here (the ``ocr`` extra installed, its models present)."""
    try:
        from . import ocr
    except ImportError:
        return None
    return ocr if ocr.available() else None
