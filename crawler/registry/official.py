"""The national government-website database's files (全国政府网站基本信息数据库): a zip per
group (部委门户, 省级门户, 地方所属网站) holding CSV or Excel sheets with the columns below, read
into :class:`OfficialRow` records.

    rows = read_file("地方所属网站.zip")        # or a .csv, .xls, .xlsx a user already has
    rows[0].site_code, rows[0].url              # '6404250001', 'http://www.pengyang.gov.cn/'

A file that is not one of these, or a sheet without the database's columns, raises
:class:`FormatError` naming the file and what it holds; nothing is read halfway.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

from python_calamine import CalamineWorkbook

# The database's columns and the field each fills; 网站名称 and 首页网址 are required.
COLUMNS = {
    "网站名称": "name",
    "首页网址": "url",
    "主办单位": "organ",
    "主管单位": "supervisor",
    "政府网站标识码": "site_code",
    "ICP备案号": "icp",
    "公安机关备案号": "police_record",
    "地区": "area",
    "网站类型": "site_type",
}
REQUIRED = ("网站名称", "首页网址")
# A sheet may open with a title line or two before its header.
HEADER_SEARCH = 10
SHEETS = (".csv", ".xls", ".xlsx")


class FormatError(ValueError):
    pass


@dataclass(frozen=True)
class OfficialRow:
    """One website as the database lists it, every value a stripped string ('' when empty)."""

    name: str
    url: str
    organ: str = ""
    supervisor: str = ""
    site_code: str = ""
    icp: str = ""
    police_record: str = ""
    area: str = ""
    site_type: str = ""
    group: str = ""        # the download group (部委门户 …), or the file's name
    origin: str = ""       # file, sheet and line, for messages


FIELDS = tuple(f.name for f in fields(OfficialRow))


def read_file(path: str | Path, group: str | None = None) -> list[OfficialRow]:
    """Every row of a zip, CSV, XLS or XLSX file of the database."""
    path = Path(path)
    return read_bytes(path.read_bytes(), path.name, group or path.stem)


def read_bytes(data: bytes, name: str, group: str = "") -> list[OfficialRow]:
    """Every row of one downloaded or saved file; ``name`` (its file name) tells CSV from Excel
    when the bytes do not (a zip and an Excel file say what they are)."""
    if data[:4] == b"PK\x03\x04" and not _is_xlsx(data):
        return _read_zip(data, name, group)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or _is_xlsx(data):
        return _read_excel(data, name, group)
    if name.lower().endswith(".csv") or not name.lower().endswith((".zip", ".xls", ".xlsx")):
        return _read_csv(data, name, group)
    raise FormatError(f"{name}: not a zip, CSV, XLS or XLSX file (starts {data[:16]!r})")


def _is_xlsx(data: bytes) -> bool:
    if data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "[Content_Types].xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _member_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag (bit 11); Python then
    # reads them as CP437.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _read_zip(data: bytes, name: str, group: str) -> list[OfficialRow]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FormatError(f"{name}: a broken zip ({exc})") from exc
    rows: list[OfficialRow] = []
    with archive:
        members = [(i, _member_name(i)) for i in archive.infolist()
                   if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        sheets = [(i, n) for i, n in members if n.lower().endswith(SHEETS)]
        if not sheets:
            raise FormatError(f"{name}: the zip holds no CSV, XLS or XLSX file "
                              f"({', '.join(n for _, n in members) or 'nothing'})")
        for info, member in sheets:
            rows += read_bytes(archive.read(info), f"{name}:{member}", group)
    return rows


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    for encoding in ("utf-8", "gb18030"):   # Chinese government CSVs are UTF-8 or GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(f"{name}: neither UTF-8 nor GB18030 text")


def _read_csv(data: bytes, name: str, group: str) -> list[OfficialRow]:
    text = _decode(data, name)
    # The delimiter is the one the header line uses most (a comma, or a tab in a saved sheet).
    header = next((line for line in text.splitlines()[:HEADER_SEARCH] if REQUIRED[0] in line), "")
    delimiter = max(",\t;", key=header.count)
    return _rows(list(csv.reader(io.StringIO(text), delimiter=delimiter)), name, group)


def _read_excel(data: bytes, name: str, group: str) -> list[OfficialRow]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise FormatError(f"{name}: not a readable Excel file ({exc})") from exc
    rows: list[OfficialRow] = []
    found = False
    for sheet in book.sheet_names:
        table = [[_cell(v) for v in r] for r in book.get_sheet_by_name(sheet).to_python()]
        if not any(any(r) for r in table):
            continue
        rows += _rows(table, f"{name}:{sheet}", group)
        found = True
    if not found:
        raise FormatError(f"{name}: every sheet is empty")
    return rows


def _cell(value) -> str:
    # Excel keeps a 10-digit site code typed as a number as a float.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\ufeff", "")).strip()


def _rows(table: list[list[str]], name: str, group: str) -> list[OfficialRow]:
    for at, header in enumerate(table[:HEADER_SEARCH]):
        labels = [_clean(h) for h in header]
        if all(c in labels for c in REQUIRED):
            break
    else:
        first = [_clean(h) for h in (table[0] if table else [])]
        raise FormatError(f"{name}: no header with {', '.join(REQUIRED)} in its first "
                          f"{HEADER_SEARCH} lines (the first line has {first})")
    index = {COLUMNS[label]: i for i, label in enumerate(labels) if label in COLUMNS}
    out = []
    for n, line in enumerate(table[at + 1:], start=at + 2):
        values = {f: _clean(line[i]) if i < len(line) else "" for f, i in index.items()}
        if not any(values.values()):
            continue
        out.append(OfficialRow(**values, group=group, origin=f"{name} line {n}"))
    return out
