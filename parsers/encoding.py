"""Decoding Chinese pages: BOM, then the declared charset, then detection; GB names map to
GB18030, the superset that decodes every character the others do (镕, 䶮, …)."""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from charset_normalizer import from_bytes

_GB = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "gb_2312", "euc-cn", "hz-gb-2312", "gb18030",
       "windows-936", "csgb2312", "chinese", "iso-ir-58"}
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)


class Decoded(NamedTuple):
    text: str
    encoding: str
    warnings: list[str]


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Text, the encoding used, and warnings."""
    warnings: list[str] = []
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(enc, errors="replace"), enc, warnings)
    candidates = []
    if declared:
        candidates.append(_canonical(declared))
    m = _META.search(data[:4096]) or _XML.search(data[:1024])
    if m:
        candidates.append(_canonical(m.group(1).decode("ascii", "ignore")))
    for enc in candidates:
        if not enc:
            continue
        try:
            return Decoded(data.decode(enc), enc, warnings)
        except UnicodeDecodeError:
            continue  # a declaration that lies: fall through to detection
    try:
        return Decoded(data.decode("utf-8"), "utf-8", warnings)
    except UnicodeDecodeError:
        pass
    # Chinese government pages are UTF-8 or GB; GB18030 decodes any GB page strictly.
    try:
        return Decoded(data.decode("gb18030"), "gb18030", warnings)
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    enc = (_canonical(best.encoding) if best else None) or "gb18030"
    text = data.decode(enc, errors="replace")
    if "\ufffd" in text:
        warnings.append(f"text: {text.count(chr(0xfffd))} bytes could not be decoded as {enc}")
    return Decoded(text, enc, warnings)
