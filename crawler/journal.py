"""The frontier journal: a crawl killed at any point (SIGKILL included) picks up the requests it
had discovered.

``DATA/crawler/<crawl id>.frontier.jsonl`` holds one JSON object a line, an ``Entry`` per request
the spider scheduled, written (``crawler/middlewares/journal.py``) before the response that produced it
is committed to the archive, so a killed process loses nothing it had found. Listings are not
journalled: a resumed crawl walks them again from its start URLs. On resume every journalled
request whose URL the archive has not recorded in this crawl is scheduled again
(``resumed_requests``); ``crawler/middlewares/resume.py`` skips what was recorded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from scrapy import Request

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    """One journalled request: enough to build it again."""

    url: str
    method: str = "GET"
    cb: str | None = None             # the name of the spider method that parses the response
    eb: str | None = None             # the name of its errback
    xxgk: dict = field(default_factory=dict)
    priority: int = 0
    depth: int = 0
    referer: str | None = None
    body: str | None = None           # a POST's body (latin-1)
    content_type: str | None = None   # a POST's Content-Type

    @classmethod
    def of(cls, request, response=None) -> "Entry":
        callback, errback = request.callback, request.errback
        entry = cls(url=request.url, method=request.method,
                    cb=callback.__name__ if callable(callback) else None,
                    eb=errback.__name__ if callable(errback) else None,
                    xxgk=request.meta.get("xxgk") or {}, priority=request.priority,
                    depth=request.meta.get("depth", (response.meta.get("depth", 0) + 1) if response else 0),
                    referer=(request.headers.get(b"Referer") or b"").decode("latin-1") or None)
        if request.method != "GET":
            entry.body = request.body.decode("latin-1")
            entry.content_type = (request.headers.get(b"Content-Type") or b"").decode("latin-1")
        return entry

    @classmethod
    def from_json(cls, data: dict) -> "Entry":
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if data.get(f.name) is not None})

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        if self.method == "GET":   # the body fields are written for POSTs only
            data.pop("body")
            data.pop("content_type")
        return json.dumps(data, ensure_ascii=False, default=str)

    @property
    def key(self) -> str:
        """Requests with the same key are journalled once."""
        return f"{self.method} {self.url} {self.body or ''}"

    def request(self, spider) -> Request | None:
        """The request again, with the spider's callback of that name; None if it has none."""
        cb = getattr(spider, self.cb or "", None)
        if cb is None:
            return None
        headers = {}
        if self.referer:
            headers["Referer"] = self.referer
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return Request(self.url, method=self.method, callback=cb,
                       errback=getattr(spider, self.eb or "", None),
                       body=self.body.encode("latin-1") if self.body else None,
                       headers=headers or None, priority=self.priority,
                       meta={"xxgk": self.xxgk, "depth": self.depth})


class Journal:
    """A crawl's journal file, read when it exists and appended to."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.existed = self.path.exists()
        self.entries: list[Entry] = read(self.path) if self.existed else []
        self._seen = {e.key for e in self.entries}
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, entry: Entry) -> None:
        """Append one discovered request; a killed process loses nothing already written."""
        if self._fd is None or entry.key in self._seen:
            return
        self._seen.add(entry.key)
        view = memoryview((entry.to_json() + "\n").encode("utf-8"))
        while view:
            view = view[os.write(self._fd, view):]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read(path: Path) -> list[Entry]:
    out = []
    with open(path, "rb") as fh:
        for line in fh:
            try:
                out.append(Entry.from_json(json.loads(line)))
            except (ValueError, TypeError):  # a torn last line
                continue
    return out


def resumed_requests(spider, entries: list[Entry], done: set[str]) -> Iterator[Request]:
    """The journalled requests of a killed crawl that it had not recorded yet."""
    resumed = 0
    for e in entries:
        if e.xxgk.get("role") == "listing" or e.url in done:
            continue
        req = e.request(spider)
        if req is not None:
            resumed += 1
            yield req
    if resumed:
        logger.info("resume: %d journalled request(s) not yet recorded scheduled again", resumed)
