"""XLS and XLSX workbooks through calamine; merged ranges leave None in their covered slots."""

from __future__ import annotations

import io
import zipfile

from python_calamine import CalamineWorkbook

from ..document import Extracted, Row
from ..limits import MAX_SHEET_CELLS, MAX_SHEET_ROWS, breach
from .ooxml import check_zip, core_dates


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def check_sheet_size(name: str, height: int, width: int) -> None:
    """Refuse a sheet past MAX_SHEET_ROWS or MAX_SHEET_CELLS before reading it."""
    if height > MAX_SHEET_ROWS:
        raise ValueError(breach("MAX_SHEET_ROWS", MAX_SHEET_ROWS, f"sheet {name!r} has {height} rows"))
    if height * width > MAX_SHEET_CELLS:
        raise ValueError(breach("MAX_SHEET_CELLS", MAX_SHEET_CELLS,
                                f"sheet {name!r} has {height} x {width} cells"))


def extract(data: bytes, fmt: str = "xlsx") -> Extracted:
    properties: dict[str, str] = {}
    if fmt == "xlsx":
        check_zip(data, "XLSX")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            properties = core_dates(z, "xlsx")
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types
        raise ValueError(f"not a readable {fmt.upper()} workbook: {exc}") from exc
    rows: list[Row] = []
    lines: list[str] = []
    for gid, name in enumerate(wb.sheet_names):
        sheet = wb.get_sheet_by_name(name)
        last_row, last_col = sheet.end or (-1, -1)   # 0-based, from the sheet's origin
        check_sheet_size(name, last_row + 1, last_col + 1)
        data_rows = sheet.to_python(skip_empty_area=False)
        covered = set()
        for rng in (sheet.merged_cell_ranges or []):
            (r0, c0), (r1, c1) = rng
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered.add((r, c))
        for r, values in enumerate(data_rows):
            cells = [None if (r, c) in covered else _fmt(v) for c, v in enumerate(values)]
            rows.append(Row(cells, gid))
            line = "\t".join(c or "" for c in cells).rstrip("\t")
            lines.append(line)
    text = "\n".join(lines)
    title = next((ln.strip("\t ") for ln in lines if ln.strip()), None)
    return Extracted(fmt, text, rows, title=title, properties=properties)
