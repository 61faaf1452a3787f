"""A page read by OCR, step by step: the page image, its rules and tables, its cells' text
lines, one batch through the recogniser, then the tables' grids and the text around them in
reading order."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...document import Extracted, Row
from .cells import LineText, assemble_grid, cell_lines, char_height, text_ink
from .geometry import Box, line_height
from .page import frames, prepare, render_pdf_page
from .reading import crop, read_lines
from .rules import darkness, line_masks, without_text
from .tables import find_tables


class Page(NamedTuple):
    """A page's text, and its rows in reading order."""

    text: str
    rows: list[Row]


class Fragment(NamedTuple):
    """A text line the detector found outside the tables, and what it reads."""

    box: Box
    text: str


class TextLine(NamedTuple):
    y: int  # the line's top on the page
    text: str


def read_page(gray: np.ndarray, gid_base: int = 0) -> Page:
    """OCR one page image (grey, uint8): its text, and its rows in reading order (the rows of
    its k-th table carry grid id gid_base + k; text lines carry none)."""
    page = prepare(gray)
    line_h = line_height(page.boxes)

    dark = darkness(page.gray)
    ink = np.where(dark > 25, 255, 0).astype(np.uint8)
    rules = line_masks(without_text(dark, ink, page.boxes, line_h), ink, page.boxes, line_h)
    tables = find_tables(rules)
    ink_of_text = text_ink(dark, rules)
    char_h = char_height(ink_of_text, tables, line_h)

    # Every text line of every cell, and the text lines outside the tables, in one batch.
    crops: list[np.ndarray] = []
    lines: list[Box | None] = []  # the box of each crop in a cell; None outside the tables
    owner: list[tuple[int, int]] = []  # (table, cell) of each crop in a cell
    dashes: set[tuple[int, int]] = set()
    for ti, t in enumerate(tables):
        for ci, cell in enumerate(t.cells):
            found = cell_lines(ink_of_text, cell.box, char_h)
            if found.dash:
                dashes.add((ti, ci))
            for line in found.lines:
                crops.append(crop(page.gray, line))
                lines.append(line)
                owner.append((ti, ci))
    free_boxes = [b for b in page.boxes if not any(t.holds(b) for t in tables)]
    for b in free_boxes:
        crops.append(crop(page.gray, b, fraction=0.8))
        lines.append(None)
    readings = read_lines(page.gray, crops, lines)

    cell_text: dict[tuple[int, int], list[LineText]] = {}
    for key, b, (txt, _score) in zip(owner, lines, readings):
        if txt:
            cell_text.setdefault(key, []).append(LineText((b.y0 + b.y1) / 2, txt))
    free = [Fragment(b, txt) for b, (txt, _score) in zip(free_boxes, readings[len(owner):])
            if txt]

    items: list[tuple[int, int, object]] = []  # (y, order, a text line or a table's rows)
    for ti, t in enumerate(tables):
        grid = assemble_grid(t, {ci: v for (tj, ci), v in cell_text.items() if tj == ti},
                             {ci for tj, ci in dashes if tj == ti}, dark, char_h)
        rows = [Row(r, gid_base + ti) for r in grid if any(c is not None for c in r)]
        items.append((t.box.y0, 1, rows))
    for y, line in _text_lines(free):
        items.append((y, 0, line))
    items.sort(key=lambda i: (i[0], i[1]))

    text_lines: list[str] = []
    out_rows: list[Row] = []
    for _, _, item in items:
        if isinstance(item, str):
            text_lines.append(item)
            out_rows.append(Row([item]))
        else:
            for r in item:
                text_lines.append("\t".join(c or "" for c in r.cells))
                out_rows.append(r)
    return Page("\n".join(text_lines), out_rows)


def _text_lines(fragments: list[Fragment]) -> list[TextLine]:
    """The text lines outside the tables: fragments whose middles share a line, joined left to
    right."""
    fragments = sorted(fragments, key=lambda f: (f.box.y0 + f.box.y1) / 2)
    lines: list[list] = []  # [top, bottom, fragments]
    for f in fragments:
        cy = (f.box.y0 + f.box.y1) / 2
        if lines and lines[-1][0] <= cy <= lines[-1][1]:
            lines[-1][2].append(f)
            lines[-1][0] = min(lines[-1][0], f.box.y0)
            lines[-1][1] = max(lines[-1][1], f.box.y1)
            continue
        lines.append([f.box.y0, f.box.y1, [f]])
    out = []
    for top, bottom, members in lines:
        members.sort(key=lambda f: f.box.x0)
        text = members[0].text
        for prev, cur in zip(members, members[1:]):
            text += (" " if cur.box.x0 - prev.box.x1 > 0.8 * (bottom - top) else "") + cur.text
        out.append(TextLine(int(top), text))
    return out


# --- entry points ----------------------------------------------------------------------------

def pdf_page(data: bytes, page_index: int, gid_base: int = 0) -> Page:
    """Render page page_index of a PDF at about 200 dpi in grey and OCR it."""
    return read_page(render_pdf_page(data, page_index), gid_base)


def extract_image(data: bytes) -> Extracted:
    """A scanned page (PNG, JPEG, TIFF with one or more pages, ...): its text and table rows."""
    pages = frames(data)
    texts: list[str] = []
    rows: list[Row] = []
    for k, gray in enumerate(pages):
        text, page_rows = read_page(gray, gid_base=10_000 * (k + 1))
        texts.append(text)
        rows.extend(page_rows)
    text = "\n".join(texts)
    title = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) > 6 and "\t" not in ln),
                 None)
    return Extracted("image", text, rows, title=title, pages=len(pages),
                     ocr_pages=list(range(1, len(pages) + 1)))
