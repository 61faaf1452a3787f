"""What an extractor hands on: the document's text and its table rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from .mapper import Row


@dataclass
class Extracted:
    format: str
    text: str  # the whole document as plain text, for prose, metadata and search
    rows: list[Row] = field(default_factory=list)  # table rows in reading order
    title: str | None = None
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)


def text_rows(text: str) -> list[Row]:
    """Rows of a text rendering: one per line, cells split on tabs."""
    return [Row(line.split("\t")) for line in text.splitlines()]
