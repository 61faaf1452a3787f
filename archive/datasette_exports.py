"""Downloads that open right where readers open them: CSV with a byte-order mark (Excel on a
Chinese Windows reads a CSV without one as GBK and garbles it), feeds that stay valid when
there is nothing to say, and a consistent snapshot of the whole database.

XLSX comes from the datasette-xlsx plugin (``.xlsx`` on any table, view or query), the feeds
from datasette-atom; docs/datasette.md says why these.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, Response

BOM = "\ufeff".encode("utf-8")


def wants_bom(scope) -> bool:
    """``….csv?_bom=1``: Datasette's CSV, preceded by a UTF-8 byte-order mark."""
    if scope["type"] != "http" or not scope["path"].endswith(".csv"):
        return False
    args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return args.get("_bom", [""])[0] in ("1", "on", "true")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_bom(scope, receive, send):
            if not wants_bom(scope):
                await app(scope, receive, send)
                return
            started = False

            async def send_bom_first(message):
                nonlocal started
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", [])
                               if k.lower() != b"content-length"]
                    started = message["status"] == 200
                    message = {**message, "headers": headers}
                elif message["type"] == "http.response.body" and started:
                    message = {**message, "body": BOM + message.get("body", b"")}
                    started = False
                await send(message)

            await app(scope, receive, send_bom_first)

        return with_bom

    return wrap


def _atom_renderer():
    import datasette_atom

    async def render(datasette, request, sql, columns, rows, database, table, query_name,
                     view_name, data):
        if rows:
            return datasette_atom.render_atom(datasette, request, sql, columns, rows, database,
                                              table, query_name, view_name, data)
        # datasette-atom takes the feed's date from its newest entry and fails without one:
        # a feed with no entry yet is still a valid feed.
        canned = await datasette.get_canned_query(database, query_name, None) \
            if query_name else None
        title = (canned or {}).get("title")
        body = ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<id>{_xml(request.url)}</id><title>{_xml(title or query_name or sql)}</title>'
                '<updated>1970-01-01T00:00:00Z</updated>'
                f'<link href="{_xml(request.url)}" rel="self"/></feed>\n')
        return Response(body, content_type="application/xml; charset=utf-8")

    return render, datasette_atom.can_render_atom


def _xml(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    # Called after datasette-atom's, so this one is the .atom renderer Datasette keeps.
    render, can_render = _atom_renderer()
    return {"extension": "atom", "render": render, "can_render": can_render}


async def snapshot(request, datasette):
    """The whole database as one file, copied with SQLite's backup API: consistent even while
    a crawl writes."""
    name = request.url_vars["database"]
    try:
        db = datasette.get_database(name)
    except KeyError:
        return Response.text("no such database", status=404)
    if db.is_memory or not db.path:
        return Response.text("no such database", status=404)
    tmp = tempfile.NamedTemporaryFile(prefix="xxgk-snapshot-", suffix=".db", delete=False)
    tmp.close()

    def copy(conn):
        out = sqlite3.connect(tmp.name)
        try:
            conn.backup(out)
        finally:
            out.close()

    await db.execute_fn(copy)
    return _TempDownload(Path(tmp.name), filename=f"{name}.db",
                         content_type="application/vnd.sqlite3")


class _TempDownload(AsgiFileDownload):
    """A file download that deletes its file once sent."""

    async def asgi_send(self, send):
        try:
            await super().asgi_send(send)
        finally:
            Path(self.filepath).unlink(missing_ok=True)


@hookimpl
def register_routes():
    return [(r"^/-/snapshot/(?P<database>[^/]+)\.db$", snapshot)]
