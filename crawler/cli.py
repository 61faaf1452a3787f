"""The ``xxgk`` command: ``parse`` (the parsers), ``nightly`` and ``demo`` (the jobs that drive
crawls), ``registry`` (the portals: sync, import, list), and every command a plugin registers
(the archive's: ingest, reports, search, reparse, serve, crawls, diff, verify; see
:mod:`crawler.plugins`)."""

from __future__ import annotations

import logging
import sys

import click

from archive.cli import data_option
from parsers.cli import parse_command

from .jobs import demo as demo_job
from .jobs import nightly
from .plugins import pm
from .registry.cli import registry_group


@click.group()
@click.version_option(package_name="xxgk-archive")
def main():
    """xxgk-archive: China's open-government-information annual reports, archived."""


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")


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
@click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for every crawl (repeatable).")
def nightly_command(data, portals, area, demo, config, jobs, sets):
    """Crawl, parse, diff, write the change report, send alerts.

    Exit status: 0 every portal crawled and nothing changed, 1 every portal crawled and
    something changed (or a late report appeared), 2 at least one portal failed (the others
    were still crawled and diffed), 3 the job could not start (bad configuration).
    """
    _log_to_stderr()
    settings = {}
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep:
            click.echo(f"Error: -s {item}: expected NAME=VALUE", err=True)
            sys.exit(3)
        settings[name] = value
    try:
        result = nightly.run(list(portals), data=data, config=config, demo=demo, jobs=jobs,
                             settings=settings, area=area)
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


main.add_command(parse_command)
main.add_command(registry_group)
pm.hook.register_commands(cli=main)

if __name__ == "__main__":
    main()
