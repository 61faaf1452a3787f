"""``xxgk serve`` in a real headless Chromium (Debian's, through Playwright): a report page shows
its tables, a Chinese search finds the report, the dashboard draws its charts."""

import shutil
from pathlib import Path

import pytest
from archive_fixtures import CHROMIUM, CHROMIUM_ARGS, REAL_PDFS, marked_server_fixture


pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                                reason="Debian's chromium is not installed")


server = marked_server_fixture("browser")


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page()
        yield pg
        browser.close()


def test_report_page_shows_tables(server, page):
    page.goto(f"{server}/archive/reports?url__endswith={REAL_PDFS[0].name}")
    page.locator("table.rows-and-columns tbody tr td.col-id a").first.click()
    page.wait_for_selector("table.xxgk-cells")
    tables = page.locator("table.xxgk-cells")
    assert tables.count() == 3
    requests = page.locator('table.xxgk-cells[data-table="requests"]')
    assert requests.is_visible()
    new_row = requests.locator('tr[data-row="new"] td')
    assert new_row.count() == 7 and new_row.nth(0).inner_text() == "21"
    assert "本年新收政府信息公开申请数量" in requests.inner_text()
    assert page.locator("li.fail").count() == 2
    raw = page.locator("a.raw-file")
    response = page.request.get(server + raw.get_attribute("href"))
    assert response.ok and response.body() == REAL_PDFS[0].read_bytes()
    assert page.locator("a.source-url").get_attribute("href").startswith("http://www.example.gov.cn/")


def test_chinese_search_finds_the_report(server, page):
    page.goto(f"{server}/archive/search")
    page.fill("input[name=q]", "鹦鹉螺 鹬蚌")
    page.locator("form.sql input[type=submit], form.sql button[type=submit]").first.click()
    page.wait_for_selector("table.rows-and-columns")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    assert "http://www.example.gov.cn/xxgk/B.html" in rows.first.inner_text()
    rows.first.locator("td.col-report_id a").click()
    page.wait_for_selector("table.xxgk-cells")
    assert "B.html" in page.content()


def test_dashboard_draws_charts(server, page):
    page.goto(f"{server}/-/dashboards/xxgk")
    page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=15000)
    assert page.locator(".vega-embed").count() >= 4
