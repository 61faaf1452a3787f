"""DOCX: paragraphs and tables in body order; merged cells (gridSpan, vMerge) give None slots."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..document import Extracted
from ..mapper import Row

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100


def check_zip(data: bytes, what: str) -> None:
    """Refuse zip bombs before any XML is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as exc:
        raise ValueError(f"not a readable {what} file: {exc}") from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ValueError(f"refused: {what} inflates to {total // (1024 * 1024)} MiB "
                         f"({total / packed:.0f}x its size), a zip bomb")


def _table_rows(table: Table, gid: int) -> list[Row]:
    rows = []
    seen: dict[int, object] = {}  # holds the elements, so their ids stay unique
    for tr in table.rows:
        cells: list[str | None] = []
        for cell in tr.cells:
            key = id(cell._tc)
            if key in seen:
                cells.append(None)
                continue
            seen[key] = cell._tc
            cells.append(cell.text.strip())
        rows.append(Row(cells, gid))
    # vMerge continuation cells are distinct elements with no text of their own: python-docx
    # returns the origin cell for them, which the identity check above already folds.
    return rows


def extract(data: bytes) -> Extracted:
    check_zip(data, "DOCX")
    doc = Document(io.BytesIO(data))
    body = doc.element.body
    lines: list[str] = []
    rows: list[Row] = []
    gid = 0
    title = None
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, doc).text.strip()
            if text:
                lines.append(text)
                if title is None and len(text) > 6:
                    title = text
        elif child.tag == qn("w:tbl"):
            table = Table(child, doc)
            trs = _table_rows(table, gid)
            gid += 1
            rows.extend(trs)
            for r in trs:
                lines.append("\t".join(c or "" for c in r.cells))
    return Extracted("docx", "\n".join(lines), rows, title=title)
