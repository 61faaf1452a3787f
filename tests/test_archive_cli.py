"""The archive's commands, run for real: ingest, reports, reparse, verify, upgrade; and a
kill -9."""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import httpx
from archive_fixtures import REAL_PDFS, ROOT, seed_variant, serving, write_variants, xxgk

import parsers
from archive.blobs import sha256_hex
from archive.db import behind
from archive.fetches import FetchRecord
from archive.store import Archive


def dump(data):
    conn = sqlite3.connect(data / "archive.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def files(data):
    return sorted(str(p.relative_to(data)) for p in (data / "blobs").rglob("*") if p.is_file())


def test_ingest_provenance_and_reingest_is_a_noop(tmp_path):
    data, src = tmp_path / "data", tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(seed_variant(0))
    (src / "b.pdf").write_bytes(REAL_PDFS[0].read_bytes())
    (src / "b.pdf.json").write_text(json.dumps({
        "url": "http://www.hongze.gov.cn/art/2024/1/20/art_1.html", "portal": "hongze",
        "fetched_at": "2024-01-21T02:00:00Z", "title": "洪泽区2023年政府信息公开工作年度报告",
        "published": "2024-01-20", "link_text": "2023年年报"}, ensure_ascii=False))
    (src / "c.txt").write_bytes(seed_variant(2))
    out = xxgk("ingest", "--data", data, src / "a.txt", src / "b.pdf")
    assert out.returncode == 0, out.stderr
    out = xxgk("ingest", "--data", data, "--url", "http://www.example.gov.cn/c.html",
               "--portal", "example", src / "c.txt")
    assert out.returncode == 0, out.stderr
    reports = [json.loads(line) for line in xxgk("reports", "--json", "--data", data)
               .stdout.splitlines()]
    assert len(reports) == 3
    keys = {"url", "aliases", "portal", "organ", "year", "template", "format", "sha256",
            "parse_status", "first_seen", "last_seen"}
    assert all(keys <= set(r) for r in reports)
    # Ingested by hand, never crawled: no claim about whether they are online.
    assert {r["status"] for r in reports} == {"unchecked"}
    by_format = {r["format"]: r for r in reports}
    pdf = by_format["pdf"]
    assert pdf["url"] == "http://www.hongze.gov.cn/art/2024/1/20/art_1.html"
    assert pdf["portal"] == "hongze" and pdf["first_seen"] == "2024-01-21T02:00:00Z"
    assert pdf["organ"] == "洪泽区人民政府" and pdf["year"] == 2023 and pdf["template"] == "2021"
    assert (pdf["published"], pdf["published_source"]) == ("2024-01-20", "stated")
    assert (pdf["division_code"], pdf["tier"], pdf["place_source"]) == ("320813", "县", "organ")
    assert pdf["sha256"] == sha256_hex(REAL_PDFS[0].read_bytes())
    urls = {r["url"] for r in reports}
    assert f"urn:sha256:{sha256_hex(seed_variant(0))}" in urls  # no provenance at all
    assert "http://www.example.gov.cn/c.html" in urls

    before, blobs_before = dump(data), files(data)
    out = xxgk("ingest", "--data", data, src)  # the whole folder again, sidecar skipped
    assert out.returncode == 0 and "0 added, 3 unchanged" in out.stderr, out.stderr
    out = xxgk("ingest", "--data", data, "--url", "http://www.example.gov.cn/c.html",
               "--portal", "example", src / "c.txt")
    assert "0 added, 1 unchanged" in out.stderr
    assert dump(data) == before and files(data) == blobs_before


def test_data_from_environment(tmp_path):
    import os
    src = tmp_path / "r.txt"
    src.write_bytes(seed_variant(3))
    env = {**os.environ, "XXGK_DATA": str(tmp_path / "envdata")}
    out = subprocess.run([sys.executable, "-m", "crawler.cli", "ingest", str(src)], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "envdata" / "archive.db").is_file()


def test_reparse_records_parser_version(tmp_path):
    data = tmp_path / "data"
    paths = write_variants(tmp_path / "src", 3)
    assert xxgk("ingest", "--data", data, *paths).returncode == 0
    conn = sqlite3.connect(data / "archive.db")
    with conn:
        for table in ("documents", "cells", "checks", "warnings", "texts", "reports"):
            conn.execute(f"UPDATE {table} SET parser_version = '0.0.1'")
    conn.close()
    out = xxgk("reparse", "--data", data, "--stale", "--json")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(lines) == 3 and all(x["parser_version"] == parsers.__version__ for x in lines)
    conn = sqlite3.connect(data / "archive.db")
    for table in ("documents", "cells", "checks", "texts", "reports"):
        versions = {r[0] for r in conn.execute(f"SELECT DISTINCT parser_version FROM {table}")}
        assert versions == {parsers.__version__}, table
    conn.close()
    out = xxgk("reparse", "--data", data, "--stale")
    assert "nothing to do" in out.stderr
    out = xxgk("reparse", "--data", data, "--jobs", "2")
    assert "3 ok" in out.stderr or "warnings" in out.stderr


def test_killed_mid_ingest_loses_nothing_and_resumes(tmp_path):
    data = tmp_path / "data"
    paths = write_variants(tmp_path / "src", 40)
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "ingest", "--data", str(data),
                             *map(str, paths)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    done = []
    for line in proc.stdout:  # stop it hard once it is well under way
        done.append(line.split()[1])
        if len(done) == 8:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    arc = Archive(data)  # opens: migrations, temp files cleaned
    conn = arc.conn
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0] for r in conn.execute("SELECT sha256 FROM documents")}
    assert {s for s in stored if any(s.startswith(d) for d in done)} and len(stored) >= 8
    assert all(any(s.startswith(d) for s in stored) for d in done)  # nothing reported lost
    for sha in stored:  # every stored body whole
        assert arc.blobs.verify(sha)
    for p in (data / "blobs").rglob("*"):
        if p.is_file():
            assert sha256_hex(p.read_bytes()) == p.name  # no half-written blob anywhere
    assert not list((data / "tmp").glob("*.part"))
    arc.close()

    out = xxgk("ingest", "--data", data, *paths)
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(data / "archive.db")
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 40
    assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == 40
    assert conn.execute("SELECT count(*) FROM documents WHERE parse_status = 'pending'"
                        ).fetchone()[0] == 0
    assert stored <= {r[0] for r in conn.execute("SELECT sha256 FROM documents")}
    conn.close()
    out = xxgk("ingest", "--data", data, *paths)
    assert "0 added, 40 unchanged" in out.stderr


def test_killed_mid_crawl_resumes_with_valid_warc(tmp_path):
    data = tmp_path / "data"
    script = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from archive.fetches import FetchRecord
from archive.store import Archive
arc = Archive({str(data)!r})
crawl = arc.begin_crawl("p", "s")
print(crawl, flush=True)
i = 0
while True:
    arc.record_fetch(FetchRecord(crawl, "p", f"http://p.gov.cn/{{i}}", status=200,
                                 body=(f"page {{i}} " * 5000).encode()))
    print(i, flush=True)
    i += 1
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    crawl = proc.stdout.readline().strip()
    for line in proc.stdout:
        if int(line) >= 20:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.1)
    arc = Archive(data)
    assert arc.begin_crawl("p", "s") == crawl  # the killed crawl is resumed
    seen = arc.fetched_urls(crawl)
    assert len(seen) >= 21
    arc.record_fetch(FetchRecord(crawl, "p", "http://p.gov.cn/after", status=200, body=b"after"))
    arc.end_crawl(crawl)
    arc.close()
    out = xxgk("verify", "--data", data)  # SQLite, every blob, every WARC digest
    assert out.returncode == 0, out.stdout + out.stderr


def test_archive_commands_register_into_any_group():
    """The archive adds its commands through the register_commands hook (it never imports the
    crawler package that provides the ``xxgk`` group: tests/test_layers.py)."""
    import click

    from archive import cli as archive_cli
    from crawler.cli import main

    group = click.Group("other")
    archive_cli.register_commands(group)
    archive_commands = {"ingest", "reports", "search", "reparse", "parse-pending", "parse-worker",
                        "serve", "crawls", "diff", "verify", "coverage", "upgrade"}
    assert set(group.commands) == archive_commands
    assert set(main.commands) == archive_commands | {"parse", "nightly", "demo", "registry", "worker"}


def _made_older(data):
    """The archive as the version before report_organs wrote it, with an older organ_coverage
    view."""
    conn = sqlite3.connect(data / "archive.db")
    with conn:
        for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                       "AND name LIKE 'report_organs_%'").fetchall():
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("DROP TABLE report_organs")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0014_report_organs'")
        conn.execute("DROP VIEW organ_coverage")
        conn.execute("CREATE VIEW organ_coverage AS SELECT 1 AS organ")
    conn.close()


def test_an_archive_of_an_older_version_is_upgraded_before_it_is_served(tmp_path):
    """`xxgk serve` upgrades an archive an older version wrote (its pages read what the new
    version keeps), saying so; with --immutable it changes nothing and says how to upgrade;
    `xxgk upgrade` does it on its own and leaves a current archive alone."""
    data, src = tmp_path / "data", tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(seed_variant(0))
    assert xxgk("ingest", "--data", data, src / "a.txt").returncode == 0
    _made_older(data)
    before = dump(data)
    refused = xxgk("serve", "--data", data, "--immutable", "--port", "9")
    assert refused.returncode == 1 and "xxgk upgrade --data" in refused.stderr, refused.stderr
    assert "0014_report_organs" in refused.stderr and "view organ_coverage" in refused.stderr
    assert dump(data) == before
    with serving(data) as url:
        organs = httpx.get(f"{url}/archive/report_organs.json?_shape=array").json()
        assert [o["reports"] for o in organs] == [1]
        assert behind(data / "archive.db") == []
    out = xxgk("upgrade", "--data", data)
    assert out.returncode == 0 and "already current" in out.stdout, out.stdout + out.stderr
    _made_older(data)
    out = xxgk("upgrade", "--data", data)
    assert out.returncode == 0 and "applied 0014_report_organs, view organ_coverage" in out.stdout
    assert behind(data / "archive.db") == []
