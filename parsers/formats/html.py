"""HTML pages: tables from the DOM with rowspan/colspan expanded, text from the body."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.html
from lxml import etree

from ..document import Extracted, Row, text_rows
from ..encoding import decode
from ..limits import (MAX_HTML_DEPTH, MAX_SHEET_CELLS, MAX_SHEET_ROWS, MAX_SPAN_COLS,
                      MAX_SPAN_ROWS, breach)

_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
          "article", "dd", "dt", "ul", "ol", "blockquote", "pre"}
_REPORT_MARKERS = re.compile(r"本年新收|第二十条|行政复议|申请人情况|信息内容")


_SPACES = re.compile(r"\s+")


def _cell_text(el, seen: dict | None = None) -> str:
    """A cell's text on one line; `seen` keeps what was read (the table and the body text
    both read every cell)."""
    if seen is not None and el in seen:
        return seen[el]
    text = _SPACES.sub(" ", "".join(el.itertext())).strip()
    if seen is not None:
        seen[el] = text
    return text


def expand_table(table, seen: dict | None = None) -> list[list[str | None]]:
    """The table's grid: a spanned slot holds None; its origin holds the text."""
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], bool] = {}
    rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    for r, tr in enumerate(rows):
        if len(grid) <= r:
            grid.append([])
        row = grid[r]
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                while len(row) <= c:
                    row.append(None)
                c += 1
            rs = _span(cell.get("rowspan"), MAX_SPAN_ROWS)
            cs = _span(cell.get("colspan"), MAX_SPAN_COLS)
            while len(row) <= c:
                row.append(None)
            row[c] = _cell_text(cell, seen)
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        pending[(r + dr, c + dc)] = True
                        if dr == 0:
                            while len(row) <= c + dc:
                                row.append(None)
            c += cs
    return grid


def _owner_table(tr):
    for anc in tr.iterancestors():
        if anc.tag == "table":
            return anc
    return None


def _span(value, cap: int) -> int:
    try:
        n = int(str(value).strip() or 1)
    except ValueError:
        return 1
    return max(1, min(n, cap))


def _text(root, seen: dict | None = None) -> str:
    out: list[str] = []

    def walk(el):
        if not isinstance(el.tag, str):
            if el.tail:
                out.append(el.tail)
            return
        if el.tag in ("td", "th"):
            out.append(_cell_text(el, seen) + "\t")
            if el.tail:
                out.append(el.tail.strip())
            return
        if el.tag in _BLOCK:
            out.append("\n")
        if el.text:
            out.append(el.text)
        for child in el:
            walk(child)
        if el.tag in _BLOCK:
            out.append("\n")
        if el.tail:
            out.append(el.tail)

    walk(root)
    text = "".join(out)
    text = re.sub(r"[ \u3000\xa0]*\n[ \t\u3000\xa0]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_TR = re.compile(r"<tr[\s>/]", re.I)
_TD = re.compile(r"<t[dh][\s>/]", re.I)


def _check_table_size(html: str) -> None:
    """Refuse, before building a tree, a page whose tables pass MAX_SHEET_ROWS or
    MAX_SHEET_CELLS: its tree alone would take gigabytes."""
    rows = sum(1 for _ in _TR.finditer(html))
    if rows > MAX_SHEET_ROWS:
        raise ValueError(breach("MAX_SHEET_ROWS", MAX_SHEET_ROWS, f"the page's tables have {rows} rows"))
    cells = sum(1 for _ in _TD.finditer(html))
    if cells > MAX_SHEET_CELLS:
        raise ValueError(breach("MAX_SHEET_CELLS", MAX_SHEET_CELLS,
                                f"the page's tables have {cells} cells"))


class _Words(HTMLParser):
    """The text of a page whatever its nesting (Python's tokenizer keeps no tree)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in _BLOCK or tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def _flat_text(html: str) -> str:
    words = _Words()
    words.feed(html)
    words.close()
    text = re.sub(r"[ \u3000\xa0]*\n[ \t\u3000\xa0]*", "\n", "".join(words.out))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def extract(data: bytes, fmt: str = "html", declared_charset: str | None = None) -> Extracted:
    text, _, warnings = decode(data, declared_charset)
    _check_table_size(text)
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"not a readable HTML page: {exc}") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops at its depth limit and drops everything after: read the words instead.
        body = _flat_text(text)
        warnings.append("html: " + breach("MAX_HTML_DEPTH", MAX_HTML_DEPTH,
                                          "elements nested deeper; read as plain text, "
                                          "tables not read"))
        return Extracted("html", body, text_rows(body), title=None, warnings=warnings)
    title = None
    for xp in ("//meta[@name='ArticleTitle']/@content", "//h1//text()", "//title//text()"):
        found = [t.strip() for t in root.xpath(xp) if t.strip()]
        if found:
            title = found[0]
            break
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    rows: list[Row] = []
    seen: dict = {}
    for gid, table in enumerate(root.iter("table")):
        if table.xpath(".//table"):
            continue  # a layout table: its inner tables are read on their own
        grid = expand_table(table, seen)
        if not any(_REPORT_MARKERS.search(c or "") for r in grid for c in r):
            continue
        rows.extend(Row(r, gid) for r in grid)
    body = _text(root, seen)
    if not rows:
        rows = text_rows(body)
    return Extracted("html", body, rows, title=title, warnings=warnings)
