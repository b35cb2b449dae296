"""A center manager's phone (390×844): every page fits the screen's width, and the Overview's first screen
shows at least four KPI values, two cards a row in reading order, each with its 同比 inside the card."""
import shutil

import pytest

from browser import PAGES, browser, open_rendered, running_app

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)")

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def phone(small_warehouse):
    with running_app(small_warehouse, {"TPC_BUYER_KEY": "test-buyer-key"}) as url, browser("zh-TW", PHONE["height"]) as page:
        page.set_viewport_size(PHONE)
        page.app_url = url
        yield page


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone, name):
    open_rendered(phone, f"{phone.app_url}/{'' if name == 'overview' else name}")
    phone.wait_for_timeout(500)
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
    phone.wait_for_timeout(500)
    cards = phone.evaluate(CARDS)
    on_first_screen = [c for c in cards if c["valueBottom"] <= PHONE["height"]]
    assert len(on_first_screen) >= 4, cards
    first, second, third = cards[:3]
    assert first["top"] == second["top"] and first["left"] < second["left"]      # two a row
    assert third["top"] > first["top"] and third["left"] == first["left"]        # then the next row
    assert [c["label"] for c in cards[:4]] == ["淨營收", "訂單數", "客單價", "銷售件數"]   # the metrics' own order
    assert all(c["right"] <= PHONE["width"] for c in cards)
    assert all(c["delta"] for c in on_first_screen)                               # 同比 inside its card
