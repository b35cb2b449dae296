"""Like-for-like comparisons: a 同比 / 环比 is shown only when both windows lie wholly inside the data, over the same days.

Expected figures are computed here straight from the warehouse with duckdb, never from the app's queries.
"""
import datetime as dt
from decimal import Decimal

import pytest

from analytics import metrics
from analytics.filters import Filters
from apptest import no_errors, open_page
from etl import warehouse

D = dt.date
SPAN = (D(2019, 1, 1), D(2021, 12, 31))


def sums_by_brand(db, start, end) -> dict:
    con = warehouse.connect(db, read_only=True)  # the app's own settings, so both may be open
    try:
        rows = con.execute("select coalesce(brand, '__unknown__'), sum(net_rmb) from sales "
                           "where is_paid and sale_date between ? and ? group by 1", [start, end]).fetchall()
    finally:
        con.close()
    return dict(rows)


def net(db, start, end, channels=None) -> Decimal:
    con = warehouse.connect(db, read_only=True)  # the app's own settings, so both may be open
    try:
        sql = "select coalesce(sum(net_rmb), 0) from sales where is_paid and sale_date between ? and ?"
        params = [start, end]
        if channels:
            sql += " and list_contains(?, channel)"
            params.append(list(channels))
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


# ---- the rule itself --------------------------------------------------------------------------

@pytest.mark.parametrize("current, earlier, expected", [
    ((D(2021, 1, 1), D(2021, 12, 31)), (D(2020, 1, 1), D(2020, 12, 31)), None),
    ((D(2019, 1, 1), D(2021, 12, 31)), (D(2018, 1, 1), D(2020, 12, 31)), "compare.before_data"),
    ((D(2019, 1, 1), D(2019, 12, 31)), (D(2018, 1, 1), D(2018, 12, 31)), "compare.before_data"),
    ((D(2020, 1, 1), D(2020, 1, 1)), (D(2019, 1, 1), D(2019, 1, 1)), None),         # the first day counts
    ((D(2019, 1, 2), D(2019, 1, 2)), (D(2019, 1, 1), D(2019, 1, 1)), None),
    ((D(2021, 7, 1), D(2022, 6, 30)), (D(2020, 7, 1), D(2021, 6, 30)), "compare.after_data"),
])
def test_a_comparison_needs_both_windows_inside_the_data(current, earlier, expected):
    assert metrics.comparison_gap(current, earlier, SPAN) == expected


def test_no_data_no_comparison():
    assert metrics.comparison_gap((D(2021, 1, 1), D(2021, 1, 2)), (D(2020, 1, 1), D(2020, 1, 2)), None) == "compare.no_data"
    assert metrics.compared(10, 5, "compare.before_data") is None
    assert metrics.compared(Decimal("15"), Decimal("10"), None) == 0.5


@pytest.mark.parametrize("period, as_of, last_year, previous", [
    ("month", D(2021, 12, 15), (D(2020, 12, 1), D(2020, 12, 15)), (D(2021, 11, 1), D(2021, 11, 15))),
    ("month", D(2021, 3, 31), (D(2020, 3, 1), D(2020, 3, 31)), (D(2021, 2, 1), D(2021, 2, 28))),
    ("month", D(2020, 2, 29), (D(2019, 2, 1), D(2019, 2, 28)), (D(2020, 1, 1), D(2020, 1, 29))),
    ("year", D(2021, 6, 30), (D(2020, 1, 1), D(2020, 6, 30)), (D(2020, 1, 1), D(2020, 6, 30))),
    ("week", D(2021, 12, 15), (D(2020, 12, 13), D(2020, 12, 15)), (D(2021, 12, 6), D(2021, 12, 8))),
])
def test_a_period_to_date_is_compared_with_the_same_days(period, as_of, last_year, previous):
    ranges = metrics.comparisons(Filters(D(2019, 1, 1), as_of), period)
    assert (ranges["last_year"].start, ranges["last_year"].end) == last_year
    assert (ranges["previous"].start, ranges["previous"].end) == previous
    assert ranges["current"].end == as_of


def test_the_last_complete_year_is_the_last_one_reaching_31_december():
    assert metrics.last_complete_year([2019, 2020, 2021], SPAN) == 2021
    assert metrics.last_complete_year([2019, 2020, 2021, 2022], (D(2019, 1, 1), D(2022, 1, 5))) == 2021
    assert metrics.last_complete_year([2020], (D(2020, 1, 5), D(2020, 12, 1))) == 2020   # none complete: the latest


# ---- Brands & products ------------------------------------------------------------------------

def test_default_range_shows_no_change_and_says_why(demo_app):
    at = open_page("brands")
    assert no_errors(at)
    board = at.dataframe[0].value
    assert board["change_pct"].isna().all() and board["net_rmb_last_year"].isna().all()
    why = ("Not compared: the earlier window 2018-01-01 to 2020-12-31 begins before the data does (2019-01-01), "
           "so part of it has no data.")
    assert why.replace("-", "\\-").replace("(", "\\(").replace(")", "\\)").replace(".", "\\.") in \
        [c.value for c in at.caption] or why in [c.value.replace("\\", "") for c in at.caption]
    assert at.metric[2].label == "vs last year" and at.metric[2].value == "–"
    assert "begins before the data does" in at.metric[2].help
    column = at.dataframe[0].proto.columns
    assert "begins before the data does" in column


def test_2021_change_per_brand_is_2021_on_2020(demo_app):
    at = open_page("brands", **{"from": "2021-01-01", "to": "2021-12-31"})
    board = at.dataframe[0].value.set_index("brand")
    now = sums_by_brand(demo_app, D(2021, 1, 1), D(2021, 12, 31))
    before = sums_by_brand(demo_app, D(2020, 1, 1), D(2020, 12, 31))
    assert len(board) == len(now)
    for code, value in now.items():
        brand = "Unknown" if code == "__unknown__" else code   # as the table labels it
        expected = (value - before[code]) / before[code] if before.get(code) else None
        got = board.at[brand, "change_pct"]
        assert Decimal(str(board.at[brand, "net_rmb"])) == value
        if expected is None:
            assert got is None or got != got
        else:
            assert abs(Decimal(str(got)) - expected) < Decimal("1e-12"), brand
    assert not [c for c in at.caption if "Not compared" in c.value]


def test_a_range_past_the_data_has_no_change(demo_app):
    # 2019-06-01 .. 2019-12-31 against 2018: before the data
    at = open_page("brands", **{"from": "2019-06-01", "to": "2019-12-31"})
    assert at.dataframe[0].value["change_pct"].isna().all()


# ---- Overview ---------------------------------------------------------------------------------

def cards(at):
    return {m.label: m for m in at.metric}


def test_month_to_date_is_compared_with_the_same_days(demo_app):
    at = open_page("overview", period="month", asof="2021-12-15")
    assert no_errors(at)
    now = net(demo_app, D(2021, 12, 1), D(2021, 12, 15))
    last_year = net(demo_app, D(2020, 12, 1), D(2020, 12, 15))
    previous = net(demo_app, D(2021, 11, 1), D(2021, 11, 15))
    card = cards(at)["Net revenue"]
    assert card.proto.delta == f"{float((now - last_year) / last_year) * 100:+.1f}%"
    pop = f"{float((now - previous) / previous) * 100:+.1f}%"
    assert any(c.value.replace("\\", "") == f"vs previous period {pop}" for c in at.caption)


def test_year_to_date_is_compared_with_the_same_days_last_year(demo_app):
    at = open_page("overview", period="year", asof="2021-06-30")
    now = net(demo_app, D(2021, 1, 1), D(2021, 6, 30))
    before = net(demo_app, D(2020, 1, 1), D(2020, 6, 30))
    assert cards(at)["Net revenue"].proto.delta == f"{float((now - before) / before) * 100:+.1f}%"


def test_a_period_whose_last_year_has_no_data_shows_no_change(demo_app):
    at = open_page("overview", period="month", asof="2019-03-15")
    for card in at.metric:
        assert not card.proto.delta, card.label
        assert "begins before the data does" in card.help
    # 环比: February 2019 lies inside the data, so it is shown
    now = net(demo_app, D(2019, 3, 1), D(2019, 3, 15))
    previous = net(demo_app, D(2019, 2, 1), D(2019, 2, 15))
    pop = f"{float((now - previous) / previous) * 100:+.1f}%"
    assert any(c.value.replace("\\", "") == f"vs previous period {pop}" for c in at.caption)
    # needs attention compares with last year too: it says why instead
    assert [i.value.replace("\\", "") for i in at.info] == [
        "Not compared: the earlier window 2018-03-01 to 2018-03-15 begins before the data does (2019-01-01), "
        "so part of it has no data."]


def test_previous_period_before_the_data_says_why(demo_app):
    at = open_page("overview", period="month", asof="2019-01-20")
    captions = [c for c in at.caption if c.value.startswith("vs previous period")]
    assert captions and all("earlier window before the data" in c.value for c in captions)
    assert all("begins before the data does" in c.help for c in captions)


# ---- Annual results ---------------------------------------------------------------------------

def test_annual_change_is_the_year_on_the_year_before(demo_app):
    at = open_page("annual", year="2021")
    now = net(demo_app, D(2021, 1, 1), D(2021, 12, 31), ["storefront"])
    before = net(demo_app, D(2020, 1, 1), D(2020, 12, 31), ["storefront"])
    card = cards(at)["Sales"]
    assert card.proto.delta == f"{float((now - before) / before) * 100:+.1f}%"

    from analytics import queries
    from ui import annual_report
    results = annual_report.figures(queries.annual_results([2020, 2021]), 2021, SPAN)
    assert results["storefront.net_revenue"] == now and results["storefront.net_revenue_before"] == before
    assert annual_report.change(results, "storefront.net_revenue") == float((now - before) / before)


def test_the_first_year_has_no_change_and_says_why(demo_app):
    at = open_page("annual", year="2019")
    for card in at.metric:
        assert not card.proto.delta
        assert "begins before the data does" in card.help
    table = at.dataframe[0].value
    assert list(table["Change"]) == ["–"] * 5
