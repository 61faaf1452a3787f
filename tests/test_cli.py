"""``xxgk parse`` as a user runs it: the installed console script, real files, bad files."""

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from conftest import SEEDS, needs_corpus, real_pdf, seed

XXGK = shutil.which("xxgk") or str(Path(__file__).parents[1] / ".venv" / "bin" / "xxgk")


def run(*args, timeout=300):
    return subprocess.run([XXGK, *map(str, args)], capture_output=True, text=True, timeout=timeout)


@needs_corpus
def test_json_one_object_per_file():
    res = run("parse", "--json", *SEEDS)
    assert res.returncode == 0, res.stderr
    objs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["file"] for o in objs] == [str(s) for s in SEEDS]
    for o in objs:
        assert {"organ", "year", "template", "cells", "checks", "warnings"} <= set(o)


def test_summary_lays_out_tables_and_failed_checks():
    res = run("parse", real_pdf("hzq2023_working"))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "organ: 洪泽区人民政府" in out and "year: 2023" in out and "template: 2021" in out
    assert "FAIL appeals.row_sum [review]: 10+1+0+0 = 11 ≠ 0" in out
    assert "result_total" in out and "natural_p" in out


def test_bad_files_fail_alone(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n" + os.urandom(2000))
    truncated = tmp_path / "truncated.docx"
    good_docx = io.BytesIO()
    with zipfile.ZipFile(good_docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>" * 10)
    truncated.write_bytes(good_docx.getvalue()[:40])
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<a>" + b" " * (300 * 1024 * 1024) + b"</a>")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    good = seed("000_ecda25cc131b5bcc")
    res = run("parse", "--json", broken, truncated, bomb, empty, good, tmp_path / "missing.pdf")
    assert res.returncode == 1
    errors = [line for line in res.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 5, res.stderr
    assert any("bomb.docx: error: over MAX_UNPACKED_BYTES (200 MiB)" in e and "zip bomb" in e
               for e in errors)
    objs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [("error" in o) for o in objs] == [True, True, True, True, False, True]
    assert objs[4]["organ"] == "尹庄镇人民政府"


def test_memory_limit_stops_a_runaway_file(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("本年新收政府信息公开申请数量\t" + "1\t" * 3_000_000, encoding="utf-8")
    res = run("parse", "--memory", "200", big)
    assert res.returncode == 1
    assert "big.txt: error:" in res.stderr


def test_a_file_that_is_not_a_report_says_so_and_exits_3(tmp_path):
    hostname = tmp_path / "hostname"
    hostname.write_text("build-host-7\n", encoding="utf-8")
    res = run("parse", hostname)
    assert res.returncode == 3, res.stderr
    assert "not a report: " in res.stdout and "template" not in res.stdout
    res = run("parse", "--json", hostname)
    obj = json.loads(res.stdout)
    assert (obj["kind"], obj["template"], obj["cells"]) == ("not_a_report", None, [])
    assert obj["status"].startswith("not a report: ")
    # A file that cannot be parsed outweighs one that is not a report.
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert run("parse", hostname, empty).returncode == 1
    assert "Exit status" in run("parse", "--help").stdout


def test_summary_says_where_organ_and_year_come_from(tmp_path):
    report = tmp_path / "P020240114.txt"
    body = open(seed("002_c0fcd34045a5b8a6"), encoding="utf-8").read()
    report.write_text(body.replace("下冶镇人民政府 2023 年政府信息公开工作年度报告", ""), encoding="utf-8")
    res = run("parse", "--hint", "link_text=下冶镇人民政府2023年政府信息公开工作年度报告", report)
    assert res.returncode == 0, res.stderr
    assert "organ: 下冶镇人民政府 (link_text)   year: 2023 (" in res.stdout
    assert run("parse", "--hint", "url=x", report).returncode == 2
