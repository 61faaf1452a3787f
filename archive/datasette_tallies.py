"""The ``reports`` table's page counted from the kept counts (archive/tallies.py): its row
count and its column facets, exact, without reading every report.

Datasette (0.65) counts a table page's rows with ``select count(*) from <table> <where>`` and
runs each column facet as a GROUP BY over the page's query; no plugin hook supplies either
(a table count is taken from elsewhere only for an immutable file's inspect data, unfiltered).
So the archive's database is a :class:`TalliedDatabase`: when the page is the ``reports``
table, filtered on kept columns only (:data:`archive.tallies.FACETS`, with any of Datasette's
lookups) or not at all, the count and the facets Datasette asks for are answered by the same
filters over ``tally_reports`` (a row per combination of those columns, with its number of
reports). Any other filter (``_where``, ``_search``, a column not kept, a later page's
``_next``) and the page runs Datasette's own queries, as before.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import NamedTuple

from datasette import hookimpl
from datasette.database import Database
from datasette.filters import Filters
from datasette.utils import escape_sqlite

from . import tallies

TABLE = "reports"
KEPT = "tally_reports"
# Query-string arguments that change how a page shows its rows, not which rows it counts.
PRESENTATION = frozenset({
    "_facet", "_facet_size", "_sort", "_sort_desc", "_size", "_labels", "_nolabels", "_col",
    "_nocol", "_shape", "_json", "_json_infinity", "_nofacet", "_nocount", "_nosuggest",
    "_trace", "_timelimit", "_dl", "_stream", "_nl", "_bom", "_ttl", "_context", "_extra"})


class KeptFilters(NamedTuple):
    """A table page whose count and facets the kept counts answer: its database and the
    WHERE clause (with a trailing space, or empty) Datasette builds from its filters."""
    database: str
    where: str

    def count_sql(self) -> str:
        return f"select count(*) from {escape_sqlite(TABLE)} {self.where}"

    def answer(self, sql: str) -> str | None:
        """The kept counts' SQL for Datasette's ``sql``, if it is this page's count or one
        of its column facets; None for anything else."""
        if sql == self.count_sql():
            return f"select coalesce(sum(reports), 0) from {KEPT} {self.where}"
        m = _FACET.match(" ".join(sql.split()))
        if (m and m["where"] == " ".join(self.where.split())
                and _unescaped(m["col"]) in tallies.FACETS and m["col"] == m["col2"] == m["col3"]):
            col = m["col"]
            return (f"select {col} as value, sum(reports) as count from "
                    f"(select * from {KEPT} {self.where}) where {col} is not null "
                    f"group by {col} order by count desc, value limit {m['limit']}")
        return None


# Datasette's column facet (datasette/facets.py ColumnFacet), whitespace collapsed.
_FACET = re.compile(
    r"select (?P<col>\S+) as value, count\(\*\) as count from \( select .+ from "
    + re.escape(escape_sqlite(TABLE)) + r" ?(?P<where>(where .*)?) \) "
    r"where (?P<col2>\S+) is not null group by (?P<col3>\S+) order by count desc, value "
    r"limit (?P<limit>\d+)$")


def _unescaped(col: str) -> str:
    return col[1:-1] if col[:1] + col[-1:] in ('[]', '""') else col


# The table page being answered, for the queries it sends: set by filters_from_request,
# which Datasette calls before the page's count and facets, in the page's own context.
_page: ContextVar[KeptFilters | None] = ContextVar("xxgk_kept_filters", default=None)


def kept_filters(args, database: str, units: dict | None = None) -> KeptFilters | None:
    """The page's filters, if the kept counts can answer its count and facets: each a kept
    column's, and nothing else narrowing the rows."""
    pairs = []
    for key in args:
        if key.startswith("_") and "__" not in key:
            if key not in PRESENTATION:
                return None
            continue
        pairs.extend((key, v) for v in args.getlist(key))
    filters = Filters(sorted(pairs), units or {})
    if any(column not in tallies.FACETS or column in (units or {})
           for column, _, _ in filters.selections()):
        return None
    # Datasette's own clauses from its own Filters: the same rows, whatever the lookup.
    clauses, _params = filters.build_where_clauses(TABLE)
    return KeptFilters(database, f"where {' and '.join(clauses)} " if clauses else "")


class TalliedDatabase(Database):
    """The archive's database as Datasette reads it, the ``reports`` page's count and facets
    read from the kept counts when its filters allow."""

    async def execute(self, sql, params=None, *args, **kwargs):
        page = _page.get()
        if page is not None and page.database == self.name:
            sql = page.answer(sql) or sql
        return await super().execute(sql, params, *args, **kwargs)


@hookimpl
def filters_from_request(request, database, table, datasette):
    async def note_page():
        page = None
        db = datasette.databases.get(database)
        if (table == TABLE and isinstance(db, TalliedDatabase)
                and await db.table_exists(KEPT)):
            units = datasette.table_metadata(database, table).get("units")
            page = kept_filters(request.args, database, units)
        _page.set(page)
        return None

    return note_page()
