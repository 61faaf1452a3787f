"""What every demo site shares: its plan of items, report specs, the routes of its pages and
files, the body of an article page, the manifest rows. A site module adds its URL scheme, its page
templates and its CMS's quirks."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from typing import Callable

from ..content import CONTENT_TYPE, ReportSpec
from ..generator import html_body
from ..web import (Attachment, Item, Request, Response, distractor_text, distractor_title,
                   esc, gone, html_page)

Route = Callable[[Request], Response]


def stable_number(key: str, digits: int) -> int:
    """A number of ``digits`` digits that a key always gives (file names, ids)."""
    return int(hashlib.sha1(key.encode()).hexdigest()[:12], 16) % 10 ** digits


class Portal:
    """A site's docstring says what it imitates: its first line the CMS, the rest what a crawler
    meets there (the manifest's ``cms`` and ``notes``)."""

    name = "base"                 # also the path prefix: /<name>/
    organ = ""                    # the site's own government
    report_organ = ""             # who its own reports name, when not ``organ``
    needs: tuple = ()             # what a crawler needs: "js", "browser", "cookies", "referer", "post"
    first_article = 100000        # the article ids this site's CMS gives count on from here
    report_column = "nb"          # the column a new report is added to
    paragraph = "<p>　　{}</p>"    # a paragraph of an article, as the CMS's editor writes it

    def __init__(self, demo):
        self.demo = demo
        self.items: list[Item] = []
        self._n = 0
        self._art = self.first_article
        self.plan()
        for item in self.items:
            self.place(item)

    @property
    def prefix(self) -> str:
        return f"/{self.name}/"

    @property
    def cms(self) -> str:
        return " ".join(inspect.cleandoc(type(self).__doc__).partition("\n\n")[0].split())

    @property
    def notes(self) -> str:
        return " ".join(inspect.cleandoc(type(self).__doc__).partition("\n\n")[2].split())

    # --- to override ----------------------------------------------------------------------------
    def plan(self) -> None:
        """Fill ``self.items``."""

    def place(self, item: Item) -> None:
        """Give an item (and its attachments) their URLs."""

    def page_routes(self) -> dict[str, Route]:
        """The site's own pages (home, columns, scripts): everything but articles and files."""
        return {}

    def handle(self, req: Request) -> Response | None:
        """Dynamic endpoints (query strings, POST); None when the path is not one."""
        return None

    def start_urls(self) -> list[str]:
        return [self.prefix]

    def listing(self, item: Item) -> list[str]:
        """The list page(s) a listed item is on."""
        return []

    def parent(self, item: Item) -> str:
        """Where an article's page refreshes to once it is soft-deleted (its column)."""
        return self.prefix

    def article(self, item: Item, **kw) -> Response:
        """An article's page (a report, or a distractor's text)."""
        raise NotImplementedError

    def flaky_paths(self) -> dict[str, int]:
        """Paths that answer 503 this many times before they succeed."""
        return {}

    def slow_paths(self) -> list[str]:
        """Paths that answer only after ``Behaviour.slow_seconds``."""
        return []

    def traps(self) -> list[dict]:
        """Endless pages a crawler must not walk (manifest rows)."""
        return []

    def new_file(self, spec: ReportSpec) -> Attachment:
        """The attachment of a report published as a file."""
        return Attachment(spec, self.file_title(spec))

    # --- what every site does the same way ------------------------------------------------------
    def routes(self) -> dict[str, Route]:
        """Every page: the site's own, each article's (until removed) and, while the article is
        live, its files. Files at a dynamic URL (Boda's download.jsp) are answered by handle()."""
        r = dict(self.page_routes())
        for item in self.items:
            if item.status == "removed" or item.mode == "offsite":
                continue
            if item.status == "gone":
                r[item.url] = lambda req: gone(req.path)
                continue
            if item.mode != "file":
                r[item.url] = (lambda it: lambda req: self.detail(it))(item)
            if item.online:
                for att in item.attachments:
                    if "?" not in att.url:
                        r[att.url] = (lambda a: lambda req: self.file(a, req))(att)
        return r

    def detail(self, item: Item, **kw) -> Response:
        if item.status == "soft_deleted":
            return self.soft_deleted_page(self.parent(item))
        return self.article(item, **kw)

    def file(self, att: Attachment, req: Request) -> Response:
        return self.file_response(att.spec, att)

    def listed_on(self, item: Item) -> list[str]:
        return self.listing(item) if item.listed else []

    def add_report(self, fmt: str, year: int, organ: str | None) -> Item:
        """A new report at the top of the site's report column (a page, or a page and its file)."""
        s = self.spec(year, organ or self.report_organ or self.organ, fmt,
                      key=f"{self.name}-new{len(self.items):02d}")
        if fmt == "html":
            item = self.report_item(self.report_column, s, date=self.demo.today())
        else:
            item = self.attach_item(self.report_column, s, date=self.demo.today())
        self.place(item)
        return item

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

    def attach_item(self, column: str, spec: ReportSpec, **kw) -> Item:
        """A report page whose report is its attached file."""
        return self.report_item(column, spec, "attach", attachments=[self.new_file(spec)], **kw)

    def page_number(self, item: Item, items: list[Item], per_page: int) -> int:
        """The page (1 = first) of a list of ``per_page`` items that ``item`` is on."""
        return [i.key for i in items].index(item.key) // per_page + 1

    def title_html(self, item: Item, br: str = "<br/>") -> str:
        """An article's heading: an inline report's title lines, else its title."""
        if item.mode == "inline":
            return br.join(esc(t) for t in self.built(item.spec).report.title_lines())
        return esc(item.title)

    def body_html(self, item: Item, see_files: str = "详见附件。") -> str:
        """An article's text: an inline report's, a pointer to its files, or a distractor's."""
        if item.mode == "inline":
            return html_body(self.built(item.spec).report)
        return self.paragraph.format(see_files if item.mode == "attach" else esc(item.text))

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
