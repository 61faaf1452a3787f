"""A hostile government portal on 127.0.0.1 (no tests here): a 年报 column whose reports answer
as a gzip bomb, a body far past the size limit, a body cut by a closed connection or stalled
halfway, a page whose script never lets the browser's navigation end, or one whose script
allocates without end. Each path is served by a real HTTP server, streaming, in bounded
memory."""

from __future__ import annotations

import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MiB = 1024 ** 2

REPORT_HTML = ("<html><head><meta charset='utf-8'><title>某县人民政府2023年政府信息公开工作年度报告"
               "</title></head><body><div class='content'><h1>某县人民政府2023年政府信息公开工作"
               "年度报告</h1><p>一、总体情况</p><p>本年度主动公开政府信息。</p></div></body></html>")


# A 年报 list built by a script (so the crawler renders it in Chromium) that, once loaded, never
# lets the page's main thread go: every later browser step on it hangs.
HANGING_LIST = ("<html><head><meta charset='utf-8'><title>政府信息公开年报</title><script>"
                "window.addEventListener('load', function () { setTimeout(function () {"
                " for (;;) {} }, 300); });</script></head><body><h2>政府信息公开年报</h2>"
                "<div id='list'></div></body></html>").encode("utf-8")
# A 年报 list built by a script that allocates without end: its renderer grows until Chromium
# stops it.
HEAP_BOMB_LIST = ("<html><head><meta charset='utf-8'><title>政府信息公开年报</title><script>"
                  "var kept = []; function grow() { for (var i = 0; i < 50; i++) "
                  "kept.push(new Array(100000).fill(Math.random())); setTimeout(grow, 0); }"
                  " grow();</script></head><body><h2>政府信息公开年报</h2><div id='list'></div>"
                  "</body></html>").encode("utf-8")
# A 年报 list whose pager only a script turns, and whose 下一页 hangs the page when clicked.
HANGING_PAGER = ("<html><head><meta charset='utf-8'><title>政府信息公开年报</title><script>"
                 "function next() { for (;;) {} }</script></head><body><h2>政府信息公开年报</h2>"
                 "<div id='list'></div><a href='javascript:void(0)' onclick='next()'>下一页</a>"
                 "</body></html>").encode("utf-8")
# A JS challenge (412, $_ts as 瑞数 writes it) whose script spins for ever instead of setting
# its cookie.
NEVER_PASSED = ("<html><head><meta charset='utf-8'><script>var $_ts = {}; "
                "setTimeout(function () { for (;;) {} }, 100);</script></head><body>请稍候"
                "</body></html>").encode("utf-8")


def slow_report_html(rows: int = 19_000) -> bytes:
    """A report page whose one table of ``rows`` rows takes the parser many seconds."""
    table = "<table>" + "".join(f"<tr><td>规章{i}</td><td>1</td><td>2</td><td>3</td></tr>"
                                for i in range(rows)) + "</table>"
    return REPORT_HTML.replace("<p>一、总体情况</p>", table).encode("utf-8")


def gzip_bomb(inflated: int) -> bytes:
    """``inflated`` zero bytes as one gzip member (about inflated/1000 bytes), made in chunks."""
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk, out = bytes(MiB), []
    for _ in range(inflated // MiB):
        out.append(comp.compress(chunk))
    out.append(comp.flush())
    return b"".join(out)


class HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        srv = self.server
        srv.hits.append(self.path)
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            return self._send(404, b"", "text/plain")
        if path in ("/", "/gk/", "/gk/index.html"):
            return self._send(200, self._page("政府信息公开", [("政府信息公开年报", "/gk/nb/index.html")]))
        if path == "/gk/nb/index.html" and srv.hang_list:
            return self._send(200, HANGING_LIST)
        if path == "/gk/nb/index.html" and srv.heap_bomb_list:
            return self._send(200, HEAP_BOMB_LIST)
        if path == "/gk/nb/index.html" and srv.hang_on_click:
            return self._send(200, HANGING_PAGER)
        if path == "/gk/nb/index.html":
            return self._send(200, self._page("政府信息公开年报", [
                (f"某县人民政府{name}2023年政府信息公开工作年度报告", f"/gk/nb/{name}.html")
                for name in srv.reports]))
        name = path.rsplit("/", 1)[-1].removesuffix(".html")
        if name == "challenged":  # a 瑞数-like 412 whose script never sets its cookie
            return self._send(412, NEVER_PASSED)
        if name == "ok":
            return self._send(200, REPORT_HTML.encode("utf-8"))
        if name == "slow":
            return self._send(200, slow_report_html())
        if name == "bomb":
            body = srv.bomb
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if name == "huge":  # announced and sent: far past any limit, streamed
            total = srv.huge
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            block = (REPORT_HTML.encode("utf-8") * (MiB // len(REPORT_HTML.encode("utf-8")) + 1))[:MiB]
            try:
                for _ in range(total // MiB):
                    self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if name in ("drop", "stall"):
            # Headers announcing twice the body, half of it, then: the connection closed (drop),
            # or nothing more while it stays open (stall).
            body = REPORT_HTML.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) * 2))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if name == "stall":
                time.sleep(srv.hang_seconds)
            self.close_connection = True
            return
        return self._send(404, b"<html><body>not found</body></html>")

    def _page(self, title, links) -> bytes:
        items = "".join(f"<li><a href='{href}'>{text}</a><span>2024-01-1{i}</span></li>"
                        for i, (text, href) in enumerate(links))
        return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                f"<h2>{title}</h2><ul class='list'>{items}</ul></body></html>").encode("utf-8")

    def _send(self, status, body, ctype="text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class HostilePortal(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, reports=("ok", "bomb", "huge"), bomb_inflated: int = 1024 * MiB,
                 huge: int = 1024 * MiB, hang_seconds: float = 600, hang_list: bool = False,
                 hang_on_click: bool = False, heap_bomb_list: bool = False):
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.hits: list[str] = []
        self.reports = list(reports)
        self.bomb = gzip_bomb(bomb_inflated) if "bomb" in reports else b""
        self.huge = huge
        self.hang_seconds = hang_seconds
        self.hang_list = hang_list
        self.hang_on_click = hang_on_click
        self.heap_bomb_list = heap_bomb_list
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
