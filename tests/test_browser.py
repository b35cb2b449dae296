"""Every page of the running app in headless Chromium: it renders, in the reader's language, with no exception."""
import re
import shutil

import pytest

from browser import PAGES, browser, open_rendered, running_app

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def app_url(small_warehouse):
    with running_app(small_warehouse, {"TPC_BUYER_KEY": "test-buyer-key"}) as url:
        yield url


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_renders_without_an_exception(app_url, page_name):
    with browser() as page:
        open_rendered(page, f"{app_url}/{'' if page_name == 'overview' else page_name}")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Traceback" not in page.content()
        assert page.locator("h1").first.inner_text().strip() != ""


def test_the_browser_locale_picks_the_language(app_url):
    with browser(locale="zh-TW") as page:
        open_rendered(page, f"{app_url}/annual?year=2020")
        assert page.locator("h1").first.inner_text().strip() == "2020 年度成果"


def test_a_pasted_link_reproduces_the_view(app_url):
    with browser() as page:
        open_rendered(page, f"{app_url}/channels?ch=tmall&lang=zh-Hans")
        assert page.locator("h1").first.inner_text().strip() == "渠道分析"
        assert "ch=tmall" in page.url


def test_a_deep_link_on_a_fresh_server_without_a_warehouse_builds_the_demo(tmp_path):
    """The newcomer's first visit: no warehouse yet, and the very first request is not the home page."""
    db = tmp_path / "warehouse.duckdb"
    with running_app(db, {"TPC_BUYER_KEY": "test-buyer-key"}) as url, browser() as page:
        open_rendered(page, f"{url}/annual?year=2020", timeout=120)
        assert page.locator("h1").first.inner_text().strip() == "Results 2020"
        assert "RMB 30M" in page.locator('[data-testid="stMetricValue"]').first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
    assert (tmp_path / "demo" / "product_master.xlsx").exists()


def test_annual_results_print_on_one_a4_page(app_url):
    with browser(height=1900) as page:
        open_rendered(page, f"{app_url}/annual?year=2020")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
