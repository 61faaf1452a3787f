"""``xxgk registry``: sync the registry from the national government-website database, import
it from a file, list it (docs/registry.md)."""

from __future__ import annotations

import json
import sys

import click

from archive.cli import data_option

from . import load
from .download import OFFICIAL, DownloadError
from .official import FormatError
from .slices import parse as parse_slice
from .sync import SyncReport, sync_from_files, sync_from_service

# What `registry list --json` prints of each portal, in this order.
LIST_KEYS = ("id", "site_code", "region_code", "level", "parent", "name", "organ", "province",
             "region", "url", "family")


@click.group("registry")
def registry_group():
    """The portal registry: every government website of the national database
    (全国政府网站基本信息数据库), with the overrides committed in the project."""


def _report(rep: SyncReport) -> None:
    c = rep.counts
    click.echo(f"{rep.sites} sites from {rep.rows} rows of {rep.source}: {c.added} added, "
               f"{c.changed} changed, {c.unchanged} unchanged, {c.returned} back, "
               f"{c.withdrawn} withdrawn (no longer listed; kept)")
    if rep.problems:
        click.echo(f"{len(rep.problems)} problems (the sites are kept, their notes say so):",
                   err=True)
        for line in rep.problems:
            click.echo(f"  {line}", err=True)


@registry_group.command("sync")
@data_option
@click.option("--source", default=OFFICIAL, show_default=True,
              help="The service's download page, or the address a mirror serves it under.")
@click.option("--group", "groups", multiple=True,
              help="Only this group (its id or name, e.g. 地方所属网站; repeatable).")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Seconds to wait for an answer.")
@click.option("--retries", type=int, default=5, show_default=True,
              help="Tries again after a refused connection, a timeout, a 429 or a 5xx.")
@click.option("--backoff", type=float, default=2.0, show_default=True,
              help="Seconds before the first retry; doubled for each next one.")
def sync_command(data, source, groups, timeout, retries, backoff):
    """Download the national government-website database and build the registry from it
    (in the data directory). Nothing is written unless every group was downloaded and read."""
    try:
        rep = sync_from_service(source, data, list(groups) or None, timeout=timeout,
                                retries=retries, backoff=backoff)
    except (DownloadError, FormatError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    _report(rep)


@registry_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@data_option
def import_command(files, data):
    """Build the registry from files of the database a user already has (zip, CSV, XLS,
    XLSX), as sync does."""
    try:
        rep = sync_from_files(list(files), data)
    except (FormatError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    _report(rep)


@registry_group.command("list")
@data_option
@click.option("--province", "area", default=None,
              help="Only this area: a name (河南, 郑州市) or a division-code prefix (41, 4101).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per portal.")
def list_command(data, area, as_json):
    """Every portal, one a line: synced sites (with their overrides), overrides of their own,
    and the demo portals."""
    try:
        chosen = parse_slice(area) if area else None
        portals = load(data=data)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for p in portals:
        if chosen and not chosen.holds(p):
            continue
        if as_json:
            row = {k: p.get(k) for k in LIST_KEYS}
            row["source"] = "demo" if p.get("demo") else \
                "+".join(s for s in ("synced", "override") if p.get(s))
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo("\t".join(str(p.get(k) or "-") for k in
                                 ("id", "site_code", "region_code", "level", "family", "name",
                                  "url")))
    sys.stdout.flush()
