"""The Datasette instance over the archive, read-only: its metadata (descriptions, facets,
canned queries, the dashboard), its templates and its plugin (:mod:`archive.datasette_plugin`)."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from . import datasette_plugin, queries
from .canned_queries import CANNED_QUERIES
from .dashboard import dashboard
from .db import read_only
from .descriptions import describe
from .paths import Layout

TEMPLATES = Path(__file__).parent / "templates"
SETTINGS = {
    # The search and the totals scan many rows on a big archive; 1 s (the default) is too short.
    "sql_time_limit_ms": 10_000,
    "facet_time_limit_ms": 1_000,
    "default_page_size": 50,
    "allow_download": True,
}
FACETS = {
    "reports": ["year", "template", "province", "region", "level", "tier", "status",
                "place_source", "published_source", "check_status", "parse_status"],
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
                   db_path=None) -> Datasette:
    """A Datasette instance on DATA/archive.db (or ``db_path``), opened read-only."""
    layout = Layout(data_dir)
    path = Path(db_path) if db_path else layout.db
    if not path.exists():
        raise FileNotFoundError(f"no archive at {path}: run xxgk ingest or a crawl first")
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="xxgk")
    with read_only(path) as db:
        columns = queries.columns(db)
    meta = metadata(path.stem, str(layout.root), columns)
    files, immutables = ([], [str(path)]) if immutable else ([str(path)], [])
    # Mutable databases are opened ?mode=ro by Datasette: it reads while a crawl writes.
    return Datasette(files, immutables=immutables, metadata=meta,
                     template_dir=str(TEMPLATES), settings={**SETTINGS, **(settings or {})})


def metadata(db: str, data_dir: str, columns: dict[str, list[str]]) -> dict:
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
                       "全文检索见 search 查询。",
        "source": "xxgk-archive",
        "about": "docs/archive.md",
        "databases": {
            db: {
                "description": "年报档案 / The archive",
                "tables": tables,
                "queries": _queries(db),
            }
        },
        "plugins": {
            "xxgk": {"data_dir": data_dir, "database": db},
            "datasette-dashboards": dashboard(db),
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
