"""Content-addressed store: a body is kept once, named by its SHA-256, and never half-written.

A body is written to ``tmp/``, flushed to disk, then renamed into place; rename is atomic on one
file system, so a reader sees the whole file or none, and a crash mid-write leaves only a
``tmp/*.part`` that :func:`clean_tmp` removes later. Stored files are made read-only.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import NamedTuple

from parsers.limits import READ_CHUNK

from .paths import Layout


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Stored(NamedTuple):
    sha256: str
    size: int
    new: bool


class BlobStore:
    def __init__(self, layout: Layout):
        self.layout = layout

    def path(self, sha256: str) -> Path:
        return self.layout.blob(sha256)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; return its SHA-256 and whether it was new."""
        sha = sha256_hex(data)
        final = self.path(sha)
        if final.is_file() and final.stat().st_size == len(data):
            return sha, False
        tmp = self.layout.tmp / f"{sha}.{os.getpid()}.{secrets.token_hex(4)}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)  # same bytes if a twin writer won the race: harmless
        _fsync_dir(final.parent)
        return sha, True

    def put_file(self, path) -> Stored:
        """Store the file at ``path``, read, hashed and written a chunk at a time: memory stays
        bounded whatever its size."""
        tmp = self.layout.tmp / f"incoming.{os.getpid()}.{secrets.token_hex(4)}.part"
        h, size = hashlib.sha256(), 0
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            with open(path, "rb") as src:
                while chunk := src.read(READ_CHUNK):
                    h.update(chunk)
                    size += len(chunk)
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        sha = h.hexdigest()
        final = self.path(sha)
        if final.is_file() and final.stat().st_size == size:
            tmp.unlink()
            return Stored(sha, size, False)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return Stored(sha, size, True)

    def verify(self, sha256: str) -> bool:
        """Whether the stored file still hashes to its name."""
        h = hashlib.sha256()
        with open(self.path(sha256), "rb") as fh:
            for chunk in iter(lambda: fh.read(READ_CHUNK), b""):
                h.update(chunk)
        return h.hexdigest() == sha256


def _fsync_dir(path: Path) -> None:
    # The rename itself must reach the disk, or a power cut could forget the new name.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_tmp(layout: Layout) -> int:
    """Remove temp files left by writers that died; leave those of live processes alone."""
    removed = 0
    for part in layout.tmp.glob("*.part"):
        try:
            pid = int(part.name.split(".")[1])
        except (IndexError, ValueError):
            pid = 0
        if pid and pid != os.getpid() and _alive(pid):
            continue
        if pid == os.getpid():
            continue
        try:
            part.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
