"""What makes the archive's Datasette safe to put on the open web: no file path of the server
shown, no error that tells more than "something failed", nothing answered to a POST.

- the database file's path is hidden from SQL (``pragma_database_list``'s ``file`` column reads
  NULL, through SQLite's authorizer) and from ``/-/databases.json``;
- an unexpected exception answers a plain 500 (the traceback goes to the server's log);
- a POST outside ``/-/`` (a canned query's page, a table) answers 405: every page of the
  archive is read-only, and Datasette's own POST handling of a read-only query fails;
- SQL of the reader's own (``?sql=``, ``?_where=``) answers 403 unless the plugin's
  ``allow_sql`` is on; the dashboard's own queries (``allowed_sql``) always run, since its page
  sends them as ``?sql=`` (so Datasette's ``default_allow_sql`` stays on and this is the gate).

The time limit, the robots and whether arbitrary SQL runs are settings
(:data:`archive.datasette_app.SETTINGS`, ``xxgk serve --allow-sql``): docs/datasette.md.
"""

from __future__ import annotations

import re
import sqlite3
import traceback
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.utils.asgi import Response

# Columns of SQLite's own tables that hold a file's path on the server.
_PATH_COLUMNS = {("pragma_database_list", "file")}
_READ = sqlite3.SQLITE_READ


def _hide_paths(action, arg1, arg2, _db, _trigger):
    if action == _READ and (arg1, arg2) in _PATH_COLUMNS:
        return sqlite3.SQLITE_IGNORE  # the column reads as NULL
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn):
    conn.set_authorizer(_hide_paths)


async def databases(request, datasette):
    """``/-/databases.json`` as Datasette gives it, less each file's path."""
    return Response.json([
        {"name": db.name, "route": db.route, "size": db.size, "is_mutable": db.is_mutable,
         "is_memory": db.is_memory, "hash": db.hash}
        for db in datasette.databases.values() if db.name != "_internal"])


@hookimpl
def register_routes():
    return [(r"^/-/databases(\.json)?$", databases)]


# Datasette's own exception handler, which this module's replaces: every handler runs, and
# Datasette's prints each exception with its local variables when rich is installed, which
# holds the event loop for about a second: six readers' stopped queries stalled every page.
REPLACES = "datasette.handle_exception"


@hookimpl
def handle_exception(datasette, request, exception):
    """Datasette's error page, except that an unexpected exception's text is not shown (it can
    name files) and that a reader's own mistake (a bad or a stopped query) is not logged."""
    from markupsafe import Markup

    from datasette.utils.asgi import Base400
    from datasette.views.base import DatasetteError

    async def inner():
        info, title = {}, None
        if isinstance(exception, Base400):
            status, message = exception.status, exception.args[0]
        elif isinstance(exception, DatasetteError):
            status, info, title = exception.status, exception.error_dict, exception.title
            message = (Markup(exception.message) if exception.message_is_html
                       else exception.message)
        else:
            traceback.print_exception(exception)
            status, message = 500, "服务器内部错误 / internal server error"
        info.update({"ok": False, "error": message, "status": status, "title": title})
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        return Response.html(await template.render_async(
            dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(),
                 menu_links=lambda: [])), status=status)

    return inner


_SPACE = re.compile(r"\s+")


def _normal(sql: str) -> str:
    return _SPACE.sub(" ", sql).strip()


def refusal(scope, config: dict) -> Response | None:
    """Why this request is not answered (a 405 or 403 response), or None to answer it."""
    if scope["type"] != "http":
        return None
    if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not scope["path"].startswith("/-/"):
        return Response.text("只读档案 / this archive is read-only", status=405,
                             headers={"allow": "GET, HEAD"})
    if config.get("allow_sql"):
        return None
    args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
    allowed = {_normal(q) for q in config.get("allowed_sql", ())}
    if "_where" in args or any(_normal(q) not in allowed for q in args.get("sql", ())):
        return Response.text("本档案不运行自定义 SQL；请用搜索与查询页面 / this archive runs no SQL "
                             "of your own: use the search and the query pages", status=403)
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def gate(scope, receive, send):
            response = refusal(scope, datasette.plugin_config("xxgk-safety") or {})
            if response is not None:
                await response.asgi_send(send)
                return
            await app(scope, receive, send)

        return gate

    return wrap
