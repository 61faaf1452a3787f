"""What the archive knows of a document besides its bytes, handed to the parser as hints: the
link text the crawler followed to it, the title and the 发布机构/来源 of the page it is on, and
its file name (from ``Content-Disposition``, else the URL, else the file ingested by hand).

A report's organ and year are often stated only there — a spreadsheet whose title is not in its
first lines, a Word file named ``2023年某某乡人民政府政府信息公开工作年度报告.docx`` — and the
parser says which source it believed (``organ_source``, ``year_source``).
"""

from __future__ import annotations

import inspect
import json
import posixpath
from email.message import Message
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import unquote, urlsplit

from parsers.sandbox import parse_isolated

HINT_KEYS = ("file_name", "link_text", "title", "publisher")


def disposition_name(value: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives (``filename*=UTF-8''…`` included);
    a name sent as raw GBK bytes is read as GBK."""
    if not value:
        return None
    msg = Message()
    msg["content-disposition"] = value
    try:
        name = msg.get_filename()
    except (TypeError, ValueError, LookupError):
        name = None
    if not name:
        return None
    name = unquote(name)
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name.strip() or None
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc).strip() or None
        except UnicodeDecodeError:
            continue
    return name.strip() or None


# The last segment of a page's or a script's URL names no file (download.jsp, t2024….html).
_NOT_FILES = {"jsp", "php", "asp", "aspx", "do", "action", "cgi", "html", "htm", "shtml", "jhtml"}


def url_name(url: str | None) -> str | None:
    """The last segment of a URL's path, if it names a file (an extension, not a page's or a
    script's)."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    name = unquote(posixpath.basename(urlsplit(url).path))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else None
    return name if ext and ext not in _NOT_FILES else None


def _header(headers_json: str | None, name: str) -> str | None:
    try:
        pairs = json.loads(headers_json or "[]")
    except ValueError:
        return None
    return next((v for k, v in pairs if str(k).lower() == name), None)


def document_hints(fetches: list[dict]) -> dict:
    """The hints of a document from its fetches (``queries.document_fetches``, latest first):
    each key of :data:`HINT_KEYS` the fetches know, from the latest that knows it."""
    out: dict[str, str] = {}
    for f in fetches:
        name = (disposition_name(_header(f.get("response_headers"), "content-disposition"))
                or url_name(f.get("final_url")) or url_name(f.get("url"))
                or (PurePath(f["local_path"]).name if f.get("local_path") else None))
        for key, value in (("file_name", name), ("link_text", f.get("link_text")),
                           ("title", f.get("title")), ("publisher", f.get("publisher"))):
            if value and key not in out:
                out[key] = " ".join(str(value).split())
    return out


@lru_cache(maxsize=1)
def parser_takes_hints() -> bool:
    """Whether the installed parser accepts ``hints=`` (older versions do not)."""
    return "hints" in inspect.signature(parse_isolated).parameters


def parse_with_hints(data: bytes, limits, hints: dict):
    """``parse_isolated`` with the hints when the parser takes them."""
    if hints and parser_takes_hints():
        return parse_isolated(data, limits, hints=hints)
    return parse_isolated(data, limits)
