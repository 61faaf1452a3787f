"""Lists a page's script fetches as data (crawler/spiders/listdata.py), read without knowing the
platform: the links their records give and the other pages of the same request. On answers as
the platforms give them (UCAP, gkmlpt, an avalon-like POST, a Hebei block, an unknown CMS)."""

from __future__ import annotations

from crawler.spiders.listdata import Request, json_links, links_of, other_pages, page_of, parse_json, varying

UCAP = {"data": {"total": 23, "page": 1, "rows": 20, "results": [
    {"title": "<em>呼玛县</em>人民政府2024年政府信息公开工作年度报告", "url": "//www.huma.gov.cn/hmx/c110126/202501/0a1b.shtml",
     "publishedTimeStr": "2025-01-15 10:00:00",
     "resList": [{"fileName": "年度报告.pdf", "filePath": "/hmx/c110126/202501/0a1b/files/9f.pdf"}]},
    {"title": "关于报送2024年度政府信息公开工作年度报告的通知", "url": "/hmx/c110126/202412/77.shtml", "resList": []}]}}


def test_records_give_their_page_and_the_files_beside_it():
    links = json_links(UCAP, "https://www.huma.gov.cn/hmx/c110126/zfxxgk_list.shtml")
    assert [(ln.url, ln.label) for ln in links] == [
        ("https://www.huma.gov.cn/hmx/c110126/202501/0a1b.shtml", "呼玛县人民政府2024年政府信息公开工作年度报告"),
        ("https://www.huma.gov.cn/hmx/c110126/202412/77.shtml", "关于报送2024年度政府信息公开工作年度报告的通知")]
    assert [(f.url, f.label) for f in links[0].files] == [
        ("https://www.huma.gov.cn/hmx/c110126/202501/0a1b/files/9f.pdf", "年度报告.pdf")]


def test_a_record_whose_title_key_is_unusual_is_still_read():
    data = {"code": 200, "data": {"records": [{"articleTitle": "安吉县2024年政府信息公开工作年度报告",
                                               "linkUrl": "/zwgk/detail.html?id=880"}], "total": 9}}
    assert [(ln.url, ln.label) for ln in json_links(data, "http://www.anji.gov.cn/zwgk/ndbg.html")] == [
        ("http://www.anji.gov.cn/zwgk/detail.html?id=880", "安吉县2024年政府信息公开工作年度报告")]


def test_the_other_pages_of_a_request_follow_from_its_total():
    req = Request("https://www.huma.gov.cn/common/search/abc?_isJson=true&_pageSize=20&page=1")
    pages = other_pages(req, UCAP, "", 2)
    # 23 records, 2 on this page although 20 were asked for: the server's page size wins
    assert len(pages) == 11 and pages[0].url.endswith("&page=2") and pages[-1].url.endswith("&page=12")
    gk = {"total": 12, "articles": [{"title": "t", "url": "/a"}] * 5}
    assert [p.url for p in other_pages(Request("http://h/gkmlpt/api/all/3001?page=1&sid=9"), gk, "", 5)] == [
        "http://h/gkmlpt/api/all/3001?page=2&sid=9", "http://h/gkmlpt/api/all/3001?page=3&sid=9"]


def test_pages_numbered_from_zero_posted_forms_and_html_blocks():
    zero = other_pages(Request("http://h/api/list?pageNo=0&pageSize=5"), {"totalCount": 12}, "", 5)
    assert [p.url for p in zero] == ["http://h/api/list?pageNo=1&pageSize=5", "http://h/api/list?pageNo=2&pageSize=5"]
    posted = other_pages(Request("http://h/fjdzapp/search", {"channelid": "7", "page": "1", "pageSize": "4"}),
                         {"data": {"total": 9, "list": []}}, "", 4)
    assert [p.form["page"] for p in posted] == ["2", "3"] and posted[0].form["channelid"] == "7"
    block = other_pages(Request("http://h/columns/u/templates/t/blocks/b?page=1&fix=0"), None,
                        '<ul><li><a href="/x.html">x</a></li></ul><div class="page">共3页</div>', 1)
    assert [p.url for p in block] == ["http://h/columns/u/templates/t/blocks/b?page=2&fix=0",
                                      "http://h/columns/u/templates/t/blocks/b?page=3&fix=0"]
    # nothing says how many pages, or no paging parameter: nothing guessed
    assert other_pages(Request("http://h/api/list?pageNo=1"), {"rows": []}, "", 5) == []
    assert other_pages(Request("http://h/api/list?id=3"), {"total": 50}, "", 5) == []


def test_pages_a_script_signs_are_not_asked_for_again():
    a = Request("http://h/fjdzapp/search", {"channelid": "7", "page": "1", "_t": "4a1"})
    b = Request("http://h/fjdzapp/search", {"channelid": "7", "page": "2", "_t": "4a2"})
    assert page_of(a)[0] == page_of(b)[0] and (page_of(a)[1], page_of(b)[1]) == (1, 2)
    assert varying([a, b]) == {page_of(a)[0]}
    assert varying([a, Request("http://h/fjdzapp/search", {"channelid": "7", "page": "2", "_t": "4a1"})]) == set()


def test_jsonp_and_html_fragments():
    assert parse_json('jQuery1123({"total": 1});') == {"total": 1}
    data, links = links_of('<li class="xxgk_gfxwjk-list-li"><a href="./202501/09/u.html" title="T">T</a></li>',
                           "http://h/columns/c/index.html")
    assert data is None and [ln.url for ln in links] == ["http://h/columns/c/202501/09/u.html"]
