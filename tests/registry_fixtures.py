"""Helpers for the registry tests (no tests here).

- An imitation of the national government-website database's download service
  (全国政府网站基本信息数据库) on 127.0.0.1: the group list page and ``POST
  …downloadTemp_downFile.action`` answering a zip per group, with faults on demand (a 500, an
  answer slower than the client waits, a block page). Its files are built at test time, in a
  temporary directory, from ``../shared/registry/gov-portals.tsv`` (not part of the project: the
  tests that need it are skipped, saying why, when it is absent): 部委门户 as UTF-8 CSV,
  省级门户 as XLS (LibreOffice), 地方所属网站 as GB18030 CSV under a title line.
- A tiny local portal per county: a home page, its 政府信息公开 page, its 年报 column and one
  report page of the county government (a generated report with known cells).
"""

from __future__ import annotations

import csv
import io
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from crawler.demo.content import soffice_batch

ROOT = Path(__file__).resolve().parents[1]
SHARED_REGISTRY = ROOT.parent / "shared" / "registry"
PORTALS_TSV = SHARED_REGISTRY / "gov-portals.tsv"
MISSING = (f"{PORTALS_TSV} not found: the registry data comes from other repositories and is "
           "not part of the project")
needs_registry_data = pytest.mark.skipif(not PORTALS_TSV.is_file(), reason=MISSING)

HEADER = ["网站名称", "首页网址", "主办单位", "主管单位", "政府网站标识码", "ICP备案号",
          "公安机关备案号", "地区", "网站类型"]
GROUPS = {"bwmh": "部委门户", "sjmh": "省级门户", "dfsswz": "地方所属网站"}
LIST_PATH = "/check_web/databaseInfo/download"
ACTION_PATH = "/check_web/downloadTemp_downFile.action"


def tsv_rows(path: Path = PORTALS_TSV) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@dataclass
class OfficialSite:
    """One website as the imitation lists it, with the shared file's row it came from."""
    group: str
    row: dict            # HEADER -> value
    source: dict         # the gov-portals.tsv row


def official_sites(rows: list[dict]) -> list[OfficialSite]:
    """The database's rows for the shared file's portals: a site code per site (the division
    code and a number in it; ``bm`` and 8 digits for national bodies; none where the file has
    no division code), the portal's name as 主办单位."""
    out, numbers = [], {}
    for n, r in enumerate(rows, start=1):
        code = r["region_code"]
        if r["level"] == "国家级":
            group, site_code = "bwmh", f"bm{len(out) + 1:02d}000001"
        else:
            group = "sjmh" if r["level"] == "省级" else "dfsswz"
            numbers[code] = numbers.get(code, 0) + 1
            site_code = f"{code}{numbers[code]:04d}" if code else ""
        portal = r["level"] != "国家级" or "国务院门户" in r["source"]
        out.append(OfficialSite(group, {
            "网站名称": r["name"], "首页网址": r["url"], "主办单位": r["name"],
            "主管单位": r["name"], "政府网站标识码": site_code,
            "ICP备案号": f"京ICP备{n:08d}号", "公安机关备案号": f"{(code or '110000')}02{n:06d}号",
            "地区": r["region_path"].replace("/", ""),
            "网站类型": "政府门户网站" if portal else "部门网站"}, r))
    return out


def _csv(rows: list[dict], title: str | None = None) -> str:
    buf = io.StringIO()
    if title:
        buf.write(title + "\r\n")
    w = csv.DictWriter(buf, HEADER)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def group_files(sites: list[OfficialSite], xls: bool = True) -> dict[str, bytes]:
    """Each group's zip, as the service answers it: 部委门户 a UTF-8 CSV, 省级门户 an XLS
    (LibreOffice; a CSV when ``xls`` is off), 地方所属网站 a GB18030 CSV under a title line."""
    rows = {g: [s.row for s in sites if s.group == g] for g in GROUPS}
    files = {"bwmh": _zip("部委门户.csv", _csv(rows["bwmh"]).encode("utf-8-sig")),
             "dfsswz": _zip("地方所属网站.csv", _csv(
                 rows["dfsswz"], "全国政府网站基本信息数据库（地方所属网站）").encode("gb18030"))}
    if xls:
        sheet = soffice_batch({"sjmh": _csv(rows["sjmh"]).encode("utf-8")}, "csv", "xls",
                              infilter="CSV:44,34,76,1")["sjmh"]
        files["sjmh"] = _zip("省级门户.xls", sheet)
    else:
        files["sjmh"] = _zip("省级门户.csv", _csv(rows["sjmh"]).encode("utf-8"))
    return files


def list_page(groups: dict[str, str]) -> bytes:
    items = "".join(f'<li><div class="dpage_btn dpage_btn_click" id="{gid}">{label}</div></li>'
                    for gid, label in groups.items())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>全国政府网站基本信息数据库'
            f'</title></head><body><div class="dpage"><ul class="dpage_ul">{items}</ul>'
            f'<a class="dpage_download" href="javascript:void(0)">下载</a></div></body></html>'
            ).encode("utf-8")


@dataclass
class ServiceState:
    files: dict[str, bytes]
    groups: dict[str, str] = field(default_factory=lambda: dict(GROUPS))
    faults: dict[str, list[str]] = field(default_factory=dict)   # group id -> next faults
    slow: float = 3.0                                              # seconds a "slow" answer takes
    log: list = field(default_factory=list)                        # (method, path, downames)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def posts(self, group: str) -> int:
        return sum(1 for m, _, g in self.log if m == "POST" and g == group)


class ServiceHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the client gave up waiting (the "slow" fault)

    def do_GET(self):
        state: ServiceState = self.server.state
        with state.lock:
            state.log.append(("GET", self.path, None))
        if self.path.split("?")[0] == LIST_PATH:
            self._send(200, list_page(state.groups), "text/html; charset=utf-8",
                       {"Set-Cookie": "JSESSIONID=imitation; Path=/check_web"})
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self):
        state: ServiceState = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        group = (parse_qs(body).get("downames") or [""])[0]
        with state.lock:
            state.log.append(("POST", self.path, group))
            faults = state.faults.get(group) or []
            fault = faults.pop(0) if faults else None
        if self.path != ACTION_PATH or group not in state.files:
            return self._send(404, "没有该分组".encode(), "text/plain; charset=utf-8")
        if fault == "500":
            return self._send(500, b"<html><body>500 Internal Server Error</body></html>",
                              "text/html")
        if fault == "block":
            return self._send(200, "<html><body>您的访问被拒绝</body></html>".encode(),
                              "text/html; charset=utf-8")
        if fault == "slow":
            time.sleep(state.slow)
        self._send(200, state.files[group], "application/octet-stream",
                   {"Content-Disposition": f'attachment; filename="{group}.zip"'})


class Service(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ServiceState):
        super().__init__(("127.0.0.1", 0), ServiceHandler)
        self.state = state
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


# --- a tiny local portal -----------------------------------------------------------------------

REPORT_PATH = "/zwgk/ndbg/202401/t20240115_1.html"
# A 瑞数-like page: a script that would set a cookie and never does.
CHALLENGE = (b'<html><head><meta charset="utf-8"><script>var $_ts={};$_ts.nsd=12345;</script>'
             b'<script src="/c.js"></script></head><body></body></html>')


class PortalHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        portal: TinyPortal = self.server.portal
        portal.hits.append(self.path)
        status, body = portal.page(self.path.split("?")[0])
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TinyPortal(ThreadingHTTPServer):
    """A county's portal on a port of its own: home → 政府信息公开 → 年报 column → the county
    government's report (generated, with known cells). ``mode``: ``ok``; ``challenge`` (every
    page is a JavaScript challenge no browser passes); ``moved`` (the 年报 column is gone, the
    report page still answers)."""

    daemon_threads = True

    def __init__(self, organ: str, year: int = 2023, seed: int = 7, mode: str = "ok"):
        from crawler.demo.generator import generate, to_html

        super().__init__(("127.0.0.1", 0), PortalHandler)
        self.portal, self.organ, self.year, self.mode = self, organ, year, mode
        self.hits: list[str] = []
        rep = generate(seed, year=year)
        rep.organ = rep.organ_printed = organ
        self.report = to_html(rep)
        self.truth = rep.truth()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def page(self, path: str) -> tuple[int, bytes]:
        if self.mode == "challenge":
            return 412, CHALLENGE
        title = f"{self.organ}{self.year}年政府信息公开工作年度报告"
        nb = '<li><a href="/zwgk/ndbg/">政府信息公开工作年度报告</a></li>' \
            if self.mode == "ok" else ""
        pages = {
            "/": f'<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政府信息公开'
                 f'</a></li><li><a href="/hdjl/">互动交流</a></li></ul><h1>{self.organ}</h1>',
            "/zwgk/": f'<h2>政府信息公开</h2><ul><li><a href="/zwgk/zcwj/">政策文件</a></li>{nb}</ul>',
            "/zwgk/ndbg/": f'<h2>政府信息公开工作年度报告</h2><ul class="list"><li>'
                           f'<a href="{REPORT_PATH}">{title}</a><span>{self.year + 1}-01-15'
                           f'</span></li></ul>' if self.mode == "ok" else None,
            "/zwgk/zcwj/": "<h2>政策文件</h2><ul><li>暂无</li></ul>",
        }
        if path == REPORT_PATH:
            return 200, self.report
        html = pages.get(path)
        if html is None:
            return 404, b"<html><body>404</body></html>"
        return 200, (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{self.organ}'
                     f'</title></head><body>{html}</body></html>').encode("utf-8")

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def closed_port_url() -> str:
    """A URL of 127.0.0.1 where nothing listens."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def registry_csv(sites: list[tuple[str, str, str, str]]) -> bytes:
    """The database's CSV for (name, home page, site code, site type), the name as 主办单位."""
    return _csv([{"网站名称": name, "首页网址": url, "主办单位": name, "主管单位": name,
                  "政府网站标识码": code, "网站类型": kind}
                 for name, url, code, kind in sites]).encode("utf-8-sig")
