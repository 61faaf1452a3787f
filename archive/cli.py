"""The archive's commands: ingest, reports, search, reparse, parse-pending, parse-worker, serve,
crawls, diff, verify.

They are registered into whichever click group runs them (the ``xxgk`` command of the crawler
package) through the ``register_commands`` hook, as sqlite-utils and Datasette plugins add
theirs: this module never imports who provides the group.
"""

from __future__ import annotations

import json
import os
import sys
import time

import click
import pluggy

import parsers
from parsers.filenames import json_dumps, shown
from parsers.sandbox import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Limits

from . import queries
from .changes import DiffError, as_json, diff_crawls, render_markdown, render_text
from .changes.status import status_words
from .dates import published_words
from .db import behind, open_db, read_only
from .ingest import ingest_file, iter_files
from .parse_pool import Parsed, ParsePool
from .parse_queue import ParseWorker, Sent, SharedParsePool
from .redis_workers import connect
from .paths import Layout
from .store import Archive
from .verify import verify

hookimpl = pluggy.HookimplMarker("xxgk")

data_option = click.option(
    "--data", "data", type=click.Path(file_okay=False), default=None,
    help="Data directory (default: $XXGK_DATA, else ./data).")


def read_archive(data):
    """A read-only Database on an existing archive (for :mod:`archive.queries`), or a clean
    exit."""
    layout = Layout(data)
    if not layout.db.exists():
        raise click.ClickException(f"no archive at {layout.db}")
    return read_only(layout.db)


def echo_json(obj) -> None:
    click.echo(json_dumps(obj))  # a file name that is not UTF-8 stays valid UTF-8 JSON


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@data_option
@click.option("--url", help="The URL the file was downloaded from (one file only).")
@click.option("--portal", help="The portal it came from.")
@click.option("--no-parse", is_flag=True, help="Store only; parse later with xxgk reparse.")
@click.option("--json", "as_json_", is_flag=True, help="One JSON object per file.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True,
              help="CPU seconds per file (the wall clock allows 4x, at least 30 s).")
def ingest_command(paths, data, url, portal, no_parse, as_json_, timeout):
    """Add files downloaded by hand (no crawl) to the archive.

    Provenance: --url/--portal, else a sidecar FILE.json (url, fetched_at, portal, title,
    published, referer, link_text, publisher, report_url, aliases), else none. Directories are
    walked.
    Ingesting the same bytes again changes nothing.
    """
    files = list(iter_files(paths))
    if url and len(files) != 1:
        raise click.UsageError("--url names the source of one file; use sidecars for several")
    counts = {"added": 0, "unchanged": 0, "failed": 0}
    with Archive(data, limits=Limits(timeout=timeout, memory=DEFAULT_MEMORY)) as arc:
        for path in files:
            try:
                res = ingest_file(arc, path, url=url, portal=portal, parse=not no_parse)
            except (OSError, ValueError) as exc:
                counts["failed"] += 1
                click.echo(f"xxgk ingest: {shown(path)}: error: {exc}", err=True)
                continue
            counts[res["status"]] += 1
            if as_json_:
                echo_json(res)
            else:
                p = res["parse"]
                parsed = (f" parse={p['status']} {p.get('organ') or '?'} {p.get('year') or '?'}"
                          f" cells={p['cells']}" if p else "")
                click.echo(f"{res['status']:9} {res['sha256'][:12]} {shown(path)}{parsed}")
    click.echo(f"{counts['added']} added, {counts['unchanged']} unchanged, "
               f"{counts['failed']} failed", err=True)
    sys.exit(1 if counts["failed"] else 0)


REPORT_FIELDS = ["url", "aliases", "portal", "organ", "organ_source", "year", "year_source",
                 "template", "format", "sha256", "parse_status", "status", "status_reason",
                 "status_since", "revised_at", "first_seen", "last_seen", "title", "published",
                 "published_source", "province", "city", "county", "region", "division_code",
                 "place_source", "level", "tier", "organ_type", "check_status", "n_cells",
                 "parser_version", "parse_error"]


@click.command("reports")
@data_option
@click.option("--json", "as_json_", is_flag=True, help="One JSON object per report.")
@click.option("--year", type=int, help="Only reports on this year.")
@click.option("--organ", help="Only organs whose name contains this.")
def reports_command(data, as_json_, year, organ):
    """List the archived reports: year, organ, its tier and division code, status (online,
    revised, removed and why), publication date and its source, parse and check status,
    format, URL."""
    with read_archive(data) as db:
        rows = queries.reports(db, year=year, organ=organ)
    for rec in rows:
        if as_json_:
            echo_json({k: rec[k] for k in REPORT_FIELDS})
        else:
            cells = [rec["year"], rec["organ"], rec["tier"], rec["division_code"],
                     status_words(rec), published_words(rec), rec["template"],
                     rec["parse_status"], rec["check_status"], rec["format"], rec["url"]]
            click.echo("\t".join(str(c if c is not None else "-") for c in cells))


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@data_option
@click.option("--json", "as_json_", is_flag=True, help="One JSON object per report found.")
@click.option("--limit", default=100, show_default=True)
def search_command(query, data, as_json_, limit):
    """Full-text search: reports containing every term (any length, 公开 and 复议 included)."""
    with read_archive(data) as db:
        rows = queries.search(db, " ".join(query), limit=limit)
    for r in rows:
        if as_json_:
            echo_json({k: r[k] for k in ("url", "organ", "year", "snippet", "report_id",
                                         "sha256", "region")})
        else:
            click.echo(f"{r['year'] or '?'}\t{r['organ'] or '?'}\t{r['url']}\n    {r['snippet']}")
    if not as_json_:
        click.echo(f"{len(rows)} report(s)", err=True)


def _parse_with_pool(arc: Archive, shas, workers: int, as_json_: bool, progress: bool,
                     redis_url: str | None = None) -> None:
    """Drain ``shas`` (None: what is pending) through a :class:`ParsePool` (with ``redis_url``,
    what is pending through a :class:`SharedParsePool`); one line per document (``[done/total]``
    on the terminal), a summary on standard error."""
    t0 = time.monotonic()

    def show(p: Parsed) -> None:
        res = p.summary
        if as_json_:
            echo_json({"sha256": p.sha256, "parser_version": parsers.__version__,
                       "seconds": round(p.seconds, 2), **res})
            return
        click.echo((f"[{p.done}/{p.total}] " if progress else "")
                   + f"{res['status']:8} {p.sha256[:12]} {res.get('organ') or '?'} "
                   f"{res.get('year') or '?'} cells={res['cells']} ({p.seconds:.1f}s)"
                   + (f" error: {res['error']}" if res.get("error") else ""))

    if redis_url:
        if not workers:
            click.echo(f"parsed by the workers of {redis_url} (xxgk parse-worker)", err=True)
        counts = SharedParsePool(arc, redis_url, workers).drain(on_result=show)
    else:
        counts = ParsePool(arc, workers).drain(shas, on_result=show)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing to do"
    n = sum(counts.values())
    rate = f" in {time.monotonic() - t0:.1f} s ({n / max(time.monotonic() - t0, 1e-9):.2f}/s)"
    click.echo(f"parser {parsers.__version__}: {summary}{rate if n else ''}", err=True)


@click.command("reparse")
@data_option
@click.option("--stale", "which", flag_value="stale", help="Only documents parsed by another "
              "parser version.")
@click.option("--errors", "which", flag_value="error", help="Only documents that failed.")
@click.option("--pending", "which", flag_value="pending", help="Only documents never parsed.")
@click.option("--all", "which", flag_value="all", default=True, help="Every report document "
              "(default).")
@click.option("--sha256", "shas", multiple=True, help="Only this document (repeatable).")
@click.option("--jobs", default=1, show_default=True, help="Worker processes parsing at once.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True,
              help="CPU seconds per file (the wall clock allows 4x, at least 30 s).")
@click.option("--json", "as_json_", is_flag=True, help="One JSON object per document.")
def reparse_command(data, which, shas, jobs, timeout, as_json_):
    """Run the current parsers again over the stored raw files.

    Every cell, check, warning and text row records the parser version that produced it.
    """
    with Archive(data, limits=Limits(timeout=timeout, memory=DEFAULT_MEMORY)) as arc:
        _parse_with_pool(arc, list(shas) or arc.documents_to_parse(which), jobs, as_json_,
                         progress=False)


@click.command("parse-pending")
@data_option
@click.option("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
              show_default="cores - 1", help="Worker processes parsing at once on this machine "
              "(with --redis, 0: only the workers elsewhere).")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Queue the documents in this Redis (redis://host:6379/0) for parse workers "
                   "on any machine too (xxgk parse-worker; docs/distributed.md).")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="Seconds per file.")
@click.option("--json", "as_json_", is_flag=True, help="One JSON object per document.")
def parse_pending_command(data, workers, redis_url, timeout, as_json_):
    """Parse every report document the crawls stored and no parser has read yet.

    A crawl never parses: it stores each report page and attachment as pending and goes on.
    This drains that queue with a pool of worker processes, one line per document as it is
    stored ([done/total], status, organ, year, cells, seconds). The nightly does the same
    alongside its crawls. With --redis the documents are queued in Redis for parse workers here
    (--workers) and elsewhere (xxgk parse-worker); this process stores what they send back.
    """
    layout = Layout(data)
    if not layout.db.exists():
        raise click.ClickException(f"no archive at {layout.db}")
    if workers < (0 if redis_url else 1):
        raise click.BadParameter("at least 1 (0 only with --redis)", param_hint="--workers")
    with Archive(data, limits=Limits(timeout=timeout, memory=DEFAULT_MEMORY)) as arc:
        _parse_with_pool(arc, None, workers, as_json_, progress=True, redis_url=redis_url)


@click.command("parse-worker")
@data_option
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The Redis the writer queues documents in (xxgk parse-pending --redis).")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="Seconds per file.")
def parse_worker_command(data, redis_url, timeout):
    """Parse documents queued by the archive's writer, from this machine: each is read from the
    data directory (read only: a network mount is enough), parsed in the sandbox and sent back
    through Redis. Waits for a drain to begin if none has; ends when it is over.
    """
    layout = Layout(data)
    if not layout.db.exists():
        raise click.ClickException(f"no archive at {layout.db}")

    def show(sent: Sent) -> None:
        report = sent.outcome.report if sent.outcome else None
        what = (f"{report.organ or '?'} {report.year or '?'} cells={len(report.cells)}"
                if report else f"error: {sent.error}")
        click.echo(f"{sent.kind:8} {sent.sha256[:12]} {what} ({sent.seconds:.1f}s)")

    counts = ParseWorker(connect(redis_url), layout.root,
                         Limits(timeout=timeout, memory=DEFAULT_MEMORY)).run(on_sent=show)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing"
    click.echo(f"parse worker: {summary} sent", err=True)


def _upgrade_for_serving(layout: Layout, immutable: bool) -> None:
    """An archive written by an older version lacks tables and views the pages read: upgrade
    it in place, as any command that writes would, and say so; an archive to be served
    --immutable is not changed."""
    pending = behind(layout.db)
    if not pending:
        return
    if immutable:
        raise click.ClickException(
            f"{layout.db} was written by an older version of xxgk-archive (to apply: "
            f"{', '.join(pending)}); upgrade it first with "
            f"`xxgk upgrade --data {layout.root}`, then serve it --immutable")
    click.echo(f"Upgrading {layout.db} in place ({', '.join(pending)}); a large archive takes "
               f"minutes", err=True)
    open_db(layout.db).close()


@click.command("upgrade")
@data_option
def upgrade_command(data):
    """Upgrade the archive's schema to this version in place (what any command that writes
    does when it opens an archive made by an older version)."""
    layout = Layout(data)
    if not layout.db.exists():
        raise click.ClickException(f"no archive at {layout.db}")
    pending = behind(layout.db)
    started = time.monotonic()
    open_db(layout.db).close()
    click.echo(f"{layout.db}: " + (f"applied {', '.join(pending)} in "
                                   f"{time.monotonic() - started:.1f} s" if pending
                                   else "already current"))


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True)
@click.option("--immutable", is_flag=True, help="The file will not change while served "
              "(faster: counts cached, no locking).")
@click.option("--sql-time-limit", default=1_500, show_default=True,
              help="Milliseconds a query may run before it is stopped.")
@click.option("--allow-sql/--no-allow-sql", default=False, show_default=True,
              help="Let readers run their own SQL (the canned queries and pages always run).")
def serve_command(data, host, port, immutable, sql_time_limit, allow_sql):
    """Serve the archive read-only with Datasette: tables, search, queries, raw files, dashboard.

    Safe to publish as it is (docs/datasette.md): queries stopped after --sql-time-limit,
    robots told to stay away, no SQL of the reader's own unless --allow-sql."""
    # Datasette takes most of a second to import: only this command pays for it.
    from .datasette_app import make_datasette, run

    layout = Layout(data)
    if layout.db.exists():
        _upgrade_for_serving(layout, immutable)
    try:
        ds = make_datasette(data, immutable=immutable, allow_sql=allow_sql,
                            settings={"sql_time_limit_ms": sql_time_limit})
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"Serving {Layout(data).db} at http://{host}:{port}/ (the front page searches; "
               f"queries stop after {sql_time_limit} ms; SQL of the reader's own "
               f"{'allowed' if allow_sql else 'off'})", err=True)
    run(ds, host=host, port=port)


@click.command("crawls")
@data_option
@click.option("--json", "as_json_", is_flag=True)
def crawls_command(data, as_json_):
    """List crawls, newest first, with their fetch counts."""
    with read_archive(data) as db:
        rows = queries.crawls(db)
    for rec in rows:
        if as_json_:
            echo_json(rec)
        else:
            click.echo("\t".join(str(v) for v in rec.values()))


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@data_option
@click.option("--portal", "portals", multiple=True, help="Only this portal (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text",
              show_default=True, help="Readable text, Markdown, or JSON.")
@click.option("--site", default="", envvar="XXGK_SITE", metavar="URL",
              help="Where xxgk serve publishes the archive: a removed report's archived copy is "
                   "linked there (default: the path alone, /-/raw/<sha256>).")
def diff_command(old, new, data, portals, fmt, site):
    """What changed between two crawls (default: the last two finished crawls of each portal).

    Lists reports added, removed (404, 410, soft_deleted, unlisted — the last copy stays in the
    archive), revised in place (changed cells and a unified diff of the text), changed only in
    their page frame, moved to a new URL, and fetch errors new since the older crawl. Every
    change is stored in the archive's changes table.

    Exit status: 0 nothing changed (page-frame-only changes do not count), 1 something changed,
    2 the crawls could not be compared.
    """
    layout = Layout(data)
    if not layout.db.exists():
        click.echo(f"Error: no archive at {layout.db}", err=True)
        sys.exit(2)
    try:
        with Archive(data) as arc:
            diffs = diff_crawls(arc, old, new, list(portals) or None)
    except DiffError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(as_json(diffs), ensure_ascii=False, indent=1))
    elif fmt == "md":
        click.echo(render_markdown(diffs, site=site), nl=False)
    else:
        click.echo(render_text(diffs, site=site), nl=False)
    sys.exit(1 if any(d.has_news() for d in diffs) else 0)


@click.command("verify")
@data_option
@click.option("--warc/--no-warc", default=True, help="Also read every WARC file, checking digests.")
def verify_command(data, warc):
    """Check the archive: SQLite integrity, every blob against its SHA-256, WARC digests."""
    problems = verify(Layout(data), check_warc=warc, echo=lambda m: click.echo(m, err=True))
    for p in problems:
        click.echo(p)
    sys.exit(1 if problems else 0)


@click.group("coverage")
def coverage_group():
    """The coverage summary region pages and coverage queries read."""


@coverage_group.command("refresh")
@data_option
@click.option("--json", "as_json_", is_flag=True, help="The summary's facts as JSON.")
def coverage_refresh_command(data, as_json_):
    """Compute every year's coverage (organs expected against reports found) and keep it."""
    from .coverage import refresh_coverage

    started = time.monotonic()
    with Archive(data) as arc:
        facts = refresh_coverage(arc)
    facts = {k: v for k, v in facts.items() if k != "id"}
    if as_json_:
        echo_json({**facts, "seconds": round(time.monotonic() - started, 1)})
    else:
        click.echo(f"coverage of {facts['organs']:,} organ-years in {facts['years']} years, "
                   f"as of {facts['computed_at']} ({time.monotonic() - started:.1f} s)")


COMMANDS = [ingest_command, reports_command, search_command, reparse_command,
            parse_pending_command, parse_worker_command, serve_command,
            crawls_command, diff_command, verify_command, coverage_group, upgrade_command]


@hookimpl
def register_commands(cli: click.Group) -> None:
    for command in COMMANDS:
        cli.add_command(command)
