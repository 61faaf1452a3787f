"""The read API (archive/queries.py): what the commands, the jobs, the crawler and Datasette read,
over a small archive written by the real writer and read on a read-only connection."""

import pytest
from archive_fixtures import seed_variant

from archive import queries
from archive.changes import diff_crawls
from archive.db import read_only
from archive.fetches import FetchRecord
from archive.store import Archive

U = "http://www.example.gov.cn/"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """One finished crawl of portal p: two reports (one with an alias, one published late), a
    failed fetch, and a file ingested with no URL; everything parsed and diffed."""
    arc = Archive(tmp_path_factory.mktemp("queries"))
    crawl = arc.begin_crawl("p", "s")
    arc.record_fetch(FetchRecord(crawl, "p", U + "a.txt", status=200, body=seed_variant(0),
                                 role="report", aliases=[U + "a-mirror.txt"],
                                 published="2022-05-01"))
    arc.record_fetch(FetchRecord(crawl, "p", U + "b.txt", status=200, body=seed_variant(1),
                                 role="report"))
    arc.record_fetch(FetchRecord(crawl, "p", U + "gone.txt", status=500, role="report"))
    arc.record_fetch(FetchRecord(None, "p", None, body=seed_variant(2), role="report"),
                     source="ingest")
    pending = arc.read(queries.pending_documents, [crawl])
    arc.end_crawl(crawl)
    diff_crawls(arc)
    yield {"arc": arc, "crawl": crawl, "pending_before_parse": pending}
    arc.close()


@pytest.fixture
def db(archive):
    with read_only(archive["arc"].layout.db) as db:
        yield db


def test_pending_then_parsed(archive, db):
    assert len(archive["pending_before_parse"]) == 2       # the crawl's two report files
    assert queries.pending_documents(db, [archive["crawl"]]) == []   # the diff parsed them
    assert queries.pending_documents(db, []) == []
    assert len(queries.documents_to_parse(db, "all")) == 3
    assert queries.documents_to_parse(db, "stale", "0.0.0") == queries.documents_to_parse(db)
    assert queries.documents_to_parse(db, "error") == []


def test_reports_listing(db):
    reports = queries.reports(db)
    assert [r["url"].removeprefix(U) for r in reports][:2] == ["a.txt", "b.txt"]
    assert reports[2]["url"].startswith("urn:sha256:")
    assert reports[0]["aliases"] == [U + "a-mirror.txt"] and reports[1]["aliases"] == []
    assert {r["organ"] for r in queries.reports(db, organ="尹庄镇")} == {"尹庄镇人民政府"}
    assert queries.reports(db, year=1900) == []


def test_known_reports_leave_out_files_without_url(db):
    assert queries.known_reports(db, "p") == [(U + "a.txt", [U + "a-mirror.txt"]),
                                              (U + "b.txt", [])]
    assert queries.known_reports(db, "other") == []


def test_crawls_and_their_facts(archive, db):
    [c] = queries.crawls(db)
    assert c["id"] == archive["crawl"] and c["status"] == "finished" and c["fetches"] == 3
    facts = queries.crawl_facts(db, "p", "2000-01-01")
    assert facts == {"crawl_id": archive["crawl"], "crawl_status": "finished", "fetched": 3,
                     "failed": 1, "new_documents": 2, "oversized": []}
    assert queries.crawl_facts(db, "p", "2999-01-01") == {}


def test_late_reports_first_seen_in_a_crawl(archive, db):
    """尹庄镇人民政府 (a government: deadline 31 March) put out its 2021 report in May 2022 (the
    date given with it); the other report has no publication date and was first seen years
    after its deadline: an upper bound, not late. A portal's first crawl raises no alarm."""
    cov = {r["url"]: r for r in db.query("SELECT * FROM coverage")}
    a, b = cov[U + "a.txt"], cov[U + "b.txt"]
    assert (a["deadline"], a["published"], a["published_source"], a["late"], a["late_basis"],
            a["days_late"]) == ("2022-03-31", "2022-05-01", "stated", 1, "published", 31)
    assert (b["published"], b["late"], b["late_basis"], b["days_late"]) == (None, None, None, None)
    assert queries.late_reports(db, [archive["crawl"]]) == []
    assert queries.late_reports(db, []) == []


def test_late_reports_found_by_a_later_crawl(tmp_path):
    """A report added since the first crawl, dated by its URL and its page: late by the
    earliest of them, and news."""
    arc = Archive(tmp_path)
    first = arc.begin_crawl("q", "s")
    arc.record_fetch(FetchRecord(first, "q", U + "a.txt", status=200, body=seed_variant(0),
                                 role="report"))
    arc.end_crawl(first)
    diff_crawls(arc)
    second = arc.begin_crawl("q", "s")
    arc.record_fetch(FetchRecord(second, "q", U + "a.txt", status=200, body=seed_variant(0),
                                 role="report"))
    arc.record_fetch(FetchRecord(
        second, "q", U + "202204/t20220410_1.txt", status=200, role="report",
        body=seed_variant(0, ["另附说明。"]), published="2022-04-12",
        dates=[{"date": "2022-04-12", "source": "page_meta", "detail": "PubDate"},
               {"date": "2022-04-10", "source": "url", "detail": "t20220410"}]))
    arc.end_crawl(second)
    diff_crawls(arc)
    with read_only(arc.layout.db) as db:
        [late] = queries.late_reports(db, [second])
        assert (late["url"], late["out"], late["published_source"], late["days_late"]) == (
            U + "202204/t20220410_1.txt", "2022-04-10", "url", 10)
        assert queries.late_reports(db, [first]) == []
        dates = [(d["date"], d["source"], d["stated"]) for d in db.query(
            "SELECT * FROM publication_dates WHERE report_id = ? ORDER BY date",
            (late["report_id"],))]
        assert dates == [("2022-04-10", "url", 1), ("2022-04-12", "page_meta", 0)]
    arc.close()


def test_report_page(db):
    rid = queries.report_by_url(db, U + "a.txt")["id"]
    page = queries.report_page(db, rid)
    assert page["report"]["organ"] == "尹庄镇人民政府"
    assert page["aliases"] == [U + "a-mirror.txt"]
    assert len(page["cells"]) == page["report"]["n_cells"] > 0
    assert [d["url"] for d in page["documents"]] == [U + "a.txt"]
    assert queries.report_page(db, 10 ** 6) is None


def test_search_on_a_read_only_connection(db):
    found = queries.search(db, "尹庄镇 公开")
    assert {r["url"] for r in found} >= {U + "a.txt"}
    assert queries.search(db, "   ") == []
