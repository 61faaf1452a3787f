"""The Datasette plugin of the archive: raw files, links, and a report's tables on its page.

- ``/-/raw/<sha256>`` serves a stored body (sandboxed: a government page's scripts never run
  on the archive's origin);
- ``sha256``, URL and ``report_id`` cells become links; in the coverage pages a division code
  leads to its parts and a missing count to the organs with no report;
- the row page of ``reports`` shows the report's three tables, its checks and its warnings;
- the row page of ``changes`` shows the old and new cells side by side and the text diff.
"""

from __future__ import annotations

import json
import re
import weakref
from pathlib import Path
from urllib.parse import quote, urlencode

import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, Response

from parsers import schema
from parsers.detect import media_type
from parsers.report import CELL_ORDER, TABLE_ORDER

from . import queries
from .changes.status import status_words
from .dates import credible, kind, published_words
from .db import as_database
from .paths import Layout
from .views import TOTAL_LABELS, TOTALS

_SHA = re.compile(r"^[0-9a-f]{64}$")
_URL_COLUMNS = {"url", "final_url", "referer", "report_url", "atom_link", "document_url",
                "old_url"}
_SHA_COLUMNS = {"sha256", "old_sha256", "new_sha256"}
_EXT = {"text": "txt", "image": "img", "unknown": "bin"}
# The data directory (raw files) of each Datasette instance (archive.datasette_app sets it).
DATA_DIRS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _config(datasette) -> dict:
    return datasette.plugin_config("xxgk") or {}


def _db(datasette):
    name = _config(datasette).get("database")
    return datasette.get_database(name) if name else datasette.get_database()


async def _read(database, fn, *args):
    """``fn(db, *args)``, a function of :mod:`archive.queries`, on Datasette's connection."""
    return await database.execute_fn(lambda conn: fn(as_database(conn), *args))


async def raw_file(request, datasette):
    sha = request.url_vars["sha256"]
    db = _db(datasette)
    row = await _read(db, queries.document, sha)
    if row is None:
        return Response.text("no such document", status=404)
    root = DATA_DIRS.get(datasette) or str(Path(db.path).parent)
    path = Layout(root).blob(sha)
    if not path.is_file():
        return Response.text("the raw file is missing from the blob store", status=410)
    fmt = row["format"] or "unknown"
    with open(path, "rb") as fh:
        ctype = media_type(fh.read(16), fmt)
    name = f"{sha[:16]}.{_EXT.get(fmt, fmt)}"
    return AsgiFileDownload(path, content_type=ctype, headers={
        "content-disposition": f'inline; filename="{name}"',
        "content-security-policy": "sandbox",
        "x-content-type-options": "nosniff",
        "cache-control": "public, max-age=31536000, immutable",  # content-addressed
    })


@hookimpl
def register_routes():
    return [(r"^/-/raw/(?P<sha256>[0-9a-f]{64})$", raw_file)]


def _cell_rank() -> dict[tuple[str, str, str], int]:
    rank = {}
    for t, name in enumerate(TABLE_ORDER):
        rows, cols = CELL_ORDER[name]
        for r, row in enumerate(rows):
            for c, col in enumerate(cols):
                rank[(name, row, col)] = (t * 1000 + r) * 100 + c
    return rank


_RANK = _cell_rank()


@hookimpl
def prepare_connection(conn):
    """SQL functions that name a cell as its template does (行政强制 · 本年处理决定数量), and order
    cells as the template does, for the canned queries."""
    conn.create_function("xxgk_table_label", 1, lambda t: schema.TABLE_LABELS.get(t, t),
                         deterministic=True)
    conn.create_function("xxgk_row_label", 2, lambda t, r: schema.label_of(t, r, "")[0],
                         deterministic=True)
    conn.create_function("xxgk_col_label", 2, lambda t, c: schema.label_of(t, "", c)[1],
                         deterministic=True)
    conn.create_function("xxgk_cell_order", 3,
                         lambda t, r, c: _RANK.get((t, r, c), 10 ** 9), deterministic=True)


def _coverage_link(row, value, column, database, datasette):
    """In the coverage pages: a division code leads to its parts, a missing count to the
    organs with no report (the same year)."""
    keys = row.keys() if hasattr(row, "keys") else ()
    if "division_code" not in keys or column not in ("division_code", "organs_missing"):
        return None
    year = next((row[k] for k in ("year", "年度") if k in keys and row[k] is not None), "")
    query = {"division": row["division_code"], "year": year}
    page = "coverage_by_division"
    if column == "organs_missing":
        page, query["missing"] = "coverage_organs", "1"
    return markupsafe.Markup('<a href="{}?{}">{}</a>').format(
        datasette.urls.database(database) + "/" + page, urlencode(query), value)


def _cell_changes(value: str):
    """A change's cells (JSON) as the template names them: 行政强制 · 本年处理决定数量: 195 → 196."""
    try:
        cells = json.loads(value)
        lines = [(*schema.label_of(c["table"], c["row"], c["col"]), c.get("old"), c.get("new"))
                 for c in cells]
    except (ValueError, KeyError, TypeError):
        return None
    return markupsafe.Markup("<br>").join(
        markupsafe.Markup("{} · {}: {} → {}").format(row, col, "—" if old is None else old,
                                                    "—" if new is None else new)
        for row, col, old, new in lines)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    link = _coverage_link(row, value, column, database, datasette)
    if link is not None:
        return link
    if not isinstance(value, str) and not (column in ("report_id", "change_id")
                                           and isinstance(value, int)):
        return None
    if column == "change_id" and isinstance(value, int):
        return markupsafe.Markup('<a href="{}">{}</a>').format(
            datasette.urls.table(database, "changes") + f"/{value}", value)
    if column in _SHA_COLUMNS and _SHA.match(value):
        words = "存档副本 archived copy " if column == "old_sha256" else ""
        return markupsafe.Markup('<a href="{}" title="原始文件 raw file">{}{}…</a>').format(
            datasette.urls.path(f"/-/raw/{value}"), words, value[:12])
    if column == "cells" and value.startswith("[{"):
        return _cell_changes(value)
    if column in _URL_COLUMNS and value.startswith(("http://", "https://")):
        return markupsafe.Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>').format(
            value, value)
    if column in ("机关", "organ") and table != "reports" and value:
        return markupsafe.Markup('<a href="{}">{}</a>').format(
            datasette.urls.path("/-/organ/" + quote(value, safe="")), value)
    if column == "report_id" and table != "reports":
        return markupsafe.Markup('<a href="{}">{}</a>').format(
            datasette.urls.table(database, "reports") + f"/{value}", value)
    return None


async def _report_view(datasette, database: str, pk: str) -> dict | None:
    page = await _read(datasette.get_database(database), queries.report_page, pk)
    if page is None:
        return None
    rep = page["report"]
    found: dict[str, dict] = {}
    for c in page["cells"]:
        found.setdefault(c["table"], {})[(c["row"], c["col"])] = c["value"]
    tables = []
    for name in TABLE_ORDER:
        values = found.get(name)
        if not values:
            continue
        rows_order, cols_order = CELL_ORDER[name]
        rows = [r for r in rows_order if any(k[0] == r for k in values)]
        rows += sorted({k[0] for k in values} - set(rows))
        cols = [c for c in cols_order if any(k[1] == c for k in values)]
        cols += sorted({k[1] for k in values} - set(cols))
        tables.append({
            "name": name,
            "label": schema.TABLE_LABELS[name],
            "cols": [(c, schema.label_of(name, rows[0], c)[1]) for c in cols],
            "rows": [(r, schema.label_of(name, r, cols[0])[0], [values.get((r, c)) for c in cols])
                     for r in rows],
        })
    dates = [{**d, "evidence": kind(d["source"]),
              "credible": credible(d["date"], d["source"], rep["year"], rep["first_seen"])}
             for d in page["dates"]]
    years = await _read(datasette.get_database(database), queries.report_years_of_organ,
                        rep["organ"])
    earlier = [y for y in years if rep["year"] is not None and y["year"] is not None
               and y["year"] < rep["year"]]
    previous = max(earlier, key=lambda y: y["year"]) if earlier else None
    return {
        "report": rep,
        "previous": previous,
        "beside": [{"name": n, "label": TOTAL_LABELS[n], "now": rep[n],
                    "before": previous[n] if previous else None} for n in TOTALS],
        "organ_url": datasette.urls.path("/-/organ/" + quote(rep["organ"], safe=""))
        if rep["organ"] else None,
        "status": status_words(rep),
        "published": published_words(rep),
        "dates": dates,
        "implausible": page["implausible"],
        "changes": page["changes"],
        "tables": tables,
        "checks": page["checks"],
        "failed": sum(1 for c in page["checks"] if c["status"] == "fail"),
        "warnings": page["warnings"],
        "aliases": page["aliases"],
        "documents": page["documents"],
        "raw_url": datasette.urls.path(f"/-/raw/{rep['sha256']}") if rep["sha256"] else None,
    }


async def _change_view(datasette, database: str, pk: str) -> dict | None:
    """A change with the old and new document's cells side by side (changed ones first)."""
    page = await _read(datasette.get_database(database), queries.change_page, pk)
    if page is None:
        return None
    cells: dict[tuple, list] = {}
    for side, side_cells in enumerate(page["sides"]):
        for c in side_cells:
            cells.setdefault((c["table"], c["row"], c["col"]), [None, None])[side] = c["value"]
    tables = []
    for name in TABLE_ORDER:
        keys = [k for k in cells if k[0] == name]
        if not keys:
            continue
        rows_order, cols_order = CELL_ORDER[name]
        rank = {r: i for i, r in enumerate(rows_order)}
        crank = {c: i for i, c in enumerate(cols_order)}
        keys.sort(key=lambda k: (cells[k][0] == cells[k][1], rank.get(k[1], 999), k[1],
                                 crank.get(k[2], 99), k[2]))
        rows = []
        for _, row, col in keys:
            row_label, col_label = schema.label_of(name, row, col)
            old, new = cells[(name, row, col)]
            rows.append({"row": row, "col": col, "row_label": row_label, "col_label": col_label,
                         "old": old, "new": new, "changed": old != new})
        tables.append({"name": name, "label": schema.TABLE_LABELS[name], "rows": rows})
    return {"change": page["change"], "tables": tables}


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table not in ("reports", "changes") or request is None:
        return {}

    async def inner():
        pk = request.url_vars.get("pks", "")
        if table == "changes":
            return {"xxgk_change": await _change_view(datasette, database, pk)}
        return {"xxgk_report": await _report_view(datasette, database, pk)}

    return inner
