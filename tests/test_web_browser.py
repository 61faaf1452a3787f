"""A reader in a real headless Chromium (Debian's, through Playwright) on a real ``xxgk serve``:
types an organ's name, a two-character and a one-character term in the front page's box,
reaches the organ's page, reads its 2023 numbers, downloads its XLSX and reads the file back;
opens a report, a region and its map.

Screenshots of each page go to a temporary folder, or to ``$XXGK_SCREENSHOTS`` (the ones in
docs/screenshots were taken with ``XXGK_SCREENSHOTS=docs/screenshots``)."""

from pathlib import Path

import openpyxl
import pytest
from archive_fixtures import CHROMIUM, browser_fixtures, marked_server_fixture
from conftest import DATA, load_truth, needs_corpus

TRUTH = load_truth(DATA / "real" / "hzq2023_working.truth.json")  # 洪泽区人民政府, 2023
NEW_2023 = next(c["value"] for c in TRUTH["cells"]
                if (c["table"], c["row"], c["col"]) == ("requests", "new", "total"))

pytestmark = [needs_corpus,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not "
                                 "installed")]


server = marked_server_fixture("reader")


shots, browser, page = browser_fixtures()


def search_from_front(page, server, words):
    page.goto(server + "/")
    box = page.locator('form.xxgk-search input[type="search"]')
    assert box.count() == 1
    box.fill(words)
    box.press("Enter")
    page.wait_for_selector("div.xxgk-results")


def organ_2023_and_xlsx(page, tmp_path) -> None:
    """On an organ's page: the 2023 number in the table, then the same number in its XLSX."""
    page.wait_for_selector('table[data-table="requests"]')
    cell = page.locator('tr[data-key="requests/new/total"] td[data-year="2023"]')
    assert cell.inner_text().split()[0] == str(NEW_2023)
    with page.expect_download() as info:
        page.locator("a.download-xlsx").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    head = list(rows[0])
    got = [r[head.index("数值")] for r in rows[1:] if r[head.index("年度")] == 2023
           and (r[head.index("row_key")], r[head.index("col_key")]) == ("new", "total")]
    assert got == [NEW_2023]


def test_an_organs_name_leads_to_its_2023_numbers_and_xlsx(server, page, shots, tmp_path):
    page.goto(server + "/")
    page.screenshot(path=shots / "front.png", full_page=True)
    search_from_front(page, server, "洪泽区人民政府")
    page.screenshot(path=shots / "search-organ.png", full_page=True)
    page.locator("section.organs-found a.organ-link", has_text="洪泽区人民政府").first.click()
    assert page.locator("h1.organ-name").inner_text() == "洪泽区人民政府"
    page.screenshot(path=shots / "organ.png", full_page=True)
    organ_2023_and_xlsx(page, tmp_path)


@pytest.mark.parametrize("term,n,shot", [("鹬蚌", 2, "search-two-characters.png"),
                                         ("鼋", 2, "search-one-character.png")])
def test_a_short_term_finds_reports_marked(server, page, shots, tmp_path, term, n, shot):
    search_from_front(page, server, term)
    hits = page.locator("div.hit")
    assert hits.count() == n
    for i in range(n):
        assert hits.nth(i).locator("mark").first.inner_text() == term
    page.screenshot(path=shots / shot, full_page=True)
    # The reader goes on to the organ of the first hit, whatever it is, and its XLSX.
    hits.first.locator("a", has_text="历年").click()
    page.wait_for_selector("h1.organ-name")
    with page.expect_download() as info:
        page.locator("a.download-xlsx").click()
    path = tmp_path / "organ.xlsx"
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("年度", "表格", "项目", "列", "数值") and len(rows) > 50


def test_the_hongze_2023_report_from_a_two_character_search(server, page, tmp_path):
    search_from_front(page, server, "洪泽")
    page.locator("div.hit a.report-link", has_text="洪泽区人民政府 2023").click()
    page.wait_for_selector("table.xxgk-cells")
    page.locator("a.organ-page").click()
    organ_2023_and_xlsx(page, tmp_path)


def test_report_page(server, page, shots):
    search_from_front(page, server, "洪泽区人民政府")
    page.locator("div.hit a.report-link").first.click()
    page.wait_for_selector("table.xxgk-cells")
    assert page.locator("p.xxgk-status").is_visible()
    assert "变化历史 / Change history" in page.content()
    page.screenshot(path=shots / "report.png", full_page=True)


@pytest.mark.parametrize("code,shot", [("320000", "region-province.png"),
                                       ("", "region-country.png")])
def test_region_map_draws(server, page, shots, code, shot):
    page.goto(server + "/-/region" + (f"/{code}" if code else ""))
    page.wait_for_selector("#xxgk-map[data-painted]", timeout=60_000)
    n = int(page.locator("#xxgk-map").get_attribute("data-features"))
    assert n == page.locator("table.region-parts tbody tr").count()
    assert page.locator("#xxgk-map path.leaflet-interactive").count() == n
    page.select_option("#xxgk-metric", "requests_new")
    assert page.locator("#xxgk-map").get_attribute("data-painted") == "requests_new"
    page.screenshot(path=shots / shot, full_page=True)


def test_county_page_lists_its_organs(server, page, shots):
    page.goto(server + "/-/region/320813")
    rows = page.locator("table.region-organs tbody tr")
    assert rows.count() >= 1 and "洪泽区人民政府" in rows.first.inner_text()
    page.screenshot(path=shots / "region-county.png", full_page=True)
