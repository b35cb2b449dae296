"""Named queries: each function returns what its name says, from the warehouse views, with bound parameters."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from analytics import access, measures, metrics
from analytics.db import query
from analytics.filters import Filters, center_where, leads_where, sales_where
from etl import channels as registry

GRAINS = {"day", "week", "month", "quarter", "year"}
BRAND = "coalesce(brand, '__unknown__')"
CATEGORY = "coalesce(category, '__unknown__')"


def grain_of(grain: str) -> str:
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    return grain


# ---- frame: dates and freshness -------------------------------------------------------------

def date_bounds() -> tuple[dt.date, dt.date] | None:
    """First and last day with a paid sale."""
    centers, params = center_where()
    row = query(f"select min(sale_date) as first, max(sale_date) as last from sales_daily where {centers}", params)
    if row.empty or pd.isna(row.at[0, "first"]):
        return None
    return row.at[0, "first"], row.at[0, "last"]


def data_span() -> tuple[dt.date, dt.date] | None:
    """The data's first and last day: any paid sale or won deal (sale_date), any fair (its start).

    Every 同比 / 环比 is shown only when its windows lie wholly inside this span (metrics.comparison_gap).
    """
    centers, params = center_where()
    row = query(f"""
        select min(day) as first, max(day) as last from (
            select min(sale_date) as day from sales_daily where {centers}
            union all select max(sale_date) from sales_daily where {centers}
            union all select min(event_start) from leads where {centers}
            union all select max(event_start) from leads where {centers})""", params * 4)
    if row.empty or pd.isna(row.at[0, "first"]):
        return None
    return pd.Timestamp(row.at[0, "first"]).date(), pd.Timestamp(row.at[0, "last"]).date()


def lake_snapshot() -> tuple[str, pd.Timestamp] | None:
    """(snapshot id, commit time) of the lake snapshot the read cache holds; None when reading a warehouse."""
    row = query("select max(value) filter (where key = 'lake_snapshot_id') as id, "
                "max(value) filter (where key = 'lake_committed_at') as at from meta")
    if row.empty or pd.isna(row.at[0, "id"]) or not row.at[0, "id"]:   # a warehouse's meta has no such key
        return None
    return row.at[0, "id"], pd.Timestamp(row.at[0, "at"])


def freshness() -> pd.DataFrame:
    """Per channel (in the registry's order): the last day with a sale, and when its last file was loaded."""
    centers, params = center_where()
    return query(f"""
        with last_sale as (
            select channel, max(sale_date) as last_sale, sum(lines) as lines from sales_daily where {centers} group by channel
        ),
        last_load as (
            select channel, max(finished_at) as last_loaded, count(*) as files
            from loads where status = 'loaded' and channel is not null and {centers} group by 1
        ),
        channels as (select unnest(?::varchar[]) as channel, generate_subscripts(?::varchar[], 1) as position)
        select channel, last_sale, lines, last_loaded, files
        from channels join (last_sale full join last_load using (channel)) using (channel)
        order by position""", [*params, *params, list(registry.codes()), list(registry.codes())])


def centers() -> pd.DataFrame:
    """The centers the reader may see (whatever the frame's pick), in code order: code, name, city, opening day."""
    where, params = center_where(picked=False)
    return query(f"select center, center_name, city, opened_on from centers where {where} order by center", params)


def filter_options() -> pd.DataFrame:
    """Every brand, category and product that sold, for the filter widgets."""
    centers, params = center_where()
    return query(f"""
        select {BRAND} as brand, {CATEGORY} as category, sku, any_value(product_name) as product_name
        from sales_daily where {centers} group by all order by brand, category, sku""", params)


# ---- overview ---------------------------------------------------------------------------------

def card_wants() -> list[measures.Want]:
    return [measures.Want(m.key, m) for m in metrics.CARDS]


def kpis(f: Filters) -> dict:
    """Every overview card's metric over one date range (definitions: analytics.metrics)."""
    return measures.one(f, card_wants())


def deal_fairs(f: Filters) -> list[dt.date]:
    """The months (first days) of the fairs whose won deals are dated in the range: where a period's deals come from."""
    centers, params = center_where(f)
    rows = query(f"""
        select distinct date_trunc('month', event_start)::date as fair_month from leads
        where stage = 'won' and deal_date between ? and ? and {centers} order by 1""", [f.start, f.end, *params])
    return [pd.Timestamp(d).date() for d in rows["fair_month"]]


def kpi_series(f: Filters, grain: str) -> pd.DataFrame:
    """The overview cards' metrics per period (day/week/month/...) over the filter's range."""
    return measures.evaluate(f, card_wants(), grain_of(grain)).rename(columns={"grp": "period"})


def revenue_trend(f: Filters, grain: str) -> pd.DataFrame:
    """Net revenue per period and channel."""
    where, params = sales_where(f)
    return query(f"""
        select date_trunc(?, sale_date) as period, channel, sum(net_rmb) as net_rmb
        from sales_daily where {where} group by 1, 2 order by 1, 2""", [grain_of(grain), *params])


def channel_mix(f: Filters) -> pd.DataFrame:
    where, params = sales_where(f)
    return query(f"""
        select channel, sum(net_rmb) as net_rmb from sales_daily where {where} group by 1 order by 2 desc""", params)


def top_brands(f: Filters, n: int = 10) -> pd.DataFrame:
    where, params = sales_where(f)
    return query(f"""
        select {BRAND} as brand, sum(net_rmb) as net_rmb
        from sales_daily where {where} group by 1 order by 2 desc, 1 limit ?""", [*params, n])


def top_products(f: Filters, n: int = 10) -> pd.DataFrame:
    where, params = sales_where(f)
    return query(f"""
        select sku, any_value(product_name) as product_name, any_value({BRAND}) as brand,
               sum(net_rmb) as net_rmb, sum(qty) as qty
        from sales_daily where {where} and sku is not null group by 1 order by 4 desc, 1 limit ?""", [*params, n])


def largest_drops(f: Filters, n: int = 5) -> pd.DataFrame:
    """Brands whose net revenue fell most against the same dates a year earlier."""
    where, params = sales_where(f)
    where_before, params_before = sales_where(f.shifted_years(-1))
    return query(f"""
        with now as (select {BRAND} as brand, sum(net_rmb) as net_rmb from sales_daily where {where} group by 1),
        before as (select {BRAND} as brand, sum(net_rmb) as net_rmb from sales_daily where {where_before} group by 1)
        select
            brand,
            coalesce(now.net_rmb, 0) as net_rmb,
            before.net_rmb as net_rmb_last_year,
            coalesce(now.net_rmb, 0) - before.net_rmb as change_rmb,
            (coalesce(now.net_rmb, 0) - before.net_rmb) / before.net_rmb as change_pct
        from before left join now using (brand)
        where before.net_rmb > 0 and coalesce(now.net_rmb, 0) < before.net_rmb
        order by change_rmb, brand limit ?""", [*params, *params_before, n])


# ---- annual results ---------------------------------------------------------------------------

def years_with_data() -> list[int]:
    centers, params = center_where()
    rows = query(f"select distinct year(sale_date) as y from sales_daily where {centers} "
                 f"union select distinct year(event_start) from leads where {centers} order by 1", params * 2)
    return [int(y) for y in rows.iloc[:, 0].dropna()]


def annual_wants() -> list[measures.Want]:
    """The figures the annual work report states: each channel's own (etl.channels: Channel.annual)."""
    return [measures.Want(f"{c.code}.{m}", metrics.get(m), (c.code,)) for c in registry.CHANNELS.values() for m in c.annual]


def annual_results(years: list[int], f: Filters | None = None) -> pd.DataFrame:
    """Per year, the figures the annual work report states for each channel (columns "<channel>.<metric>")."""
    if not years:
        return pd.DataFrame({"year": []})
    whole = Filters(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31), centers=f.centers if f else ())
    found = measures.evaluate(whole, annual_wants(), "year").rename(columns={"grp": "year"})
    every = pd.DataFrame({"year": sorted(years)})
    found["year"] = pd.to_numeric(found["year"]).astype("int64") if len(found) else found["year"]
    return every.merge(found, on="year", how="left")


def monthly_by_channel(year: int) -> pd.DataFrame:
    """Net revenue per month and channel for a year and the year before."""
    centers, params = center_where()
    return query(f"""
        select year(sale_date) as year, month(sale_date) as month, channel, sum(net_rmb) as net_rmb
        from sales_daily where sale_date between make_date(? - 1, 1, 1) and make_date(?, 12, 31) and {centers}
        group by 1, 2, 3 order by 1, 2, 3""", [year, year, *params])


# ---- network of centers -----------------------------------------------------------------------

def center_revenue(f: Filters) -> pd.DataFrame:
    """Per center the reader may see (of those picked): net revenue over the range, the same dates a year
    earlier, and its share of the network; centers without sales in the range are listed with zero."""
    want = [measures.Want("net_rmb", metrics.get("net_revenue"))]
    # a center code is text even when no row came back (an empty frame's column would be float)
    now = measures.evaluate(f, want, "center").rename(columns={"grp": "center"}).astype({"center": object})
    before = measures.evaluate(f.shifted_years(-1), want, "center").rename(
        columns={"grp": "center", "net_rmb": "net_rmb_last_year"}).astype({"center": object})
    listed = centers()
    picked = f.centers or access.chosen()
    if picked:
        listed = listed[listed["center"].isin(picked)]
    out = listed.merge(now, on="center", how="left").merge(before, on="center", how="left")
    out["net_rmb"] = out["net_rmb"].map(lambda v: v if v is not None and v == v else Decimal(0))
    total = sum(out["net_rmb"], Decimal(0))
    out["share"] = [float(v / total) if total else None for v in out["net_rmb"]]
    return out.sort_values(["net_rmb", "center"], ascending=[False, True], ignore_index=True)


def center_channel_revenue(f: Filters) -> pd.DataFrame:
    """Net revenue per center and channel over the range (the network chart)."""
    where, params = sales_where(f)
    return query(f"""
        select center, channel, sum(net_rmb) as net_rmb from sales_daily where {where}
        group by 1, 2 order by 1, 2""", params)


# ---- channels ---------------------------------------------------------------------------------

def brand_counts(f: Filters, grain: str) -> pd.DataFrame:
    """Brands with sales per period and channel, split into new (first sale ever in that channel) and returning."""
    where, params = sales_where(f)
    centers, center_params = center_where(f)
    grain = grain_of(grain)
    return query(f"""
        with firsts as (
            select channel, brand, min(date_trunc(?, sale_date)) as first_period
            from sales_daily where brand is not null and {centers} group by 1, 2
        ),
        active as (
            select distinct date_trunc(?, sale_date) as period, channel, brand
            from sales_daily where {where} and brand is not null
        )
        select period, channel,
               count(*) filter (where period = first_period) as new_brands,
               count(*) filter (where period > first_period) as returning_brands
        from active join firsts using (channel, brand)
        group by 1, 2 order by 1, 2""", [grain, *center_params, grain, *params])


def sales_detail(f: Filters) -> pd.DataFrame:
    """Sales per month, channel, brand, category and product: the analyst's table and its export."""
    where, params = sales_where(f)
    return query(f"""
        select
            date_trunc('month', sale_date)::date as month,
            channel,
            {BRAND} as brand,
            {CATEGORY} as category,
            sku,
            any_value(product_name) as product_name,
            sum(lines) as lines,
            sum(qty) as qty,
            sum(gross_rmb) as gross_rmb,
            sum(refund_rmb) as refund_rmb,
            sum(net_rmb) as net_rmb
        from sales_daily where {where}
        group by 1, 2, 3, 4, 5
        order by 1 desc, 2, net_rmb desc, sku""", params)


# ---- brands and products ----------------------------------------------------------------------

def brand_leaderboard(f: Filters) -> pd.DataFrame:
    """Each brand's net revenue, share, change on the year before, products and channels."""
    where, params = sales_where(f)
    where_before, params_before = sales_where(f.shifted_years(-1))
    return query(f"""
        with now as (
            select {BRAND} as brand, sum(net_rmb) as net_rmb, count(distinct sku) as products,
                   string_agg(distinct channel, ', ' order by channel) as channels
            from sales_daily where {where} group by 1
        ),
        before as (select {BRAND} as brand, sum(net_rmb) as net_rmb from sales_daily where {where_before} group by 1)
        select
            now.brand,
            now.net_rmb,
            now.net_rmb / nullif(sum(now.net_rmb) over (), 0) as share,
            before.net_rmb as net_rmb_last_year,
            (now.net_rmb - before.net_rmb) / nullif(before.net_rmb, 0) as change_pct,
            now.products,
            now.channels
        from now left join before using (brand)
        order by now.net_rmb desc, now.brand""", [*params, *params_before])


def brand_products(f: Filters, brand: str) -> pd.DataFrame:
    where, params = sales_where(f.narrowed(brands=(brand,)))
    return query(f"""
        select sku, any_value(product_name) as product_name, any_value({CATEGORY}) as category,
               sum(qty) as qty, sum(net_rmb) as net_rmb
        from sales_daily where {where} and sku is not null group by 1 order by net_rmb desc, sku""", params)


def brand_trend(f: Filters, brand: str) -> pd.DataFrame:
    where, params = sales_where(f.narrowed(brands=(brand,)))
    return query(f"""
        select date_trunc('month', sale_date)::date as period, channel, sum(net_rmb) as net_rmb
        from sales_daily where {where} group by 1, 2 order by 1, 2""", params)


def product_pareto(f: Filters) -> pd.DataFrame:
    """Products by net revenue, largest first, with the cumulative share of the total."""
    where, params = sales_where(f)
    return query(f"""
        with p as (
            select sku, any_value(product_name) as product_name, any_value({BRAND}) as brand, sum(net_rmb) as net_rmb
            from sales_daily where {where} and sku is not null group by 1
            having sum(net_rmb) > 0
        )
        select
            row_number() over (order by net_rmb desc, sku) as rank,
            sku, product_name, brand, net_rmb,
            sum(net_rmb) over (order by net_rmb desc, sku rows unbounded preceding) / sum(net_rmb) over () as cumulative_share
        from p order by rank""", params)


# ---- exhibition leads -------------------------------------------------------------------------

def lead_stages(f: Filters) -> pd.DataFrame:
    where, params = leads_where(f)
    return query(f"""
        select stage, count(*) as leads, count(distinct company) as companies, coalesce(sum(deal_amount_rmb), 0) as deal_amount_rmb
        from leads where {where} group by 1""", params)


def leads_by_event(f: Filters) -> pd.DataFrame:
    where, params = leads_where(f)
    return query(f"""
        select event, min(event_start) as event_start, any_value(city) as city, count(*) as leads,
               count(distinct company) as companies,
               count(*) filter (where stage = 'won') as won,
               coalesce(sum(deal_amount_rmb), 0) as deal_amount_rmb
        from leads where {where} group by event, year(event_start) order by event_start, event""", params)


def deal_sizes(f: Filters) -> pd.DataFrame:
    where, params = leads_where(f)
    return query(f"select deal_amount_rmb from leads where {where} and stage = 'won' order by 1", params)


def leads_by(f: Filters, dimension: str) -> pd.DataFrame:
    """Leads and won deals per province or industry."""
    column = {"province": "province", "industry": "industry"}[dimension]
    where, params = leads_where(f)
    return query(f"""
        select coalesce({column}, '__unknown__') as {column}, count(*) as leads, count(*) filter (where stage = 'won') as won
        from leads where {where} group by 1 order by leads desc, 1""", params)


def lead_table(f: Filters) -> pd.DataFrame:
    """The leads themselves, without any contact's personal data (the warehouse holds none)."""
    where, params = leads_where(f)
    return query(f"""
        select event, event_start, city, company, industry, province, brand_interest, stage, deal_amount_rmb, deal_date
        from leads where {where} order by event_start, event, company""", params)


# ---- data -------------------------------------------------------------------------------------

def load_history() -> pd.DataFrame:
    """Every file given, with what it read and where that went: read = loaded + rejected + superseded, in rows and RMB.
    A reader limited to centers sees their centers' loads and the network-wide ones (master, centers, targets)."""
    centers, params = center_where()
    return query(f"""
        select load_id, file_name, status,
               status <> 'loaded' or (rows_read = rows_loaded + rows_rejected + rows_superseded
                   and (amount_read is null or amount_read = amount_loaded + amount_rejected + amount_superseded)) as balances,
               rows_read, rows_loaded, rows_rejected, rows_superseded, amount_read, amount_loaded, amount_rejected,
               amount_superseded, rows_replaced, rows_replaced_later, format, center, started_at, finished_at, message
        from loads where center is null or {centers} order by load_id desc""", params)


def barcode_conflicts() -> pd.DataFrame:
    """Barcodes that more than one product carries, how each was resolved, and what sold under it."""
    centers, params = center_where(column="d.center")
    return query(f"""
        select c.code, c.skus, c.product_names, c.standing_sku, c.resolution,
               coalesce(sum(d.lines), 0) as lines, coalesce(sum(d.net_rmb), 0) as net_rmb
        from barcode_conflicts as c
        left join sales_daily as d on d.sku = coalesce(c.standing_sku, c.code)
            and list_contains(?::varchar[], d.channel) and {centers}
        group by all order by c.code""", [list(registry.order_channels()), *params])


def reject_list(limit: int = 5000) -> pd.DataFrame:
    centers, params = center_where(column="l.center")
    return query(f"""
        select l.file_name, r.load_id, r.row_no, r.column_name, r.reason, r.detail
        from rejects as r join loads as l using (load_id)
        where l.center is null or {centers}
        order by r.load_id desc, r.row_no limit ?""", [*params, limit])


def unknown_products() -> pd.DataFrame:
    """Codes sold in the order channels that the product master does not know."""
    centers, params = center_where()
    return query(f"""
        select channel, sku as code, any_value(product_name) as product_name, sum(lines) as lines, sum(net_rmb) as net_rmb,
               min(sale_date) as first_sold, max(sale_date) as last_sold
        from sales_daily where list_contains(?::varchar[], channel) and brand is null and {centers}
        group by channel, sku order by net_rmb desc, code""", [list(registry.order_channels()), *params])
