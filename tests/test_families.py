"""The CMS families' own rules (crawler/families/), on pages and URLs as the portals write them:
how each finds the other pages of a 年报 list, which addresses are one page, and which family a
page is handled by. Fast and direct; the crawls of the demo sites exercise them end to end."""

from __future__ import annotations

import pytest

from crawler.families import FAMILIES, NAMES, Detection, get, in_play
from crawler.families.boda import FAMILY as BODA
from crawler.families.gkmlpt import gk_base, report_categories
from crawler.families.hanweb import dataproxy_form, record_groups, record_links
from crawler.families.lonsun import FAMILY as LONSUN
from crawler.families.lonsun import annual_column, lonsun_pages
from crawler.families.hebei import block_urls
from crawler.families.public import FAMILY as PUBLIC
from crawler.families.trs import trs_pages
from crawler.families.ucap import channel_id, search_url

# --- TRS WCM: the page count only in a script ------------------------------------------------------

def test_trs_pages_from_create_page_html():
    html = '<script>var currentPage = 0;var countPage = 3;createPageHTML(3, 0, "index", "html");</script>'
    assert trs_pages(html, "https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html") == [
        "https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html",
        "https://www.yanchi.gov.cn/xxgk/zfxxgknb/index_1.html",
        "https://www.yanchi.gov.cn/xxgk/zfxxgknb/index_2.html"]


def test_trs_pages_keep_the_name_the_script_gives():
    # Ningxia's platform pages list.html, list_1.html …
    pages = trs_pages('createPageHTML(4, 0, "list", "html");', "https://www.yanchi.gov.cn/xxgk/zfxxgkml/nb/list.html")
    assert pages[1:] == ["https://www.yanchi.gov.cn/xxgk/zfxxgkml/nb/list_1.html",
                         "https://www.yanchi.gov.cn/xxgk/zfxxgkml/nb/list_2.html",
                         "https://www.yanchi.gov.cn/xxgk/zfxxgkml/nb/list_3.html"]


def test_trs_pages_from_a_count_alone_or_chongqing_create_page():
    assert trs_pages("var countPage = 2//共多少页", "https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/") == [
        "https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/index.html",
        "https://www.pengyang.gov.cn/xxgk_13872/zfgknb2/index_1.html"]
    assert trs_pages('createPage(3, 0, "index", "shtml");', "http://www.cq.gov.cn/zwgk/ndbg/index.shtml")[-1] == \
        "http://www.cq.gov.cn/zwgk/ndbg/index_2.shtml"


@pytest.mark.parametrize("html", ['createPageHTML(1, 0, "index", "html");', "<p>本栏目暂无信息。</p>"])
def test_a_trs_list_of_one_page_has_no_others(html):
    assert trs_pages(html, "https://www.yanchi.gov.cn/xxgk/zfxxgknb/index.html") == []


# --- Lonsun EX: Ls.pagination, organ columns, static twins --------------------------------------------

LONSUN_LIST = """<ul class="doc_list"><li><a href="/zwgk/public/33/62800341.html">相山区人民政府2022年政府信息公开工作年度报告</a></li></ul>
<div id="page_public_info" class="pagination"></div>
<script>
var linkPrefix = "/zwgk/public/column/33?type=3&action=list";
Ls.pagination("#page_public_info", function (pageIndex) {
    location.href = linkPrefix + "&pageIndex=" + pageIndex;
}, {currPage: 1, pageCount: 3});
</script>"""


def test_lonsun_pages_from_ls_pagination():
    assert lonsun_pages(LONSUN_LIST, "https://www.hbxs.gov.cn/zwgk/public/column/33?type=3&action=list") == [
        "https://www.hbxs.gov.cn/zwgk/public/column/33?type=3&action=list&pageIndex=2",
        "https://www.hbxs.gov.cn/zwgk/public/column/33?type=3&action=list&pageIndex=3"]


def test_lonsun_pages_without_a_link_prefix_drop_the_highlighted_tab():
    html = 'Ls.pagination("#page", loadPage, {currPage: 1, pageCount: 2});'
    assert lonsun_pages(html, "https://www.ah.gov.cn/public/column/1681?type=3&action=list&activeId=2") == [
        "https://www.ah.gov.cn/public/column/1681?type=3&action=list&pageIndex=2"]


def test_every_organ_column_leads_to_its_annual_report_list():
    assert annual_column("https://www.hbxs.gov.cn/zwgk/public/column/6596101?type=4&action=list") == \
        "https://www.hbxs.gov.cn/zwgk/public/column/6596101?type=3&action=list"
    assert annual_column("https://www.hbxs.gov.cn/zwgk/index.html") is None


@pytest.mark.parametrize("query, walked", [("type=3&action=list", True), ("action=rel", True),
                                           ("type=4&action=list", False), ("type=2", False),
                                           ("type=5&active=0", False)])
def test_lonsun_walks_only_annual_report_lists_and_the_organ_directory(query, walked):
    assert LONSUN.column_ok(f"https://www.hbxs.gov.cn/zwgk/public/column/33?{query}", "nb") is walked


def test_a_lonsun_article_and_its_dynamic_twins_are_one_page():
    urls = ["https://www.huaibei.gov.cn/zwgk/public/15/62800341.html",
            "https://www.huaibei.gov.cn/public/content/62800341",
            "https://www.huaibei.gov.cn/content/article/62800341"]
    assert len({LONSUN.twin_key(u) for u in urls}) == 1
    assert LONSUN.twin_key("https://www.huaibei.gov.cn/zwgk/public/15/62800342.html") != LONSUN.twin_key(urls[0])


def test_a_dynamic_lonsun_link_is_fetched_at_its_static_address():
    column = "https://www.hbxs.gov.cn/zwgk/public/column/33?type=3&action=list"
    for link in ("https://www.hbxs.gov.cn/public/content/62800341", "https://www.hbxs.gov.cn/wap/public/content/62800341"):
        assert LONSUN.preferred_url(link, column) == "https://www.hbxs.gov.cn/zwgk/public/33/62800341.html"
    assert LONSUN.preferred_url("https://www.hbxs.gov.cn/zwgk/public/33/62800341.html", column) is None


# --- Hanweb JCMS: the datastore and dataproxy.jsp -------------------------------------------------------

HANWEB_COLUMN = """<div id="5678"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3095&path=/&columnid=1234&unitid=5678&webname=%E6%BF%89%E6%BA%AA&permissiontype=0"></a>]]></nextgroup>
<totalrecord>18</totalrecord><totalpage>4</totalpage>
<recordset>
<record><![CDATA[
<li><a href="/art/2025/1/15/art_1234_88307.html" title="濉溪县人民政府2024年政府信息公开工作年度报告" target="_blank">濉溪县人民政府2024年政府信息公开工作年度报告</a><span class="bt_time">2025-01-15</span></li>
]]></record>
</recordset>
</datastore></script></div>"""


def test_dataproxy_form_from_the_nextgroup_link():
    endpoint, form = dataproxy_form(HANWEB_COLUMN, "http://www.sx.gov.cn/col/col1234/index.html")
    assert endpoint == "http://www.sx.gov.cn/module/web/jpage/dataproxy.jsp"
    assert {k: form[k] for k in ("columnid", "unitid", "webid", "webname")} == \
        {"columnid": "1234", "unitid": "5678", "webid": "3095", "webname": "濉溪"}
    assert "page" not in form        # the records are asked for by startrecord/endrecord


def test_dataproxy_form_from_script_variables_and_the_column_url():
    endpoint, form = dataproxy_form('var webid = "3095"; var unitid = "5678";',
                                    "http://127.0.0.1:8765/hanweb/col/col1234/index.html")
    # a site under a path prefix has its module there too
    assert endpoint == "http://127.0.0.1:8765/hanweb/module/web/jpage/dataproxy.jsp"
    assert (form["columnid"], form["webid"], form["unitid"]) == ("1234", "3095", "5678")


def test_the_records_after_the_embedded_ones_are_asked_for_three_pages_at_a_time():
    assert record_groups(10, 18, 5) == [(11, 18)]
    assert record_groups(10, 40, 5) == [(11, 25), (26, 40)]
    assert record_groups(10, 10, 5) == []


def test_record_links_are_the_links_of_the_datastore():
    links = record_links(HANWEB_COLUMN, "http://www.sx.gov.cn/col/col1234/index.html")
    assert [(ln.url, ln.label) for ln in links] == [
        ("http://www.sx.gov.cn/art/2025/1/15/art_1234_88307.html", "濉溪县人民政府2024年政府信息公开工作年度报告")]


# --- gkmlpt: the site in front of /gkmlpt/, the 年报 categories of its tree ---------------------------

def test_gk_base_is_the_site_in_front_of_gkmlpt():
    assert gk_base("http://www.heping.gov.cn/hpxrmzf/gkmlpt/index#2541") == "http://www.heping.gov.cn/hpxrmzf"
    assert gk_base("http://127.0.0.1:8765/gkmlpt/index") == "http://127.0.0.1:8765"


@pytest.mark.parametrize("html", [
    '<script src="/hpx/gkmlpt/static/js/chunk-common.8d2f.js"></script>',          # where its bundle is
    "<script>var api = '/hpx/gkmlpt/api/all/' + cat;</script>",                  # an API path it names
    "<script>window._CONFIG = {SID: '441624', SITE_PATH: '/hpx'};</script>",     # its configuration
])
def test_gk_base_comes_from_the_pages_own_configuration(html):
    # a shell served under a path prefix, at a URL that does not say /gkmlpt/
    assert gk_base("http://www.heping.gov.cn/hpx/zwgk/gkml/index.html#2541", html) == "http://www.heping.gov.cn/hpx"


# --- UCAP: the channel id and the search endpoint the page's own script names ------------------------

def test_ucap_search_url_from_the_channel_id_and_the_pages_script():
    assert channel_id('<meta name="channelid" content="817052cbb3a94d0d8217824e7a3aca53">') == \
        "817052cbb3a94d0d8217824e7a3aca53"
    page = "https://www.hlj.gov.cn/hlj/c108376/zfxxgk_list.shtml"
    assert search_url("<script>var url = '/hlj/search/' + channelId;</script>", page, "abc").startswith(
        "https://www.hlj.gov.cn/hlj/search/abc?_isAgg=true&_isJson=true")
    # a site search form is not the list's endpoint; without a script naming one, the usual one
    assert search_url('<form action="/search/"></form>', page, "abc").startswith(
        "https://www.hlj.gov.cn/common/search/abc?")
    assert search_url('<script>$.get("/es-search/search/0123456789abcdef01?page=1")</script>', page, "abc") \
        .startswith("https://www.hlj.gov.cn/es-search/search/abc?")


# --- the query-addressed platform: another page keeps every parameter but its number ---------------

def test_public_pages_of_one_list_differ_only_in_their_number():
    page = "https://public.zhengzhou.gov.cn/?a=info&k=nb&d=21"
    assert PUBLIC.same_column("https://public.zhengzhou.gov.cn/?d=21&a=info&k=nb&page=3", page)
    assert not PUBLIC.same_column("https://public.zhengzhou.gov.cn/?a=info&k=nb&d=22&page=2", page)
    assert not PUBLIC.same_column("https://public.zhengzhou.gov.cn/?a=dir&h=1&p=D0104X", page)


# --- Hebei: the list blocks a column page loads ------------------------------------------------------------

def test_hebei_blocks_of_a_column_page():
    col = "/columns/332d4a26-5321-4072-967a-fda55b1f345f"
    html = (f'<div data-src="{col}/templates/f46e1e7c-5d7e-4585-aacd-9f792cc2f27c/blocks/'
            '12a2ace1-a99f-428d-b067-48a9ceb838bd"></div>')
    assert block_urls(html, f"https://www.hebei.gov.cn{col}/index.html") == [
        f"https://www.hebei.gov.cn{col}/templates/f46e1e7c-5d7e-4585-aacd-9f792cc2f27c/blocks/"
        "12a2ace1-a99f-428d-b067-48a9ceb838bd?page=1&fix=0"]


def test_report_categories_are_the_annual_report_nodes_of_the_tree():
    tree = ("window._CONFIG = {SID: '755001', TREE: [{\"id\": 2539, \"name\": \"政府信息公开\", \"children\": ["
            "{\"id\": 2540, \"name\": \"政策文件\"}, {\"id\": 2541, \"name\": \"政府信息公开年报\"}, "
            "{\"id\": 2542, \"name\": \"年报解读\"}, {\"id\": 2543, \"name\": \"\\u5e74\\u5ea6\\u62a5\\u544a\"}]}]};")
    assert report_categories(tree) == [("2541", "政府信息公开年报"), ("2543", "年度报告")]


# --- Boda VSB: pages counting down in a directory named like the list ---------------------------------

def test_boda_list_pages_are_one_column():
    assert BODA.same_column("http://www.maiji.gov.cn/1941/2.htm", "http://www.maiji.gov.cn/1941.htm")
    assert BODA.same_column("http://www.maiji.gov.cn/1941/1.htm", "http://www.maiji.gov.cn/1941/2.htm")
    assert not BODA.same_column("http://www.maiji.gov.cn/info/1941/590707.htm", "http://www.maiji.gov.cn/1941.htm")


# --- which family handles a page ------------------------------------------------------------------------

def test_the_registry_names_every_family():
    assert set(NAMES) == {"auto", "trs", "hanweb", "lonsun", "gkmlpt", "boda", "fujian", "ucap", "public",
                          "hebei", "nmg"}
    assert get("auto") is None and get("lonsun") is FAMILIES["lonsun"]
    with pytest.raises(KeyError, match="unknown CMS family"):
        get("kaipuyun")


@pytest.mark.parametrize("html, url, family", [
    (LONSUN_LIST, "https://www.hbxs.gov.cn/zwgk/public/column/33?type=3&action=list", "lonsun"),
    (HANWEB_COLUMN, "http://www.sx.gov.cn/col/col1234/index.html", "hanweb"),
    ('<script>createPageHTML(3, 0, "index", "html");</script>', "https://www.yanchi.gov.cn/xxgk/zfxxgknb/", "trs"),
    ("<script>window._CONFIG = {SID: '755001'};</script>", "http://www.heping.gov.cn/gkmlpt/index", "gkmlpt"),
    ('<li><a href="/info/1941/590707.htm">麦积区人民政府2024年政府信息公开工作年度报告</a></li>',
     "http://www.maiji.gov.cn/1941.htm", "boda"),
    ('<li ms-repeat="list"><a ms-attr-href="el.chnldocurl">{{el.doctitle}}</a></li>',
     "http://www.yt.gov.cn/zfxxgk/zfxxgknb/", "fujian"),
    ('<meta name="channelid" content="817052cbb3a94d0d8217824e7a3aca53">', "https://www.hlj.gov.cn/hlj/c108376/zfxxgk_list.shtml",
     "ucap"),
    ('<ul class="common-list"><a href="/D0105Y/173749.jhtml"><span>…</span></a></ul>',
     "https://public.zhengzhou.gov.cn/?a=info&k=law&t=path&i=01&d=49", "public"),
    ('<div data-src="/columns/49f13cc2-db03-4d0c-b4fe-2f3f659d3b6e/templates/x/blocks/y"></div>',
     "https://www.hebei.gov.cn/columns/49f13cc2-db03-4d0c-b4fe-2f3f659d3b6e/index.html", "hebei"),
    ('<a href="javascript:;" data-url="./zfxxgknb/">政府信息公开年报</a>', "https://rst.nmg.gov.cn/zfxxgk/fdzdgknr/?gk=3&cid=14006",
     "nmg"),
])
def test_a_page_shows_its_family(html, url, family):
    assert family in [f.name for f in Detection(html, url).families()]


def test_the_portals_family_comes_first_then_those_the_page_shows():
    # a TRS portal whose 信息公开 platform is Lonsun's
    page = Detection(LONSUN_LIST, "https://www.hbxs.gov.cn/zwgk/public/column/33?type=3&action=list")
    assert [f.name for f in in_play(FAMILIES["trs"], page)] == ["trs", "lonsun"]
    assert [f.name for f in in_play(None, page)] == ["lonsun"]
    assert [f.name for f in in_play(FAMILIES["lonsun"], page)] == ["lonsun"]


def test_a_family_without_the_rule_asked_for_is_not_consulted():
    page = Detection(LONSUN_LIST + '<a href="/info/1941/590707.htm">…</a>', "https://www.hbxs.gov.cn/")
    assert [f.name for f in in_play(None, page, "twin_key")] == ["lonsun"]
    assert [f.name for f in in_play(None, page, "same_column")] == ["boda"]


# --- what a URL says of when its report came out ---------------------------------------------------

@pytest.mark.parametrize("url, date", [
    ("https://www.yanchi.gov.cn/xxgk/zfxxgknb/202401/t20240114_4411234.html", "2024-01-14"),
    ("https://www.yanchi.gov.cn/xxgk/zfxxgknb/202401/P020240114581234567890.pdf", "2024-01-14"),
    ("https://www.fuzhou.gov.cn/zfxxgk/202501/W020250120300512345678.docx", "2025-01-20"),
    ("https://www.sx.gov.cn/art/2024/1/9/art_1234_88307.html", "2024-01-09"),
    ("https://www.yanchi.gov.cn/xxgk/zfxxgknb/202401/t20241340_4411234.html", None),  # no 13th month
    ("https://www.hbxs.gov.cn/public/6596101/1234567.html", None),       # Lonsun: no date
    ("https://www.heping.gov.cn/gkmlpt/content/3/3816/post_3816263.html", None),
    ("https://www.maiji.gov.cn/info/1941/590707.htm", None),              # Boda: no date
])
def test_url_dates(url, date):
    found = [f.url_date(url) for f in FAMILIES.values()]
    assert {d.date for d in found if d} == ({date} if date else set())


def test_every_family_names_its_body_container():
    for f in FAMILIES.values():
        assert f.content_selectors, f.name
    assert FAMILIES["fujian"].content_selectors == FAMILIES["trs"].content_selectors
