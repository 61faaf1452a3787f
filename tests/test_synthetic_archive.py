"""The synthetic archive the scale benchmarks time is a valid archive: what the archive's own
checks, search, canned queries and pages say of a real one holds of it."""

import sys

import pytest

from archive import db as archive_db
from archive import queries
from archive.views import TOTALS
from conftest import ROOT, needs_corpus

sys.path.insert(0, str(ROOT / "benchmarks"))
import archive_bench  # noqa: E402
import synthetic_archive  # noqa: E402

N = 2000

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "archive.db"
    stats = synthetic_archive.build(path, N)
    return path, stats


@pytest.fixture
def db(built):
    with archive_db.read_only(built[0]) as db:
        yield db


def test_as_many_reports_as_asked_on_real_organs(built, db):
    assert built[1]["counts"]["reports"] == N
    assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == N
    # Every organ placed on the division list, the same for all its years and copies.
    assert db.execute("SELECT count(*) FROM reports WHERE division_code IS NULL OR "
                      "division_code NOT IN (SELECT code FROM divisions)").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM (SELECT organ FROM reports GROUP BY organ "
                      "HAVING count(DISTINCT division_code) > 1)").fetchone()[0] == 0
    # Organs of many years, some reports on two portals (one document), a registry of portals.
    assert db.execute("SELECT max(n) FROM (SELECT count(DISTINCT year) AS n FROM reports "
                      "GROUP BY organ)").fetchone()[0] >= 5
    copies = db.execute("SELECT count(*) FROM (SELECT document_id FROM reports "
                        "GROUP BY document_id HAVING count(*) > 1)").fetchone()[0]
    assert 0 < copies < N // 5
    assert db.execute("SELECT count(*) FROM sites").fetchone()[0] == db.execute(
        "SELECT count(DISTINCT portal) FROM reports").fetchone()[0]


def test_the_archives_own_checks_pass(db):
    # What xxgk verify asks of the database (the raw files are not made).
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # Written through open_db: every migration of the archive applied.
    assert archive_db.migrations.pending(db) == []
    assert "0008_indexes_for_scale" in {m.name for m in archive_db.migrations.applied(db)}


def test_numbers_agree_with_cells_and_checks(db):
    for r in db.execute("SELECT * FROM reports WHERE id % 97 = 0").fetchall():
        rep = dict(zip([c[0] for c in db.execute("SELECT * FROM reports LIMIT 0").description],
                       r))
        totals = queries.headline_totals(db, rep["document_id"])
        assert {k: rep[k] for k in TOTALS} == totals
        statuses = {k["status"] for k in db.query(
            "SELECT status FROM checks WHERE document_id = ?", [rep["document_id"]])}
        assert rep["check_status"] == synthetic_archive.check_status(statuses)
        assert rep["n_cells"] == len(queries.cells(db, rep["document_id"]))


@pytest.mark.parametrize("term", ["鹬蚌", "鹦鹉螺", "鼋", "公开"])
def test_search_finds_exactly_the_texts_that_have_the_term(db, term):
    found = {r["report_id"] for r in queries.search(db, term, limit=10 * N)}
    having = {r[0] for r in db.execute(
        "SELECT rd.report_id FROM texts t JOIN report_documents rd "
        "ON rd.document_id = t.document_id WHERE instr(t.content, ?) > 0", [term])}
    assert found == having and 0 < len(found)


@pytest.mark.asyncio
async def test_every_timed_query_and_page_answers(built):
    timed = await archive_bench.time_requests(built[0], runs=1)
    assert {t.name: t.status for t in timed if t.status != 200} == {}
    rows = {t.name: t.rows for t in timed}
    assert rows["failed_reports"] > 0 and rows["new_reports"] == 200
    assert rows["organ_cells (one organ)"] > 100
