"""OCR of scanned pages (images, and PDF pages without a usable text layer), offline.

Its steps, one module each:

- ``page``: the page image decoded (an image file's frames, a PDF page rendered), brought to
  about 200 dpi in grey, deskewed and turned upright;
- ``engine``: rapidocr with the models inside its wheel; the text detector runs once on the page
  (at half scale: it only has to find lines);
- ``rules``: the ruling lines, found with OpenCV morphology on the page's ink once the detected
  characters are taken out;
- ``tables``: every region the rules enclose is one cell, placed on the table's grid;
- ``cells``: the text lines of each cell, and the grid of slots they fill (a merged cell's
  covered slots are ``None``, as in the other extractors);
- ``reading``: each text line recognised from its own crop, so a line of text never runs across
  a rule into the next cell; numbers read unsurely are read again, and look-alike letters in a
  number cell mended;
- ``pipeline``: the steps in order; text outside the tables becomes plain text lines in
  reading order (title, organ, year, section headings).

The package needs the ``ocr`` extra (rapidocr, onnxruntime, OpenCV): without it, importing it
fails, and ``parsers.formats.available_ocr()`` says so.
"""

from .engine import available, engine
from .page import DPI
from .pipeline import Page, extract_image, pdf_page, read_page

__all__ = ["DPI", "Page", "available", "engine", "extract_image", "pdf_page", "read_page"]
