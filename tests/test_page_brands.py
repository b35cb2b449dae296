"""Brands & products page: leaderboard, one brand's detail, the Pareto count."""
from decimal import Decimal

from apptest import metrics, no_errors, open_page
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
