"""The organs a portal's organ directories name (table ``organs``, migration 0004_organs): written
through the archive's writer, read through ``archive.queries``, and the reports listed under each
organ's column counted against it."""

from __future__ import annotations

from archive import queries
from archive.directory import OrganRecord
from archive.fetches import FetchRecord
from archive.store import Archive

PAGE = ("<html><head><title>花马池镇人民政府2024年政府信息公开工作年度报告</title></head>"
        "<body><p>花马池镇人民政府2024年政府信息公开工作年度报告</p>"
        "<p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>").encode()


def test_an_organ_is_one_row_per_portal_and_name_refreshed_by_later_crawls(tmp_path):
    with Archive(tmp_path) as arc:
        first = arc.record_organ(OrganRecord("yanchi", "花马池镇", None,
                                             "http://www.yanchi.gov.cn/xxgk/xzjd/index.html",
                                             "640323100", seen="2025-01-01T00:00:00Z"))
        again = arc.record_organ(OrganRecord("yanchi", "花马池镇",
                                             "http://www.yanchi.gov.cn/xxgk/xzjd/hmcz/", None, None,
                                             seen="2025-02-01T00:00:00Z"))
        arc.record_organ(OrganRecord("pengyang", "花马池镇", seen="2025-02-01T00:00:00Z"))
        assert first == again
        row = arc.read(queries.organ, "yanchi", "花马池镇")
    # what a later crawl did not see is kept; the dates span both
    assert row["column_url"] == "http://www.yanchi.gov.cn/xxgk/xzjd/hmcz/"
    assert row["directory_url"] == "http://www.yanchi.gov.cn/xxgk/xzjd/index.html"
    assert row["division_code"] == "640323100"
    assert (row["first_seen"], row["last_seen"]) == ("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z")


def test_a_report_knows_the_organ_whose_column_listed_it(tmp_path):
    url = "http://www.yanchi.gov.cn/xxgk/xzjd/hmcz/202501/t20250115_1.html"
    with Archive(tmp_path) as arc:
        crawl = arc.begin_crawl("yanchi", "yanchi")
        arc.record_organ(OrganRecord("yanchi", "花马池镇", "http://www.yanchi.gov.cn/xxgk/xzjd/hmcz/"))
        arc.record_organ(OrganRecord("yanchi", "大水坑镇", "http://www.yanchi.gov.cn/xxgk/xzjd/dskz/"))
        arc.record_fetch(FetchRecord(crawl, "yanchi", url, status=200, body=PAGE, role="report",
                                     report_url=url, organ="花马池镇",
                                     response_headers=[("Content-Type", "text/html; charset=utf-8")]))
        arc.end_crawl(crawl)
        fetch = arc.read(lambda db: next(db.query("SELECT organ FROM fetches WHERE url = ?", [url])))
        organs = {o["name"]: o for o in arc.read(queries.organs, "yanchi")}
        report = arc.read(queries.report, arc.read(queries.report_by_url, url)["id"])
    assert fetch["organ"] == "花马池镇"
    assert report["listed_organ"] == "花马池镇" and report["portal"] == "yanchi"
    assert organs["花马池镇"]["reports"] == 1 and organs["大水坑镇"]["reports"] == 0


def test_an_organ_a_directory_names_is_expected_and_its_listed_report_covers_it(tmp_path):
    """Coverage counts the organs directories name beside the registry's: an organ named short
    (花马池镇) is covered by the report listed under its column, one with no report is missing."""
    url = "http://www.yanchi.gov.cn/xxgk/xzjd/hmcz/202501/t20250115_1.html"
    with Archive(tmp_path) as arc:
        crawl = arc.begin_crawl("yanchi", "yanchi")
        arc.record_organ(OrganRecord("yanchi", "花马池镇", "http://www.yanchi.gov.cn/xxgk/xzjd/hmcz/",
                                     division_code="640323100"))
        arc.record_organ(OrganRecord("yanchi", "大水坑镇", "http://www.yanchi.gov.cn/xxgk/xzjd/dskz/",
                                     division_code="640323101"))
        arc.record_fetch(FetchRecord(crawl, "yanchi", url, status=200, body=PAGE, role="report",
                                     report_url=url, organ="花马池镇",
                                     response_headers=[("Content-Type", "text/html; charset=utf-8")]))
        arc.end_crawl(crawl)
        doc = arc.read(lambda db: next(db.query("SELECT sha256 FROM documents")))["sha256"]
        arc.parse_document(doc)
        rows = arc.read(lambda db: list(db.query(
            "SELECT source, organ, year, report_id, county FROM organ_coverage "
            "WHERE source = 'directory' ORDER BY organ")))
    assert {(r["organ"], r["year"], r["report_id"] is not None, r["county"]) for r in rows} == {
        ("大水坑镇", 2024, False, "盐池县"), ("花马池镇", 2024, True, "盐池县")}
