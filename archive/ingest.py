"""Files downloaded by hand into the archive, with whatever provenance came with them.

Provenance comes from ``--url`` (and ``--portal``), else from a sidecar ``FILE.json`` next to the
file (``{"url": ..., "fetched_at": ..., "portal": ..., "title": ..., "published": ...,
"referer": ..., "link_text": ..., "publisher": ..., "report_url": ..., "aliases": [...]}``), else
there is none and the report is named ``urn:sha256:<hash>`` until someone says where it came
from. The link text, title, publisher and the file's name are handed to the parser as hints.

Idempotent: the same bytes with the same provenance add nothing; a file whose parse was cut short
(the process was killed) is parsed on the next run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from parsers.detect import sniff_file
from parsers.filenames import stored

from . import queries
from .fetches import FetchRecord, StoredBody
from .store import Archive

SIDECAR_KEYS = ("url", "fetched_at", "portal", "title", "published", "referer", "link_text",
                "report_url", "aliases", "role", "final_url", "status", "headers", "publisher")


def sidecar(path: Path) -> dict:
    side = path.with_name(path.name + ".json")
    if not side.is_file():
        return {}
    data = json.loads(side.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{side}: a sidecar must hold one JSON object")
    return {k: v for k, v in data.items() if k in SIDECAR_KEYS}


def iter_files(paths) -> Iterator[Path]:
    """The files named, and those under the directories named, sidecars left out."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not _is_sidecar(f) and not f.name.startswith("."):
                    yield f
        else:
            yield p


def _is_sidecar(f: Path) -> bool:
    return f.suffix == ".json" and f.with_suffix("").is_file()


def ingest_file(arc: Archive, path: Path, url: str | None = None, portal: str | None = None,
                parse: bool = True) -> dict:
    """Store one file; return ``{"file", "sha256", "status": added|unchanged, "parse"}``.

    The file is streamed into the blob store (memory stays bounded whatever its size); a blob
    this call stored is removed again if its row could not be written, so none is orphaned."""
    meta = sidecar(path)
    url = url or meta.get("url")
    portal = portal or meta.get("portal")
    blob = arc.blobs.put_file(path)
    sha = blob.sha256
    status = "unchanged"
    # Already here, and this run says nothing new about where it came from: nothing to add.
    if not arc.read(queries.ingested_already, sha, url, portal):
        try:
            _record(arc, path, url, portal, meta, StoredBody(sha, blob.size, sniff_file(path)))
        except BaseException:
            if blob.new and arc.read(queries.document, sha) is None:
                arc.blobs.path(sha).unlink(missing_ok=True)
            raise
        status = "added"
    result = {"file": str(path), "sha256": sha, "status": status, "parse": None}
    doc = arc.read(queries.document, sha)
    if parse and doc and doc["parse_status"] == "pending":
        result["parse"] = arc.parse_document(sha)
    return result


def _record(arc: Archive, path: Path, url, portal, meta: dict, body: StoredBody) -> None:
    arc.record_fetch(FetchRecord(
        None, portal, url, method=None, final_url=meta.get("final_url"),
        status=meta.get("status"), response_headers=meta.get("headers") or [], stored=body,
        fetched_at=meta.get("fetched_at"), referer=meta.get("referer"),
        link_text=meta.get("link_text"), role=meta.get("role") or "report",
        report_url=meta.get("report_url"), aliases=meta.get("aliases") or [],
        title=meta.get("title"), published=meta.get("published"),
        publisher=meta.get("publisher")),
        source="ingest", local_path=stored(path))
