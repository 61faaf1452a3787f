"""Plain text: as PDF or DOCX text extraction produces it (tab-separated table cells), or as
``pdftotext -layout`` prints it (columns kept by runs of spaces, see layout)."""

from __future__ import annotations

from ..document import Extracted, text_rows
from ..encoding import decode
from ..schema import row_named
from .layout import is_layout, layout_rows


def extract(data: bytes, fmt: str = "text") -> Extracted:
    text, _, warnings = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows = layout_rows(text, row_named) if is_layout(text) else text_rows(text)
    return Extracted("text", text.replace("\f", "\n"), rows, warnings=warnings)
