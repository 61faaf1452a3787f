"""The spider's own rules as pure functions (crawler/spiders/zones.py, duplicates.py): which column
links lead on from home through 政府信息公开 to a 年报 column, and one request per report."""

from __future__ import annotations

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


# --- what a report page says of itself (crawler/spiders/reports.py) ---------------------------------

def _page(body: str, head: str = ""):
    from scrapy.http import HtmlResponse

    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return HtmlResponse(url=f"{SITE}/a.html", body=html.encode("utf-8"), encoding="utf-8")


def test_a_page_dates_its_report_each_date_with_its_source():
    from crawler.spiders.reports import page_dates, published, publisher

    page = _page(
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
    assert page_dates(_page("<p>今天是：2026年12月07日</p><p>更新时间：2026-12-06</p>")) == []
