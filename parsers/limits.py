"""Every limit the project sets on what one untrusted file may cost, in one place.

docs/limits.md says why each value is what it is. Each breach is a one-line error that names its
limit (:func:`breach`); the raw bytes are kept either way (a fetch's WARC record, the blob store).
"""

from __future__ import annotations

MiB = 1024 ** 2

# Bytes of one file: a crawled response (DOWNLOAD_MAXSIZE, on the wire and once decoded), a file
# given to ``xxgk parse`` or ``xxgk ingest``. Read in chunks of READ_CHUNK.
MAX_FILE_BYTES = 256 * MiB
READ_CHUNK = 1 * MiB

# The sandboxed parse of one file (parsers/sandbox.py): wall-clock seconds and address space.
PARSE_TIMEOUT = 50.0
PARSE_MEMORY = 1024 * MiB

# Pages of one PDF or image sent to OCR; pages without ink are never sent.
MAX_OCR_PAGES = 60

# Warnings kept per document; the rest are summed up in one last warning.
MAX_WARNINGS = 200

# Rows and cells read from one sheet (XLSX/XLS/ODS/CSV): the three tables fit in a few hundred.
MAX_SHEET_ROWS = 20_000
MAX_SHEET_CELLS = 400_000


def breach(name: str, value, detail: str = "") -> str:
    """The one-line error of a breached limit: ``over MAX_FILE_BYTES (256 MiB): ...``."""
    shown = f"{value // MiB} MiB" if isinstance(value, int) and value >= MiB else f"{value}"
    return f"over {name} ({shown})" + (f": {detail}" if detail else "")
