"""The registry's rules on plain values (crawler/registry/): reading the national database's
files, placing a site code on the division list, home-page URLs and ids, overrides matched to
sites, slices by area, and which portal a name, site code or division code means. Fast and
direct; tests/test_registry_sync.py runs the whole sync against a local imitation."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from crawler import registry
from crawler.registry import build, overrides, slices
from crawler.registry.official import FormatError, OfficialRow, read_bytes

HEADER = "网站名称,首页网址,主办单位,主管单位,政府网站标识码,ICP备案号,公安机关备案号,地区,网站类型"
ROW = ("彭阳县人民政府门户网站,www.pengyang.gov.cn,彭阳县人民政府办公室,彭阳县人民政府,6404250001,"
       "宁ICP备05001234号,64042502000101号,宁夏回族自治区固原市彭阳县,政府门户网站")


# --- the database's files -----------------------------------------------------------------------

def test_a_gbk_csv_under_a_title_line():
    data = f"全国政府网站基本信息数据库\r\n{HEADER}\r\n{ROW}\r\n,,,,,,,,\r\n".encode("gb18030")
    [row] = read_bytes(data, "地方所属网站.csv", "地方所属网站")
    assert row.site_code == "6404250001" and row.organ == "彭阳县人民政府办公室"
    assert row.url == "www.pengyang.gov.cn" and row.site_type == "政府门户网站"
    assert row.group == "地方所属网站" and row.origin == "地方所属网站.csv line 3"


def test_an_xlsx_in_a_zip_with_the_code_typed_as_a_number():
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    values = ROW.split(",")
    values[4] = 6404250001           # Excel keeps it as a number
    book.active.append(values)
    sheet = io.BytesIO()
    book.save(sheet)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("地方所属网站.xlsx", sheet.getvalue())
        z.writestr("说明.txt", "readme")
    [row] = read_bytes(packed.getvalue(), "dfsswz.zip", "地方所属网站")
    assert row.site_code == "6404250001" and row.name == "彭阳县人民政府门户网站"
    assert row.origin == "dfsswz.zip:地方所属网站.xlsx:Sheet line 2"


@pytest.mark.parametrize("data, name, says", [
    ("名称,网址\r\n彭阳,www.pengyang.gov.cn\r\n".encode(), "x.csv", "no header with 网站名称, 首页网址"),
    (b"PK\x03\x04broken", "x.zip", "broken zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not really", "x.xls", "not a readable Excel file"),
])
def test_a_file_that_is_not_the_database_says_what_it_is(data, name, says):
    with pytest.raises(FormatError, match=says):
        read_bytes(data, name)


def test_a_zip_without_sheets():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("readme.txt", "nothing")
    with pytest.raises(FormatError, match=r"holds no CSV, XLS or XLSX file \(readme.txt\)"):
        read_bytes(packed.getvalue(), "x.zip")


# --- site codes on the division list ----------------------------------------------------------------

def test_a_county_site_code():
    p = build.place("6404250001")
    assert (p.region_code, p.level, p.parent, p.province, p.region, p.notes) == (
        "640425", "县级", "640400", "宁夏回族自治区", "宁夏回族自治区固原市彭阳县", [])


def test_a_county_directly_under_its_province_has_the_province_as_parent():
    assert (build.place("4190010003").parent, build.place("1101050001").parent) == ("410000", "110000")


@pytest.mark.parametrize("code", ["bm05000001", "1000000017"])
def test_national_bodies(code):
    p = build.place(code)
    assert (p.region_code, p.level, p.parent, p.notes) == ("100000", "国家级", None, [])


def test_a_code_off_the_division_list_is_placed_by_its_digits_and_says_so():
    p = build.place("2327610001")
    assert (p.region_code, p.level, p.parent, p.region) == ("232761", "县级", "232700",
                                                            "黑龙江省大兴安岭地区")
    assert p.notes == ["division 232761 is not on the division list (2025-12-31): placed under "
                       "大兴安岭地区 (232700) by its digits"]
    assert build.place("9912340001").level is None
    assert "names no province" in build.place("9912340001").notes[0]


def test_an_area_that_disagrees_with_the_code_is_noted():
    assert build.place("6404250001", "宁夏回族自治区固原市彭阳县").notes == []
    assert "names 盐池县 (640323)" in build.place("6404250001", "宁夏回族自治区吴忠市盐池县").notes[0]


@pytest.mark.parametrize("value, url, note", [
    ("http://www.yanchi.gov.cn", "http://www.yanchi.gov.cn/", None),
    ("www.pengyang.gov.cn", "http://www.pengyang.gov.cn/", None),
    ("https://www.ah.gov.cn/;http://ah.gov.cn", "https://www.ah.gov.cn/", None),
    ("", None, "no 首页网址"),
    ("暂无", None, "首页网址 '暂无' is not a web address"),
])
def test_home_page_urls(value, url, note):
    assert build.clean_url(value) == (url, note)


@pytest.mark.parametrize("url, slug", [
    ("http://www.pengyang.gov.cn/", "pengyang"), ("https://czj.beijing.gov.cn/", "czj-beijing"),
    ("https://www.gov.cn/", "gov"), ("http://www.12345.gov.cn/", "gov-12345"), (None, None),
])
def test_ids_come_from_the_host(url, slug):
    assert build.slug(url) == slug


def _row(name, url, code, area=""):
    return OfficialRow(name=name, url=url, organ=name, site_code=code, area=area,
                       group="地方所属网站", origin=f"test line {code}")


def test_ids_shared_hosts_and_kept_ids():
    rows = [_row("珲春市人民政府", "http://www.yanbian.gov.cn/", "2224040001"),
            _row("延边朝鲜族自治州人民政府", "http://www.yanbian.gov.cn/", "2224000001"),
            _row("彭阳县人民政府", "http://www.pengyang.gov.cn/", "6404250001")]
    first = build.build(rows)
    assert [(s.site_code, s.portal) for s in first.sites] == [
        ("2224000001", "yanbian"), ("2224040001", "yanbian-2224040001"),
        ("6404250001", "pengyang")]
    # Next time 彭阳 has a new host and an override names 珲春: ids stay or follow the override.
    rows[2] = _row("彭阳县人民政府", "http://www.nxpy.gov.cn/", "6404250001")
    again = build.build(rows, previous=[{"portal": s.portal, "site_code": s.site_code}
                                        for s in first.sites],
                        overrides=[{"id": "hunchun", "site_code": "2224040001"}])
    assert {s.site_code: s.portal for s in again.sites} == {
        "2224000001": "yanbian", "2224040001": "hunchun", "6404250001": "pengyang"}


def test_rows_that_name_no_site_and_codes_listed_twice():
    res = build.build([_row("甲", "", ""), _row("乙", "http://www.a.gov.cn/", "6404250001"),
                       _row("丙", "http://www.b.gov.cn/", "6404250001"),
                       _row("丁", "http://www.c.gov.cn/", "64042")])
    assert [s.name for s in res.sites] == ["乙", "丁"] and res.skipped == 1
    assert res.sites[1].site_code is None and "is not 10 digits" in res.sites[1].notes
    assert any("neither a site code nor a home page" in p for p in res.problems)
    assert any("6404250001 is listed again (丙" in p for p in res.problems)


# --- overrides ------------------------------------------------------------------------------------

SITES = [{"site_code": "3406030001", "url": "https://www.hbxs.gov.cn/", "region_code": "340603"},
         {"site_code": "2224000001", "url": "http://www.yanbian.gov.cn/", "region_code": "222400"},
         {"site_code": "2224040001", "url": "http://yanbian.gov.cn/", "region_code": "222404"}]


def test_overrides_match_by_host_region_or_site_code():
    found = overrides.match([
        {"id": "xiangshan", "start_urls": [{"url": "https://www.hbxs.gov.cn/zwgk/public/column/33"}]},
        {"id": "yanbian", "hosts": ["yanbian.gov.cn"], "start_urls": []},          # two sites
        {"id": "hunchun", "region_code": "222404", "start_urls": ["http://www.yanbian.gov.cn/x/"]},
        {"id": "other", "site_code": "9999990001", "start_urls": []},
    ], SITES)
    assert {k: v["site_code"] for k, v in found.items()} == {
        "xiangshan": "3406030001", "hunchun": "2224040001"}


def test_every_committed_override_is_valid_and_names_its_division():
    for o in overrides.load(overrides.DEFAULT):
        assert registry.ID.match(o["id"]) and o["start_urls"]
        assert o.get("region_code") is None or build.place(o["region_code"] + "0001").level


# --- slices and names -----------------------------------------------------------------------------

@pytest.mark.parametrize("value, prefix", [
    ("河南", "41"), ("河南省", "41"), ("郑州", "4101"), ("郑州市", "4101"), ("彭阳县", "640425"),
    ("41", "41"), ("4101", "4101"), ("640425", "640425"), ("宁夏", "64"),
])
def test_slices(value, prefix):
    assert slices.parse(value).prefix == prefix


@pytest.mark.parametrize("value, says", [
    ("朝阳区", "names 2 divisions: 110105 北京市朝阳区, 220104 吉林省长春市朝阳区"),
    ("4", "2, 4 or 6 digits"), ("彭阳", "names no province, prefecture or county"),
])
def test_slices_that_name_nothing_or_several(value, says):
    with pytest.raises(ValueError, match=says):
        slices.parse(value)


PORTALS = [
    {"id": "pengyang", "site_code": "6404250001", "region_code": "640425"},
    {"id": "pengyang-jyj", "site_code": "6404250002", "region_code": "640425",
     "site_type": "部门网站"},
    {"id": "pengyang-gov", "site_code": "6404250003", "region_code": "640425",
     "site_type": "政府门户网站"},
    {"id": "yanchi", "site_code": "6403230001", "region_code": "640323"},
    {"id": "a", "site_code": "6403240001", "region_code": "640324", "site_type": "政府门户网站"},
    {"id": "b", "site_code": "6403240002", "region_code": "640324", "site_type": "政府门户网站"},
]


@pytest.mark.parametrize("name, portal", [
    ("yanchi", "yanchi"), ("6404250002", "pengyang-jyj"), ("BM", None), ("640323", "yanchi"),
    ("640425", "pengyang-gov"), ("640324", None), ("640000", None),
])
def test_a_portal_by_id_site_code_or_division_code(name, portal):
    if portal is None:
        with pytest.raises(KeyError):
            registry.resolve(name, PORTALS)
    else:
        assert registry.resolve(name, PORTALS)["id"] == portal


def test_a_division_with_two_government_portals_names_them():
    with pytest.raises(KeyError, match=r"division 640324 has 2 portals .*a \(6403240001"):
        registry.resolve("640324", PORTALS)


def test_a_tab_separated_sheet_with_several_home_pages():
    text = HEADER.replace(",", "\t") + "\n" + ROW.replace(",", "\t").replace(
        "www.pengyang.gov.cn", "http://www.pengyang.gov.cn/;https://pengyang.gov.cn/") + "\n"
    [row] = read_bytes(text.encode("utf-8"), "sites.txt")
    assert row.site_code == "6404250001"
    assert build.clean_url(row.url) == ("http://www.pengyang.gov.cn/", None)
