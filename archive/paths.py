"""Where the archive lives: one data directory, found the same way by every command and the crawler.

Layout (see docs/archive.md)::

    DATA/archive.db              SQLite (WAL), the index of everything below
    DATA/blobs/ab/cd/<sha256>    every fetched or ingested body, once, read-only
    DATA/warc/<crawl id>/*.warc.gz   what each crawl saw on the wire
    DATA/tmp/                    files being written; never read as content
    DATA/locks/                  one lock file per running crawl
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "XXGK_DATA"
DEFAULT = "data"
DB_NAME = "archive.db"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--data DIR`` if given, else ``$XXGK_DATA``, else ``./data``; absolute, not created."""
    chosen = explicit or os.environ.get(ENV) or DEFAULT
    return Path(chosen).expanduser().resolve()


class Layout:
    """The paths inside one data directory."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = data_dir(root)
        self.db = self.root / DB_NAME
        self.blobs = self.root / "blobs"
        self.warc = self.root / "warc"
        self.tmp = self.root / "tmp"
        self.locks = self.root / "locks"

    def create(self) -> "Layout":
        for d in (self.root, self.blobs, self.warc, self.tmp, self.locks):
            d.mkdir(parents=True, exist_ok=True)
        return self

    def blob(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def relative(self, path: Path) -> str:
        """A path as stored in the database: relative to the data directory, so it can move."""
        return str(Path(path).relative_to(self.root))
