"""The server's side of the held-out imitations: sites by host name behind one local server, the
documents they publish (reports and their neighbours), the bytes of report files, and the ground
truth a crawl is scored against.

A site is a ``Site``: its host names, its ``Doc``s (each placed at a page and/or file URL by the
site), its pages (``page(host, path)`` → a function of the request) and dynamic answers
(``dynamic(req)``: queries, POSTs, APIs). ``Hosts`` dispatches by the Host header and is served
by the demo's ``DemoServer`` (anything with ``handle(req)`` and ``stopping``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
import zlib
import zipfile
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from crawler.demo.web import Request, Response

DOC_TYPES = {"pdf": "application/pdf", "doc": "application/msword", "wps": "application/octet-stream",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def esc(text) -> str:
    return escape(str(text), quote=True)


@dataclass
class Doc:
    """One entry of a 年报 column: a report (its page, its file, or both) or a neighbour."""

    key: str
    organ: str                     # as the portal's organ directory names it
    year: int
    kind: str = "report"           # report | interpretation | notice | guide | points | news | chart
    fmt: str = "html"              # html: the page is the report; else the file's format
    mode: str = "page"             # page | attach (a page and its file) | file (the list links the file)
    date: dt.date = dt.date(2025, 1, 20)
    title: str = ""
    page: str | None = None        # absolute URL of its page
    file: str | None = None        # absolute URL of its file

    def __post_init__(self):
        if not self.title:
            self.title = title_of(self.kind, self.organ, self.year)
        if self.kind != "report":
            self.fmt, self.mode = "html", "page"

    @property
    def sha(self) -> str | None:
        return hashlib.sha256(file_bytes(self)).hexdigest() if self.file else None


def title_of(kind: str, organ: str, year: int) -> str:
    return {
        "report": f"{organ}{year}年政府信息公开工作年度报告",
        "interpretation": f"一图读懂《{organ}{year}年政府信息公开工作年度报告》",
        "chart": f"{organ}{year}年度政府信息公开工作年度报告图解",
        "notice": f"关于报送{year}年度政府信息公开工作年度报告的通知",
        "guide": f"{organ}政府信息公开指南（{year}年修订）",
        "points": f"{organ}{year + 1}年政务公开工作要点",
        "news": f"{organ}召开{year}年度政务公开工作推进会",
    }[kind]


def file_bytes(doc: Doc) -> bytes:
    """A small file of the format, unique to the document (parsing is off in these crawls: only
    the format and the bytes' identity matter)."""
    text = f"{doc.title} {doc.key}"
    if doc.fmt == "pdf":
        return (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + text.encode("utf-8") + b"\n%%EOF\n")
    if doc.fmt in ("doc", "wps"):
        return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
                + b"\x00" * 16 + text.encode("utf-16-le"))
    buf = io.BytesIO()
    inner = ("xl/workbook.xml", f"<workbook><!-- {esc(text)} --></workbook>") if doc.fmt == "xlsx" else \
        ("word/document.xml", f"<w:document><w:t>{esc(text)}</w:t></w:document>")
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in (("[Content_Types].xml", '<?xml version="1.0"?><Types/>'), inner):
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), content)
    return buf.getvalue()


def report_text(doc: Doc) -> str:
    """A report's or a neighbour's text as its page shows it: a report has its tables."""
    if doc.kind != "report":
        return (f"<p>{esc(doc.organ)}有关{doc.year}年度政府信息公开工作的{esc(doc.title)}，现予公布。"
                "各单位要提高认识，压实责任，确保按时完成。</p>")
    if doc.mode == "attach":
        return f"<p>现将《{esc(doc.title)}》予以公布，全文见附件。</p>"
    rows = "".join(f"<tr><td>{label}</td><td>{zlib.crc32((doc.key + label).encode()) % 90 + 1}</td></tr>"
                   for label in ("制发件数", "废止件数", "现行有效件数", "本年新收政府信息公开申请数量"))
    return (f"<p>根据《中华人民共和国政府信息公开条例》，特向社会公布{doc.year}年度政府信息公开工作年度报告。"
            f"本报告由{esc(doc.organ)}编制。</p><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
            f'<table border="1"><tr><td>信息内容</td><td>数量</td></tr>{rows}</table>'
            "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
            "<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>")


Handler = Callable[[Request], Response]


@dataclass
class Site:
    """An imitation: its host names, documents, pages and dynamic answers."""

    name: str = ""
    family: str = ""               # the CMS family it imitates (scores are grouped by it)
    docs: list[Doc] = field(default_factory=list)
    pages: dict = field(default_factory=dict)      # (host, path) -> Handler

    hosts: tuple = ()
    start: str = ""                # the home page the crawl starts from

    def page(self, url: str, handler: Handler) -> None:
        host, _, path = url.partition("://")[2].partition("/")
        self.pages[(host, "/" + path)] = handler

    def dynamic(self, req: Request) -> Response | None:
        """Answers that depend on the query or the body (APIs, query-addressed pages)."""
        return None

    def serve_files(self) -> None:
        """Each document's file at its URL."""
        for d in self.docs:
            if d.file:
                self.page(d.file, (lambda d: lambda req: Response(200, file_bytes(d), DOC_TYPES[d.fmt]))(d))

    def handle(self, req: Request) -> Response | None:
        host = req.host.split(":")[0].lower()
        if req.path == "/robots.txt":
            return Response(200, "User-agent: *\nAllow: /\n", "text/plain")
        found = self.dynamic(req)
        if found is not None:
            return found
        handler = self.pages.get((host, req.path))
        return handler(req) if handler else None

    def truth(self) -> dict:
        reports = [{"key": d.key, "organ": d.organ, "page": d.page, "file": d.file, "sha": d.sha,
                    "fmt": d.fmt, "mode": d.mode} for d in self.docs if d.kind == "report"]
        distractors = [d.page or d.file for d in self.docs if d.kind != "report"]
        return {"site": self.name, "family": self.family, "reports": reports, "distractors": distractors}


class Hosts:
    """Every site by its host names, behind one server (``DemoServer(site=Hosts(...))``)."""

    def __init__(self, sites: list[Site]):
        self.sites = sites
        self.by_host = {h: s for s in sites for h in s.hosts}
        self.stopping = threading.Event()
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def handle(self, req: Request) -> Response:
        with self.lock:
            self.hits[req.target] = self.hits.get(req.target, 0) + 1
        site = self.by_host.get(req.host.split(":")[0].lower())
        resp = site.handle(req) if site else None
        if resp is None:
            return Response(404, "<html><head><title>404</title></head><body>页面不存在</body></html>",
                            "text/html")
        return resp
