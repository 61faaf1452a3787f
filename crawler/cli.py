"""The ``xxgk`` command: ``parse`` (the parsers), ``nightly``, ``demo`` and ``worker`` (the jobs
that drive crawls), ``registry`` (the portals: sync, import, list), and every command a plugin registers
(the archive's: ingest, reports, search, reparse, parse-pending, parse-worker, serve, crawls, diff,
verify; see :mod:`crawler.plugins`)."""

from __future__ import annotations

import logging
import sys

import click

from archive.cli import data_option
from archive.paths import Layout
from parsers.cli import parse_command

from . import settings as crawl_settings
from .jobs import demo as demo_job
from .jobs import nightly, shared_crawl
from .plugins import pm
from .registry.cli import registry_group


@click.group()
@click.version_option(package_name="xxgk-archive")
def main():
    """xxgk-archive: China's open-government-information annual reports, archived."""


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")


def _settings(sets) -> dict:
    settings = {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep:
            click.echo(f"Error: -s {item}: expected NAME=VALUE", err=True)
            sys.exit(3)
        settings[name] = value
    return settings


@main.command("nightly")
@data_option
@click.option("--portal", "portals", multiple=True,
              help="Crawl this portal: its id, site code or division code (repeatable; default: "
                   "the config's list, else every registered portal except the demo ones).")
@click.option("--province", "area", default=None,
              help="Crawl every portal of this area: a name (河南, 郑州市) or a division-code "
                   "prefix (41, 4101).")
@click.option("--demo", is_flag=True, help="Crawl the demo portals (the demo server must run).")
@click.option("--config", type=click.Path(dir_okay=False, exists=True), default=None,
              help="TOML configuration (default: <data>/nightly.toml if it exists).")
@click.option("--jobs", type=int, default=None, help="Portals crawled at once (default 1).")
@click.option("--parse-workers", type=int, default=None,
              help="Parse worker processes, parsing alongside the crawls (default 1).")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Crawl each portal with --workers workers sharing one frontier in this Redis "
                   "(redis://host:6379/0), and parse through its queue; more crawl workers can "
                   "join with xxgk worker, parse workers with xxgk parse-worker "
                   "(docs/distributed.md).")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Crawl workers per portal with --redis.")
@click.option("--portals-per-process", type=int, default=None,
              help="Portals one crawl process crawls one after another (default 10; 1: a "
                   "process a portal).")
@click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for every crawl (repeatable).")
def nightly_command(data, portals, area, demo, config, jobs, parse_workers, redis_url, workers,
                    portals_per_process, sets):
    """Crawl, parse, diff, write the change report, send alerts.

    Exit status: 0 every portal crawled and nothing changed, 1 every portal crawled and
    something changed (or a late report appeared), 2 at least one portal failed (the others
    were still crawled and diffed), 3 the job could not start (bad configuration).
    """
    _log_to_stderr()
    settings = _settings(sets)
    if workers > 1 and not redis_url:
        click.echo("Error: --workers needs --redis (the workers share a frontier there)", err=True)
        sys.exit(3)
    try:
        result = nightly.run(list(portals), data=data, config=config, demo=demo, jobs=jobs,
                             settings=settings, area=area, parse_workers=parse_workers,
                             redis_url=redis_url, workers=workers,
                             portals_per_process=portals_per_process)
    except nightly.ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    for line in nightly.summary_lines(result):
        click.echo(line)
    click.echo(f"change report: {result.report}")
    for e in result.alert_errors:
        click.echo(f"alerts: {e}", err=True)
    sys.exit(result.exit_code())


@main.command("demo")
@data_option
@click.option("--port", default=0, show_default=True, help="Port of the demo portal (0: any free).")
@click.option("--jobs", default=2, show_default=True, help="Demo portals crawled at once.")
def demo_command(data, port, jobs):
    """Crawl the bundled demo portal end to end: start it on 127.0.0.1, crawl its ten sites
    with the real spiders, parse, diff, and leave an archive for xxgk serve.

    The demo's report files are built once under <data>/demo-site (LibreOffice; about a
    minute) and reused. Politeness is off: the server is ours and local.
    """
    _log_to_stderr()
    res = demo_job.run(data, port=port, jobs=jobs, echo=lambda m: click.echo(m, err=True))
    for line in nightly.summary_lines(res.nightly):
        click.echo(line)
    click.echo(f"{res.reports} reports archived ({res.on_portal} on the demo portal), "
               f"{res.parsed} parsed, {res.cells} cells, {res.failing} failing their checks")
    click.echo(f"change report: {res.nightly.report}")
    click.echo(f"browse it: {sys.argv[0] if sys.argv[0].endswith('xxgk') else 'xxgk'} serve"
               + (f" --data {data}" if data else "") + "  (then open http://127.0.0.1:8001/)")
    sys.exit(2 if res.nightly.failed else 0)


@main.command("worker")
@click.argument("portal")
@data_option
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The Redis the crawl's frontier is in.")
@click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting (repeatable).")
def worker_command(portal, data, redis_url, sets):
    """Join the running distributed crawl of PORTAL from this machine: its requests come from
    the shared frontier, its records go to the crawl's writer (xxgk nightly --redis). The data
    directory is read only (conditional requests, known reports): share it, or set
    XXGK_CONDITIONAL=False and XXGK_RECHECK=False."""
    settings = _settings(sets)
    delay = float(settings.get("DOWNLOAD_DELAY", crawl_settings.DOWNLOAD_DELAY))
    try:
        code = shared_crawl.join(portal, redis_url, Layout(data).root, settings, delay)
    except LookupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    sys.exit(code)


main.add_command(parse_command)
main.add_command(registry_group)
pm.hook.register_commands(cli=main)

if __name__ == "__main__":
    main()
