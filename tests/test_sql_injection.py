"""Injection strings through every filter (by URL and straight into the queries) are data, never SQL;
the app's connection cannot reach files outside the warehouse or change it."""
import datetime as dt
import inspect

import duckdb
import pandas as pd
import pytest

from analytics import queries
from analytics.db import reader
from analytics.filters import Filters
from apptest import no_errors, open_page

INJECTIONS = [
    "x'); drop table loads; --",
    "' or 1=1 --",
    "\\'; select 1; --",
    "tmall' or '1'='1",
    "宝岛酥坊'; delete from sales; --",
]
NOTHING_SUCH = "no such value"
ALL_TIME = Filters(dt.date(2019, 1, 1), dt.date(2021, 12, 31))
FILTER_FIELDS = ("channels", "brands", "categories", "products", "centers")

# every named query that takes the analyst's filters, with its other arguments
CALLS = {
    "kpis": lambda f: queries.kpis(f),
    "kpi_series": lambda f: queries.kpi_series(f, "month"),
    "revenue_trend": lambda f: queries.revenue_trend(f, "week"),
    "channel_mix": lambda f: queries.channel_mix(f),
    "top_brands": lambda f: queries.top_brands(f),
    "top_products": lambda f: queries.top_products(f),
    "largest_drops": lambda f: queries.largest_drops(f),
    "brand_counts": lambda f: queries.brand_counts(f, "month"),
    "sales_detail": lambda f: queries.sales_detail(f),
    "brand_leaderboard": lambda f: queries.brand_leaderboard(f),
    "brand_products": lambda f: queries.brand_products(f, "宝岛酥坊"),
    "brand_trend": lambda f: queries.brand_trend(f, "宝岛酥坊"),
    "product_pareto": lambda f: queries.product_pareto(f),
    "lead_stages": lambda f: queries.lead_stages(f),
    "leads_by_event": lambda f: queries.leads_by_event(f),
    "deal_sizes": lambda f: queries.deal_sizes(f),
    "leads_by": lambda f: queries.leads_by(f, "province"),
    "lead_table": lambda f: queries.lead_table(f),
    "deal_fairs": lambda f: queries.deal_fairs(f),
    "center_revenue": lambda f: queries.center_revenue(f),
    "center_channel_revenue": lambda f: queries.center_channel_revenue(f),
}


def assert_same(got, expected):
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    else:
        assert got == expected


def assert_warehouse_intact(db):
    counts = reader(db).query("select (select count(*) from loads) as loads, (select count(*) from sales) as sales, "
                              "(select count(*) from leads) as leads")
    assert counts.to_dict("records") == [{"loads": 6, "sales": 11, "leads": 3}]


def test_every_query_taking_filters_is_exercised():
    taking_filters = {name for name, fn in inspect.getmembers(queries, inspect.isfunction)
                      if fn.__module__ == queries.__name__
                      and any(p.annotation in (Filters, "Filters") for p in inspect.signature(fn).parameters.values())}
    assert taking_filters == set(CALLS)


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("field", FILTER_FIELDS)
def test_an_injection_in_a_filter_is_an_unknown_value(small_app, field, value):
    hostile = ALL_TIME.narrowed(**{field: (value,)})
    unknown = ALL_TIME.narrowed(**{field: (NOTHING_SUCH,)})
    for name, call in CALLS.items():
        assert_same(call(hostile), call(unknown))
    assert queries.sales_detail(hostile).empty
    assert {k: queries.kpis(hostile)[k] for k in ("net_revenue", "orders", "units")} == {
        "net_revenue": 0, "orders": 0, "units": 0}
    assert_warehouse_intact(small_app)


@pytest.mark.parametrize("value", INJECTIONS)
def test_an_injection_as_the_brand_matches_no_lead_and_no_product(small_app, value):
    hostile = ALL_TIME.narrowed(brands=(value,))
    assert queries.lead_table(hostile).empty
    assert queries.brand_leaderboard(hostile).empty
    assert queries.brand_products(ALL_TIME, value).empty
    assert queries.brand_trend(ALL_TIME, value).empty
    assert_warehouse_intact(small_app)


@pytest.mark.parametrize("value", INJECTIONS)
def test_identifiers_come_only_from_an_allowlist(small_app, value):
    with pytest.raises(ValueError):
        queries.grain_of(value)
    with pytest.raises(ValueError):
        queries.revenue_trend(ALL_TIME, value)
    with pytest.raises(KeyError):
        queries.leads_by(ALL_TIME, value)


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("page, own", [("channels", ("cgrain",)), ("brands", ("b",)), ("leads", ())])
def test_injections_in_every_url_filter_are_ignored(small_app, page, own, value):
    shared = ("ch", "brand", "cat", "sku", "from", "to")
    at = open_page(page, **{key: value for key in shared + own})
    assert no_errors(at)
    assert [(w.key, w.value) for w in at.sidebar.multiselect] == [("ch", []), ("brand", []), ("cat", []), ("sku", [])]
    assert [w.value for w in at.sidebar.date_input] == [dt.date(2019, 1, 1), dt.date(2020, 12, 1)]
    assert at.query_params == {}
    assert_warehouse_intact(small_app)


@pytest.mark.parametrize("value", INJECTIONS)
def test_injections_in_the_other_pages_url_are_ignored(small_app, value):
    overview = open_page("overview", och=value, period=value, asof=value, grain=value, lang=value)
    annual = open_page("annual", year=value)
    data = open_page("data", view=value)
    assert no_errors(overview) and no_errors(annual) and no_errors(data)
    assert overview.title[0].value == "Overview"
    assert annual.title[0].value == "Results 2019"     # the default: the latest complete year
    assert data.title[0].value == "Data"
    assert_warehouse_intact(small_app)


def test_the_channels_detail_is_unnarrowed_by_an_injected_url(small_app):
    at = open_page("channels", ch=INJECTIONS[1], brand=INJECTIONS[0])
    assert len(at.dataframe[0].value) == 9


@pytest.fixture
def outside(tmp_path):
    """Things outside the warehouse that a connection without the lockdown reaches: a DuckDB file, a CSV."""
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("create table secrets as select 42 as answer")
    (tmp_path / "other.csv").write_text("answer\n42\n", encoding="utf-8")
    return tmp_path


LOCKED_OUT = "disabled by configuration|disabled through configuration"
REACHING_OUT = [
    "select * from read_csv('{dir}/other.csv')",
    "select * from read_text('{dir}/other.csv')",
    "select * from '{dir}/other.duckdb'",
    "copy (select * from loads) to '{dir}/leak.csv'",
    "attach '{dir}/other.duckdb' as other (read_only)",
    "install httpfs",   # without the lockdown: a download attempt (an IO error here, offline), not a refusal
    "load httpfs",
]


@pytest.mark.parametrize("sql", REACHING_OUT)
def test_the_app_connection_reaches_nothing_but_the_warehouse(small_app, outside, sql):
    with pytest.raises(duckdb.PermissionException, match=LOCKED_OUT):
        reader(small_app).query(sql.format(dir=outside))
    assert not (outside / "leak.csv").exists()
    assert_warehouse_intact(small_app)


@pytest.mark.parametrize("sql", REACHING_OUT[:5])
def test_without_the_lockdown_those_statements_would_reach_out(small_warehouse, outside, sql):
    """The control: a plain read-only connection (to a copy, since one file takes one set of settings) does them."""
    import shutil

    copy = outside / "copy.duckdb"
    shutil.copyfile(small_warehouse, copy)
    with duckdb.connect(str(copy), read_only=True) as con:
        con.execute(sql.format(dir=outside))


@pytest.mark.parametrize("sql", ["drop table loads", "delete from loads", "insert into loads (load_id) values (99)"])
def test_the_app_connection_changes_nothing(small_app, sql):
    with pytest.raises(duckdb.Error, match="read-only"):
        reader(small_app).query(sql)
    assert_warehouse_intact(small_app)
