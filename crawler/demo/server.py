"""Serve the demo portal on 127.0.0.1.

From Python (a background thread; ``port=0`` picks a free port)::

    from crawler.demo.server import serve
    server, port = serve(root_dir)            # or serve(site=DemoSite(...))
    ...                                       # http://127.0.0.1:{port}/trs/index.html
    server.site.mutate("revise")              # change it while it runs
    server.stop()

From the shell (foreground; Ctrl-C stops it)::

    python -m crawler.demo.server --port 8765 --dir data/demo-site
    python -m crawler.demo.server --port 8765 --generation 2 --no-challenges --slow 5
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .site import Behaviour, DemoSite, default_root
from .web import Request

log = logging.getLogger("crawler.demo")

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class DemoHandler(BaseHTTPRequestHandler):
    """HTTP in front of ``DemoSite.handle``; ``answer`` is what a variant of the server changes."""

    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "nginx/1.20.1"

    def answer(self, req: Request) -> tuple[int, list[tuple[str, str]], bytes]:
        """(status, headers, body) for a request."""
        resp = self.server.site.handle(req)
        return resp.status, resp.all_headers(), resp.payload()

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(method if method != "HEAD" else "GET", self.path, headers, body, self.client_address[0])
        started = time.monotonic()
        status, out_headers, payload = self.answer(req)
        try:
            self.send_response(status)
            for name, value in out_headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout on the slow path)
        log.info('%s "%s %s" %d %d %.0fms%s', self.client_address[0], method, self.path, status,
                 len(payload), (time.monotonic() - started) * 1000,
                 f' referer="{headers["referer"]}"' if "referer" in headers else "")

    def do_GET(self):  # noqa: N802
        self._serve("GET")

    def do_HEAD(self):  # noqa: N802
        self._serve("HEAD")

    def do_POST(self):  # noqa: N802
        self._serve("POST")

    def log_message(self, fmt, *args):  # requests are logged by _serve
        pass


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    handler = DemoHandler

    def __init__(self, site: DemoSite, host: str = "127.0.0.1", port: int = 0):
        if host not in LOOPBACK:
            raise ValueError("the demo portal binds the loopback interface only")
        self.site = site
        super().__init__((host, port), self.handler)
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "DemoServer":
        self.thread = threading.Thread(target=self.serve_forever, name="demo-portal", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.site.stopping.set()          # wake requests waiting on the slow path
        self.shutdown()
        self.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.site.stopping.clear()


def serve(root_dir=None, host: str = "127.0.0.1", port: int = 0, *, site: DemoSite | None = None,
          seed: int = 2024, behaviour: Behaviour | None = None) -> tuple[DemoServer, int]:
    """Start the demo portal in a background thread: ``(server, port)``; ``server.stop()``."""
    site = site or DemoSite(root_dir, seed=seed, behaviour=behaviour)
    server = DemoServer(site, host, port).start()
    log.info("demo portal on http://%s:%d/ (files in %s)", host, server.port, site.root)
    return server, server.port


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.demo.server", description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--dir", default=None, help=f"cache of the report files (default {default_root()})")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--generation", type=int, default=1,
                    help="2 = the site after the standard changes (add, remove, soft-delete, revise, chrome)")
    ap.add_argument("--no-challenges", action="store_true", help="no 412/521 cookie challenges")
    ap.add_argument("--no-flaky", action="store_true", help="no transient 503s")
    ap.add_argument("--slow", type=float, default=30.0, help="seconds the slow path waits (default 30)")
    ap.add_argument("--manifest", action="store_true", help="print the manifest as JSON and exit")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not log requests")
    args = ap.parse_args(argv)

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(message)s", stream=sys.stderr)
    behaviour = Behaviour(slow_seconds=args.slow, flaky=not args.no_flaky)
    if args.no_challenges:
        behaviour.challenge_412 = ()
        behaviour.challenge_521 = ()
    site = DemoSite(args.dir, seed=args.seed, behaviour=behaviour)
    for _ in range(max(0, args.generation - 1)):
        site.next_generation()
    if args.manifest:
        json.dump(site.manifest(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    server = DemoServer(site, args.host, args.port)
    print(f"demo portal: http://{args.host}:{server.port}/  (manifest: {site.root / 'manifest.json'})",
          file=sys.stderr)
    for p in site.portals:
        print(f"  {p.name:7} {p.start_urls()[0]:45} {p.cms}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site.stopping.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
