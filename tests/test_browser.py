"""Every page of the running app in headless Chromium: it renders its content, in the reader's language, with no
exception, no error box and no request to any host but its own."""
import re
import shutil

import pytest

from browser import NO_PROBLEMS, PAGES, open_rendered, outside, problems, recording, running_app
from browser import browser as new_page
from conftest import warehouse_rows

pytestmark = [pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)"),
              pytest.mark.xdist_group("browser")]   # one worker drives the one Chromium (conftest: chromium, app_url)


@pytest.fixture
def browser(chromium):
    """browser(locale=..., height=...) -> a fresh page in the session's one Chromium."""
    return lambda **kwargs: new_page(chromium=chromium, **kwargs)


FAVICON = "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/storefront/"
REQUESTS: dict[str, list[str]] = {}   # each page's requests, kept for the favicon's own test below


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_renders_its_content_without_an_error(app_url, page_name, browser):
    with browser() as page:
        requests = recording(page)
        open_rendered(page, f"{app_url}/{'' if page_name == 'overview' else page_name}")
        assert problems(page) == NO_PROBLEMS
        assert page.locator("h1").first.inner_text().strip() != ""
    assert requests, "the recorder saw nothing: it would not see an outside request either"
    REQUESTS[page_name] = requests
    assert [url for url in outside(requests) if not url.startswith(FAVICON)] == []


def test_no_page_asks_an_outside_host_even_for_its_icon(app_url, browser):
    """The favicon too (st.set_page_config's :material/ icon is fetched from fonts.gstatic.com)."""
    if not REQUESTS:   # run on its own: one page's requests
        with browser() as page:
            REQUESTS["overview"] = recording(page)
            open_rendered(page, app_url)
    assert {name: outside(requests) for name, requests in REQUESTS.items()} == {name: [] for name in REQUESTS}


def test_the_browser_locale_picks_the_language(app_url, browser):
    with browser(locale="zh-TW") as page:
        open_rendered(page, f"{app_url}/annual?year=2020")
        assert page.locator("h1").first.inner_text().strip() == "2020 年度成果"
        assert problems(page) == NO_PROBLEMS


def test_a_pasted_link_reproduces_the_view(app_url, small_warehouse, browser):
    (tmall_rows,), = warehouse_rows(small_warehouse, """select count(*) from (select 1 from sales where is_paid and
        channel = 'tmall' group by date_trunc('month', sale_date), brand, category, sku)""")
    assert tmall_rows == 3
    with browser() as page:
        open_rendered(page, f"{app_url}/channels?ch=tmall&lang=zh-Hans")
        assert page.locator("h1").first.inner_text().strip() == "渠道分析"
        assert "ch=tmall" in page.url
        assert problems(page) == NO_PROBLEMS
        # the filter took effect: the sidebar shows it chosen and the detail holds Tmall's rows only
        tags = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelectTagsContainer"] [data-tag]')
        tags.first.wait_for(timeout=15_000)   # the sidebar's widgets may paint after the main area
        assert [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())] == ["天猫"]
        main = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
        assert f"共 {tmall_rows} 行" in main
        legend = page.locator(".js-plotly-plot").first.locator(".legendtext")   # the trend: Tmall's bars only
        legend.first.wait_for(timeout=15_000)
        assert legend.evaluate_all("texts => texts.map(t => t.textContent)") == ["天猫"]

def test_a_deep_link_on_a_fresh_server_without_a_warehouse_builds_the_demo(tmp_path, browser):
    """The newcomer's first visit: no warehouse yet, and the very first request is not the home page."""
    db = tmp_path / "warehouse.duckdb"
    with running_app(db, {"TPC_BUYER_KEY": "test-buyer-key"}) as url, browser() as page:
        open_rendered(page, f"{url}/annual?year=2020", timeout=120)
        assert page.locator("h1").first.inner_text().strip() == "Results 2020"
        assert "RMB 30M" in page.locator('[data-testid="stMetricValue"]').first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
    assert (tmp_path / "demo" / "product_master.xlsx").exists()


def test_annual_results_print_on_one_a4_page(app_url, browser):
    with browser(height=1900) as page:
        open_rendered(page, f"{app_url}/annual?year=2020")
        values = page.locator('[data-testid="stMetricValue"]')
        values.nth(4).wait_for(timeout=15_000)
        assert values.all_inner_texts() == ["RMB 484.00", "3 companies", "RMB 120K", "2 brands", "3 products"]
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        # what the paper holds: every figure, the chart and the table, without the widgets
        assert values.count() == 5
        assert all(values.nth(i).is_visible() for i in range(values.count()))
        assert page.locator('[data-testid="stDataFrame"]').is_visible()
        assert page.locator(".js-plotly-plot").is_visible()
        assert not page.locator(".stDownloadButton").is_visible()
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
