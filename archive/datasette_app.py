"""The Datasette instance over the archive, read-only: its metadata (descriptions, facets,
canned queries, the dashboard), its templates and its plugin (:mod:`archive.datasette_plugin`)."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from . import (datasette_exports, datasette_maps, datasette_pages, datasette_plugin,
               datasette_safety, datasette_tallies, queries)
from .canned_queries import CANNED_QUERIES
from .dashboard import chart_queries, dashboard
from .db import read_only
from .descriptions import describe
from .paths import Layout

TEMPLATES = Path(__file__).parent / "templates"
# The archive's own plugins, one job each (Datasette finds installed packages' by themselves).
PLUGINS = ((datasette_plugin, "xxgk"), (datasette_safety, "xxgk-safety"),
           (datasette_exports, "xxgk-exports"), (datasette_pages, "xxgk-pages"),
           (datasette_maps, "xxgk-maps"), (datasette_tallies, "xxgk-tallies"))
# Safe to publish by default (docs/datasette.md): a query that runs longer than 1.5 s is
# stopped, so a slow reader holds a SQL thread that long at most; there are more threads than
# Datasette's 3, so six such readers at once still leave one free for every other page.
# SQL of the reader's own is off unless ``allow_sql`` (``xxgk serve --allow-sql``): the gate is
# archive.datasette_safety, as the dashboard's page needs Datasette's own setting on.
SQL_TIME_LIMIT_MS = 1_500
SETTINGS = {
    "sql_time_limit_ms": SQL_TIME_LIMIT_MS,
    # A facet is a GROUP BY over the table (over the kept counts for the reports table:
    # archive/datasette_tallies.py): one that cannot finish in 200 ms is left out of the
    # page (Datasette says so) rather than holding it; facets are not suggested (suggesting
    # tries every column: 2 of the reports page's 2.4 s of CPU at 100,000 reports).
    "facet_time_limit_ms": 200,
    "suggest_facets": False,
    "num_sql_threads": 8,
    "default_page_size": 50,
    "allow_download": True,
}
FACETS = {
    # Four, the ways a reader narrows reports down; any other column is a click away (its
    # menu's "Facet by this").
    "reports": ["year", "province", "tier", "status"],
    "documents": ["format", "parse_status", "template", "check_status"],
    "fetches": ["portal", "role", "status", "format", "source"],
    "checks": ["check", "status"],
    "cells": ["table", "row_label"],
    "failed_checks": ["check", "year", "region"],
    "organ_year_totals": ["year", "province", "level"],
    "crawls": ["portal", "status"],
    "changes": ["kind", "portal", "reason", "year"],
    "coverage": ["year", "late", "late_basis", "organ_type", "portal"],
    "publication_dates": ["source", "evidence", "stated"],
    "implausible_numbers": ["number", "direction", "year"],
    "missing_reports": ["missing_year", "organ_type", "overdue"],
    "sites": ["province", "level", "source_group", "site_type"],
    "organ_coverage": ["year", "province", "source"],
    "division_coverage": ["year", "tier"],
}
# How a table's page opens: its sort order, and the column that names a row in links to it.
TABLE_OPTIONS = {
    "reports": {"sort_desc": "last_seen", "label_column": "organ"},
    "documents": {"label_column": "sha256"},
    "fetches": {"sort_desc": "id"},
    "crawls": {"sort_desc": "started_at"},
}


def make_datasette(data_dir=None, *, immutable: bool = False, settings: dict | None = None,
                   db_path=None, allow_sql: bool = False) -> Datasette:
    """A Datasette instance on DATA/archive.db (or ``db_path``), opened read-only; readers run
    SQL of their own only if ``allow_sql``."""
    layout = Layout(data_dir)
    path = Path(db_path) if db_path else layout.db
    if not path.exists():
        raise FileNotFoundError(f"no archive at {path}: run xxgk ingest or a crawl first")
    for plugin, name in PLUGINS:
        if not pm.is_registered(plugin):
            pm.register(plugin, name=name)
    if pm.has_plugin(datasette_safety.REPLACES):
        pm.unregister(name=datasette_safety.REPLACES)
    with read_only(path) as db:
        columns = queries.columns(db)
    meta = metadata(path.stem, columns, allow_sql=allow_sql)
    files, immutables = ([], [str(path)]) if immutable else ([str(path)], [])
    # Mutable databases are opened ?mode=ro by Datasette: it reads while a crawl writes.
    ds = Datasette(files, immutables=immutables, metadata=meta,
                   template_dir=str(TEMPLATES), settings={**SETTINGS, **(settings or {})})
    # The same file, its reports page counted from the kept counts (archive/datasette_tallies).
    plain = ds.databases[path.stem]
    ds.remove_database(path.stem)
    ds.add_database(datasette_tallies.TalliedDatabase(ds, path=plain.path,
                                                      is_mutable=plain.is_mutable),
                    name=path.stem)
    # Where the raw files are: told to the plugin, not in the metadata (/-/metadata.json is public).
    datasette_plugin.DATA_DIRS[ds] = str(layout.root)
    return ds


def metadata(db: str, columns: dict[str, list[str]], allow_sql: bool = False) -> dict:
    """Datasette's metadata for database ``db`` with these tables and views (and columns)."""
    tables = describe(columns)
    for name, facets in FACETS.items():
        tables[name]["facets"] = facets
    for name, options in TABLE_OPTIONS.items():
        tables[name].update(options)
    return {
        "title": "政府信息公开工作年度报告档案 / xxgk-archive",
        "description": "中国各级政府信息公开工作年度报告的原始文件、来源记录与解析数据。 "
                       "China's open-government-information annual reports: raw files with "
                       "provenance, the template's cells and their consistency checks. "
                       "在首页的搜索框里检索 / search from the front page.",
        "source": "xxgk-archive",
        # The about line links where the reader starts: the front page.
        "about": "首页 / front page",
        "about_url": "/",
        "databases": {
            db: {
                "description": "年报档案 / The archive",
                "tables": tables,
                "queries": _queries(db),
            }
        },
        "plugins": {
            "xxgk": {"database": db},
            "datasette-dashboards": dashboard(db),
            "xxgk-safety": {"allow_sql": allow_sql, "allowed_sql": sorted(chart_queries())},
            # Every page is generated from the same data: nothing for a search engine to index.
            "datasette-block-robots": {"disallow": ["/"]},
        },
    }


def _queries(db: str) -> dict:
    """The canned queries, links to the archive's own pages naming database ``db``."""
    out = copy.deepcopy(CANNED_QUERIES)
    for q in out.values():
        q["sql"] = q["sql"].replace("{database}", db)
    return out


def run(ds: Datasette, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn  # only xxgk serve needs it

    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
