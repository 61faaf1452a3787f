"""Datasette over the archive, read-only, with the archive's metadata, plugin and templates."""

from __future__ import annotations

import asyncio
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm

from . import metadata, serve_plugin
from .paths import Layout

TEMPLATES = Path(__file__).parent / "templates"
SETTINGS = {
    # The search and the totals scan many rows on a big archive; 1 s (the default) is too short.
    "sql_time_limit_ms": 10_000,
    "facet_time_limit_ms": 1_000,
    "default_page_size": 50,
    "allow_download": True,
}


def make_datasette(data_dir=None, *, immutable: bool = False, settings: dict | None = None,
                   db_path=None) -> Datasette:
    """A Datasette instance on DATA/archive.db (or ``db_path``), opened read-only."""
    layout = Layout(data_dir)
    path = Path(db_path) if db_path else layout.db
    if not path.exists():
        raise FileNotFoundError(f"no archive at {path}: run xxgk ingest or a crawl first")
    if not pm.is_registered(serve_plugin):
        pm.register(serve_plugin, name="xxgk")
    name = path.stem
    meta = metadata.build(name, str(layout.root), _columns(path))
    files, immutables = ([], [str(path)]) if immutable else ([str(path)], [])
    # Mutable databases are opened ?mode=ro by Datasette: it reads while a crawl writes.
    return Datasette(files, immutables=immutables, metadata=meta,
                     template_dir=str(TEMPLATES), settings={**SETTINGS, **(settings or {})})


def _columns(path: Path) -> dict[str, list[str]]:
    from .db import connect

    conn = connect(path, readonly=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")]
        return {n: [r[1] for r in conn.execute(f"PRAGMA table_info([{n}])")] for n in names}
    finally:
        conn.close()


def run(ds: Datasette, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn

    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
