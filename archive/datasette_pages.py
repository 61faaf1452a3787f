"""The reader's pages: the front page with one search box, the search results, an organ's
years side by side and a division's organs. Each is a Datasette route rendering a template of
``archive/templates`` from the functions of :mod:`archive.queries`; Datasette's own pages
(tables, canned queries, JSON, CSV) stay one link away.

- ``/`` the front page: search box, provinces, latest changes, the ways in;
- ``/-/search?q=…`` reports whose text has every term, snippet first with the terms marked,
  organs and places named like the words, filters by year, province, tier and template;
- ``/-/organ/<name>`` every year of the organ's three tables side by side, with the change
  from the year before, checks, revisions and removals, raw files, CSV and XLSX;
- ``/-/region/<code>`` a division's map coloured by coverage (organs with a report of the year
  among those expected) or a chosen number, its parts with their numbers, the expected organs
  missing, late and on time, and its own organs' reports by year; ``/-/region/<code>.json`` the
  map's numbers.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlencode

import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import Response

from parsers import divisions, schema
from parsers.report import CELL_ORDER, TABLE_ORDER

from . import coverage, queries
from .datasette_maps import COUNTRY, COVERAGE_MEANS, METRICS, has_map, part_values
from .search import terms

PAGE_SIZE = 20
# A search the indexes decide that finds at most this many documents has its facets counted
# over every hit; one that finds more is counted (its total, exact) but its facets are not.
COUNT_LIMIT = 5000
# Hits read for a search that must read texts (a term of two characters not both CJK, or one
# punctuation mark), newest years first: the filters and pages count these; one that finds more
# says so and asks for another word.
MAX_HITS = 1000
# The search page's filters: the query-string argument and the hit's field it tests.
FILTERS = {"year": "year", "province": "province_code", "tier": "tier", "template": "template"}
# Headline numbers shown beside an organ's years and a division's parts.
HEADLINES = {"requests_new": "本年新收申请 / requests", "granted": "予以公开 / granted",
             "reviews": "行政复议 / reviews", "suits_direct": "行政诉讼 / suits"}
# Organs a region page lists in each state (missing, late …); the rest are one link away.
LIST_SIZE = 200


def _db(datasette):
    name = (datasette.plugin_config("xxgk") or {}).get("database")
    return datasette.get_database(name) if name else datasette.get_database()


async def _read(datasette, fn, *args):
    """``fn(db, *args)`` of :mod:`archive.queries` on Datasette's connection, stopped after
    the same time limit as any query (``sql_time_limit_ms``): a page never holds a SQL thread
    longer than a reader's own query may."""
    import sqlite3

    from datasette.utils import sqlite_timelimit
    from datasette.views.base import DatasetteError

    from .db import as_database

    def run(conn):
        with sqlite_timelimit(conn, datasette.setting("sql_time_limit_ms")):
            return fn(as_database(conn), *args)

    try:
        return await _db(datasette).execute_fn(run)
    except sqlite3.OperationalError as exc:
        if exc.args != ("interrupted",):
            raise
        raise DatasetteError("这一页超过了查询时限；请缩小范围（搜索时多加一个词） / this page took "
                             "too long: narrow it down (add a word to a search)", status=503)


async def _render(datasette, request, template: str, context: dict) -> Response:
    db = _db(datasette)
    context = {"xxgk_db": db.name, "organ_url": organ_url, "region_url": region_url, **context}
    return Response.html(await datasette.render_template(template, context, request=request))


async def _not_found(datasette, request, message: str) -> Response:
    # Raised, a NotFound on a path with %-escapes is redirected by Datasette to its ~-escaped
    # form; the reader should be told "not found" where they are.
    return Response.html(await datasette.render_template(
        ["404.html", "error.html"], {"ok": False, "error": message, "status": 404,
                                     "title": None}, request=request), status=404)


def organ_url(name: str) -> str:
    return "/-/organ/" + quote(name, safe="")


def region_url(code: str | None = None, **args) -> str:
    query = urlencode({k: v for k, v in args.items() if v not in (None, "")})
    return "/-/region" + (f"/{code}" if code else "") + (f"?{query}" if query else "")


def mark(text: str | None, words: list[str]) -> markupsafe.Markup:
    """``text`` escaped, each occurrence of the words (ASCII case aside) in ``<mark>``."""
    text = text or ""
    low = text.lower()
    spans = []
    for w in sorted({w.lower() for w in words if w}, key=len, reverse=True):
        start = low.find(w)
        while start >= 0:
            if not any(s < start + len(w) and start < e for s, e in spans):
                spans.append((start, start + len(w)))
            start = low.find(w, start + 1)
    out, at = [], 0
    for s, e in sorted(spans):
        out.append(markupsafe.escape(text[at:s]))
        out.append(markupsafe.Markup("<mark>{}</mark>").format(text[s:e]))
        at = e
    out.append(markupsafe.escape(text[at:]))
    return markupsafe.Markup("").join(out)


# -- front page ----------------------------------------------------------------------------------

async def front(request, datasette):
    facts = await _read(datasette, queries.front_page)
    return await _render(datasette, request, "xxgk_front.html", {"facts": facts})


# -- search --------------------------------------------------------------------------------------

def _facet(hits: list[dict], field: str) -> list[dict]:
    counts: dict = {}
    for h in hits:
        if h.get(field) is not None:
            counts[h[field]] = counts.get(h[field], 0) + 1
    return [{"value": v, "n": n} for v, n in counts.items()]


def _read_results(hits: list[dict], chosen: dict, offset: int) -> queries.SearchResults:
    """The page of hits read from the texts (every one at hand: a few, MAX_HITS at most)."""
    for h in hits:
        h["province_code"] = (h["division_code"][:2] + "0000") if h["division_code"] else None
    shown = [h for h in hits if all(not v or str(h.get(FILTERS[k])) == v
                                    for k, v in chosen.items())]
    return queries.SearchResults(
        len(hits), len(shown), shown[offset:offset + PAGE_SIZE],
        {name: _facet(hits, field) for name, field in FILTERS.items()}, counted=True,
        more=len(shown) > offset + PAGE_SIZE)


def _facets(found: queries.SearchResults) -> dict[str, list[dict]]:
    """The filters' values as the page lists them: years newest first, the others by count
    (by value when not counted), each with its label."""
    out = {}
    for name, values in found.facets.items():
        rows = [{**f, "value": str(f["value"]),
                 "label": _province_name(str(f["value"])) if name == "province" else f["value"]}
                for f in values]
        if name == "year":
            rows.sort(key=lambda r: r["value"], reverse=True)
        else:
            rows.sort(key=lambda r: (-(r["n"] or 0), r["value"]))
        out[name] = rows
    return out


def _province_name(code: str) -> str:
    d = divisions.get(code)
    return d.name if d else code


async def _search(datasette, q: str, chosen: dict, page: int):
    """The page's results (:func:`queries.search_results`, else the texts read) and whether
    the texts held more hits than were read."""
    offset = (page - 1) * PAGE_SIZE
    found = await _read(datasette, queries.search_results, q, chosen, offset, PAGE_SIZE,
                        COUNT_LIMIT)
    if found is not None:
        return found, False
    hits = await _read(datasette, queries.search_hits, q, MAX_HITS + 1)
    return _read_results(hits[:MAX_HITS], chosen, offset), len(hits) > MAX_HITS


async def search_page(request, datasette):
    q = (request.args.get("q") or "").strip()
    words = terms(q)
    chosen = {k: request.args.get(k) or "" for k in FILTERS}
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    found = queries.SearchResults(0, 0, [], {name: [] for name in FILTERS}, counted=True,
                                  more=False)
    organs, places = [], []
    more = False
    if words:
        # The indexes decide almost every search without reading a text: the hits are
        # counted or walked through them and only the shown ones get their snippet.
        found, more = await _search(datasette, q, chosen, page)
        if found.matching is not None and page > max(1, -(-found.matching // PAGE_SIZE)):
            page = max(1, -(-found.matching // PAGE_SIZE))
            found, more = await _search(datasette, q, chosen, page)
        organs = await _read(datasette, queries.organs_named, q)
        places = await _read(datasette, queries.divisions_named, q)
    # Not counted: the pages are not either; "next" as long as there is one.
    pages = max(1, -(-found.matching // PAGE_SIZE)) if found.matching is not None else None
    rows = found.hits
    for h in rows:
        h["province_code"] = (h["division_code"][:2] + "0000") if h["division_code"] else None
        h["year"] = str(h["year"]) if h["year"] is not None else None
    missing = [h for h in rows if "snippet" not in h]
    if missing:
        snips = await _read(datasette, queries.snippets, [h["document_id"] for h in missing],
                            words[0])
        details = await _read(datasette, queries.hit_details, [h["report_id"] for h in missing])
        for h in missing:
            h.update(snips.get(h["document_id"], {"snippet": "", "sha256": None}))
            h.update(details.get(h["report_id"], {}))
    for h in rows:
        h["snippet_html"] = mark(h["snippet"], words)
        h["province_name"] = _province_name(h["province_code"]) if h["province_code"] else None

    def link(**change):
        args = {"q": q, **chosen, "page": page, **change}
        return "/-/search?" + urlencode({k: v for k, v in args.items() if v not in ("", None, 1)})

    return await _render(datasette, request, "xxgk_search.html", {
        "q": q, "words": words, "hits": rows, "total": found.total, "matching": found.matching,
        "more": more, "counted": found.counted, "count_limit": COUNT_LIMIT,
        "next_page": found.more, "page": page, "pages": pages, "chosen": chosen,
        "facets": _facets(found), "link": link,
        "organs": [{**o, "name_html": mark(o["organ"], [q])} for o in organs],
        "places": [{**p, "name_html": mark(p["name"], [q])} for p in places],
    })


# -- organ ---------------------------------------------------------------------------------------

def year_tables(years: list[dict], cells: list[dict], all_columns: bool = False) -> list[dict]:
    """The three tables with every cell's values by year (``years``: the organ's report of
    each year) and the change from the year before. The application table shows its 总计
    column unless ``all_columns``."""
    by_doc = {y["document_id"]: y["year"] for y in years}
    values: dict[tuple, dict] = {}
    for c in cells:
        values.setdefault((c["table"], c["row"], c["col"]), {})[by_doc[c["document_id"]]] = \
            c["value"]
    out = []
    for name in TABLE_ORDER:
        rows_order, cols_order = CELL_ORDER[name]
        keys = [k for k in values if k[0] == name
                and (all_columns or name != "requests" or k[2] == "total")]
        if not keys:
            continue
        rank = {r: i for i, r in enumerate(rows_order)}
        crank = {c: i for i, c in enumerate(cols_order)}
        keys.sort(key=lambda k: (rank.get(k[1], 999), k[1], crank.get(k[2], 99), k[2]))
        lines = []
        for _, row, col in keys:
            row_label, col_label = schema.label_of(name, row, col)
            by_year = values[(name, row, col)]
            cells_by_year, before = [], None
            for y in years:
                v = by_year.get(y["year"])
                delta = v - before if v is not None and before is not None else None
                cells_by_year.append({"year": y["year"], "value": v, "delta": delta})
                before = v if v is not None else before
            lines.append({"row": row, "col": col, "row_label": row_label,
                          "col_label": col_label, "years": cells_by_year})
        out.append({"name": name, "label": schema.TABLE_LABELS[name], "lines": lines})
    return out


async def organ_page(request, datasette):
    name = unquote(request.url_vars["name"])
    years = await _read(datasette, queries.organ_years, name)
    if not years:
        return await _not_found(datasette, request, f"没有这个机关的年报 / no reports of {name}")
    docs = [y["document_id"] for y in years]
    cells = await _read(datasette, queries.cells_of_documents, docs)
    failed = await _read(datasette, queries.failed_checks_of_documents, docs)
    all_columns = request.args.get("all") == "1"
    db = _db(datasette).name
    downloads = {fmt: f"/{db}/organ_cells.{fmt}?" + urlencode({"organ": name, **extra})
                 for fmt, extra in (("csv", {"_bom": "1", "_dl": "1", "_stream": "on"}),
                                    ("xlsx", {}))}
    place = years[-1].get("division_code")
    return await _render(datasette, request, "xxgk_organ.html", {
        "organ": name, "years": years, "tables": year_tables(years, cells, all_columns),
        "failed": failed, "all_columns": all_columns, "downloads": downloads,
        "copies": await _read(datasette, queries.organ_reports, name),
        "changes": await _read(datasette, queries.changes_of_organ, name),
        "path": divisions.path(place) if place else (),
    })


# -- region --------------------------------------------------------------------------------------

def _coverage_of(db, code: str | None, level: int, year: int | None) -> tuple:
    """The division's coverage as the archive keeps it, and the summary's facts (``stale``:
    the archive has changed since); computed here only if the summary was never written (a
    small archive: within a query's time limit)."""
    kept = coverage.refreshed(db)
    if kept is None:
        return coverage.region_coverage(db, code, level, year, LIST_SIZE), None
    return coverage.kept_region_coverage(db, code, level, year, LIST_SIZE), kept


def _region_year(request, facts: dict) -> int | None:
    try:
        return int(request.args.get("year") or facts["last_year"] or 0) or None
    except ValueError:
        return facts["last_year"]


async def region_page(request, datasette):
    code = request.url_vars.get("code") or ""
    here = divisions.get(code) if code else None
    if code and here is None:
        return await _not_found(datasette, request, f"没有这个区划代码 / no division {code}")
    parts = divisions.children(code) if code else [d for d in divisions.every(max_level=1)]
    facts = await _read(datasette, queries.year_range)
    year = _region_year(request, facts)
    totals = await _read(datasette, queries.division_totals,
                         [(d.code, d.level) for d in parts], year)
    cov, kept = await _read(datasette, _coverage_of, code or None, here.level if here else 0,
                            year)
    parts_rows = [{"division": d, **(totals.get(d.code) or {}),
                   "counts": cov.parts.get(d.code) or coverage.Counts()} for d in parts]
    values = part_values(parts_rows, lambda c: region_url(c, year=year), [*METRICS, *HEADLINES])
    if request.url_vars.get("json"):
        return Response.json({
            "division": code or COUNTRY, "name": here.name if here else "全国", "year": year,
            "coverage": COVERAGE_MEANS, "total": cov.total.as_dict(), "own": cov.own.as_dict(),
            "coverage_as_of": kept and kept["computed_at"],
            "coverage_stale": bool(kept and kept["stale"]),
            "parts": values}, headers={"access-control-allow-origin": "*"})
    rows = await _read(datasette, queries.division_reports, code, here.level) if here else []
    years = sorted({r["year"] for r in rows if r["year"] is not None})
    organs: dict[str, dict] = {}
    for r in rows:
        organs.setdefault(r["organ"], {})[r["year"]] = r
    all_years = list(range(facts["first_year"], facts["last_year"] + 1)) \
        if facts["first_year"] else []
    return await _render(datasette, request, "xxgk_region.html", {
        "map_url": f"/-/map/{code or COUNTRY}.geojson" if has_map(code) else None,
        "map_values": {v["code"]: v for v in values},
        "metrics": {**METRICS, **HEADLINES},
        "coverage_means": COVERAGE_MEANS,
        "here": here, "path": divisions.path(code) if code else (), "year": year,
        "all_years": all_years, "years": years, "organs": organs,
        "parts": parts_rows, "cov": cov, "kept": kept,
        "headlines": HEADLINES,
    })


@hookimpl
def register_routes():
    return [
        (r"^/$", front),
        (r"^/-/search$", search_page),
        (r"^/-/organ/(?P<name>[^/]+)$", organ_page),
        (r"^/-/region(/(?P<code>[0-9]{6}|[0-9]{9}))?(?P<json>\.json)?$", region_page),
    ]
