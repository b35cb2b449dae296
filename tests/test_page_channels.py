"""Channels page: filters apply to the detail, the detail's columns, and the URL holds the filters."""
from decimal import Decimal

from apptest import as_csv, as_xlsx, csv_rows, no_errors, open_page, traces, xlsx_rows
from conftest import warehouse_rows

CHANNEL_LABELS = {"storefront": "Storefront", "exhibition": "Exhibitions", "tmall": "Tmall"}

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


def whole(quantity):
    return int(quantity) if quantity == quantity.to_integral_value() else quantity


def warehouse_detail(db, channels=("storefront", "exhibition", "tmall")) -> list[tuple]:
    """Month, channel, SKU, lines, units, gross, refunds, net per detail row, from the line-level sales view, as the
    exports write them: the month as the screen shows it (2020-11), a whole quantity as a whole number."""
    return [(month.strftime("%Y-%m"), CHANNEL_LABELS[channel], sku or "–", lines, whole(units), *money)
            for month, channel, sku, lines, units, *money in warehouse_rows(db, """
        select date_trunc('month', sale_date)::date as month, channel, sku, count(*), sum(qty), sum(gross_rmb),
               sum(refund_rmb), sum(net_rmb)
        from sales where is_paid and list_contains(?, channel) group by month, channel, brand, category, sku""",
        [list(channels)])]


COMPARED = ["Month", "Channel", "SKU", "Lines", "Units", "Gross (RMB)", "Refunds (RMB)", "Net (RMB)"]


def compared(header, rows) -> list[tuple]:
    at = [list(header).index(column) for column in COMPARED]
    return sorted((tuple(row[i] for i in at) for row in rows), key=str)


def test_the_downloads_hold_every_row_of_the_filtered_detail(small_app, offered):
    at = open_page("channels", ch="storefront")
    expected = warehouse_detail(small_app, ("storefront",))
    assert len(expected) == 5
    header, *rows = csv_rows(offered(at, "detail_csv"))
    assert header == ["Month", "Channel", "Brand", "Category", "SKU", "Product", "Lines", "Units", "Gross (RMB)",
                      "Refunds (RMB)", "Net (RMB)"]
    assert compared(header, rows) == sorted((tuple(map(as_csv, row)) for row in expected), key=str)
    header, *rows = xlsx_rows(offered(at, "detail_xlsx"), "Detail (by month, channel, brand, product)")
    assert compared(header, rows) == sorted((tuple(map(as_xlsx, row)) for row in expected), key=str)


def test_the_unfiltered_csv_holds_all_rows_even_when_the_table_shows_fewer(small_app, offered, monkeypatch):
    from ui import tables

    monkeypatch.setattr(tables, "DETAIL_ROWS", 3)
    at = open_page("channels")
    header, *rows = csv_rows(offered(at, "detail_csv"))
    assert compared(header, rows) == sorted((tuple(map(as_csv, row)) for row in warehouse_detail(small_app)), key=str)
    assert len(rows) == 9


def test_the_trend_plots_each_channel_s_months(small_app):
    at = open_page("channels")
    plotted = {(trace["name"], x[:10], y) for trace in traces(at, "channel_trend") for x, y in zip(trace["x"], trace["y"])}
    assert plotted == {(CHANNEL_LABELS[channel], str(month), float(net)) for month, channel, net in warehouse_rows(small_app, """
        select date_trunc('month', sale_date)::date, channel, sum(net_rmb) from sales where is_paid group by 1, 2""")}
    assert len(plotted) == 5
