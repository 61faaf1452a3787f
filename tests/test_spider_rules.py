"""The spider's own rules as pure functions (crawler/spiders/zones.py, duplicates.py): which column
links lead on from home through 政府信息公开 to a 年报 column, and one request per report."""

from __future__ import annotations

import pytest

from crawler.classify import Link
from crawler.spiders.duplicates import Candidate, Duplicates
from crawler.spiders.zones import column_root, column_step, start_zone

SITE = "https://www.yanchi.gov.cn"


def test_from_home_only_the_open_government_part_leads_on():
    home = {"zone": "home", "hops": 0}
    assert column_step(f"{SITE}/xxgk/", "政府信息公开", home, "/", 3)["zone"] == "xxgk"
    assert column_step(f"{SITE}/xxgk/zfxxgknb/", "政府信息公开年报", home, "/", 3)["zone"] == "nb"
    assert column_step(f"{SITE}/xwzx/", "新闻中心", home, "/", 3) is None


def test_inside_open_government_a_report_column_is_found_within_the_hops():
    xxgk = {"zone": "xxgk", "hops": 0, "root": "/xxgk/"}
    assert column_step(f"{SITE}/xxgk/zfxxgknb/", "政府信息公开年报", xxgk, "/xxgk/", 3) == \
        {"zone": "nb", "root": "/xxgk/zfxxgknb/", "hops": 0}
    assert column_step(f"{SITE}/xxgk/zfxxgkzn/", "政府信息公开指南", xxgk, "/xxgk/", 3)["hops"] == 1
    # XXGK_XXGK_HOPS pages deep without a 年报 column: stop
    assert column_step(f"{SITE}/xxgk/zfxxgkzn/", "政府信息公开指南", {**xxgk, "hops": 3}, "/xxgk/", 3) is None


def test_a_report_column_leads_to_its_year_and_organ_columns():
    nb = {"zone": "nb", "hops": 0, "root": "/xxgk/zfxxgknb/"}
    assert column_step(f"{SITE}/xxgk/zfxxgknb/2023n/", "2023年", nb, "/xxgk/zfxxgknb/", 3)["zone"] == "nb"
    # an organ's pages elsewhere on the site: its 年报 column may be a step further
    step = column_step(f"{SITE}/zwgk/bm/jyj/", "盐池县教育局", nb, "/xxgk/zfxxgknb/", 3)
    assert (step["zone"], step["organ"]) == ("xxgk", "盐池县教育局")


def test_a_start_url_says_where_it_stands():
    assert start_zone("https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/") == "nb"
    assert start_zone("https://www.nx.gov.cn/zwgk/") == "xxgk"
    assert start_zone("https://www.lingbao.gov.cn/") == "home"
    assert column_root("http://www.maiji.gov.cn/boda/1941.htm") == "/boda/1941/"      # Boda's tree
    assert column_root(f"{SITE}/xxgk/zfxxgknb/index.html") == "/xxgk/zfxxgknb/"


def _candidate(url, label, how="detail", canon=None):
    return Candidate(Link(url, label), how, canon or url)


def test_copies_of_a_report_are_one_report_and_the_text_stands_for_it():
    text = _candidate(f"{SITE}/nb/202301/t20230110_1.html", "盐池县人民政府2022年政府信息公开工作年度报告（文字版）")
    picture = _candidate(f"{SITE}/nb/202301/P020230110.pdf", "盐池县人民政府2022年政府信息公开工作年度报告（图片版）",
                         "file")
    dupes = Duplicates()
    chosen = dupes.choose([picture, text])
    assert {c.canon for c in chosen} == {text.canon, picture.canon}       # both fetched…
    assert picture.report_url == text.canon                               # …as one report
    assert picture.canon in dupes.aliases_for(text.canon)


def test_a_mobile_spelling_is_an_alias_and_a_report_is_requested_once():
    url = f"{SITE}/nb/202401/t20240110_3995007.html"
    dupes = Duplicates()
    chosen = dupes.choose([_candidate(url + "?isMobile=true", "盐池县2023年政府信息公开工作年度报告", canon=url),
                           _candidate(url, "盐池县2023年政府信息公开工作年度报告")])
    assert [c.canon for c in chosen] == [url]
    assert dupes.aliases_for(url) == {url + "?isMobile=true"}
    # linked again from another list page
    assert dupes.choose([_candidate(url, "盐池县2023年政府信息公开工作年度报告")]) == []


# --- scope: the disclosure platform a portal's own navigation links ------------------------------------

def _plan(start="http://www.county-b.gov.cn/", allow=None):
    from scrapy.settings import Settings

    from crawler.spiders.scope import plan
    return plan({"start_urls": [start]}, Settings(), allow=allow)


def test_the_portals_own_navigation_widens_the_crawl_to_its_disclosure_platform():
    p = _plan()
    home = "http://www.county-b.gov.cn/"
    platform = "http://public.city-z.gov.cn/?d=31"
    assert not p.in_scope(platform)
    assert p.widen(platform, "政务公开", "home", home) == "public.city-z.gov.cn"
    assert p.in_scope(platform) and p.in_scope("http://public.city-z.gov.cn/D0120X/88310.jhtml")
    assert "city-z.gov.cn" not in p.allowed_domains or "public.city-z.gov.cn" in p.allowed_domains


@pytest.mark.parametrize("url, label, zone, page", [
    # a label naming another government: its site, not ours
    ("http://www.nx.gov.cn/zwgk/", "宁夏回族自治区政府信息公开", "home", "http://www.county-b.gov.cn/"),
    # the national portal, a copied or rewritten domain
    ("http://www.gov.cn/zhengce/xxgk/", "政府信息公开", "home", "http://www.county-b.gov.cn/"),
    ("http://zwgk.copied-site.com/", "政府信息公开", "home", "http://www.county-b.gov.cn/"),
    ("http://www.a.gov.cn.x7a72968723868.ipv6best.cn/zwgk/", "政务公开", "home", "http://www.county-b.gov.cn/"),
    # a page of a column, or of another host than the portal's own
    ("http://public.city-z.gov.cn/?d=31", "政务公开", "nb", "http://www.county-b.gov.cn/"),
    ("http://xxgk.other.gov.cn/", "政务公开", "xxgk", "http://public.city-z.gov.cn/?d=31"),
])
def test_nothing_else_widens_it(url, label, zone, page):
    p = _plan()
    assert p.widen(url, label, zone, page) is None and not p.in_scope(url)


def test_the_allow_prefixes_keep_to_the_portals_own_hosts():
    p = _plan("http://127.0.0.1:8765/public/home.html", allow="/public/")
    assert not p.in_scope("http://127.0.0.1:8765/trs/index.html")
    p.hosts.add("public.city-z.gov.cn")
    p.widened.add("public.city-z.gov.cn")
    assert p.in_scope("http://public.city-z.gov.cn/?d=31")


# --- organ directories: each organ a walk of its own, two directories deep -------------------------------

def test_an_organ_named_in_a_directory_starts_its_own_walk():
    xxgk = {"zone": "xxgk", "hops": 2, "root": "/xxgk/"}
    step = column_step(f"{SITE}/xxgk/bm/jyj/", "盐池县教育局", xxgk, "/xxgk/", 3)
    assert step == {"zone": "xxgk", "root": "/xxgk/bm/jyj/", "hops": 0, "organ": "盐池县教育局", "organ_depth": 1}
    # a group of organs is a step inside the walk, not an organ
    assert "organ" not in column_step(f"{SITE}/xxgk/bm/", "县直部门", xxgk, "/xxgk/", 3)
    # a city's county, then the county's department; no third level
    deep = {**xxgk, "organ": "某县", "organ_depth": 2}
    assert column_step(f"{SITE}/bm/jyj/", "盐池县教育局", deep, "/xxgk/", 3) is None


def test_a_report_title_on_a_link_that_is_not_a_list_is_a_page():
    from crawler.spiders.reports import names_a_report

    assert names_a_report("西吉县人民政府2024年政府信息公开工作年度报告")
    for column in ("政府信息公开年报", "2024年度", "2024年度部门年报", "2023年度乡镇政府信息公开年度报告",
                   "一图读懂《西吉县2024年政府信息公开工作年度报告》"):
        assert not names_a_report(column), column


def test_a_resumed_crawl_keeps_the_platforms_its_killed_run_took_in():
    p = _plan()
    assert p.readmit(["http://public.city-z.gov.cn/D0120X/88310.jhtml", "http://www.county-b.gov.cn/x.html",
                      "http://www.gov.cn/zhengce/"]) == {"public.city-z.gov.cn"}
    assert p.in_scope("http://public.city-z.gov.cn/?d=31") and not p.in_scope("http://www.gov.cn/zhengce/")


# --- a column link that led to an article, a report link that led to a list ----------------------------

def _page(body: str, url: str = "http://www.county-x.gov.cn/xxgk/Show.aspx?id=9000"):
    from scrapy.http import HtmlResponse
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8")


REPORT_LINKS = "".join(f'<li><a href="Show.aspx?id={i}">安新县{o}2023年政府信息公开工作年度报告</a></li>'
                       for i, o in enumerate(("教育局", "财政局", "民政局")))


@pytest.mark.parametrize("body, article", [
    ('<head><meta name="ArticleTitle" content="安新县人民政府2023年政府信息公开工作年度报告"></head><p>一、总体情况</p>', True),
    ("<head><title>安新县人民政府2023年政府信息公开工作年度报告</title></head><p>一、总体情况</p>", True),
    ('<div class="content"><table><tr><td>制发件数</td><td>3</td></tr></table>' + "总体情况。" * 80 + "</div>", True),
    # a year's column, a column of one organ's reports, a list of reports
    (f"<head><title>2023年度政府信息公开工作年度报告</title></head><ul>{REPORT_LINKS[:90]}</ul>", False),
    (f"<head><title>政府信息公开年报</title></head><ul>{REPORT_LINKS}</ul>", False),
])
def test_a_column_link_that_led_to_an_article(body, article):
    from crawler.spiders.reports import is_article, is_list_page

    page = _page(f"<html>{body}</html>")
    assert is_article(page) is article
    assert is_list_page(page) is (REPORT_LINKS in body)


# --- what a report page says of itself (crawler/spiders/reports.py) ---------------------------------

def _report_page(body: str, head: str = ""):
    from scrapy.http import HtmlResponse

    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return HtmlResponse(url=f"{SITE}/a.html", body=html.encode("utf-8"), encoding="utf-8")


def test_a_list_dates_the_reports_it_links_only_when_its_row_says_one_date():
    from crawler.spiders.links import extract_links

    page = _report_page(
        '<ul><li><a href="/nb/1.html" title="濉溪县2024年政府信息公开工作年度报告">濉溪县2024年…</a>'
        '<span>2025-01-20</span></li>'
        '<li><a href="/nb/2.html">濉溪县财政局2024年政府信息公开工作年度报告</a>'
        '<span>[2025年2月14日]</span></li>'
        '<li><a href="/nb/3.html">濉溪县审计局2024年政府信息公开工作年度报告</a></li>'
        '<li><a href="/nb/4.html">濉溪县教育局2024年政府信息公开工作年度报告</a>'
        '<span>2025-01-20</span> 更新 <span>2025-03-01</span></li>'
        '<li><a href="/nb/5.html">关于2025-01-20会议的通知</a><span>2025-01-21</span></li></ul>'
        '<table><tr><td><a href="/nb/6.pdf">2023年度报告</a></td><td>2024/1/9</td></tr></table>')
    dates = {ln.url.rsplit("/", 1)[1]: ln.date for ln in extract_links(page)}
    assert dates == {"1.html": "2025-01-20", "2.html": "2025-02-14", "3.html": None,
                     "4.html": None, "5.html": None, "6.pdf": "2024-01-09"}


def test_a_page_dates_its_report_each_date_with_its_source():
    from crawler.spiders.reports import page_dates, published, publisher

    page = _report_page(
        '<div class="top">今天是：2026年12月07日 星期一 更新时间：2026-12-06</div>'
        '<table><tr><td>索 引 号</td><td>01441633X/2025-88307</td><td>发布机构</td>'
        '<td>濉溪县财政局</td></tr><tr><td>发文日期</td><td>2025-02-14</td></tr></table>'
        '<div class="info">发布时间：2025-02-15 09:30　来源：濉溪县人民政府办公室</div>',
        '<meta name="PubDate" content="2025-02-15 09:30"><meta name="HtmlGenerateTime" '
        'content="2026-12-06 08:00:00"><meta name="ContentSource" content="濉溪县人民政府办公室">')
    dates = page_dates(page)
    assert dates == [
        {"date": "2025-02-15", "source": "page_meta", "detail": "PubDate"},
        {"date": "2025-02-14", "source": "page_written", "detail": "发文日期"},
        {"date": "2025-02-15", "source": "page_published", "detail": "发布时间"}]
    assert published(dates) == "2025-02-15"
    assert publisher(page) == "濉溪县财政局"           # 发布机构 before the meta and 来源
    assert page_dates(_report_page("<p>今天是：2026年12月07日</p><p>更新时间：2026-12-06</p>")) == []
