"""Which organ issued a report and which year its statistics cover, from every place that states
them, each value with the place it came from.

The document's own statements come first: its title (wherever it stands: the first line, below
a cover, a 目录 or a table, inside a table cell, broken over lines), then its signature (落款),
then its text (a title quoted in a sentence, the statistics period). What the caller knows of the
file (``hints``: the page's title, the link's text, the page's 发布机构/来源, the file's name)
comes after. Where two places disagree, the first is kept and the disagreement is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import NamedTuple

from .numbers import compact
from .organs import clean_organ, same_organ
from .signature import Signature
from .titles import TitleParts, find_in_prose, period_year, read_title

SOURCES = ("title", "signature", "text", "publisher", "link_text", "file_name")
HINTS = ("file_name", "link_text", "title", "publisher")
# How a warning names each place.
SAID = {"title": "the title", "signature": "the signature", "text": "the text",
        "page_title": "the page's title", "link_text": "the link's text",
        "publisher": "the page's 发布机构", "file_name": "the file's name"}
# The order in which places are believed (page_title is reported as "title").
ORGAN_ORDER = ("title", "signature", "text", "page_title", "link_text", "publisher", "file_name")
YEAR_ORDER = ("title", "text", "page_title", "link_text", "file_name")
MAX_TITLE_LINES = 4  # a title broken over more lines than this is not read as one
TITLE_CHARS = 60     # a line longer than this (spaces aside) is prose, not part of a title
PROSE_CHARS = 30000  # the text's statements are read from its beginning
_PUBLISHER_LABEL = ("发布机构", "发布单位", "来源", "信息来源", "发文机关", "公开主体", "主办单位")


class Statement(NamedTuple):
    place: str          # a key of SAID
    organ: str | None
    year: int | None


@dataclass
class Issuer:
    organ: str | None = None
    year: int | None = None
    organ_source: str | None = None
    year_source: str | None = None
    title: TitleParts | None = None  # the document's own title, if it has one
    warnings: list[str] = field(default_factory=list)


def _title_lines(text: str) -> list[list[str]]:
    """The document's lines as runs a title may span: plain short lines run on; a table row's
    cells and a long line stand alone."""
    runs: list[list[str]] = []
    run: list[str] = []
    for line in text.splitlines():
        if "\t" in line:
            if run:
                runs.append(run)
                run = []
            runs.extend([cell] for cell in line.split("\t") if cell.strip())
            continue
        flat = compact(line)
        if not flat:
            continue
        if len(flat) > TITLE_CHARS:
            if run:
                runs.append(run)
                run = []
            continue
        run.append(flat)
    if run:
        runs.append(run)
    return runs


def _best(parts: list[TitleParts]) -> TitleParts | None:
    full = [p for p in parts if p.organ and p.year]
    return (full or parts or [None])[0]


def find_title(text: str, doc_title: str | None = None) -> TitleParts | None:
    """The document's own title: its stated title (``doc_title``, an HTML page's <h1>) or the
    first of its lines (or of several lines run together, or a table cell) that reads as one."""
    if doc_title:
        parts = read_title(doc_title)
        if parts and parts.organ and parts.year:
            return parts
    first = read_title(doc_title) if doc_title else None
    for run in _title_lines(text):
        for end in range(len(run)):
            found = []
            # The shortest window ending here first: a line above is only taken if it belongs.
            for start in range(end, max(-1, end - MAX_TITLE_LINES), -1):
                window = "".join(run[start:end + 1])
                parts = read_title(window) if ("报告" in window or "年报" in window) else None
                if parts:
                    found.append(parts)
            best = _best(found)
            if best is None:
                continue
            if not (best.organ and best.year) and end + 1 < len(run):
                # A year or an organ on the next line (（2023年度） under the title).
                for start in range(end + 1, max(-1, end - MAX_TITLE_LINES + 1), -1):
                    parts = read_title("".join(run[start:end + 2]))
                    if parts and parts.organ and parts.year:
                        best = parts
                        break
            return _merge(first, best) if first else best
    return first


def _merge(a: TitleParts, b: TitleParts) -> TitleParts:
    """The stated title, its missing part filled from the text's title when they agree."""
    if a.year is not None and b.year is not None and a.year != b.year:
        return a
    return TitleParts(a.organ or b.organ, a.year or b.year, a.about)


def _hint_statements(hints: dict | None) -> list[Statement]:
    out: list[Statement] = []
    if not hints:
        return out
    for key, place in (("title", "page_title"), ("link_text", "link_text")):
        parts = read_title(hints.get(key))
        if parts:
            out.append(Statement(place, parts.organ, parts.year))
    publisher = hints.get("publisher")
    if publisher:
        value = compact(publisher)
        for label in _PUBLISHER_LABEL:
            if value.startswith(label):
                value = value[len(label):].lstrip(":：")
        organ = clean_organ(value)
        if organ:
            out.append(Statement("publisher", organ, None))
    name = hints.get("file_name")
    if name:
        base = PureWindowsPath(PurePosixPath(name).name).name
        parts = read_title(base)
        if parts:
            out.append(Statement("file_name", parts.organ, parts.year))
    return out


def _source(place: str) -> str:
    return "title" if place == "page_title" else place


def _choose(statements: list[Statement], what: str, order: tuple[str, ...]) -> tuple:
    """The value of the first place in ``order`` that states one; warnings for the places that
    state another."""
    values = [(s.place, getattr(s, what)) for s in statements if getattr(s, what) is not None]
    values.sort(key=lambda pv: order.index(pv[0]))
    if not values:
        return None, None, []
    place, value = values[0]
    warnings = []
    seen = set()
    for other, v in values[1:]:
        agree = same_organ(value, v) if what == "organ" else v == value
        if agree or (other, v) in seen:
            continue
        seen.add((other, v))
        warnings.append(f"{what}: {SAID[place]} says {value} but {SAID[other]} says {v}; "
                        f"{value} was kept")
    return value, _source(place), warnings


def find_issuer(text: str, doc_title: str | None = None, signature: Signature | None = None,
                hints: dict | None = None) -> Issuer:
    """Organ and statistics year, each with its source (one of SOURCES), and warnings where the
    places that state them disagree."""
    statements: list[Statement] = []
    title = find_title(text, doc_title)
    if title:
        statements.append(Statement("title", title.organ, title.year))
    if signature and signature.organ:
        statements.append(Statement("signature", signature.organ, None))
    prose = find_in_prose(text[:PROSE_CHARS])
    if prose:
        statements.append(Statement("text", prose.organ, prose.year))
    period = period_year(text[:PROSE_CHARS])
    if period:
        statements.append(Statement("text", None, period))
    statements.extend(_hint_statements(hints))
    organ, organ_source, w1 = _choose(statements, "organ", ORGAN_ORDER)
    year, year_source, w2 = _choose([s for s in statements if s.place in YEAR_ORDER], "year",
                                    YEAR_ORDER)
    return Issuer(organ, year, organ_source, year_source, title, w1 + w2)
