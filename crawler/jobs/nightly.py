"""The nightly job: crawl each portal (in child processes that crawl up to ``portals_per_process``
portals each, one after another: ``batch_crawl.py``), parse what
they store in a pool of worker processes alongside (``archive/parse_pool.py``; with a Redis,
parse workers on other machines too: ``archive/parse_queue.py``; no crawl waits for a parse),
diff each portal's last two crawls, write the change report, send the alerts.

The portals are those named, a slice of the registry (``--province 河南``, ``--province 4101``)
or every registered portal. One portal's failure never stops the others; the summary names the
portals whose crawl got no answer, only challenge pages it could not pass, or no report where
the last crawl found some (``portal_trouble``). Everything is logged as plain lines
(``2026-12-03T02:00:01Z nightly portal=pengyang crawl exit=0 fetched=412 failed=3``) on
standard error and in ``<data>/logs/nightly-<stamp>.log``; each crawl's own log is beside it.

Configuration (``--config FILE``, else ``<data>/nightly.toml`` when it exists), every key
optional::

    [crawl]
    portals = ["lingbao", "pengyang"]     # default: every registered portal except demo ones
                                          # (xxgk nightly --province / --portal choose others)
    jobs = 2                              # crawl processes at once
    portals_per_process = 10              # portals a crawl process crawls in turn (1: one each)
    timeout = 21600                       # seconds a portal's crawl may take
    settings = { DOWNLOAD_DELAY = "2" }   # passed as scrapy -s NAME=VALUE

    [parse]
    workers = 1                           # parse worker processes (xxgk nightly --parse-workers)

    [alerts]
    urls = ["json://hooks.example.org/xxgk", "mailto://user:pass@example.org"]   # Apprise URLs
    on = ["added", "removed", "revised", "moved", "late"]                           # what to send
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import apprise

from archive import queries
from archive.changes import NEWS, as_json, crawl_pairs, diff_crawls, render_markdown
from archive.db import read_only
from archive.coverage import refresh_coverage
from archive.parse_pool import Parsed, ParsePool
from archive.parse_queue import SharedParsePool
from archive.paths import Layout
from archive.store import Archive
from crawler import registry
from crawler import settings as crawl_settings
from crawler.registry import slices

from . import shared_crawl
from .batch_crawl import read_outcomes

log = logging.getLogger("xxgk.nightly")

# What an alert can be about: the kinds of change that are news, and late reports.
ALERT_KINDS = (*NEWS, "late")
DEFAULT_ALERTS = tuple(k for k in ALERT_KINDS if k != "errors")
# The project root: scrapy finds scrapy.cfg (and so the spiders) from there.
ROOT = Path(__file__).resolve().parents[2]


# Portals one crawl process crawls one after another (crawler/jobs/batch_crawl.py): starting
# Python, Scrapy and the project costs about 3 CPU seconds a process, more than crawling a small
# portal; a fresh process every few portals keeps one portal's leftovers from the next ones.
PORTALS_PER_PROCESS = 10

# The nightly job writes unattended: a power cut must not lose its last commits (docs/archive.md).
NIGHTLY_SYNCHRONOUS = os.environ.get("XXGK_SYNCHRONOUS", "FULL")


class ConfigError(Exception):
    pass


# What a crawl that ran may still say of its portal (from its own records, see portal_trouble),
# each with the heading the summary lists such portals under.
NO_ANSWER = "no answer"
CHALLENGED = "challenge not passed"
LAYOUT_CHANGED = "nothing found where reports were"
TROUBLES = {
    NO_ANSWER: "portals that did not answer",
    CHALLENGED: "portals that answered only with a challenge the crawler could not pass",
    LAYOUT_CHANGED: "portals where nothing was found where the last crawl found reports "
                    "(layout changed?)",
}


@dataclass
class PortalRun:
    portal: str
    exit_code: int | None = None
    seconds: float = 0.0
    crawl_id: str | None = None
    crawl_status: str | None = None
    fetched: int = 0
    failed: int = 0
    new_documents: int = 0
    oversized: list = field(default_factory=list)   # URLs whose bodies passed DOWNLOAD_MAXSIZE
    changes: dict = field(default_factory=dict)
    error: str | None = None
    log: str | None = None
    trouble: str | None = None    # one of TROUBLES: what the crawl's records say went wrong

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.crawl_status == "finished"


@dataclass
class NightlyResult:
    runs: list
    diffs: list
    late: list
    report: Path | None
    alerts_sent: int
    alert_errors: list

    @property
    def failed(self) -> list:
        return [r for r in self.runs if not r.ok]

    @property
    def has_news(self) -> bool:
        return any(d.has_news() for d in self.diffs) or bool(self.late)

    def exit_code(self) -> int:
        """0 all crawled, nothing new; 1 all crawled, changes found; 2 a portal failed."""
        if self.failed:
            return 2
        return 1 if self.has_news else 0


def load_config(path: str | os.PathLike | None, layout: Layout) -> dict:
    if path is None:
        default = layout.root / "nightly.toml"
        if not default.exists():
            return {}
        path = default
    try:
        with open(path, "rb") as fh:
            cfg = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    alerts = cfg.get("alerts", {})
    bad = set(alerts.get("on", [])) - set(ALERT_KINDS)
    if bad:
        raise ConfigError(f"{path}: [alerts] on: unknown {sorted(bad)}; use {list(ALERT_KINDS)}")
    if not isinstance(alerts.get("urls", []), list):
        raise ConfigError(f"{path}: [alerts] urls must be a list of Apprise URLs")
    return cfg


def choose_portals(chosen: list[str], cfg: dict, demo: bool, area: str | None = None,
                   data=None) -> list[str]:
    """The portals to crawl: those named (ids, site codes or division codes) and the slice
    ``area`` (a name or a division-code prefix); else the config's list; else the demo portals
    (``demo``) or every registered portal except the demo ones. A portal with no home page in
    the registry is left out of a slice or the default, and logged."""
    portals = registry.load(data=data)
    try:
        names = [registry.resolve(n, portals)["id"] for n in chosen]
    except KeyError as exc:
        raise ConfigError(f"{exc.args[0]} (see scrapy list)") from None
    if area:
        try:
            part = slices.parse(area)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        inside = [p for p in portals if not p.get("demo") and part.holds(p)]
        if not inside:
            raise ConfigError(f"no portal of {part.label} in the registry (xxgk registry sync "
                              "fills it; xxgk registry list shows it)")
        names += [p["id"] for p in _crawlable(inside) if p["id"] not in names]
        return names
    names = names or list(cfg.get("crawl", {}).get("portals", []))
    if demo and not names:
        names = [p["id"] for p in portals if p.get("demo")]
    if not names:
        names = [p["id"] for p in _crawlable([p for p in portals if not p.get("demo")])]
    known = {p["id"] for p in portals}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"not in the registry: {', '.join(unknown)} (see scrapy list)")
    return names


def _crawlable(portals: list[dict]) -> list[dict]:
    for p in portals:
        if not p.get("start_urls"):
            log.warning("portal=%s skipped: no home page in the registry (%s)", p["id"],
                        p.get("notes") or "the national database gives none")
    return [p for p in portals if p.get("start_urls")]


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _crawl_facts(db_path: Path, portal: str, since: str) -> dict:
    if not db_path.exists():
        return {}
    with read_only(db_path) as db:
        return queries.crawl_facts(db, portal, since)


_ERROR_LINE = re.compile(r"^[\w.]*(?:Error|Exception|Exit|Interrupt)\b.*|.* (?:CRITICAL|ERROR): .*")


def _last_error(path: Path, tail: int = 65536) -> str | None:
    """The last exception or error line of a crawl's log, so the summary says why it failed."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - tail))
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    found = [ln.strip() for ln in lines if _ERROR_LINE.match(ln.strip())]
    return found[-1][:300] if found else None


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _crawl_env(layout: Layout, env_extra: dict | None) -> dict:
    """A crawl process's environment: the archive, the project's settings, nightly durability."""
    return {**os.environ, "XXGK_DATA": str(layout.root), "SCRAPY_SETTINGS_MODULE": "crawler.settings",
            "XXGK_SYNCHRONOUS": NIGHTLY_SYNCHRONOUS, "PYTHONUNBUFFERED": "1", **(env_extra or {})}


@dataclass
class Distributed:
    """``--redis URL --workers N``: each portal crawled by N workers sharing one frontier,
    their records written by this process (``crawler/jobs/shared_crawl.py``)."""

    redis_url: str
    workers: int
    arc: Archive
    host_delay: float


def crawl_portal(portal: str, layout: Layout, logs: Path, settings: dict, timeout: float,
                 env_extra: dict | None = None, shared: Distributed | None = None) -> PortalRun:
    """``scrapy crawl <portal>`` in a child process (``shared``: several, sharing a frontier in
    Redis); its log goes to ``logs/<portal>.log``."""
    run = PortalRun(portal)
    since = _now()
    cmd = [sys.executable, "-m", "scrapy", "crawl", portal]
    for k, v in settings.items():
        cmd += ["-s", f"{k}={v}"]
    env = _crawl_env(layout, env_extra)
    path = logs / f"{portal}.log"
    run.log = str(path)
    t0 = time.monotonic()
    log.info("portal=%s crawl start", portal)
    try:
        if shared is not None:
            run.log = str(logs / f"{portal}.worker0.log")     # and .worker1.log, …
            res = shared_crawl.run(shared.arc, portal, shared.redis_url, shared.workers,
                                   settings, env, logs, timeout, shared.host_delay)
            # A worker killed on the way is no failure when the others finished its part.
            run.exit_code = 0 if res.status == "finished" else max(res.exit_codes)
        else:
            with open(path, "wb") as fh:
                proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                      timeout=timeout, cwd=ROOT)
            run.exit_code = proc.returncode
    except subprocess.TimeoutExpired:
        run.error = _timeout_error(timeout)
        run.exit_code = None
    except OSError as exc:
        run.error = f"could not start scrapy: {exc}"
    run.seconds = time.monotonic() - t0
    return _concluded(run, layout, since, path)


def _timeout_error(timeout: float) -> str:
    return (f"crawl took longer than {timeout:.0f} s and was stopped: nothing is claimed "
            "removed or revised from it (it resumes next time)")


def _concluded(run: PortalRun, layout: Layout, since: str, path: Path) -> PortalRun:
    """The run completed from what its crawl recorded, its error said, its line logged."""
    for k, v in _crawl_facts(layout.db, run.portal, since).items():
        setattr(run, k, v)
    if run.exit_code not in (0, None) and not run.error:
        last = _last_error(path)
        run.error = f"scrapy exited with {run.exit_code}{f': {last}' if last else ''} (see {path})"
    if run.exit_code == 0 and run.crawl_status != "finished":
        run.error = run.error or f"crawl ended as {run.crawl_status or 'not recorded'} (see {path})"
    log.info("portal=%s crawl %s exit=%s seconds=%.0f fetched=%d failed=%d new_documents=%d%s",
             run.portal, "ok" if run.ok else "FAILED", run.exit_code, run.seconds, run.fetched,
             run.failed, run.new_documents, f" error={run.error!r}" if run.error else "")
    return run


def crawl_batch(portals: list[str], layout: Layout, logs: Path, settings: dict, timeout: float,
                env_extra: dict | None = None) -> list[PortalRun]:
    """The portals crawled one after another by one process (``crawler/jobs/batch_crawl.py``),
    each with its log ``logs/<portal>.log`` and its own outcome. Should the process die, the
    portal it was crawling fails with its exit status and the portals it had not begun are
    crawled by a new process."""
    runs: dict[str, PortalRun] = {}
    remaining = list(portals)
    env = _crawl_env(layout, env_extra)
    while remaining:
        since = _now()
        results = logs / f"batch-{remaining[0]}.jsonl"
        results.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "crawler.jobs.batch_crawl", "--logs", str(logs),
               "--results", str(results), "--timeout", str(timeout)]
        for k, v in settings.items():
            cmd += ["-s", f"{k}={v}"]
        log.info("portals=%s crawl start (one process)", ",".join(remaining))

        def conclude_ended() -> None:
            """Each portal whose outcome the process wrote, concluded (and logged) once."""
            for p, o in read_outcomes(results).items():
                if p in remaining and p not in runs:
                    run = runs[p] = PortalRun(p, exit_code=None if o.timed_out else o.exit_code,
                                              seconds=o.seconds, log=str(logs / f"{p}.log"))
                    run.error = _timeout_error(timeout) if o.timed_out else None
                    _concluded(run, layout, since, logs / f"{p}.log")

        t0 = time.monotonic()
        # Each portal has its own timeout inside; this one only catches a stop that hangs.
        deadline = t0 + timeout * len(remaining) + 300
        exit_code, error = None, None
        try:
            with open(logs / f"batch-{remaining[0]}.log", "wb") as fh:
                proc = subprocess.Popen([*cmd, *remaining], stdout=fh, stderr=subprocess.STDOUT,
                                        env=env, cwd=ROOT)
                while exit_code is None and error is None:
                    try:
                        exit_code = proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        if time.monotonic() > deadline:
                            proc.kill()
                            proc.wait()
                            error = _timeout_error(timeout)
                    conclude_ended()      # portals logged as they end, not with the batch
        except OSError as exc:
            error = f"could not start scrapy: {exc}"
        rest = [p for p in remaining if p not in runs]
        if rest:
            # The portal the process was crawling when it ended (its outcome never written).
            p = rest.pop(0)
            ended = [q for q in remaining if q in runs]
            seconds = time.monotonic() - t0 - sum(runs[q].seconds for q in ended)
            run = runs[p] = PortalRun(p, exit_code=exit_code, error=error,
                                      seconds=max(0.0, seconds), log=str(logs / f"{p}.log"))
            if exit_code == 0 and not error:
                run.exit_code, run.error = 1, "the crawl process ended without its outcome"
            _concluded(run, layout, since, logs / f"{p}.log")
        remaining = rest
    return [runs[p] for p in portals]


def _batches(names: list[str], per_process: int, jobs: int) -> list[list[str]]:
    """The portals in batches of at most ``per_process``, and at least ``jobs`` batches when
    there are portals enough, so that every job has a process to run."""
    size = max(1, min(per_process, -(-len(names) // jobs)))
    return [names[i:i + size] for i in range(0, len(names), size)]


def portal_trouble(arc: Archive, crawl_id: str) -> str | None:
    """What the crawl's records say: no fetch got an answer; only challenge pages answered;
    or no report was reached from a list while the portal's last finished crawl reached some."""
    now = arc.read(queries.crawl_outcome, crawl_id)
    if now["fetches"] and not now["answered"]:
        return NO_ANSWER
    if now["challenges"] and not now["pages"]:
        return CHALLENGED
    if not now["reports"]:
        before = arc.read(queries.previous_finished_crawl, crawl_id)
        if before and arc.read(queries.crawl_outcome, before)["reports"]:
            return LAYOUT_CHANGED
    return None


def summary_lines(result: NightlyResult) -> list[str]:
    lines = []
    by_crawl = {d.new_crawl: d for d in result.diffs}
    for r in result.runs:
        d = by_crawl.get(r.crawl_id)
        changed = " ".join(f"{k}={v}" for k, v in d.counts().items()) if d else "no diff"
        if d and d.unconfirmed:
            changed += f" unconfirmed={len(d.unconfirmed)}"
        if d and d.incomplete:
            # What the crawl did not see is not claimed gone or revised: say why.
            changed += f"  incomplete: {d.incomplete}: no removals or revisions claimed"
        lines.append(f"{r.portal:12} {'ok' if r.ok else 'FAILED':6} fetched={r.fetched} "
                     f"failed={r.failed} new_documents={r.new_documents} {changed}"
                     + (f"  error: {r.error}" if r.error else "")
                     + (f"  {r.trouble}" if r.trouble else ""))
    for r in result.runs:
        if r.oversized:
            lines.append(f"{r.portal}: {len(r.oversized)} response(s) cut short (connection "
                         f"closed, DOWNLOAD_TIMEOUT) or past DOWNLOAD_MAXSIZE, kept as far as they "
                         f"came: {', '.join(r.oversized[:10])}"
                         + (f" and {len(r.oversized) - 10} more" if len(r.oversized) > 10 else ""))
    for trouble, heading in TROUBLES.items():
        named = [r.portal for r in result.runs if r.trouble == trouble]
        if named:
            lines.append(f"{heading}: {', '.join(named)}")
    if result.late:
        lines.append(f"late reports first seen tonight: {len(result.late)}")
    return lines


def change_report(result: NightlyResult) -> str:
    out = [f"# xxgk nightly {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n",
           "```", *summary_lines(result), "```\n"]
    if result.late:
        out.append("## 逾期 / Late reports\n")
        out += [f"- {r['organ']} {r['year']}年度: out {r['out']} ({r['published_source']}), "
                f"deadline {r['deadline']} ({r['days_late']} days late) <{r['url']}>"
                for r in result.late]
        out.append("")
    if result.diffs:
        out.append(render_markdown(result.diffs))
    return "\n".join(out)


def send_alerts(cfg: dict, result: NightlyResult, report_text: str) -> tuple[int, list[str]]:
    """Notify every configured Apprise URL when something on the ``on`` list happened."""
    alerts = cfg.get("alerts", {})
    urls = alerts.get("urls", [])
    if not urls:
        return 0, []
    wanted = set(alerts.get("on", DEFAULT_ALERTS))
    counts = {k: sum(len(getattr(d, k)) for d in result.diffs) for k in NEWS}
    counts["late"] = len(result.late)
    hits = {k: n for k, n in counts.items() if n and k in wanted}
    if not hits:
        return 0, []
    ap = apprise.Apprise()
    errors = []
    for u in urls:
        if not ap.add(u):
            errors.append(f"not an Apprise URL: {u}")
    title = "xxgk nightly: " + ", ".join(f"{n} {k}" for k, n in hits.items())
    if len(ap) and not ap.notify(title=title, body=report_text,
                                 body_format=apprise.NotifyFormat.MARKDOWN):
        errors.append("Apprise could not deliver to every URL (see the log)")
    return len(ap), errors


def _log_parse(p: Parsed) -> None:
    res = p.summary
    log.info("parse [%d/%d] sha256=%s status=%s organ=%s year=%s cells=%d seconds=%.1f%s",
             p.done, p.total, p.sha256[:12], res["status"], res.get("organ") or "?",
             res.get("year") or "?", res["cells"], p.seconds,
             f" error={res['error']!r}" if res.get("error") else "")


def run(portals: list[str], data=None, config=None, demo: bool = False, jobs: int | None = None,
        settings: dict | None = None, env_extra: dict | None = None,
        area: str | None = None, parse_workers: int | None = None,
        redis_url: str | None = None, workers: int = 1,
        portals_per_process: int | None = None) -> NightlyResult:
    layout = Layout(data).create()
    cfg = load_config(config, layout)
    names = choose_portals(portals, cfg, demo, area, layout.root)
    stamp = _stamp()
    logs = layout.root / "logs" / f"nightly-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(logs.with_suffix(".log"), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s nightly %(message)s"))
    log.addHandler(handler)
    try:
        crawl_cfg = cfg.get("crawl", {})
        sets = {**{k: str(v) for k, v in crawl_cfg.get("settings", {}).items()}, **(settings or {})}
        timeout = float(crawl_cfg.get("timeout", 6 * 3600))
        jobs = max(1, jobs or int(crawl_cfg.get("jobs", 1)))
        parse_workers = max(1, parse_workers or int(cfg.get("parse", {}).get("workers", 1)))
        per_process = max(1, portals_per_process or int(crawl_cfg.get("portals_per_process",
                                                                      PORTALS_PER_PROCESS)))
        log.info("start portals=%s jobs=%d portals_per_process=%d data=%s", ",".join(names), jobs,
                 per_process, layout.root)
        Archive(layout.root).close()     # created (or upgraded) once, before the crawls open it
        diffs, late = [], []
        with Archive(layout.root, synchronous=NIGHTLY_SYNCHRONOUS) as arc:
            shared = None
            if redis_url:
                delay = float(sets.get("DOWNLOAD_DELAY", crawl_settings.DOWNLOAD_DELAY))
                shared = Distributed(redis_url, max(1, workers), arc, delay)
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                if shared is None and per_process > 1:
                    batches = _batches(names, per_process, jobs)
                    crawls = [pool.submit(crawl_batch, b, layout, logs, sets, timeout, env_extra)
                              for b in batches]
                else:
                    crawls = [pool.submit(lambda p: [crawl_portal(p, layout, logs, sets, timeout,
                                                                  env_extra, shared)], p)
                              for p in names]
                # Parsing alongside, in its own processes: no crawl waits for a parse; the
                # queue is drained once the last crawl has ended. With a Redis, parse workers
                # elsewhere (xxgk parse-worker) take their share.
                pool = (SharedParsePool(arc, redis_url, parse_workers) if redis_url
                        else ParsePool(arc, parse_workers))
                parsed = pool.drain(on_result=_log_parse,
                                    follow=lambda: not all(c.done() for c in crawls))
                runs = [r for c in crawls for r in c.result()]
            log.info("parse done %s", " ".join(f"{k}={v}" for k, v in sorted(parsed.items()))
                     or "nothing pending")
            since = time.monotonic()
            for r in runs:
                if r.crawl_id:
                    r.trouble = portal_trouble(arc, r.crawl_id)
                    if r.trouble:
                        log.warning("portal=%s %s", r.portal, r.trouble)
                if not r.ok:
                    continue
                try:
                    pairs = arc.read(crawl_pairs, portals=[r.portal])
                    if pairs and pairs[0][1] == r.crawl_id:
                        diffs += diff_crawls(arc, pairs=pairs[:1], parse=False)
                except Exception as exc:  # noqa: BLE001 - one portal's diff must not stop the rest
                    log.error("portal=%s diff failed: %s", r.portal, exc)
                    r.error = f"diff failed: {exc}"
                    r.crawl_status = "diff failed"
            late = arc.read(queries.late_reports, [d.new_crawl for d in diffs])
            log.info("diffs done portals=%d late=%d seconds=%.1f", len(diffs), len(late),
                     time.monotonic() - since)
            # Last, once everything is crawled and parsed: what region pages read.
            since = time.monotonic()
            computed = refresh_coverage(arc)["computed_at"]
            log.info("coverage refreshed as of %s seconds=%.1f", computed, time.monotonic() - since)
        result = NightlyResult(runs, diffs, late, None, 0, [])
        for d in diffs:
            log.info("portal=%s diff %s -> %s %s", d.portal, d.old_crawl, d.new_crawl,
                     " ".join(f"{k}={v}" for k, v in d.counts().items()))
        text = change_report(result)
        reports_dir = layout.root / "reports"
        reports_dir.mkdir(exist_ok=True)
        result.report = reports_dir / f"changes-{stamp}.md"
        result.report.write_text(text, encoding="utf-8")
        (reports_dir / f"changes-{stamp}.json").write_text(
            json.dumps({"runs": [r.__dict__ for r in runs], "late": late,
                        "diff": as_json(diffs) if diffs else None}, ensure_ascii=False, indent=1,
                       default=str), encoding="utf-8")
        log.info("change report %s", result.report)
        try:
            result.alerts_sent, result.alert_errors = send_alerts(cfg, result, text)
        except Exception as exc:  # noqa: BLE001 - an alert failure is logged, the job is done
            result.alert_errors = [f"alerts failed: {exc}"]
        for e in result.alert_errors:
            log.error("alerts %s", e)
        if result.alerts_sent:
            log.info("alerts sent=%d", result.alerts_sent)
        log.info("end exit=%d", result.exit_code())
        return result
    finally:
        log.removeHandler(handler)
        handler.close()
