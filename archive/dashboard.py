"""The dashboard at ``/-/dashboards/xxgk`` (datasette-dashboards): counts, requests per year,
templates, check status and the regions with most requests, with a year filter.

The counts of reports are read from the counts the archive keeps (``tally_reports``,
archive/tallies.py: one row per combination of year, template, status…, with its reports), not
counted over every report; requests per year and by region are summed from the sums it keeps
per region and year (``region_year_requests``, archive/kept_figures.py: one report per organ
and year, the copy ``requests_by_region`` counts), so the dashboard and that query agree."""

from __future__ import annotations

# datasette-dashboards fills this in from the year filter, or drops it when none is chosen.
_YEAR = "[[ AND year = :year ]]"


def _metric(title: str, query: str) -> dict:
    return {"title": title, "library": "metric", "query": query, "display": {"field": "n"}}


def _bars(title: str, query: str, x: dict, y: dict) -> dict:
    return {"title": title, "library": "vega-lite", "query": query,
            "display": {"mark": {"type": "bar", "tooltip": True}, "encoding": {"x": x, "y": y}}}


def _pie(title: str, query: str, field: str) -> dict:
    return {"title": title, "library": "vega-lite", "query": query,
            "display": {"mark": {"type": "arc", "tooltip": True},
                        "encoding": {"color": {"field": field, "type": "nominal"},
                                     "theta": {"field": "n", "type": "quantitative"}}}}


CHARTS = {
    "reports-count": _metric("年报数 / Reports",
                             f"SELECT coalesce(sum(reports), 0) AS n FROM tally_reports "
                             f"WHERE 1 {_YEAR}"),
    "failing-count": _metric("未通过校验 / Failing checks",
                             "SELECT coalesce(sum(reports), 0) AS n FROM tally_reports "
                             f"WHERE check_status = 'fail' {_YEAR}"),
    "requests-by-year": _bars(
        "依申请公开数量 / Requests received per year",
        "SELECT year, sum(requests_new) AS requests FROM region_year_requests "
        f"WHERE 1 {_YEAR} GROUP BY year ORDER BY year",
        x={"field": "year", "type": "ordinal"}, y={"field": "requests", "type": "quantitative"}),
    "templates": _pie("模板 / Templates",
                      "SELECT coalesce(template, '?') AS template, sum(reports) AS n "
                      f"FROM tally_reports WHERE 1 {_YEAR} GROUP BY template", "template"),
    "check-status": _pie("勾稽校验 / Checks",
                         "SELECT coalesce(check_status, parse_status) AS status, "
                         f"sum(reports) AS n FROM tally_reports WHERE 1 {_YEAR} GROUP BY 1",
                         "status"),
    "top-regions": _bars(
        "申请最多的地区 / Regions with most requests",
        "SELECT region, sum(requests_new) AS requests FROM region_year_requests "
        f"WHERE region IS NOT NULL {_YEAR} GROUP BY region ORDER BY requests DESC, region "
        "LIMIT 20",
        x={"field": "requests", "type": "quantitative"},
        y={"field": "region", "type": "nominal", "sort": "-x"}),
}


def chart_queries() -> set[str]:
    """Every SQL statement the dashboard's page sends to Datasette's JSON API: each chart's
    query with its year filter and without (datasette-dashboards fills ``[[ … ]]`` in or drops
    it). The archive answers these even when readers may not run SQL of their own."""
    from datasette_dashboards import replace_opts_in_query

    out = set()
    for chart in CHARTS.values():
        for options in ({}, {"year": "2023"}):
            out.add(replace_opts_in_query(chart["query"], options))
    return out


def dashboard(db: str) -> dict:
    """The plugin's configuration, its charts and filter reading database ``db``."""
    return {
        "xxgk": {
            "title": "政府信息公开年报 / xxgk-archive",
            "description": "Reports archived, requests per year, templates and checks.",
            "layout": [
                ["reports-count", "failing-count"],
                ["requests-by-year", "requests-by-year"],
                ["templates", "check-status"],
                ["top-regions", "top-regions"],
            ],
            "filters": {
                "year": {"name": "年度 / Year", "type": "select", "db": db,
                         "query": "SELECT DISTINCT year FROM tally_reports WHERE year IS NOT NULL "
                                  "ORDER BY year DESC"},
            },
            "charts": {name: {**chart, "db": db} for name, chart in CHARTS.items()},
        }
    }
