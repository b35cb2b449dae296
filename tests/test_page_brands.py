"""Brands & products page: leaderboard, one brand's detail, the Pareto count."""
from decimal import Decimal

import pytest

from apptest import as_csv, as_xlsx, csv_rows, metrics, no_errors, open_page, traces, xlsx_rows
from conftest import warehouse_rows


def test_leaderboard_ranks_brands_by_net_revenue(small_app):
    at = open_page("brands")
    assert no_errors(at)
    board = at.dataframe[0].value
    assert list(zip(board["brand"], board["net_rmb"])) == warehouse_rows(small_app, """
        select coalesce(brand, 'Unknown'), sum(net_rmb) from sales where is_paid group by 1 order by 2 desc""") == [
        ("宝岛酥坊", Decimal("120558.99")), ("云雾茶坊", Decimal("1300.00")), ("Unknown", Decimal("99.00"))]


def test_brand_detail_follows_the_url(small_app):
    at = open_page("brands", b="云雾茶坊")
    assert metrics(at)["Net revenue"] == "RMB 1.3K"
    products = at.dataframe[1].value
    assert list(zip(products["sku"], products["net_rmb"])) == warehouse_rows(
        small_app, "select sku, sum(net_rmb) from sales where is_paid and brand = '云雾茶坊' group by 1") == [
        ("TW-A002", Decimal("1300.00"))]


def test_pareto_counts_products_to_eighty_percent(small_app):
    at = open_page("brands")
    assert metrics(at)["Products making 80% of revenue"] == "2 of 4"


def warehouse_board(db) -> list[tuple]:
    """Brand, net, share, last year's net, products for the whole range (2019-01-01 to 2020-12-01), from the sales view."""
    return warehouse_rows(db, """
        with now as (select coalesce(brand, 'Unknown') as brand, sum(net_rmb) as net, count(distinct sku) as products
                     from sales where is_paid and sale_date between '2019-01-01' and '2020-12-01' group by 1),
        before as (select coalesce(brand, 'Unknown') as brand, sum(net_rmb) as net
                   from sales where is_paid and sale_date between '2018-01-01' and '2019-12-01' group by 1)
        select brand, now.net, now.net / sum(now.net) over (), before.net, now.products
        from now left join before using (brand) order by now.net desc""")


def test_the_leaderboard_downloads_hold_the_warehouse_figures(small_app, offered):
    at = open_page("brands")
    expected = warehouse_board(small_app)
    assert [(brand, net, before) for brand, net, _, before, _ in expected] == [
        ("宝岛酥坊", Decimal("120558.99"), Decimal("128.00")), ("云雾茶坊", Decimal("1300.00"), Decimal("780.00")),
        ("Unknown", Decimal("99.00"), None)]
    header, *rows = csv_rows(offered(at, "board_csv"))
    assert header == ["Brand", "Net (RMB)", "Share", "Last year (RMB)", "vs last year", "Products", "Channels"]
    # like for like: the year before the default range (from 2018-01-01) begins before the data, so no brand is
    # compared and the last-year column is empty rather than a part-year figure
    assert [[r[0], r[1], r[2], r[3], r[4], r[5]] for r in rows] == [
        [brand, as_csv(net), repr(share), "", "", str(products)] for brand, net, share, before, products in expected]
    header, *rows = xlsx_rows(offered(at, "board_xlsx"), "Brand leaderboard")
    assert [(r[0], r[1], r[3], r[5]) for r in rows] == [
        tuple(map(as_xlsx, (brand, net, None, products))) for brand, net, _, before, products in expected]
    # openpyxl writes a float's 16 significant digits, so the share's 17th is lost on the way
    assert [r[2] for r in rows] == [pytest.approx(share, rel=1e-15) for _, _, share, _, _ in expected]


def test_the_brand_charts_plot_its_months_and_channels(small_app):
    at = open_page("brands", b="宝岛酥坊")
    months = warehouse_rows(small_app, """select strftime(date_trunc('month', sale_date), '%Y-%m-%d'), channel, sum(net_rmb)
        from sales where is_paid and brand = '宝岛酥坊' group by 1, 2""")
    labels = {"storefront": "Storefront", "exhibition": "Exhibitions", "tmall": "Tmall"}
    assert {(t["name"], x, y) for t in traces(at, "brand_trend") for x, y in zip(t["x"], t["y"])} == {
        (labels[channel], month, float(net)) for month, channel, net in months}
    (mix,) = traces(at, "brand_mix")
    assert dict(zip(mix["labels"], mix["values"])) == {labels[channel]: float(net) for channel, net in warehouse_rows(
        small_app, "select channel, sum(net_rmb) from sales where is_paid and brand = '宝岛酥坊' group by 1")}
