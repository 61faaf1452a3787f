"""Every limit the project sets on what one untrusted file may cost, in one place.

docs/limits.md says why each value is what it is. Each breach is a one-line error that names its
limit (:func:`breach`); the raw bytes are kept either way (a fetch's WARC record, the blob store).
"""

from __future__ import annotations

MiB = 1024 ** 2

# Bytes of one crawled response (DOWNLOAD_MAXSIZE), on the wire and once decoded: a whole crawl
# (Scrapy, the Playwright driver, a parse) then stays under 1 GiB. Files are read, hashed and
# inflated in chunks of READ_CHUNK.
MAX_FILE_BYTES = 128 * MiB
READ_CHUNK = 1 * MiB

# Bytes of one file the parser reads (a larger one is stored, and refused by the parser).
MAX_PARSE_BYTES = 100 * MiB

# The sandboxed parse of one file (parsers/sandbox.py): CPU seconds (a busy machine does not fail
# a file that only waits for a core; wall-clock time has a backstop), address space (RLIMIT_AS:
# the OCR runtime reserves much more than it uses, so it is generous) and resident memory (what
# the parse really holds, watched by the parent).
PARSE_TIMEOUT = 50.0        # CPU seconds (every thread of the child)
PARSE_WALL_FACTOR = 4       # wall-clock backstop: this many times PARSE_TIMEOUT,
PARSE_WALL_MIN = 30.0       # and never less than this
PARSE_MEMORY = 2048 * MiB
PARSE_RSS = 864 * MiB      # OCR of a scanned report peaks near 750 MiB

# Pages of one PDF; pages of one PDF sent to OCR (pages without ink are never sent); pages of
# picture-only tables on pages that have text; frames of one multi-page image; pixels of one page
# image after scaling (A4 at 200 dpi is 3.9 M).
MAX_PDF_PAGES = 200
MAX_OCR_PAGES = 60
MAX_PICTURE_PAGES = 12
MAX_IMAGE_FRAMES = 50
MAX_PIXELS = 40_000_000

# A zip container (DOCX, XLSX, OFD): bytes once unpacked, and the packing ratio past 10 MiB;
# its document properties part.
MAX_UNPACKED_BYTES = 200 * MiB
MAX_PACK_RATIO = 100
MAX_PROPERTIES_BYTES = 1 * MiB
MAX_XMP_BYTES = 1 * MiB

# Elements nested in an HTML page (libxml2's own limit is 256; deeper text is read as text).
MAX_HTML_DEPTH = 255
# Cells an HTML table's rowspan/colspan may cover.
MAX_SPAN_ROWS = 200
MAX_SPAN_COLS = 50

# Warnings kept per document; the rest are summed up in one last warning.
MAX_WARNINGS = 200

# Rows and cells read from one sheet or table (XLSX/XLS/ODS/CSV, an HTML or DOCX table): the three
# tables fit in a few hundred.
MAX_SHEET_ROWS = 20_000
MAX_SHEET_CELLS = 400_000


def breach(name: str, value, detail: str = "") -> str:
    """The one-line error of a breached limit: ``over MAX_FILE_BYTES (256 MiB): ...``."""
    shown = f"{value // MiB} MiB" if isinstance(value, int) and value >= MiB else f"{value}"
    return f"over {name} ({shown})" + (f": {detail}" if detail else "")
