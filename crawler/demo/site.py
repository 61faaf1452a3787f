"""The demo portal: several government sites under path prefixes of one local host.

    site = DemoSite(root_dir, seed=2024)         # builds (or reuses) the report files
    site.handle(Request("GET", "/trs/", {}))     # what the server answers
    site.manifest()                              # the ground truth (never served)
    site.mutate("revise")                        # change the site for a diff test

Behaviours, all on by default and switchable through ``Behaviour``:

- ``challenge_412``: prefixes behind a 瑞数-like challenge (412 + inline script that sets a cookie
  and reloads; without the cookie every request gets 412);
- ``challenge_521``: prefixes behind a 加速乐-like challenge (521 + ``document.cookie=…``);
- ``flaky``: some URLs answer 503 (Retry-After: 1) the first time, then succeed;
- ``slow_seconds``: how long the slow path waits before it answers;
- robots.txt, off-site links, traps and soft-deletes are part of the sites themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .content import ReportSpec, build_reports, make_report, revisable_cell
from .web import OFFSITE, Request, Response, cn_date, esc, html_page, not_found, redirect

log = logging.getLogger("crawler.demo")

ENV_DIR = "XXGK_DEMO_DIR"


def default_root() -> Path:
    """Where the demo's files are cached: ``$XXGK_DEMO_DIR``, else ``<data dir>/demo-site``."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser().resolve()
    try:
        from archive.paths import data_dir
        return data_dir() / "demo-site"
    except Exception:  # the archive package is optional here
        return Path("data").resolve() / "demo-site"


@dataclass
class Behaviour:
    challenge_412: tuple = ("/avalon/", "/ucap/")
    challenge_521: tuple = ("/gkmlpt/",)
    # Prefixes whose challenge no browser passes (the site's WAF changed its script): the
    # crawl there ends behind the challenge and must claim nothing it did not see.
    challenge_unpassable: tuple = ()
    flaky: bool = True
    slow_seconds: float = 30.0


ROBOTS = """# robots.txt for the xxgk-archive demo portal
User-agent: *
Allow: /
Disallow: /trs/calendar/
Disallow: /lonsun/site/search/

Sitemap: /sitemap.xml
"""

TS_COOKIE_S = "FSSBBIl1UgzbN7N80S"
TS_COOKIE_T = "FSSBBIl1UgzbN7N80T"


class DemoSite:
    def __init__(self, root_dir: str | os.PathLike | None = None, seed: int = 2024,
                 behaviour: Behaviour | None = None, workers: int = 2, build_log=None):
        from .sites import PORTALS

        self.root = Path(root_dir) if root_dir else default_root()
        self.root.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.behaviour = behaviour or Behaviour()
        self.generation = 0
        self.chrome_generation = 0
        self.changes: list[dict] = []
        self.secret = hashlib.sha256(f"xxgk-demo:{seed}".encode()).digest()
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self._hits: dict[str, int] = {}
        self._build_log = build_log or (lambda msg: log.info(msg))
        self.built: dict = {}
        self.portals = [cls(self) for cls in PORTALS]
        self.by_name = {p.name: p for p in self.portals}
        self._build([s for p in self.portals for i in p.items for s in i.report_specs()], workers, prune=True)
        self._flaky: dict[str, int] = {}
        self.reset_state()
        self._routes: dict = {}
        self._rebuild_routes()
        self.write_manifest()

    def write_manifest(self) -> Path:
        """``<root>/manifest.json``: for people and other processes; no page links it."""
        path = self.root / "manifest.json"
        tmp = path.with_name(f".manifest.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.manifest(), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return path

    # --- content --------------------------------------------------------------------------------
    def _build(self, specs: list[ReportSpec], workers: int = 1, prune: bool = False) -> None:
        self.built.update(build_reports(self.root, specs, workers=workers, log=self._build_log,
                                        prune=prune))

    def _rebuild_routes(self) -> None:
        routes = {}
        for p in self.portals:
            routes.update(p.routes())
        self._routes = routes

    def reset_state(self) -> None:
        """Forget request counts: flaky URLs fail again on their next request."""
        with self.lock:
            self._flaky = {}
            if self.behaviour.flaky:
                for p in self.portals:
                    self._flaky.update(p.flaky_paths())

    # --- chrome (the page frame around content) -------------------------------------------------
    def today(self) -> dt.date:
        return dt.date(2025, 3, 3) + dt.timedelta(days=self.seed % 20 + 9 * self.chrome_generation)

    def chrome_date_text(self) -> str:
        return cn_date(self.today())

    def chrome_month(self) -> str:
        return f"{self.today():%Y-%m}"

    def visits(self, path: str) -> int:
        h = int(hashlib.sha1(path.encode()).hexdigest()[:6], 16)
        return 180000 + h % 50000 + 1377 * self.chrome_generation

    # --- serving --------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        try:
            resp = self._handle(req)
        except Exception:  # a bug in a page must not kill the server
            log.exception("error serving %s", req.target)
            resp = html_page("<html><body><h1>500 Internal Server Error</h1></body></html>", status=500)
        return resp

    def _handle(self, req: Request) -> Response:
        path = req.path
        if path == "/robots.txt":
            return Response(200, ROBOTS, "text/plain")
        if path in ("/", "/index.html"):
            return self.hub()
        if path == "/sitemap.xml":
            return self.sitemap(req)
        challenge = self.challenge(req)
        if challenge is not None:
            return challenge
        with self.lock:
            remaining = self._flaky.get(path, 0) if path in self._routes else 0
            if remaining > 0:
                self._flaky[path] = remaining - 1
                return html_page("<html><head><title>503 Service Temporarily Unavailable</title></head>"
                                 "<body><center><h1>503 Service Temporarily Unavailable</h1></center>"
                                 "<hr><center>nginx</center></body></html>", status=503,
                                 headers=[("Retry-After", "1")])
            routes = self._routes
        if self._is_slow(path):
            self.stopping.wait(self.behaviour.slow_seconds)
        for p in self.portals:
            if path.startswith(p.prefix) or path + "/" == p.prefix:
                resp = p.handle(req)
                if resp is not None:
                    return resp
                break
        if path in routes:
            return routes[path](req)
        for index in ("index.html", "index.htm"):
            if path.endswith("/") and path + index in routes:
                return routes[path + index](req)
            if not path.endswith("/") and f"{path}/{index}" in routes:
                return redirect(path + "/", 301)
        return not_found(path)

    def _is_slow(self, path: str) -> bool:
        return any(path in (slow, slow.rsplit("/", 1)[0] + "/") for p in self.portals
                   for slow in p.slow_paths())

    def hub(self) -> Response:
        lis = "".join(f'<li><a href="{p.start_urls()[0]}">{esc(p.organ)}</a>（{esc(p.cms)}）</li>'
                      for p in self.portals)
        return html_page("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府网站群（演示）</title>"
                         f"</head><body><h1>政府网站群（演示）</h1><ul>{lis}</ul></body></html>")

    def sitemap(self, req: Request) -> Response:
        urls = "".join(f"<url><loc>http://{esc(req.host)}{p.start_urls()[0]}</loc></url>" for p in self.portals)
        return Response(200, '<?xml version="1.0" encoding="UTF-8"?>'
                        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                        "application/xml")

    # --- challenges -----------------------------------------------------------------------------
    def _mac(self, *parts) -> str:
        return hmac.new(self.secret, ":".join(map(str, parts)).encode(), "sha256").hexdigest()

    def challenge(self, req: Request) -> Response | None:
        path = req.path
        if any(path.startswith(p) for p in self.behaviour.challenge_412):
            if not self._ts_ok(req) or any(path.startswith(p) for p in
                                           self.behaviour.challenge_unpassable):
                return self._ts_challenge(req)
        if any(path.startswith(p) for p in self.behaviour.challenge_521):
            if not self._jsl_ok(req):
                return self._jsl_challenge(req)
        return None

    @staticmethod
    def ts_answer(nonce: str) -> str:
        """What the 412 page's script computes from its nonce (same arithmetic as the JS)."""
        h = 0
        for ch in nonce:
            h = (h * 31 + ord(ch)) & 0xFFFFFFFF
        v = (h ^ 0x5F3759DF) & 0xFFFFFFFF
        return _base36(v) + nonce[:8]

    def _ts_ok(self, req: Request) -> bool:
        s = req.cookies.get(TS_COOKIE_S, "")
        t = req.cookies.get(TS_COOKIE_T, "")
        if len(s) != 40 or self._mac("ts-s", s[:16])[:24] != s[16:]:
            return False
        return hmac.compare_digest(t, self.ts_answer(self._mac("ts-n", s)[:20]))

    def _ts_challenge(self, req: Request) -> Response:
        s = req.cookies.get(TS_COOKIE_S, "")
        headers = []
        if len(s) != 40 or self._mac("ts-s", s[:16])[:24] != s[16:]:
            salt = hashlib.sha1(os.urandom(8)).hexdigest()[:16]
            s = salt + self._mac("ts-s", salt)[:24]
            headers.append(("Set-Cookie", f"{TS_COOKIE_S}={s}; Path=/; HttpOnly"))
        nonce = self._mac("ts-n", s)[:20]
        body = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="{nonce}"></head><body>
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd=84793;$_ts.cd="qWrcrGAlDkGcqqGxqaVqqWWpJcWxDGWPDkAqqr";</script>
<script type="text/javascript" r='m'>(function(){{var m=document.getElementById('9DhefwqGPrzGxEp9hPaoag').content,h=0;
for(var i=0;i<m.length;i++){{h=(Math.imul(h,31)+m.charCodeAt(i))>>>0;}}var v=(h^0x5f3759df)>>>0;
document.cookie="{TS_COOKIE_T}="+v.toString(36)+m.slice(0,8)+"; path=/";location.reload();}})();</script>
</body></html>"""
        return html_page(body, status=412, headers=headers)

    def _jsl_ok(self, req: Request) -> bool:
        uid = req.cookies.get("__jsluid_h", "")
        clearance = req.cookies.get("__jsl_clearance", "")
        return bool(uid) and hmac.compare_digest(clearance, self._jsl_value(uid))

    def _jsl_value(self, uid: str) -> str:
        mac = self._mac("jsl", uid)
        stamp = 1700000000 + int(mac[:5], 16) % 10**6
        return f"{stamp}.{int(mac[5:8], 16) % 1000:03d}|0|{mac[8:40]}"

    def _jsl_challenge(self, req: Request) -> Response:
        uid = req.cookies.get("__jsluid_h", "")
        headers = []
        if not uid:
            uid = hashlib.md5(os.urandom(8)).hexdigest()
            headers.append(("Set-Cookie", f"__jsluid_h={uid}; max-age=31536000; path=/; HttpOnly"))
        value = self._jsl_value(uid)
        stamp, rest = value.split(".", 1)
        ms, tail = rest[:3], rest[3:]
        a = int(stamp) // 3
        b = int(stamp) - 2 * a
        pieces = "+".join(f"('{c}')" for c in "__jsl_clearance=")
        pieces += f"+(({a})*2+({b}))+('.')+('{ms}')+('{tail[:10]}')+('{tail[10:]}')"
        body = (f"<script>document.cookie={pieces}+(';max-age=3600;path=/');"
                "location.href=location.pathname+location.search+location.hash</script>")
        return Response(521, body, "text/html", headers=headers)

    # --- ground truth ---------------------------------------------------------------------------
    def manifest(self, base_url: str | None = None) -> dict:
        """Everything a test needs to know about the site, as paths (or URLs under ``base_url``)."""
        with self.lock:
            reports, distractors, traps = [], [], []
            for p in self.portals:
                reports += p.documents()
                distractors += p.distractors()
                traps += p.traps()
            out = {
                "seed": self.seed,
                "generation": self.generation,
                "chrome_generation": self.chrome_generation,
                "sites": {p.name: p.describe() for p in self.portals},
                "reports": reports,
                "distractors": distractors,
                "traps": traps,
                "robots_disallowed": [line.split(":", 1)[1].strip() for line in ROBOTS.splitlines()
                                      if line.startswith("Disallow:")],
                "offsite": [u for _, u in OFFSITE],
                "behaviour": dataclasses.asdict(self.behaviour),
                "flaky": sorted(self._flaky_all()),
                "changes": list(self.changes),
            }
        if base_url:
            out = _absolutize(out, base_url.rstrip("/"))
        return out

    def _flaky_all(self) -> set:
        out = set()
        for p in self.portals:
            out |= set(p.flaky_paths())
        return out

    def reports(self, status: str | None = "live") -> list[dict]:
        return [r for r in self.manifest()["reports"] if status is None or r["status"] == status]

    # --- mutations ------------------------------------------------------------------------------
    def _find(self, ident: str):
        """(portal, item, attachment or None, spec) for a document id or URL."""
        for p in self.portals:
            for item in p.items:
                if item.spec is not None and ident in (item.spec.key, item.url):
                    return p, item, None, item.spec
                for att in item.attachments:
                    if att.spec is not None and ident in (att.spec.key, att.url):
                        return p, item, att, att.spec
        raise KeyError(f"no report document {ident!r}")

    def _changed(self, record: dict) -> dict:
        self.generation += 1
        record["generation"] = self.generation
        self.changes.append(record)
        self._rebuild_routes()
        self.write_manifest()
        return record

    def add_report(self, site: str = "trs", fmt: str = "docx", year: int = 2024,
                   organ: str | None = None) -> dict:
        """A new report at the top of a site's annual-report column."""
        with self.lock:
            portal = self.by_name[site]
            item = portal.add_report(fmt, year, organ)
            self._build(list(item.report_specs()), workers=1)
            ids = [s.key for s in item.report_specs()]
            return self._changed({"change": "add", "site": site, "ids": ids,
                                  "urls": [d["url"] for d in portal.documents() if d["id"] in ids],
                                  "page_url": item.url})

    # How a report is taken down: the item's status, and the change's name in the record.
    REMOVALS = {"404": ("removed", "remove"), "410": ("gone", "remove_410"),
                "soft": ("soft_deleted", "soft_delete"), "unlist": ("unlisted", "unlist")}

    def remove_report(self, ident: str, mode: str = "404") -> dict:
        """Take a report down: ``404`` (its page and files answer 404), ``410`` (its page
        answers 410 Gone), ``soft`` (its page refreshes to its column; files 404) or
        ``unlist`` (no list links it; its page and files still answer)."""
        if mode not in self.REMOVALS:
            raise ValueError(f"mode is one of {sorted(self.REMOVALS)}")
        status, change = self.REMOVALS[mode]
        with self.lock:
            portal, item, _, _ = self._find(ident)
            item.status = status
            item.flags.discard("stale_listing")
            ids = [s.key for s in item.report_specs()]
            return self._changed({"change": change, "site": portal.name, "ids": ids,
                                  "page_url": item.url})

    def revise_report(self, ident: str | None = None, delta: int = 1) -> dict:
        """Same URL, new bytes: one cell of table 二 changes by ``delta``."""
        with self.lock:
            if ident is None:
                ident = next(d["id"] for d in self.reports() if d["format"] in ("docx", "xlsx"))
            portal, item, att, spec = self._find(ident)
            rep = make_report(spec)
            cell = revisable_cell(rep)
            old = rep.values[cell]
            new_spec = dataclasses.replace(spec, edits=spec.edits + ((cell, old + delta),))
            self._build([new_spec], workers=1)
            if att is not None:
                att.spec = new_spec
            else:
                item.spec = new_spec
            url = att.url if att is not None else item.url
            return self._changed({"change": "revise", "site": portal.name, "ids": [spec.key],
                                  "urls": [url], "cell": list(cell), "old": old, "new": old + delta,
                                  "sha256": self.built[spec.key].sha256})

    def chrome_change(self) -> dict:
        """Only the page frame changes: today's date, visit counters, the calendar link."""
        with self.lock:
            self.chrome_generation += 1
            return self._changed({"change": "chrome", "chrome_generation": self.chrome_generation,
                                  "today": self.today().isoformat()})

    def mutate(self, kind: str, **kw) -> dict:
        """``add`` | ``remove`` (``mode`` 404 or 410) | ``soft_delete`` | ``unlist`` |
        ``revise`` | ``chrome``."""
        if kind == "add":
            return self.add_report(**kw)
        if kind == "remove":
            return self.remove_report(kw.pop("ident"), mode=kw.pop("mode", "404"))
        if kind == "soft_delete":
            return self.remove_report(kw.pop("ident"), mode="soft")
        if kind == "unlist":
            return self.remove_report(kw.pop("ident"), mode="unlist")
        if kind == "revise":
            return self.revise_report(**kw)
        if kind == "chrome":
            return self.chrome_change()
        raise ValueError(f"unknown mutation {kind!r}")

    def next_generation(self) -> list[dict]:
        """The standard second crawl: a report added (late: a department's, in March), one
        taken down in each way — 404 (Hanweb), soft-deleted (Lonsun), 410 (Boda), left out of
        the lists (gkmlpt) — two revised in place (a TRS Word file, a Boda spreadsheet), and
        the furniture of every page changed: dates, counters, related links."""
        live = self.reports()
        by_site = {}
        for d in live:
            by_site.setdefault(d["site"], []).append(d)
        out = [self.add_report("trs", "docx", 2024, "盐池县审计局")]
        out.append(self.remove_report(by_site["hanweb"][-1]["id"], "404"))
        out.append(self.remove_report(by_site["lonsun"][-1]["id"], "soft"))
        out.append(self.remove_report(by_site["boda"][-1]["id"], "410"))
        out.append(self.remove_report(by_site["gkmlpt"][-1]["id"], "unlist"))
        out.append(self.revise_report(next(d["id"] for d in live if d["format"] == "docx"
                                           and d["site"] == "trs")))
        out.append(self.revise_report(next(d["id"] for d in live if d["format"] == "xlsx"
                                           and d["site"] == "boda")))
        out.append(self.chrome_change())
        return out


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _absolutize(obj, base: str):
    if isinstance(obj, dict):
        return {k: _absolutize(v, base) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_absolutize(v, base) for v in obj]
    if isinstance(obj, str) and obj.startswith("/") and not obj.startswith("//"):
        return base + obj
    return obj
