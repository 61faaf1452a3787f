"""Plain text, as PDF or DOCX text extraction produces it (tab-separated table cells)."""

from __future__ import annotations

from ..document import Extracted, text_rows
from ..encoding import decode


def extract(data: bytes, fmt: str = "text") -> Extracted:
    text, _, warnings = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Extracted("text", text, text_rows(text), warnings=warnings)
