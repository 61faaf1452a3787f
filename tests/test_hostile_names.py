"""File names hold any bytes but / and NUL: a newline in one cannot forge a line of output, and
one that is not UTF-8 gives valid UTF-8 JSON (the bytes as surrogate escapes) and a valid SQLite
row, never a stored blob without its row."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest

from hostile_portal import REPORT_HTML
from test_cli import XXGK

FORGED = "report\nxxgk parse: forged.html: error: made up"


@pytest.fixture
def named(tmp_path):
    d = tmp_path / "files"
    d.mkdir()
    forged = d / FORGED
    forged.write_text(REPORT_HTML, encoding="utf-8")
    latin = os.path.join(os.fsencode(d), b"\xb1\xa8\xb8\xe6.html")  # 报告 in GBK
    with open(latin, "wb") as fh:
        fh.write(REPORT_HTML.replace("某县", "另一县").encode("utf-8"))
    return d, forged, latin


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([XXGK, *args], capture_output=True, timeout=300)


def test_text_output_cannot_be_forged(named):
    d, forged, latin = named
    res = _run("parse", os.fsencode(forged), latin)
    out = res.stdout.decode("utf-8")  # valid UTF-8
    heads = [ln for ln in out.splitlines() if ln.startswith("== ")]
    assert heads == [f"== {d}/report\\nxxgk parse: forged.html: error: made up",
                     f"== {d}/\\xb1\\xa8\\xb8\\xe6.html"]
    assert "forged.html: error" not in res.stderr.decode("utf-8")


def test_json_is_valid_utf8_and_gives_the_bytes_back(named):
    d, forged, latin = named
    res = _run("parse", "--json", os.fsencode(forged), latin)
    lines = res.stdout.decode("utf-8").splitlines()
    assert [os.fsencode(json.loads(ln)["file"]) for ln in lines] == [os.fsencode(forged), latin]


def test_ingest_stores_every_name_with_its_row(named, tmp_path):
    d, forged, latin = named
    data = tmp_path / "data"
    res = _run("ingest", "--data", data, "--json", d)
    assert res.returncode == 0, res.stderr
    out = [json.loads(ln) for ln in res.stdout.decode("utf-8").splitlines()]
    assert sorted(o["status"] for o in out) == ["added", "added"]
    db = sqlite3.connect(data / "archive.db")
    paths = sorted(r[0] for r in db.execute("SELECT local_path FROM fetches"))
    assert paths == sorted([str(forged), f"{d}/\\xb1\\xa8\\xb8\\xe6.html"])
    # Every blob has its document row: no orphan.
    blobs = {p.name for p in (data / "blobs").rglob("*") if p.is_file()}
    rows = {r[0] for r in db.execute("SELECT sha256 FROM documents")}
    assert blobs == rows
