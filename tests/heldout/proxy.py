"""A small HTTP forward proxy on 127.0.0.1 for the crawl tests: requests for the imitation portals'
host names (absolute-URI requests, as any client configured with ``http_proxy`` sends them) go to
the local server that plays them; any other host gets a 502 and is logged, so a test can assert
the crawl asked for nothing else."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "proxy-connection"}


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _relay(self, method: str) -> None:
        parts = urlsplit(self.path)
        host = (parts.hostname or "").lower()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        with self.server.lock:
            self.server.requests.append((method, host, self.path))
        backend = self.server.routes.get(host)
        if parts.scheme != "http" or backend is None:
            with self.server.lock:
                self.server.refused.append(self.path)
            self._answer(502, [("Content-Type", "text/plain")], b"no route to " + host.encode())
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn = http.client.HTTPConnection(*backend, timeout=60)
        try:
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            out = [(k, v) for k, v in resp.getheaders()
                   if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
            self._answer(resp.status, out, payload, resp.reason)
        finally:
            conn.close()

    def _answer(self, status, headers, payload: bytes, reason=None) -> None:
        try:
            self.send_response(status, reason)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):  # noqa: N802
        self._relay("GET")

    def do_POST(self):  # noqa: N802
        self._relay("POST")

    def do_HEAD(self):  # noqa: N802
        self._relay("HEAD")

    def do_CONNECT(self):  # noqa: N802 - the imitations speak plain HTTP only
        with self.server.lock:
            self.server.refused.append(self.path)
        self._answer(502, [], b"")

    def log_message(self, fmt, *args):
        pass


class ForwardProxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: dict[str, tuple[str, int]]):
        self.routes = {h.lower(): backend for h, backend in routes.items()}
        self.requests: list[tuple[str, str, str]] = []
        self.refused: list[str] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.thread = threading.Thread(target=self.serve_forever, name="forward-proxy", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hosts_asked(self) -> set[str]:
        with self.lock:
            return {h for _, h, _ in self.requests}

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)
