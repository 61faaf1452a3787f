"""File names as the commands print and store them, whatever bytes they hold.

A POSIX file name is any bytes but ``/`` and NUL: a newline in it must not forge a line of
output, and bytes that are not UTF-8 (Python holds them as lone surrogates, ``\\udcff``) must not
make invalid UTF-8 or break an SQLite insert. docs/limits.md shows the three forms:

- :func:`shown`: one line of text — ``\\n``, ``\\t`` and other controls escaped, a byte that is
  not UTF-8 as ``\\xff``, a backslash doubled;
- :func:`json_dumps`: JSON whose strings keep such bytes as the escapes ``"\\udcff"``
  (``os.fsencode(json.loads(...))`` gives the name's bytes back);
- :func:`stored`: a valid UTF-8 string for SQLite — a byte that is not UTF-8 as ``\\xff``.
"""

from __future__ import annotations

import json
import os
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def _as_str(path) -> str:
    return os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)


def shown(path) -> str:
    """``path`` as one printable line."""
    out = []
    for c in _as_str(path):
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xdc00:02x}")
        elif c == "\\":
            out.append("\\\\")
        elif not c.isprintable():
            out.append(c.encode("unicode_escape").decode("ascii"))
        else:
            out.append(c)
    return "".join(out)


def stored(path) -> str:
    """``path`` as valid UTF-8 text: only bytes that are not UTF-8 are escaped (``\\xff``)."""
    return os.fsencode(_as_str(path)).decode("utf-8", "backslashreplace")


def json_dumps(obj) -> str:
    """``json.dumps(obj, ensure_ascii=False)``, but a lone surrogate is written as its escape,
    so the result is always valid UTF-8."""
    text = json.dumps(obj, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
