"""Brands & products page: leaderboard, one brand's detail, the Pareto count."""
from decimal import Decimal

from apptest import metrics, no_errors, open_page


def test_leaderboard_ranks_brands_by_net_revenue(small_app):
    at = open_page("brands")
    assert no_errors(at)
    board = at.dataframe[0].value
    assert list(board["brand"]) == ["宝岛酥坊", "云雾茶坊", "Unknown"]
    assert list(board["net_rmb"]) == [Decimal("120430.99"), Decimal("520.00"), Decimal("99.00")]


def test_brand_detail_follows_the_url(small_app):
    at = open_page("brands", b="云雾茶坊")
    assert metrics(at)["Net revenue"] == "RMB 520.00"
    assert list(at.dataframe[1].value["sku"]) == ["TW-A002"]


def test_pareto_counts_products_to_eighty_percent(small_app):
    at = open_page("brands")
    assert metrics(at)["Products making 80% of revenue"] == "2 of 4"
