"""``xxgk verify``: is everything the database points at still there, and still what it was?"""

from __future__ import annotations

from warcio.archiveiterator import ArchiveIterator

from . import queries
from .blobs import BlobStore
from .db import read_only
from .paths import Layout


def verify(layout: Layout, check_warc: bool = True, echo=print) -> list[str]:
    if not layout.db.exists():
        return [f"no archive at {layout.db}"]
    with read_only(layout.db) as db:
        return _check_db(db, layout, check_warc, echo)


def _check_db(db, layout: Layout, check_warc: bool, echo) -> list[str]:
    problems: list[str] = []
    result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        problems.append(f"sqlite: {result}")
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        problems.append(f"sqlite: {len(fk)} rows break a foreign key")
    blobs = BlobStore(layout)
    n = 0
    for sha in queries.document_shas(db):
        n += 1
        if not blobs.has(sha):
            problems.append(f"blob missing: {sha}")
        elif not blobs.verify(sha):
            problems.append(f"blob corrupt: {sha}")
    echo(f"{n} blobs checked")
    if check_warc:
        files = sorted(layout.warc.rglob("*.warc.gz"))
        records = 0
        for path in files:
            try:
                with open(path, "rb") as fh:
                    for rec in ArchiveIterator(fh, check_digests=True):
                        rec.content_stream().read()
                        records += 1
                        if rec.digest_checker.passed is False:
                            problems.append(f"{path}: {rec.rec_headers.get_header('WARC-Record-ID')}"
                                            f": {'; '.join(rec.digest_checker.problems)}")
            except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding
                problems.append(f"{path}: unreadable: {exc}")
        echo(f"{records} WARC records in {len(files)} files checked")
        for f in queries.warc_files(db):
            if not (layout.root / f).is_file():
                problems.append(f"WARC file missing: {f}")
    return problems
