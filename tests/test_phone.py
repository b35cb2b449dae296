"""A center manager's phone (390×844): every page fits the screen's width, and the Overview's first screen
shows at least four KPI values, two cards a row in reading order, each with its 同比 inside the card."""
import shutil

import pytest

from browser import PAGES, browser, open_rendered

pytestmark = [pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)"),
              pytest.mark.xdist_group("browser")]   # one worker drives the one Chromium (conftest: chromium, app_url)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def phone(app_url, chromium):
    with browser("zh-TW", PHONE["height"], chromium) as page:
        page.set_viewport_size(PHONE)
        page.app_url = app_url
        yield page


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone, name):
    open_rendered(phone, f"{phone.app_url}/{'' if name == 'overview' else name}")
    phone.wait_for_function("document.fonts.status === 'loaded'")   # widths are final once the fonts are in
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollWidth") <= PHONE["width"]


CARDS = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => {
    const r = m.getBoundingClientRect();
    const value = m.querySelector('[data-testid="stMetricValue"]').getBoundingClientRect();
    return {label: m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(), left: r.left, top: r.top,
            right: r.right, valueBottom: value.bottom, delta: !!m.querySelector('[data-testid="stMetricDelta"]')};
})"""


def test_the_overview_s_first_screen_shows_four_kpis_two_a_row_in_reading_order(phone):
    open_rendered(phone, f"{phone.app_url}/?period=year")
    phone.wait_for_function("document.fonts.status === 'loaded' && "
                            "document.querySelectorAll('[data-testid=\"stMetricDelta\"]').length >= 4")
    cards = phone.evaluate(CARDS)
    on_first_screen = [c for c in cards if c["valueBottom"] <= PHONE["height"]]
    assert len(on_first_screen) >= 4, cards
    first, second, third = cards[:3]
    assert first["top"] == second["top"] and first["left"] < second["left"]      # two a row
    assert third["top"] > first["top"] and third["left"] == first["left"]        # then the next row
    assert [c["label"] for c in cards[:4]] == ["淨營收", "訂單數", "客單價", "銷售件數"]   # the metrics' own order
    assert all(c["right"] <= PHONE["width"] for c in cards)
    assert all(c["delta"] for c in on_first_screen)                               # 同比 inside its card


def test_every_table_pins_its_name_and_key_numbers_so_a_phone_shows_them():
    from ui import tables

    configs = {"sales_detail": tables.sales_detail_config(), "brand_board": tables.brand_board_config(),
               "product": tables.product_config(), "events": tables.events_config(), "leads": tables.leads_config(),
               "load_history": tables.load_history_config(), "rejects": tables.rejects_config(),
               "unknown": tables.unknown_config(), "barcode_conflicts": tables.barcode_conflicts_config(),
               "freshness": tables.freshness_config(), "network": tables.network_config(),
               "target_results": tables.target_results_config()}
    pinned = {name: [column for column, spec in config.items() if isinstance(spec, dict) and spec.get("pinned")]
              for name, config in configs.items()}
    assert pinned == {name: list(keys) for name, keys in tables.KEY_COLUMNS.items()}
    assert pinned["brand_board"] == ["brand", "net_rmb", "change_pct"] and pinned["sales_detail"] == ["brand", "net_rmb"]


def test_the_brand_leaderboard_shows_brand_revenue_and_change_on_a_phone(phone):
    open_rendered(phone, f"{phone.app_url}/brands")
    # the grid draws its header cells after the script ends
    phone.wait_for_function("document.querySelectorAll('[data-testid=\"stDataFrame\"] [role=\"columnheader\"]')"
                            ".length >= 3", timeout=20000)
    grid = phone.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    header = grid.locator('[role="columnheader"]')   # glide's accessible table: pinned columns come first
    names = [header.nth(i).inner_text().strip() for i in range(min(header.count(), 3))]
    assert names == ["品牌", "淨營收（元）", "同比"]   # brand, net revenue, change on the year: first, whatever scrolls
