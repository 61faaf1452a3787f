"""What the archive states about a report, rule by rule, on small archives written by the real
writer (no crawler): when it came out and which source says so, where its organ sits, its main
text, the hints its parse gets, and what a crawl that did not complete may claim."""

from __future__ import annotations

import json

import pytest
from archive_fixtures import seed_variant

from archive import dates, places, queries
from archive.changes import diff_crawls, render_markdown, render_text
from archive.fetches import FetchRecord
from archive.hints import disposition_name, document_hints, url_name
from archive.maintext import main_text
from archive.store import Archive

U = "http://www.example.gov.cn/"


# -- when --------------------------------------------------------------------------------------

def test_the_earliest_credible_date_is_the_publication_date():
    given = [{"date": "2024-01-20", "source": "page_meta", "detail": "PubDate"},
             {"date": "2024-01-14", "source": "url", "detail": "t20240114"},
             {"date": "2013-12-23", "source": "docx_created"},     # the template's: too early
             {"date": "2026-07-05", "source": "pdf_modified"},     # after first seen: an edit
             {"date": "2023-12-30", "source": "signature"},        # before the year ended
             {"date": "2024-01-02", "source": "last_modified"},    # the server's: never
             {"date": "2024-02-30", "source": "page_meta"},        # no such day
             {"date": "2024-01-10", "source": "made_up"}]
    out = dates.publication(given, 2023, "2026-06-30T20:00:00Z")
    assert (out.date, out.source) == ("2024-01-14", "url")
    assert dates.publication(given[2:], 2023, "2026-06-30T20:00:00Z") is None
    # With no dated source, a first fetch is only an upper bound: stated as such.
    assert dates.published_words({"first_seen": "2026-07-01T01:00:00Z"}) == \
        "not dated; first seen 2026-07-01"
    assert dates.published_words({"published": "2024-01-14", "published_source": "url"}) == \
        "2024-01-14 (url)"


def test_a_first_fetch_never_makes_a_report_late(tmp_path):
    """盐池县人民政府 2020, first fetched years after its deadline with no date: not late;
    fetched before its deadline: on time, by the fetch."""
    arc = Archive(tmp_path)
    crawl = arc.begin_crawl("p", "s")
    undated = arc.record_fetch(FetchRecord(crawl, "p", U + "a.txt", status=200, role="report",
                                           body=seed_variant(0)))
    arc.parse_document(undated.sha256)
    arc.end_crawl(crawl)
    [c] = arc.read(lambda db: list(db.query("SELECT * FROM coverage")))
    assert (c["late"], c["late_basis"], c["days_late"], c["published"]) == (None, None, None, None)
    arc.conn.execute("UPDATE reports SET first_seen = '2022-03-01T00:00:00Z'")
    [c] = arc.read(lambda db: list(db.query("SELECT * FROM coverage")))
    assert (c["late"], c["late_basis"]) == (0, "first_seen")
    arc.close()


# -- where -------------------------------------------------------------------------------------

@pytest.mark.parametrize("organ, portal, expected", [
    ("花马池镇人民政府", "640323", ("宁夏回族自治区", "吴忠市", "盐池县", "640323", "乡级", "乡镇", "政府", "organ")),
    ("刘桥镇人民政府", "340621", ("安徽省", "淮北市", "濉溪县", "340621", "乡级", "乡镇", "政府",
                            "organ_in_portal")),
    ("盐池县审计局", "340621", ("宁夏回族自治区", "吴忠市", "盐池县", "640323", "县级", "部门", "部门", "organ")),
    ("北京市东城区人民政府", None, ("北京市", "北京市", "东城区", "110101", "县级", "县", "政府", "organ")),
    ("淮北市财政局", None, ("安徽省", "淮北市", None, "340600", "市级", "部门", "部门", "organ")),
    ("宁夏回族自治区人民政府", None, ("宁夏回族自治区", None, None, "640000", "省级", "省", "政府", "organ")),
    # The name places nothing: the portal's area stands in, marked as such.
    ("教育体育局", "340603", ("安徽省", "淮北市", "相山区", "340603", "县级", "部门", "部门", "portal")),
    # Shared by many, and the portal does not tell them apart: no place is claimed.
    ("城关镇人民政府", None, (None, None, None, None, "乡级", "乡镇", "政府", None)),
    ("国务院办公厅", "640323", (None, None, None, None, "国家级", "部门", "部门", None)),
])
def test_where_an_organ_sits(organ, portal, expected):
    p = places.locate(organ, portal)
    assert (p.province, p.city, p.county, p.division_code, p.level, p.tier, p.organ_type,
            p.place_source) == expected


def test_no_organ_no_tier_but_the_portal_area_marked(tmp_path):
    p = places.locate(None, "640323")
    assert (p.province, p.division_code, p.tier, p.level, p.place_source) == (
        "宁夏回族自治区", "640323", None, None, "portal")


# -- the page's own text -----------------------------------------------------------------------

PAGE = """<html><head><meta charset="utf-8"><title>某某</title></head><body>
<div class="nav">首页 | 政务公开 | 今天是：{today}</div>
<div class="side"><h3>相关链接</h3><ul>{related}</ul></div>
<div class="article"><h1>花马池镇人民政府2024年政府信息公开工作年度报告</h1>
<div class="info">发布时间：2025-01-20　浏览次数：{views}　<a href="#">打印</a></div>
<div class="TRS_Editor"><p>一、总体情况</p><p>2024年，我镇深入贯彻落实《中华人民共和国政府信息公开条例》，
全年主动公开政府信息120条，收到政府信息公开申请3件，均在法定期限内答复。</p>
<p>二、主动公开政府信息情况</p><table><tr><td>信息内容</td><td>本年制发件数</td></tr>
<tr><td>规章</td><td>0</td></tr></table><p>六、其他需要报告的事项</p><p>无。</p></div></div>
<div class="footer">版权所有 花马池镇人民政府 访问量：{views}</div></body></html>"""


def page(today="2025年03月03日", views=1234, related="<li>a 2025-01-01</li>", body_extra=""):
    html = PAGE.format(today=today, views=views, related=related)
    return html.replace("<p>无。</p>", f"<p>无。</p>{body_extra}").encode("utf-8")


def test_main_text_is_the_container_else_trafilatura():
    by_container = main_text(page(), [".TRS_Editor"], "花马池镇人民政府2024年政府信息公开工作年度报告")
    assert by_container.source == "container:.TRS_Editor"
    assert by_container.text.startswith("花马池镇人民政府2024年政府信息公开工作年度报告\n一、总体情况")
    assert "规章\t0" in by_container.text
    for furniture in ("今天是", "相关链接", "浏览次数", "版权所有", "访问量"):
        assert furniture not in by_container.text
    found = main_text(page(), [".no-such-container"])
    assert found.source == "trafilatura" and "收到政府信息公开申请3件" in found.text
    assert "相关链接" not in found.text and "版权所有" not in found.text
    # Furniture changed, the report did not: the same text.
    assert main_text(page("2025年04月01日", 99999, "<li>b 2025-03-01</li>"), [".TRS_Editor"]) == \
        main_text(page(), [".TRS_Editor"])
    assert main_text(b"", [".TRS_Editor"]) is None


def test_furniture_only_is_no_revision_the_report_text_is(tmp_path):
    """Two crawls of one page: only its furniture changed — page frame only; then a sentence
    of the report changed — revised."""
    arc = Archive(tmp_path)

    def crawl(body):
        c = arc.begin_crawl("p", "s")
        arc.record_fetch(FetchRecord(c, "p", U + "t.html", status=200, body=body, role="report",
                                     content_selector=".TRS_Editor"))
        arc.end_crawl(c)
        return c

    crawl(page())
    crawl(page("2025年04月01日", 99999, "<li>b 2025-03-01</li>",
               '<p class="tools">【阅读次数：88】【打印本页】</p>'))
    [d] = diff_crawls(arc)
    assert [len(d.revised), len(d.chrome_only)] == [0, 1]
    crawl(page().replace("3件".encode(), "4件".encode()))
    [d] = diff_crawls(arc)
    assert len(d.revised) == 1 and "+全年主动公开政府信息120条,收到政府信息公开申请4件" in d.revised[0]["text_diff"]
    [source] = arc.read(lambda db: {r["source"] for r in db.query("SELECT source FROM texts")})
    assert source == "container:.TRS_Editor"
    arc.close()


# -- what the parser is told -------------------------------------------------------------------

def test_hints_from_the_fetches():
    assert disposition_name("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.xlsx") == "年报.xlsx"
    gbk = "附件.doc".encode("gb2312").decode("latin-1")
    assert disposition_name(f"attachment;filename={gbk}") == "附件.doc"
    assert url_name(U + "202401/P020240114123456789012.pdf") == "P020240114123456789012.pdf"
    assert url_name(U + "download.jsp?id=3") is None and url_name(U) is None
    hints = document_hints([
        {"url": U + "download.jsp?id=3", "final_url": None, "link_text": "附件【年报.xlsx】",
         "title": "麦积区教育局2024年政府信息公开工作年度报告", "publisher": "麦积区教育局",
         "response_headers": json.dumps([["Content-Disposition",
                                         "attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.xlsx"]]),
         "local_path": None},
        {"url": U + "old.xlsx", "final_url": None, "link_text": "older", "title": None,
         "publisher": None, "response_headers": None, "local_path": None}])
    assert hints == {"file_name": "年报.xlsx", "link_text": "附件【年报.xlsx】",
                     "title": "麦积区教育局2024年政府信息公开工作年度报告", "publisher": "麦积区教育局"}


# -- what a crawl that did not complete may claim ----------------------------------------------

def _crawl(arc, fetches, stats=None):
    crawl = arc.begin_crawl("p", "by-hand")
    for f in fetches:
        arc.record_fetch(FetchRecord(crawl, "p", role=f.pop("role", "report"), **f))
    arc.end_crawl(crawl, stats=stats)
    return crawl


LIST = U + "list.html"


def _report(name, i, **kw):
    return dict(url=U + name, status=200, body=seed_variant(i, kw.pop("extra", None)),
                referer=LIST, **kw)


def _listing(**kw):
    return dict(url=LIST, status=200, body=b"<html>list</html>", role="listing", **kw)


@pytest.fixture()
def arc(tmp_path):
    a = Archive(tmp_path)
    yield a
    a.close()


def test_an_incomplete_crawl_claims_what_it_found_never_what_it_missed(arc):
    done = {"finish_reason": "finished"}
    _crawl(arc, [_listing(), _report("a.txt", 0), _report("b.txt", 1), _report("c.txt", 2)], done)
    # Stopped by its time budget: b.txt not reached, c.txt a 404, a new d.txt found.
    _crawl(arc, [_listing(), _report("a.txt", 0, extra=["改了一句。"]),
                 dict(url=U + "c.txt", status=404, body=b"gone", referer=LIST),
                 _report("d.txt", 3)], {"finish_reason": "closespider_timeout"})
    [d] = diff_crawls(arc)
    assert d.incomplete == "the crawl was stopped early (closespider_timeout)"
    assert [e["url"] for e in d.added] == [U + "d.txt"]
    assert d.removed == [] and d.revised == [] and d.chrome_only == []
    assert sorted((e["url"], e["not_claimed"]) for e in d.unconfirmed) == [
        (U + "a.txt", "revised"), (U + "b.txt", "removed"), (U + "c.txt", "removed")]
    text = render_text([d])
    assert "incomplete  the crawl was stopped early (closespider_timeout): nothing it did not " \
           "see is claimed removed or revised" in text
    assert "unconfirmed  " + U + "b.txt" in text
    assert "Not claimed (3)" in render_markdown([d])
    statuses = {r["url"]: r["status"] for r in arc.read(queries.reports)}
    assert set(statuses.values()) == {"online"}
    # The next crawl completes: compared with the last complete one, what the incomplete one
    # found is not new again; what changed since is claimed, once.
    _crawl(arc, [_listing(), _report("a.txt", 0, extra=["改了一句。"]),
                 dict(url=U + "c.txt", status=404, body=b"gone", referer=LIST),
                 _report("d.txt", 3)], done)
    [d2] = diff_crawls(arc)
    assert d2.incomplete is None and d2.also_compared == [d.new_crawl]
    assert d2.old_crawl == d.old_crawl and d2.added == []
    assert sorted((e["url"], e["reason"]) for e in d2.removed) == [
        (U + "b.txt", "unlisted"), (U + "c.txt", "404")]
    assert [e["url"] for e in d2.revised] == [U + "a.txt"]
    statuses = {r["url"]: (r["status"], r["status_reason"]) for r in arc.read(queries.reports)}
    assert statuses == {U + "a.txt": ("revised", None), U + "b.txt": ("removed", "unlisted"),
                        U + "c.txt": ("removed", "404"), U + "d.txt": ("online", None)}


def test_a_list_not_fetched_whole_is_no_evidence(arc):
    """A complete crawl whose list timed out (its render, say): the reports it linked are not
    claimed gone; a report whose own URL answers 404 is."""
    other = U + "other-list.html"
    _crawl(arc, [_listing(), dict(url=other, status=200, body=b"<html>2</html>", role="listing"),
                 _report("a.txt", 0), dict(_report("b.txt", 1), referer=other)])
    _crawl(arc, [_listing(), dict(url=LIST, error="TimeoutError: render", role="listing"),
                 dict(url=other, status=200, body=b"<html>2</html>", role="listing"),
                 dict(url=U + "b.txt", status=404, body=b"gone", referer=other)])
    [d] = diff_crawls(arc)
    assert d.incomplete is None
    assert [(e["url"], e["reason"]) for e in d.removed] == [(U + "b.txt", "404")]
    [u] = d.unconfirmed
    assert u["url"] == U + "a.txt" and LIST in u["why"]


def test_a_challenge_not_passed_leaves_the_crawl_incomplete(arc):
    _crawl(arc, [_listing(), _report("a.txt", 0)])
    _crawl(arc, [dict(url=LIST, status=412, body=b"<script>$_ts</script>", role="listing",
                      error="HTTP 412")])
    [d] = diff_crawls(arc)
    assert "JavaScript challenge" in d.incomplete and d.removed == []
    assert [e["url"] for e in d.unconfirmed] == [U + "a.txt"]


def test_a_status_never_turns_back_when_an_older_diff_runs_again(arc):
    first = _crawl(arc, [_listing(), _report("a.txt", 0)])
    second = _crawl(arc, [_listing(), dict(url=U + "a.txt", status=404, body=b"x", referer=LIST)])
    third = _crawl(arc, [_listing(), _report("a.txt", 0)])
    diff_crawls(arc, first, second)
    diff_crawls(arc, second, third)
    [r] = arc.read(queries.reports)
    assert r["status"] == "online" and r["status_since"] == arc.read(queries.crawl, third)["started_at"]
    diff_crawls(arc, first, second)              # the older diff again
    [r] = arc.read(queries.reports)
    assert r["status"] == "online"
