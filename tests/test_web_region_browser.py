"""A reader opens a region page in a real headless Chromium (Debian's, through Playwright) on a
real ``xxgk serve`` of an archive whose coverage is known (tests/region_fixtures.py): the map is
coloured by coverage with its legend, a part with nothing expected is hatched grey (not the
colour of 0 %), a part's popup gives its organs reported / expected and leads to its page.

Screenshots go to a temporary folder, or to ``$XXGK_SCREENSHOTS`` (docs/screenshots)."""

from pathlib import Path

import pytest
from archive_fixtures import CHROMIUM, browser_fixtures, serving
from region_fixtures import EXPECTED, coverage_archive

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed")

# The template's colours: coverage 0–20 %, 40–60 %, and no expectation known.
RED, YELLOW, NONE = "#d7301f", "#fee08b", "#e4e4e4"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(coverage_archive(tmp_path_factory.mktemp("region-browser"))) as url:
        yield url


shots, browser, page = browser_fixtures()


def fill(page, code: str) -> str:
    return page.locator(f"#xxgk-map path.part-{code}").get_attribute("fill")


def test_the_prefecture_map_is_coloured_by_coverage(server, page, shots):
    page.goto(server + "/-/region/320800")
    page.wait_for_selector("#xxgk-map[data-painted]", timeout=60_000)
    assert page.locator("#xxgk-map").get_attribute("data-painted") == "coverage"
    legend = page.locator("#xxgk-legend").inner_text()
    assert "覆盖率 / coverage" in legend and "80–100%" in legend
    assert "no expectation known" in legend
    assert "organs expected" in page.locator("p.legend-means").inner_text()
    assert fill(page, "320813") == RED          # 洪泽区: 0 of 1
    assert fill(page, "320804") == YELLOW       # 淮阴区: 1 of 2
    assert fill(page, "320803") == NONE         # 淮安区: nothing expected
    page.screenshot(path=shots / "region-coverage.png", full_page=True)
    # a part's popup: its counts and its page
    page.locator("#xxgk-map path.part-320804").click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    want = EXPECTED["320804"]
    assert f"reported {want[1]}/{want[0]}" in text and "(50%)" in text
    popup.locator("a.part-link").click()
    page.wait_for_url("**/-/region/320804?year=2023")
    assert page.locator("h1").inner_text().startswith("淮阴区")
    assert page.locator("section.state-missing tr[data-organ]").count() == 1


def test_a_chosen_number_recolours_the_country_map(server, page, shots):
    page.goto(server + "/-/region")
    page.wait_for_selector("#xxgk-map[data-painted]", timeout=60_000)
    assert fill(page, "320000") == YELLOW and fill(page, "330000") == NONE
    page.screenshot(path=shots / "region-country-coverage.png", full_page=True)
    page.select_option("#xxgk-metric", "reports")
    page.wait_for_selector('#xxgk-map[data-painted="reports"]')
    assert fill(page, "320000") != YELLOW and "年报数 / reports" in \
        page.locator("#xxgk-legend").inner_text()
