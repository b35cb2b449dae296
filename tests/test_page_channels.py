"""Channels page: filters apply to the detail, the detail's columns, and the URL holds the filters."""
from decimal import Decimal

from apptest import no_errors, open_page
from conftest import warehouse_rows

# the detail's grain, straight from the line-level sales view
DETAIL = """select count(*), sum(net) from (
    select date_trunc('month', sale_date), channel, brand, category, sku, sum(net_rmb) as net
    from sales where is_paid group by all)"""


def test_detail_lists_every_paid_line_group(small_app):
    at = open_page("channels")
    assert no_errors(at)
    detail = at.dataframe[0].value
    assert [(len(detail), detail["net_rmb"].sum())] == warehouse_rows(small_app, DETAIL) == [(9, Decimal("121957.99"))]
    assert at.caption[2].value == "9 rows; click a row to narrow the filters to its brand and product."


def test_channel_filter_from_the_url_narrows_the_detail(small_app):
    at = open_page("channels", ch="tmall")
    detail = at.dataframe[0].value
    assert set(detail["channel"]) == {"Tmall"}
    assert detail["net_rmb"].sum() == Decimal("565.99")


def test_brand_and_date_filters_combine(small_app):
    at = open_page("channels", brand="宝岛酥坊", **{"from": "2020-11-01"})
    detail = at.dataframe[0].value
    assert sorted(detail["net_rmb"].astype(str)) == ["120000.00", "247.89", "58.10"]
    assert at.query_params == {"brand": "宝岛酥坊", "from": "2020-11-01"}


def test_unknown_brand_is_a_filter_option(small_app):
    at = open_page("channels", brand="__unknown__")
    assert list(at.dataframe[0].value["sku"]) == ["4719999999999"]
    assert at.multiselect(key="brand").value == ["__unknown__"]


def test_reset_clears_the_filters(small_app):
    at = open_page("channels", ch="tmall")
    at.sidebar.button[0].click().run()
    assert len(at.dataframe[0].value) == 9


def test_a_long_detail_shows_its_latest_rows_and_says_so(small_app, monkeypatch):
    from ui import tables

    monkeypatch.setattr(tables, "DETAIL_ROWS", 3)
    at = open_page("channels")
    shown = at.dataframe[0].value
    assert len(shown) == 3
    assert [str(m) for m in shown["month"]] == ["2020-12-01", "2020-11-01", "2020-11-01"]
    assert at.caption[2].value.startswith("Showing the latest 3 of 9 rows (the downloads hold them all)")


def test_an_exhibition_deal_has_no_product_in_the_detail(small_app):
    detail = open_page("channels", ch="exhibition").dataframe[0].value
    assert detail[["channel", "brand", "category", "sku", "product_name"]].values.tolist() == [
        ["Exhibitions", "宝岛酥坊", "–", "–", "–"]]
