"""The link classifier (crawler/classify.py) on strings as portals write them: titles of a 年报
column (the reports, and the neighbours that name a report but are not one), what a link leads
to, which spelling of a URL is the page's, traps, and links hidden in scripts and viewers."""

import pytest

from crawler.classify import (Link, canonical_url, classify_link, is_cache_buster, is_parent, looks_like_trap,
                              meta_refresh, organ_name, report_year, same_site, script_links, title_kind, url_key,
                              variant_key, variant_rank, viewer_target)


@pytest.mark.parametrize("title", [
    "盐池县审计局2023年政府信息公开工作年度报告",
    "县卫生和计划生育委员会2016年政府信息公开工作年度报告",
    "市环境监测中心站2023年政府信息公开工作年度报告",
    "县考核办2023年政府信息公开年报",
    "县审计局政府信息公开工作年度报告（2023年）",
    "县退役军人事务局2023年度政府信息公开工作报告",
    "彭阳县人民政府2023年政府信息公开工作年度报告（图片版）",
])
def test_reports_whatever_the_organ_is_called(title):
    assert title_kind(title) == "report"


@pytest.mark.parametrize("title", [
    "某县2023年政府信息公开工作年度报告解读",
    "图解：县2023年政府信息公开工作年度报告",
    "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知",
    "县2024年政府信息公开工作计划",
    "县2024年政务公开工作要点",
    "市2023年政府信息公开工作考核结果",
    "2023年度政府信息公开工作年度报告测评结果",
    "2023年政府信息公开工作年度报告审计情况",
    "县人民政府政府信息公开指南",
])
def test_neighbours_are_not_reports(title):
    assert title_kind(title) == "other"


def test_year_in_words():
    assert report_year("二〇二三年政府信息公开工作年度报告") == 2023


# --- links: what a link on a portal's page leads to ------------------------------------------------

@pytest.mark.parametrize("url, text, source, kind, ext", [
    # a file, whatever the CMS calls its download
    ("https://www.hbxs.gov.cn/group1/M00/0A/1B/CqAbCd.pdf", "附件", "a", "attachment", "pdf"),
    ("http://www.sx.gov.cn/module/download/downfile.jsp?classid=0&filename=3f2a9c.pdf", "附件", "a",
     "attachment", "pdf"),
    # Boda: the file name is only in the link text
    ("http://www.maiji.gov.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1411873853"
     "&wbfileid=5907071", "附件【麦积区教育局2024年政府信息公开工作年度报告.xlsx】", "a", "attachment", "xlsx"),
    # a PDF viewer in an iframe shows a file
    ("https://www.yanchi.gov.cn/generic2/web/viewer.html?file=/xxgk/202401/P020240110123456789012.pdf", "",
     "iframe", "attachment", "pdf"),
    # the next pages of a list
    ("https://www.yanchi.gov.cn/xxgk/zfxxgknb/index_1.html", "下一页", "a", "paging", None),
    ("https://www.yanchi.gov.cn/xxgk/zfxxgknb/index_2.html", "3", "a", "paging", None),
    # articles, by the URL shapes of the CMS families
    ("https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/202303/t20230315_3995593.html",
     "彭阳县人民政府2022年政府信息公开工作年度报告", "a", "detail", None),
    ("http://www.sx.gov.cn/art/2024/1/10/art_1234_88307.html", "濉溪县2023年政府信息公开工作年度报告", "a", "detail", None),
    ("https://www.huaibei.gov.cn/zwgk/public/15/62800341.html", "淮北市2022年政府信息公开工作年度报告", "a",
     "detail", None),
    ("http://www.heping.gov.cn/gkmlpt/content/0/963/post_963149.html", "和平县2023年政府信息公开工作年度报告", "api",
     "detail", None),
    ("http://www.maiji.gov.cn/info/1941/590707.htm", "麦积区人民政府2024年政府信息公开工作年度报告", "a", "detail", None),
    # anything else is a column to look into
    ("https://www.yanchi.gov.cn/xxgk/zfxxgknb/", "政府信息公开年报", "a", "column", None),
])
def test_link_kinds(url, text, source, kind, ext):
    link = Link(url, text, source=source)
    assert classify_link(link) == kind
    assert link.ext == ext


def test_a_truncated_link_text_gives_way_to_its_title():
    link = Link("https://www.yanchi.gov.cn/xxgk/zfxxgknb/202501/t20250115_4001.html", "盐池县人民政府2024年政府信息公开…",
                title="盐池县人民政府2024年政府信息公开工作年度报告")
    assert link.label == "盐池县人民政府2024年政府信息公开工作年度报告"


# --- URLs: one spelling per page ----------------------------------------------------------------------

@pytest.mark.parametrize("url, canonical", [
    # host case, default port, fragment and the 手机版 switch are not part of the page
    ("http://WWW.Yanchi.gov.cn:80/xxgk/zfxxgkml/202301/t20230315_3995593.html?isMobile=true#top",
     "http://www.yanchi.gov.cn/xxgk/zfxxgkml/202301/t20230315_3995593.html"),
    # Lonsun's activeId only highlights a tab; the column's type is the page
    ("https://www.hbxs.gov.cn/zwgk/public/column/33?type=2&activeId=333",
     "https://www.hbxs.gov.cn/zwgk/public/column/33?type=2"),
    # a /wap/ mirror is the page itself
    ("https://www.hbxs.gov.cn/wap/public/content/62800341", "https://www.hbxs.gov.cn/public/content/62800341"),
    # a session id in the path
    ("http://www.sx.gov.cn/art/2024/1/10/art_1234_88307.html;jsessionid=0A1B2C3D",
     "http://www.sx.gov.cn/art/2024/1/10/art_1234_88307.html"),
    # query values that name the page stay (郑州's public.*.gov.cn catalogue)
    ("http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0104X", "http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0104X"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_a_portal_can_keep_a_parameter_that_usually_means_nothing():
    url = "http://www.example.gov.cn/xxgk/show.jsp?v=3&id=9"
    assert canonical_url(url) == "http://www.example.gov.cn/xxgk/show.jsp?id=9"
    assert canonical_url(url, keep={"v"}) == url


def test_same_site_takes_sub_domains_and_refuses_look_alikes():
    assert same_site("http://www.hbxs.gov.cn/zwgk/", {"hbxs.gov.cn"})
    assert same_site("http://wglj.jiyuan.gov.cn/14204/t927096.html", {"jiyuan.gov.cn"})
    # an outbound link rewritten to an IPv6 gateway is another site
    assert not same_site("http://www.nx.gov.cn.x7a72968723868.ipv6best.cn/zwgk/", {"www.nx.gov.cn"})
    # on a test host, the port is part of the site
    assert same_site("http://127.0.0.1:8765/trs/index.html", {"127.0.0.1:8765"})
    assert not same_site("http://127.0.0.1:9999/trs/index.html", {"127.0.0.1:8765"})


@pytest.mark.parametrize("url", [
    "https://www.yanchi.gov.cn/trs/calendar/2025-03.html",                 # 活动日历, a month per page
    "http://www.sx.gov.cn/module/calendar/cal.jsp?y=2025&m=3",             # Hanweb's calendar
    "http://www.example.gov.cn/xxgk/list.jsp?date=2025-03-01",             # a date archive
    "http://www.example.gov.cn/xxgk/zfxxgk/xxgk/zfxxgk/index.html",        # relative links looping
    "http://www.example.gov.cn/" + "a" * 700,
])
def test_traps(url):
    assert looks_like_trap(url)


def test_a_report_page_is_no_trap():
    assert not looks_like_trap("https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/202303/t20230315_3995593.html")


# --- links hidden in scripts, viewers and refreshes ----------------------------------------------------

def test_script_links_find_files_a_script_opens_or_names():
    js = ("window.open('/module/download/downfile.jsp?classid=0&filename=3f2a.pdf');"
          "location.href='./202401/t20240110_3995007.html';"
          'var qzbFile = "./P020240110123456789012.pdf";')
    found = script_links(js)
    assert "/module/download/downfile.jsp?classid=0&filename=3f2a.pdf" in found
    assert "./202401/t20240110_3995007.html" in found
    assert "./P020240110123456789012.pdf" in found


def test_script_links_skip_pieces_a_script_concatenates():
    # "10123.pdf" is the tail of a name built from parts; the whole name is not in the text
    assert script_links('var f = head + "10123.pdf"; var qzbFile = f;') == []


def test_viewer_target_is_the_file_shown():
    url = "https://www.yanchi.gov.cn/generic2/web/viewer.html?file=%2Fxxgk%2F202401%2FP020240110123456789012.pdf"
    assert viewer_target(url) == "/xxgk/202401/P020240110123456789012.pdf"
    assert viewer_target("https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html") is None


@pytest.mark.parametrize("html, found", [
    ('<html><head><meta http-equiv="refresh" content="0;url=../"><title></title></head></html>', (0.0, "../")),
    ('<meta content="3; url=/col/col1234/index.html" http-equiv="Refresh">', (3.0, "/col/col1234/index.html")),
    ('<html><head><title>盐池县人民政府</title></head></html>', None),
])
def test_meta_refresh(html, found):
    assert meta_refresh(html) == found


def test_a_column_is_the_parent_of_its_articles():
    page = "https://www.yanchi.gov.cn/xxgk/zfxxgknb/202401/t20240110_3995007.html"
    assert is_parent("https://www.yanchi.gov.cn/xxgk/zfxxgknb/", page)
    assert is_parent("https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html", page)
    assert not is_parent("https://www.yanchi.gov.cn/xwzx/", page)


def test_text_and_picture_copies_are_one_report_and_the_text_stands_for_it():
    text = "盐池县人民政府2022年政府信息公开工作年度报告（文字版）"
    picture = "盐池县人民政府2022年政府信息公开工作年度报告（图片版）"
    assert variant_key(text) == variant_key(picture)
    assert variant_rank(text, "https://www.yanchi.gov.cn/xxgk/t20230110_1.html") < \
        variant_rank(picture, "https://www.yanchi.gov.cn/xxgk/P020230110123.pdf")


# --- one page, one fetch: query values are identity, cache-busters are not ---------------------------

def test_urls_differing_only_in_a_query_value_are_distinct_pages():
    a = url_key("http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0104X")
    assert a != url_key("http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0105X")
    # the same page: its query reordered, a cache-buster, a time-stamp t=, a random r=
    for same in ("http://public.zhengzhou.gov.cn/?p=D0104X&h=1&a=dir",
                 "http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0104X&_=1718000000000",
                 "http://public.zhengzhou.gov.cn/?a=dir&t=1718000000&h=1&p=D0104X",
                 "http://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0104X&random=0.8316742"):
        assert url_key(same) == a, same


def test_a_parameter_named_like_a_cache_buster_that_names_a_page_stays():
    url = "https://public.zhengzhou.gov.cn/?a=info&k=law&t=path&i=01&d=49"
    assert canonical_url(url) == url
    assert canonical_url(url + "&_=1718000000000") == url
    assert is_cache_buster("t", "1718000000123") and not is_cache_buster("t", "path")


def test_the_duplicate_filter_fingerprints_a_page_once():
    from scrapy import Request

    from crawler.fingerprint import CanonicalFingerprinter

    fp = CanonicalFingerprinter().fingerprint
    api = "http://www.x.gov.cn/common/search/1a2b?_isJson=true&page=2"
    assert fp(Request(api)) == fp(Request("http://www.x.gov.cn/common/search/1a2b?page=2&_isJson=true&_=17"))
    assert fp(Request(api)) != fp(Request(api.replace("page=2", "page=3")))
    assert fp(Request(api)) != fp(Request(api, method="POST", body=b"page=2"))


@pytest.mark.parametrize("label, organ", [
    ("花马池镇", "花马池镇"), ("盐池县审计局", "盐池县审计局"), ("相山区人民政府", "相山区人民政府"),
    ("南黎街道办事处", "南黎街道办事处"), ("县政务服务中心", "县政务服务中心"),
    # groups of organs, columns, site sections
    ("县直部门", None), ("各乡镇", None), ("镇（街道）", None), ("信息公开单位", None), ("政府信息公开年报", None),
    ("乡镇年报", None), ("新闻中心", None), ("政务公开", None),
])
def test_the_organ_a_directory_link_names(label, organ):
    assert organ_name(label) == organ


@pytest.mark.parametrize("title, kind", [
    ("一图读懂《西吉县2023年政府信息公开工作年度报告》", "other"),
    ("西吉县2023年度法治政府建设年度报告", "other"),
    ("西吉县人民政府门户网站2023年度工作报表", "unknown"),
])
def test_other_yearly_reports_and_picture_guides_are_no_reports(title, kind):
    assert title_kind(title) == kind
