"""What an extractor hands on: the document's text and its table rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    """One table row (or text line) as the extractor saw it: cell texts, ``None`` for a slot
    covered by a merged cell."""

    cells: list[str | None]
    grid: int | None = None  # rows of one table share an id; None for text lines
    laid_out: bool = False  # a line of a page laid out by spaces: its numbers never continue
    # the line above (what a cell pushed onto the next line is joined by the extractor)


@dataclass
class Extracted:
    format: str
    text: str  # the whole document as plain text, for prose, metadata and search
    rows: list[Row] = field(default_factory=list)  # table rows in reading order
    title: str | None = None
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None
    ocr_pages: list[int] = field(default_factory=list)
    # The file's own date properties as written, keyed by dates.SOURCES (pdf_created, …).
    properties: dict[str, str] = field(default_factory=dict)


def text_rows(text: str) -> list[Row]:
    """Rows of a text rendering: one per line, cells split on tabs."""
    return [Row(line.split("\t")) for line in text.splitlines()]
