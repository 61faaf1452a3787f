"""A report page's own text: its main content, without the page's furniture — navigation,
sidebars, 相关链接, visit and download counters, print and share widgets, today's date.

This text is what search indexes, what the diffs compare and what the report's prose is read
from. The parser reads the whole page (the tables may sit anywhere in it); the archive keeps
the main content as the page's text:

- the CMS family's own body container, when the crawler saw one on the page (``div.TRS_Editor``,
  ``#zoom``, … — each family module names its own; the crawler records which matched, as
  ``fetches.content_selector``), else
- trafilatura's main-content extraction (tables kept, comments and links' targets dropped).

It lives in the archive because only the archive has every stored page and every fetch's
record of its container: ``xxgk reparse`` recomputes it, for pages crawled before a family
learnt its container, without fetching anything again. The parsers stay about files; the
crawler only says where a page's text is.
"""

from __future__ import annotations

from typing import NamedTuple

import lxml.html
import trafilatura
from lxml import etree

from parsers.api import ParseError, extract
from parsers.encoding import decode
from parsers.report import normalize_text

# Larger pages are left to the parser's whole-page text: main-content extraction runs in the
# archive's own process, and a hostile page must not hold it for long.
MAX_BYTES = 8 * 1024 * 1024
# Less text than this from trafilatura is not a page's main content (it found none).
MIN_CHARS = 20


class MainText(NamedTuple):
    text: str
    source: str          # "container:<selector>" or "trafilatura"


def _text_of(html: bytes) -> str:
    """The text of a piece of HTML as the parser writes page text (table cells tab-separated);
    '' if it cannot be read."""
    try:
        return normalize_text(extract(html, "html").text).strip()
    except (ValueError, ParseError):
        return ""


def main_text(data: bytes, selectors=(), title: str | None = None) -> MainText | None:
    """The main content of an HTML page as text, or None when neither a container nor
    trafilatura finds it. ``selectors``: CSS selectors of the page's body container, tried in
    order; ``title``: the report's title, put first when the body does not repeat it."""
    if not data or len(data) > MAX_BYTES:
        return None
    html = decode(data).text
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(
            encoding="utf-8", no_network=True, huge_tree=False))
    except (etree.ParserError, ValueError):
        return None
    found = None
    for sel in selectors or ():
        try:
            hits = root.cssselect(sel)
        except Exception:  # noqa: BLE001 - a selector lxml cannot read: try the next one
            continue
        if hits:
            text = _text_of(etree.tostring(hits[0], encoding="utf-8", method="html"))
            if text:            # an empty container is a placeholder, not the page's body
                found = MainText(text, f"container:{sel}")
                break
    if found is None:
        try:
            body = trafilatura.extract(html, output_format="html", include_tables=True,
                                       include_comments=False, include_links=False,
                                       include_images=False, deduplicate=False)
        except Exception:  # noqa: BLE001 - a page trafilatura cannot read: no main content
            body = None
        if not body:
            return None
        text = _text_of(body.encode("utf-8"))
        if len(text) < MIN_CHARS:
            return None
        found = MainText(text, "trafilatura")
    if title and title.strip() and title.strip() not in found.text[:400]:
        found = found._replace(text=f"{title.strip()}\n{found.text}")
    return found
