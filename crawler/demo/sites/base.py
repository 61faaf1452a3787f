"""What every demo portal shares: its plan of items, report specs, file routes, manifest rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Callable

from ..content import CONTENT_TYPE, ReportSpec
from ..web import (Attachment, Item, Request, Response, distractor_text, distractor_title,
                   html_page)

Route = Callable[[Request], Response]


class Portal:
    name = "base"
    prefix = "/base/"
    cms = ""
    organ = ""                    # the site's own government
    notes = ""
    needs: tuple = ()             # what a crawler needs: "js", "browser", "cookies", "referer", "post"

    def __init__(self, demo):
        self.demo = demo
        self.items: list[Item] = []
        self._n = 0
        self._art = self.first_article_id()
        self.plan()
        for item in self.items:
            self.place(item)

    # --- to override ----------------------------------------------------------------------------
    def first_article_id(self) -> int:
        return 100000

    def plan(self) -> None:
        """Fill ``self.items``."""

    def place(self, item: Item) -> None:
        """Give an item (and its attachments) their URLs."""

    def routes(self) -> dict[str, Route]:
        return {}

    def handle(self, req: Request) -> Response | None:
        """Dynamic endpoints (query strings, POST); None when the path is not one."""
        return None

    def start_urls(self) -> list[str]:
        return [self.prefix]

    def listed_on(self, item: Item) -> list[str]:
        return []

    def add_report(self, fmt: str, year: int, organ: str | None) -> Item:
        raise NotImplementedError

    # --- helpers --------------------------------------------------------------------------------
    def next_art(self, step: int = 1) -> int:
        self._art += step
        return self._art

    def spec(self, year: int, organ: str, fmt: str, **kw) -> ReportSpec:
        self._n += 1
        key = kw.pop("key", None) or f"{self.name}-{self._n:02d}"
        seed = int(hashlib.sha1(f"{self.demo.seed}:{key}".encode()).hexdigest()[:8], 16) % 10**6
        if fmt in ("pdf", "scan") and "source" not in kw:
            # half the PDFs printed from the web page, half from the Word file, as offices do
            kw["source"] = "html" if self._n % 2 else "docx"
        return ReportSpec(key, seed, year, organ, fmt, **kw)

    def pubdate(self, year: int, k: int = 0) -> dt.date:
        """When the report on ``year`` came out: in January of the next year, as the law asks."""
        return dt.date(year + 1, 1, 10 + (k * 7 + year) % 19)

    def report_item(self, column: str, spec: ReportSpec, mode: str = "inline", title: str | None = None,
                    attachments=(), date: dt.date | None = None, variant=None, flags=(), **kw) -> Item:
        title = title or f"{spec.organ}{spec.year}年政府信息公开工作年度报告"
        item = Item(key=f"{self.name}:{column}:{spec.key}", column=column, title=title,
                    date=date or self.pubdate(spec.year, len(self.items)), kind="report", mode=mode,
                    spec=spec if mode == "inline" else None, attachments=list(attachments),
                    variant=variant, flags=set(flags), art_id=self.next_art(7), **kw)
        if mode in ("file", "pdfonly") and not item.attachments:
            item.attachments = [Attachment(spec, self.file_title(spec), variant)]
        self.items.append(item)
        return item

    def distractor(self, column: str, kind: str, year: int, organ: str | None = None,
                   date: dt.date | None = None, title: str | None = None, **kw) -> Item:
        organ = organ or self.organ
        date = date or min(dt.date(year + 1, 2 + len(self.items) % 9, 3 + len(self.items) % 20),
                           dt.date(2025, 2, 27))
        item = Item(key=f"{self.name}:{column}:{kind}{len(self.items)}", column=column,
                    title=title or distractor_title(kind, organ, year), date=date, kind=kind,
                    mode="text", art_id=self.next_art(7), text=distractor_text(kind, organ, year, date),
                    **kw)
        self.items.append(item)
        return item

    def file_title(self, spec: ReportSpec) -> str:
        return f"{spec.organ}{spec.year}年政府信息公开工作年度报告.{spec.ext}"

    def built(self, spec: ReportSpec):
        return self.demo.built[spec.key]

    def file_response(self, spec: ReportSpec | None, att: Attachment | None = None,
                      headers=None) -> Response:
        if spec is None:
            return Response(200, att.data or b"", "application/octet-stream", headers=headers or [])
        data = self.built(spec).data()
        return Response(200, data, CONTENT_TYPE[spec.fmt], headers=headers or [])

    def live(self, column: str | None = None) -> list[Item]:
        items = [i for i in self.items if i.listed and (column is None or i.column == column)]
        return sorted(items, key=lambda i: (i.date, i.art_id), reverse=True)

    def item_by_url(self, url: str) -> Item | None:
        for item in self.items:
            if item.url == url:
                return item
        return None

    def soft_deleted_page(self, parent: str) -> Response:
        return html_page(f'<html><head><meta http-equiv="refresh" content="0;url={parent}">'
                         '<title></title></head><body></body></html>')

    # --- manifest ------------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        out = []
        for item in self.items:
            if item.kind != "report":
                continue
            listed = self.listed_on(item)
            if item.spec is not None:
                out.append(self._doc(item, item.spec, item.url, item.aliases, item.url, listed,
                                     item.variant, item))
            for att in item.attachments:
                if att.spec is None:
                    continue
                page = None if item.mode == "file" else item.url
                out.append(self._doc(item, att.spec, att.url, att.aliases, page, listed,
                                     att.variant or item.variant, item))
        return out

    def _doc(self, item, spec, url, aliases, page_url, listed, variant, owner) -> dict:
        b = self.built(spec)
        return {
            "id": spec.key,
            "site": self.name,
            "report_key": f"{b.truth['organ']}|{spec.year}",
            "url": url,
            "aliases": list(aliases),
            "page_url": page_url,
            "listed_on": listed,
            "list_title": owner.title,
            "format": "pdf" if spec.fmt == "scan" else spec.fmt,
            "scanned": spec.fmt == "scan",
            "variant": variant,
            "organ": b.truth["organ"],
            "organ_printed": spec.organ,
            "year": spec.year,
            "template": b.truth["template"],
            "title": b.title,
            "published": owner.date.isoformat(),
            "encoding": "gb18030" if "gbk" in owner.flags and spec.fmt == "html" else
                        ("utf-8" if spec.fmt == "html" else None),
            "content_type": CONTENT_TYPE[spec.fmt],
            "sha256": b.sha256,
            "status": owner.status,
            "behaviours": sorted(owner.flags),
            "cells": b.truth["cells"],
            "expected_failures": b.truth["expected_failures"],
            "placeholder_cells": b.truth["placeholder_cells"],
        }

    def distractors(self) -> list[dict]:
        return [{"site": self.name, "url": i.url or i.href, "kind": i.kind, "title": i.title,
                 "status": i.status, "listed_on": self.listed_on(i)}
                for i in self.items if i.kind != "report"]

    def describe(self) -> dict:
        return {"prefix": self.prefix, "allow": self.prefix, "cms": self.cms, "organ": self.organ,
                "start_urls": self.start_urls(), "needs": list(self.needs), "notes": self.notes}
