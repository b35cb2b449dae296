"""One definition per KPI: orders, units and average order value over storefront + Tmall; exhibition cards
shown with the exhibition channel only and saying where their deals come from; money in one unit; one name per
lead measure on every page. Expected values come straight from the warehouse (duckdb), not from the app's queries."""
import datetime as dt
import json
from decimal import Decimal

import pytest

from analytics import queries
from analytics.filters import Filters
from apptest import no_errors, open_page
from etl import warehouse

D = dt.date


def one(db, sql, params=()):
    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


def test_orders_units_and_aov_are_storefront_and_tmall_only(demo_app):
    start, end = D(2021, 12, 1), D(2021, 12, 31)
    revenue, orders, units = one(demo_app, """
        select sum(net_rmb) filter (where is_paid),
               count(distinct (center, channel, store_or_event, order_id)) filter (where is_paid and status <> 'returned'),
               sum(qty) filter (where is_paid)
        from sales where channel in ('storefront', 'tmall') and sale_date between ? and ?""", [start, end])
    deals = one(demo_app, "select count(*) from sales where channel = 'exhibition' and sale_date between ? and ?",
                [start, end])[0]
    assert deals > 0   # December has deals: they must not count as orders
    at = open_page("overview", period="month", asof="2021-12-31")
    assert no_errors(at)
    kpis = queries.kpis(Filters(start, end))
    assert kpis["orders"] == orders and kpis["units"] == units and kpis["net_revenue"] > revenue   # deals too
    from analytics import metrics
    assert metrics.value("aov", kpis) == revenue / orders
    cards = {m.label: m for m in at.metric}
    assert cards["Orders"].value == f"{orders:,}"
    assert cards["Units sold"].value == f"{int(units):,}"
    for name in ("Orders", "Average order value", "Units sold"):
        assert "Storefront" in cards[name].help and ("deal" in cards[name].help.lower())


def test_aov_with_a_brand_filter_counts_the_brands_orders_only(small_app):
    # the small warehouse: 2020 storefront receipts 2, Tmall paid orders 2, one won deal of 120,000.00
    kpis = queries.kpis(Filters(D(2020, 1, 1), D(2020, 12, 31), brands=("宝岛酥坊",)))
    net, orders = one(small_app, """
        select sum(net_rmb), count(distinct (center, channel, store_or_event, order_id)) filter (where status <> 'returned') from sales
        where is_paid and brand = '宝岛酥坊' and channel in ('storefront', 'tmall')
          and sale_date between '2020-01-01' and '2020-12-31'""")
    assert kpis["orders"] == orders and kpis["aov"] == net / orders


def test_exhibition_cards_follow_the_channel_filter(small_app):
    labels = lambda at: [m.label for m in at.metric]  # noqa: E731
    assert "Exhibition leads" not in labels(open_page("overview", period="year", och="tmall"))
    assert "Deal amount" not in labels(open_page("overview", period="year", och=["storefront", "tmall"]))
    both = labels(open_page("overview", period="year", och="exhibition"))
    assert "Exhibition leads" in both and "Deal amount" in both
    assert "Exhibition leads" in labels(open_page("overview", period="year"))


def test_deal_card_says_which_fairs_its_deals_come_from(demo_app):
    # December 2021: no fair starts, deals of 452,300.00 from the fair of November
    leads_in_december = one(demo_app, "select count(*) from leads where event_start between '2021-12-01' and '2021-12-31'")[0]
    amount, fairs = one(demo_app, """
        select sum(deal_amount_rmb), list(distinct strftime(event_start, '%Y-%m') order by 1) from leads
        where stage = 'won' and deal_date between '2021-12-01' and '2021-12-31'""")
    assert leads_in_december == 0 and amount == Decimal("452300.00") and fairs == ["2021-11"]
    at = open_page("overview", period="month", asof="2021-12-31", lang="zh-Hant")
    cards = {m.label: m for m in at.metric}
    assert cards["展會成交額"].value == "45.23 萬元"
    assert cards["展會洽談紀錄"].value == "0"
    for label in ("展會成交額", "展會洽談紀錄"):
        assert "本期成交來自 2021-11 的展會" in cards[label].help


def test_money_cards_share_one_unit(demo_app):
    for lang, unit in (("zh-Hant", "萬元"), ("zh-Hans", "万元")):
        at = open_page("overview", period="month", asof="2021-12-31", lang=lang)
        money = [m.value for m in at.metric if m.label in ("淨營收", "净营收", "客單價", "客单价", "展會成交額", "展会成交额")]
        assert len(money) == 3 and all(v.endswith(unit) for v in money), money
    at = open_page("overview", period="month", asof="2021-12-31")
    money = {m.label: m.value for m in at.metric if m.label in ("Net revenue", "Average order value", "Deal amount")}
    assert len(money) == 3 and all(v.startswith("RMB ") and v.endswith("K") for v in money.values()), money
    # the average order value keeps its digits in the larger unit: revenue / orders of December, from duckdb
    revenue, orders = one(demo_app, """
        select sum(net_rmb), count(distinct (center, channel, store_or_event, order_id)) filter (where status <> 'returned') from sales
        where is_paid and channel in ('storefront', 'tmall') and sale_date between '2021-12-01' and '2021-12-31'""")
    aov = revenue / orders / 1000   # under 1K: three significant digits
    assert money["Average order value"] == f"RMB {aov:.3f}K"
    assert money["Deal amount"] == "RMB 452.3K"


# ---- one name per measure: leads (洽談紀錄) vs companies met (洽談企業) -------------------------------

@pytest.mark.parametrize("lang, leads, companies", [
    ("zh-Hant", "洽談紀錄", "洽談企業"), ("zh-Hans", "洽谈记录", "洽谈企业"), ("en", "Leads", "Companies met")])
def test_leads_page_names_each_measure_once(demo_app, lang, leads, companies):
    rows, distinct = one(demo_app, "select count(*), count(distinct company) from leads")
    at = open_page("leads", lang=lang)
    cards = {m.label: m.value for m in at.metric}
    assert cards[leads] == f"{rows:,}"
    assert cards[companies].startswith(f"{distinct:,} ")
    funnel = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert funnel["y"][0] == leads and funnel["x"][0] == rows
    assert companies not in funnel["y"]
    events = [c["label"] for c in json.loads(at.dataframe[0].proto.columns).values() if "label" in c]
    assert leads in events and companies in events


def test_overview_and_annual_use_the_same_names(demo_app):
    overview = [m.label for m in open_page("overview", lang="zh-Hant").metric]
    assert "展會洽談紀錄" in overview and "展會洽談" not in overview
    companies = one(demo_app, "select count(distinct company) from leads where year(event_start) = 2021")[0]
    annual = {m.label: m.value for m in open_page("annual", year="2021", lang="zh-Hant").metric}
    assert annual["洽談企業"] == f"{companies} 家"
